package db

import "context"

// ExecUnchecked runs one statement (shared SQL, ? placeholders) through
// the writer, past every domain rule: for tests that need rows as an older
// version stored them, and for one-off repairs. The application never
// calls it.
func (d *DB) ExecUnchecked(ctx context.Context, query string, args ...any) error {
	return d.write(ctx, func(tx *Tx) error {
		_, err := tx.Exec(query, args...)
		return err
	})
}
