// Package sqlite holds the SQL only the embedded engine (SQLite through
// modernc.org/sqlite) runs: its numbered migrations and its full-text
// search (FTS5). Package db runs them; the SQL both engines share stays
// there.
package sqlite

import "embed"

// Migrations are the schema's numbered steps (migrations/NNN_name.sql),
// applied in name order, each once. A released file never changes: a
// change is a new file.
//
//go:embed migrations/*.sql
var Migrations embed.FS
