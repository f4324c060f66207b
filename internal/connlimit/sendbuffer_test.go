package connlimit

import (
	"io"
	"log/slog"
	"net"
	"syscall"
	"testing"
)

// Every accepted connection's kernel send buffer is bounded, so clients
// that read nothing cannot push the kernel's socket memory into pressure,
// where every connection's writes stall.
func TestSendBufferBounded(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := New(ln, Limits{Total: 10}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	defer l.Close()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	c, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	raw, err := c.(*conn).Conn.(*net.TCPConn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var size int
	var serr error
	if err := raw.Control(func(fd uintptr) {
		size, serr = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_SNDBUF)
	}); err != nil || serr != nil {
		t.Fatal(err, serr)
	}
	// Linux reports twice what was set (its bookkeeping). A size set by
	// hand also turns autotuning off, which would otherwise grow the
	// buffer from tcp_wmem's default (16 KiB) to its maximum (4 MiB).
	if size < SendBuffer || size > 2*SendBuffer {
		t.Errorf("SO_SNDBUF = %d, want %d set by hand (reported as up to twice that)", size, SendBuffer)
	}
}
