package handlers

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
)

// policyCall is one request of the body-policy walk, sent as a signed-in
// admin's browser would (session and CSRF cookies, the CSRF header), so
// that what refuses it is the body, never the caller.
type policyCall struct {
	method, path string
	contentType  string
	encoding     string
	body         string
	query        url.Values
	form         bool // an urlencoded form carrying the CSRF field
}

func (w *authzWorld) policyDo(t *testing.T, fx *authzFixture, pc policyCall) response {
	t.Helper()
	token := authzCSRFToken()
	body := pc.body
	if pc.form {
		body = url.Values{web.CSRFField: {token}, "status": {"open"}}.Encode()
	}
	target := w.s.URL + pc.path
	if pc.query != nil {
		q := url.Values{}
		for k, v := range pc.query {
			q[k] = v
		}
		if q.Get(web.CSRFField) == "TOKEN" {
			q.Set(web.CSRFField, token)
		}
		target += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(t.Context(), pc.method, target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body == "" {
		req.Body, req.ContentLength = nil, 0
	}
	if pc.contentType != "" {
		req.Header.Set("Content-Type", pc.contentType)
	}
	if pc.encoding != "" {
		req.Header.Set("Content-Encoding", pc.encoding)
	}
	if pc.query == nil {
		req.Header.Set(web.CSRFHeader, token)
	}
	req.AddCookie(&http.Cookie{Name: web.CSRFCookie, Value: token})
	req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: authzSession(t, w.s, w.admin.ID)})
	resp, err := w.s.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", pc.method, pc.path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{Response: resp, Body: b}
}

// Every route decides from the headers what body it takes, and refuses the
// rest before reading it (issue 8): a compressed body (415), a type it
// does not read (415; a multipart body on a form route is the attack that
// filled memory and /tmp through c.FormValue), a body on a route that takes
// none (413), and a declared length over the route's limit, answered
// without waiting for a byte of the body (413).
func TestBodyPolicyByRoute(t *testing.T) {
	s := newTestServer(t)
	w := newAuthzWorld(t, s)
	h := newHandler(web.Config{MaxFileBytes: 1 << 20, MaxFiles: 5}, s.DB, s.Files)
	for _, r := range h.routes() {
		key := r.Method + " " + r.Path
		t.Run(key, func(t *testing.T) {
			fx := w.fixture(t)
			path := w.path(t, r.Path, fx)
			taken := "application/x-www-form-urlencoded"
			switch {
			case r.Body&web.JSONBody != 0:
				taken = "application/json"
			case r.Body&web.MultipartBody != 0:
				taken = "multipart/form-data; boundary=b"
			}
			if got := w.policyDo(t, fx, policyCall{method: r.Method, path: path, contentType: taken,
				encoding: "gzip", body: "\x1f\x8b\x08\x00"}); got.StatusCode != http.StatusUnsupportedMediaType {
				t.Errorf("gzip body: %d, want 415; %.200s", got.StatusCode, got.Body)
			}
			if r.Body == web.NoBody {
				if got := w.policyDo(t, fx, policyCall{method: r.Method, path: path, contentType: "text/plain",
					body: "hello"}); got.StatusCode != http.StatusRequestEntityTooLarge {
					t.Errorf("a body on a route that takes none: %d, want 413; %.200s", got.StatusCode, got.Body)
				}
				return
			}
			wrong := "text/plain"
			if r.Body == web.FormBody {
				wrong = "multipart/form-data; boundary=b"
			}
			if got := w.policyDo(t, fx, policyCall{method: r.Method, path: path, contentType: wrong,
				body: "--b\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nx\r\n--b--\r\n"}); got.StatusCode != http.StatusUnsupportedMediaType {
				t.Errorf("%s body: %d, want 415; %.200s", wrong, got.StatusCode, got.Body)
			}
			limit := int64(web.FormBodyLimit)
			switch {
			case r.Body&web.MultipartBody != 0:
				limit = h.MaxMultipartBody()
			case r.Body&web.JSONBody != 0:
				limit = web.JSONBodyLimit
			}
			if status := declareOnly(t, s, r.Method, path, taken, limit+1, w.admin.ID); status != http.StatusRequestEntityTooLarge {
				t.Errorf("declared %d bytes, sent none: %d, want 413 at once", limit+1, status)
			}
			if r.Body == web.FormBody && !r.API() {
				// The token counts from the form body only, never the query.
				got := w.policyDo(t, fx, policyCall{method: r.Method, path: path,
					contentType: "application/x-www-form-urlencoded", body: "status=open",
					query: url.Values{web.CSRFField: {"TOKEN"}}})
				if got.StatusCode != http.StatusForbidden {
					t.Errorf("CSRF token in the query string only: %d, want 403", got.StatusCode)
				}
			}
		})
	}
}

