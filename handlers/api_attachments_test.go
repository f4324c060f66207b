package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/kinconecta/helpdesk/handlers/web"
)

func TestAttachments(t *testing.T) {
	s := newTestServer(t)
	c := s.createTicket(t, nil)
	other := s.createTicket(t, nil)
	base := "/api/support-tickets/" + strconv.FormatInt(c.ID, 10) + "/attachments"

	body, ct := multipartBody(t, part{Name: "file", FileName: `C:\Users\ana\captura "1".png`, Value: pngBytes},
		part{Name: "file", FileName: "informe.pdf", Value: pdfBytes})
	r := s.do(t, "POST", base, ct, body, bearer(c.AccessToken)...)
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("upload: %d %s", r.StatusCode, r.Body)
	}
	var atts []struct {
		ID       int64  `json:"id"`
		TicketID int64  `json:"ticketId"`
		FileName string `json:"fileName"`
		FileURL  string `json:"fileUrl"`
		MimeType string `json:"mimeType"`
		FileSize int64  `json:"fileSize"`
	}
	r.JSON(t, &atts)
	if len(atts) != 2 {
		t.Fatalf("got %d attachments", len(atts))
	}
	if a := atts[0]; a.FileName != `captura 1.png` || a.MimeType != "image/png" || a.FileSize != int64(len(pngBytes)) || a.TicketID != c.ID {
		t.Errorf("first attachment = %+v", a)
	}
	if want := "http://helpdesk.test" + base + "/" + strconv.FormatInt(atts[0].ID, 10); atts[0].FileURL != want {
		t.Errorf("fileUrl = %q, want %q", atts[0].FileURL, want)
	}
	one := base + "/" + strconv.FormatInt(atts[0].ID, 10)

	t.Run("List", func(t *testing.T) {
		r := s.do(t, "GET", base, "", nil, bearer(s.AgentKey)...)
		var got []map[string]any
		r.JSON(t, &got)
		if r.StatusCode != 200 || len(got) != 2 {
			t.Fatalf("list: %d %s", r.StatusCode, r.Body)
		}
	})
	t.Run("Download", func(t *testing.T) {
		for _, who := range [][]string{bearer(c.AccessToken), bearer(s.AgentKey)} {
			r := s.do(t, "GET", one, "", nil, who...)
			if r.StatusCode != 200 || string(r.Body) != pngBytes {
				t.Fatalf("download: %d, %d bytes", r.StatusCode, len(r.Body))
			}
			if got := r.Header.Get("Content-Disposition"); !strings.HasPrefix(got, "attachment;") || !strings.Contains(got, "captura 1.png") {
				t.Errorf("Content-Disposition = %q", got)
			}
			if got := r.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options = %q", got)
			}
			if got := r.Header.Get("Content-Type"); got != "image/png" {
				t.Errorf("Content-Type = %q", got)
			}
		}
	})
	denied := []struct {
		name    string
		method  string
		path    string
		headers []string
		want    int
	}{
		{"ErrAnonymousDownload", "GET", one, nil, 401},
		{"ErrOtherTokenDownload", "GET", one, bearer(other.AccessToken), 404},
		{"ErrOtherTokenList", "GET", base, bearer(other.AccessToken), 404},
		{"ErrWrongTicketInPath", "GET", "/api/support-tickets/" + strconv.FormatInt(other.ID, 10) + "/attachments/" + strconv.FormatInt(atts[0].ID, 10), bearer(s.AgentKey), 404},
		{"ErrRequesterDelete", "DELETE", one, bearer(c.AccessToken), 403},
		{"ErrNoSuchAttachment", "GET", base + "/999", bearer(s.AgentKey), 404},
	}
	for _, tc := range denied {
		t.Run(tc.name, func(t *testing.T) {
			r := s.do(t, tc.method, tc.path, "", nil, tc.headers...)
			if r.StatusCode != tc.want {
				t.Fatalf("status = %d, want %d", r.StatusCode, tc.want)
			}
			r.Problem(t)
		})
	}
	t.Run("AgentDelete", func(t *testing.T) {
		r := s.do(t, "DELETE", one, "", nil, bearer(s.AgentKey)...)
		if r.StatusCode != http.StatusNoContent {
			t.Fatalf("delete: %d %s", r.StatusCode, r.Body)
		}
		if r := s.do(t, "GET", one, "", nil, bearer(s.AgentKey)...); r.StatusCode != 404 {
			t.Errorf("after delete: %d", r.StatusCode)
		}
		if got := countFiles(t, s); got != 1 {
			t.Errorf("%d files on disk, want 1", got)
		}
	})
}

