package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
	"github.com/kinconecta/helpdesk/i18n"
)

func TestSupportFormRenders(t *testing.T) {
	s := newTestServer(t)
	b := s.newBrowser(t)
	r := b.get(t, "/")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("status %d", r.StatusCode)
	}
	d := html(t, r)
	form := one(t, d, `form[data-testid="support-form"]`)
	for attr, want := range map[string]string{"method": "post", "action": "/", "enctype": "multipart/form-data"} {
		if got, _ := form.Attr(attr); got != want {
			t.Errorf("form %s = %q, want %q", attr, got, want)
		}
	}
	tests := []struct {
		name, sel string
		count     int
	}{
		{"RoleRadios", `input[type="radio"][name="roleContext"]`, 3},
		{"FullName", `input[name="fullName"]#fullName`, 1},
		{"Email", `input[type="email"][name="email"]#email`, 1},
		{"CategoryOptions", `select[name="category"]#category option[value!=""]`, 7},
		{"Subject", `input[name="subject"]#subject`, 1},
		{"Message", `textarea[name="message"]#message[data-counter="10000"]`, 1},
		{"Files", `input[type="file"][name="attachments"][multiple]#attachments`, 1},
		{"CSRF", `input[type="hidden"][name="csrf"]`, 1},
		{"Honeypot", `.hidden[aria-hidden="true"] input[name="website"][tabindex="-1"]`, 1},
		{"Submit", `button[type="submit"][data-testid="submit"]`, 1},
		{"Dropzone", `[data-testid="dropzone"][data-max-file-bytes="1048576"][data-max-files="5"]`, 1},
		{"FileList", `[data-testid="file-list"]`, 1},
		{"Progress", `[data-testid="upload-progress"][role="progressbar"][aria-valuenow="0"][aria-valuemax="100"]`, 1},
		{"NoErrorSummary", `[data-testid="error-summary"]`, 0},
		{"EveryInputLabelled", `input:not([type="hidden"]):not([type="radio"]):not([id])`, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := d.Find(tc.sel).Length(); got != tc.count {
				t.Fatalf("%s matches %d, want %d", tc.sel, got, tc.count)
			}
		})
	}
	t.Run("CategoryValuesAreCanonical", func(t *testing.T) {
		opt := one(t, d, `option[value="Guide Verification"]`)
		if got := text(opt); got != "Guide Verification" {
			t.Fatalf("label %q", got)
		}
	})
	t.Run("AcceptListsServerTypes", func(t *testing.T) {
		accept, _ := one(t, d, `[data-testid="dropzone"]`).Attr("data-accept")
		if got, want := accept, strings.Join(db.AllowedTypes, ","); got != want {
			t.Fatalf("data-accept = %q, want %q", got, want)
		}
	})
	t.Run("LabelsPointAtInputs", func(t *testing.T) {
		d.Find("label[for]").Each(func(_ int, l *goquery.Selection) {
			id, _ := l.Attr("for")
			if d.Find("#"+id).Length() != 1 {
				t.Errorf("label for=%q has no input", id)
			}
		})
	})
}

