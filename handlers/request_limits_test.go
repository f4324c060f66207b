package handlers

import (
	"bufio"
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

// escapeAll writes s as the inside of a JSON string with every character
// escaped as \uXXXX (a surrogate pair beyond the BMP), as Python's
// json.dumps writes non-ASCII text by default: the longest form a text
// can take.
func escapeAll(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r > 0xFFFF {
			r -= 0x10000
			fmt.Fprintf(&b, `\u%04x\u%04x`, 0xD800+(r>>10), 0xDC00+(r&0x3FF))
			continue
		}
		fmt.Fprintf(&b, `\u%04x`, r)
	}
	return b.String()
}

// The JSON limit fits the largest JSON the API takes: a create with every
// field at its longest, its text all escaped, and the most attachment
// references, each at its longest; or a message of 10,000 emoji, escaped.
func TestJSONBodyLimitFits(t *testing.T) {
	s := newTestServer(t, func(c *web.Config) { c.MaxFiles = 20 })
	email := strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 57) + ".com"
	ticket := func(message string, refs int) string {
		var atts []string
		for i := 0; i < refs; i++ {
			u := "https://files.example.com/" + strconv.Itoa(i) + "/"
			atts = append(atts, fmt.Sprintf(`{"fileName":"%s","fileUrl":"%s","mimeType":"application/pdf","fileSize":10485760}`,
				escapeAll(strings.Repeat("ñ", db.MaxFileNameLen-4)+".pdf"), u+strings.Repeat("p", db.MaxURLLen-len(u))))
		}
		return fmt.Sprintf(`{"roleContext":"tourist","fullName":"%s","email":"%s","category":"General Inquiry",`+
			`"subject":"%s","message":"%s","language":"es","attachments":[%s]}`,
			escapeAll(strings.Repeat("ñ", db.MaxNameLen)), email, escapeAll(strings.Repeat("ñ", db.MaxSubjectLen)),
			message, strings.Join(atts, ","))
	}
	for _, tc := range []struct{ name, body string }{
		{"EscapedWithReferences", ticket(escapeAll(strings.Repeat("ñ", db.MaxMessageLen)), 20)},
		{"EscapedEmoji", ticket(escapeAll(strings.Repeat("😀", db.MaxMessageLen)), 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Logf("%d bytes", len(tc.body))
			if len(tc.body) > web.JSONBodyLimit {
				t.Fatalf("%d bytes, over the %d-byte limit", len(tc.body), web.JSONBodyLimit)
			}
			if r := s.do(t, "POST", "/api/support-tickets", "application/json", strings.NewReader(tc.body)); r.StatusCode != http.StatusCreated {
				t.Fatalf("status %d: %.300s", r.StatusCode, r.Body)
			}
		})
	}
}

// What one request may make the server hold is bounded by what our
// largest form needs, not per field: multipart text fields 64 KiB in all
// (300 requests of 63 fields of 64 KiB each took 1.78 GB), part headers
// (Go's multipart reader takes 10 MiB of one), urlencoded forms 16 KiB.
// The largest real form still fits: a 10,000-character message of
// four-byte characters with the other fields.
func TestBodyMemoryLimits(t *testing.T) {
	s := newTestServer(t)
	createFields := func(message string) []part {
		return []part{{Name: "roleContext", Value: "tourist"}, {Name: "fullName", Value: strings.Repeat("ñ", db.MaxNameLen)},
			{Name: "email", Value: "ana@example.com"}, {Name: "category", Value: "General Inquiry"},
			{Name: "subject", Value: strings.Repeat("ñ", db.MaxSubjectLen)}, {Name: "message", Value: message}}
	}
	multipartCreate := func(parts ...part) response {
		body, ct := multipartBody(t, parts...)
		return s.do(t, "POST", "/api/support-tickets", ct, body)
	}
	t.Run("LargestForm", func(t *testing.T) {
		if r := multipartCreate(append(createFields(strings.Repeat("😀", db.MaxMessageLen)),
			part{Name: "attachments", FileName: "a.txt", Value: textBytes})...); r.StatusCode != http.StatusCreated {
			t.Fatalf("status %d: %.300s", r.StatusCode, r.Body)
		}
	})
	t.Run("ErrFieldsTogether", func(t *testing.T) {
		parts := createFields("hola")
		for i := 0; i < 3; i++ {
			parts = append(parts, part{Name: "note" + strconv.Itoa(i), Value: strings.Repeat("n", 30<<10)})
		}
		if r := multipartCreate(parts...); r.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("three fields of 30 KiB: status %d, want 413: %.300s", r.StatusCode, r.Body)
		}
	})
	t.Run("ErrPartHeader", func(t *testing.T) {
		const b = "x"
		raw := "--" + b + "\r\nContent-Disposition: form-data; name=\"message\"\r\nX-Pad: " + strings.Repeat("p", 1<<20) +
			"\r\n\r\nhola\r\n--" + b + "--\r\n"
		r := s.do(t, "POST", "/api/support-tickets", "multipart/form-data; boundary="+b, strings.NewReader(raw))
		if r.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("a part header of 1 MiB: status %d, want 413: %.300s", r.StatusCode, r.Body)
		}
	})
	t.Run("ErrForm", func(t *testing.T) {
		b := s.newBrowser(t)
		form := url.Values{"email": {"a@b.c"}, "password": {strings.Repeat("p", web.FormBodyLimit)}}
		if r := b.postForm(t, "/agent/login", form); r.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("a %d-byte form: status %d, want 413", len(form.Encode()), r.StatusCode)
		}
	})
	t.Run("BulkFormFits", func(t *testing.T) {
		b := s.signIn(t, db.RoleAgent)
		form := url.Values{"status": {"open"}, "back": {"/agent?q=" + url.QueryEscape(strings.Repeat("ñ", 100)) + "&status=open&sort=-updatedAt&limit=200"}}
		for i := 0; i < web.MaxListLimit; i++ {
			form.Add("ids", strconv.Itoa(1000000+i))
		}
		form.Set(web.CSRFField, b.csrf(t))
		if n := len(form.Encode()); n > web.FormBodyLimit {
			t.Fatalf("a bulk form of %d ids is %d bytes, over the %d-byte limit", web.MaxListLimit, n, web.FormBodyLimit)
		}
		if r := b.postForm(t, "/agent/bulk", form); r.StatusCode == http.StatusRequestEntityTooLarge {
			t.Fatalf("a bulk form of %d ids: 413", web.MaxListLimit)
		}
	})
}

