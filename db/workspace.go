package db

import (
	"context"
	"fmt"
)

// TicketSummary is a ticket as a list of links shows it.
type TicketSummary struct {
	ID        int64
	Subject   string
	Status    Status
	CreatedAt Time
}

// RequesterTickets lists the other tickets sent from email (in any case),
// newest first, leaving out the ticket except; limit bounds the list. It
// walks the (email, id) index backwards, so a prolific requester costs no
// more than limit rows.
func (d *DB) RequesterTickets(ctx context.Context, email string, except int64, limit int) ([]TicketSummary, error) {
	rows, err := d.read.QueryContext(ctx, `
		SELECT id, subject, status, created_at FROM tickets
		WHERE email = ? COLLATE NOCASE AND id <> ?
		ORDER BY id DESC LIMIT ?`, email, except, limit)
	if err != nil {
		return nil, fmt.Errorf("db: unable to list the requester's tickets: %w", err)
	}
	defer rows.Close()
	var out []TicketSummary
	for rows.Next() {
		var t TicketSummary
		if err := rows.Scan(&t.ID, &t.Subject, &t.Status, &t.CreatedAt); err != nil {
			return nil, fmt.Errorf("db: unable to scan the requester's ticket: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
