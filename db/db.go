// Package db is the helpdesk's store: SQLite through modernc.org/sqlite, with
// one writer goroutine for every write and a pool of connections for reads.
// It is the only package that speaks SQL and it knows nothing about HTTP.
package db

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// FileName is the database file inside the data directory.
const FileName = "helpdesk.db"

// DB is an open helpdesk database.
type DB struct {
	read   *readPool
	writer *writer
	path   string

	// Now is the clock every stored timestamp comes from; tests replace it.
	Now func() time.Time

	stop     chan struct{}
	stopOnce sync.Once
	bg       sync.WaitGroup

	outbox chan struct{} // signalled after a commit that queued notifications

	keyUses keyUses // when each API key's last use was last written (apikeys.go)
}

// pragmas go in the DSN, not in db.Exec, so that every pooled connection gets
// them. synchronous=FULL makes an acknowledged commit survive a power cut;
// wal_autocheckpoint=0 because SQLite's automatic checkpoint stalls whichever
// commit crosses the threshold (see MEASURED.md): a timer checkpoints instead.
var pragmas = []string{
	"journal_mode(wal)",
	"synchronous(full)",
	"foreign_keys(1)",
	"busy_timeout(10000)",
	"wal_autocheckpoint(0)",
	"temp_store(memory)",
	"cache_size(-16000)",
}

func dsn(path string, readOnly bool) string {
	q := url.Values{}
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	}
	return "file:" + path + "?" + q.Encode()
}

// Open opens (creating if needed) the database in dataDir, applies the
// migrations and starts the writer and the checkpoint timer.
func Open(dataDir string) (*DB, error) {
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, fmt.Errorf("db: unable to create data directory: %w", err)
	}
	path := filepath.Join(dataDir, FileName)

	wconn, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("db: unable to open: %w", err)
	}
	// The writer owns exactly one connection, for its whole life.
	wconn.SetMaxOpenConns(1)
	wconn.SetMaxIdleConns(1)
	wconn.SetConnMaxLifetime(0)
	if err := migrate(context.Background(), wconn); err != nil {
		wconn.Close()
		return nil, err
	}

	read, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		wconn.Close()
		return nil, fmt.Errorf("db: unable to open read pool: %w", err)
	}
	read.SetMaxOpenConns(8)
	read.SetMaxIdleConns(8)

	d := &DB{read: newReadPool(read), path: path, Now: time.Now, stop: make(chan struct{}), outbox: make(chan struct{}, 1)}
	d.writer = newWriter(wconn)
	d.bg.Add(1)
	go d.checkpointLoop(5 * time.Second)
	return d, nil
}

// Close stops the background work, checkpoints the WAL into the main file and
// closes every connection.
func (d *DB) Close() error {
	d.stopOnce.Do(func() { close(d.stop) })
	d.bg.Wait()
	d.writer.close()
	_, _ = d.writer.conn.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	err1 := d.read.Close()
	err2 := d.writer.conn.Close()
	if err1 != nil {
		return err1
	}
	return err2
}

// Ping reports whether the database answers a query.
func (d *DB) Ping(ctx context.Context) error {
	var one int
	return d.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Path is the database file's path.
func (d *DB) Path() string { return d.path }

func (d *DB) now() time.Time { return d.Now().UTC() }

// checkpointLoop copies the WAL back into the database file in the
// background. PASSIVE never blocks the writer; when the WAL has grown past a
// few megabytes a TRUNCATE resets it so it cannot grow without bound.
func (d *DB) checkpointLoop(every time.Duration) {
	defer d.bg.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-d.stop:
			return
		case <-t.C:
			mode := "PASSIVE"
			if fi, err := os.Stat(d.path + "-wal"); err == nil && fi.Size() > 64<<20 {
				mode = "TRUNCATE"
			}
			if _, err := d.read.Exec("PRAGMA wal_checkpoint(" + mode + ")"); err != nil {
				slog.Warn("db: checkpoint failed", "err", err)
			}
		}
	}
}
