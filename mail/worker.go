package mail

import (
	"context"
	"log/slog"
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
}

// DefaultWorkerConfig retries for about two hours (30s, 1m, 2m … 1h)
// before giving up on a row, which an admin can then retry.
func DefaultWorkerConfig() WorkerConfig {
	return WorkerConfig{PollEvery: time.Second, BatchSize: 50, BackoffBase: 30 * time.Second,
		BackoffMax: time.Hour, MaxAttempts: 8, SendTimeout: 30 * time.Second}
}

// worker delivers the outbox. It is the only sender in the process and it
// handles one row at a time, so a row is never sent twice concurrently;
// all its state is in the database, so a restart resumes where it stopped.
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

// deliverBatch sends the due rows over one connection. It reports whether
// another batch is worth trying now: the batch was full and the server
// took every message.
func (w *worker) deliverBatch(ctx context.Context) (more bool) {
	for id := range w.unmarked {
		if w.markSent(ctx, id) == nil {
			delete(w.unmarked, id)
		}
	}
	rows, err := w.db.DueNotifications(ctx, w.cfg.BatchSize)
	if err != nil {
		if ctx.Err() == nil {
			w.log.Warn("mail: unable to read the outbox", "err", err)
		}
		return false
	}
	var pending []db.Notification
	for _, n := range rows {
		if !w.unmarked[n.ID] {
			pending = append(pending, n)
		}
	}
	if len(pending) == 0 {
		return false
	}
	// Here, not when the ticket is created: a create is the hot path, and
	// the counts need only be right by the time anything is sent.
	claimed, err := w.db.ClaimNotifications(ctx, pending, w.limits)
	if err != nil {
		if ctx.Err() == nil {
			w.log.Warn("mail: unable to check the sending limits", "err", err)
		}
		return false
	}
	if held := len(pending) - len(claimed); held > 0 {
		w.log.Info("mail: confirmations held back by the sending limits", "count", held)
	}
	if pending = claimed; len(pending) == 0 {
		// Suppressed rows are no longer due: a full batch may hide more.
		return len(rows) == w.cfg.BatchSize
	}
	client, err := w.sender.dial(ctx)
	if err != nil {
		if ctx.Err() == nil {
			// Nothing was sent: the batch waits for its next try.
			for _, n := range pending {
				w.failed(ctx, n, err)
			}
		}
		return false
	}
	defer client.Close()
	for _, n := range pending {
		if ctx.Err() != nil {
			return false
		}
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
			return false
		}
		w.failed(ctx, n, err)
		if !isPermanent(err) {
			// The connection may be gone: leave the rest for the next
			// round rather than count a failure against each of them.
			return false
		}
	}
	return len(rows) == w.cfg.BatchSize
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