// declareOnly sends a request's headers with a Content-Length, then only
// the first 8 KiB of the body and one byte (what fasthttp reads before any
// handler runs), and returns the status the server answers with: it must
// answer without waiting for the rest.
func declareOnly(t *testing.T, s *testServer, method, path, contentType string, length int64, admin int64) int {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	token := authzCSRFToken()
	fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: helpdesk.test\r\nContent-Type: %s\r\nContent-Length: %d\r\n"+
		"%s: %s\r\nCookie: %s=%s; %s=%s\r\n\r\n", method, path, contentType, length,
		web.CSRFHeader, token, web.CSRFCookie, token, web.SessionCookie, authzSession(t, s, admin))
	conn.Write(bytes.Repeat([]byte("x"), 8<<10+1))
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer before the body was sent: %v", err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// Routing is case-sensitive and the API's CSRF check follows the matched
// route: no spelling of an API path lets a session cookie write without
// the token (issue 8: POST /API/… answered 201).
func TestAPIPathSpellings(t *testing.T) {
	s := newTestServer(t)
	b := s.signIn(t, "agent")
	c := s.createTicket(t, nil)
	id := strconv.FormatInt(c.ID, 10)
	for _, path := range []string{
		"/API/support-tickets/" + id + "/messages",
		"/Api/support-tickets/" + id + "/messages",
		"/api/Support-Tickets/" + id + "/messages",
		"/api/support-tickets/" + id + "/MESSAGES",
		"/api/support-tickets/" + id + "/messages",
	} {
		t.Run(path, func(t *testing.T) {
			r := b.do(t, "POST", path, "application/json", strings.NewReader(`{"body":"hola","internal":false}`))
			if r.StatusCode != http.StatusForbidden && r.StatusCode != http.StatusNotFound {
				t.Fatalf("session without CSRF token: %d, want 403 or 404; %s", r.StatusCode, r.Body)
			}
		})
	}
	msgs, err := s.DB.Messages(t.Context(), c.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 0 {
		t.Fatalf("%d messages stored without a CSRF token", len(msgs))
	}
}

// Over https every cookie takes the __Host- prefix (Secure, Path=/, no
// Domain), and the desk works with those names only.
func TestHostPrefixedCookies(t *testing.T) {
	s := newTestServer(t, func(c *web.Config) { c.BaseURL = "https://helpdesk.test" })
	u, err := s.DB.CreateUser(t.Context(), db.NewUser{Email: "lucia@kinconecta.com", Name: "Lucía", Role: db.RoleAgent, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	r := s.do(t, "GET", "/agent/login?lang=es", "", nil)
	var csrf string
	names := map[string]bool{}
	for _, c := range r.Cookies() {
		names[c.Name] = true
		if !strings.HasPrefix(c.Name, "__Host-") || !c.Secure || c.Path != "/" || c.Domain != "" {
			t.Errorf("cookie %q: want __Host- prefix, Secure, Path=/ and no Domain; got %+v", c.Name, c)
		}
		if c.Name == "__Host-"+web.CSRFCookie {
			csrf = c.Value
		}
	}
	if !names["__Host-"+web.CSRFCookie] || !names["__Host-"+web.LangCookie] {
		t.Fatalf("cookies set: %v", names)
	}
	login := func(cookieName string) response {
		form := url.Values{web.CSRFField: {csrf}, "email": {u.Email}, "password": {"correct horse battery"}}
		return s.do(t, "POST", "/agent/login", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()),
			"Cookie", cookieName+"="+csrf)
	}
	if r := login(web.CSRFCookie); r.StatusCode != http.StatusForbidden {
		t.Errorf("sign-in with the unprefixed CSRF cookie: %d, want 403", r.StatusCode)
	}
	r = login("__Host-" + web.CSRFCookie)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: %d %s", r.StatusCode, r.Body)
	}
	var session string
	for _, c := range r.Cookies() {
		if c.Name == "__Host-"+web.SessionCookie && c.Secure && c.Path == "/" && c.Domain == "" {
			session = c.Value
		}
	}
	if session == "" {
		t.Fatalf("no __Host- session cookie in %v", r.Header.Values("Set-Cookie"))
	}
	if r := s.do(t, "GET", "/agent", "", nil, "Cookie", "__Host-"+web.SessionCookie+"="+session); r.StatusCode != http.StatusOK {
		t.Errorf("the desk with the session cookie: %d", r.StatusCode)
	}
	if r := s.do(t, "GET", "/agent", "", nil, "Cookie", web.SessionCookie+"="+session); r.StatusCode != http.StatusSeeOther {
		t.Errorf("the desk with the session under the unprefixed name: %d, want 303 to sign in", r.StatusCode)
	}
}

// An escaped lone UTF-16 surrogate names no character; encoding/json would
// store U+FFFD in its place, so it is refused (issue 8).
func TestLoneSurrogateRefused(t *testing.T) {
	s := newTestServer(t)
	for _, tc := range []struct {
		name, subject string
		want          int
	}{
		{"ErrHighAlone", `Reserva \ud800 cancelada`, http.StatusUnprocessableEntity},
		{"ErrLowAlone", `Reserva \udfff cancelada`, http.StatusUnprocessableEntity},
		{"ErrHighThenLetter", `\ud83d\u0041`, http.StatusUnprocessableEntity},
		{"ErrHighAtEnd", `Reserva \ud83d`, http.StatusUnprocessableEntity},
		{"Pair", `Reserva \ud83d\ude00 cancelada`, http.StatusCreated},
		{"EscapedBackslash", `C:\\ud800 is a folder`, http.StatusCreated},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := `{"roleContext":"tourist","fullName":"Ana Martinez","email":"ana.martinez@example.com",` +
				`"category":"General Inquiry","message":"Hola","subject":"` + tc.subject + `"}`
			r := s.do(t, "POST", "/api/support-tickets", "application/json", bytes.NewReader([]byte(body)))
			if r.StatusCode != tc.want {
				t.Fatalf("status %d, want %d: %s", r.StatusCode, tc.want, r.Body)
			}
			if tc.want == http.StatusCreated && strings.ContainsRune(string(r.Body), '\uFFFD') {
				t.Errorf("stored a replacement character: %s", r.Body)
			}
		})
	}
}

// Headers too large for the server's buffer are refused before the
// request line is parsed; under /api the answer is still problem+json.
func TestHeadersTooLargeIsProblemJSON(t *testing.T) {
	s := newTestServer(t)
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET /api/support-tickets HTTP/1.1\r\nHost: helpdesk.test\r\nX-Big: %s\r\n\r\n", strings.Repeat("a", 40<<10))
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("status %d, want 431", resp.StatusCode)
	}
	response{Response: resp, Body: b}.Problem(t)
}
