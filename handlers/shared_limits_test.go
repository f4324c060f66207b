package handlers

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/desk"
	"github.com/kinconecta/helpdesk/handlers/web"
	"github.com/kinconecta/helpdesk/internal/storetest"
)

// twin starts a second application over s's data folder, with a database
// handle and files of its own: as far as the store can tell, another
// helpdesk process on the same database.
func (s *testServer) twin(t *testing.T, opts ...func(*web.Config)) *testServer {
	t.Helper()
	store, err := storetest.OpenAt(s.DBPlace)
	if err != nil {
		t.Fatal(err)
	}
	o := serveApp(t, store, s.Dir, s.DBPlace, opts...)
	o.AgentKey, o.AdminKey, o.client = s.AgentKey, s.AdminKey, s.client
	return o
}

// The public create limit holds across two processes on one database: a
// client's creates spread over both count against one allowance. Before,
// each process kept its own counts, and N processes allowed N times the
// limit.
func TestRateLimitSharedAcrossProcesses(t *testing.T) {
	rate := func(c *web.Config) { c.CreateRate = 3 }
	a := newTestServer(t, rate)
	b := a.twin(t, rate)
	a.createTicket(t, nil)
	b.createTicket(t, nil)
	r := a.postJSON(t, "/api/support-tickets", validTicket())
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("3rd create: %d", r.StatusCode)
	}
	if got := r.Header.Get("X-RateLimit-Remaining"); got != "0" {
		t.Errorf("X-RateLimit-Remaining = %q after the 3rd of 3, want 0", got)
	}
	r = b.postJSON(t, "/api/support-tickets", validTicket())
	if r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("4th create, on the other process: %d, want 429", r.StatusCode)
	}
	if r.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
}

// The sign-in throttle holds across two processes: failures of one
// account from one address on either count together, and the right
// password from that address is refused on both once they reach the
// limit.
func TestLoginThrottleSharedAcrossProcesses(t *testing.T) {
	a := newTestServer(t)
	b := a.twin(t)
	u, err := a.DB.CreateUser(t.Context(), db.NewUser{Email: "marta@kinconecta.com", Name: "Marta", Role: db.RoleAgent, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	login := func(s *testServer, password string) int {
		return s.browserFrom(t, "127.0.0.2").postForm(t, "/agent/login", url.Values{"email": {u.Email}, "password": {password}}).StatusCode
	}
	for i := range desk.LoginPerPair {
		s := []*testServer{a, b}[i%2]
		if got := login(s, "wrong wrong wrong"); got != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d, want 401", i, got)
		}
	}
	for name, s := range map[string]*testServer{"a": a, "b": b} {
		if got := login(s, "correct horse battery"); got != http.StatusTooManyRequests {
			t.Errorf("the right password on process %s after %d failures over both: %d, want 429", name, desk.LoginPerPair, got)
		}
	}
}
