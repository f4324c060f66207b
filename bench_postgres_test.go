package main

// Issue 12's benchmark: make bench's workloads (scaleWorkloads: creates
// for 20 s, then list, get and search over what they made) on PostgreSQL
// with one `helpdesk serve` and with two on the same database, each
// figure beside SQLite's, measured in the same run on an empty data
// folder. Runs only with -bench (make bench):
//
//	go test -run '^$' -bench Postgres -benchtime 1x -timeout 60m .
//
// The cluster is internal/pgtest's, with fsync, full_page_writes and
// synchronous_commit turned back on (durableCluster), so a commit costs
// what SQLite's synchronous=FULL costs us.

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kinconecta/helpdesk/internal/pgtest"
)

// BenchmarkPostgres prints one table: each workload on SQLite, on
// PostgreSQL with one process and with two, and their ratios.
func BenchmarkPostgres(b *testing.B) {
	if b.N > 1 {
		b.Skip("run with -benchtime 1x: one run is minutes of load")
	}
	cluster := durableCluster(b)
	loadBefore := loadAverage()

	sqlite := measureScale(b, b.TempDir(), 0)
	one := measurePostgres(b, cluster, 1)
	two := measurePostgres(b, cluster, 2)

	var out strings.Builder
	fmt.Fprintf(&out, "\nThroughput, wrk, an empty database on each (creates for %s, then reads over the tickets they made: %d on SQLite, %d and %d on PostgreSQL); two processes: one wrk each with half the connections and threads, at once (c1: one wrk, on the first), rates summed, p50 and p99 the worse of the two, server CPU summed:\n\n",
		createFor, sqlite.tickets, one.tickets, two.tickets)
	fmt.Fprintf(&out, "| workload | SQLite, one process (baseline) | PostgreSQL, one process | PostgreSQL, two processes | PostgreSQL / SQLite (one / two processes) |\n|---|---|---|---|---|\n")
	for _, w := range []struct {
		name            string
		sqlite, pg, pg2 wrkResult
	}{
		{"create (seed body, c50)", sqlite.create, one.create, two.create},
		{"list 50 `status=open` (c50)", sqlite.list, one.list, two.list},
		{"get by id (c50)", sqlite.get, one.get, two.get},
		{"API search `" + searchWord + "` (c1)", sqlite.search1, one.search1, two.search1},
		{"API search `" + searchWord + "` (c50)", sqlite.search50, one.search50, two.search50},
		{"the same word within `status=open` (c1)", sqlite.statusSearch1, one.statusSearch1, two.statusSearch1},
		{"the same word within `status=open` (c50)", sqlite.statusSearch50, one.statusSearch50, two.statusSearch50},
	} {
		fmt.Fprintf(&out, "| %s | %s | %s | %s | %s |\n", w.name, w.sqlite, pgCell(w.pg), pgCell(w.pg2), versus(w.sqlite, w.pg, w.pg2))
	}
	for _, f := range []struct {
		name string
		f    pgFigures
	}{{"one process", one}, {"two processes", two}} {
		if f.f.failedLogged > 0 {
			fmt.Fprintf(&out, "\nPostgreSQL, %s: the servers logged %d failed requests, %d of them a serialization failure (SQLSTATE 40001) the writer's re-runs did not get past.\n",
				f.name, f.f.failedLogged, f.f.serialization)
		}
	}
	fmt.Fprintf(&out, "\nPostgreSQL: %s. Load average (1, 5, 15 min) before: %s, after: %s.\n", cluster.settings, loadBefore, loadAverage())
	fmt.Print(out.String())

	b.ReportMetric(0, "ns/op")
	b.ReportMetric(one.create.rate, "pg-create-req/s")
	b.ReportMetric(two.create.rate, "pg2-create-req/s")
	b.ReportMetric(float64(two.create.p99.Microseconds())/1000, "pg2-create-p99-ms")
}

