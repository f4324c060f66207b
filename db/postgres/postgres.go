// Package postgres holds the SQL only the PostgreSQL engine runs: its
// numbered migrations and its full-text search (tsvector, unaccent, GIN).
// Package db runs them; the SQL both engines share stays there.
package postgres

import "embed"

// Migrations are the schema's numbered steps (migrations/NNN_name.sql),
// applied in name order, each once. A released file never changes: a
// change is a new file.
//
//go:embed migrations/*.sql
var Migrations embed.FS
