package mail

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/kinconecta/helpdesk/db"
)

// TestOutageAndRestart: the mail server is down while 50 events happen,
// the worker fails its tries and is restarted (a new worker on the same
// database, as after a process restart), then the server comes back.
// Every email arrives exactly once.
func TestOutageAndRestart(t *testing.T) {
	d := newDesk(t)
	d.box.close()
	// A port where nothing listens, until the server comes back on it.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	d.cfg = testConfig(t, addr)
	d.cfg.Worker.MaxAttempts = 1000 // the outage must not exhaust the tries
	d.cfg.Worker.BatchSize = 7      // several batches per round
	ctx := context.Background()

	first := d.start(t)
	carlos := d.agent(t, "carlos@kinconecta.test", "Carlos Ruiz")
	agent := db.Actor{Type: "agent", ID: carlos.ID, Name: carlos.Name}
	resolved := "resolved"
	events := 0
	for i := 0; events < 50; i++ {
		tk := d.ticket(t, fmt.Sprintf("Requester %d", i), fmt.Sprintf("requester%d@example.com", i), fmt.Sprintf("Outage %d", i), "en")
		if events++; events == 50 {
			break
		}
		if _, err := d.db.AddMessage(ctx, tk.ID, db.NewMessage{Body: fmt.Sprintf("Answer %d", i)}, agent, 20); err != nil {
			t.Fatal(err)
		}
		events++
		if i%3 == 0 && events < 50 {
			if _, err := d.db.UpdateTicket(ctx, tk.ID, db.TicketPatch{Status: &resolved}, agent); err != nil {
				t.Fatal(err)
			}
			events++
		}
	}

	// Wait until the worker has tried, and failed, every row at least once.
	deadline := time.Now().Add(30 * time.Second)
	for {
		rows, err := d.db.Notifications(ctx, "pending", 100)
		if err != nil {
			t.Fatal(err)
		}
		tried := 0
		for _, n := range rows {
			if n.Attempts > 0 {
				tried++
			}
		}
		if len(rows) != 50 {
			t.Fatalf("%d pending rows during the outage, want 50", len(rows))
		}
		if tried == 50 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d of 50 rows tried during the outage", tried)
		}
		time.Sleep(10 * time.Millisecond)
	}
	first.Stop()
	if got := len(d.box.messages()); got != 0 {
		t.Fatalf("%d emails arrived while the server was down", got)
	}

	d.box = startMailbox(t, addr)
	second := d.start(t)
	msgs := d.box.waitFor(t, 50)
	second.Stop() // nothing can arrive after this: the counts below are final

	msgs = d.box.messages()
	if len(msgs) != 50 {
		t.Fatalf("%d emails arrived, want 50", len(msgs))
	}
	perID := map[string]int{}
	for _, m := range msgs {
		perID[m.Header.Get("Message-ID")]++
	}
	for id, n := range perID {
		if n != 1 {
			t.Errorf("Message-ID %s arrived %d times", id, n)
		}
	}
	if len(perID) != 50 {
		t.Fatalf("%d distinct Message-IDs, want 50", len(perID))
	}
	for _, status := range []string{"pending", "failed"} {
		rows, err := d.db.Notifications(ctx, status, 100)
		if err != nil || len(rows) != 0 {
			t.Fatalf("%d %s rows after recovery (%v)", len(rows), status, err)
		}
	}
}

