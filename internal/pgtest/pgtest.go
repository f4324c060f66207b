// Package pgtest gives tests a real PostgreSQL: one throwaway cluster
// per test binary (initdb into a temporary folder, started on first use,
// reached over a unix socket only) and a fresh, empty database per call
// of URL. Packages that use it call Main (or Stop) from TestMain so the
// cluster ends with the binary; clusters of killed binaries are cleaned
// up by the next start.
//
// Without PostgreSQL the tests fail, saying how to install it: make test
// installs Debian's postgresql package when run as root.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

var (
	startOnce sync.Once
	shared    *cluster
	startErr  error

	stopMu  sync.Mutex
	stopped bool

	databases atomic.Int64 // numbers the databases URL creates
)

// running is the shared cluster, started on first use; its error says
// why there is none.
func running() (*cluster, error) {
	stopMu.Lock()
	done := stopped
	stopMu.Unlock()
	if done {
		return nil, errors.New("pgtest: the cluster was stopped (Stop ran before this test)")
	}
	startOnce.Do(func() {
		if startErr = Available(); startErr != nil {
			return
		}
		bin, _ := binDir()
		removeStale(bin)
		shared, startErr = startCluster()
	})
	return shared, startErr
}

// URL creates a fresh, empty database for the test on the shared cluster
// and returns its connection URL in pgx's form, e.g.
// postgres://postgres@/helpdesk_test_7?host=/tmp/pgtest123&port=15432&sslmode=disable.
// It connects as the superuser postgres, so the test may CREATE
// EXTENSION and CREATE COLLATION. The database is dropped (its
// connections closed by force) when the test ends. Without PostgreSQL
// the test fails, saying how to install it.
func URL(tb testing.TB) string {
	tb.Helper()
	return URLFrom(tb, "template0")
}

// URLFrom is URL with the new database a copy of template (a database
// Template made), so a schema is made once per test binary rather than
// once per test.
func URLFrom(tb testing.TB, template string) string {
	tb.Helper()
	c, err := running()
	if err != nil {
		tb.Fatalf("%v", err)
	}
	name := fmt.Sprintf("helpdesk_test_%d", databases.Add(1))
	// template0 by default: template1 may be in use (CREATE DATABASE
	// refuses a template with sessions) and may have gathered objects.
	if err := c.createFrom(name, template); err != nil {
		tb.Fatalf("pgtest: create database %s: %v\nlast lines of %s:\n%s", name, err, c.logPath(), c.logTail())
	}
	tb.Cleanup(func() {
		if err := c.admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			tb.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	return c.url(name)
}

var (
	templatesMu sync.Mutex
	templates   = map[string]error{}
)

// Template makes database name once per test binary and runs prepare
// with its URL (prepare must close its connections: a template with
// sessions cannot be copied); later calls return what the first did.
// Copy it with URLFrom.
func Template(name string, prepare func(url string) error) error {
	templatesMu.Lock()
	defer templatesMu.Unlock()
	if err, done := templates[name]; done {
		return err
	}
	c, err := running()
	if err == nil {
		err = c.admin("CREATE DATABASE " + name + " TEMPLATE template0")
	}
	if err == nil {
		err = prepare(c.url(name))
	}
	templates[name] = err
	return err
}

// createFrom copies template into a new database name. PostgreSQL
// refuses to copy a template while another session is connected to it,
// which a copy started at the same moment can briefly be: that is tried
// again.
func (c *cluster) createFrom(name, template string) error {
	var err error
	for range 50 {
		err = c.admin("CREATE DATABASE " + name + " TEMPLATE " + template)
		if err == nil || !strings.Contains(err.Error(), "is being accessed by other users") {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
	return err
}

// Cluster is the shared cluster's socket folder (pgx's and libpq's host)
// and port, starting it if need be, for tests that hand the server to
// other processes or create databases of their own.
func Cluster(tb testing.TB) (host string, port int) {
	tb.Helper()
	c, err := running()
	if err != nil {
		tb.Fatalf("%v", err)
	}
	return c.dir, c.port
}

// Stop stops the shared cluster, if one was started, and removes its
// folder. Call it from TestMain after m.Run; later calls of URL fail.
func Stop() {
	stopMu.Lock()
	defer stopMu.Unlock()
	if stopped {
		return
	}
	stopped = true
	if shared == nil {
		return
	}
	if err := shared.stop(); err != nil {
		fmt.Fprintf(os.Stderr, "pgtest: stop the cluster in %s: %v\n", shared.dir, err)
	}
}

// Main runs the tests, stops the cluster and exits with the tests'
// code: func TestMain(m *testing.M) { pgtest.Main(m) }.
func Main(m *testing.M) {
	code := m.Run()
	Stop()
	os.Exit(code)
}

// url is the pgx connection URL of database name.
func (c *cluster) url(name string) string {
	// Slashes may stay as they are in a query; QueryEscape takes care of
	// anything else a TMPDIR could hold.
	host := strings.ReplaceAll(url.QueryEscape(c.dir), "%2F", "/")
	return fmt.Sprintf("postgres://postgres@/%s?host=%s&port=%d&sslmode=disable", name, host, c.port)
}

// admin runs one statement on the postgres database, on a connection of
// its own, so concurrent tests need no lock.
func (c *cluster) admin(sql string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.url("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, sql)
	return err
}
