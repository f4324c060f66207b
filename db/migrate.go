package db

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"sort"
)

// migrate applies, in file-name order, every migration in files
// (migrations/NNN_name.sql) not yet recorded in schema_migrations, each in
// its own transaction.
func migrate(conn *sql.DB, eng engine, files fs.FS) error {
	ctx := context.Background()
	if _, err := conn.ExecContext(ctx,
		`CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY)`); err != nil {
		return fmt.Errorf("db: unable to create migrations table: %w", err)
	}
	names, err := fs.Glob(files, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("db: unable to list migrations: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := applyMigration(ctx, conn, eng, files, name); err != nil {
			return err
		}
	}
	return nil
}

func applyMigration(ctx context.Context, conn *sql.DB, eng engine, files fs.FS, name string) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("db: unable to begin migration: %w", err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx,
		eng.bind(`SELECT count(*) FROM schema_migrations WHERE name = ?`), name).Scan(&n); err != nil {
		return fmt.Errorf("db: unable to read migrations: %w", err)
	}
	if n > 0 {
		return nil
	}
	body, err := fs.ReadFile(files, name)
	if err != nil {
		return fmt.Errorf("db: unable to read %s: %w", name, err)
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return fmt.Errorf("db: migration %s failed: %w", name, err)
	}
	if _, err := tx.ExecContext(ctx, eng.bind(`INSERT INTO schema_migrations (name) VALUES (?)`), name); err != nil {
		return fmt.Errorf("db: unable to record %s: %w", name, err)
	}
	return tx.Commit()
}
