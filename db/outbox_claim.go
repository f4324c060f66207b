package db

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"
)

// Claiming the outbox. Any number of helpdesk processes may run a
// delivery worker on one database; each takes its rows with ClaimDue,
// which leases them: it moves their next_attempt_at to the lease's end, so
// they are not due for anyone else while this worker sends them. The
// worker then ends each lease with MarkSent or MarkAttemptFailed, renews
// the leases of rows it has not reached yet (RenewLease) and hands back
// those it will not send (ReleaseLease).
//
// Each email goes out exactly once while workers finish what they claim.
// A worker that dies mid-batch (kill -9, a lost machine) leaves its rows
// leased; they become due again when the lease ends and another worker
// sends them, so a row whose email the server took just before the crash,
// but which was not yet recorded as sent, goes out a second time: at least
// once after a crash, the standard outbox trade-off. Its Message-ID is the
// same on every try (mail: compose.go), so the copies can be recognised
// downstream.
//
// Leases are judged by each process's own clock (the store's Now), so the
// processes' clocks must agree to well within a lease; NTP does that.

// Claim is what ClaimDue leased to its caller.
type Claim struct {
	// Rows are the notifications to send, in the order they were queued.
	Rows []Notification
	// Picked is how many rows were leased, the confirmations the sending
	// limits held back included: Picked equal to the batch size means
	// more may be due.
	Picked int
	// Until is the lease's end, the NextAttemptAt of every row leased;
	// RenewLease and ReleaseLease take it to tell the caller's lease from
	// a later one.
	Until Time
}

// ClaimDue leases to the caller up to limit pending notifications that are
// due, oldest first, until lease from now, and readies them for sending
// as ClaimNotifications does (the confirmation limits in lim, the thread's
// root), all in one write. On PostgreSQL the rows are picked FOR UPDATE
// SKIP LOCKED, so two workers claiming at once neither wait for nor take
// each other's rows, and the write runs SERIALIZABLE, so two of them
// counting one address's confirmations cannot both let the last one
// through (the loser's write is run again). lease must be longer than the
// caller may take to send one row (see RenewLease).
func (d *DB) ClaimDue(ctx context.Context, limit int, lease time.Duration, lim ConfirmLimits) (Claim, error) {
	if limit < 1 || lease <= 0 {
		return Claim{}, Errorf(EINVALID, "db: bad outbox claim: %d rows for %v", limit, lease)
	}
	var c Claim
	err := d.write(ctx, func(tx *Tx) error {
		now := d.now()
		c = Claim{Until: leaseEnd(now, lease)}
		rows, err := tx.Query(`UPDATE outbox SET next_attempt_at = ? WHERE id IN (
				SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?
				ORDER BY next_attempt_at, id LIMIT ?`+d.eng.forUpdateSkipLocked()+`)
			RETURNING `+notificationColumns, c.Until, Time{now}, limit)
		if err != nil {
			return fmt.Errorf("db: unable to claim notifications: %w", err)
		}
		picked, err := scanNotifications(rows)
		if err != nil {
			return err
		}
		// RETURNING comes in no particular order.
		slices.SortFunc(picked, func(a, b Notification) int { return cmp.Compare(a.ID, b.ID) })
		c.Picked = len(picked)
		c.Rows, err = readyForSending(tx, picked, lim, Time{now})
		return err
	})
	if err != nil {
		return Claim{}, err
	}
	return c, nil
}

// RenewLease extends, until lease from now, the leases that end at until
// on the rows ids names, for a worker that needs longer than its lease to
// get through them. A row whose lease is no longer the caller's (it ran
// out and another worker claimed the row, or the row was sent or failed)
// is left alone: kept lists the rows renewed, the only ones the caller may
// still send, and next is their lease's new end.
func (d *DB) RenewLease(ctx context.Context, ids []int64, until Time, lease time.Duration) (next Time, kept []int64, err error) {
	err = d.write(ctx, func(tx *Tx) error {
		next = leaseEnd(d.now(), lease)
		kept, err = moveLease(tx, ids, until, next)
		return err
	})
	if err != nil {
		return Time{}, nil, err
	}
	return next, kept, nil
}

// ReleaseLease makes the rows ids names due now, for any worker, when
// their lease still ends at until: the caller claimed them but stops
// before sending them (shutting down, or the mail server went away).
func (d *DB) ReleaseLease(ctx context.Context, ids []int64, until Time) error {
	return d.write(ctx, func(tx *Tx) error {
		_, err := moveLease(tx, ids, until, Time{d.now()})
		return err
	})
}

// moveLease moves next_attempt_at from until to next on the pending rows
// among ids still at until, and returns those rows' ids.
func moveLease(tx *Tx, ids []int64, until, next Time) ([]int64, error) {
	var moved []int64
	for _, id := range ids {
		res, err := tx.Exec(`UPDATE outbox SET next_attempt_at = ? WHERE id = ? AND status = 'pending' AND next_attempt_at = ?`,
			next, id, until)
		if err != nil {
			return nil, fmt.Errorf("db: unable to move a notification's lease: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			moved = append(moved, id)
		}
	}
	return moved, nil
}

// leaseEnd is now+lease as the database stores it (to the microsecond),
// so that it compares equal to the stored value.
func leaseEnd(now time.Time, lease time.Duration) Time {
	return Time{now.Add(lease).Truncate(time.Microsecond)}
}
