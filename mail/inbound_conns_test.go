package mail

import (
	"bufio"
	"errors"
	"log/slog"
	"net"
	"net/textproto"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kinconecta/helpdesk/internal/connlimit"
)

// greetingFrom connects to the reply listener from the loopback address
// local (any of 127.0.0.0/8 is this host on Linux) and returns the
// server's first line, "" when the server hung up instead.
func greetingFrom(t *testing.T, d *testDesk, local string) string {
	t.Helper()
	dialer := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
	c, err := dialer.Dial("tcp", d.svc.InboundAddr().String())
	if errors.Is(err, syscall.ECONNRESET) {
		return "" // refused so fast that the reset beat the handshake's end
	}
	if err != nil {
		t.Fatalf("dial from %s: %v", local, err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(30 * time.Second))
	line, err := textproto.NewReader(bufio.NewReader(c)).ReadLine()
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the server neither greeted %s nor hung up: %v", local, err)
	}
	return line
}

// TestInboundConnectionCaps: the reply listener accepts through
// connlimit, so one client address cannot hold more than its share of
// connections (the extra ones are closed at once, and the log says so),
// while another address is still served.
func TestInboundConnectionCaps(t *testing.T) {
	logs := &logBuffer{}
	d := newDesk(t)
	d.log = slog.New(slog.NewTextHandler(logs, nil))
	d.cfg.Inbound.Conns = connlimit.Limits{Total: 10, PerClient: 2}
	d.start(t)

	for i := range 2 {
		if got := greetingFrom(t, d, "127.0.0.1"); !strings.HasPrefix(got, "220 ") {
			t.Fatalf("connection %d within the cap was greeted %q, want 220", i+1, got)
		}
	}
	if got := greetingFrom(t, d, "127.0.0.1"); got != "" {
		t.Fatalf("a third connection from one address was greeted %q, want it closed", got)
	}
	// The listener accepts one connection at a time, so once this one is
	// greeted the refusal before it has been logged.
	if got := greetingFrom(t, d, "127.0.0.2"); !strings.HasPrefix(got, "220 ") {
		t.Fatalf("a connection from another address was greeted %q, want 220", got)
	}
	line := ""
	for _, l := range strings.Split(logs.String(), "\n") {
		if strings.Contains(l, "per-address connection limit reached") {
			line = l
		}
	}
	if !strings.Contains(line, "listener=smtp") || !strings.Contains(line, "client=127.0.0.1") {
		t.Fatalf("log %q: want a line saying the reply listener's per-address cap refused 127.0.0.1", logs.String())
	}
}
