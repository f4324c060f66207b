package main

// Throughput and scale, as issue 10 measured them: the real binary serving
// a real data folder, driven by wrk (an external load generator process,
// Debian package `wrk`), so the server's CPU is measured apart from the
// client's. Every figure is printed next to its baseline from the same run:
// a bare Fiber app answering fixed JSON for throughput, the empty database
// for scale. Runs only with -bench (make bench):
//
//	go test -run '^$' -bench Scale -benchtime 1x -timeout 60m .
//
// HELPDESK_BENCH_DIR keeps the generated million tickets between runs (as
// the queue benchmark does); each run serves a copy, so its creates never
// pile up in the kept one.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/internal/seeddb/seed"
)

const (
	scaleTickets = 1_000_000
	// createFor is how long creates run: long enough for the steady state
	// (the writer's checkpoints every ~1,000 writes, index merges).
	createFor = 20 * time.Second
	readFor   = 10 * time.Second
	// searchWord is in about a fifth of the generated tickets (18.8 % at
	// 1M, subject, message and conversation together).
	searchWord = "booking"
)

// wrkResult is one wrk run, with the server's CPU time over it.
type wrkResult struct {
	rate     float64       // requests per second
	p50, p99 time.Duration // latency percentiles
	cpu      time.Duration // server CPU (user+system) per request
	// dbCPU is the database server's CPU per request: PostgreSQL's
	// processes; 0 on SQLite, whose work is inside ours (cpu).
	dbCPU    time.Duration
	requests int
	failed   int // answers not 2xx or 3xx, and timeouts (rate counts the others)
}

func (r wrkResult) String() string {
	return fmt.Sprintf("%.0f req/s, p50 %s, p99 %s, server CPU %s/req", r.rate, ms(r.p50), ms(r.p99), us(r.cpu))
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 2, 64) + " ms"
}
func us(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Nanoseconds())/1000, 'f', 0, 64) + " µs"
}

// wrkRun is one load: threads and connections, how long, and a Lua script
// that shapes the requests (method, body, headers, varying paths).
type wrkRun struct {
	threads, conns int
	dur            time.Duration
	url            string
	script         string
}