func TestSupportFormCreatesTicket(t *testing.T) {
	tests := []struct {
		name     string
		headers  []string
		wantLang string
	}{
		{"OK", nil, "en"},
		{"OKSpanish", []string{"Accept-Language", "es-MX,es;q=0.9"}, "es"},
		// The page's script posts the same form with this header and
		// follows the same redirect.
		{"OKScript", []string{"X-Requested-With", "XMLHttpRequest"}, "en"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestServer(t)
			b := s.newBrowser(t)
			token := b.formToken(t, "/", tc.headers...)
			r := b.postMultipart(t, "/", formParts(token, supportValues(),
				part{Name: "attachments", FileName: "booking.png", Value: pngBytes},
				part{Name: "attachments", FileName: "notes.txt", Value: textBytes}), tc.headers...)
			if r.StatusCode != http.StatusSeeOther {
				t.Fatalf("status %d, want 303: %.500s", r.StatusCode, r.Body)
			}
			loc := r.Header.Get("Location")
			if !strings.HasPrefix(loc, "/track/"+db.TicketTokenPrefix) {
				t.Fatalf("Location = %q, want /track/<token>", loc)
			}
			id, err := s.DB.TicketIDByToken(t.Context(), strings.TrimPrefix(loc, "/track/"))
			if err != nil {
				t.Fatal(err)
			}
			tk, err := s.DB.Ticket(t.Context(), id, true)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := tk.Language, tc.wantLang; got != want {
				t.Errorf("language %q, want %q", got, want)
			}
			if tk.RoleContext != "guide" || tk.Category != "Booking" || tk.Status != db.StatusOpen || tk.FullName != "Ana Martínez" {
				t.Errorf("stored %+v", tk)
			}
			if got := len(tk.Attachments); got != 2 {
				t.Fatalf("%d attachments, want 2", got)
			}
			if tk.Attachments[0].MimeType != "image/png" || tk.Attachments[1].MimeType != "text/plain" {
				t.Errorf("types %s, %s", tk.Attachments[0].MimeType, tk.Attachments[1].MimeType)
			}
			page := b.do(t, "GET", loc, "", nil, tc.headers...)
			if page.StatusCode != http.StatusOK {
				t.Fatalf("tracking page %d", page.StatusCode)
			}
			num := text(one(t, html(t, page), `[data-testid="ticket-number"]`))
			if !strings.Contains(num, strconv.FormatInt(id, 10)) {
				t.Fatalf("ticket number %q does not show %d", num, id)
			}
		})
	}
}

func TestSupportFormFieldErrors(t *testing.T) {
	tests := []struct {
		name   string
		change map[string]string
		field  string
		want   string
	}{
		{"ErrRoleMissing", map[string]string{"roleContext": ""}, "roleContext", "Choose whether you are a tourist, a guide or a guest"},
		{"ErrRoleInvalid", map[string]string{"roleContext": "pilot"}, "roleContext", "Choose tourist, guide or guest"},
		{"ErrNameMissing", map[string]string{"fullName": "   "}, "fullName", "Enter your full name"},
		{"ErrNameTooLong", map[string]string{"fullName": strings.Repeat("n", 121)}, "fullName", "Use 120 characters or fewer"},
		{"ErrNameNotText", map[string]string{"fullName": "Ana\x00"}, "fullName", "Remove the characters that are not text"},
		{"ErrEmailMissing", map[string]string{"email": ""}, "email", "Enter your email address"},
		{"ErrEmailInvalid", map[string]string{"email": "ana@example"}, "email", "Enter an email address in the right format"},
		{"ErrEmailTooLong", map[string]string{"email": strings.Repeat("a", 250) + "@example.com"}, "email", "Use 254 characters or fewer"},
		{"ErrCategoryMissing", map[string]string{"category": ""}, "category", "Choose what your request is about"},
		{"ErrCategoryUnknown", map[string]string{"category": "Weather"}, "category", "Choose one of the topics in the list"},
		{"ErrSubjectMissing", map[string]string{"subject": ""}, "subject", "Enter a subject"},
		{"ErrSubjectTooLong", map[string]string{"subject": strings.Repeat("s", 201)}, "subject", "Use 200 characters or fewer"},
		{"ErrMessageMissing", map[string]string{"message": "\n \n"}, "message", "Enter your message"},
		{"ErrMessageTooLong", map[string]string{"message": strings.Repeat("m", 10001)}, "message", "Use 10,000 characters or fewer"},
	}
	s := newTestServer(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := s.newBrowser(t)
			values := supportValues()
			for k, v := range tc.change {
				values[k] = v
			}
			r := b.postMultipart(t, "/", formParts(b.formToken(t, "/"), values))
			if r.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", r.StatusCode)
			}
			d := html(t, r)
			link := one(t, d, `[data-testid="error-summary"] a[href="#`+tc.field+`"]`)
			if got := text(link); !strings.Contains(got, tc.want) {
				t.Errorf("summary says %q, want %q", got, tc.want)
			}
			if got := d.Find("#" + tc.field).Length(); got != 1 {
				t.Errorf("the summary links to #%s, which matches %d elements", tc.field, got)
			}
			if got := text(one(t, d, "#"+tc.field+"-error")); !strings.Contains(got, tc.want) {
				t.Errorf("beside the field: %q, want %q", got, tc.want)
			}
			input := one(t, d, "#"+tc.field)
			if v, _ := input.Attr("aria-invalid"); v != "true" {
				t.Errorf("aria-invalid = %q", v)
			}
			described := input.AttrOr("aria-describedby", "") + " " + input.Closest("fieldset").AttrOr("aria-describedby", "")
			if !strings.Contains(described, tc.field+"-error") {
				t.Errorf("the error is not in aria-describedby (%q)", described)
			}
			if n := countTickets(t, s); n != 0 {
				t.Fatalf("%d tickets stored", n)
			}
		})
	}
}

