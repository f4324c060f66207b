package handlers

// Load benchmarks through the whole HTTP stack: real loopback TCP, keep-alive
// clients, the real application over a real SQLite file. The load generator
// shares the machine's cores with the server (as wrk did for MEASURED.md), so
// the figures to compare are ratios against the bare Fiber handler measured
// in the same run, not absolute rates. They only run with -bench:
//
//	go test -run '^$' -bench HTTP -benchtime 2s ./handlers

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/kinconecta/helpdesk/internal/seeddb/seed"
)

// benchClients is how many keep-alive connections drive the write and
// point-read benchmarks, as wrk -c50 did for MEASURED.md.
const benchClients = 50

// seededTickets is the size of the database the read benchmarks query.
const seededTickets = 100_000

// benchRequestTimeout bounds every request, so a stuck server fails the
// benchmark instead of hanging it.
const benchRequestTimeout = 10 * time.Second

// BenchmarkHTTP measures, in one process and one run, the bare Fiber
// ceiling, ticket creation, reads by id, a filtered list and a full-text
// search over 100k generated tickets. Each reports req/s and its p99
// latency; Create also reports its rate as a percentage of the ceiling.
func BenchmarkHTTP(b *testing.B) {
	var fixed loadResult
	b.Run("FixedJSON", func(b *testing.B) {
		fixed = benchLoad(b, startFixedJSON(b), benchClients, func(int, *rand.Rand, *fasthttp.Request) {
		}, fiber.StatusOK, "/fixed")
	})
	b.Run("Create", func(b *testing.B) {
		s := newTestServer(b)
		body, err := json.Marshal(validTicket())
		if err != nil {
			b.Fatal(err)
		}
		r := benchLoad(b, hostOf(b, s.URL), benchClients, func(_ int, _ *rand.Rand, req *fasthttp.Request) {
			req.Header.SetMethod(fiber.MethodPost)
			req.Header.SetContentType(fiber.MIMEApplicationJSON)
			req.SetBody(body)
		}, fiber.StatusCreated, "/api/support-tickets")
		if fixed.rate > 0 {
			b.ReportMetric(100*r.rate/fixed.rate, "%-of-fixed-json")
			b.ReportMetric(float64(r.cpu)/float64(fixed.cpu), "cpu-x-fixed-json")
		}
	})

	// The 100k-ticket database is generated once, by whichever read
	// benchmark runs first (none may match -bench), and belongs to this
	// parent benchmark, whose cleanup removes it after the last of them: a
	// sub-benchmark's cleanups run after each of its rounds.
	parent := b
	var seeded *testServer
	seededServer := func(b *testing.B) *testServer {
		if seeded == nil {
			s := newTestServer(parent)
			start := time.Now()
			if err := seed.Generate(s.Dir, seededTickets); err != nil {
				b.Fatal(err)
			}
			b.Logf("generated %d tickets in %v", seededTickets, time.Since(start).Round(time.Millisecond))
			seeded = s
		}
		return seeded
	}
	b.Run("GetByID", func(b *testing.B) {
		s := seededServer(b)
		benchLoad(b, hostOf(b, s.URL), benchClients, func(_ int, r *rand.Rand, req *fasthttp.Request) {
			req.Header.Set(fiber.HeaderAuthorization, "Bearer "+s.AgentKey)
			req.SetRequestURI("/api/support-tickets/" + strconv.Itoa(1+r.IntN(seededTickets)))
		}, fiber.StatusOK, "")
	})
	// An agent's queue and search are read by a handful of people at once,
	// so their latency targets are for one client at a time (c1); c50 shows
	// how they hold up under the same load as the rest.
	for _, clients := range []int{1, benchClients} {
		b.Run("List50Open/c"+strconv.Itoa(clients), func(b *testing.B) {
			s := seededServer(b)
			benchLoad(b, hostOf(b, s.URL), clients, func(_ int, _ *rand.Rand, req *fasthttp.Request) {
				req.Header.Set(fiber.HeaderAuthorization, "Bearer "+s.AgentKey)
			}, fiber.StatusOK, "/api/support-tickets?status=open&limit=50")
		})
	}
	for _, clients := range []int{1, benchClients} {
		b.Run("Search/c"+strconv.Itoa(clients), func(b *testing.B) {
			s := seededServer(b)
			benchLoad(b, hostOf(b, s.URL), clients, func(i int, _ *rand.Rand, req *fasthttp.Request) {
				req.Header.Set(fiber.HeaderAuthorization, "Bearer "+s.AgentKey)
				req.SetRequestURI("/api/support-tickets?limit=50&q=" + url.QueryEscape(searchQueries[i%len(searchQueries)]))
			}, fiber.StatusOK, "")
		})
	}
}

