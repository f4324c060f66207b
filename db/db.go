// Package db is the helpdesk's store: SQLite through modernc.org/sqlite, with
// one writer goroutine for every write and a pool of connections for reads.
// It is the only package that speaks SQL and it knows nothing about HTTP.
package db

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync/atomic"
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

	outbox chan struct{} // signalled after a commit that queued notifications

	keyUses keyUses // when each API key's last use was last written (apikeys.go)

	// Answers to lookups made on every request (lookup_cache.go).
	apiKeys    lookupCache[[32]byte, APIKey]
	categories categoryCaches
}

// pragmas go in the DSN, not in db.Exec, so that every pooled connection gets
// them. synchronous=FULL makes an acknowledged commit survive a power cut;
// wal_autocheckpoint=0 because SQLite's automatic checkpoint stalls whichever
// commit crosses the threshold (see MEASURED.md): the writer checkpoints
// between its batches instead (writer.go), and journal_size_limit trims a
// WAL that grew past it once the checkpoint has rewound it.
var pragmas = []string{
	"journal_mode(wal)",
	"synchronous(full)",
	"foreign_keys(1)",
	"busy_timeout(10000)",
	"wal_autocheckpoint(0)",
	"journal_size_limit(33554432)",
	"temp_store(memory)",
}

// Page caches and the read pool, sized from measurement (README,
// Performance). SQLite's page cache lives outside the Go heap and is most of
// the server's memory: 8 readers × 16 MB came to ~330 MB RSS at 1M tickets;
// 4 readers × 4 MB serve the same read load (a search touches a few index
// pages per row it returns, a list 50 rows). The writer keeps a larger cache:
// every create updates a dozen indexes whose right-hand pages it rewrites.
const (
	readConns     = 4
	readCacheKB   = 4000
	writerCacheKB = 16000
)

func dsn(path string, readOnly bool) string {
	q := url.Values{}
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	cache := writerCacheKB
	if readOnly {
		cache = readCacheKB
	}
	q.Add("_pragma", fmt.Sprintf("cache_size(-%d)", cache))
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

	d := &DB{path: path, Now: time.Now, outbox: make(chan struct{}, 1)}
	// Which watched tables the writer's connection changed since its last
	// batch; atomic because a backup (VACUUM INTO) uses the connection from
	// its own goroutine.
	var changed atomic.Uint32
	wconn := openWatched(dsn(path, false), func(table string) {
		if bit := watchedTables[table]; bit != 0 {
			changed.Or(uint32(bit))
		}
	})
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
	read.SetMaxOpenConns(readConns)
	read.SetMaxIdleConns(readConns)

	d.read = newReadPool(read)
	d.writer = newWriter(wconn, func() {
		bits := uint8(changed.Swap(0))
		if bits&changedAuth != 0 {
			d.apiKeys.invalidate()
		}
		if bits&changedCategories != 0 {
			d.categories.invalidate()
		}
	})
	return d, nil
}

// Close finishes the queued writes, checkpoints the WAL into the main file
// and closes every connection.
func (d *DB) Close() error {
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
