package handlers

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kinconecta/helpdesk/handlers/web"
)

// smuggledCreate is a complete request that creates a ticket: hidden at
// the end of another request's body, it must never run.
func smuggledCreate() string {
	body := `{"roleContext":"tourist","fullName":"Smuggled","email":"smuggled@example.com",` +
		`"category":"General Inquiry","subject":"Smuggled","message":"This request was smuggled in a body."}`
	return fmt.Sprintf("POST /api/support-tickets HTTP/1.1\r\nHost: helpdesk.test\r\nContent-Type: application/json\r\n"+
		"Content-Length: %d\r\n\r\n%s", len(body), body)
}

// bodyEndingIn is n bytes of body whose tail is tail, after empty lines:
// fasthttp skips empty lines before a request line, so wherever in them
// a server stops reading the body, the tail is the next request it parses.
func bodyEndingIn(n int, tail string) string {
	pad := n - len(tail)
	return strings.Repeat("x", pad%2) + strings.Repeat("\r\n", pad/2) + tail
}

// chunked encodes body in chunks of at most 4 KiB, with the last chunk.
func chunked(body string) string {
	var b strings.Builder
	for len(body) > 0 {
		k := min(len(body), 4<<10)
		fmt.Fprintf(&b, "%x\r\n%s\r\n", k, body[:k])
		body = body[k:]
	}
	b.WriteString("0\r\n\r\n")
	return b.String()
}

// rawExchange writes raw on a new connection, then, once the first answer
// is in, a health check on the same connection, and returns the statuses
// of the (at most two) answers that arrive, and whether the server closed
// the connection. A smuggled request would answer second, instead of the
// health check.
func rawExchange(t *testing.T, s *testServer, raw string) (statuses []int, closed bool) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	go func() { _, _ = io.WriteString(conn, raw) }()
	br := bufio.NewReader(conn)
	for i := 0; i < 2; i++ {
		_ = conn.SetReadDeadline(time.Now().Add(15 * time.Second))
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				t.Fatalf("no answer within 15 s after %v", statuses)
			}
			return statuses, true
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		statuses = append(statuses, resp.StatusCode)
		if i == 0 {
			// Give a smuggled request time to answer first.
			time.Sleep(200 * time.Millisecond)
			_, _ = io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: helpdesk.test\r\n\r\n")
		}
		if resp.Close {
			return statuses, true
		}
	}
	return statuses, false
}

// A request answered without reading its body (a redirect to sign in, a
// refusal from the headers, an answer that leaves an epilogue) must not
// leave the body to be parsed as the next request on the connection: each
// body below ends in a complete request that would create a ticket. The
// connection is kept when the rest is small (read and thrown away), and
// closed after the answer when it is large.
func TestSmuggledRequestNeverRuns(t *testing.T) {
	s := newTestServer(t)
	smuggled := smuggledCreate()
	form := func(method, path, contentType string, n int) string {
		return fmt.Sprintf("%s %s HTTP/1.1\r\nHost: helpdesk.test\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n%s",
			method, path, contentType, n, bodyEndingIn(n, smuggled))
	}
	created := s.createTicket(t, nil)
	multipartCreate, ct := multipartBody(t, part{Name: "roleContext", Value: "tourist"}, part{Name: "fullName", Value: "Ana"},
		part{Name: "email", Value: "ana@example.com"}, part{Name: "category", Value: "General Inquiry"},
		part{Name: "subject", Value: "With an epilogue"}, part{Name: "message", Value: "Hola"})
	// readMultipart read 64 KiB after the closing boundary, and its reader
	// up to 4 KiB ahead: the empty lines cover where it stopped.
	epilogue := multipartCreate.String() + strings.Repeat("x", 62<<10) + bodyEndingIn(12<<10, smuggled)
	// fasthttp read 8 KiB of a body before the handler: the rest starts
	// with the smuggled request.
	large := strings.Repeat("x", web.PreReadBytes) + smuggled
	large += strings.Repeat("x", 200000-len(large))
	for _, tc := range []struct {
		name    string
		raw     string
		want    int
		created int // tickets the request itself creates
		kept    bool
	}{
		{"GuardRedirect", form("POST", "/agent/bulk", "application/x-www-form-urlencoded", 20000), http.StatusSeeOther, 0, true},
		{"GuardRedirectChunked", "POST /agent/bulk HTTP/1.1\r\nHost: helpdesk.test\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
			"Transfer-Encoding: chunked\r\n\r\n" + chunked(bodyEndingIn(20000, smuggled)), http.StatusSeeOther, 0, true},
		{"GuardUnauthorized", form("POST", fmt.Sprintf("/api/support-tickets/%d/messages", created.ID), "application/json", 20000),
			http.StatusUnauthorized, 0, true},
		{"BodyOnNoBodyRoute", form("GET", "/healthz", "text/plain", 20000), http.StatusRequestEntityTooLarge, 0, true},
		{"SmallBodyOnNoBodyRoute", form("GET", "/healthz", "text/plain", len(smuggled)), http.StatusRequestEntityTooLarge, 0, true},
		{"TypeRefused", form("POST", "/api/support-tickets", "text/plain", 20000), http.StatusUnsupportedMediaType, 0, true},
		{"UnknownMethod", form("BREW", "/api/support-tickets", "application/json", 20000), http.StatusMethodNotAllowed, 0, true},
		{"LargeRest", fmt.Sprintf("POST /agent/bulk HTTP/1.1\r\nHost: helpdesk.test\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
			"Content-Length: %d\r\n\r\n%s", len(large), large), http.StatusSeeOther, 0, false},
		{"MultipartEpilogue", fmt.Sprintf("POST /api/support-tickets HTTP/1.1\r\nHost: helpdesk.test\r\nContent-Type: %s\r\n"+
			"Content-Length: %d\r\n\r\n%s", ct, len(epilogue), epilogue), http.StatusCreated, 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := countTickets(t, s)
			statuses, closed := rawExchange(t, s, tc.raw)
			if len(statuses) == 0 || statuses[0] != tc.want {
				t.Fatalf("answers %v, want %d first", statuses, tc.want)
			}
			switch {
			case tc.kept && (closed || len(statuses) != 2 || statuses[1] != http.StatusOK):
				t.Errorf("answers %v (closed %v), want %d then the health check's 200 on the same connection", statuses, closed, tc.want)
			case !tc.kept && len(statuses) != 1:
				t.Errorf("answers %v, want only %d and the connection closed", statuses, tc.want)
			}
			if got, want := countTickets(t, s), before+tc.created; got != want {
				t.Fatalf("%d tickets after the request, want %d: the smuggled request ran", got, want)
			}
		})
	}
}

