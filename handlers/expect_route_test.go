package handlers

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Expect: 100-continue is answered by the route the request reaches, its
// Body policy and limit, not by what any route takes (issue 8, re-tested:
// a 100 MB multipart body to /agent/login, and 1 MB of JSON to a route
// that takes 160 KiB, were told to come).
func TestExpectContinuePerRoute(t *testing.T) {
	s := newTestServer(t) // uploads: 5 files of 1 MiB
	for _, tc := range []struct {
		name, method, path, contentType string
		length                          int64
		want                            int
	}{
		{"JSONCreate", "POST", "/api/support-tickets", "application/json", 100 << 10, http.StatusContinue},
		{"MultipartCreate", "POST", "/api/support-tickets", "multipart/form-data; boundary=b", 3 << 20, http.StatusContinue},
		{"FormSignIn", "POST", "/agent/login", "application/x-www-form-urlencoded", 1 << 10, http.StatusContinue},
		{"TrailingSlash", "POST", "/agent/login/", "application/x-www-form-urlencoded", 1 << 10, http.StatusContinue},
		{"ErrMultipartSignIn", "POST", "/agent/login", "multipart/form-data; boundary=b", 100 << 20, http.StatusExpectationFailed},
		{"ErrJSONOverRouteLimit", "POST", "/api/support-tickets", "application/json", 1 << 20, http.StatusExpectationFailed},
		{"ErrJSONOnMultipartRoute", "POST", "/api/support-tickets/1/attachments", "application/json", 1 << 10, http.StatusExpectationFailed},
		{"ErrFormOverLimit", "POST", "/agent/login", "application/x-www-form-urlencoded", 1 << 20, http.StatusExpectationFailed},
		{"ErrMultipartOverUploads", "POST", "/api/support-tickets", "multipart/form-data; boundary=b", 100 << 20, http.StatusExpectationFailed},
		{"ErrNoRoute", "POST", "/api/nowhere", "application/json", 1 << 10, http.StatusExpectationFailed},
		{"ErrPatchOnPostRoute", "PATCH", "/agent/login", "application/x-www-form-urlencoded", 1 << 10, http.StatusExpectationFailed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: helpdesk.test\r\nContent-Type: %s\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n",
				tc.method, tc.path, tc.contentType, tc.length)
			_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.want)
			}
		})
	}
}