// TestRefusedRecipientFailsAtOnce: a 5xx for the recipient cannot get
// better by retrying, so the row is failed after one try, with the
// server's reason for the admins.
func TestRefusedRecipientFailsAtOnce(t *testing.T) {
	d := newDesk(t)
	d.box.reject["gone@example.com"] = true
	d.start(t)
	d.ticket(t, "Gone", "gone@example.com", "Nobody home", "en")
	d.ticket(t, "Ana", "ana.martinez@example.com", "Somebody home", "en")
	// The second row is sent after the first is settled.
	d.box.waitFor(t, 1)
	rows, err := d.db.Notifications(context.Background(), "failed", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Recipient != "gone@example.com" || rows[0].Attempts != 1 || !strings.Contains(rows[0].LastError, "550") {
		t.Fatalf("failed rows = %+v", rows)
	}
}

// TestNoSMTPKeepsRowsPending: without --smtp-url nothing is sent and
// nothing is failed; rows wait for a server.
func TestNoSMTPKeepsRowsPending(t *testing.T) {
	d := newDesk(t)
	d.cfg.Server = nil
	svc := d.start(t)
	d.ticket(t, "Ana", "ana.martinez@example.com", "Waiting", "en")
	svc.Nudge()
	svc.Stop()
	rows, err := d.db.Notifications(context.Background(), "pending", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Attempts != 0 || rows[0].LastError != "" {
		t.Fatalf("pending rows = %+v", rows)
	}
	if failed, _ := d.db.Notifications(context.Background(), "failed", 10); len(failed) != 0 {
		t.Fatalf("failed rows = %+v", failed)
	}
}

// TestMessageIDIsStable: the same row renders with the same Message-ID on
// every try, so a resend after a crash can be recognised downstream; the
// thread's root keeps the root id on every try too.
func TestMessageIDIsStable(t *testing.T) {
	d := newDesk(t)
	tk := d.ticket(t, "Ana", "ana.martinez@example.com", "Stable", "en")
	carlos := d.agent(t, "carlos@kinconecta.test", "Carlos Ruiz")
	if _, err := d.db.AddMessage(context.Background(), tk.ID, db.NewMessage{Body: "On it."},
		db.Actor{Type: "agent", ID: carlos.ID, Name: carlos.Name}, 20); err != nil {
		t.Fatal(err)
	}
	due, err := d.db.DueNotifications(context.Background(), 10)
	if err != nil || len(due) != 2 {
		t.Fatalf("due = %v, %v", due, err)
	}
	rows, err := d.db.ClaimNotifications(context.Background(), due, d.cfg.Confirm)
	if err != nil || len(rows) != 2 {
		t.Fatalf("claimed = %v, %v", rows, err)
	}
	c := &composer{db: d.db, baseURL: testBaseURL, from: d.cfg.From, domain: "kinconecta.test", now: time.Now}
	for _, tc := range []struct {
		name string
		row  db.Notification
		want string
	}{
		{"Root", rows[0], fmt.Sprintf("<ticket-%d@kinconecta.test>", tk.ID)},
		{"Answer", rows[1], fmt.Sprintf("<n-%d.ticket-%d@kinconecta.test>", rows[1].ID, tk.ID)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for try := range 2 {
				m, err := c.compose(context.Background(), tc.row)
				if err != nil {
					t.Fatal(err)
				}
				if got := m.GetMessageID(); got != tc.want {
					t.Fatalf("try %d: Message-ID = %s, want %s", try+1, got, tc.want)
				}
			}
		})
	}
	// A row read again from the database (as after a restart) still
	// knows it is the root.
	again, err := d.db.DueNotifications(context.Background(), 10)
	if err != nil || len(again) != 2 || !again[0].ThreadRoot || again[1].ThreadRoot || !again[1].RootTaken {
		t.Fatalf("due after claiming = %+v, %v", again, err)
	}
}

func TestBackoff(t *testing.T) {
	base, limit := 30*time.Second, time.Hour
	for _, tc := range []struct {
		attempts int
		want     time.Duration
	}{{0, 30 * time.Second}, {1, time.Minute}, {3, 4 * time.Minute}, {6, 32 * time.Minute}, {7, time.Hour}, {60, time.Hour}} {
		t.Run(fmt.Sprint(tc.attempts), func(t *testing.T) {
			if got := backoff(tc.attempts, base, limit); got != tc.want {
				t.Fatalf("backoff(%d) = %v, want %v", tc.attempts, got, tc.want)
			}
		})
	}
}
