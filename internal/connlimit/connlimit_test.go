package connlimit

import (
	"bytes"
	"errors"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// failingListener fails its first fails accepts with err, as accept(2)
// does when the process is out of descriptors.
type failingListener struct {
	net.Listener
	fails atomic.Int32
	err   error
}

func (l *failingListener) Accept() (net.Conn, error) {
	if l.fails.Add(-1) >= 0 {
		return nil, l.err
	}
	return l.Listener.Accept()
}

// TestConnTrackerAcceptErrors drives the listener wrapper over a real
// socket whose accept fails: EMFILE is retried (and logged once, with the
// count) until a connection comes; Close ends a wait to retry at once; and
// an error that is not transient is returned.
func TestConnTrackerAcceptErrors(t *testing.T) {
	emfile := &net.OpError{Op: "accept", Net: "tcp", Err: os.NewSyscallError("accept4", syscall.EMFILE)}
	newTracker := func(t *testing.T, fails int32, err error) (*Listener, *syncBuffer) {
		ln, lerr := net.Listen("tcp", "127.0.0.1:0")
		if lerr != nil {
			t.Fatal(lerr)
		}
		fl := &failingListener{Listener: ln, err: err}
		fl.fails.Store(fails)
		var logBuf syncBuffer
		l := New(fl, Limits{}, slog.New(slog.NewTextHandler(&logBuf, nil)))
		t.Cleanup(func() { l.Close() })
		return l, &logBuf
	}
	accept := func(l *Listener) <-chan error {
		done := make(chan error, 1)
		go func() {
			c, err := l.Accept()
			if c != nil {
				c.Close()
			}
			done <- err
		}()
		return done
	}

	t.Run("RetriesEMFILE", func(t *testing.T) {
		l, logBuf := newTracker(t, 4, emfile)
		done := accept(l)
		c, err := net.Dial("tcp", l.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("Accept returned %v; want the connection after the EMFILE errors", err)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("Accept did not return the connection within 20 s")
		}
		log := logBuf.String()
		if got := strings.Count(log, "accepting connections failed"); got != 1 || !strings.Contains(log, "too many open files") || !strings.Contains(log, "failures=1") {
			t.Fatalf("log %q; want one line about the failing accept naming its cause", log)
		}
	})

	t.Run("CloseWhileWaiting", func(t *testing.T) {
		l, _ := newTracker(t, 1<<30, emfile)
		done := accept(l)
		time.Sleep(50 * time.Millisecond)
		l.Close()
		select {
		case err := <-done:
			if !errors.Is(err, net.ErrClosed) {
				t.Fatalf("Accept after Close returned %v, want net.ErrClosed", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Accept kept retrying after Close")
		}
	})

	t.Run("PermanentError", func(t *testing.T) {
		ebadf := &net.OpError{Op: "accept", Net: "tcp", Err: os.NewSyscallError("accept4", syscall.EBADF)}
		l, _ := newTracker(t, 1, ebadf)
		select {
		case err := <-accept(l):
			if !errors.Is(err, syscall.EBADF) {
				t.Fatalf("Accept returned %v, want the EBADF it got", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Accept retried an error that is not transient")
		}
	})
}

// TestClientOf checks which connections count against one client: an
// IPv4 address alone, an IPv4-mapped IPv6 address as its IPv4 address, and
// IPv6 addresses by their /64.
func TestClientOf(t *testing.T) {
	tests := []struct {
		name, ip, want string
	}{
		{"IPv4", "192.0.2.7", "192.0.2.7"},
		{"IPv4Mapped", "::ffff:192.0.2.7", "192.0.2.7"},
		{"IPv6", "2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"},
		{"IPv6SameSlash64", "2001:db8:1:2:ffff::9", "2001:db8:1:2::/64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := clientOf(&net.TCPAddr{IP: net.ParseIP(tt.ip), Port: 4242}); got != tt.want {
				t.Fatalf("clientOf(%s) = %q, want %q", tt.ip, got, tt.want)
			}
		})
	}
}

// syncBuffer is a log sink safe for the listener's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
