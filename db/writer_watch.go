package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"

	"modernc.org/sqlite"
)

// What the writer watches for the lookup caches (lookup_cache.go): a row
// changed in any of these tables, by any statement the writer runs, forgets
// the cached answers that depend on it once the batch has committed and
// before any of its writers hears back. Watching the connection rather
// than naming each change keeps a change made some other way (a new store
// method, a hand-written fix run through the writer) from leaving a cached
// answer behind: a revoked key is refused from the very next request.
const (
	changedAuth uint8 = 1 << iota
	changedCategories
)

var watchedTables = map[string]uint8{
	"users":            changedAuth,
	"api_keys":         changedAuth,
	"categories":       changedCategories,
	"category_aliases": changedCategories,
}

// writerConnector opens the writer's connection through a driver of its
// own, whose connection hook installs SQLite's pre-update hook on it: the
// hook sees every row the connection inserts, updates or deletes, and
// whatever connection database/sql opens for the writer has it.
type writerConnector struct {
	drv *sqlite.Driver
	dsn string
}

func (c writerConnector) Connect(context.Context) (driver.Conn, error) { return c.drv.Open(c.dsn) }
func (c writerConnector) Driver() driver.Driver                        { return c.drv }

// openWatched opens dsn with every row change reported to changed. The
// hook runs on the goroutine running the statement: the writer's.
func openWatched(dsn string, changed func(table string)) *sql.DB {
	drv := &sqlite.Driver{}
	drv.RegisterConnectionHook(func(c sqlite.ExecQuerierContext, _ string) error {
		h, ok := c.(sqlite.HookRegisterer)
		if !ok {
			return errors.New("db: the driver cannot report changed rows")
		}
		h.RegisterPreUpdateHook(func(d sqlite.SQLitePreUpdateData) { changed(d.TableName) })
		return nil
	})
	return sql.OpenDB(writerConnector{drv: drv, dsn: dsn})
}
