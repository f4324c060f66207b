package handlers

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
)

// Multipart framing past a limit, or broken, is answered in our words,
// 413 or 400 problem+json, never with the reader's ("multipart:
// NextPart: bufio: buffer full"); and the README's 32 KiB of part
// headers holds for one part (issue 8, re-tested: 100 KB passed).
func TestMultipartFramingAnswers(t *testing.T) {
	s := newTestServer(t)
	field := func(name, value string) string {
		return "--B\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n"
	}
	fields := field("roleContext", "tourist") + field("fullName", "Ana") + field("email", "ana@example.com") +
		field("subject", "Tour") + field("category", "General Inquiry") + field("message", "Hola")
	for _, tc := range []struct {
		name, body string
		want       int
		says       string
	}{
		{"OK", fields + "--B--\r\n", http.StatusCreated, ""},
		{"ErrPartHeader100KB", fields + "--B\r\nContent-Disposition: form-data; name=\"x\"\r\nX-Pad: " + strings.Repeat("a", 100<<10) + "\r\n\r\n1\r\n--B--\r\n",
			http.StatusRequestEntityTooLarge, "part headers are too large"},
		{"ErrManyPartHeaders", fields + "--B\r\nContent-Disposition: form-data; name=\"x\"" + strings.Repeat("\r\nX: a", 7000) + "\r\n\r\n1\r\n--B--\r\n",
			http.StatusRequestEntityTooLarge, "part headers are too large"},
		{"ErrLongPreambleLine", strings.Repeat("p", 40000) + "\r\n" + fields + "--B--\r\n", http.StatusRequestEntityTooLarge, "too long"},
		{"ErrNoClosingBoundary", fields, http.StatusBadRequest, "not well-formed multipart"},
		{"ErrNoBoundary", "hello", http.StatusBadRequest, "not well-formed multipart"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := http.Post(s.URL+"/api/support-tickets", "multipart/form-data; boundary=B", bytes.NewReader([]byte(tc.body)))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.want {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.want, b)
			}
			if tc.want == http.StatusCreated {
				return
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("Content-Type %q", ct)
			}
			if !strings.Contains(string(b), tc.says) || strings.Contains(string(b), "multipart:") || strings.Contains(string(b), "bufio") {
				t.Errorf("answer %s: want our own words saying %q", b, tc.says)
			}
		})
	}
}
