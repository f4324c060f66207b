package handlers

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/filestore"
	"github.com/kinconecta/helpdesk/handlers/desk"
	"github.com/kinconecta/helpdesk/handlers/web"
)

// presenceEvent is one "presence" event as the page's script reads it.
type presenceEvent struct {
	Text   string `json:"text"`
	Newest int64  `json:"newest"`
}

// stream is an open presence stream as a browser's EventSource reads it.
type stream struct {
	resp   *http.Response
	events chan presenceEvent
	cancel context.CancelFunc
}

// openStream opens ticket id's presence stream as b.
func (b *browser) openStream(t testing.TB, id int64, seen string) (*stream, int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", b.s.URL+ticketPath(id, "presence")+"?seen="+seen, nil)
	resp, err := b.client.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		cancel()
		return nil, resp.StatusCode
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("Content-Type %q", ct)
	}
	st := &stream{resp: resp, events: make(chan presenceEvent, 64), cancel: cancel}
	go func() {
		defer close(st.events)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				var ev presenceEvent
				if json.Unmarshal([]byte(data), &ev) == nil {
					st.events <- ev
				}
			}
		}
	}()
	t.Cleanup(st.close)
	return st, resp.StatusCode
}

func (st *stream) close() { st.cancel(); st.resp.Body.Close() }

// waitFor reads events until one satisfies ok.
func (st *stream) waitFor(t testing.TB, what string, ok func(presenceEvent) bool) presenceEvent {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case ev, open := <-st.events:
			if !open {
				t.Fatalf("stream ended waiting for %s", what)
			}
			if ok(ev) {
				return ev
			}
		case <-deadline:
			t.Fatalf("no event: %s", what)
		}
	}
}

// Two agents on one ticket see each other, viewing then replying; a
// public message from someone else is announced; a closed page leaves.
func TestPresenceStream(t *testing.T) {
	old := desk.PresencePing
	t.Cleanup(func() { desk.PresencePing = old }) // after the server's own cleanup
	desk.PresencePing = 200 * time.Millisecond    // a closed page shows at the next ping
	s := newTestServer(t)
	c := s.createTicket(t, nil)
	lucia := s.signIn(t, db.RoleAgent)
	marta := s.signIn(t, db.RoleAgent)
	if _, err := s.DB.UpdateProfile(t.Context(), lucia.User.ID, db.Profile{Name: "Lucía"}); err != nil {
		t.Fatal(err)
	}
	ms, _ := marta.openStream(t, c.ID, "0")
	ms.waitFor(t, "empty line", func(e presenceEvent) bool { return e.Text == "" })
	ls, _ := lucia.openStream(t, c.ID, "0")
	ms.waitFor(t, "Lucía viewing", func(e presenceEvent) bool { return e.Text == "Lucía is viewing this ticket" })
	ls.waitFor(t, "Marta viewing", func(e presenceEvent) bool { return strings.Contains(e.Text, "Agent agent is viewing") })

	r := lucia.postForm(t, ticketPath(c.ID, "presence"), url.Values{"state": {"replying"}})
	if r.StatusCode != http.StatusNoContent {
		t.Fatalf("typing: %d %s", r.StatusCode, r.Body)
	}
	ms.waitFor(t, "Lucía replying", func(e presenceEvent) bool { return e.Text == "Lucía is replying" })
	if r := lucia.postForm(t, ticketPath(c.ID, "presence"), url.Values{"state": {"dancing"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad state: %d", r.StatusCode)
	}

	s.requesterSays(t, c, "Hello?")
	ms.waitFor(t, "new message", func(e presenceEvent) bool { return e.Newest > 0 })

	ls.close()
	ms.waitFor(t, "Lucía gone", func(e presenceEvent) bool { return e.Text == "" })
}

// Streams are capped per agent, and a stranger gets none.
func TestPresenceLimits(t *testing.T) {
	s := newTestServer(t)
	c := s.createTicket(t, nil)
	b := s.signIn(t, db.RoleAgent)
	for i := 0; i < web.MaxStreamsPerAgent; i++ {
		if _, code := b.openStream(t, c.ID, "0"); code != http.StatusOK {
			t.Fatalf("stream %d: %d", i, code)
		}
	}
	if _, code := b.openStream(t, c.ID, "0"); code != http.StatusTooManyRequests {
		t.Fatalf("stream past the cap: %d, want 429", code)
	}
	if _, code := s.newBrowser(t).openStream(t, c.ID, "0"); code == http.StatusOK {
		t.Fatal("a stranger opened a stream")
	}
	if _, code := b.openStream(t, 999999, "0"); code != http.StatusNotFound {
		t.Fatalf("unknown ticket: %d, want 404", code)
	}
}

// A graceful shutdown ends open streams at once instead of waiting out
// its timeout for them.
func TestPresenceShutdown(t *testing.T) {
	dir := t.TempDir()
	store, err := db.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	files, err := filestore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	app := New(web.Config{BaseURL: "http://helpdesk.test", MaxFileBytes: 1 << 20, MaxFiles: 5}, store, files)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	s := &testServer{URL: "http://" + ln.Addr().String(), DB: store, Files: files, Dir: dir,
		client: &http.Client{Timeout: 30 * time.Second}}
	_, s.AgentKey, _ = store.CreateAPIKey(t.Context(), "k", db.RoleAgent)
	c := s.createTicket(t, nil)
	b := s.signIn(t, db.RoleAgent)
	st, _ := b.openStream(t, c.ID, "0")
	st.waitFor(t, "first event", func(presenceEvent) bool { return true })

	start := time.Now()
	if err := app.ShutdownWithTimeout(10 * time.Second); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("shutdown took %v with a stream open", took)
	}
	select {
	case _, open := <-st.events:
		for open {
			_, open = <-st.events
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the stream did not end")
	}
}
