// Package connlimit keeps a server's listener up whatever its clients do:
// it retries transient accept errors instead of failing, and refuses
// connections past a total cap (derived from the descriptor limit) and a
// per-client cap, logging when a limit bites. The HTTP server and the
// SMTP reply listener both accept through it.
package connlimit

import (
	"errors"
	"log/slog"
	"net"
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
	// limitLogEvery spaces the warnings about one kind of refusal.
	limitLogEvery = 10 * time.Second
)

// DescriptorLimit is how many connections may be open at once under
// the process's descriptor limit (which the Go runtime has already raised
// from the soft to the hard limit): the limit less fixedDescriptors, less a
// quarter of the rest for the files requests hold open (an upload's
// temporary file, a download, a reply's attachments), so that the cap
// refuses a connection before any open(2) or accept(2) fails.
func DescriptorLimit() int {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil || rl.Cur > 1<<30 {
		return maxConnsCeiling
	}
	rest := int(rl.Cur) - fixedDescriptors
	return min(max(rest-rest/4, minConns), maxConnsCeiling)
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
type Listener struct {
	net.Listener
	limits Limits

	closed    chan struct{}
	closeOnce sync.Once

	mu       sync.Mutex
	conns    map[*conn]struct{}
	byClient map[string]int

	acceptFailed, totalRefused, clientRefused *rateLimitedLog
}

// New wraps ln; log receives the rate-limited warnings.
func New(ln net.Listener, limits Limits, log *slog.Logger) *Listener {
	return &Listener{Listener: ln, limits: limits, closed: make(chan struct{}),
		conns: map[*conn]struct{}{}, byClient: map[string]int{},
		acceptFailed: &rateLimitedLog{log: log, countKey: "failures",
			msg: "accepting connections failed; retrying"},
		totalRefused: &rateLimitedLog{log: log, countKey: "refused",
			msg: "connection limit reached: refusing new connections"},
		clientRefused: &rateLimitedLog{log: log, countKey: "refused",
			msg: "per-address connection limit reached: refusing the address's new connections"},
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
		if tc := l.admit(c); tc != nil {
			return tc, nil
		}
	}
}

// admit tracks c, or closes it if a limit is reached.
func (l *Listener) admit(c net.Conn) *conn {
	client := clientOf(c.RemoteAddr())
	l.mu.Lock()
	open, fromClient := len(l.conns), l.byClient[client]
	switch {
	case l.limits.Total > 0 && open >= l.limits.Total:
	case l.limits.PerClient > 0 && fromClient >= l.limits.PerClient:
	default:
		tc := &conn{Conn: c, l: l, client: client}
		l.conns[tc] = struct{}{}
		l.byClient[client]++
		l.mu.Unlock()
		return tc
	}
	l.mu.Unlock()

	// A reset rather than a FIN: the client learns at once, and no
	// TIME_WAIT state piles up here during a flood.
	if tcp, ok := c.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	c.Close()
	if l.limits.Total > 0 && open >= l.limits.Total {
		l.totalRefused.note("open", open, "limit", l.limits.Total)
	} else {
		l.clientRefused.note("client", client, "limit", l.limits.PerClient)
	}
	return nil
}

// Close stops Accept, also while it waits to retry, and logs the
// refusals not yet logged.
func (l *Listener) Close() error {
	l.closeOnce.Do(func() {
		close(l.closed)
		l.acceptFailed.flush()
		l.totalRefused.flush()
		l.clientRefused.flush()
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
	ip := ta.AddrPort().Addr().Unmap()
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

// conn is an accepted connection that knows whether it was used.
type conn struct {
	net.Conn
	l      *Listener
	client string
	used   atomic.Bool
	once   sync.Once
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
	c.once.Do(func() {
		c.l.mu.Lock()
		delete(c.l.conns, c)
		if c.l.byClient[c.client]--; c.l.byClient[c.client] <= 0 {
			delete(c.l.byClient, c.client)
		}
		c.l.mu.Unlock()
	})
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
