package seed

import (
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/kinconecta/helpdesk/db"
)

// TestGenerate checks that generated tickets are ones the product reads as
// its own: valid fields, every role, category and status, ids in creation
// order, and the full-text index and status counts kept by the triggers.
func TestGenerate(t *testing.T) {
	t.Parallel()
	const n = 600
	dir := t.TempDir()
	now := time.Date(2026, 3, 10, 11, 0, 0, 0, time.UTC)
	if err := GenerateAt(dir, n, now); err != nil {
		t.Fatal(err)
	}
	store, err := db.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ctx := t.Context()

	page, err := store.ListTickets(ctx, db.TicketFilter{Limit: 200, Sort: db.SortCreatedAsc})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := page.Total, n; got != want {
		t.Fatalf("total = %d, want %d", got, want)
	}
	roles, statuses, categories := map[db.Role]bool{}, map[db.Status]bool{}, map[string]bool{}
	var all []db.Ticket
	for {
		all = append(all, page.Tickets...)
		if page.Next == nil {
			break
		}
		if page, err = store.ListTickets(ctx, db.TicketFilter{Limit: 200, Sort: db.SortCreatedAsc, After: page.Next}); err != nil {
			t.Fatal(err)
		}
	}
	for i, tk := range all {
		roles[tk.RoleContext], statuses[tk.Status], categories[tk.Category] = true, true, true
		if !db.ValidEmail(tk.Email) || tk.Subject == "" || tk.Message == "" || tk.FullName == "" {
			t.Fatalf("ticket %d is not valid: %+v", tk.ID, tk)
		}
		if tk.CreatedAt.Before(now.Add(-span)) || tk.UpdatedAt.After(now) || tk.UpdatedAt.Before(tk.CreatedAt.Time) {
			t.Fatalf("ticket %d: created %v updated %v, outside the 90 days before %v", tk.ID, tk.CreatedAt, tk.UpdatedAt, now)
		}
		if i > 0 && !tk.CreatedAt.After(all[i-1].CreatedAt.Time) {
			t.Fatalf("ticket %d created %v, not after ticket %d (%v): ids must follow time", tk.ID, tk.CreatedAt, all[i-1].ID, all[i-1].CreatedAt)
		}
	}
	if got, want := len(all), n; got != want {
		t.Fatalf("listed %d tickets, want %d", got, want)
	}
	if len(roles) != len(db.Roles) || len(statuses) != len(db.Statuses) || len(categories) != 7 {
		t.Fatalf("roles %v, statuses %v, categories %v: want every one", roles, statuses, categories)
	}

	counts, err := store.StatusCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sum := 0
	for _, c := range counts {
		sum += c
	}
	if sum != n {
		t.Fatalf("status counts %v add up to %d, want %d", counts, sum, n)
	}

	found, err := store.ListTickets(ctx, db.TicketFilter{Query: "reserva", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if found.Total == 0 || found.Total == n {
		t.Fatalf("search for reserva found %d of %d tickets: the full-text index is not right", found.Total, n)
	}

	// The insert trigger is back: a ticket created the normal way is found.
	tk, _, err := store.CreateTicket(ctx, db.NewTicket{RoleContext: "guest", FullName: "Zoë Quimby",
		Email: "zoe@example.com", Subject: "Xylophone", Category: "Other", Message: "Zzyzx"}, db.Actor{Type: "requester", Name: "Zoë"})
	if err != nil {
		t.Fatal(err)
	}
	found, err = store.ListTickets(ctx, db.TicketFilter{Query: "xylophone", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(found.Tickets) != 1 || found.Tickets[0].ID != tk.ID {
		t.Fatalf("search for a new ticket found %+v, want ticket %d", found.Tickets, tk.ID)
	}
	checkForeignKeys(t, dir)
}

// TestGenerateAppends checks that a second run adds after the first
// instead of colliding with it.
func TestGenerateAppends(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for range 2 {
		if err := Generate(dir, 50); err != nil {
			t.Fatal(err)
		}
	}
	store, err := db.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	page, err := store.ListTickets(t.Context(), db.TicketFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := page.Total, 100; got != want {
		t.Fatalf("total = %d, want %d", got, want)
	}
}

// checkForeignKeys fails the test if any row names a missing row: the
// loader runs with foreign keys off, for speed.
func checkForeignKeys(t *testing.T, dir string) {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+filepath.Join(dir, db.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.Query(`PRAGMA foreign_key_check`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if rows.Next() {
		var table string
		var rowid sql.NullInt64
		var parent string
		var fk int
		_ = rows.Scan(&table, &rowid, &parent, &fk)
		t.Fatalf("foreign key broken: %s row %v names a missing %s", table, rowid, parent)
	}
}
