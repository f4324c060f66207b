package mail

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"github.com/kinconecta/helpdesk/db"
)

// WorkerConfig tunes the outbox worker.
type WorkerConfig struct {
	PollEvery   time.Duration // how often to look for due rows without a nudge
	BatchSize   int           // rows per SMTP connection
	BackoffBase time.Duration // wait after the first failure; doubles with each
	BackoffMax  time.Duration // longest wait between tries
	MaxAttempts int           // tries before a row is failed for good
	SendTimeout time.Duration // bound on each SMTP conversation step
	// Lease is how long a claimed row stays this worker's before any
	// worker may take it (db.ClaimDue): how long the rows of a worker
	// that died wait. Renewed while a slow batch goes on; never shorter
	// than two rows' worst sending time (sendBudget).
	Lease time.Duration
}

// DefaultWorkerConfig retries for about two hours (30s, 1m, 2m … 1h)
// before giving up on a row, which an admin can then retry.
func DefaultWorkerConfig() WorkerConfig {
	return WorkerConfig{PollEvery: time.Second, BatchSize: 50, BackoffBase: 30 * time.Second,
		BackoffMax: time.Hour, MaxAttempts: 8, SendTimeout: 30 * time.Second, Lease: 2 * time.Minute}
}

// worker delivers the outbox. Every helpdesk process on a database may
// run one: each claims its rows (db.ClaimDue), so no two send the same
// row, and it handles one row at a time. All its state is in the
// database, so a restart resumes where it stopped.
type worker struct {
	db      *db.DB
	cfg     WorkerConfig
	limits  ConfirmLimits
	compose *composer
	sender  *sender
	log     *slog.Logger
	nudge   chan struct{}

	// unmarked holds rows the server accepted but MarkSent failed to
	// record: they are never sent again by this process.
	unmarked map[int64]bool
}

// run delivers until ctx ends, waking every PollEvery or when nudged.
func (w *worker) run(ctx context.Context) {
	tick := time.NewTicker(w.cfg.PollEvery)
	defer tick.Stop()
	for {
		w.drain(ctx)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-w.nudge:
		}
	}
}

// drain delivers batches while full ones go through cleanly.
func (w *worker) drain(ctx context.Context) {
	for ctx.Err() == nil && w.deliverBatch(ctx) {
	}
}

// deliverBatch claims the due rows and sends them over one connection.
// It reports whether another batch is worth trying now: the batch was
// full and the server took every message.
func (w *worker) deliverBatch(ctx context.Context) (more bool) {
	for id := range w.unmarked {
		if w.markSent(ctx, id) == nil {
			delete(w.unmarked, id)
		}
	}
	// The sending limits are counted here, not when the ticket is
	// created: a create is the hot path, and the counts need only be
	// right by the time anything is sent.
	claim, err := w.db.ClaimDue(ctx, w.cfg.BatchSize, w.lease(), w.limits)
	if err != nil {
		if ctx.Err() == nil {
			w.log.Warn("mail: unable to claim notifications", "err", err)
		}
		return false
	}
	if held := claim.Picked - len(claim.Rows); held > 0 {
		w.log.Info("mail: confirmations held back by the sending limits", "count", held)
	}
	full := claim.Picked == w.cfg.BatchSize
	// Rows the server took whose sending is not recorded yet stay leased
	// to this worker until markSent gets through.
	b := &batch{until: claim.Until}
	for _, n := range claim.Rows {
		if !w.unmarked[n.ID] {
			b.todo = append(b.todo, n)
		}
	}
	if len(b.todo) == 0 {
		// Suppressed rows are no longer due: a full batch may hide more.
		return full
	}
	defer w.release(ctx, b)
	client, err := w.sender.dial(ctx)
	if err != nil {
		if ctx.Err() == nil {
			// Nothing was sent: the batch waits for its next try.
			for _, n := range b.todo {
				w.failed(ctx, n, err)
			}
			b.todo = nil
		}
		return false
	}
	defer client.Close()
	for len(b.todo) > 0 {
		if ctx.Err() != nil || !w.keepLease(ctx, b) {
			return false
		}
		if len(b.todo) == 0 {
			break
		}
		n := b.todo[0]
		b.todo = b.todo[1:]
		msg, err := w.compose.compose(ctx, n)
		if err == nil {
			if err = send(client, msg); err == nil {
				if w.markSent(ctx, n.ID) != nil {
					w.unmarked[n.ID] = true
				}
				continue
			}
		}
		if ctx.Err() != nil {
			// Not recorded as a try: the row goes back to the queue.
			b.todo = append(b.todo, n)
			return false
		}
		w.failed(ctx, n, err)
		if !isPermanent(err) {
			// The connection may be gone: leave the rest for the next
			// round rather than count a failure against each of them.
			return false
		}
	}
	return full
}

