package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/desk"
	"github.com/kinconecta/helpdesk/handlers/web"
)

func TestAgentLogin(t *testing.T) {
	s := newTestServer(t)
	u, err := s.DB.CreateUser(t.Context(), db.NewUser{Email: "marta@kinconecta.com", Name: "Marta", Role: db.RoleAgent, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("ErrWrongPasswordAndUnknownEmailReadTheSame", func(t *testing.T) {
		b := s.newBrowser(t)
		wrong := b.postForm(t, "/agent/login", url.Values{"email": {"marta@kinconecta.com"}, "password": {"nope nope nope"}})
		unknown := b.postForm(t, "/agent/login", url.Values{"email": {"nobody@kinconecta.com"}, "password": {"nope nope nope"}})
		if wrong.StatusCode != http.StatusUnauthorized || unknown.StatusCode != http.StatusUnauthorized {
			t.Fatalf("statuses %d and %d, want 401", wrong.StatusCode, unknown.StatusCode)
		}
		msg := "do not match an active account"
		if !strings.Contains(string(wrong.Body), msg) || !strings.Contains(string(unknown.Body), msg) {
			t.Errorf("the two failures read differently")
		}
	})
	t.Run("ErrNoCSRF", func(t *testing.T) {
		b := s.newBrowser(t)
		r := b.postForm(t, "/agent/login", url.Values{"email": {"marta@kinconecta.com"}, "password": {"correct horse battery"}, "csrf": {"forged"}})
		if r.StatusCode != http.StatusForbidden {
			t.Fatalf("status %d, want 403", r.StatusCode)
		}
	})
	t.Run("SignInRenewsTheSessionAndSignOutEndsIt", func(t *testing.T) {
		b := s.newBrowser(t)
		r := b.postForm(t, "/agent/login", url.Values{"email": {"MARTA@kinconecta.com"}, "password": {"correct horse battery"}, "next": {"/agent?status=open"}})
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/agent?status=open" {
			t.Fatalf("sign in: %d → %q", r.StatusCode, r.Header.Get("Location"))
		}
		var first string
		for _, c := range r.Cookies() {
			if c.Name == web.SessionCookie {
				first = c.Value
				if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
					t.Errorf("session cookie %+v is not HttpOnly and SameSite=Lax", c)
				}
			}
		}
		if first == "" {
			t.Fatal("no session cookie")
		}
		// The session is an API credential; its writes need the CSRF header.
		api := b.get(t, "/api/support-tickets")
		if api.StatusCode != http.StatusOK {
			t.Fatalf("API with a session: %d", api.StatusCode)
		}
		c := s.createTicket(t, nil)
		path := "/api/support-tickets/" + strconv.FormatInt(c.ID, 10)
		if r := b.do(t, "PATCH", path, "application/json", strings.NewReader(`{"status":"in_progress"}`)); r.StatusCode != http.StatusForbidden {
			t.Errorf("PATCH with a session and no CSRF header: %d, want 403", r.StatusCode)
		}
		if r := b.do(t, "PATCH", path, "application/json", strings.NewReader(`{"status":"in_progress"}`), web.CSRFHeader, b.csrf(t)); r.StatusCode != http.StatusOK {
			t.Errorf("PATCH with a session and the CSRF header: %d %s", r.StatusCode, r.Body)
		}
		events, _ := s.DB.Events(t.Context(), c.ID)
		if last := events[len(events)-1]; last.ActorName != "Marta" || last.ActorType != "agent" {
			t.Errorf("change recorded as %+v, want by Marta", last)
		}
		// Signing in again starts a new session id.
		r = b.postForm(t, "/agent/login", url.Values{"email": {"marta@kinconecta.com"}, "password": {"correct horse battery"}})
		for _, c := range r.Cookies() {
			if c.Name == web.SessionCookie && c.Value == first {
				t.Error("the session id was not renewed at sign-in")
			}
		}
		if r := b.postForm(t, "/agent/logout", url.Values{}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("logout: %d", r.StatusCode)
		}
		if r := b.get(t, "/api/support-tickets"); r.StatusCode != http.StatusUnauthorized {
			t.Errorf("API after logout: %d, want 401", r.StatusCode)
		}
	})
	t.Run("DeactivationAndPasswordChangeEndSessions", func(t *testing.T) {
		b := s.signIn(t, db.RoleAgent)
		if r := b.get(t, "/api/support-tickets"); r.StatusCode != http.StatusOK {
			t.Fatalf("signed in: %d", r.StatusCode)
		}
		if err := s.DB.SetPassword(t.Context(), b.User.ID, "another long password", ""); err != nil {
			t.Fatal(err)
		}
		if r := b.get(t, "/api/support-tickets"); r.StatusCode != http.StatusUnauthorized {
			t.Errorf("after a password change: %d, want 401", r.StatusCode)
		}
		b2 := s.signIn(t, db.RoleAgent)
		if err := s.DB.UpdateUser(t.Context(), b2.User.ID, db.RoleAgent, false); err != nil {
			t.Fatal(err)
		}
		if r := b2.get(t, "/api/support-tickets"); r.StatusCode != http.StatusUnauthorized {
			t.Errorf("after deactivation: %d, want 401", r.StatusCode)
		}
	})
	t.Run("ErrThrottled", func(t *testing.T) {
		b := s.newBrowser(t)
		for i := 0; i < desk.LoginPerPair; i++ {
			b.postForm(t, "/agent/login", url.Values{"email": {u.Email}, "password": {"wrong wrong wrong"}})
		}
		r := b.postForm(t, "/agent/login", url.Values{"email": {u.Email}, "password": {"correct horse battery"}})
		if r.StatusCode != http.StatusTooManyRequests || !strings.Contains(string(r.Body), "Too many attempts") {
			t.Fatalf("after %d failures: %d, want 429 with a message", desk.LoginPerPair, r.StatusCode)
		}
	})
	t.Run("OpenRedirectRefused", func(t *testing.T) {
		b := s.signIn(t, db.RoleAgent)
		r := b.postForm(t, "/agent/login", url.Values{"email": {b.User.Email}, "password": {"correct horse battery"}, "next": {"//evil.example.com/agent"}})
		if got := r.Header.Get("Location"); got != "/agent" {
			t.Errorf("next=//evil… redirected to %q", got)
		}
	})
	t.Run("SetPasswordLink", func(t *testing.T) {
		nu, err := s.DB.CreateUser(t.Context(), db.NewUser{Email: "nuevo@kinconecta.com", Name: "Nuevo", Role: db.RoleAgent, Password: db.RandomPassword()})
		if err != nil {
			t.Fatal(err)
		}
		token, err := s.DB.CreatePasswordToken(t.Context(), nu.ID)
		if err != nil {
			t.Fatal(err)
		}
		b := s.newBrowser(t)
		if r := b.get(t, "/agent/set-password/"+token); r.StatusCode != 200 || !strings.Contains(string(r.Body), "nuevo@kinconecta.com") {
			t.Fatalf("link page: %d", r.StatusCode)
		}
		if r := b.postForm(t, "/agent/set-password/"+token, url.Values{"password": {"short"}}); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("short password: %d, want 422", r.StatusCode)
		}
		if r := b.postForm(t, "/agent/set-password/"+token, url.Values{"password": {"a good long password"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("set password: %d %s", r.StatusCode, r.Body)
		}
		if r := b.get(t, "/agent/set-password/"+token); r.StatusCode != http.StatusNotFound {
			t.Errorf("the link works twice: %d", r.StatusCode)
		}
		if _, err := s.DB.Authenticate(t.Context(), "nuevo@kinconecta.com", "a good long password"); err != nil {
			t.Errorf("new password does not work: %v", err)
		}
	})
}

// An urlencoded body over the limit is refused before anything reads it
// into memory.
func TestLargeFormRefused(t *testing.T) {
	s := newTestServer(t)
	b := s.newBrowser(t)
	body := "email=a%40b.co&password=" + strings.Repeat("x", 2<<20)
	r := b.do(t, "POST", "/agent/login", "application/x-www-form-urlencoded", strings.NewReader(body))
	if r.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("status = %d, want 413", r.StatusCode)
	}
}
