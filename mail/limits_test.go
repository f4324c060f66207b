package mail

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kinconecta/helpdesk/db"
)

// testClock is the database's clock, movable while the worker runs.
type testClock struct{ offset atomic.Int64 }

func (c *testClock) Now() time.Time       { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *testClock) Add(by time.Duration) { c.offset.Add(int64(by)) }

// confirmations returns the ticket-created emails that arrived, by the
// ticket number in their subject.
func confirmations(box *mailbox) map[int64]received {
	out := map[int64]received{}
	for _, m := range box.messages() {
		var id int64
		if _, err := fmt.Sscanf(m.Get("Subject"), "[Ticket #%d]", &id); err == nil && strings.Contains(m.Text, "We received your request") {
			out[id] = m
		}
	}
	return out
}

// suppressed returns the held-back rows, by ticket.
func suppressed(t *testing.T, d *testDesk) map[int64]db.Notification {
	t.Helper()
	rows, err := d.db.Notifications(context.Background(), "failed", 1000)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]db.Notification{}
	for _, n := range rows {
		if n.Status == "suppressed" {
			out[n.TicketID] = n
		}
	}
	return out
}

// TestConfirmationLimitPerAddress: with the defaults, one address gets 5
// confirmations an hour however its case and +tag vary; the rest are held
// back (the tickets are stored, admins see why), and the requester's next
// email becomes the thread's root.
func TestConfirmationLimitPerAddress(t *testing.T) {
	d := newDesk(t)
	d.start(t)
	ctx := context.Background()
	variants := []string{"ana@example.com", "ANA@example.com", "ana+1@example.com", "Ana+x@Example.com",
		"ana@example.com", "ana+2@example.com", "ana@EXAMPLE.com"}
	var tickets []db.Ticket
	for i, to := range variants {
		tk := d.ticket(t, "Ana", to, fmt.Sprintf("Spam %d", i), "en")
		d.settle(t, tk.ID)
		tickets = append(tickets, tk)
	}
	got, held := confirmations(d.box), suppressed(t, d)
	if len(got) != 5 || len(held) != 2 {
		t.Fatalf("%d confirmations sent and %d held back, want 5 and 2", len(got), len(held))
	}
	for _, tk := range tickets[5:] {
		n, ok := held[tk.ID]
		if !ok || n.Kind != db.NotifyTicketCreated || n.Attempts != 0 || !strings.Contains(n.LastError, "per-address limit of 5 an hour") {
			t.Fatalf("ticket %d's confirmation = %+v, want it held back by the per-address limit", tk.ID, n)
		}
		if _, err := d.db.Ticket(ctx, tk.ID, false); err != nil {
			t.Fatalf("ticket %d not stored: %v", tk.ID, err)
		}
	}

	// Agents' answers are not confirmations: they go out, and the first
	// one the requester gets is the root of the thread.
	last := tickets[6]
	carlos := d.agent(t, "carlos@kinconecta.test", "Carlos Ruiz")
	if _, err := d.db.AddMessage(ctx, last.ID, db.NewMessage{Body: "We are on it."}, db.Actor{Type: "agent", ID: carlos.ID, Name: carlos.Name}, 20); err != nil {
		t.Fatal(err)
	}
	d.settle(t, last.ID)
	msgs := d.box.messages()
	reply := msgs[len(msgs)-1]
	if !strings.Contains(reply.Text, "Carlos Ruiz answered") {
		t.Fatalf("the last email is not the reply:\n%s", reply.Text)
	}
	if got, want := reply.Header.Get("Message-ID"), fmt.Sprintf("<ticket-%d@kinconecta.test>", last.ID); got != want {
		t.Fatalf("the requester's first email has Message-ID %q, want the root %q", got, want)
	}
}