// A body must average Config.BodyMinRate once Config.BodyRateGrace has
// passed, as Apache's mod_reqtimeout MinRate: a trickle of a byte now and
// then, always within the idle timeout, held its connection for ever; it
// now gets 408. A slow but steady upload is untouched. Scaled down: one
// second of grace and 4 KiB/s, against a 30-second idle timeout.
func TestBodyMinRate(t *testing.T) {
	s := newTestServer(t, func(c *web.Config) { c.BodyMinRate = 4 << 10; c.BodyRateGrace = time.Second })
	c := s.createTicket(t, nil)
	body, ct := multipartBody(t, part{Name: "file", FileName: "notes.txt", Value: strings.Repeat("slow but steady\n", 6<<10)})
	head := fmt.Sprintf("POST /api/support-tickets/%d/attachments HTTP/1.1\r\nHost: helpdesk.test\r\nAuthorization: Bearer %s\r\n"+
		"Content-Type: %s\r\nContent-Length: %d\r\n\r\n", c.ID, c.AccessToken, ct, body.Len())
	send := func(t *testing.T, n int, gap time.Duration) (int, time.Duration) {
		start := time.Now()
		status, _ := sendSlowly(t, s, head, body.Bytes(), n, gap)
		return status, time.Since(start)
	}
	t.Run("SteadyUpload", func(t *testing.T) {
		// 96 KiB at 16 KiB a second: six times the grace, four times the rate.
		if status, _ := send(t, 4<<10, 250*time.Millisecond); status != http.StatusCreated {
			t.Fatalf("steady upload: %d, want 201", status)
		}
	})
	t.Run("ErrTrickle", func(t *testing.T) {
		// A byte every 200 ms: never silent for the idle timeout.
		status, took := send(t, 1, 200*time.Millisecond)
		if status != http.StatusRequestTimeout {
			t.Fatalf("trickle: %d, want 408", status)
		}
		if took > 20*time.Second {
			t.Errorf("trickle cut after %v, want soon after the one-second grace", took)
		}
		assertNoStrayFiles(t, s)
	})
}

// sendSlowly writes head, then body n bytes every gap until the server
// answers (or the body is sent), and returns the answer's status.
func sendSlowly(t *testing.T, s *testServer, head string, body []byte, n int, gap time.Duration) (int, []byte) {
	t.Helper()
	conn := dialServer(t, s)
	answered := make(chan struct{})
	go func() {
		conn.Write([]byte(head))
		for len(body) > 0 {
			k := min(n, len(body))
			if _, err := conn.Write(body[:k]); err != nil {
				return
			}
			body = body[k:]
			select {
			case <-answered:
				return
			case <-time.After(gap):
			}
		}
	}()
	defer close(answered)
	resp, b := readAnswer(t, conn, 120*time.Second)
	return resp.StatusCode, b
}

// Ids are written one way: a positive decimal without sign or leading
// zeros. "+1" and "01" named ticket 1; now they are malformed (400) in the
// API and name nothing (404) on the pages.
func TestCanonicalIDs(t *testing.T) {
	s := newTestServer(t)
	c := s.createTicket(t, nil)
	a := s.signIn(t, db.RoleAgent)
	id := strconv.FormatInt(c.ID, 10)
	for _, tc := range []struct {
		name, id  string
		api, page int
	}{
		{"OK", id, http.StatusOK, http.StatusOK},
		{"ErrPlus", "+" + id, http.StatusBadRequest, http.StatusNotFound},
		{"ErrLeadingZero", "0" + id, http.StatusBadRequest, http.StatusNotFound},
		{"ErrZero", "0", http.StatusBadRequest, http.StatusNotFound},
		{"ErrMinus", "-" + id, http.StatusBadRequest, http.StatusNotFound},
		{"ErrOverflow", "9223372036854775808", http.StatusBadRequest, http.StatusNotFound},
		{"ErrSpace", "%20" + id, http.StatusBadRequest, http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if r := s.do(t, "GET", "/api/support-tickets/"+tc.id, "", nil, bearer(s.AgentKey)...); r.StatusCode != tc.api {
				t.Errorf("API: %d, want %d", r.StatusCode, tc.api)
			}
			if r := s.do(t, "GET", "/api/support-tickets/"+tc.id, "", nil, bearer(c.AccessToken)...); r.StatusCode != tc.api {
				t.Errorf("API with the ticket's token: %d, want %d", r.StatusCode, tc.api)
			}
			if r := a.get(t, "/agent/tickets/"+tc.id); r.StatusCode != tc.page {
				t.Errorf("page: %d, want %d", r.StatusCode, tc.page)
			}
		})
	}
}

// dialServer opens a raw connection to the test server.
func dialServer(t *testing.T, s *testServer) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// readAnswer reads one answer from conn, waiting at most wait.
func readAnswer(t *testing.T, conn net.Conn, wait time.Duration) (*http.Response, []byte) {
	t.Helper()
	_ = conn.SetReadDeadline(time.Now().Add(wait))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}
