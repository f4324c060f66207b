package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"
)

// maxBatch bounds how many queued writes share one commit.
const maxBatch = 128

// checkpointEvery is how many writes the writer commits between two WAL
// checkpoints of its own. Each ticket writes ~14 KB of WAL, so this keeps
// the WAL near 15 MB under load; a checkpoint run by the writer between
// batches has no write to race, so it copies the whole WAL back and the next
// commit starts the WAL again from its beginning (measured: a timer's
// TRUNCATE over a 64 MB WAL held the write lock for 0.2–4.4 s).
const checkpointEvery = 1000

// checkpointIdle is how long the writer waits, with writes not yet
// checkpointed, before checkpointing while idle.
const checkpointIdle = 2 * time.Second

// errClosed answers writes that arrive after Close.
var errClosed = errors.New("db: closed")

// writeFunc is one unit of work run inside the writer's transaction. It must
// not block on anything but the database, and it may run more than once:
// when a write in its batch fails, the batch is rolled back and run again
// without it, so a writeFunc resets whatever it fills in (results, slices)
// before doing its work, and only its last run counts.
type writeFunc func(tx *Tx) error

type writeOp struct {
	fn   writeFunc
	done chan error
}

// writer serialises every write of this process through one connection
// (on PostgreSQL each process has its own writer). Callers queue in a
// channel, which is FIFO-fair (database/sql hands a freed connection to a
// random waiter), and the writes waiting when a commit starts share it (group
// commit): one fsync for many acknowledged writes. The batch runs in one
// transaction without a savepoint per write (savepoints cost 5–10 % of a
// create): when a write fails, the transaction is rolled back, the writes
// before it commit again together, the failing one is retried alone, and the
// rest go on as a batch, so one failure never undoes its neighbours. The
// engine ends each transaction (SQLite brings its full-text index up to
// date once, engine_sqlite.go) and tidies between batches (SQLite's WAL
// checkpoint).
type writer struct {
	conn *sql.DB
	eng  engine
	// Prepared statements by SQL text, and texts to prepare after the
	// current commit; only the writer goroutine touches them.
	stmts     map[string]*sql.Stmt
	toPrepare map[string]bool
	// uncheckpointed counts writes committed since the last checkpoint.
	uncheckpointed int
	// afterBatch runs once a batch has committed (or failed), before its
	// writers hear back: it forgets cached lookups the batch changed
	// (writer_watch.go).
	afterBatch func()
	ops        chan writeOp
	quit       chan struct{}
	once       sync.Once
	wg         sync.WaitGroup
}

func newWriter(conn *sql.DB, eng engine, afterBatch func()) *writer {
	w := &writer{conn: conn, eng: eng, ops: make(chan writeOp, maxBatch), quit: make(chan struct{}),
		stmts: map[string]*sql.Stmt{}, toPrepare: map[string]bool{}, afterBatch: afterBatch}
	w.wg.Add(1)
	go w.loop()
	return w
}

