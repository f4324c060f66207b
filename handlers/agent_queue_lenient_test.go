package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/kinconecta/helpdesk/db"
)

// A mistyped filter shows the queue, without that filter, with a message
// naming it in the reader's language; the tag box takes tags the way
// "Add tags" does (spaces, commas, a leading '#').
func TestQueueMistypedFilter(t *testing.T) {
	s := newTestServer(t)
	ctx := t.Context()
	me := s.signIn(t, db.RoleAgent)
	vip := s.createTicket(t, map[string]any{"subject": "VIP one"})
	both := s.createTicket(t, map[string]any{"subject": "VIP and x1"})
	plain := s.createTicket(t, map[string]any{"subject": "Plain"})
	for id, tags := range map[int64][]string{vip.ID: {"vip"}, both.ID: {"vip", "x1"}} {
		if _, err := s.DB.UpdateTicket(ctx, id, db.TicketPatch{AddTags: tags}, db.Actor{Type: "system", Name: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	subjects := func(r response) []string {
		return texts(html(t, r), `a[data-testid="queue-subject"]`)
	}

	for _, tc := range []struct {
		name, tag string
		want      []string
	}{
		{"Spaces", "vip x1", []string{"VIP and x1"}},
		{"Hash", "#vip", []string{"VIP and x1", "VIP one"}},
		{"CaseAndComma", "Vip,", []string{"VIP and x1", "VIP one"}},
		{"HashesAndCommas", " #VIP , ,#x1 ", []string{"VIP and x1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := me.get(t, "/agent?tag="+url.QueryEscape(tc.tag))
			if r.StatusCode != http.StatusOK {
				t.Fatalf("status %d, want 200", r.StatusCode)
			}
			if got := subjects(r); strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("tickets %q, want %q", got, tc.want)
			}
			if n := html(t, r).Find(`[data-testid="queue-filter-problems"]`).Length(); n != 0 {
				t.Error("a tidy-able tag box is reported as a problem")
			}
		})
	}

	for _, tc := range []struct {
		name, query, lang, want string
	}{
		{"ErrTagLong", "tag=" + strings.Repeat("t", 41), "en", "Tag filter “" + strings.Repeat("t", 41) + "” ignored"},
		{"ErrStatus", "status=bogus", "en", "Status filter “bogus” ignored"},
		{"ErrSort", "sort=zzz", "en", "Sort “zzz” ignored"},
		{"ErrSortSpanish", "sort=zzz", "es", "Orden «zzz» ignorado"},
		{"ErrTagSpanish", "tag=a%2Fb", "es", "Filtro de etiquetas «a/b» ignorado"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := me.get(t, "/agent?"+tc.query+"&lang="+tc.lang)
			if r.StatusCode != http.StatusOK {
				t.Fatalf("status %d, want 200", r.StatusCode)
			}
			d := html(t, r)
			if got := text(one(t, d, `[data-testid="queue-filter-problems"]`)); !strings.Contains(got, tc.want) {
				t.Errorf("problem %q, want %q", got, tc.want)
			}
			// The bad filter is left out: every open ticket shows.
			if got := len(texts(d, `a[data-testid="queue-subject"]`)); got != 3 {
				t.Errorf("%d tickets, want 3", got)
			}
		})
	}
	// A good filter beside a bad one still applies.
	r := me.get(t, "/agent?status=bogus&tag=x1")
	if got := subjects(r); len(got) != 1 || got[0] != "VIP and x1" {
		t.Errorf("tickets %q, want the x1 one", got)
	}
	_ = plain
}
