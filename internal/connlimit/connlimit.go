// Package connlimit keeps a server's listener up whatever its clients do:
// it retries transient accept errors instead of failing, and refuses
// connections past a total cap (derived from the descriptor limit) and a
// per-client cap, closing an idle kept-alive connection rather than
// refusing a new client when the total is reached, and logging when a
// limit bites. The HTTP server and the SMTP reply listener both accept
// through it.
package connlimit

import (
	"errors"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Limits bounds the connections a listener holds at once.
type Limits struct {
	Total     int // all clients together; 0 for none
	PerClient int // one client address (an IPv6 /64); 0 for none
}

// Effective is l as a listener applies it: under a small total cap (a
// tight descriptor limit) a per-client cap above a quarter of the total
// is lowered to that quarter, but never below minPerClient. Closing idle
// connections frees no place that a client's connections busy in requests
// (slow downloads) hold, so without this one address could hold them
// all. No per-client cap (0, for a proxy in front, where every client
// shows one address) stays none.
func (l Limits) Effective() Limits {
	if l.Total > 0 && l.PerClient > 0 {
		l.PerClient = min(l.PerClient, max(l.Total/4, minPerClient))
	}
	return l
}

const (
	// fixedDescriptors is what the process holds besides connections and
	// request files: stdio, listeners, the lock file, the database (a
	// writer and up to eight readers, each with the database and its WAL,
	// and the shared -shm), the mail worker's and the reply listener's
	// sockets, the runtime's poller and its margin.
	fixedDescriptors = 64
	// maxConnsCeiling bounds the derived total when the descriptor limit is
	// huge (systemd and Docker give 524288 or more): every held connection
	// costs a goroutine and buffers (measured: 8,000 idle connections took
	// 68 MB, 17 KiB more each once it had sent a request), a helpdesk has
	// no use for more than this many at once, and past it memory, not
	// descriptors, would end the process.
	maxConnsCeiling = 10000
	// minConns keeps a server under an absurdly low descriptor limit usable.
	minConns = 16
	// minPerClient is the least a per-client cap is lowered to (Effective):
	// a few browsers behind one NAT open six connections each.
	minPerClient = 16
	// limitLogEvery spaces the warnings about one kind of refusal.
	limitLogEvery = 10 * time.Second
)

// DescriptorLimit is how many connections may be open at once under
// the process's descriptor limit (which the Go runtime has already raised
// from the soft to the hard limit): the limit less fixedDescriptors,
// halved, because every connection may hold one file open besides its
// socket for as long as it lasts (a download being sent to a slow client,
// an upload's temporary file, a reply's attachment being stored; a
// request opens one at a time). So the cap refuses a connection before
// any open(2) or accept(2) can fail, however many of them hold a file.
// Every listener of the process shares it: the web server's cap and the
// reply listener's add up to it.
func DescriptorLimit() int {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil || rl.Cur > 1<<30 {
		return maxConnsCeiling
	}
	rest := int(rl.Cur) - fixedDescriptors
	return min(max(rest/2, minConns), maxConnsCeiling)
}

// Listener wraps a server's listener (the HTTP server's, the SMTP
// listener's). It keeps the server up whatever clients do, and remembers
// connections that have not sent a byte yet.
//
// fasthttp (v1.51) ends Serve, and with it the process, on any accept
// error that is not a timeout, such as EMFILE when idle connections have
// used every descriptor. So Accept retries transient errors itself, backing
// off like net/http, and refuses (closes at once) connections past the
// total or the per-client cap, so that one client cannot hold them all and
// all of them cannot exhaust the descriptors.
//
// fasthttp also counts a connection as active from the moment it is
// accepted, so a client's unused pooled connection (browsers' preconnects,
// proxies' pools, Go's http.Transport) would hold up a graceful shutdown
// until its deadline; closing those at shutdown loses no request.
//
// Kept-alive connections waiting for their next request cost the server
// nothing but their place under the cap, and a client that sends one
// request a minute on each of them could hold every place for good. So
// when the total cap is reached, the connection idle the longest (told by
// MarkIdle) is closed to admit the new one, as HTTP lets a server close
// an idle connection at any time; connections in a request are never
// closed.
type Listener struct {
	net.Listener
	limits Limits

	closed    chan struct{}
	closeOnce sync.Once

	mu       sync.Mutex
	conns    map[*conn]struct{}
	byClient map[string]int

	acceptFailed, totalRefused, clientRefused, idleClosed *rateLimitedLog

	log             *slog.Logger
	pressureTimeout time.Duration
	pressed         atomic.Bool // see Pressed
}

// New wraps ln, applying limits.Effective(); log receives the
// rate-limited warnings.
func New(ln net.Listener, limits Limits, log *slog.Logger) *Listener {
	return &Listener{Listener: ln, limits: limits.Effective(), closed: make(chan struct{}), log: log,
		conns: map[*conn]struct{}{}, byClient: map[string]int{},
		acceptFailed: &rateLimitedLog{log: log, countKey: "failures",
			msg: "accepting connections failed; retrying"},
		totalRefused: &rateLimitedLog{log: log, countKey: "refused",
			msg: "connection limit reached: refusing new connections"},
		clientRefused: &rateLimitedLog{log: log, countKey: "refused",
			msg: "per-address connection limit reached: refusing the address's new connections"},
		idleClosed: &rateLimitedLog{log: log, countKey: "closed",
			msg: "connection limit reached: closing the connection idle the longest to admit a new one"},
	}
}

// Limits are the caps the listener applies (New's, made Effective).
func (l *Listener) Limits() Limits { return l.limits }

// MarkIdle records whether c, a connection Accept returned, waits idle
// between two requests (true) or is in one (false). The HTTP server's
// connection-state hook calls it; a connection never marked is never
// closed to make room.
func (l *Listener) MarkIdle(c net.Conn, idle bool) {
	tc, ok := c.(*conn)
	if !ok || tc.l != l {
		return
	}
	if idle {
		tc.idleSince.Store(time.Now().UnixNano())
	} else {
		tc.idleSince.Store(0)
	}
}

// Accept returns the next connection within the limits. It returns an
// error only once the listener is closed or broken for good.
func (l *Listener) Accept() (net.Conn, error) {
	var delay time.Duration
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			if !transientAcceptError(err) {
				return nil, err
			}
			delay = min(max(2*delay, 5*time.Millisecond), time.Second)
			l.acceptFailed.note("err", err, "retry_in", delay)
			select {
			case <-time.After(delay):
				continue
			case <-l.closed:
				return nil, net.ErrClosed
			}
		}
		delay = 0
		capSendBuffer(c)
		if tc := l.admit(c); tc != nil {
			return tc, nil
		}
	}
}