// TestConfirmationLimitPerDomain: a domain gets PerDomain confirmations
// an hour across all its addresses; other domains are not affected; an
// hour later (by the confirmations' creation times) mail flows again; and
// an admin's retry sends a held-back confirmation anyway.
func TestConfirmationLimitPerDomain(t *testing.T) {
	d := newDesk(t)
	clock := &testClock{}
	d.db.Now = clock.Now
	d.cfg.Confirm = ConfirmLimits{PerAddress: 0, PerDomain: 3}
	d.start(t)
	ctx := context.Background()
	ticket := func(to string) db.Ticket {
		tk := d.ticket(t, "Requester", to, "Hello", "en")
		d.settle(t, tk.ID)
		return tk
	}
	for i := range 3 {
		ticket(fmt.Sprintf("user%d@mail.example.com", i))
	}
	over := ticket("user3@MAIL.example.com")
	other := ticket("someone@example.org")
	got, held := confirmations(d.box), suppressed(t, d)
	if _, ok := got[other.ID]; !ok || len(got) != 4 {
		t.Fatalf("%d confirmations sent (other domain: %v), want 3 to mail.example.com and 1 to example.org", len(got), ok)
	}
	if n, ok := held[over.ID]; !ok || !strings.Contains(n.LastError, "per-domain limit of 3 an hour was reached for mail.example.com") {
		t.Fatalf("held back rows = %+v, want ticket %d's by the per-domain limit", held, over.ID)
	}

	clock.Add(61 * time.Minute)
	later := ticket("user4@mail.example.com")
	if _, ok := confirmations(d.box)[later.ID]; !ok {
		t.Fatalf("an hour later the domain still gets no confirmation")
	}

	if err := d.db.RetryNotification(ctx, held[over.ID].ID); err != nil {
		t.Fatal(err)
	}
	d.settle(t, over.ID)
	if _, ok := confirmations(d.box)[over.ID]; !ok {
		t.Fatalf("retrying a held-back confirmation did not send it: %s", d.stopped(t, over.ID))
	}
}

// TestConfirmationLimitsOff: 0 turns both limits off.
func TestConfirmationLimitsOff(t *testing.T) {
	d := newDesk(t)
	d.cfg.Confirm = ConfirmLimits{}
	d.start(t)
	for i := range 7 {
		d.settle(t, d.ticket(t, "Ana", "ana@example.com", fmt.Sprintf("Hello %d", i), "en").ID)
	}
	if got := len(confirmations(d.box)); got != 7 {
		t.Fatalf("%d confirmations with the limits off, want 7", got)
	}
}

// TestConfirmLimitSettings: ParseConfig takes the limits from the flags'
// values (whose defaults are 5 and 300) and refuses negative ones, naming
// the flag.
func TestConfirmLimitSettings(t *testing.T) {
	if DefaultConfirmPerAddress != 5 || DefaultConfirmPerDomain != 300 {
		t.Fatalf("defaults = %d, %d; the README says 5 and 300", DefaultConfirmPerAddress, DefaultConfirmPerDomain)
	}
	cfg, err := ParseConfig(Settings{BaseURL: testBaseURL, ConfirmPerAddress: 2, ConfirmPerDomain: 0})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cfg.Confirm, (ConfirmLimits{PerAddress: 2, PerDomain: 0}); got != want {
		t.Fatalf("limits = %+v, want %+v", got, want)
	}
	for _, tc := range []struct {
		name string
		s    Settings
		flag string
	}{
		{"ErrPerAddress", Settings{BaseURL: testBaseURL, ConfirmPerAddress: -1, ConfirmPerDomain: 300}, "--confirm-per-address"},
		{"ErrPerDomain", Settings{BaseURL: testBaseURL, ConfirmPerAddress: 5, ConfirmPerDomain: -1}, "--confirm-per-domain"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ParseConfig(tc.s); err == nil || !strings.Contains(err.Error(), tc.flag) {
				t.Fatalf("ParseConfig = %v, want an error naming %s", err, tc.flag)
			}
		})
	}
}