var (
	wrkRate    = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	wrkTotal   = regexp.MustCompile(`(\d+) requests in`)
	wrkPercent = regexp.MustCompile(`(?m)^\s+(50|99)(?:\.000)?%\s+([0-9.]+)(us|ms|s)\s*$`)
	wrkBad     = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)|Socket errors: .*timeout (\d+)`)
)

// runWrk runs wrk against the server pid and parses its report. Any
// non-2xx answer fails the benchmark: a fast error is no result.
func runWrk(b *testing.B, pid int, r wrkRun) wrkResult {
	b.Helper()
	cpu0 := procCPU(b, pid)
	p := startWrk(b, r)
	res := p.wait(b)
	if res.failed > 0 {
		b.Fatalf("wrk saw failed requests:\n%s", p.out.String())
	}
	res.cpu = (procCPU(b, pid) - cpu0) / time.Duration(res.requests)
	return res
}

// wrkProc is a wrk run under way; wait reads its report.
type wrkProc struct {
	cmd    *exec.Cmd
	out    bytes.Buffer
	cancel context.CancelFunc
}

// startWrk starts wrk with load r, so that several can run at once (one
// for each server of a database).
func startWrk(b *testing.B, r wrkRun) *wrkProc {
	b.Helper()
	bin, err := exec.LookPath("wrk")
	if err != nil {
		b.Skip("wrk is not installed (make bench installs the Debian package)")
	}
	script := filepath.Join(b.TempDir(), "load.lua")
	if err := os.WriteFile(script, []byte(r.script), 0o644); err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), r.dur+time.Minute)
	p := &wrkProc{cancel: cancel}
	p.cmd = exec.CommandContext(ctx, bin, "-t", strconv.Itoa(r.threads), "-c", strconv.Itoa(r.conns),
		"-d", strconv.Itoa(int(r.dur.Seconds()))+"s", "--timeout", "10s", "--latency", "-s", script, r.url)
	p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.out
	if err := p.cmd.Start(); err != nil {
		cancel()
		b.Fatalf("wrk: %v", err)
	}
	return p
}

// wait waits for wrk to end and parses its report: rate (of the answers
// that did not fail), requests, failures and latency; the server's CPU is
// the caller's to measure.
func (p *wrkProc) wait(b *testing.B) wrkResult {
	b.Helper()
	err := p.cmd.Wait()
	p.cancel()
	text := p.out.String()
	if err != nil {
		b.Fatalf("wrk: %v\n%s", err, text)
	}
	var res wrkResult
	for _, m := range wrkBad.FindAllStringSubmatch(text, -1) {
		n, _ := strconv.Atoi(m[1] + m[2])
		res.failed += n
	}
	if m := wrkRate.FindStringSubmatch(text); m != nil {
		res.rate, _ = strconv.ParseFloat(m[1], 64)
	}
	if m := wrkTotal.FindStringSubmatch(text); m != nil {
		res.requests, _ = strconv.Atoi(m[1])
	}
	for _, m := range wrkPercent.FindAllStringSubmatch(text, -1) {
		v, _ := strconv.ParseFloat(m[2], 64)
		d := time.Duration(v * float64(map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[m[3]]))
		if m[1] == "50" {
			res.p50 = d
		} else {
			res.p99 = d
		}
	}
	if res.rate == 0 || res.requests == 0 || res.p99 == 0 {
		b.Fatalf("cannot read wrk's report:\n%s", text)
	}
	res.rate *= float64(res.requests-res.failed) / float64(res.requests)
	return res
}

// procCPU is the CPU time process pid has used (user and system).
func procCPU(b *testing.B, pid int) time.Duration {
	b.Helper()
	fields, err := procStat(pid)
	if err != nil {
		b.Fatalf("server CPU: %v (this benchmark needs Linux)", err)
	}
	return ticks(fields[11], fields[12])
}

// procStat is /proc/PID/stat's fields after the command's closing
// parenthesis: fields[0] is the 3rd of the whole line (state), so the
// 4th (ppid) is fields[1], utime and stime (14th, 15th) fields[11] and
// fields[12], the waited-for children's cutime and cstime fields[13] and
// fields[14].
func procStat(pid int) ([]string, error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil, err
	}
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+2:]))
	if len(fields) < 15 {
		return nil, fmt.Errorf("/proc/%d/stat has %d fields after the command", pid, len(fields))
	}
	return fields, nil
}

// ticks is the sum of CPU times in clock ticks (100 a second).
func ticks(fields ...string) time.Duration {
	var n int64
	for _, f := range fields {
		v, _ := strconv.ParseInt(f, 10, 64)
		n += v
	}
	return time.Duration(n) * 10 * time.Millisecond
}

// luaGet is a script for GETs with the key, paths from pathExpr (a Lua
// expression evaluated per request).
func luaGet(key, pathExpr string) string {
	auth := ""
	if key != "" {
		auth = `wrk.headers["Authorization"] = "Bearer ` + key + `"` + "\n"
	}
	return auth + `math.randomseed(42)
request = function() return wrk.format("GET", ` + pathExpr + `) end
`
}

// luaCreate posts the seed's example ticket, as issue 10's runs did.
func luaCreate(key string) string {
	body, _ := json.Marshal(ticketFields("Question about tour cancellation"))
	return `wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer ` + key + `"
