package handlers

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
)

func TestPageLanguage(t *testing.T) {
	tests := []struct {
		name     string
		path     string
		headers  []string
		wantLang string
		wantH1   string
	}{
		{"DefaultEnglish", "/", nil, "en", "How can we help?"},
		{"AcceptSpanish", "/", []string{"Accept-Language", "es-MX,es;q=0.9,en;q=0.5"}, "es", "¿Cómo podemos ayudarte?"},
		{"AcceptUnsupported", "/", []string{"Accept-Language", "fr-FR,fr;q=0.9"}, "en", "How can we help?"},
		{"AcceptPrefersEnglish", "/", []string{"Accept-Language", "en-GB,es;q=0.5"}, "en", "How can we help?"},
		{"SwitchToSpanish", "/?lang=es", []string{"Accept-Language", "en"}, "es", "¿Cómo podemos ayudarte?"},
		{"CookieBeatsAccept", "/", []string{"Accept-Language", "es", "Cookie", "lang=en"}, "en", "How can we help?"},
		{"CookieSpanish", "/", []string{"Cookie", "lang=es"}, "es", "¿Cómo podemos ayudarte?"},
		{"BadSwitchIgnored", "/?lang=xx", []string{"Accept-Language", "es"}, "es", "¿Cómo podemos ayudarte?"},
	}
	s := newTestServer(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := s.newBrowser(t).do(t, "GET", tc.path, "", nil, tc.headers...)
			d := html(t, r)
			if got := one(t, d, "html").AttrOr("lang", ""); got != tc.wantLang {
				t.Errorf("<html lang=%q>, want %q", got, tc.wantLang)
			}
			if got := text(one(t, d, "h1")); got != tc.wantH1 {
				t.Errorf("h1 %q, want %q", got, tc.wantH1)
			}
			other := map[string]string{"en": "es", "es": "en"}[tc.wantLang]
			sw := one(t, d, `a[data-testid="lang-switch"]`)
			if got := sw.AttrOr("hreflang", ""); got != other {
				t.Errorf("switch hreflang %q, want %q", got, other)
			}
			if got := sw.AttrOr("href", ""); got != "/?lang="+other {
				t.Errorf("switch href %q", got)
			}
			if !strings.Contains(r.Header.Get("Vary"), "Accept-Language") {
				t.Errorf("Vary %q", r.Header.Get("Vary"))
			}
		})
	}
}

// The switch's choice is remembered: the next page, with no ?lang, keeps it.
func TestLanguageSwitchRemembered(t *testing.T) {
	s := newTestServer(t)
	b := s.newBrowser(t)
	r := b.do(t, "GET", "/?lang=es", "", nil, "Accept-Language", "en")
	var cookie *http.Cookie
	for _, c := range r.Cookies() {
		if c.Name == web.LangCookie {
			cookie = c
		}
	}
	if cookie == nil || cookie.Value != "es" {
		t.Fatalf("no lang=es cookie: %v", r.Cookies())
	}
	if !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.MaxAge <= 0 {
		t.Errorf("cookie %+v, want HttpOnly, SameSite=Lax, lasting", cookie)
	}
	_, page := s.trackedTicket(t, nil)
	d := html(t, b.do(t, "GET", page, "", nil, "Accept-Language", "en"))
	if got := one(t, d, "html").AttrOr("lang", ""); got != "es" {
		t.Fatalf("next page in %q, want es", got)
	}
	if got := text(one(t, d, `[data-testid="ticket-number"]`)); !strings.HasPrefix(got, "Ticket n.º") {
		t.Fatalf("ticket number %q", got)
	}
}

// Dates, numbers and sizes follow the page's language, and so does the
// ticket's category; the stored ticket keeps the requester's language.
func TestTrackPageLocalised(t *testing.T) {
	s := newTestServer(t)
	s.DB.Now = func() time.Time { return time.Date(2026, 11, 27, 15, 4, 0, 0, time.UTC) }
	b := s.newBrowser(t)
	es := []string{"Accept-Language", "es"}
	token := b.formToken(t, "/", es...)
	values := supportValues()
	values["category"] = "General Inquiry"
	r := b.postMultipart(t, "/", formParts(token, values,
		part{Name: "attachments", FileName: "log.txt", Value: strings.Repeat("x", 1536)}), es...)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", r.StatusCode)
	}
	page := r.Header.Get("Location")
	id, _ := s.DB.TicketIDByToken(t.Context(), strings.TrimPrefix(page, "/track/"))
	tk, _ := s.DB.Ticket(t.Context(), id, true)
	if tk.Language != "es" {
		t.Fatalf("stored language %q", tk.Language)
	}
	if _, err := s.DB.AddMessage(t.Context(), id, db.NewMessage{Body: "Hola"}, supportAgent, 20); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		lang                  string
		date, size, category  string
		counter, currentLabel string
	}{
		{"en", "Nov 27, 2026", "1.5 KB", "General Inquiry", "10,000", "Open"},
		{"es", "27 nov 2026", "1,5 KB", "Consulta general", "10.000", "Abierto"},
	}
	for _, tc := range tests {
		t.Run(tc.lang, func(t *testing.T) {
			d := html(t, b.get(t, page+"?lang="+tc.lang))
			body := text(d.Find("main"))
			for _, want := range []string{tc.date, tc.size, tc.category} {
				if !strings.Contains(body, want) {
					t.Errorf("page lacks %q", want)
				}
			}
			if got := text(one(t, d, `[aria-current="step"]`)); !strings.Contains(got, tc.currentLabel) {
				t.Errorf("current step %q, want %q", got, tc.currentLabel)
			}
			form := html(t, b.get(t, "/?lang="+tc.lang))
			if got := text(one(t, form, "#message-hint")); !strings.Contains(got, tc.counter) {
				t.Errorf("message hint %q lacks %q", got, tc.counter)
			}
		})
	}
}