func TestSupportFormKeepsInput(t *testing.T) {
	s := newTestServer(t)
	b := s.newBrowser(t)
	values := supportValues()
	values["email"] = "not-an-address"
	values["fullName"] = `<b>Ana</b> "the guide" & co`
	values["message"] = "Line one\n<script>alert(1)</script>\nLine three"
	r := b.postMultipart(t, "/", formParts(b.formToken(t, "/"), values,
		part{Name: "attachments", FileName: "booking.png", Value: pngBytes}))
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", r.StatusCode)
	}
	d := html(t, r)
	tests := []struct {
		name, got, want string
	}{
		{"Name", one(t, d, "#fullName").AttrOr("value", ""), values["fullName"]},
		{"Email", one(t, d, "#email").AttrOr("value", ""), "not-an-address"},
		{"Subject", one(t, d, "#subject").AttrOr("value", ""), values["subject"]},
		{"Message", one(t, d, "#message").Text(), values["message"]},
		{"Role", d.Find(`input[name="roleContext"][checked]`).AttrOr("value", ""), "guide"},
		{"Category", d.Find(`#category option[selected]`).AttrOr("value", ""), "Booking"},
		{"FilesNotKept", text(d.Find("#files-not-kept")), "files you chose were not kept"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(tc.got, tc.want) {
				t.Fatalf("got %q, want %q", tc.got, tc.want)
			}
		})
	}
	t.Run("Escaped", func(t *testing.T) {
		if d.Find("main b, main script").Length() != 0 {
			t.Fatal("typed markup was rendered as markup")
		}
	})
	t.Run("NothingStored", func(t *testing.T) {
		if n := countTickets(t, s); n != 0 {
			t.Fatalf("%d tickets", n)
		}
		if n := countFiles(t, s); n != 0 {
			t.Fatalf("%d files", n)
		}
		assertNoStrayFiles(t, s)
	})
}

func TestSupportFormCSRF(t *testing.T) {
	tests := []struct {
		name    string
		token   func(real string) string
		cookie  bool
		headers []string
	}{
		{"ErrNoToken", func(string) string { return "" }, true, nil},
		{"ErrWrongToken", func(real string) string { return strings.Repeat("x", len(real)) }, true, nil},
		{"ErrNoCookie", func(real string) string { return real }, false, nil},
		{"ErrCrossSite", func(real string) string { return real }, true, []string{"Sec-Fetch-Site", "cross-site"}},
	}
	s := newTestServer(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := s.newBrowser(t)
			token := b.formToken(t, "/")
			if !tc.cookie {
				b = s.newBrowser(t)
			}
			r := b.postMultipart(t, "/", formParts(tc.token(token), supportValues(),
				part{Name: "attachments", FileName: "booking.png", Value: pngBytes}), tc.headers...)
			if r.StatusCode != http.StatusForbidden {
				t.Fatalf("status %d, want 403", r.StatusCode)
			}
			one(t, html(t, r), `[data-testid="error-page"][data-status="403"]`)
			if n := countTickets(t, s); n != 0 {
				t.Fatalf("%d tickets stored", n)
			}
			if n := countFiles(t, s); n != 0 {
				t.Fatalf("%d files stored", n)
			}
			assertNoStrayFiles(t, s)
		})
	}
}