// admit tracks c, or closes it if a limit is reached. At the total cap it
// closes the connection idle the longest instead, if there is one and c's
// client is within its own cap.
func (l *Listener) admit(c net.Conn) *conn {
	client := clientOf(c.RemoteAddr())
	l.mu.Lock()
	open, fromClient := len(l.conns), l.byClient[client]
	totalFull := l.limits.Total > 0 && open >= l.limits.Total
	clientFull := l.limits.PerClient > 0 && fromClient >= l.limits.PerClient
	var idle *conn
	var idleFor time.Duration
	if totalFull && !clientFull {
		if idle, idleFor = l.takeLongestIdleLocked(); idle != nil {
			totalFull = false
		}
	}
	if !totalFull && !clientFull {
		tc := &conn{Conn: c, l: l, client: client}
		l.conns[tc] = struct{}{}
		l.byClient[client]++
		l.notePressureLocked()
		l.mu.Unlock()
		if idle != nil {
			// A plain close: to the client it is a kept-alive connection
			// the server let go, which HTTP clients expect at any time.
			idle.Conn.Close()
			l.idleClosed.note("idle_for", idleFor.Round(time.Millisecond), "client", idle.client, "limit", l.limits.Total)
		}
		return tc
	}
	l.mu.Unlock()

	// A reset rather than a FIN: the client learns at once, and no
	// TIME_WAIT state piles up here during a flood.
	if tcp, ok := c.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	c.Close()
	if totalFull {
		l.totalRefused.note("open", open, "limit", l.limits.Total)
	} else {
		l.clientRefused.note("client", client, "limit", l.limits.PerClient)
	}
	return nil
}

// takeLongestIdleLocked stops tracking the connection idle the longest and
// returns it, with how long it has been idle, or nil when none is idle.
// The caller closes it. A connection that turns active meanwhile is passed
// over: the compare-and-swap claims only one still idle since the scan.
func (l *Listener) takeLongestIdleLocked() (*conn, time.Duration) {
	for {
		var oldest *conn
		var since int64
		for c := range l.conns {
			if t := c.idleSince.Load(); t > 0 && (oldest == nil || t < since) {
				oldest, since = c, t
			}
		}
		if oldest == nil {
			return nil, 0
		}
		if oldest.idleSince.CompareAndSwap(since, 0) {
			l.forgetLocked(oldest)
			return oldest, time.Since(time.Unix(0, since))
		}
	}
}

// forgetLocked frees c's places under the limits, once.
func (l *Listener) forgetLocked(c *conn) {
	if _, ok := l.conns[c]; !ok {
		return
	}
	delete(l.conns, c)
	if l.byClient[c.client]--; l.byClient[c.client] <= 0 {
		delete(l.byClient, c.client)
	}
	l.notePressureLocked()
}

