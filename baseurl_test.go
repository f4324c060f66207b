package main

import (
	"encoding/json"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

func TestBaseURLFor(t *testing.T) {
	for addr, want := range map[string]string{
		":9090":          "http://localhost:9090",
		"0.0.0.0:9090":   "http://localhost:9090",
		"[::]:9090":      "http://localhost:9090",
		"127.0.0.1:9090": "http://127.0.0.1:9090",
		"[::1]:9090":     "http://[::1]:9090",
		"help.lan:80":    "http://help.lan:80",
	} {
		if got := baseURLFor(addr); got != want {
			t.Errorf("baseURLFor(%q) = %q, want %q", addr, got, want)
		}
	}
}

func TestBaseURLMismatch(t *testing.T) {
	listen := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 9090}
	for base, warn := range map[string]bool{
		"http://localhost:9090":       false,
		"http://127.0.0.1:9090/":      false,
		"http://localhost:8080":       true,
		"http://127.0.0.2:8080":       true,
		"http://localhost":            true,
		"https://help.kinconecta.com": false, // a proxy may forward it here
	} {
		if got := baseURLMismatch(base, listen) != ""; got != warn {
			t.Errorf("baseURLMismatch(%q): warns %v, want %v", base, got, warn)
		}
	}
}

// With only --addr changed, links point at the address the server listens
// on (issue 9: they pointed at localhost:8080); a base URL naming this
// machine on another port is warned about in the log.
func TestStartupLinksFollowAddr(t *testing.T) {
	t.Run("AddrOnly", func(t *testing.T) {
		data := t.TempDir()
		addr := freeAddr(t)
		s := launch(t, nil, "http://"+addr, "--data", data, "--addr", addr)
		s.waitReady()
		body, _ := json.Marshal(ticketFields("Links"))
		r := mustSend(t, newClient(t), "POST", s.URL+"/api/support-tickets", "application/json", "", strings.NewReader(string(body)))
		var created struct {
			TrackingURL string `json:"trackingUrl"`
		}
		if err := json.Unmarshal(r.Body, &created); err != nil || r.Status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		if !strings.HasPrefix(created.TrackingURL, "http://"+addr+"/track/hdt_") {
			t.Errorf("trackingUrl %q, want it on http://%s", created.TrackingURL, addr)
		}
		if strings.Contains(s.Log.String(), "names this machine on another port") {
			t.Errorf("warned about a base URL it derived itself:\n%s", s.Log)
		}
		s.stop()
	})
	t.Run("WarnsOnMismatch", func(t *testing.T) {
		data := t.TempDir()
		addr := freeAddr(t)
		s := launch(t, nil, "http://"+addr, "--data", data, "--addr", addr, "--base-url", "http://localhost:1")
		s.waitReady()
		s.stop()
		if !strings.Contains(s.Log.String(), "names this machine on another port") {
			t.Errorf("no warning for a base URL on another port:\n%s", s.Log)
		}
	})
}

// A first start that cannot listen creates no admin and prints no
// password (issue 9: it printed one and exited, and the next start printed
// nothing); the next start that listens does.
func TestFirstStartAdminOnlyOnceListening(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	data := t.TempDir()
	r := runCLI(t, nil, "", "serve", "--data", data, "--addr", busy.Addr().String())
	passwordRe := regexp.MustCompile(`password=(\S+)`)
	if r.Code != 1 || !strings.Contains(r.Stderr, "unable to listen") {
		t.Fatalf("serve on a busy port: exit %d, stderr %q; want 1 and why", r.Code, r.Stderr)
	}
	if passwordRe.MatchString(r.Stderr) {
		t.Fatalf("a start that could not listen printed a password:\n%s", r.Stderr)
	}
	s := startServer(t, data, nil)
	s.stop()
	if !passwordRe.MatchString(s.Log.String()) {
		t.Fatalf("the first start that listened printed no password:\n%s", s.Log)
	}
}