// A request whose body length could be read two ways is refused before
// anything reads it, and its connection closed: a proxy in front reading
// the other way would otherwise pass a request we take for part of a body,
// or the reverse (RFC 9112 §6.3).
func TestAmbiguousFramingRefused(t *testing.T) {
	s := newTestServer(t)
	smuggled := smuggledCreate()
	head := "POST /api/support-tickets HTTP/1.1\r\nHost: helpdesk.test\r\nContent-Type: application/json\r\n"
	for _, tc := range []struct{ name, raw string }{
		{"LengthAndChunked", head + fmt.Sprintf("Content-Length: %d\r\nTransfer-Encoding: chunked\r\n\r\n", 5) + "0\r\n\r\n" + smuggled},
		{"ChunkedAndLength", head + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n" + "0\r\n\r\n" + smuggled},
		{"TwoLengths", head + fmt.Sprintf("Content-Length: 0\r\nContent-Length: %d\r\n\r\n", len(smuggled)) + smuggled},
		{"TwoEqualLengths", head + fmt.Sprintf("Content-Length: %d\r\nContent-Length: %d\r\n\r\n", len(smuggled), len(smuggled)) + smuggled},
		{"CodingBeforeChunked", head + "Transfer-Encoding: gzip, chunked\r\n\r\n" + chunked(smuggled)},
		{"ChunkedTwice", head + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(smuggled)},
		{"IdentityCoding", head + fmt.Sprintf("Transfer-Encoding: identity\r\nContent-Length: %d\r\n\r\n", len(smuggled)) + smuggled},
		{"NotQuiteChunked", head + "Transfer-Encoding: xchunked\r\n\r\n" + chunked(smuggled)},
		{"FoldedHeader", head + "X-Note: a\r\n folded\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(smuggled)},
		{"ChunkedInHTTP10", strings.Replace(head, "HTTP/1.1", "HTTP/1.0", 1) + "Transfer-Encoding: chunked\r\n\r\n" + chunked(smuggled)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := countTickets(t, s)
			statuses, closed := rawExchange(t, s, tc.raw)
			if len(statuses) != 1 || statuses[0] != http.StatusBadRequest || !closed {
				t.Errorf("answers %v (closed %v), want one 400 and the connection closed", statuses, closed)
			}
			if got := countTickets(t, s); got != before {
				t.Fatalf("%d tickets after the request, want %d", got, before)
			}
		})
	}
	// The plain forms still work.
	for _, tc := range []struct{ name, raw string }{
		{"Length", head + fmt.Sprintf("Content-Length: %d\r\n\r\n", len(strings.SplitN(smuggled, "\r\n\r\n", 2)[1])) +
			strings.SplitN(smuggled, "\r\n\r\n", 2)[1]},
		{"Chunked", head + "Transfer-Encoding: Chunked\r\n\r\n" + chunked(strings.SplitN(smuggled, "\r\n\r\n", 2)[1])},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if statuses, _ := rawExchange(t, s, tc.raw); len(statuses) != 2 || statuses[0] != http.StatusCreated {
				t.Errorf("answers %v, want 201 then 200", statuses)
			}
		})
	}
}