// Close stops Accept, also while it waits to retry, and logs the
// refusals not yet logged.
func (l *Listener) Close() error {
	l.closeOnce.Do(func() {
		close(l.closed)
		l.acceptFailed.flush()
		l.totalRefused.flush()
		l.clientRefused.flush()
		l.idleClosed.flush()
	})
	return l.Listener.Close()
}

// transientAcceptError reports whether accept may succeed if tried again:
// the process or system is out of descriptors or memory for a moment, or
// the failure belongs to the one connection being accepted (Linux passes a
// new connection's pending network errors to accept(2), which its manual
// says to treat like EAGAIN).
func transientAcceptError(err error) bool {
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		return true
	}
	for _, errno := range []syscall.Errno{
		syscall.EMFILE, syscall.ENFILE, syscall.ENOBUFS, syscall.ENOMEM,
		syscall.ECONNABORTED, syscall.ECONNRESET, syscall.EINTR, syscall.EAGAIN,
		syscall.EPERM, // a firewall rule refused the connection
		syscall.EPROTO, syscall.ENOPROTOOPT, syscall.EOPNOTSUPP, syscall.ETIMEDOUT,
		syscall.ENETDOWN, syscall.ENETUNREACH, syscall.EHOSTDOWN, syscall.EHOSTUNREACH,
	} {
		if errors.Is(err, errno) {
			return true
		}
	}
	return false
}

// clientOf names the client a connection counts against: its IPv4
// address, or the /64 of its IPv6 address, since one IPv6 host commonly
// holds a whole /64 and could otherwise use a fresh address per
// connection.
func clientOf(a net.Addr) string {
	ta, ok := a.(*net.TCPAddr)
	if !ok {
		return a.String()
	}
	return Client(ta.AddrPort().Addr())
}

// Client names the client an address belongs to, as the connection caps
// count it: an IPv4 address itself, an IPv6 address's /64. Anything else
// that keys on "who is this" (the sign-in throttles, the rate limits)
// uses it too, so that one IPv6 host cannot get a fresh allowance per
// address of its /64.
func Client(ip netip.Addr) string {
	ip = ip.Unmap()
	if ip.Is4() {
		return ip.String()
	}
	p, err := ip.WithZone("").Prefix(64)
	if err != nil {
		return ip.String()
	}
	return p.String()
}

// CloseUnusedUntil closes never-used connections now and every 100 ms
// until the returned stop is called.
func (l *Listener) CloseUnusedUntil() (stop func()) {
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			l.closeUnused()
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done) }
}

func (l *Listener) closeUnused() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for c := range l.conns {
		if !c.used.Load() {
			c.Conn.Close()
		}
	}
}

// conn is an accepted connection that knows whether it was used and, when
// it waits between requests, since when.
type conn struct {
	net.Conn
	l      *Listener
	client string
	used   atomic.Bool
	// idleSince is when it last turned idle (Unix nanoseconds), 0 while in
	// a request or never marked.
	idleSince atomic.Int64
}

func (c *conn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.used.Store(true)
	}
	return n, err
}

// Close frees the connection's places under the limits.
func (c *conn) Close() error {
	c.l.mu.Lock()
	c.l.forgetLocked(c)
	c.l.mu.Unlock()
	return c.Conn.Close()
}

// rateLimitedLog writes one warning of a kind per limitLogEvery, so a
// flood costs a line every ten seconds, and the line counts the events it
// stands for. Events after a line are counted into the next, written when
// the interval ends, so the log tells how big a flood was.
type rateLimitedLog struct {
	log      *slog.Logger
	msg      string
	countKey string // the attribute that holds the count

	mu      sync.Mutex
	next    time.Time // no line before this
	pending int       // events not yet in a line
	attrs   []any     // of the latest event
	timer   *time.Timer
}

// note records an event with its attributes.
func (r *rateLimitedLog) note(attrs ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pending++
	r.attrs = attrs
	now := time.Now()
	if now.Before(r.next) {
		if r.timer == nil {
			r.timer = time.AfterFunc(r.next.Sub(now), r.flush)
		}
		return
	}
	r.writeLocked(now)
}

// flush writes the events not yet in a line.
func (r *rateLimitedLog) flush() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.timer != nil {
		r.timer.Stop()
		r.timer = nil
	}
	if r.pending > 0 {
		r.writeLocked(time.Now())
	}
}

func (r *rateLimitedLog) writeLocked(now time.Time) {
	r.log.Warn(r.msg, append(r.attrs, r.countKey, r.pending)...)
	r.pending, r.next = 0, now.Add(limitLogEvery)
}
