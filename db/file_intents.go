package db

import (
	"context"
	"fmt"
	"time"
)

// FileIntentGrace is how long a noted file may wait for its row before the
// sweep takes it for a crash's leftover: longer than any upload takes (a
// 10 MiB file at --body-min-rate's 1 KiB/s takes under three hours).
const FileIntentGrace = 24 * time.Hour

// NoteFileIntent records, before a file's object is written, that it may
// be left behind (file_intents). insertAttachment forgets it in the
// transaction that stores the file's row.
func (d *DB) NoteFileIntent(ctx context.Context, name string) error {
	return d.write(ctx, func(tx *Tx) error {
		_, err := tx.Exec(`INSERT INTO file_intents (name, noted_at) VALUES (?, ?) ON CONFLICT DO NOTHING`,
			name, Time{d.now()})
		if err != nil {
			return fmt.Errorf("db: unable to note a file: %w", err)
		}
		return nil
	})
}

// noteRemoved journals the files of rows the transaction deletes, as due
// for the sweep at once: the caller removes them after the commit, and a
// crash before that leaves them to the next sweep.
func noteRemoved(tx *Tx, names []string, now time.Time) error {
	for _, name := range names {
		if name == "" {
			continue
		}
		if _, err := tx.Exec(`INSERT INTO file_intents (name, noted_at) VALUES (?, ?) ON CONFLICT DO NOTHING`,
			name, Time{now.Add(-FileIntentGrace - time.Second)}); err != nil {
			return fmt.Errorf("db: unable to note a removed file: %w", err)
		}
	}
	return nil
}

// StaleFileIntents returns, at most 1000 at a time, the noted files older
// than FileIntentGrace that no attachment row names: the files to remove.
func (d *DB) StaleFileIntents(ctx context.Context) ([]string, error) {
	rows, err := d.read.QueryContext(ctx, `SELECT i.name FROM file_intents i
		WHERE i.noted_at < ? AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.storage_name = i.name)
		ORDER BY i.noted_at LIMIT 1000`, Time{d.now().Add(-FileIntentGrace)})
	if err != nil {
		return nil, fmt.Errorf("db: unable to list noted files: %w", err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("db: unable to list noted files: %w", err)
		}
		names = append(names, n)
	}
	return names, rows.Err()
}

// ForgetFileIntents drops noted files: their rows committed, or the sweep
// removed them.
func (d *DB) ForgetFileIntents(ctx context.Context, names []string) error {
	return d.write(ctx, func(tx *Tx) error {
		for _, name := range names {
			if _, err := tx.Exec(`DELETE FROM file_intents WHERE name = ?`, name); err != nil {
				return fmt.Errorf("db: unable to forget a noted file: %w", err)
			}
		}
		return nil
	})
}