// The honeypot refuses (422, input kept) rather than faking success, so
// a person whose browser filled it by mistake can still send the form.
func TestSupportFormHoneypot(t *testing.T) {
	s := newTestServer(t)
	b := s.newBrowser(t)
	values := supportValues()
	values["website"] = "http://spam.example"
	r := b.postMultipart(t, "/", formParts(b.formToken(t, "/"), values,
		part{Name: "attachments", FileName: "booking.png", Value: pngBytes}))
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", r.StatusCode)
	}
	d := html(t, r)
	one(t, d, `[data-testid="error-summary"]`)
	if got := one(t, d, "#website").AttrOr("value", "?"); got != "" {
		t.Errorf("honeypot re-filled with %q", got)
	}
	if got := one(t, d, "#fullName").AttrOr("value", ""); got != values["fullName"] {
		t.Errorf("name not kept: %q", got)
	}
	if n := countTickets(t, s); n != 0 {
		t.Fatalf("%d tickets stored", n)
	}
	if n := countFiles(t, s); n != 0 {
		t.Fatalf("%d files stored", n)
	}
	assertNoStrayFiles(t, s)
}

func TestSupportFormFileErrors(t *testing.T) {
	tooMany := []part{}
	for i := range 6 {
		tooMany = append(tooMany, part{Name: "attachments", FileName: "f" + strconv.Itoa(i) + ".txt", Value: textBytes})
	}
	tests := []struct {
		name   string
		files  []part
		status int
		want   string
	}{
		{"ErrType", []part{{Name: "attachments", FileName: "page.html", Value: htmlBytes}}, 415, "page.html is not an accepted type"},
		{"ErrTooLarge", []part{{Name: "attachments", FileName: "big.txt", Value: strings.Repeat("a", 1<<20+1)}}, 413, "big.txt is larger than 1 MB"},
		{"ErrEmpty", []part{{Name: "attachments", FileName: "empty.png", Value: ""}}, 422, "empty.png is empty"},
		{"ErrTooMany", tooMany, 413, "You can add 5 files at most"},
	}
	s := newTestServer(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := s.newBrowser(t)
			r := b.postMultipart(t, "/", formParts(b.formToken(t, "/"), supportValues(), tc.files...))
			if r.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", r.StatusCode, tc.status)
			}
			d := html(t, r)
			if got := text(one(t, d, "#attachments-error")); !strings.Contains(got, tc.want) {
				t.Errorf("file error %q, want %q", got, tc.want)
			}
			one(t, d, `[data-testid="error-summary"] a[href="#attachments"]`)
			if got := one(t, d, "#subject").AttrOr("value", ""); got != supportValues()["subject"] {
				t.Errorf("subject not kept: %q", got)
			}
			if n := countTickets(t, s); n != 0 {
				t.Fatalf("%d tickets stored", n)
			}
			assertNoStrayFiles(t, s)
		})
	}
}

func TestSupportFormRateLimited(t *testing.T) {
	s := newTestServer(t, func(c *web.Config) { c.CreateRate = 1 })
	b := s.newBrowser(t)
	token := b.formToken(t, "/")
	if r := b.postMultipart(t, "/", formParts(token, supportValues())); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("first post: %d", r.StatusCode)
	}
	r := b.postMultipart(t, "/", formParts(token, supportValues()))
	if r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("second post: %d, want 429", r.StatusCode)
	}
	one(t, html(t, r), `[data-testid="error-page"][data-status="429"]`)
	if n := countTickets(t, s); n != 1 {
		t.Fatalf("%d tickets, want 1", n)
	}
}

// A control character typed into a one-line field is refused with the
// page's own words for it, not the store's English.
func TestSupportFormControlCharacters(t *testing.T) {
	s := newTestServer(t)
	b := s.newBrowser(t)
	values := supportValues()
	values["fullName"] = "Ana\x1b[31m Martínez"
	r := b.postMultipart(t, "/", formParts(b.formToken(t, "/"), values))
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", r.StatusCode)
	}
	if got, want := text(one(t, html(t, r), `#fullName-error`)), i18n.EN.T("err.text"); !strings.Contains(got, want) {
		t.Errorf("fullName error %q, want %q", got, want)
	}
}
