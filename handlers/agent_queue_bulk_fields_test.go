package handlers

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/kinconecta/helpdesk/db"
)

// A bulk refusal names the field's problem: a ticket that would hold
// more than 20 tags says so, like the ticket page, not "Some fields are
// not valid."
func TestQueueBulkTagOverflow(t *testing.T) {
	s := newTestServer(t)
	me := s.signIn(t, db.RoleAgent)
	full := s.queueTicket(t, queueSeed{Subject: "Full", Status: "open"})
	room := s.queueTicket(t, queueSeed{Subject: "Room", Status: "open"})
	var tags []string
	for i := range db.MaxTagsATicket {
		tags = append(tags, fmt.Sprintf("t%d", i))
	}
	if _, err := s.DB.UpdateTicket(t.Context(), full, db.TicketPatch{AddTags: tags}, db.Actor{Type: "system", Name: "test"}); err != nil {
		t.Fatal(err)
	}
	r := me.postForm(t, "/agent/bulk", queueBulkForm("/agent", []int64{full, room}, "addTags", "extra"))
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("status %d, want 303: %.300s", r.StatusCode, r.Body)
	}
	for _, tc := range []struct{ lang, want string }{
		{"en", "#" + strconv.FormatInt(full, 10) + ": would hold more than 20 tags; remove some first"},
	} {
		d := me.queuePage(t, r.Header.Get("Location")+"?lang="+tc.lang)
		if got := text(one(t, d, `[data-testid="queue-refused"]`)); got != tc.want {
			t.Errorf("refusal %q, want %q", got, tc.want)
		}
	}
	if got := s.queueStatus(t, room).Tags; len(got) != 1 || got[0] != "extra" {
		t.Errorf("the ticket with room has tags %q", got)
	}
}

// A new API key's notice names it once (the field's label), not twice.
func TestSettingsKeyNamedOnce(t *testing.T) {
	s := newTestServer(t)
	admin := s.signIn(t, db.RoleAdmin)
	r := admin.postForm(t, "/agent/settings/keys", map[string][]string{"name": {"Bookings app"}, "role": {"agent"}})
	if r.StatusCode != http.StatusOK {
		t.Fatalf("%d", r.StatusCode)
	}
	if got := strings.Count(text(one(t, html(t, r), `[data-testid="secret"]`)), "Bookings app"); got != 1 {
		t.Errorf("the key's name shows %d times in its notice, want once", got)
	}
}
