// Package storetest opens the store a test runs on: the embedded SQLite in
// the test's data folder, or, when HELPDESK_TEST_DATABASE=postgres, a
// fresh database of a throwaway PostgreSQL cluster (internal/pgtest). make
// test runs the store, API and mail suites both ways (CONTRACT §9: the same
// API, pages and mail on either engine). Packages using it call
// pgtest.Main from TestMain.
package storetest

import (
	"os"
	"testing"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/internal/pgtest"
)

// OnPostgres reports whether this run's tests use PostgreSQL.
func OnPostgres() bool { return os.Getenv("HELPDESK_TEST_DATABASE") == "postgres" }

// Place is where a test's database lives: dir for SQLite, a fresh
// database's URL for PostgreSQL. Open it with OpenAt, as often as the test
// needs (two handles are two processes, as far as the store can tell).
func Place(tb testing.TB, dir string) string {
	tb.Helper()
	if OnPostgres() {
		if err := pgtest.Template(template, migrated); err != nil {
			tb.Fatalf("storetest: %v", err)
		}
		return pgtest.URLFrom(tb, template)
	}
	return dir
}

// template is a database with the helpdesk's schema, made once per test
// binary: copying it is a file copy, where migrating each test's database
// ran the whole schema (functions, triggers, the search configuration).
const template = "helpdesk_template"

func migrated(url string) error {
	store, err := db.OpenPostgres(url)
	if err != nil {
		return err
	}
	return store.Close()
}

// OpenAt opens the database at place (Place); the caller closes it.
func OpenAt(place string) (*db.DB, error) {
	if OnPostgres() {
		return db.OpenPostgres(place)
	}
	return db.Open(place)
}

// Open opens a fresh database for the test, its SQLite file (if any) in
// dir, and closes it when the test ends.
func Open(tb testing.TB, dir string) *db.DB {
	tb.Helper()
	store, err := OpenAt(Place(tb, dir))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { store.Close() })
	return store
}

// SQLiteOnly skips a test about the embedded engine's own machinery (its
// file, its disk, its lock) on a PostgreSQL run.
func SQLiteOnly(tb testing.TB) {
	tb.Helper()
	if OnPostgres() {
		tb.Skip("about the embedded SQLite engine")
	}
}
