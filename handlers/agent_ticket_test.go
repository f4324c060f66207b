package handlers

import (
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
)

func TestAgentTicketPage(t *testing.T) {
	s := newTestServer(t)
	older := s.createTicket(t, map[string]any{"subject": "Refund for the Teotihuacan tour"})
	other := s.createTicket(t, map[string]any{"email": "someone.else@example.com", "subject": "Not Ana's"})
	c := s.createTicket(t, map[string]any{"roleContext": "GUIDE", "message": "The guide never came."})
	// Same person, address typed in another case: still theirs.
	newer := s.createTicket(t, map[string]any{"email": "Ana.Martinez@Example.com", "subject": "Payout missing"})
	s.attachToTicket(t, c.ID, "receipt.png", pngBytes)
	if _, err := s.DB.AddMessage(t.Context(), c.ID, db.NewMessage{Body: "Any news?"},
		db.Actor{Type: "requester", Name: c.FullName}, 5); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.AddMessage(t.Context(), c.ID, db.NewMessage{Body: "Checking with the guide."}, supportAgent, 5); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.AddMessage(t.Context(), c.ID, db.NewMessage{Body: "Guide has two no-shows this month.", Internal: true}, supportAgent, 5); err != nil {
		t.Fatal(err)
	}
	b := s.signIn(t, db.RoleAgent)
	d := b.workspace(t, c.ID)

	t.Run("Header", func(t *testing.T) {
		if got, want := text(one(t, d, "h1")), c.Subject; got != want {
			t.Fatalf("h1 %q, want %q", got, want)
		}
		if got := text(one(t, d, `[data-testid="ticket-status"]`)); !strings.Contains(got, "Open") {
			t.Fatalf("status badge %q", got)
		}
	})
	t.Run("RequesterCard", func(t *testing.T) {
		for sel, want := range map[string]string{
			`[data-testid="requester-name"]`:     c.FullName,
			`[data-testid="requester-email"]`:    c.Email,
			`[data-testid="requester-role"]`:     "Guide",
			`[data-testid="requester-language"]`: "English",
		} {
			if got := text(one(t, d, sel)); got != want {
				t.Errorf("%s: %q, want %q", sel, got, want)
			}
		}
		if got, want := one(t, d, `[data-testid="requester-email"]`).AttrOr("href", ""), "mailto:"+c.Email; got != want {
			t.Errorf("email link %q, want %q", got, want)
		}
	})
	t.Run("OtherTickets", func(t *testing.T) {
		var got []string
		d.Find(`[data-testid="other-ticket"]`).Each(func(_ int, a *goquery.Selection) {
			got = append(got, a.AttrOr("href", ""))
		})
		want := []string{ticketPath(newer.ID), ticketPath(older.ID)} // newest first; not this one, not other's
		if !slices.Equal(got, want) {
			t.Fatalf("other tickets %v, want %v (someone else's is %d)", got, want, other.ID)
		}
	})
	t.Run("Thread", func(t *testing.T) {
		entries := d.Find(`[data-testid="entry"]`)
		var kinds []string
		entries.Each(func(_ int, e *goquery.Selection) { kinds = append(kinds, e.AttrOr("data-kind", "")) })
		if want := []string{"request", "requester", "reply", "note"}; !slices.Equal(kinds, want) {
			t.Fatalf("thread kinds %v, want %v", kinds, want)
		}
		if got := text(entries.First().Find(`[data-testid="entry-body"]`)); got != "The guide never came." {
			t.Fatalf("first entry %q, want the request", got)
		}
		if entries.First().Find(`img[src="`+ticketPath(c.ID, "files")+`/1"]`).Length() != 1 {
			t.Fatal("the request's image has no preview")
		}
		note := entries.Eq(3)
		if got := text(note.Find(`[data-testid="entry-label"]`)); got != "Internal note — not visible to the requester" {
			t.Fatalf("note label %q", got)
		}
		if note.Find(`[data-testid="entry-label"] svg`).Length() != 1 {
			t.Fatal("the note's label has no icon")
		}
		if got := text(entries.Eq(2).Find(`[data-testid="entry-label"]`)); strings.Contains(got, "Internal") {
			t.Fatalf("a public reply is labelled %q", got)
		}
	})
	t.Run("History", func(t *testing.T) {
		if got := texts(d, `[data-testid="event"] p`); len(got) != 1 || got[0] != "Ana Martinez opened the ticket with the status Open" {
			t.Fatalf("history %q", got)
		}
	})
}

