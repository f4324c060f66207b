package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/desk"
)

// signInAgain signs a second browser in to b's account.
func (s *testServer) signInAgain(t testing.TB, b *browser, password string) *browser {
	t.Helper()
	o := s.newBrowser(t)
	r := o.postForm(t, "/agent/login", url.Values{"email": {b.User.Email}, "password": {password}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", r.StatusCode)
	}
	o.User = b.User
	return o
}

// signedIn reports whether b's session still opens the desk.
func signedIn(t testing.TB, b *browser) bool {
	t.Helper()
	return b.get(t, "/agent/profile").StatusCode == http.StatusOK
}

// An agent changes their name, signature and language: replies are signed
// with the new name, and the desk speaks the chosen language.
func TestProfileSave(t *testing.T) {
	s := newTestServer(t)
	c := s.createTicket(t, nil)
	b := s.signIn(t, db.RoleAgent)
	d := html(t, b.get(t, "/agent"))
	if got := one(t, d, `[data-testid="profile-link"]`).AttrOr("href", ""); got != "/agent/profile" {
		t.Fatalf("profile link %q", got)
	}
	r := b.postForm(t, "/agent/profile", url.Values{"name": {"Lucía Gómez"}, "signature": {"Lucía\nSoporte"}, "language": {"es"}})
	if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/agent/profile?done=saved") {
		t.Fatalf("save: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	d = html(t, b.get(t, "/agent/profile"))
	if got := one(t, d, "html").AttrOr("lang", ""); got != "es" {
		t.Fatalf("desk language %q, want es", got)
	}
	if got := one(t, d, "#name").AttrOr("value", ""); got != "Lucía Gómez" {
		t.Fatalf("name %q", got)
	}
	seeOther(t, b.composeWith(t, c.ID, map[string]string{"body": "Hola"}), c.ID)
	msgs, _ := s.DB.Messages(t.Context(), c.ID, true)
	if len(msgs) != 1 || msgs[0].Author.Name != "Lucía Gómez" || msgs[0].Body != "Hola\n\nLucía\nSoporte" {
		t.Fatalf("reply %+v", msgs)
	}
}

func TestProfileSaveRefused(t *testing.T) {
	tests := []struct {
		name  string
		form  url.Values
		field string
	}{
		{"ErrNameRequired", url.Values{"name": {"  "}}, "name"},
		{"ErrNameControl", url.Values{"name": {"a\x1bb"}}, "name"},
		{"ErrSignatureTooLong", url.Values{"name": {"A"}, "signature": {strings.Repeat("x", 501)}}, "signature"},
		{"ErrLanguage", url.Values{"name": {"A"}, "language": {"fr"}}, "language"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestServer(t)
			b := s.signIn(t, db.RoleAgent)
			r := b.postForm(t, "/agent/profile", tc.form)
			if r.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", r.StatusCode)
			}
			one(t, html(t, r), "#"+tc.field+"-error")
			p, _ := s.DB.Profile(t.Context(), b.User.ID)
			if p.Name != b.User.Name {
				t.Fatalf("name changed to %q by a refused form", p.Name)
			}
		})
	}
}

// Changing the password takes the current one, and ends the other
// sessions but not this one; "sign out my other sessions" does the same.
func TestProfilePassword(t *testing.T) {
	s := newTestServer(t)
	b := s.signIn(t, db.RoleAgent)
	other := s.signInAgain(t, b, "correct horse battery")

	r := b.postForm(t, "/agent/profile/password", url.Values{"current": {"wrong password!"}, "password": {"a brand new secret"}})
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("wrong current: %d", r.StatusCode)
	}
	one(t, html(t, r), "#current-error")
	r = b.postForm(t, "/agent/profile/password", url.Values{"current": {"correct horse battery"}, "password": {"short"}})
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("short new: %d", r.StatusCode)
	}
	one(t, html(t, r), "#password-error")
	if !signedIn(t, other) {
		t.Fatal("a refused change signed the other session out")
	}
	r = b.postForm(t, "/agent/profile/password", url.Values{"current": {"correct horse battery"}, "password": {"a brand new secret"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("change: %d %s", r.StatusCode, r.Body)
	}
	if signedIn(t, other) || !signedIn(t, b) {
		t.Fatal("want the other session ended and this one kept")
	}
	if _, err := s.DB.Authenticate(t.Context(), b.User.Email, "a brand new secret"); err != nil {
		t.Fatal("the new password does not sign in")
	}

	third := s.signInAgain(t, b, "a brand new secret")
	if r := b.postForm(t, "/agent/profile/sessions", url.Values{}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out others: %d", r.StatusCode)
	}
	if signedIn(t, third) || !signedIn(t, b) {
		t.Fatal("want the third session ended and this one kept")
	}
}

// Wrong current passwords are throttled like sign-ins.
func TestProfilePasswordThrottled(t *testing.T) {
	s := newTestServer(t)
	b := s.signIn(t, db.RoleAgent)
	var last int
	for i := 0; i < desk.LoginPerPair+1; i++ {
		last = b.postForm(t, "/agent/profile/password", url.Values{"current": {"wrong password!"}, "password": {"a brand new secret"}}).StatusCode
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("after %d wrong passwords: %d, want 429", desk.LoginPerPair+1, last)
	}
	r := b.postForm(t, "/agent/profile/password", url.Values{"current": {"correct horse battery"}, "password": {"a brand new secret"}})
	if r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("right password while throttled: %d, want 429", r.StatusCode)
	}
}
