package handlers

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/desk"
)

// A page that says it leaves (state=left with its stream's tab id, as
// its pagehide beacon does) is gone from the others' line at once, not
// at the next ping; nobody else can end that page's stream.
func TestPresenceLeave(t *testing.T) {
	old := desk.PresencePing
	t.Cleanup(func() { desk.PresencePing = old })
	desk.PresencePing = time.Minute // only the page's word can end the stream in time
	s := newTestServer(t)
	c := s.createTicket(t, nil)
	lucia := s.signIn(t, db.RoleAgent)
	marta := s.signIn(t, db.RoleAgent)
	if _, err := s.DB.UpdateProfile(t.Context(), lucia.User.ID, db.Profile{Name: "Lucía"}); err != nil {
		t.Fatal(err)
	}
	ms, _ := marta.openStream(t, c.ID, "0&tab=marta-tab")
	lucia.openStream(t, c.ID, "0&tab=lucia-tab-1")
	ms.waitFor(t, "Lucía viewing", func(e presenceEvent) bool { return e.Text == "Lucía is viewing this ticket" })

	leave := func(b *browser, tab string) response {
		return b.postForm(t, ticketPath(c.ID, "presence"), url.Values{"state": {"left"}, "tab": {tab}})
	}
	for _, tab := range []string{"", "has space", string(make([]byte, 41))} {
		if r := leave(lucia, tab); r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("tab %q: %d, want 422", tab, r.StatusCode)
		}
	}
	// Marta cannot end Lucía's page by naming its tab.
	if r := leave(marta, "lucia-tab-1"); r.StatusCode != http.StatusNoContent {
		t.Fatalf("other's tab: %d", r.StatusCode)
	}
	// Her stream is still there: her typing shows.
	lucia.postForm(t, ticketPath(c.ID, "presence"), url.Values{"state": {"replying"}})
	ms.waitFor(t, "Lucía replying", func(e presenceEvent) bool { return e.Text == "Lucía is replying" })
	if r := leave(lucia, "lucia-tab-1"); r.StatusCode != http.StatusNoContent {
		t.Fatalf("leave: %d %s", r.StatusCode, r.Body)
	}
	ms.waitFor(t, "Lucía gone", func(e presenceEvent) bool { return e.Text == "" })
}
