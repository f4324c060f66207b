// Package postgres holds the PostgreSQL engine's SQL: the schema as
// numbered migrations (migrations/NNN_name.sql), applied in file-name
// order, each once. The SQL shared by both engines stays in package db; the
// schema here keeps the embedded engine's table and column names, so that
// SQL reads and writes the same rows on either.
package postgres

import "embed"

// Migrations are the schema's migration files, at migrations/*.sql.
//
//go:embed migrations/*.sql
var Migrations embed.FS