// A prolific requester's card lists their ten most recent other tickets
// and says there are more.
func TestAgentTicketOtherTicketsLimit(t *testing.T) {
	s := newTestServer(t)
	var ids []int64
	for i := range 12 {
		ids = append(ids, s.createTicket(t, map[string]any{"subject": "Request " + strconv.Itoa(i)}).ID)
	}
	b := s.signIn(t, db.RoleAgent)
	d := b.workspace(t, ids[0])
	var got []string
	d.Find(`[data-testid="other-ticket"]`).Each(func(_ int, a *goquery.Selection) { got = append(got, a.AttrOr("href", "")) })
	var want []string
	for i := 11; i > 1; i-- {
		want = append(want, ticketPath(ids[i]))
	}
	if !slices.Equal(got, want) {
		t.Fatalf("other tickets %v, want %v", got, want)
	}
	if !strings.Contains(text(one(t, d, `[data-testid="requester"]`)), "Showing the 10 most recent.") {
		t.Fatal("the card does not say there are more")
	}
	if d = b.workspace(t, ids[11]); d.Find(`[data-testid="other-ticket"]`).Length() != 10 {
		t.Fatal("the newest ticket's card does not list ten others")
	}
}

func TestAgentTicketStatusButtons(t *testing.T) {
	tests := []struct {
		name string
		path []string // the moves made before looking
		want []string
	}{
		{"Created", nil, []string{"open", "in_progress", "resolved", "closed"}},
		{"Open", []string{"open"}, []string{"in_progress", "resolved", "closed"}},
		{"InProgress", []string{"in_progress"}, []string{"resolved", "closed"}},
		{"Resolved", []string{"resolved"}, []string{"open", "in_progress", "closed"}},
		{"Closed", []string{"closed"}, nil},
	}
	s := newTestServer(t)
	b := s.signIn(t, db.RoleAgent)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := s.createTicket(t, map[string]any{"status": "created"})
			for _, st := range tc.path {
				s.setStatus(t, c.ID, st)
			}
			d := b.workspace(t, c.ID)
			var got []string
			d.Find(`form[action="` + ticketPath(c.ID, "status") + `"]`).Each(func(_ int, f *goquery.Selection) {
				if f.Find(`input[name="csrf"]`).AttrOr("value", "") == "" {
					t.Error("a status form has no CSRF token")
				}
				got = append(got, f.Find(`input[name="status"]`).AttrOr("value", ""))
			})
			if !slices.Equal(got, tc.want) {
				t.Fatalf("buttons %v, want %v", got, tc.want)
			}
			closed := d.Find(`[data-testid="closed-notice"]`).Length() == 1
			if formShown := d.Find(`[data-testid="compose-form"]`).Length() == 1; formShown == closed {
				t.Fatalf("compose form shown %v on a ticket that is closed %v", formShown, closed)
			}
		})
	}
}

func TestAgentTicketNotFound(t *testing.T) {
	s := newTestServer(t)
	c := s.createTicket(t, nil)
	b := s.signIn(t, db.RoleAgent)
	tests := []struct{ name, path string }{
		{"UnknownTicket", ticketPath(c.ID + 1000)},
		{"NotANumber", "/agent/tickets/abc"},
		{"Zero", "/agent/tickets/0"},
		{"UnknownTicketsFile", ticketPath(c.ID+1000, "files", "1")},
		{"UnknownFile", ticketPath(c.ID, "files", "999")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if r := b.get(t, tc.path); r.StatusCode != http.StatusNotFound {
				t.Fatalf("status %d, want 404", r.StatusCode)
			}
		})
	}
	t.Run("UnknownTicketPost", func(t *testing.T) {
		r := b.postForm(t, ticketPath(c.ID+1000, "status"), url.Values{"status": {"closed"}})
		if r.StatusCode != http.StatusNotFound {
			t.Fatalf("status %d, want 404", r.StatusCode)
		}
	})
}

// Every workspace route is for agents: anonymous people are sent to sign
// in, requesters (with their ticket's own token, or on its tracking page)
// are refused, and nothing changes.
func TestAgentTicketAccess(t *testing.T) {
	s := newTestServer(t)
	c := s.createTicket(t, nil)
	s.attachToTicket(t, c.ID, "receipt.png", pngBytes)
	requester := s.newBrowser(t)
	requester.get(t, "/track/"+c.AccessToken) // a requester's browser, with its CSRF cookie
	routes := 0
	for _, r := range Routes(web.Config{}, s.DB, s.Files) {
		if !strings.HasPrefix(r.Path, "/agent/tickets/") {
			continue
		}
		routes++
		path := strings.NewReplacer(":id", strconv.FormatInt(c.ID, 10), ":attachmentId", "1").Replace(r.Path)
		t.Run(r.Method+" "+r.Path, func(t *testing.T) {
			if r.Access != web.Agent {
				t.Fatalf("access %v, want Agent", r.Access)
			}
			var body *strings.Reader
			ct := ""
			if r.Method == "POST" {
				body, ct = strings.NewReader(url.Values{"status": {"closed"}, "body": {"hi"}, "internal": {"false"}, "priority": {"urgent"}}.Encode()), "application/x-www-form-urlencoded"
			}
			anon := s.newBrowser(t)
			res := anon.do(t, r.Method, path, ct, readerOrNil(body))
			if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/agent/login?next=") {
				t.Fatalf("anonymous: %d Location %q, want 303 to sign in", res.StatusCode, res.Header.Get("Location"))
			}
			if r.Method == "POST" {
				body = strings.NewReader(url.Values{"csrf": {requester.csrf(t)}, "status": {"closed"}, "body": {"hi"}, "internal": {"false"}}.Encode())
			}
			res = requester.do(t, r.Method, path, ct, readerOrNil(body), bearer(c.AccessToken)...)
			if res.StatusCode != http.StatusForbidden {
				t.Fatalf("requester token: %d, want 403", res.StatusCode)
			}
		})
	}
	// The ticket page's own 8, with macros, presence and preview, tags
	// and merge.
	if routes != 18 {
		t.Fatalf("%d workspace routes, want 18", routes)
	}
	tk, _ := s.DB.Ticket(t.Context(), c.ID, true)
	msgs, _ := s.DB.Messages(t.Context(), c.ID, true)
	if tk.Status != db.StatusOpen || tk.Priority != "normal" || len(msgs) != 0 {
		t.Fatalf("the ticket changed: %s %s, %d messages", tk.Status, tk.Priority, len(msgs))
	}
}

