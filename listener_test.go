package main

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// launchCmd starts cmd, a `helpdesk serve` however wrapped, as a server the
// harness can wait on and stop; url is where it is expected to answer. The
// process is killed at cleanup if it is still running.
func launchCmd(t testing.TB, cmd *exec.Cmd, data, url string) *server {
	t.Helper()
	s := &server{t: t, Data: data, URL: url, Addr: strings.TrimPrefix(url, "http://"), Log: &syncBuffer{}, done: make(chan struct{}), cmd: cmd}
	cmd.Stdout, cmd.Stderr = s.Log, s.Log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = cmd.Wait()
		s.state = cmd.ProcessState
		close(s.done)
	}()
	t.Cleanup(func() {
		select {
		case <-s.done:
		default:
			_ = cmd.Process.Kill()
			<-s.done
		}
	})
	return s
}

// exited reports whether the process has ended.
func (s *server) exited() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// dialFrom opens a TCP connection to addr from the loopback address local
// (127.0.0.2, 127.0.0.3, …: all of 127/8 is the loopback interface), so
// that one test can be several clients.
func dialFrom(local, addr string) (net.Conn, error) {
	d := net.Dialer{Timeout: 5 * time.Second, LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
	return d.Dial("tcp", addr)
}

// needLoopbackAliases skips the test where 127.0.0.2 is not a local
// address (Linux routes all of 127/8 to loopback; macOS only 127.0.0.1).
func needLoopbackAliases(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("these tests stand for several clients with 127.0.0.2, 127.0.0.3, …, which this system does not route to loopback: %v", err)
	}
	ln.Close()
}

// healthzOn sends GET /healthz on c and reads the answer's status; an error
// means the server closed the connection (or never answered in time).
func healthzOn(c net.Conn) (int, error) {
	c.SetDeadline(time.Now().Add(10 * time.Second))
	defer c.SetDeadline(time.Time{})
	if _, err := fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: helpdesk\r\n\r\n"); err != nil {
		return 0, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// waitHealthy polls /healthz from a fresh connection each time until it
// answers 200, failing the test if the server exits or 20 s pass.
func waitHealthy(t *testing.T, s *server, local string) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if s.exited() {
			t.Fatalf("the server exited (%v); log:\n%s", s.state, s.Log)
		}
		if c, err := dialFrom(local, s.Addr); err == nil {
			status, err := healthzOn(c)
			c.Close()
			if err == nil && status == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz from %s never answered 200; log:\n%s", local, s.Log)
		}
	}
}

// TestConnLimitsDescriptorExhaustion runs the server under a descriptor
// limit of 256 and holds 400 idle connections to it from four client
// addresses, 100 each (below the per-address cap, so only the total cap
// can save it). Without a cap, accept fails with EMFILE and fasthttp ends
// the process. The server must stay up, log that the connection limit bit,
// and answer again once the connections are gone.
func TestConnLimitsDescriptorExhaustion(t *testing.T) {
	needLoopbackAliases(t)
	const (
		limit     = 256
		clients   = 4
		perClient = 100
	)
	data := t.TempDir()
	addr := freeAddr(t)
	cmd := exec.Command("/bin/sh", "-c", fmt.Sprintf(`ulimit -n %d && exec "$0" "$@"`, limit),
		helpdeskBinary(t), "serve", "--data", data, "--addr", addr, "--base-url", "http://"+addr)
	cmd.Env = childEnv()
	s := launchCmd(t, cmd, data, "http://"+addr)
	s.waitReady()

	var held []net.Conn
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	refusedEarly := 0 // reset before the dial returned, as a refusal may be
	for i := range clients * perClient {
		c, err := dialFrom(fmt.Sprintf("127.0.0.%d", 2+i%clients), s.Addr)
		switch {
		case errors.Is(err, syscall.ECONNRESET):
			refusedEarly++
		case err != nil && s.exited():
			t.Fatalf("the server exited (%v) under %d idle connections with %d descriptors; log:\n%s", s.state, len(held), limit, s.Log)
		case err != nil:
			t.Fatalf("connection %d: %v", i, err)
		default:
			held = append(held, c)
		}
	}
	t.Logf("%d connections held, %d reset while connecting", len(held), refusedEarly)

	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(s.Log.String(), "connection limit reached: refusing new connections"); time.Sleep(20 * time.Millisecond) {
		if s.exited() {
			t.Fatalf("the server exited (%v) under %d idle connections with %d descriptors; log:\n%s", s.state, len(held), limit, s.Log)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d idle connections with %d descriptors, and no log line says a connection limit bit; log:\n%s", len(held), limit, s.Log)
		}
	}
	for _, c := range held {
		c.Close()
	}
	held = nil
	waitHealthy(t, s, "127.0.0.1")
	if log := s.Log.String(); strings.Contains(log, "accepting connections failed") {
		t.Errorf("accept failed although the cap should have refused connections first:\n%s", log)
	}
	s.stop()
}

