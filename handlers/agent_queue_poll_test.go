package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/kinconecta/helpdesk/db"
)

// queuePoll fetches a poll address as htmx would and parses the answer.
func (b *browser) queuePoll(t testing.TB, path string) *goquery.Document {
	t.Helper()
	r := b.do(t, "GET", path, "", nil, "HX-Request", "true")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %.300s", path, r.StatusCode, r.Body)
	}
	return html(t, r)
}

// nextPoll is the address the answer's poller calls next.
func nextPoll(t testing.TB, d *goquery.Document) string {
	t.Helper()
	return one(t, d, "#queue-poll").AttrOr("hx-get", "")
}

// The page polls for fresh counts; once a ticket matching the view
// arrives the answer says so, once, in the live region, and a ticket
// outside the view is counted in its tab but not announced.
func TestQueuePoll(t *testing.T) {
	s := newTestServer(t)
	me := s.signIn(t, db.RoleAgent)
	s.queueTicket(t, queueSeed{Subject: "Already here", Category: "Billing"})

	page := me.queuePage(t, "/agent?category=Billing")
	if got := one(t, page, "#queue-new").AttrOr("aria-live", ""); got != "polite" {
		t.Fatalf("new-ticket notice region is aria-live=%q, want polite", got)
	}
	poll := nextPoll(t, page)
	if u, _ := url.Parse(poll); u.Path != "/agent/queue/poll" || u.Query().Get("category") != "Billing" {
		t.Fatalf("page polls %q, want the poll of its own view", poll)
	}

	steps := []struct {
		name       string
		create     *queueSeed
		wantNotice string // "" means the notice is left alone
		wantOpen   string
	}{
		{"NothingNew", nil, "", "1"},
		{"OutsideTheView", &queueSeed{Subject: "Booking question", Category: "Booking"}, "", "2"},
		{"OneNew", &queueSeed{Subject: "Charged twice", Category: "Billing"}, "1 new ticket matches this view.", "3"},
		{"SaidOnce", nil, "", "3"},
		{"TwoNew", &queueSeed{Subject: "Refund missing", Category: "Billing"}, "2 new tickets match this view.", "4"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if st.create != nil {
				s.queueTicket(t, *st.create)
			}
			d := me.queuePoll(t, poll)
			if got := text(one(t, d, `#view-count-open[hx-swap-oob]`)); got != st.wantOpen {
				t.Errorf("open count %q, want %s", got, st.wantOpen)
			}
			notice := d.Find(`#queue-new[hx-swap-oob]`)
			switch {
			case st.wantNotice == "" && notice.Length() != 0:
				t.Errorf("answer changes the notice to %q; it should leave it alone", text(notice))
			case st.wantNotice != "":
				if got := text(notice.Find(`[data-testid="queue-new-notice"] span`)); got != st.wantNotice {
					t.Errorf("notice %q, want %q", got, st.wantNotice)
				}
				if got := notice.Find("a").AttrOr("href", ""); got != "/agent?category=Billing" {
					t.Errorf("notice links to %q", got)
				}
			}
			poll = nextPoll(t, d)
			if !strings.Contains(poll, "category=Billing") {
				t.Fatalf("next poll %q forgot the view", poll)
			}
		})
	}

	t.Run("ErrChecked", func(t *testing.T) {
		if r := me.get(t, "/agent/queue/poll?checked=x"); r.StatusCode != http.StatusBadRequest {
			t.Fatalf("status %d, want 400", r.StatusCode)
		}
	})
}
