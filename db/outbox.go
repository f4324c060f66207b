package db

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Notification kinds written to the outbox.
const (
	NotifyTicketCreated = "ticket_created" // requester: confirmation with the tracking link
	NotifyNewTicket     = "new_ticket"     // agents who asked for it: a new ticket arrived
	NotifyAgentReply    = "agent_reply"    // requester: an agent answered publicly
	NotifyResolved      = "resolved"       // requester: with "solved" / "still a problem" links
	NotifyClosed        = "closed"         // requester
	NotifyAssigned      = "assigned"       // the assignee
	// NotifyRequesterReply tells the assignee (when unassigned, the agents
	// who asked for new-ticket emails) that the requester wrote (CONTRACT §5).
	NotifyRequesterReply = "requester_reply"
	// NotifyLeftOut tells the sender of an email (its From, who may not be
	// the requester) which of its files or parts were not kept, and why;
	// the row points at the system message naming them on the ticket
	// (CONTRACT §5: nothing is dropped silently).
	NotifyLeftOut = "left_out"
	// NotifyEmptyReply tells the sender of an email that nothing was left
	// of it once the quoted history was removed, so it was not added.
	NotifyEmptyReply = "empty_reply"
)

// Outbox statuses. A row starts pending; the worker sends it, fails it
// (after its tries, or at once on a permanent refusal) or, for a
// confirmation over the sending limits, suppresses it.
const (
	OutboxPending    = "pending"
	OutboxSent       = "sent"
	OutboxFailed     = "failed"
	OutboxSuppressed = "suppressed" // held back by ConfirmLimits; LastError says which
)

// Notification is one outbox row: what to tell whom about which ticket.
type Notification struct {
	ID            int64
	Kind          string
	TicketID      int64
	MessageID     int64 // 0 when not about a message
	Recipient     string
	Language      string
	Status        string // one of the Outbox* statuses
	Attempts      int
	NextAttemptAt Time
	LastError     string
	CreatedAt     Time

	// Claimed: the sending limits let this confirmation through (or an
	// admin sent it anyway); it is never counted against them again.
	Claimed bool
	// ThreadRoot: this row's email carries the ticket's root Message-ID
	// (CONTRACT §5, Threading); RootTaken: some row of the ticket does.
	ThreadRoot, RootTaken bool
}

// RequesterKind reports whether notifications of kind go to the
// requester (and so may start the ticket's thread).
func RequesterKind(kind string) bool {
	switch kind {
	case NotifyTicketCreated, NotifyAgentReply, NotifyResolved, NotifyClosed:
		return true
	}
	return false
}

// enqueue writes a notification inside the caller's transaction, so it
// exists exactly when the change that causes it does.
func enqueue(tx *Tx, kind string, ticketID, messageID int64, recipient, lang string, now Time) error {
	_, err := tx.Exec(`INSERT INTO outbox (kind, ticket_id, message_id, recipient, language, next_attempt_at, created_at)
		VALUES (?, ?, nullif(?, 0), ?, ?, ?, ?)`, kind, ticketID, messageID, recipient, lang, now, now)
	if err != nil {
		return fmt.Errorf("db: unable to enqueue notification: %w", err)
	}
	return nil
}

// OutboxChanged signals after a commit that may have queued notifications,
// so a delivery worker can start at once instead of at its next poll.
func (d *DB) OutboxChanged() <-chan struct{} { return d.outbox }

// signalOutbox never blocks: one pending signal is enough for any number
// of new rows.
func (d *DB) signalOutbox() {
	select {
	case d.outbox <- struct{}{}:
	default:
	}
}

// DueNotifications returns up to limit pending notifications whose next
// attempt is due, oldest first. It only reads: a worker that sends them
// takes them with ClaimDue instead, so that no other process sends them
// too.
func (d *DB) DueNotifications(ctx context.Context, limit int) ([]Notification, error) {
	return d.notifications(ctx, `WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`,
		Time{d.now()}, limit)
}

