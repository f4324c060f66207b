package db

import (
	"context"
	"fmt"
)

// MaxTicketID is the id of the newest ticket, 0 when there is none. Ids
// grow with creation, so the queue's live notice asks for tickets after it
// only when it has moved; it reads the rowid b-tree's last entry, O(log n).
func (d *DB) MaxTicketID(ctx context.Context) (int64, error) {
	var id int64
	if err := d.read.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM tickets`).Scan(&id); err != nil {
		return 0, fmt.Errorf("db: unable to read the newest ticket id: %w", err)
	}
	return id, nil
}