// do queues fn and waits until it has been committed or has failed.
func (w *writer) do(ctx context.Context, fn writeFunc) error {
	op := writeOp{fn: fn, done: make(chan error, 1)}
	select {
	case w.ops <- op:
	case <-w.quit:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once queued the write is not abandoned: the caller learns its outcome,
	// so a committed write is never reported as failed.
	return <-op.done
}

func (w *writer) close() {
	w.once.Do(func() { close(w.quit) })
	w.wg.Wait()
	for _, s := range w.stmts {
		s.Close()
	}
}

func (w *writer) loop() {
	defer w.wg.Done()
	batch := make([]writeOp, 0, maxBatch)
	idle := time.NewTimer(checkpointIdle)
	defer idle.Stop()
	for {
		select {
		case <-w.quit:
			// Finish what was queued before Close.
			for {
				select {
				case op := <-w.ops:
					w.commit([]writeOp{op})
				default:
					return
				}
			}
		case <-idle.C:
			if w.uncheckpointed > 0 {
				w.checkpoint()
			}
			idle.Reset(checkpointIdle)
		case op := <-w.ops:
			batch = append(batch[:0], op)
		fill:
			for len(batch) < maxBatch {
				select {
				case op := <-w.ops:
					batch = append(batch, op)
				default:
					break fill
				}
			}
			w.commit(batch)
			if w.uncheckpointed >= checkpointEvery {
				w.checkpoint()
			}
			idle.Reset(checkpointIdle)
		}
	}
}

// checkpoint runs the engine's upkeep between batches (SQLite: a WAL
// checkpoint, engine_sqlite.go).
func (w *writer) checkpoint() {
	w.uncheckpointed = 0
	w.eng.maintain(w.conn)
}

func (w *writer) commit(batch []writeOp) {
	errs := make([]error, len(batch))
	w.runGroup(batch, errs)
	if w.afterBatch != nil {
		w.afterBatch()
	}
	w.prepareSeen()
	w.uncheckpointed += len(batch)
	for i, op := range batch {
		op.done <- errs[i]
	}
}

// runGroup commits ops in one transaction, recording each one's outcome in
// errs. When a write fails, the group is split around it: the writes
// before it, it alone, and the writes after it.
func (w *writer) runGroup(ops []writeOp, errs []error) {
	if len(ops) == 0 {
		return
	}
	failed, err := w.runRetrying(ops, errs)
	if len(ops) > 1 && w.lostConflict(failed, err, errs) {
		// A group that lost a conflict to another process runs again in
		// halves: a smaller transaction holds fewer predicate locks, so
		// it collides less, and a busy neighbour cannot starve a whole
		// batch (measured with two processes: a p99 of seconds).
		half := len(ops) / 2
		w.runGroup(ops[:half], errs[:half])
		w.runGroup(ops[half:], errs[half:])
		return
	}
	switch {
	case err != nil && len(ops) > 1:
		// The transaction itself failed (commit, indexing): find out, one
		// write at a time, which writes it fails for.
		for i := range ops {
			w.runGroup(ops[i:i+1], errs[i:i+1])
		}
	case err != nil:
		errs[0] = err
	case failed < 0 || len(ops) == 1:
		// Committed, or the one write failed and errs holds why.
	default:
		w.runGroup(ops[:failed], errs[:failed])
		w.runGroup(ops[failed:failed+1], errs[failed:failed+1])
		w.runGroup(ops[failed+1:], errs[failed+1:])
	}
}

// maxRetries bounds how often a transaction that lost a serialization
// conflict to another process is run again; with the backoff below, a
// few seconds of trying.
const maxRetries = 20

// groupTries is how often a group of writes is run before a conflict
// splits it (runGroup): one more try usually passes, and keeps the group's
// one commit.
const groupTries = 2

// runRetrying is run, run again while the transaction failed only because
// a concurrent transaction (another process's writer, on PostgreSQL) made
// it unserializable: the writes are re-runnable by contract (writeFunc), so
// running them again sees the other's changes, as if they had queued after
// it. A group is tried groupTries times, a single write maxRetries times.
func (w *writer) runRetrying(ops []writeOp, errs []error) (failed int, err error) {
	for attempt := 1; ; attempt++ {
		failed, err = w.run(ops, errs)
		if !w.lostConflict(failed, err, errs) || attempt == maxRetries || (len(ops) > 1 && attempt == groupTries) {
			// A group that keeps losing is split instead (runGroup).
			return failed, err
		}
		// Back off at random, up to twice as long each time (capped at
		// 200 ms), so two writers that keep colliding fall out of step.
		ceiling := min(time.Millisecond<<attempt, 200*time.Millisecond)
		time.Sleep(time.Duration(1 + rand.Int64N(int64(ceiling))))
	}
}

// lostConflict reports whether run's outcome is a serialization conflict
// with another process's transaction (engine.retryable).
func (w *writer) lostConflict(failed int, err error, errs []error) bool {
	if failed >= 0 {
		err = errs[failed]
	}
	return err != nil && w.eng.retryable(err)
}

// run runs ops in one transaction and commits it when every one succeeds
// (failed = -1). Otherwise it rolls back and returns the index of the first
// write that failed, with its error in errs. err is a failure of the
// transaction itself.
func (w *writer) run(ops []writeOp, errs []error) (failed int, err error) {
	sqlTx, err := w.eng.beginWrite(w.conn)
	if err != nil {
		return -1, fmt.Errorf("db: unable to begin: %w", err)
	}
	defer sqlTx.Rollback()
	tx := &Tx{Tx: sqlTx, w: w}
	for i, op := range ops {
		if errs[i] = runOp(op.fn, tx); errs[i] != nil {
			return i, nil
		}
	}
	if err := w.eng.beforeCommit(tx); err != nil {
		return -1, err
	}
	if err := tx.Commit(); err != nil {
		return -1, fmt.Errorf("db: unable to commit: %w", err)
	}
	return -1, nil
}

// runOp keeps a panicking write from taking the writer down with it.
func runOp(fn writeFunc, tx *Tx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("db: write panicked: %v", r)
		}
	}()
	return fn(tx)
}

// write runs fn through the single writer. A full disk comes back as
// ErrStorageFull (507), whichever statement or commit met it.
func (d *DB) write(ctx context.Context, fn writeFunc) error {
	return storageFull(d.writer.do(ctx, fn))
}