// "Expect: 100-continue" is answered from the headers: a body no route
// takes is refused (417) and never sent, and the connection closed;
// fasthttp alone would ask for every body.
func TestExpectContinue(t *testing.T) {
	s := newTestServer(t)
	json := strings.SplitN(smuggledCreate(), "\r\n\r\n", 2)[1]
	for _, tc := range []struct {
		name, method, contentType, extra string
		length                           int64
		want                             int
	}{
		{"JSON", "POST", "application/json", "", int64(len(json)), http.StatusContinue},
		{"ErrType", "POST", "text/plain", "", 100, http.StatusExpectationFailed},
		{"ErrEncoding", "POST", "application/json", "Content-Encoding: gzip\r\n", 100, http.StatusExpectationFailed},
		{"ErrLength", "POST", "multipart/form-data; boundary=b", "", 1 << 40, http.StatusExpectationFailed},
		{"ErrMethod", "GET", "application/json", "", 100, http.StatusExpectationFailed},
		{"ErrFraming", "POST", "application/json", "Content-Length: 100\r\n", 100, http.StatusExpectationFailed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := countTickets(t, s)
			conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			fmt.Fprintf(conn, "%s /api/support-tickets HTTP/1.1\r\nHost: helpdesk.test\r\nContent-Type: %s\r\n%sContent-Length: %d\r\nExpect: 100-continue\r\n\r\n",
				tc.method, tc.contentType, tc.extra, tc.length)
			_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			br := bufio.NewReader(conn)
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.want)
			}
			if tc.want != http.StatusContinue {
				// Whatever the client sends next is not read as a request.
				_, _ = io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: helpdesk.test\r\n\r\n")
				if resp, err := http.ReadResponse(br, nil); err == nil {
					t.Errorf("after a 417, the connection answered %d; want it closed", resp.StatusCode)
				}
				return
			}
			io.WriteString(conn, json)
			if resp, err = http.ReadResponse(br, nil); err != nil || resp.StatusCode != http.StatusCreated {
				t.Fatalf("after 100 Continue: %v %v", resp, err)
			}
			if got := countTickets(t, s); got != before+1 {
				t.Errorf("%d tickets, want %d", got, before+1)
			}
		})
	}
}

// A route refuses from the headers without waiting for the body: a
// declared length far over the limit, or a type it does not read, gets its
// answer after the body's first bytes, not after the idle timeout.
// fasthttp read up to 8 KiB of a body before any handler ran, so a client
// declaring 99,999,999,999 bytes and sending three waited 30 s for 408.
func TestRefusalBeforeTheBody(t *testing.T) {
	s := newTestServer(t)
	for _, tc := range []struct {
		name, contentType string
		length            int64
		want              int
	}{
		{"ErrLength", "application/json", 99999999999, http.StatusRequestEntityTooLarge},
		{"ErrType", "text/plain", 50000, http.StatusUnsupportedMediaType},
		{"ErrJSONLength", "application/json", web.JSONBodyLimit + 1, http.StatusRequestEntityTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			fmt.Fprintf(conn, "POST /api/support-tickets HTTP/1.1\r\nHost: helpdesk.test\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n{\"a",
				tc.contentType, tc.length)
			// The idle timeout is 30 s; the answer must not wait for it.
			_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatalf("no answer after three bytes of the body: %v", err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.want, b)
			}
		})
	}
}

// An error the HTTP layer answers before any route (a malformed header)
// never quotes the request: its cookies and Authorization header stayed in
// the 400's detail.
func TestParseErrorsDoNotEchoTheRequest(t *testing.T) {
	s := newTestServer(t)
	const cookie, key = "SESSION-SECRET-4242", "hdk_KEY-SECRET-4242"
	for _, tc := range []struct{ name, path, header string }{
		{"ErrLength", "/api/support-tickets", "Content-Length: 1x\r\n"},
		{"ErrLengthPage", "/agent/login", "Content-Length: 1x\r\n"},
		{"ErrHeaderName", "/api/support-tickets", "Bad Name: 1\r\n"},
		{"ErrTooLarge", "/api/support-tickets", "X-Big: " + strings.Repeat("a", 40<<10) + "\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: helpdesk.test\r\nCookie: %s=%s\r\nAuthorization: Bearer %s\r\n%s\r\n",
				tc.path, web.SessionCookie, cookie, key, tc.header)
			_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode < 400 || resp.StatusCode > 499 {
				t.Errorf("status %d, want 4xx", resp.StatusCode)
			}
			var all bytes.Buffer
			resp.Header.Write(&all)
			all.Write(b)
			for _, secret := range []string{cookie, key} {
				if bytes.Contains(all.Bytes(), []byte(secret)) {
					t.Errorf("the answer quotes %q: %s", secret, all.Bytes())
				}
			}
		})
	}
}
