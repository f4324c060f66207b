package db

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/kinconecta/helpdesk/db/sqlite"
)

// TestOutboxMigrationKeepsRows: 004 rebuilds the outbox (SQLite cannot
// change a CHECK constraint in place); the rows of a database made before
// it come through whole, and the new status is accepted.
func TestOutboxMigrationKeepsRows(t *testing.T) {
	sqliteOnly(t)
	ctx := context.Background()
	dir := t.TempDir()
	conn, err := sql.Open("sqlite", dsn(filepath.Join(dir, FileName), false))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE schema_migrations (name TEXT PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	names, _ := fs.Glob(sqlite.Migrations, "migrations/*.sql")
	sort.Strings(names)
	for _, name := range names {
		if name < "migrations/004" {
			if err := applyMigration(ctx, conn, sqliteEngine{}, sqlite.Migrations, name); err != nil {
				t.Fatal(err)
			}
		}
	}
	old := []string{
		`(1, 'ticket_created', NULL, NULL, 'ana@example.com', 'es', 'sent', 1, '2026-03-10T11:00:00.000000Z', '', '2026-03-10T11:00:00.000000Z', '2026-03-10T11:00:01.000000Z')`,
		`(2, 'agent_reply', NULL, NULL, 'ana@example.com', 'en', 'failed', 8, '2026-03-10T12:00:00.000000Z', '550 no such user', '2026-03-10T11:30:00.000000Z', NULL)`,
		`(7, 'assigned', NULL, NULL, 'carlos@kinconecta.test', 'en', 'pending', 0, '2026-03-10T13:00:00.000000Z', '', '2026-03-10T13:00:00.000000Z', NULL)`,
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO outbox (id, kind, ticket_id, message_id, recipient, language, status,
		attempts, next_attempt_at, last_error, created_at, sent_at) VALUES `+strings.Join(old, ", ")); err != nil {
		t.Fatal(err)
	}
	conn.Close()

	d, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var got []string
	rows, err := d.read.QueryContext(ctx, `SELECT printf('(%d, %Q, NULL, NULL, %Q, %Q, %Q, %d, %Q, %Q, %Q, %s)', id, kind, recipient,
		language, status, attempts, next_attempt_at, last_error, created_at, coalesce(quote(sent_at), 'NULL')),
		claimed_at IS NULL AND recipient_key IS NULL AND thread_root = 0 FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var row string
		var fresh bool
		if err := rows.Scan(&row, &fresh); err != nil {
			t.Fatal(err)
		}
		if !fresh {
			t.Errorf("row %s has the new columns set", row)
		}
		got = append(got, row)
	}
	rows.Close()
	if strings.Join(got, "\n") != strings.Join(old, "\n") {
		t.Fatalf("rows after the migration:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(old, "\n"))
	}
	var indexes []string
	rows, err = d.read.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		rows.Scan(&name)
		indexes = append(indexes, name)
	}
	rows.Close()
	if got, want := strings.Join(indexes, " "), "outbox_confirm_address outbox_confirm_domain outbox_due outbox_email_message_id outbox_thread_root"; got != want {
		t.Fatalf("outbox indexes = %s, want %s", got, want)
	}
	err = d.write(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(`UPDATE outbox SET status = 'suppressed' WHERE id = 7`); err != nil {
			return fmt.Errorf("suppressed refused: %w", err)
		}
		if _, err := tx.Exec(`UPDATE outbox SET status = 'bogus' WHERE id = 7`); err == nil {
			return fmt.Errorf("the CHECK constraint is gone")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestOutboxQueryPlans: the worker's counts and the thread-root lookup
// are index ranges, not scans of the outbox.
func TestOutboxQueryPlans(t *testing.T) {
	sqliteOnly(t)
	d := mustOpen(t)
	for _, tc := range []struct{ name, query, index string }{
		{"PerAddress", confirmCountSQL("recipient_key"), "outbox_confirm_address"},
		{"PerDomain", confirmCountSQL("recipient_domain"), "outbox_confirm_domain"},
		{"ThreadRoot", `SELECT 1 FROM outbox WHERE ticket_id = ? AND thread_root = TRUE`, "outbox_thread_root"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := d.read.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+tc.query, "x", "a", "b", 5)
			if tc.name == "ThreadRoot" {
				rows, err = d.read.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+tc.query, 1)
			}
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var plan []string
			for rows.Next() {
				var id, parent, unused int
				var detail string
				rows.Scan(&id, &parent, &unused, &detail)
				plan = append(plan, detail)
			}
			if got := strings.Join(plan, "; "); !strings.Contains(got, "SEARCH") || !strings.Contains(got, tc.index) {
				t.Fatalf("plan %q does not use %s", got, tc.index)
			}
		})
	}
}

func TestConfirmKey(t *testing.T) {
	for _, tc := range []struct{ in, key, domain string }{
		{"ana@example.com", "ana@example.com", "example.com"},
		{"Ana+Tours@Example.COM", "ana@example.com", "example.com"},
		{"ana+a+b@example.com", "ana@example.com", "example.com"},
		{"+only@example.com", "+only@example.com", "example.com"},
		{"ana@example.com.", "ana@example.com", "example.com"},
		{"ana.martinez@mail.example.com", "ana.martinez@mail.example.com", "mail.example.com"},
		// One IDN domain, however it is spelled: NFC, NFD, punycode, any case.
		{"victim@exämple.com", "victim@xn--exmple-cua.com", "xn--exmple-cua.com"},
		{"victim@exa\u0308mple.com", "victim@xn--exmple-cua.com", "xn--exmple-cua.com"},
		{"victim@xn--exmple-cua.com", "victim@xn--exmple-cua.com", "xn--exmple-cua.com"},
		{"Victim+x@XN--EXMPLE-CUA.COM", "victim@xn--exmple-cua.com", "xn--exmple-cua.com"},
		{"victim@EXÄMPLE.COM", "victim@xn--exmple-cua.com", "xn--exmple-cua.com"},
		// A non-ASCII local part, NFC and NFD alike, in any case.
		{"jos\u00e9@example.com", "jos\u00e9@example.com", "example.com"},
		{"jose\u0301@example.com", "jos\u00e9@example.com", "example.com"},
		{"JOSE\u0301+tag@example.com", "jos\u00e9@example.com", "example.com"},
		// A domain IDNA refuses keeps its lower-case NFC form.
		{"ana@Ex_Ample.com", "ana@ex_ample.com", "ex_ample.com"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if key, domain := confirmKey(tc.in); key != tc.key || domain != tc.domain {
				t.Fatalf("confirmKey(%+q) = %+q, %+q; want %+q, %+q", tc.in, key, domain, tc.key, tc.domain)
			}
		})
	}
}