wrk.body = ` + strconv.Quote(string(body)) + `
`
}

// scaleFigures are one database's figures.
type scaleFigures struct {
	tickets                       int
	create, list, get             wrkResult
	search1, search50             wrkResult
	statusSearch1, statusSearch50 wrkResult
	rssAfterReads, peakRSS        int64 // kB
}

// measureScale serves data and runs every workload on it (scaleWorkloads).
func measureScale(b *testing.B, data string, tickets int) scaleFigures {
	b.Helper()
	key := mintAPIKey(b, data, "agent")
	s := startServer(b, data, nil, "--create-rate", "0")
	pid := s.cmd.Process.Pid
	f := scaleWorkloads(b, tickets, key, nil, func(r wrkRun) wrkResult {
		r.url = s.URL + r.url
		return runWrk(b, pid, r)
	})
	f.rssAfterReads = procStatusKB(b, pid, "VmRSS")
	f.peakRSS = procStatusKB(b, pid, "VmHWM")
	s.stop()
	return f
}

// scaleWorkloads runs every workload through load, which runs one on the
// servers under test (each wrkRun's url is a path on them): creates first
// (20 s), then the reads over what is there, tickets before the creates.
// Get by id picks ids in 1..tickets, or among ids() (comma-separated)
// when the ids have gaps.
func scaleWorkloads(b *testing.B, tickets int, key string, ids func() string, load func(wrkRun) wrkResult) scaleFigures {
	b.Helper()
	f := scaleFigures{}
	f.create = load(wrkRun{2, 50, createFor, "/api/support-tickets", luaCreate(key)})
	f.tickets = tickets + f.create.requests - f.create.failed
	f.list = load(wrkRun{2, 50, readFor, "/api/support-tickets?status=open&limit=50",
		luaGet(key, `"/api/support-tickets?status=open&limit=50"`)})
	get := luaGet(key, `"/api/support-tickets/" .. math.random(1, `+strconv.Itoa(f.tickets)+`)`)
	if ids != nil {
		// One string constant: LuaJIT bounds the constants of a chunk.
		get = "ids = {}\nfor n in (" + strconv.Quote(ids()) + "):gmatch(\"%d+\") do ids[#ids + 1] = n end\n" +
			luaGet(key, `"/api/support-tickets/" .. ids[math.random(1, #ids)]`)
	}
	f.get = load(wrkRun{2, 50, readFor, "/", get})
	search := `"/api/support-tickets?limit=50&q=` + searchWord + `"`
	statusSearch := `"/api/support-tickets?limit=50&status=open&q=` + searchWord + `"`
	f.search1 = load(wrkRun{1, 1, readFor, "/", luaGet(key, search)})
	f.search50 = load(wrkRun{2, 50, readFor, "/", luaGet(key, search)})
	f.statusSearch1 = load(wrkRun{1, 1, readFor, "/", luaGet(key, statusSearch)})
	f.statusSearch50 = load(wrkRun{2, 50, readFor, "/", luaGet(key, statusSearch)})
	return f
}

