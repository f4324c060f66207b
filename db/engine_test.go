package db

import (
	"os"
	"testing"

	"github.com/kinconecta/helpdesk/internal/pgtest"
)

// HELPDESK_TEST_DATABASE=postgres runs the store's tests on PostgreSQL,
// each on a fresh database of a throwaway cluster (internal/pgtest);
// otherwise they run on SQLite files under t.TempDir(). make test runs
// them both ways.
var onPostgres = os.Getenv("HELPDESK_TEST_DATABASE") == "postgres"

func TestMain(m *testing.M) { pgtest.Main(m) }

// testPlace is where a test's database lives: a data folder for SQLite,
// a database URL for PostgreSQL.
func testPlace(tb testing.TB) string {
	tb.Helper()
	if onPostgres {
		// The schema is made once, in a template each test's database
		// copies (internal/storetest does the same).
		err := pgtest.Template("helpdesk_db_template", func(url string) error {
			d, err := OpenPostgres(url)
			if err != nil {
				return err
			}
			return d.Close()
		})
		if err != nil {
			tb.Fatal(err)
		}
		return pgtest.URLFrom(tb, "helpdesk_db_template")
	}
	return tb.TempDir()
}

// openAt opens the database at place (testPlace) on the engine under test.
func openAt(place string) (*DB, error) {
	if onPostgres {
		return OpenPostgres(place)
	}
	return Open(place)
}

// sqliteOnly skips a test about the embedded engine's own machinery (its
// file, its WAL, its migrations' back-fills) on a PostgreSQL run.
func sqliteOnly(tb testing.TB) {
	tb.Helper()
	if onPostgres {
		tb.Skip("about the embedded SQLite engine")
	}
}

// openHandles opens n handles on one fresh database, closed when the test
// ends: n processes, as far as the store can tell.
func openHandles(tb testing.TB, n int) []*DB {
	tb.Helper()
	place := testPlace(tb)
	ds := make([]*DB, n)
	for i := range ds {
		d, err := openAt(place)
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { d.Close() })
		ds[i] = d
	}
	return ds
}
