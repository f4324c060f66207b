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
	requests int
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
	bin, err := exec.LookPath("wrk")
	if err != nil {
		b.Skip("wrk is not installed (make bench installs the Debian package)")
	}
	script := filepath.Join(b.TempDir(), "load.lua")
	if err := os.WriteFile(script, []byte(r.script), 0o644); err != nil {
		b.Fatal(err)
	}
	cpu0 := procCPU(b, pid)
	ctx, cancel := context.WithTimeout(context.Background(), r.dur+time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "-t", strconv.Itoa(r.threads), "-c", strconv.Itoa(r.conns),
		"-d", strconv.Itoa(int(r.dur.Seconds()))+"s", "--timeout", "10s", "--latency", "-s", script, r.url).CombinedOutput()
	cpu := procCPU(b, pid) - cpu0
	if err != nil {
		b.Fatalf("wrk: %v\n%s", err, out)
	}
	text := string(out)
	if m := wrkBad.FindStringSubmatch(text); m != nil && (m[1] != "" && m[1] != "0" || m[2] != "" && m[2] != "0") {
		b.Fatalf("wrk saw failed requests:\n%s", text)
	}
	var res wrkResult
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
	res.cpu = cpu / time.Duration(res.requests)
	return res
}

// procCPU is the CPU time process pid has used (user and system).
func procCPU(b *testing.B, pid int) time.Duration {
	b.Helper()
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Fatalf("server CPU: %v (this benchmark needs Linux)", err)
	}
	// Fields after the command's closing parenthesis; utime and stime are
	// the 14th and 15th of the whole line, in clock ticks (100 a second).
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+2:]))
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
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

// measureScale serves data and runs every workload on it: creates first
// (20 s), then the reads over what is there.
func measureScale(b *testing.B, data string, tickets int) scaleFigures {
	b.Helper()
	key := mintAPIKey(b, data, "agent")
	s := startServer(b, data, nil, "--create-rate", "0")
	pid := s.cmd.Process.Pid
	base := s.URL
	f := scaleFigures{}
	f.create = runWrk(b, pid, wrkRun{2, 50, createFor, base + "/api/support-tickets", luaCreate(key)})
	f.tickets = tickets + f.create.requests
	f.list = runWrk(b, pid, wrkRun{2, 50, readFor, base + "/api/support-tickets?status=open&limit=50",
		luaGet(key, `"/api/support-tickets?status=open&limit=50"`)})
	f.get = runWrk(b, pid, wrkRun{2, 50, readFor, base,
		luaGet(key, `"/api/support-tickets/" .. math.random(1, `+strconv.Itoa(f.tickets)+`)`)})
	search := `"/api/support-tickets?limit=50&q=` + searchWord + `"`
	statusSearch := `"/api/support-tickets?limit=50&status=open&q=` + searchWord + `"`
	f.search1 = runWrk(b, pid, wrkRun{1, 1, readFor, base, luaGet(key, search)})
	f.search50 = runWrk(b, pid, wrkRun{2, 50, readFor, base, luaGet(key, search)})
	f.statusSearch1 = runWrk(b, pid, wrkRun{1, 1, readFor, base, luaGet(key, statusSearch)})
	f.statusSearch50 = runWrk(b, pid, wrkRun{2, 50, readFor, base, luaGet(key, statusSearch)})
	f.rssAfterReads = procStatusKB(b, pid, "VmRSS")
	f.peakRSS = procStatusKB(b, pid, "VmHWM")
	s.stop()
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
