package mail

import (
	"context"
	"fmt"
	"net/smtp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/filestore"
	"github.com/kinconecta/helpdesk/internal/pgtest"
)

// newDeskOnPostgres is newDesk as one helpdesk process of several on the
// PostgreSQL database at url: a handle of its own on the database, a data
// folder of its own, and the mail server box (shared by the processes).
func newDeskOnPostgres(t *testing.T, url string, box *mailbox) *testDesk {
	t.Helper()
	store, err := db.OpenPostgres(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	files, err := filestore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return &testDesk{db: store, files: files, box: box, cfg: testConfig(t, box.addr)}
}

// waitSettled waits (at most 60 s) until no row of the outbox is pending.
func waitSettled(t *testing.T, store *db.DB) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		rows, err := store.Notifications(context.Background(), db.OutboxPending, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d notifications still pending", len(rows))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestOutboxTwoProcesses: two helpdesk processes on one PostgreSQL
// database, each with its delivery worker, while both take tickets and
// answers: every one of 200 notifications reaches the mail server exactly
// once.
func TestOutboxTwoProcesses(t *testing.T) {
	began := time.Now()
	url := pgtest.URL(t)
	box := startMailbox(t, "127.0.0.1:0")
	desks := []*testDesk{newDeskOnPostgres(t, url, box), newDeskOnPostgres(t, url, box)}
	for _, d := range desks {
		d.cfg.Worker.BatchSize = 10 // many claims, so the workers meet often
		d.start(t)
	}
	ctx := context.Background()
	carlos := desks[0].agent(t, "carlos@kinconecta.test", "Carlos Ruiz")
	agent := db.Actor{Type: "agent", ID: carlos.ID, Name: carlos.Name}
	const tickets = 100
	for i := range tickets {
		d := desks[i%2]
		tk := d.ticket(t, fmt.Sprintf("Requester %d", i), fmt.Sprintf("requester%d@example.com", i), fmt.Sprintf("Booking %d", i), "en")
		if _, err := desks[(i+1)%2].db.AddMessage(ctx, tk.ID, db.NewMessage{Body: fmt.Sprintf("Answer %d", i)}, agent, 20); err != nil {
			t.Fatal(err)
		}
	}
	const want = 2 * tickets
	box.waitFor(t, want)
	waitSettled(t, desks[0].db)
	for _, d := range desks {
		d.svc.Stop() // nothing can arrive after this: the counts below are final
	}
	t.Logf("%d notifications through two workers in %v", want, time.Since(began).Round(time.Millisecond))

	msgs := box.messages()
	perID := map[string]int{}
	perRecipient := map[string]int{}
	for _, m := range msgs {
		perID[m.Header.Get("Message-ID")]++
		kind := db.NotifyTicketCreated
		if strings.Contains(m.Text, "Answer ") {
			kind = db.NotifyAgentReply
		}
		perRecipient[fmt.Sprint(m.To, " ", kind)]++
	}
	for id, n := range perID {
		if n != 1 {
			t.Errorf("Message-ID %s arrived %d times", id, n)
		}
	}
	for to, n := range perRecipient {
		if n != 1 {
			t.Errorf("%s arrived %d times", to, n)
		}
	}
	if len(msgs) != want || len(perID) != want || len(perRecipient) != want {
		t.Fatalf("%d emails with %d distinct Message-IDs, %d distinct recipients and kinds arrived, want %d",
			len(msgs), len(perID), len(perRecipient), want)
	}
	sent, err := desks[1].db.Notifications(ctx, db.OutboxSent, 1000)
	if err != nil || len(sent) != want {
		t.Fatalf("%d rows sent (%v), want %d", len(sent), err, want)
	}
	for _, n := range sent {
		if n.Attempts != 1 {
			t.Errorf("row %d (%s) took %d attempts, want 1", n.ID, n.Kind, n.Attempts)
		}
	}
}

// TestOutboxLeaseOutlivesWorker: a row claimed by a worker that died (its
// process killed between the claim and the send) is not sent while the
// lease lasts, and is sent, once, by another worker when it ends.
func TestOutboxLeaseOutlivesWorker(t *testing.T) {
	for _, engine := range []string{"SQLite", "PostgreSQL"} {
		t.Run(engine, func(t *testing.T) {
			d := newDesk(t)
			if engine == "PostgreSQL" {
				d = newDeskOnPostgres(t, pgtest.URL(t), d.box)
			}
			var clock atomic.Int64
			clock.Store(time.Now().UnixNano())
			d.db.Now = func() time.Time { return time.Unix(0, clock.Load()) }
			ctx := context.Background()
			tk := d.ticket(t, "Ana", "ana.martinez@example.com", "Lost in a crash", "en")

			// The dead worker's claim.
			const lease = 2 * time.Minute
			dead, err := d.db.ClaimDue(ctx, 10, lease, d.cfg.Confirm)
			if err != nil || len(dead.Rows) != 1 {
				t.Fatalf("claim = %+v, %v", dead, err)
			}
			d.cfg.Worker.Lease = lease
			svc := d.start(t)
			// Many polls (PollEvery is 20 ms) and a nudge: still leased.
			svc.Nudge()
			time.Sleep(300 * time.Millisecond)
			if got := len(d.box.messages()); got != 0 {
				t.Fatalf("%d emails sent while the dead worker's lease lasted", got)
			}
			clock.Add(int64(lease))
			d.box.waitFor(t, 1)
			d.settle(t, tk.ID)
			svc.Stop()
			if got := d.box.messages(); len(got) != 1 || got[0].To[0] != "ana.martinez@example.com" {
				t.Fatalf("emails after the lease = %+v, want the confirmation once", got)
			}
			sent, err := d.db.Notifications(ctx, db.OutboxSent, 10)
			if err != nil || len(sent) != 1 || sent[0].ID != dead.Rows[0].ID || sent[0].Attempts != 1 {
				t.Fatalf("sent rows = %+v, %v", sent, err)
			}
		})
	}
}

// TestInboundRateLimitTwoProcesses: the reply listener's limit per client
// address holds across two processes on one database: the burst spent on
// one is spent on the other.
func TestInboundRateLimitTwoProcesses(t *testing.T) {
	url := pgtest.URL(t)
	box := startMailbox(t, "127.0.0.1:0")
	var addrs []string
	for range 2 {
		d := newDeskOnPostgres(t, url, box)
		d.cfg.Inbound.RatePerMinute, d.cfg.Inbound.Burst = 1, 2
		addrs = append(addrs, d.start(t).InboundAddr().String())
	}
	for i, tc := range []struct {
		process int
		want    int
	}{{0, 0}, {1, 0}, {1, 451}, {0, 451}} {
		c, err := smtp.Dial(addrs[tc.process])
		if err != nil {
			t.Fatal(err)
		}
		err = c.Mail("someone@example.com")
		if got := smtpCode(err); got != tc.want {
			t.Fatalf("MAIL #%d, to process %d, answered %v, want %d", i+1, tc.process+1, err, tc.want)
		}
		c.Close()
	}
}