// TestConnLimitsPerClient caps connections per client address at 3 (from
// the environment): a fourth connection from one address is closed without
// an answer while another address is served, the address gets its place
// back when one of its connections ends, and the log names the address.
// 0 turns the cap off (and the flag beats the environment).
func TestConnLimitsPerClient(t *testing.T) {
	needLoopbackAliases(t)
	env := []string{"HELPDESK_MAX_CONNS_PER_IP=3"}

	t.Run("Capped", func(t *testing.T) {
		s := startServer(t, t.TempDir(), env)
		var held []net.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for i := range 3 {
			c, err := dialFrom("127.0.0.2", s.Addr)
			if err != nil {
				t.Fatal(err)
			}
			held = append(held, c)
			if status, err := healthzOn(c); err != nil || status != http.StatusOK {
				t.Fatalf("connection %d of 3 from one address: %d %v, want 200; log:\n%s", i+1, status, err, s.Log)
			}
		}

		status, err := 0, error(nil)
		c, err := dialFrom("127.0.0.2", s.Addr)
		if err == nil {
			status, err = healthzOn(c)
			c.Close()
		}
		var ne net.Error
		switch {
		case err == nil:
			t.Fatalf("a 4th connection from one address answered %d; want it closed at once (limit 3)", status)
		case errors.As(err, &ne) && ne.Timeout():
			t.Fatalf("a 4th connection from one address was left hanging, not closed: %v", err)
		}

		other, err := dialFrom("127.0.0.3", s.Addr)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		if status, err := healthzOn(other); err != nil || status != http.StatusOK {
			t.Fatalf("another address, while the first is at its limit: %d %v, want 200", status, err)
		}

		held[0].Close()
		waitHealthy(t, s, "127.0.0.2")

		log := s.Log.String()
		if !strings.Contains(log, "per-address connection limit reached") || !strings.Contains(log, "client=127.0.0.2") {
			t.Fatalf("the log does not say the per-address limit bit for 127.0.0.2:\n%s", log)
		}
		for _, c := range held {
			c.Close()
		}
		other.Close()
		s.stop()
	})

	t.Run("Off", func(t *testing.T) {
		s := startServer(t, t.TempDir(), env, "--max-conns-per-ip", "0")
		var held []net.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for i := range 10 {
			c, err := dialFrom("127.0.0.2", s.Addr)
			if err != nil {
				t.Fatal(err)
			}
			held = append(held, c)
			if status, err := healthzOn(c); err != nil || status != http.StatusOK {
				t.Fatalf("connection %d from one address with the limit off: %d %v, want 200; log:\n%s", i+1, status, err, s.Log)
			}
		}
		for _, c := range held {
			c.Close()
		}
		s.stop()
	})
}

// TestConnLimitsUsageErrors refuses a negative or non-numeric cap, from the
// flag and from the environment, with exit status 2 and one line.
func TestConnLimitsUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		env  []string
		args []string
	}{
		{"FlagNegative", nil, []string{"serve", "--max-conns-per-ip", "-1"}},
		{"EnvNotANumber", []string{"HELPDESK_MAX_CONNS_PER_IP=many"}, []string{"serve"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := append([]string{"HELPDESK_DATA=" + t.TempDir(), "HELPDESK_ADDR=127.0.0.1:0"}, tt.env...)
			r := runCLI(t, env, "", tt.args...)
			if r.Code != 2 || strings.Count(r.Stderr, "\n") != 1 || !strings.Contains(r.Stderr, "MAX_CONNS_PER_IP") && !strings.Contains(r.Stderr, "max-conns-per-ip") {
				t.Fatalf("exit %d, stderr %q; want 2 and one line naming the setting", r.Code, r.Stderr)
			}
		})
	}
}

// TestConnLimitsAcceptFailsTransiently makes accept(2) itself fail in the
// real process: under a descriptor limit of 24 the caps keep their floor
// of 16 connections, more than the descriptors the process has left
// beside its own (about 16 at rest), so idle HTTP connections use up
// every descriptor while another client arrives. fasthttp alone ends the
// process on that EMFILE; the server must log it, keep retrying, and
// answer the waiting client once the idle connections are gone.
func TestConnLimitsAcceptFailsTransiently(t *testing.T) {
	needLoopbackAliases(t)
	data := t.TempDir()
	addr := freeAddr(t)
	cmd := exec.Command("/bin/sh", "-c", `ulimit -n 24 && exec "$0" "$@"`,
		helpdeskBinary(t), "serve", "--data", data, "--addr", addr, "--base-url", "http://"+addr, "--max-conns-per-ip", "0")
	cmd.Env = childEnv()
	s := launchCmd(t, cmd, data, "http://"+addr)
	s.waitReady()

	var held []net.Conn
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	for i := range 16 {
		c, err := dialFrom(fmt.Sprintf("127.0.0.%d", 2+i%4), addr)
		if err != nil {
			t.Fatalf("connection %d: %v; log:\n%s", i, err, s.Log)
		}
		held = append(held, c)
	}
	// Accepted by the kernel, waiting for the server's accept.
	waiting, err := dialFrom("127.0.0.6", s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer waiting.Close()
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(s.Log.String(), "accepting connections failed"); time.Sleep(20 * time.Millisecond) {
		if s.exited() {
			t.Fatalf("the server exited (%v) when accept ran out of descriptors; log:\n%s", s.state, s.Log)
		}
		if time.Now().After(deadline) {
			t.Fatalf("16 idle connections did not use up the descriptors under ulimit -n 24; log:\n%s", s.Log)
		}
	}
	if s.exited() {
		t.Fatalf("the server exited (%v) when accept ran out of descriptors; log:\n%s", s.state, s.Log)
	}
	for _, c := range held {
		c.Close()
	}
	held = nil
	if status, err := healthzOn(waiting); err != nil || status != http.StatusOK {
		t.Fatalf("the client that arrived while descriptors ran out: %d %v, want 200; log:\n%s", status, err, s.Log)
	}
	waiting.Close()
	s.stop()
}