// measurePostgres runs every workload on a fresh database of cluster
// served by n processes, each with a data folder of its own (for
// attachments and its lock).
func measurePostgres(b *testing.B, cluster pgCluster, n int) pgFigures {
	b.Helper()
	dbURL := pgtest.URL(b)
	key := mintAPIKey(b, b.TempDir(), "agent", "--database-url", dbURL)
	servers := make([]*server, n)
	for i := range servers {
		servers[i] = startServer(b, b.TempDir(), nil, "--create-rate", "0", "--database-url", dbURL)
	}
	// The identity skips the ids a batch the writer re-ran had taken
	// (after a serialization failure, with two processes): get by id
	// picks among those there are.
	ids := func() string {
		return pgQuery(b, dbURL, "SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '') FROM tickets")
	}
	f := scaleWorkloads(b, 0, key, ids, func(r wrkRun) wrkResult {
		return runWrkSplit(b, servers, cluster, r)
	})
	pf := pgFigures{scaleFigures: f}
	for _, s := range servers {
		s.stop()
		log := s.Log.String()
		pf.failedLogged += strings.Count(log, `msg="request failed"`)
		pf.serialization += strings.Count(log, "SQLSTATE 40001")
	}
	return pf
}

// pgFigures are the figures on PostgreSQL, with the requests the servers
// logged as failed (500s) and how many of those lost a serialization
// conflict more often than the writer re-runs a batch (db.maxRetries).
type pgFigures struct {
	scaleFigures
	failedLogged, serialization int
}

// runWrkSplit runs load r on servers at once: one wrk each with r's
// connections and threads shared out (a single connection drives the
// first server alone), its url a path on each. Rates and requests add
// up, p50 and p99 are the worst wrk's, cpu is every server's CPU per
// request and dbCPU the cluster's.
func runWrkSplit(b *testing.B, servers []*server, cluster pgCluster, r wrkRun) wrkResult {
	b.Helper()
	n := min(len(servers), r.conns)
	cpu := func() (sum time.Duration) {
		for _, s := range servers {
			sum += procCPU(b, s.cmd.Process.Pid)
		}
		return sum
	}
	cpu0, db0 := cpu(), cluster.cpu(b)
	procs := make([]*wrkProc, n)
	for i := range procs {
		part := r
		part.conns, part.threads = r.conns/n, max(1, r.threads/n)
		part.url = servers[i].URL + r.url
		procs[i] = startWrk(b, part)
	}
	var sum wrkResult
	for _, p := range procs {
		res := p.wait(b)
		sum.rate += res.rate
		sum.requests += res.requests
		sum.failed += res.failed
		sum.p50, sum.p99 = max(sum.p50, res.p50), max(sum.p99, res.p99)
	}
	sum.cpu = (cpu() - cpu0) / time.Duration(sum.requests)
	sum.dbCPU = (cluster.cpu(b) - db0) / time.Duration(sum.requests)
	return sum
}

// pgCell is a PostgreSQL figure with the cluster's CPU beside ours, and
// the failed requests if any (the rate counts the others).
func pgCell(r wrkResult) string {
	cell := fmt.Sprintf("%s + PostgreSQL %s/req", r, us(r.dbCPU))
	if r.failed > 0 {
		cell += fmt.Sprintf(", **%d of %d failed**", r.failed, r.requests)
	}
	return cell
}

// versus compares the two PostgreSQL figures with SQLite's: rate, p99,
// and the CPU a request with PostgreSQL's own counted in.
func versus(sqlite, pg, pg2 wrkResult) string {
	rate := func(r wrkResult) float64 { return r.rate / sqlite.rate }
	p99 := func(r wrkResult) float64 { return float64(r.p99) / float64(sqlite.p99) }
	cpu := func(r wrkResult) float64 { return float64(r.cpu+r.dbCPU) / float64(sqlite.cpu) }
	return fmt.Sprintf("%.2f× / %.2f× the rate, %.1f× / %.1f× the p99, %.1f× / %.1f× the CPU a request (ours + PostgreSQL's)",
		rate(pg), rate(pg2), p99(pg), p99(pg2), cpu(pg), cpu(pg2))
}