// BenchmarkScale prints issue 10's two tables, each figure beside its
// baseline measured in this run.
func BenchmarkScale(b *testing.B) {
	if b.N > 1 {
		b.Skip("run with -benchtime 1x: one run is minutes of load")
	}
	fixed := startFixedJSON(b)
	base := runWrk(b, fixed.Process.Pid, wrkRun{2, 50, readFor, "http://" + fixedAddr + "/fixed", luaGet("", `"/fixed"`)})

	empty := measureScale(b, b.TempDir(), 0)
	million := measureScale(b, scaleData(b), scaleTickets)

	pct := func(r wrkResult) string { return fmt.Sprintf("%.1f %%", 100*r.rate/base.rate) }
	var out strings.Builder
	fmt.Fprintf(&out, "\nThroughput, wrk -t2 -c50, empty database (creates for %s, then reads over the %d tickets they made):\n\n", createFor, empty.tickets)
	fmt.Fprintf(&out, "| workload | ours | baseline: bare Fiber fixed JSON | ours / baseline |\n|---|---|---|---|\n")
	for _, w := range []struct {
		name string
		r    wrkResult
	}{{"create (seed body)", empty.create}, {"list 50 `status=open`", empty.list}, {"get by id", empty.get}} {
		fmt.Fprintf(&out, "| %s | %s | %s | %s of the rate, %.1f× the CPU a request |\n", w.name, w.r, base, pct(w.r),
			float64(w.r.cpu)/float64(base.cpu))
	}
	fmt.Fprintf(&out, "\nAt scale (the empty database is the baseline; %d generated tickets, internal/seeddb):\n\n", scaleTickets)
	fmt.Fprintf(&out, "| | empty database (baseline) | 1M tickets | goal at 1M |\n|---|---|---|---|\n")
	rows := []struct {
		name        string
		empty, mill string
		goal        string
	}{
		{"create req/s / p99 (c50, " + createFor.String() + ")", rateP99(empty.create), rateP99(million.create), "≥ 5k, p99 < 50 ms"},
		{"create, server CPU a request", us(empty.create.cpu), us(million.create.cpu), ""},
		{"list 50 `status=open` (c50)", rateP99(empty.list), rateP99(million.list), ""},
		{"get by id (c50)", rateP99(empty.get), rateP99(million.get), ""},
		{"API search `" + searchWord + "`, p99 (c1 / c50)", ms(empty.search1.p99) + " / " + ms(empty.search50.p99),
			ms(million.search1.p99) + " / " + ms(million.search50.p99), "< 20 ms / < 100 ms"},
		{"the same word within `status=open`, p99 (c1 / c50)", ms(empty.statusSearch1.p99) + " / " + ms(empty.statusSearch50.p99),
			ms(million.statusSearch1.p99) + " / " + ms(million.statusSearch50.p99), "< 20 ms (c1)"},
		{"server RSS after reads (peak)", mb(empty.rssAfterReads) + " (" + mb(empty.peakRSS) + ")",
			mb(million.rssAfterReads) + " (" + mb(million.peakRSS) + ")", "< 128 MB"},
	}
	for _, r := range rows {
		fmt.Fprintf(&out, "| %s | %s | %s | %s |\n", r.name, r.empty, r.mill, r.goal)
	}
	fmt.Print(out.String())

	b.ReportMetric(0, "ns/op")
	b.ReportMetric(million.create.rate, "create-1M-req/s")
	b.ReportMetric(float64(million.create.p99.Microseconds())/1000, "create-1M-p99-ms")
	b.ReportMetric(float64(million.statusSearch1.p99.Microseconds())/1000, "status-search-1M-p99-ms")
	b.ReportMetric(float64(million.rssAfterReads)/1024, "rss-1M-MB")
}

func rateP99(r wrkResult) string { return fmt.Sprintf("%.0f req/s / p99 %s", r.rate, ms(r.p99)) }
func mb(kb int64) string         { return fmt.Sprintf("%.0f MB", float64(kb)/1024) }

// fixedAddr is where the baseline listens.
var fixedAddr string

// startFixedJSON builds and starts internal/fixedjson, the bare Fiber app.
func startFixedJSON(b *testing.B) *exec.Cmd {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "fixedjson")
	if out, err := exec.Command("go", "build", "-o", bin, "./internal/fixedjson").CombinedOutput(); err != nil {
		b.Fatalf("go build fixedjson: %v\n%s", err, out)
	}
	fixedAddr = freeAddr(b)
	cmd := exec.Command(bin, "-addr", fixedAddr)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	for deadline := time.Now().Add(10 * time.Second); ; {
		if c, err := net.DialTimeout("tcp", fixedAddr, time.Second); err == nil {
			c.Close()
			return cmd
		}
		if time.Now().After(deadline) {
			b.Fatal("fixedjson did not start")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// scaleData is a copy of the generated million tickets in a temporary
// folder. The generated folder is kept in $HELPDESK_BENCH_DIR when set.
func scaleData(b *testing.B) string {
	b.Helper()
	dir := os.Getenv("HELPDESK_BENCH_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "helpdesk-scale-bench")
	}
	done := filepath.Join(dir, "generated-"+strconv.Itoa(scaleTickets))
	if _, err := os.Stat(done); err != nil {
		start := time.Now()
		if err := seed.Generate(dir, scaleTickets); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(done, nil, 0o644); err != nil {
			b.Fatal(err)
		}
		b.Logf("generated %d tickets in %v", scaleTickets, time.Since(start).Round(time.Second))
	}
	// Apply this build's migrations once, in the kept folder, so the copy
	// starts as the server would find it.
	store, err := db.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	if err := store.Close(); err != nil {
		b.Fatal(err)
	}
	copyTo := b.TempDir()
	if err := copyFile(filepath.Join(dir, db.FileName), filepath.Join(copyTo, db.FileName)); err != nil {
		b.Fatal(err)
	}
	return copyTo
}

func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}
