package db

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
)

// ServerKey returns the 32-byte key called name, making it on first use.
// Keys live in the database so a backup restores them with the data.
func (d *DB) ServerKey(ctx context.Context, name string) ([]byte, error) {
	var key []byte
	err := d.read.QueryRowContext(ctx, `SELECT value FROM server_keys WHERE name = ?`, name).Scan(&key)
	if err == nil {
		return key, nil
	}
	if err != sql.ErrNoRows {
		return nil, fmt.Errorf("db: unable to read key: %w", err)
	}
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	err = d.write(ctx, func(tx *Tx) error {
		// Another caller may have made it first: keep theirs.
		if _, err := tx.Exec(`INSERT INTO server_keys (name, value) VALUES (?, ?) ON CONFLICT DO NOTHING`, name, fresh); err != nil {
			return err
		}
		return tx.QueryRow(`SELECT value FROM server_keys WHERE name = ?`, name).Scan(&key)
	})
	if err != nil {
		return nil, fmt.Errorf("db: unable to make key: %w", err)
	}
	return key, nil
}
