// Package db is the helpdesk's store. It runs on the embedded SQLite
// (modernc.org/sqlite, Open) or on PostgreSQL (pgx, OpenPostgres), with one
// writer goroutine for every write and a pool of connections for reads.
// The domain rules and the SQL both engines share live here; each engine's
// own SQL lives in db/sqlite and db/postgres (engine.go). It is the only
// package that speaks SQL and it knows nothing about HTTP.
package db

import (
	"context"
	"time"
)

// DB is an open helpdesk database.
type DB struct {
	eng    engine
	read   *readPool
	writer *writer
	path   string // the SQLite file; "" on PostgreSQL

	// Now is the clock every stored timestamp comes from; tests replace it.
	Now func() time.Time

	outbox chan struct{} // signalled after a commit that queued notifications

	keyUses keyUses // when each API key's last use was last written (apikeys.go)

	// Answers to lookups made on every request (lookup_cache.go).
	apiKeys    lookupCache[[32]byte, APIKey]
	categories categoryCaches

	// closeEngine runs once the writer has stopped, before the
	// connections close.
	closeEngine func()
	stopUpkeep  func() // upkeep.go
}

func newDB(eng engine) *DB {
	return &DB{eng: eng, Now: time.Now, outbox: make(chan struct{}, 1), closeEngine: func() {}}
}

// forgetChanged forgets the cached lookups that depend on the tables in
// bits (writer_watch.go).
func (d *DB) forgetChanged(bits uint8) {
	if bits&changedAuth != 0 {
		d.apiKeys.invalidate()
	}
	if bits&changedCategories != 0 {
		d.categories.invalidate()
	}
}

// Close finishes the queued writes and closes every connection.
func (d *DB) Close() error {
	if d.stopUpkeep != nil {
		d.stopUpkeep()
	}
	d.writer.close()
	d.closeEngine()
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

// Path is the SQLite database file's path; "" on PostgreSQL.
func (d *DB) Path() string { return d.path }

// Embedded reports whether the store is the embedded SQLite, which one
// process at a time may open (its data folder is locked).
func (d *DB) Embedded() bool { return d.path != "" }

func (d *DB) now() time.Time { return d.Now().UTC() }
