package main

// Process test of the server under pressure (issue 8, re-tested): clients
// from several addresses fill every connection with bodies sent at a byte
// every half second, and reconnect whenever they are let go. A client
// from another address is still served within seconds, because under
// pressure slow requests get PressureTimeout (5 s), not the body rate's
// minute of grace, and the log says when pressure starts.

import (
	"context"
	"fmt"

	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestPressureServesOthers(t *testing.T) {
	needLoopbackAliases(t)
	data := t.TempDir()
	s := startUnderUlimit(t, data, 256) // max_conns 96, 24 an address
	total, perIP := startLogInt(t, s, "max_conns"), startLogInt(t, s, "max_conns_per_ip")
	addresses := (total + perIP - 1) / perIP

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()
	// trickler holds one connection at a time from local, sending a
	// sign-in body a byte every 500 ms, and opens another when it is let go.
	trickler := func(local string) {
		defer wg.Done()
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
		for ctx.Err() == nil {
			c, err := d.DialContext(ctx, "tcp", s.Addr)
			if err != nil {
				time.Sleep(20 * time.Millisecond)
				continue
			}
			context.AfterFunc(ctx, func() { c.Close() })
			fmt.Fprintf(c, "POST /agent/login HTTP/1.1\r\nHost: helpdesk\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 16000\r\n\r\n")
			for ctx.Err() == nil {
				if _, err := c.Write([]byte("a")); err != nil {
					break
				}
				time.Sleep(500 * time.Millisecond)
			}
			c.Close()
		}
	}
	for a := range addresses {
		for range perIP {
			wg.Add(1)
			go trickler(fmt.Sprintf("127.0.0.%d", 2+a))
		}
	}
	waitLog(t, s, "connections above three quarters of the cap", 20*time.Second)

	start := time.Now()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.200")}, Timeout: time.Second}
	for {
		if time.Since(start) > 20*time.Second {
			t.Fatalf("a client from another address was not served for %v while the server was full of trickled bodies", time.Since(start))
		}
		c, err := d.Dial("tcp", s.Addr)
		if err == nil {
			status, err := healthzOn(c)
			c.Close()
			if err == nil && status == 200 {
				t.Logf("served after %v", time.Since(start).Round(time.Millisecond))
				break
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	cancel()
	wg.Wait()
	waitLog(t, s, "connections back below the pressure mark", 20*time.Second)
}

// waitLog waits until the server's log holds text.
func waitLog(t *testing.T, s *server, text string, within time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(within); !strings.Contains(s.Log.String(), text); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the log never said %q; log:\n%s", text, s.Log)
		}
	}
}
