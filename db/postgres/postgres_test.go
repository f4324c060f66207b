package postgres

import (
	"io/fs"
	"strings"
	"testing"
)

// The schema is embedded, and every table the shared SQL names, with the
// search document that replaces FTS5, is created by it.
func TestMigrationsEmbedSchema(t *testing.T) {
	names, err := fs.Glob(Migrations, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 || names[0] != "migrations/001_init.sql" {
		t.Fatalf("migrations = %v, want migrations/001_init.sql first", names)
	}
	body, err := fs.ReadFile(Migrations, names[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"categories", "category_aliases", "users", "api_keys", "tickets",
		"messages", "attachments", "ticket_events", "ticket_search", "sessions", "password_tokens",
		"outbox", "server_keys", "ticket_tokens", "ticket_counts", "email_tickets", "ticket_tags",
		"macros", "saved_views"} {
		if !strings.Contains(string(body), "\nCREATE TABLE "+table+" (") {
			t.Errorf("001_init.sql creates no table %s", table)
		}
	}
}
