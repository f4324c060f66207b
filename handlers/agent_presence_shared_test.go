package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/desk"
	"github.com/kinconecta/helpdesk/handlers/web"
	"github.com/kinconecta/helpdesk/internal/pgtest"
)

// sharedWithin is how soon a change made through one process shows on a
// stream of another (the hub polls each second).
const sharedWithin = 3 * time.Second

// waitWithin reads events until one satisfies ok, failing after d.
func (st *stream) waitWithin(t testing.TB, d time.Duration, what string, ok func(presenceEvent) bool) {
	t.Helper()
	deadline := time.After(d)
	for {
		select {
		case ev, open := <-st.events:
			if !open {
				t.Fatalf("stream ended waiting for %s", what)
			}
			if ok(ev) {
				return
			}
		case <-deadline:
			t.Fatalf("not within %v: %s", d, what)
		}
	}
}

// newPostgresServer starts an application over the PostgreSQL database
// at url, with files of its own.
func newPostgresServer(t *testing.T, url string) *testServer {
	t.Helper()
	store, err := db.OpenPostgres(url)
	if err != nil {
		t.Fatal(err)
	}
	s := serveApp(t, store, t.TempDir(), url)
	if _, s.AgentKey, err = store.CreateAPIKey(t.Context(), "test agent", db.RoleAgent); err != nil {
		t.Fatal(err)
	}
	return s
}

// on is b as it would be behind a load balancer sending its next request
// to the process s: the same cookies, another process.
func (b *browser) on(s *testServer) *browser {
	o := *b
	o.s = s
	return &o
}

// Two agents on one ticket whose browsers reach two processes see each
// other, viewing then replying; a requester's message through one
// process is announced on the other; and a page's leave beacon reaching
// the process that does not hold its stream still ends that stream and
// takes the agent off the other's line.
func TestPresenceSharedAcrossProcesses(t *testing.T) {
	one := newTestServer(t)
	presenceShared(t, one, one.twin(t))
}

// The same on PostgreSQL, where each process has a writer of its own.
func TestPresenceSharedAcrossProcessesPostgres(t *testing.T) {
	url := pgtest.URL(t)
	one := newPostgresServer(t, url)
	presenceShared(t, one, newPostgresServer(t, url))
}

func presenceShared(t *testing.T, one, two *testServer) {
	old := desk.PresencePing
	t.Cleanup(func() { desk.PresencePing = old })
	desk.PresencePing = time.Minute // nothing but the shared hub can show a change in time
	c := one.createTicket(t, nil)
	lucia := one.signIn(t, db.RoleAgent)
	marta := two.signIn(t, db.RoleAgent)
	if _, err := one.DB.UpdateProfile(t.Context(), lucia.User.ID, db.Profile{Name: "Lucía"}); err != nil {
		t.Fatal(err)
	}
	seen := "0"
	ls, _ := lucia.openStream(t, c.ID, seen+"&tab=lucia-tab")
	ls.waitWithin(t, sharedWithin, "Lucía's empty line", func(e presenceEvent) bool { return e.Text == "" })
	ms, _ := marta.openStream(t, c.ID, seen+"&tab=marta-tab")
	ms.waitWithin(t, sharedWithin, "Lucía viewing, on Marta's process", func(e presenceEvent) bool {
		return e.Text == "Lucía is viewing this ticket"
	})
	ls.waitWithin(t, sharedWithin, "Marta viewing, on Lucía's process", func(e presenceEvent) bool {
		return strings.Contains(e.Text, "Agent agent is viewing")
	})

	if r := lucia.postForm(t, ticketPath(c.ID, "presence"), url.Values{"state": {"replying"}}); r.StatusCode != http.StatusNoContent {
		t.Fatalf("typing: %d %s", r.StatusCode, r.Body)
	}
	ms.waitWithin(t, sharedWithin, "Lucía replying, on Marta's process", func(e presenceEvent) bool { return e.Text == "Lucía is replying" })

	two.requesterSays(t, c, "Hello?")
	ls.waitWithin(t, sharedWithin, "the requester's message, on the other process", func(e presenceEvent) bool { return e.Newest > 0 })

	// Marta's pagehide beacon reaches Lucía's process, not her stream's.
	start := time.Now()
	if r := marta.on(one).postForm(t, ticketPath(c.ID, "presence"), url.Values{"state": {"left"}, "tab": {"marta-tab"}}); r.StatusCode != http.StatusNoContent {
		t.Fatalf("leave: %d %s", r.StatusCode, r.Body)
	}
	ls.waitWithin(t, sharedWithin, "Marta gone, on Lucía's process", func(e presenceEvent) bool { return e.Text == "" })
	for ended := false; !ended; {
		select {
		case _, open := <-ms.events:
			ended = !open
		case <-time.After(sharedWithin - time.Since(start)):
			t.Fatal("Marta's stream, on the other process, did not end on her beacon")
		}
	}
}

// An agent's streams are capped across processes: pages on both count
// against one allowance, and one closed frees a place on the other.
func TestPresenceLimitsSharedAcrossProcesses(t *testing.T) {
	old := desk.PresencePing
	t.Cleanup(func() { desk.PresencePing = old })
	desk.PresencePing = 200 * time.Millisecond // a closed page shows at the next ping
	one := newTestServer(t)
	two := one.twin(t)
	c := one.createTicket(t, nil)
	b := one.signIn(t, db.RoleAgent)
	var last *stream
	for i := 0; i < web.MaxStreamsPerAgent; i++ {
		on := b
		if i%2 == 1 {
			on = b.on(two)
		}
		st, code := on.openStream(t, c.ID, "0")
		if code != http.StatusOK {
			t.Fatalf("stream %d: %d", i, code)
		}
		last = st
	}
	for _, s := range []*testServer{one, two} {
		if _, code := b.on(s).openStream(t, c.ID, "0"); code != http.StatusTooManyRequests {
			t.Fatalf("stream past the cap on %s: %d, want 429", s.URL, code)
		}
	}
	last.waitFor(t, "the last stream's first event", func(presenceEvent) bool { return true })
	last.close()
	deadline := time.Now().Add(sharedWithin)
	for {
		_, code := b.openStream(t, c.ID, "0")
		if code == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a closed stream's place not freed: %d", code)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
