package db

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"sort"
	"testing"

	"github.com/kinconecta/helpdesk/db/sqlite"
)

// Migration 007 works out who each existing ticket waits on from its
// thread: the last public message that is not the system's decides; a
// ticket no agent answered waits on an agent; closed tickets on nobody.
func TestConversationMigrationBackfills(t *testing.T) {
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
		if name < "migrations/007" {
			if err := applyMigration(ctx, conn, sqliteEngine{}, sqlite.Migrations, name); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, q := range []string{
		`INSERT INTO tickets (id, role_context, full_name, email, subject, category_id, message, status, access_token_hash, created_at, updated_at) VALUES
			(1, 'tourist', 'Ana', 'ana@example.com', 'S', 1, 'M', 'open', x'01', '2026-03-10T11:00:00.000000Z', '2026-03-10T11:00:00.000000Z'),
			(2, 'tourist', 'Ana', 'ana@example.com', 'S', 1, 'M', 'in_progress', x'02', '2026-03-10T11:00:00.000000Z', '2026-03-10T11:00:00.000000Z'),
			(3, 'tourist', 'Ana', 'ana@example.com', 'S', 1, 'M', 'resolved', x'03', '2026-03-10T11:00:00.000000Z', '2026-03-10T11:00:00.000000Z'),
			(4, 'tourist', 'Ana', 'ana@example.com', 'S', 1, 'M', 'closed', x'04', '2026-03-10T11:00:00.000000Z', '2026-03-10T11:00:00.000000Z')`,
		`INSERT INTO messages (ticket_id, author_type, author_name, body, internal, created_at) VALUES
			(2, 'agent', 'Marta', 'answer', 0, '2026-03-10T12:00:00.000000Z'),
			(2, 'agent', 'Marta', 'note', 1, '2026-03-10T13:00:00.000000Z'),
			(3, 'agent', 'Marta', 'answer', 0, '2026-03-10T12:00:00.000000Z'),
			(3, 'requester', 'Ana', 'still broken', 0, '2026-03-10T14:00:00.000000Z'),
			(3, 'system', 'Helpdesk', 'a file was left out', 0, '2026-03-10T15:00:00.000000Z'),
			(4, 'agent', 'Marta', 'answer', 0, '2026-03-10T12:00:00.000000Z')`,
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	conn.Close()

	d, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	want := map[int64]struct{ awaiting, last string }{
		1: {"agent", "2026-03-10T11:00:00Z"},
		2: {"requester", "2026-03-10T12:00:00Z"},
		3: {"agent", "2026-03-10T14:00:00Z"},
		4: {"null", "2026-03-10T12:00:00Z"},
	}
	for id, w := range want {
		tk, err := d.Ticket(ctx, id, true)
		if err != nil {
			t.Fatal(err)
		}
		got := "null"
		if tk.Awaiting != nil {
			got = *tk.Awaiting
		}
		if last := tk.LastMessageAt.UTC().Format("2006-01-02T15:04:05Z"); got != w.awaiting || last != w.last {
			t.Errorf("ticket %d: awaiting %s since %s, want %s since %s", id, got, last, w.awaiting, w.last)
		}
	}
}
