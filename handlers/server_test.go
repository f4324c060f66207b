package handlers

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/filestore"
	"github.com/kinconecta/helpdesk/handlers/web"
	"github.com/kinconecta/helpdesk/internal/storetest"
)

// testServer is the whole application on a real loopback port over a real
// database file in a temporary folder.
type testServer struct {
	URL   string
	DB    *db.DB
	Files *filestore.Store
	Dir   string
	// DBPlace is where the database is (storetest.Place): open it again
	// for a second process.
	DBPlace  string
	AgentKey string // an agent API key
	AdminKey string // an admin API key
	client   *http.Client
}

// newTestServer starts the application; options adjust its Config.
func newTestServer(t testing.TB, opts ...func(*web.Config)) *testServer {
	t.Helper()
	dir := t.TempDir()
	place := storetest.Place(t, dir)
	store, err := storetest.OpenAt(place)
	if err != nil {
		t.Fatal(err)
	}
	s := serveApp(t, store, dir, place, opts...)
	_, s.AgentKey, err = store.CreateAPIKey(t.Context(), "test agent", db.RoleAgent)
	if err != nil {
		t.Fatal(err)
	}
	_, s.AdminKey, err = store.CreateAPIKey(t.Context(), "test admin", db.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// serveApp serves the application over store (at place) with its files in
// dir, until the test ends, when it closes the store; options adjust its
// Config.
func serveApp(t testing.TB, store *db.DB, dir, place string, opts ...func(*web.Config)) *testServer {
	t.Helper()
	files, err := filestore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg := web.Config{BaseURL: "http://helpdesk.test", MaxFileBytes: 1 << 20, MaxFiles: 5, CreateRate: 0}
	for _, o := range opts {
		o(&cfg)
	}
	app := New(cfg, store, files)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	t.Cleanup(func() {
		_ = app.ShutdownWithTimeout(5 * time.Second)
		store.Close()
	})
	return &testServer{URL: "http://" + ln.Addr().String(), DB: store, Files: files, Dir: dir, DBPlace: place,
		client: &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}}}
}

// response is a finished HTTP exchange.
type response struct {
	*http.Response
	Body []byte
}

// JSON decodes the body into v, failing the test when it is not JSON.
func (r response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("body is not JSON (%v): %s", err, r.Body)
	}
}

// Problem decodes a problem+json body, checking its media type.
func (r response) Problem(t testing.TB) web.Problem {
	t.Helper()
	if got := r.Header.Get("Content-Type"); !strings.HasPrefix(got, "application/problem+json") {
		t.Fatalf("Content-Type = %q, want application/problem+json; body %s", got, r.Body)
	}
	var p web.Problem
	r.JSON(t, &p)
	if p.Status != r.StatusCode {
		t.Fatalf("problem status %d, HTTP status %d", p.Status, r.StatusCode)
	}
	return p
}

// do sends a request and checks the exchange against the OpenAPI document.
// headers are name, value pairs.
func (s *testServer) do(t testing.TB, method, path, contentType string, body io.Reader, headers ...string) response {
	t.Helper()
	var reqBody []byte
	if body != nil {
		var err error
		if reqBody, err = io.ReadAll(body); err != nil {
			t.Fatal(err)
		}
	}
	req, err := http.NewRequestWithContext(t.Context(), method, s.URL+path, bytes.NewReader(reqBody))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	checkOpenAPI(t, method, path, req.Header, reqBody, resp, b)
	return response{Response: resp, Body: b}
}

// bearer is the header pair for a credential.
func bearer(secret string) []string { return []string{"Authorization", "Bearer " + secret} }

// postJSON sends v as JSON.
func (s *testServer) postJSON(t testing.TB, path string, v any, headers ...string) response {
	t.Helper()
	var b []byte
	switch v := v.(type) {
	case string:
		b = []byte(v)
	default:
		var err error
		if b, err = json.Marshal(v); err != nil {
			t.Fatal(err)
		}
	}
	return s.do(t, "POST", path, "application/json", bytes.NewReader(b), headers...)
}

// part is one part of a multipart body: a field, or a file when FileName is set.
type part struct {
	Name, FileName, Value string
}

// quoteEscaper escapes a file name as mime/multipart's writer does.
var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"")

// multipartBody encodes parts and returns the body and its content type.
func multipartBody(t testing.TB, parts ...part) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		if p.FileName != "" {
			h.Set("Content-Disposition", `form-data; name="`+p.Name+`"; filename="`+quoteEscaper.Replace(p.FileName)+`"`)
			h.Set("Content-Type", "application/octet-stream")
		} else {
			h.Set("Content-Disposition", `form-data; name="`+p.Name+`"`)
		}
		pw, err := w.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		pw.Write([]byte(p.Value))
	}
	w.Close()
	return &buf, w.FormDataContentType()
}

// validTicket is the seed's example body with a real address.
func validTicket() map[string]any {
	return map[string]any{
		"roleContext": "tourist",
		"fullName":    "Ana Martinez",
		"email":       "ana.martinez@example.com",
		"subject":     "Question about tour cancellation",
		"category":    "General Inquiry",
		"message":     "What is your cancellation policy for tours booked less than 24 hours in advance?",
		"status":      "open",
		"createdAt":   "2026-03-10T11:00:00Z",
		"updatedAt":   "2026-03-10T11:00:00Z",
	}
}

// created is the create call's answer.
type created struct {
	db.Ticket
	AccessToken string `json:"accessToken"`
	TrackingURL string `json:"trackingUrl"`
}

// createTicket creates a ticket from fields over validTicket and returns it.
func (s *testServer) createTicket(t testing.TB, fields map[string]any) created {
	t.Helper()
	body := validTicket()
	for k, v := range fields {
		body[k] = v
	}
	r := s.postJSON(t, "/api/support-tickets", body)
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("create: status %d: %s", r.StatusCode, r.Body)
	}
	var c created
	r.JSON(t, &c)
	return c
}

// Small real files of each accepted type, and one we refuse.
var (
	pngBytes  = "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
	pdfBytes  = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
	textBytes = "Booking reference KC-1234\nPaid twice on 2026-03-09.\n"
	htmlBytes = "<!DOCTYPE html><html><script>alert(1)</script></html>"
)