// Notifications lists the outbox rows with status, newest first, for the
// admins' view. OutboxFailed lists every row that stopped undelivered:
// failed ones and suppressed ones (Status tells them apart), since both
// wait for an admin's decision.
func (d *DB) Notifications(ctx context.Context, status string, limit int) ([]Notification, error) {
	if status == OutboxFailed {
		return d.notifications(ctx, `WHERE status IN ('failed', 'suppressed') ORDER BY id DESC LIMIT ?`, limit)
	}
	return d.notifications(ctx, `WHERE status = ? ORDER BY id DESC LIMIT ?`, status, limit)
}

func (d *DB) notifications(ctx context.Context, where string, args ...any) ([]Notification, error) {
	rows, err := d.read.QueryContext(ctx, `SELECT `+notificationColumns+` FROM outbox `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("db: unable to list notifications: %w", err)
	}
	return scanNotifications(rows)
}

// notificationColumns are the outbox columns scanNotifications reads, for
// a SELECT from outbox or an UPDATE's RETURNING.
const notificationColumns = `id, kind, coalesce(ticket_id, 0), coalesce(message_id, 0), recipient,
	language, status, attempts, next_attempt_at, last_error, created_at, claimed_at IS NOT NULL, thread_root,
	EXISTS (SELECT 1 FROM outbox r WHERE r.ticket_id = outbox.ticket_id AND r.thread_root = TRUE)`

// scanNotifications reads notificationColumns rows and closes them.
func scanNotifications(rows *sql.Rows) ([]Notification, error) {
	defer rows.Close()
	var out []Notification
	for rows.Next() {
		var n Notification
		if err := rows.Scan(&n.ID, &n.Kind, &n.TicketID, &n.MessageID, &n.Recipient, &n.Language, &n.Status,
			&n.Attempts, &n.NextAttemptAt, &n.LastError, &n.CreatedAt, &n.Claimed, &n.ThreadRoot, &n.RootTaken); err != nil {
			return nil, fmt.Errorf("db: unable to scan notification: %w", err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("db: unable to list notifications: %w", err)
	}
	return out, nil
}

// MarkSent records a delivered notification.
func (d *DB) MarkSent(ctx context.Context, id int64) error {
	return d.write(ctx, func(tx *Tx) error {
		_, err := tx.Exec(`UPDATE outbox SET status = 'sent', attempts = attempts + 1, sent_at = ?, last_error = ''
			WHERE id = ?`, Time{d.now()}, id)
		return err
	})
}

// MarkAttemptFailed records a failed delivery: it is tried again after
// retryIn, or marked failed for good when this was the last of maxAttempts.
func (d *DB) MarkAttemptFailed(ctx context.Context, id int64, reason string, retryIn time.Duration, maxAttempts int) error {
	if r := []rune(reason); len(r) > 500 {
		reason = string(r[:500])
	}
	return d.write(ctx, func(tx *Tx) error {
		_, err := tx.Exec(`UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?,
			status = CASE WHEN attempts + 1 >= ? THEN 'failed' ELSE 'pending' END
			WHERE id = ? AND status = 'pending'`, reason, Time{d.now().Add(retryIn)}, maxAttempts, id)
		return err
	})
}

// RetryNotification puts a failed notification back in the queue with a
// fresh count of attempts. A suppressed confirmation is sent anyway: the
// admin's decision claims it, so the limits do not hold it back again
// (and it counts against them from then on). ENOTFOUND when id is
// neither failed nor suppressed.
func (d *DB) RetryNotification(ctx context.Context, id int64) error {
	err := d.write(ctx, func(tx *Tx) error {
		now := Time{d.now()}
		res, err := tx.Exec(`UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?,
			claimed_at = CASE WHEN status = 'suppressed' THEN ? ELSE claimed_at END
			WHERE id = ? AND status IN ('failed', 'suppressed')`, now, now, id)
		if err != nil {
			return fmt.Errorf("db: unable to retry notification: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return Errorf(ENOTFOUND, "no failed notification %d", id)
		}
		return nil
	})
	if err == nil {
		// On PostgreSQL a trigger tells every process; this one may
		// be the embedded engine's only one.
		d.signalOutbox()
	}
	return err
}
