package connlimit

import (
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"
)

// acceptOne dials l and returns both ends: the client's connection and
// the one Accept returned.
func acceptOne(t *testing.T, l *Listener) (client, server net.Conn) {
	t.Helper()
	got := make(chan net.Conn, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			got <- nil
			return
		}
		got <- c
	}()
	client, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	select {
	case server = <-got:
	case <-time.After(20 * time.Second):
		t.Fatal("Accept returned nothing within 20 s")
	}
	if server == nil {
		t.Fatal("Accept failed")
	}
	t.Cleanup(func() { server.Close() })
	return client, server
}

// closedByServer reports whether the server closed c (EOF or a reset),
// waiting up to two seconds.
func closedByServer(c net.Conn) bool {
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	defer c.SetReadDeadline(time.Time{})
	_, err := c.Read(make([]byte, 1))
	var ne net.Error
	return err != nil && !(errors.As(err, &ne) && ne.Timeout()) || errors.Is(err, io.EOF)
}

// At the total cap a new connection is admitted by closing the one idle
// the longest, never one in a request, and the log says so; with no idle
// connection it is refused as before.
func TestEvictIdle(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var logBuf syncBuffer
	l := New(ln, Limits{Total: 3}, slog.New(slog.NewTextHandler(&logBuf, nil)))
	defer l.Close()

	oldC, oldS := acceptOne(t, l)
	busyC, busyS := acceptOne(t, l)
	newC, newS := acceptOne(t, l)
	l.MarkIdle(oldS, true)
	time.Sleep(5 * time.Millisecond)
	l.MarkIdle(newS, true)
	l.MarkIdle(busyS, true)
	l.MarkIdle(busyS, false) // idle once, in a request now

	_, fourthS := acceptOne(t, l)
	if !closedByServer(oldC) {
		t.Fatal("the connection idle the longest was not closed to admit a fourth")
	}
	if closedByServer(busyC) || closedByServer(newC) {
		t.Fatal("a connection in a request, or idle for less time, was closed")
	}
	if got := strings.Count(logBuf.String(), "closing the connection idle the longest"); got != 1 {
		t.Fatalf("log %q; want one line about the idle connection closed", logBuf.String())
	}

	// newS is the only idle one left; once it is in a request too, a new
	// connection finds none to close and is refused.
	l.MarkIdle(newS, false)
	l.MarkIdle(fourthS, false)
	refused := make(chan net.Conn, 1)
	go func() {
		c, _ := l.Accept()
		refused <- c
	}()
	// The reset may come before the dial returns.
	if c, err := net.Dial("tcp", l.Addr().String()); err == nil {
		defer c.Close()
		if !closedByServer(c) {
			t.Fatal("a connection past the cap with none idle was not refused")
		}
	}
	if closedByServer(newC) || closedByServer(busyC) {
		t.Fatal("a connection in a request was closed to admit another")
	}
	l.Close()
	<-refused
	if !strings.Contains(logBuf.String(), "connection limit reached: refusing new connections") {
		t.Fatalf("log %q; want the refusal logged", logBuf.String())
	}
}

// A per-client cap above a quarter of a small total is lowered to that
// quarter, never below 16; none stays none.
func TestLimitsEffective(t *testing.T) {
	for _, tt := range []struct{ in, want Limits }{
		{Limits{Total: 96, PerClient: 256}, Limits{Total: 96, PerClient: 24}},
		{Limits{Total: 40, PerClient: 256}, Limits{Total: 40, PerClient: 16}},
		{Limits{Total: 10000, PerClient: 256}, Limits{Total: 10000, PerClient: 256}},
		{Limits{Total: 96, PerClient: 3}, Limits{Total: 96, PerClient: 3}},
		{Limits{Total: 96, PerClient: 0}, Limits{Total: 96, PerClient: 0}},
		{Limits{Total: 0, PerClient: 256}, Limits{Total: 0, PerClient: 256}},
	} {
		if got := tt.in.Effective(); got != tt.want {
			t.Errorf("%+v.Effective() = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}