// TestConfirmWindow: the hour is counted back from each confirmation's
// creation: a confirmation created an hour and a second after the first
// five goes out, one created within the hour does not; an admin's retry
// lets a held-back one through and counts it from then on.
func TestConfirmWindow(t *testing.T) {
	d := mustOpen(t)
	ctx := context.Background()
	base := time.Date(2026, 3, 10, 10, 0, 0, 0, time.UTC)
	clock := base
	d.Now = func() time.Time { return clock }
	lim := ConfirmLimits{PerAddress: 5, PerDomain: 0}
	create := func(at time.Time) Notification {
		t.Helper()
		clock = at
		tk, _, err := d.CreateTicket(ctx, NewTicket{RoleContext: "tourist", FullName: "Ana", Email: "ana@example.com",
			Subject: "Hi", Category: "Booking", Message: "Hello"}, Actor{Type: "requester", Name: "Ana"})
		if err != nil {
			t.Fatal(err)
		}
		due, err := d.DueNotifications(ctx, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range due {
			if n.TicketID == tk.ID {
				return n
			}
		}
		t.Fatalf("no confirmation for ticket %d", tk.ID)
		return Notification{}
	}
	// claim runs the worker's step for one row; it reports whether the
	// row may be sent, and marks it sent as the worker would.
	claim := func(n Notification) bool {
		t.Helper()
		out, err := d.ClaimNotifications(ctx, []Notification{n}, lim)
		if err != nil {
			t.Fatal(err)
		}
		if len(out) == 1 {
			if err := d.MarkSent(ctx, n.ID); err != nil {
				t.Fatal(err)
			}
		}
		return len(out) == 1
	}
	for i := range 5 {
		if !claim(create(base.Add(time.Duration(i) * time.Minute))) {
			t.Fatalf("confirmation %d held back", i+1)
		}
	}
	held := create(base.Add(59 * time.Minute))
	if claim(held) {
		t.Fatal("the sixth confirmation within the hour went out")
	}
	if !claim(create(base.Add(time.Hour + 5*time.Minute))) {
		t.Fatal("a confirmation an hour after the first five was held back")
	}
	if err := d.RetryNotification(ctx, held.ID); err != nil {
		t.Fatal(err)
	}
	due, err := d.DueNotifications(ctx, 100)
	if err != nil || len(due) != 1 || due[0].ID != held.ID || !due[0].Claimed {
		t.Fatalf("due after the retry = %+v, %v", due, err)
	}
	if !claim(due[0]) {
		t.Fatal("an admin's retry was held back again")
	}
	// The retried one counts from then on: with it (10:59) and 11:05,
	// three more fit into an hour, and the next is held back. Were it not
	// counted, 11:09 would go out.
	for _, m := range []time.Duration{6, 7, 8} {
		if !claim(create(base.Add(time.Hour + m*time.Minute))) {
			t.Fatalf("11:0%d was held back", m)
		}
	}
	if claim(create(base.Add(time.Hour + 9*time.Minute))) {
		t.Fatal("the sixth of the hour before 11:09 went out")
	}
}

// TestConfirmLimitsCountInboxes: the spellings of one IDN inbox (NFC,
// NFD, punycode, upper case, a +tag) are one address for the per-address
// limit and one domain for the per-domain limit, so none of them gets a
// confirmation past the limit.
func TestConfirmLimitsCountInboxes(t *testing.T) {
	spellings := []string{"victim@exämple.com", "victim@exa\u0308mple.com", "victim@xn--exmple-cua.com",
		"VICTIM@XN--EXMPLE-CUA.COM", "victim+1@EXÄMPLE.com"}
	for _, tc := range []struct {
		name   string
		lim    ConfirmLimits
		emails []string
	}{
		{"PerAddress", ConfirmLimits{PerAddress: 1}, spellings},
		// Different people on one domain, each under another spelling of it.
		{"PerDomain", ConfirmLimits{PerDomain: 1}, []string{"ana@exämple.com", "bea@exa\u0308mple.com",
			"carla@xn--exmple-cua.com", "dora@XN--EXMPLE-CUA.COM"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := mustOpen(t)
			ctx := t.Context()
			for _, email := range tc.emails {
				if _, _, err := d.CreateTicket(ctx, NewTicket{RoleContext: "tourist", FullName: "Victim", Email: email,
					Subject: "Hi", Category: "Booking", Message: "Hello"}, Actor{Type: "requester", Name: "Victim"}); err != nil {
					t.Fatalf("%s: %v", email, err)
				}
			}
			due, err := d.DueNotifications(ctx, 100)
			if err != nil {
				t.Fatal(err)
			}
			var sent []string
			for _, n := range due {
				out, err := d.ClaimNotifications(ctx, []Notification{n}, tc.lim)
				if err != nil {
					t.Fatal(err)
				}
				if len(out) == 1 {
					sent = append(sent, n.Recipient)
				}
			}
			if len(due) != len(tc.emails) || len(sent) != 1 {
				t.Fatalf("%d of %d confirmations let through (%+q), want 1", len(sent), len(due), sent)
			}
		})
	}
}