// searchQueries are what agents type, from a word most tickets share to a
// requester's name, in rotation: the p99 is the slow ones' figure.
var searchQueries = []string{
	"refund",       // one category's word, a few thousand matches
	"contraseña",   // Spanish, accent folded by the tokenizer
	"oaxaca tour",  // two words, the last a prefix
	"ana martinez", // a requester, tens of matches
	"reserva",      // a common word: over ten thousand matches
}

// loadResult is one load run's throughput and tail latency.
type loadResult struct {
	rate float64 // requests per second
	p99  time.Duration
	cpu  time.Duration // CPU time of the whole process (server and clients) per request
}

// benchLoad sends b.N requests to addr from clients goroutines, each with
// its own keep-alive connection, and reports req/s and p99-ms (ns/op is
// suppressed: it is 1/rate). prepare fills request i on top of a GET of
// path; every answer must have status want.
func benchLoad(b *testing.B, addr string, clients int,
	prepare func(i int, r *rand.Rand, req *fasthttp.Request), want int, path string) loadResult {
	b.Helper()
	hc := &fasthttp.HostClient{Addr: addr, MaxConns: clients, ReadTimeout: benchRequestTimeout,
		WriteTimeout: benchRequestTimeout, MaxResponseBodySize: 16 << 20}
	defer hc.CloseIdleConnections()

	var next atomic.Int64
	var failed atomic.Pointer[string]
	lat := make([][]time.Duration, clients)
	var wg sync.WaitGroup
	b.ResetTimer()
	cpu0 := processCPU(b)
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rnd := rand.New(rand.NewPCG(uint64(c), 1))
			req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
			defer fasthttp.ReleaseRequest(req)
			defer fasthttp.ReleaseResponse(resp)
			mine := make([]time.Duration, 0, b.N/clients+1)
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N || failed.Load() != nil {
					break
				}
				req.Reset()
				req.SetRequestURI(path)
				prepare(i, rnd, req)
				req.Header.SetHost(addr)
				start := time.Now()
				err := hc.DoTimeout(req, resp, benchRequestTimeout)
				mine = append(mine, time.Since(start))
				if err != nil || resp.StatusCode() != want {
					msg := fmt.Sprintf("%s %s: err %v, status %d, body %.300s",
						req.Header.Method(), req.URI().RequestURI(), err, resp.StatusCode(), resp.Body())
					failed.CompareAndSwap(nil, &msg)
				}
			}
			lat[c] = mine
		}()
	}
	wg.Wait()
	b.StopTimer()
	cpu := processCPU(b) - cpu0
	if msg := failed.Load(); msg != nil {
		b.Fatal(*msg)
	}
	all := slices.Concat(lat...)
	slices.Sort(all)
	r := loadResult{rate: float64(b.N) / b.Elapsed().Seconds(), p99: percentile(all, 0.99),
		cpu: cpu / time.Duration(b.N)}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(r.rate, "req/s")
	b.ReportMetric(float64(r.p99.Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(r.cpu.Nanoseconds())/1000, "cpu-us/req")
	return r
}

// processCPU is the CPU time this process has used, user and system. Per
// request it is steadier than req/s on a machine other work shares: waiting
// for a core inflates latency, not CPU time. It includes the clients, which
// cost about the same for every benchmark.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// percentile is the p-th quantile of sorted latencies (nearest rank).
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p+0.999999) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// startFixedJSON serves the ceiling: a bare Fiber app whose one handler
// answers a fixed JSON object, on a loopback port until b ends.
func startFixedJSON(b *testing.B) string {
	b.Helper()
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	answer := map[string]any{"id": 1, "status": "open", "subject": "Question about tour cancellation"}
	app.Get("/fixed", func(c *fiber.Ctx) error { return c.JSON(answer) })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go app.Listener(ln)
	b.Cleanup(func() { _ = app.ShutdownWithTimeout(5 * time.Second) })
	return ln.Addr().String()
}

// hostOf is the host:port of a server URL.
func hostOf(b *testing.B, serverURL string) string {
	b.Helper()
	u, err := url.Parse(serverURL)
	if err != nil {
		b.Fatal(err)
	}
	return u.Host
}
