package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
)

// maxBatch bounds how many queued writes share one commit.
const maxBatch = 128

// errClosed answers writes that arrive after Close.
var errClosed = errors.New("db: closed")

// writeFunc is one unit of work run inside the writer's transaction. It must
// not block on anything but the database.
type writeFunc func(tx *Tx) error

type writeOp struct {
	fn   writeFunc
	done chan error
}

// writer serialises every write through one connection. Callers queue in a
// channel, which is FIFO-fair (database/sql hands a freed connection to a
// random waiter), and the writes waiting when a commit starts share it (group
// commit): one fsync for many acknowledged writes. Each write runs in its own
// savepoint, so one failing write does not undo its neighbours.
type writer struct {
	conn *sql.DB
	// Prepared statements by SQL text, and texts to prepare after the
	// current commit; only the writer goroutine touches them.
	stmts     map[string]*sql.Stmt
	toPrepare map[string]bool
	ops       chan writeOp
	quit      chan struct{}
	once      sync.Once
	wg        sync.WaitGroup
}

func newWriter(conn *sql.DB) *writer {
	w := &writer{conn: conn, ops: make(chan writeOp, maxBatch), quit: make(chan struct{}),
		stmts: map[string]*sql.Stmt{}, toPrepare: map[string]bool{}}
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
		}
	}
}

func (w *writer) commit(batch []writeOp) {
	errs := make([]error, len(batch))
	err := w.run(batch, errs)
	w.prepareSeen()
	for i, op := range batch {
		if err != nil && errs[i] == nil {
			errs[i] = err
		}
		op.done <- errs[i]
	}
}

func (w *writer) run(batch []writeOp, errs []error) error {
	sqlTx, err := w.conn.Begin()
	if err != nil {
		return fmt.Errorf("db: unable to begin: %w", err)
	}
	defer sqlTx.Rollback()
	tx := &Tx{Tx: sqlTx, w: w}
	for i, op := range batch {
		if _, err := tx.Exec("SAVEPOINT op"); err != nil {
			return fmt.Errorf("db: unable to open savepoint: %w", err)
		}
		if errs[i] = runOp(op.fn, tx); errs[i] != nil {
			if _, err := tx.Exec("ROLLBACK TO op"); err != nil {
				return fmt.Errorf("db: unable to roll back savepoint: %w", err)
			}
		}
		if _, err := tx.Exec("RELEASE op"); err != nil {
			return fmt.Errorf("db: unable to release savepoint: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("db: unable to commit: %w", err)
	}
	return nil
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
