package handlers

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/desk"
)

// reportClock is a settable clock for the store, safe to move while the
// server reads it.
type reportClock struct{ ns atomic.Int64 }

func (c *reportClock) set(t time.Time) { c.ns.Store(t.UnixNano()) }
func (c *reportClock) now() time.Time  { return time.Unix(0, c.ns.Load()).UTC() }

// The reports page draws and tabulates exactly what happened: tickets per
// day by their status now, open tickets per category, and the medians of
// first response and resolution.
func TestReportsPage(t *testing.T) {
	s := newTestServer(t)
	clock := &reportClock{}
	// Two days ago, so the period's days and the sessions' expiry both
	// follow the real date.
	day0 := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -2)
	clock.set(day0.Add(8 * time.Hour))
	s.DB.Now = clock.now
	me := s.signIn(t, db.RoleAgent)
	agentActor := db.Actor{Type: "agent", ID: me.User.ID, Name: me.User.Name}

	create := func(at time.Duration, subject, category string) int64 {
		clock.set(day0.Add(at))
		return s.queueTicket(t, queueSeed{Subject: subject, Category: category})
	}
	reply := func(id int64, at time.Duration, internal bool) {
		clock.set(day0.Add(at))
		if _, err := s.DB.AddMessage(t.Context(), id, db.NewMessage{Body: "On it.", Internal: internal}, agentActor, 5); err != nil {
			t.Fatal(err)
		}
	}
	move := func(id int64, at time.Duration, status string) {
		clock.set(day0.Add(at))
		s.setStatus(t, id, status)
	}
	h := time.Hour
	t1 := create(9*h, "Charged twice", "Billing")
	reply(t1, 9*h+30*time.Minute, true) // an internal note is no response
	reply(t1, 10*h, false)              // 1 h
	move(t1, 13*h, "resolved")          // 4 h
	t2 := create(9*h+30*time.Minute, "Refund missing", "Billing")
	reply(t2, 12*h+30*time.Minute, false)   // 3 h
	move(t2, 33*h+30*time.Minute, "closed") // 24 h
	t3 := create(32*h, "Tour moved", "Booking")
	reply(t3, 32*h+30*time.Minute, false) // 30 min
	move(t3, 33*h, "in_progress")
	create(58*h, "Where do we meet?", "Booking") // open, no reply
	clock.set(day0.Add(60 * time.Hour))

	tests := []struct {
		name, lang string
		firstReply string // median of 1 h, 3 h, 30 min
		resolution string // median of 4 h and 24 h
		over       string
		booking    string
	}{
		{"English", "en", "1 h 0 min", "14 h 0 min", "over 3 tickets", "Booking"},
		{"Spanish", "es", "1 h 0 min", "14 h 0 min", "sobre 3 tickets", "Reservas y viajes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := me.queuePage(t, "/agent/reports?lang="+tc.lang)
			if got := text(one(t, d, `[data-testid="first-reply-value"]`)); got != tc.firstReply {
				t.Errorf("first response %q, want %q", got, tc.firstReply)
			}
			if got := text(one(t, d, `[data-testid="first-reply-over"]`)); got != tc.over {
				t.Errorf("first response over %q, want %q", got, tc.over)
			}
			if got := text(one(t, d, `[data-testid="resolution-value"]`)); got != tc.resolution {
				t.Errorf("resolution %q, want %q", got, tc.resolution)
			}

			// Per day: cells follow the status order, then the total.
			days := map[string][]string{
				day0.Format("2006-01-02"):                  {"0", "0", "0", "1", "1", "2"},
				day0.AddDate(0, 0, 1).Format("2006-01-02"): {"0", "0", "1", "0", "0", "1"},
				day0.AddDate(0, 0, 2).Format("2006-01-02"): {"0", "1", "0", "0", "0", "1"},
			}
			rows := d.Find(`[data-testid="created-table"] tbody tr`)
			if rows.Length() != desk.ReportDays {
				t.Fatalf("%d days in the table, want %d", rows.Length(), desk.ReportDays)
			}
			total := 0
			rows.Each(func(_ int, row *goquery.Selection) {
				var cells []string
				row.Find("td").Each(func(_ int, td *goquery.Selection) { cells = append(cells, text(td)) })
				want, ok := days[row.AttrOr("data-day", "")]
				if !ok {
					want = []string{"0", "0", "0", "0", "0", "0"}
				} else {
					total++
				}
				if len(cells) != len(want) {
					t.Fatalf("day %s has %d cells", row.AttrOr("data-day", ""), len(cells))
				}
				for i := range want {
					if cells[i] != want[i] {
						t.Errorf("day %s: cells %v, want %v", row.AttrOr("data-day", ""), cells, want)
						break
					}
				}
			})
			if total != len(days) {
				t.Errorf("found %d of the %d days with tickets", total, len(days))
			}
			if got := d.Find(`[data-testid="created-chart"] rect`).Length(); got != 4 {
				t.Errorf("%d bar segments drawn, want 4 (one per day and status present)", got)
			}

			open := map[string]string{}
			d.Find(`[data-testid="open-table"] tbody tr`).Each(func(_ int, row *goquery.Selection) {
				open[text(row.Find("th"))] = text(row.Find("td"))
			})
			if got := open[tc.booking]; got != "2" {
				t.Errorf("open %s tickets %q, want 2 (table %v)", tc.booking, got, open)
			}
			for cat, n := range open {
				if cat != tc.booking && n != "0" {
					t.Errorf("%s has %s open tickets, want 0", cat, n)
				}
			}
			for _, chart := range []string{"created-chart", "open-chart"} {
				svg := one(t, d, `svg[data-testid="`+chart+`"]`)
				if svg.AttrOr("role", "") != "img" {
					t.Errorf("%s is not role=img", chart)
				}
				for _, id := range []string{chart + "-title", chart + "-desc"} {
					if svg.Find("#"+id).Length() != 1 {
						t.Errorf("%s lacks #%s, which names it", chart, id)
					}
				}
			}
		})
	}
}

// An empty helpdesk has reports too: zeros and "no data yet".
func TestReportsEmpty(t *testing.T) {
	s := newTestServer(t)
	me := s.signIn(t, db.RoleAgent)
	d := me.queuePage(t, "/agent/reports")
	if got := text(one(t, d, `[data-testid="first-reply-value"]`)); got != "No data yet" {
		t.Errorf("first response %q", got)
	}
	if d.Find(`[data-testid="open-none"]`).Length() != 1 {
		t.Errorf("no word that nothing is open")
	}
	if got := d.Find(`[data-testid="created-chart"] rect`).Length(); got != 0 {
		t.Errorf("%d bars drawn for no tickets", got)
	}
}