// batch is the claimed rows a worker has yet to send, and the end of its
// lease on them.
type batch struct {
	todo  []db.Notification
	until db.Time
}

// lease is how long a claim lasts: the configured lease, and at least two
// rows' worst sending time.
func (w *worker) lease() time.Duration {
	return max(w.cfg.Lease, 2*w.sendBudget())
}

// sendBudget bounds the time from deciding to send a row to its sending
// being recorded: composing it (a few reads), the client's NOOP and then
// the whole of Send, each within SendTimeout (go-mail sets the deadline
// once per Send), and markSent's 10 s.
func (w *worker) sendBudget() time.Duration {
	return 2*w.cfg.SendTimeout + 15*time.Second
}

// keepLease renews the lease on b.todo when less of it is left than one
// row may take to send, so that no row is sent after its lease ended (when
// another worker may have claimed it). Rows another worker took meanwhile
// are dropped from b.todo. false: the lease could not be renewed, and the
// batch stops.
func (w *worker) keepLease(ctx context.Context, b *batch) bool {
	if w.db.Now().Add(w.sendBudget()).Before(b.until.Time) {
		return true
	}
	until, kept, err := w.db.RenewLease(ctx, notificationIDs(b.todo), b.until, w.lease())
	if err != nil {
		if ctx.Err() == nil {
			w.log.Warn("mail: unable to renew the lease on claimed notifications", "err", err)
		}
		return false
	}
	if lost := len(b.todo) - len(kept); lost > 0 {
		w.log.Warn("mail: claimed notifications taken over by another worker", "count", lost)
	}
	b.todo = slices.DeleteFunc(b.todo, func(n db.Notification) bool { return !slices.Contains(kept, n.ID) })
	b.until = until
	return true
}

// release hands the rows of b not sent back to the queue, due at once,
// so that a worker stopping (or giving up on an unreachable server until
// its next round) does not keep them for the rest of its lease.
func (w *worker) release(ctx context.Context, b *batch) {
	if len(b.todo) == 0 {
		return
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := w.db.ReleaseLease(rctx, notificationIDs(b.todo), b.until); err != nil {
		w.log.Warn("mail: unable to release claimed notifications; they wait for their lease to end",
			"count", len(b.todo), "err", err)
	}
}

func notificationIDs(rows []db.Notification) []int64 {
	ids := make([]int64, len(rows))
	for i, n := range rows {
		ids[i] = n.ID
	}
	return ids
}

// failed records a failed try, waiting BackoffBase·2^attempts (at most
// BackoffMax) before the next; a permanent failure ends the row at once.
func (w *worker) failed(ctx context.Context, n db.Notification, cause error) {
	max := w.cfg.MaxAttempts
	if isPermanent(cause) {
		max = 1 // attempts+1 >= 1: failed now
	}
	wait := backoff(n.Attempts, w.cfg.BackoffBase, w.cfg.BackoffMax)
	w.log.Warn("mail: notification not delivered", "id", n.ID, "kind", n.Kind, "ticket", n.TicketID,
		"attempt", n.Attempts+1, "retry_in", wait, "err", cause)
	mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := w.db.MarkAttemptFailed(mctx, n.ID, cause.Error(), wait, max); err != nil {
		w.log.Warn("mail: unable to record a failed delivery", "id", n.ID, "err", err)
	}
}

// backoff is base·2^attempts, at most limit.
func backoff(attempts int, base, limit time.Duration) time.Duration {
	wait := base
	for i := 0; i < attempts && wait < limit; i++ {
		wait *= 2
	}
	return min(wait, limit)
}

// markSent records a delivery even while shutting down: the server has
// the message, and forgetting that would send it again after a restart.
func (w *worker) markSent(ctx context.Context, id int64) error {
	mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	err := w.db.MarkSent(mctx, id)
	if err != nil {
		w.log.Warn("mail: sent, but unable to record it", "id", id, "err", err)
	}
	return err
}
