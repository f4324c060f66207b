//go:build linux

package handlers

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// rawGet sends a GET on a kept-alive connection and reads the whole answer;
// it needs no new descriptor on the client's side.
func rawGet(t *testing.T, c net.Conn, br *bufio.Reader, path string, headers ...string) (*http.Response, []byte) {
	t.Helper()
	c.SetDeadline(time.Now().Add(20 * time.Second))
	req := "GET " + path + " HTTP/1.1\r\nHost: helpdesk.test\r\n"
	for i := 0; i+1 < len(headers); i += 2 {
		req += headers[i] + ": " + headers[i+1] + "\r\n"
	}
	if _, err := io.WriteString(c, req+"\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// useUpDescriptors lowers this process's descriptor limit to what it holds
// now plus a few, and opens files until open(2) fails with EMFILE, as a
// process whose every descriptor is taken sees it. It gives them back at
// the returned function (and at cleanup).
func useUpDescriptors(t *testing.T) (release func()) {
	t.Helper()
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &old); err != nil {
		t.Fatal(err)
	}
	open, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("cannot count this process's descriptors: %v", err)
	}
	lowered := old
	lowered.Cur = uint64(len(open) + 16)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lowered); err != nil {
		t.Fatal(err)
	}
	var fillers []*os.File
	done := false
	release = func() {
		if done {
			return
		}
		done = true
		for _, f := range fillers {
			f.Close()
		}
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &old); err != nil {
			t.Error(err)
		}
	}
	t.Cleanup(release)
	for range 1000 {
		f, err := os.Open(os.DevNull)
		if errors.Is(err, syscall.EMFILE) {
			return release
		}
		if err != nil {
			release()
			t.Fatal(err)
		}
		fillers = append(fillers, f)
	}
	release()
	t.Fatal("opened 1000 files under the lowered limit without EMFILE")
	return nil
}

// A request whose file cannot be opened because the process is out of
// descriptors is a moment's overload, not an internal error: 503 with
// Retry-After, problem+json under /api and the error page on the pages,
// never a 500 naming the file's path. Once descriptors are back, the same
// requests are served.
//
// Not parallel: it lowers the whole test process's descriptor limit.
func TestOutOfDescriptorsAnswer503(t *testing.T) {
	s := newTestServer(t)
	c := s.createTicket(t, nil)
	body, ct := multipartBody(t, part{Name: "file", FileName: "notes.txt", Value: textBytes})
	r := s.do(t, "POST", fmt.Sprintf("/api/support-tickets/%d/attachments", c.ID), ct, body, bearer(c.AccessToken)...)
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("upload: %d %s", r.StatusCode, r.Body)
	}
	var atts []struct{ ID int64 }
	r.JSON(t, &atts)
	tests := []struct {
		name, path  string
		headers     []string
		contentType string
	}{
		{"API", fmt.Sprintf("/api/support-tickets/%d/attachments/%d", c.ID, atts[0].ID), bearer(c.AccessToken), "application/problem+json"},
		{"TrackingPage", fmt.Sprintf("/track/%s/files/%d", c.AccessToken, atts[0].ID), []string{"Accept-Language", "en"}, "text/html"},
	}
	// Connections made, and the database's readers opened, while there
	// are descriptors: only the file's open meets the shortage.
	conns := make([]net.Conn, len(tests))
	readers := make([]*bufio.Reader, len(tests))
	for i, tt := range tests {
		conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conns[i], readers[i] = conn, bufio.NewReader(conn)
		if resp, b := rawGet(t, conn, readers[i], tt.path, tt.headers...); resp.StatusCode != http.StatusOK {
			t.Fatalf("%s with descriptors to spare: %d %s", tt.name, resp.StatusCode, b)
		}
	}

	release := useUpDescriptors(t)
	type answer struct {
		status            int
		retryAfter, ctype string
		body              string
	}
	answers := make([]answer, len(tests))
	for i, tt := range tests {
		resp, b := rawGet(t, conns[i], readers[i], tt.path, tt.headers...)
		answers[i] = answer{resp.StatusCode, resp.Header.Get("Retry-After"), resp.Header.Get("Content-Type"), string(b)}
	}
	release()

	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := answers[i]
			if a.status != http.StatusServiceUnavailable || a.retryAfter == "" || !strings.HasPrefix(a.ctype, tt.contentType) {
				t.Fatalf("out of descriptors: %d, Retry-After %q, %s: %s; want 503 with Retry-After, %s", a.status, a.retryAfter, a.ctype, a.body, tt.contentType)
			}
			for _, leak := range []string{s.Dir, "too many open files", "attachments/"} {
				if strings.Contains(a.body, leak) {
					t.Errorf("the answer shows %q: %s", leak, a.body)
				}
			}
			if resp, b := rawGet(t, conns[i], readers[i], tt.path, tt.headers...); resp.StatusCode != http.StatusOK || string(b) != textBytes {
				t.Errorf("with descriptors back: %d %q, want 200 and the file", resp.StatusCode, b)
			}
		})
	}
}
