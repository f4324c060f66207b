package db

import (
	"context"
	"fmt"
)

// NewTicketWatchers returns the ids of the accounts that asked for an email
// about each new ticket, for the admins' settings page (User leaves the
// preference out because nothing else reads it).
func (d *DB) NewTicketWatchers(ctx context.Context) (map[int64]bool, error) {
	rows, err := d.read.QueryContext(ctx, `SELECT id FROM users WHERE notify_new_tickets = TRUE`)
	if err != nil {
		return nil, fmt.Errorf("db: unable to list new-ticket watchers: %w", err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("db: unable to scan new-ticket watcher: %w", err)
		}
		out[id] = true
	}
	return out, rows.Err()
}
