package handlers

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Every answer carries the security headers, also those the router or the
// HTTP layer used to write bare; unknown methods get 405 (or 404) in our
// form, and headers HTTP/1.1 forbids get 400 (issue 8, re-tested).
func TestEveryAnswerSecured(t *testing.T) {
	s := newTestServer(t)
	for _, tc := range []struct {
		name, raw string
		want      int
		allow     string // a method the Allow header names
		problem   bool   // problem+json, else a page
	}{
		{"ErrPROPFIND", "PROPFIND /api/support-tickets HTTP/1.1\r\nHost: h\r\n\r\n", http.StatusMethodNotAllowed, "POST", true},
		{"ErrLowercaseGet", "get /agent/login HTTP/1.1\r\nHost: h\r\n\r\n", http.StatusMethodNotAllowed, "GET", false},
		{"ErrBREWNowhere", "BREW /coffee HTTP/1.1\r\nHost: h\r\n\r\n", http.StatusNotFound, "", false},
		{"ErrPUT", "PUT /api/support-tickets HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n", http.StatusMethodNotAllowed, "POST", true},
		{"ErrNoHost", "GET /healthz HTTP/1.1\r\n\r\n", http.StatusBadRequest, "", false},
		{"ErrTwoHosts", "GET /api/support-tickets HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", http.StatusBadRequest, "", true},
		{"ErrBareCR", "GET /api/support-tickets HTTP/1.1\r\nHost: h\r\nX-A: a\rb\r\n\r\n", http.StatusBadRequest, "", true},
		{"ErrNUL", "GET /api/support-tickets HTTP/1.1\r\nHost: h\r\nX-A: a\x00b\r\n\r\n", http.StatusBadRequest, "", true},
		{"ErrHeadersTooLarge", "GET /api/support-tickets HTTP/1.1\r\nHost: h\r\nX-A: " + strings.Repeat("a", 20<<10) + "\r\n\r\n", http.StatusRequestHeaderFieldsTooLarge, "", true},
		{"ErrUnparsable", "POST /api/support-tickets HTTP/1.1\r\nHost: h\r\nContent-Length: 1x\r\n\r\n", http.StatusBadRequest, "", true},
		{"HTTP10WithoutHost", "GET /healthz HTTP/1.0\r\n\r\n", http.StatusOK, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			io.WriteString(conn, tc.raw)
			_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.want, b)
			}
			for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"} {
				if resp.Header.Get(h) == "" {
					t.Errorf("no %s on the %d answer", h, resp.StatusCode)
				}
			}
			if tc.allow != "" && !strings.Contains(resp.Header.Get("Allow"), tc.allow) {
				t.Errorf("Allow %q, want it to name %s", resp.Header.Get("Allow"), tc.allow)
			}
			ct := resp.Header.Get("Content-Type")
			if tc.want != http.StatusOK && tc.problem != (ct == "application/problem+json") {
				t.Errorf("Content-Type %q, problem+json wanted: %v", ct, tc.problem)
			}
			if strings.Contains(string(b), "Invalid http method") {
				t.Errorf("the router's own words: %s", b)
			}
		})
	}
}