// Everything people typed is text on the page, never markup.
func TestAgentTicketEscapes(t *testing.T) {
	s := newTestServer(t)
	evil := `<script>alert("x")</script><img src=x onerror=alert(1)>`
	c := s.createTicket(t, map[string]any{"fullName": "Eve " + evil, "subject": "Help " + evil, "message": "Hi " + evil})
	if _, err := s.DB.AddMessage(t.Context(), c.ID, db.NewMessage{Body: "Note " + evil, Internal: true}, supportAgent, 5); err != nil {
		t.Fatal(err)
	}
	s.createTicket(t, map[string]any{"subject": "Older " + evil})
	b := s.signIn(t, db.RoleAgent)
	r := b.get(t, ticketPath(c.ID))
	if r.StatusCode != http.StatusOK {
		t.Fatalf("status %d", r.StatusCode)
	}
	page := string(r.Body)
	for _, raw := range []string{"<script>alert", "<img src=x"} {
		if strings.Contains(page, raw) {
			t.Fatalf("the page carries %q as markup", raw)
		}
	}
	d := html(t, r)
	if got := text(one(t, d, "h1")); got != "Help "+evil {
		t.Fatalf("h1 %q, want the subject as text", got)
	}
	if got := texts(d, `[data-testid="entry-body"]`); !slices.Contains(got, "Note "+evil) {
		t.Fatalf("entries %q lack the note as text", got)
	}
}

// The page speaks the reader's language, history and labels included.
func TestAgentTicketSpanish(t *testing.T) {
	s := newTestServer(t)
	c := s.createTicket(t, nil)
	s.setStatus(t, c.ID, "in_progress")
	b := s.signIn(t, db.RoleAgent)
	d := b.workspace(t, c.ID, "Accept-Language", "es-MX,es;q=0.9")
	if got := one(t, d, "html").AttrOr("lang", ""); got != "es" {
		t.Fatalf("lang %q", got)
	}
	history := texts(d, `[data-testid="event"] p`)
	if want := "Marta from support cambió el estado de Abierto a En curso"; !slices.Contains(history, want) {
		t.Fatalf("history %q lacks %q", history, want)
	}
	if got := text(one(t, d, `[data-testid="entry"][data-kind="request"] [data-testid="entry-label"]`)); got != "Solicitud original" {
		t.Fatalf("request label %q", got)
	}
}

// readerOrNil keeps a nil *strings.Reader from becoming a non-nil io.Reader.
func readerOrNil(r *strings.Reader) io.Reader {
	if r == nil {
		return nil
	}
	return r
}

// A message emailed by someone other than the requester shows the
// sender's address beside their name in the workspace.
func TestAgentTicketShowsOtherSender(t *testing.T) {
	s := newTestServer(t)
	c := s.createTicket(t, map[string]any{"email": "ana.martinez@example.com"})
	if _, err := s.DB.AddEmailReply(t.Context(), c.ID, db.EmailReply{MessageID: "m1@example.com",
		From: db.Sender{Name: "Luis Pérez", Address: "luis.perez@example.com"}, Body: "Soy su marido."}, 5); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.AddEmailReply(t.Context(), c.ID, db.EmailReply{MessageID: "m2@example.com",
		From: db.Sender{Name: "Ana", Address: "ANA.MARTINEZ@example.com"}, Body: "Yo también."}, 5); err != nil {
		t.Fatal(err)
	}
	b := s.signIn(t, db.RoleAgent)
	doc := html(t, b.get(t, "/agent/tickets/"+strconv.FormatInt(c.ID, 10)))
	var from []string
	doc.Find(`[data-testid="entry-from"]`).Each(func(_ int, e *goquery.Selection) { from = append(from, text(e)) })
	if len(from) != 1 || from[0] != "<luis.perez@example.com>" {
		t.Errorf("sender addresses shown %v, want only Luis's", from)
	}
}
