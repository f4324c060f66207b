package main

// The PostgreSQL cluster under BenchmarkPostgres: internal/pgtest's
// throwaway one, made durable before it is measured, and the CPU its
// processes use.

import (
	"context"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kinconecta/helpdesk/internal/pgtest"
)

// durableSettings are PostgreSQL's defaults, which pgtest turns off for
// fast tests: with them a commit is on disk when acknowledged, as
// SQLite's synchronous=FULL makes ours. All three take effect on reload.
var durableSettings = []string{"fsync", "full_page_writes", "synchronous_commit"}

// pgCluster is the running cluster: a URL of its postgres database and
// the postmaster's pid.
type pgCluster struct {
	adminURL   string
	postmaster int
	settings   string // version and settings that shape the figures, for the report
}

// durableCluster starts pgtest's cluster (stopped when the benchmark
// ends: the root package's TestMain does not stop it), turns its
// durability back on and checks that a new session sees it.
func durableCluster(b *testing.B) pgCluster {
	b.Helper()
	host, port := pgtest.Cluster(b)
	b.Cleanup(pgtest.Stop)
	c := pgCluster{adminURL: (&url.URL{Scheme: "postgres", User: url.User("postgres"), Path: "/postgres",
		RawQuery: url.Values{"host": {host}, "port": {strconv.Itoa(port)}, "sslmode": {"disable"}}.Encode()}).String()}
	for _, name := range durableSettings {
		c.exec(b, "ALTER SYSTEM SET "+name+" = on")
	}
	c.exec(b, "SELECT pg_reload_conf()")
	// The reload reaches the postmaster's children by signal, a moment
	// later; new sessions read it then.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		var off []string
		for _, name := range durableSettings {
			if v := c.show(b, name); v != "on" {
				off = append(off, name+"="+v)
			}
		}
		if len(off) == 0 {
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("PostgreSQL still has %s after ALTER SYSTEM and a reload", strings.Join(off, ", "))
		}
	}
	var settings []string
	for _, name := range []string{"server_version", "fsync", "full_page_writes", "synchronous_commit",
		"shared_buffers", "max_wal_size", "checkpoint_timeout"} {
		settings = append(settings, name+"="+c.show(b, name))
	}
	c.settings = strings.Join(settings, ", ")
	backend, _ := strconv.Atoi(c.query(b, "SELECT pg_backend_pid()::text"))
	fields, err := procStat(backend)
	if err != nil {
		b.Fatalf("PostgreSQL's CPU: %v (this benchmark needs Linux)", err)
	}
	c.postmaster, _ = strconv.Atoi(fields[1])
	return c
}

func (c pgCluster) show(b *testing.B, name string) string {
	b.Helper()
	return c.query(b, "SHOW "+name)
}

func (c pgCluster) exec(b *testing.B, sql string) {
	b.Helper()
	pgSession(b, c.adminURL, sql, func(ctx context.Context, conn *pgx.Conn) error {
		_, err := conn.Exec(ctx, sql)
		return err
	})
}

func (c pgCluster) query(b *testing.B, sql string) string {
	b.Helper()
	return pgQuery(b, c.adminURL, sql)
}

// pgQuery runs sql on database url and returns the first column of its
// one row as text.
func pgQuery(b *testing.B, url, sql string) string {
	b.Helper()
	var v string
	pgSession(b, url, sql, func(ctx context.Context, conn *pgx.Conn) error {
		return conn.QueryRow(ctx, sql).Scan(&v)
	})
	return v
}

// pgSession runs do on a new session of database url, failing the
// benchmark with sql in the message when it fails.
func pgSession(b *testing.B, url, sql string, do func(context.Context, *pgx.Conn) error) {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		b.Fatalf("PostgreSQL: %v", err)
	}
	defer conn.Close(context.Background())
	if err := do(ctx, conn); err != nil {
		b.Fatalf("PostgreSQL: %s: %v", sql, err)
	}
}

// cpu is the CPU time the cluster's processes have used: the postmaster
// and the children it has reaped (cutime, cstime), plus the children
// still running (backends, checkpointer, WAL writer, autovacuum). A
// child that ends between two readings moves from the second sum to the
// first, so the difference of two readings is the cluster's CPU between
// them.
func (c pgCluster) cpu(b *testing.B) time.Duration {
	b.Helper()
	fields, err := procStat(c.postmaster)
	if err != nil {
		b.Fatalf("PostgreSQL's CPU: %v", err)
	}
	total := ticks(fields[11:15]...)
	entries, err := os.ReadDir("/proc")
	if err != nil {
		b.Fatalf("PostgreSQL's CPU: %v", err)
	}
	parent := strconv.Itoa(c.postmaster)
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		// A process that ended since ReadDir is simply not counted here.
		if f, err := procStat(pid); err == nil && f[1] == parent {
			total += ticks(f[11], f[12])
		}
	}
	return total
}

// loadAverage is /proc/loadavg's 1, 5 and 15 minute figures.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
