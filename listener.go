package main

import (
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// connTracker remembers accepted connections that have not sent a byte yet.
// fasthttp counts such a connection as active from the moment it is
// accepted, so a client's unused pooled connection (browsers' preconnects,
// proxies' pools, Go's http.Transport) would hold up a graceful shutdown
// until its deadline; closing those at shutdown loses no request.
type connTracker struct {
	net.Listener
	mu    sync.Mutex
	conns map[*trackedConn]struct{}
}

func newConnTracker(ln net.Listener) *connTracker {
	return &connTracker{Listener: ln, conns: map[*trackedConn]struct{}{}}
}

// Accept wraps each connection to note its first byte.
func (l *connTracker) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	tc := &trackedConn{Conn: c, l: l}
	l.mu.Lock()
	l.conns[tc] = struct{}{}
	l.mu.Unlock()
	return tc, nil
}

// closeUnusedUntil closes never-used connections now and every 100 ms
// until the returned stop is called.
func (l *connTracker) closeUnusedUntil() (stop func()) {
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

func (l *connTracker) closeUnused() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for c := range l.conns {
		if !c.used.Load() {
			c.Conn.Close()
		}
	}
}

// trackedConn is an accepted connection that knows whether it was used.
type trackedConn struct {
	net.Conn
	l    *connTracker
	used atomic.Bool
	once sync.Once
}

func (c *trackedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.used.Store(true)
	}
	return n, err
}

func (c *trackedConn) Close() error {
	c.once.Do(func() {
		c.l.mu.Lock()
		delete(c.l.conns, c)
		c.l.mu.Unlock()
	})
	return c.Conn.Close()
}