func TestUploadRefusals(t *testing.T) {
	s := newTestServer(t)
	c := s.createTicket(t, nil)
	base := "/api/support-tickets/" + strconv.FormatInt(c.ID, 10) + "/attachments"
	file := func(name, v string) part { return part{Name: "file", FileName: name, Value: v} }
	tests := []struct {
		name  string
		parts []part
		want  int
	}{
		{"ErrHTMLAsPNG", []part{file("a.png", pngBytes), file("evil.png", htmlBytes)}, 415},
		{"ErrSVG", []part{file("a.svg", `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)}, 415},
		{"ErrTooLarge", []part{file("a.png", pngBytes), file("big.txt", strings.Repeat("x", 1<<20+1))}, 413},
		{"ErrTooManyAtOnce", []part{file("1.txt", "a"), file("2.txt", "b"), file("3.txt", "c"), file("4.txt", "d"), file("5.txt", "e"), file("6.txt", "f")}, 413},
		{"ErrNoFile", []part{{Name: "note", Value: "hi"}}, 422},
		{"ErrWrongPartName", []part{{Name: "attachments", FileName: "a.png", Value: pngBytes}}, 422},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body, ct := multipartBody(t, tc.parts...)
			r := s.do(t, "POST", base, ct, body, bearer(c.AccessToken)...)
			if r.StatusCode != tc.want {
				t.Fatalf("status = %d, want %d: %s", r.StatusCode, tc.want, r.Body)
			}
			r.Problem(t)
			if got := countFiles(t, s); got != 0 {
				t.Errorf("%d files kept from a refused upload", got)
			}
			assertNoStrayFiles(t, s)
		})
	}
	t.Run("ErrTicketFull", func(t *testing.T) {
		for i := 0; i < 2; i++ {
			body, ct := multipartBody(t, file("a.txt", "a"), file("b.txt", "b"))
			if r := s.do(t, "POST", base, ct, body, bearer(c.AccessToken)...); r.StatusCode != 201 {
				t.Fatalf("upload %d: %d %s", i, r.StatusCode, r.Body)
			}
		}
		body, ct := multipartBody(t, file("c.txt", "c"), file("d.txt", "d"))
		r := s.do(t, "POST", base, ct, body, bearer(c.AccessToken)...)
		if r.StatusCode != 413 {
			t.Fatalf("status = %d, want 413: %s", r.StatusCode, r.Body)
		}
		if got := countFiles(t, s); got != 4 {
			t.Errorf("%d files, want 4", got)
		}
		assertNoStrayFiles(t, s)
	})
	t.Run("ErrClosedTicket", func(t *testing.T) {
		d := s.createTicket(t, nil)
		s.do(t, "PATCH", "/api/support-tickets/"+strconv.FormatInt(d.ID, 10), "application/json", strings.NewReader(`{"status":"closed"}`), bearer(s.AgentKey)...)
		body, ct := multipartBody(t, file("a.txt", "a"))
		r := s.do(t, "POST", "/api/support-tickets/"+strconv.FormatInt(d.ID, 10)+"/attachments", ct, body, bearer(d.AccessToken)...)
		if r.StatusCode != 409 {
			t.Fatalf("status = %d, want 409", r.StatusCode)
		}
		assertNoStrayFiles(t, s)
	})
}

func TestRateLimit(t *testing.T) {
	s := newTestServer(t, func(c *web.Config) { c.CreateRate = 3 })
	for i := 0; i < 3; i++ {
		s.createTicket(t, nil)
	}
	r := s.postJSON(t, "/api/support-tickets", validTicket())
	if r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("4th create: status %d, want 429", r.StatusCode)
	}
	if ra, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || ra <= 0 || ra > 60 {
		t.Errorf("Retry-After = %q", r.Header.Get("Retry-After"))
	}
	r.Problem(t)
	// Agents are not the public: their creates are not limited.
	if r := s.postJSON(t, "/api/support-tickets", validTicket(), bearer(s.AgentKey)...); r.StatusCode != http.StatusCreated {
		t.Errorf("agent create: %d", r.StatusCode)
	}
}

func TestHealth(t *testing.T) {
	s := newTestServer(t)
	for _, path := range []string{"/healthz", "/readyz"} {
		if r := s.do(t, "GET", path, "", nil); r.StatusCode != 200 {
			t.Errorf("%s: %d", path, r.StatusCode)
		}
	}
	// Probes carry no credentials worth checking, and may use HEAD.
	if r := s.do(t, "GET", "/healthz", "", nil, "Authorization", "Bearer stale"); r.StatusCode != 200 {
		t.Errorf("/healthz with a stale Authorization header: %d", r.StatusCode)
	}
	if r := s.do(t, "HEAD", "/readyz", "", nil); r.StatusCode != 200 {
		t.Errorf("HEAD /readyz: %d", r.StatusCode)
	}
	s.DB.Close()
	if r := s.do(t, "GET", "/readyz", "", nil); r.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/readyz with the database closed: %d, want 503", r.StatusCode)
	}
	if r := s.do(t, "GET", "/healthz", "", nil); r.StatusCode != 200 {
		t.Errorf("/healthz with the database closed: %d, want 200", r.StatusCode)
	}
}

// A file far over the limit must get the 413 answer, not a connection
// reset: the server reads (and discards) the rest of the body first.
func TestUploadFarOverLimitAnswers413(t *testing.T) {
	s := newTestServer(t)
	c := s.createTicket(t, nil)
	body, ct := multipartBody(t, part{Name: "file", FileName: "video.txt", Value: strings.Repeat("v", 8<<20)})
	r := s.do(t, "POST", "/api/support-tickets/"+strconv.FormatInt(c.ID, 10)+"/attachments", ct, body, bearer(c.AccessToken)...)
	if r.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("status = %d, want 413", r.StatusCode)
	}
	if p := r.Problem(t); !strings.Contains(p.Detail, "1 MB") {
		t.Errorf("detail = %q, want the limit named", p.Detail)
	}
	assertNoStrayFiles(t, s)
}
