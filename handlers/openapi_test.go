package handlers

import (
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/kinconecta/helpdesk/handlers/web"
)

// fiberParam matches a Fiber route parameter (":id"), which OpenAPI writes
// as "{id}".
var fiberParam = regexp.MustCompile(`:([A-Za-z0-9_]+)`)

// documentedRoutes lists the application's routes that the OpenAPI document
// must describe, as "METHOD /path/{param}".
func documentedRoutes(routes []web.Route) map[string]bool {
	out := map[string]bool{}
	for _, r := range routes {
		if describedPath(r.Path) {
			out[r.Method+" "+fiberParam.ReplaceAllString(r.Path, "{$1}")] = true
		}
	}
	return out
}

// TestOpenAPIDocument fetches the served document over HTTP and holds it to
// the route list in both directions: every API route is documented, and
// every documented operation is served.
func TestOpenAPIDocument(t *testing.T) {
	s := newTestServer(t)
	r := s.do(t, "GET", "/api/openapi.json", "", nil)
	if got, want := r.StatusCode, http.StatusOK; got != want {
		t.Fatalf("status %d, want %d: %s", got, want, r.Body)
	}
	if got := r.Header.Get("Content-Type"); !strings.HasPrefix(got, "application/json") {
		t.Fatalf("Content-Type = %q, want application/json", got)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(r.Body)
	if err != nil {
		t.Fatalf("the served document does not parse: %v", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("the served document is not valid OpenAPI: %v", err)
	}
	if !regexp.MustCompile(`^3\.1\.[0-9]+$`).MatchString(doc.OpenAPI) {
		t.Fatalf("openapi = %q, want 3.1.x", doc.OpenAPI)
	}

	served := documentedRoutes(Routes(web.Config{}, s.DB, s.Files))
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+path] = true
		}
	}
	for _, key := range sortedKeys(served) {
		t.Run("Documented/"+key, func(t *testing.T) {
			if !documented[key] {
				t.Errorf("%s is served but not in openapi.json", key)
			}
		})
	}
	for _, key := range sortedKeys(documented) {
		t.Run("Served/"+key, func(t *testing.T) {
			if !served[key] {
				t.Errorf("%s is in openapi.json but not in the route list", key)
			}
		})
	}
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestOpenAPIMessagesDocumented pins the answers CONTRACT §3 promises for
// the conversation, including the 403 a requester's internal note gets,
// which the route list alone cannot show.
func TestOpenAPIMessagesDocumented(t *testing.T) {
	doc, _, err := loadOpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ method, path, status string }{
		{"GET", "/api/support-tickets/{id}/messages", "200"},
		{"POST", "/api/support-tickets/{id}/messages", "201"},
		{"POST", "/api/support-tickets/{id}/messages", "403"},
	} {
		t.Run(tc.method+" "+tc.path+" "+tc.status, func(t *testing.T) {
			item := doc.Paths.Value(tc.path)
			if item == nil || item.GetOperation(tc.method) == nil {
				t.Fatalf("%s %s is not documented", tc.method, tc.path)
			}
			if item.GetOperation(tc.method).Responses.Value(tc.status) == nil {
				t.Fatalf("%s %s does not document %s", tc.method, tc.path, tc.status)
			}
		})
	}
}

// TestOpenAPIRareResponses drives, over the real stack, responses the
// document describes that other tests seldom reach, so the checker holds
// them to the document too.
func TestOpenAPIRareResponses(t *testing.T) {
	s := newTestServer(t, func(c *web.Config) { c.CreateRate = 3 })
	c := s.createTicket(t, map[string]any{"attachments": []any{map[string]any{
		"fileName": "receipt.pdf", "fileUrl": "https://files.kinconecta.com/r/1.pdf", "mimeType": "application/pdf", "fileSize": 1234,
	}}})
	ticket := "/api/support-tickets/" + strconv.FormatInt(c.ID, 10)
	upload := func() (io.Reader, string) {
		b, ct := multipartBody(t, part{Name: "file", FileName: "notes.txt", Value: textBytes})
		return b, ct
	}
	note, noteCT := multipartBody(t, part{Name: "body", Value: "Checked the logs"}, part{Name: "internal", Value: "On"},
		part{Name: "attachments", FileName: "log.txt", Value: textBytes})
	for _, tc := range []struct {
		name    string
		method  string
		path    string
		body    func() (io.Reader, string)
		headers []string
		want    []int
	}{
		{name: "ReferenceHasNoBytesHere", method: "GET", path: ticket + "/attachments/" + strconv.FormatInt(c.Attachments[0].ID, 10),
			headers: bearer(c.AccessToken), want: []int{http.StatusConflict}},
		{name: "AgentNoteAsForm", method: "POST", path: ticket + "/messages",
			body: func() (io.Reader, string) { return note, noteCT }, headers: bearer(s.AgentKey), want: []int{http.StatusCreated}},
		{name: "BadCredentialOnPublicRoute", method: "GET", path: "/api/openapi.json",
			headers: bearer("hdk_not-a-key"), want: []int{http.StatusUnauthorized}},
		{name: "UnknownMethod", method: "PUT", path: ticket, headers: bearer(s.AgentKey),
			want: []int{http.StatusNotFound, http.StatusMethodNotAllowed}},
		{name: "UnknownPath", method: "GET", path: "/api/support-tickets/1/nothing", headers: bearer(s.AgentKey),
			want: []int{http.StatusNotFound}},
		// The create above spent one of three; two uploads spend the rest.
		{name: "UploadWithinLimit", method: "POST", path: ticket + "/attachments", body: upload,
			headers: bearer(c.AccessToken), want: []int{http.StatusCreated}},
		{name: "UploadAtLimit", method: "POST", path: ticket + "/attachments", body: upload,
			headers: bearer(c.AccessToken), want: []int{http.StatusCreated}},
		{name: "UploadRateLimited", method: "POST", path: ticket + "/attachments", body: upload,
			headers: bearer(c.AccessToken), want: []int{http.StatusTooManyRequests}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var body io.Reader
			var ct string
			if tc.body != nil {
				body, ct = tc.body()
			}
			r := s.do(t, tc.method, tc.path, ct, body, tc.headers...)
			if !slices.Contains(tc.want, r.StatusCode) {
				t.Fatalf("status %d, want one of %v: %s", r.StatusCode, tc.want, r.Body)
			}
		})
	}
}

// errorRecorder is a testing.TB that records Errorf instead of failing, so
// the checker's own verdicts can be tested.
type errorRecorder struct {
	testing.TB
	errs []string
}

func (r *errorRecorder) Helper() {}

func (r *errorRecorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// A ticket as the server writes it, to build exchanges from.
const (
	ticketJSON = `{"id":1,"roleContext":"tourist","fullName":"Ana Martinez","email":"ana.martinez@example.com",` +
		`"subject":"Question about tour cancellation","category":"General Inquiry","message":"What is your policy?",` +
		`"status":"open","priority":"normal","assigneeId":null,"language":"en",` +
		`"createdAt":"2026-03-10T11:00:00Z","updatedAt":"2026-03-10T11:00:00Z",` +
		`"awaiting":"agent","lastMessageAt":"2026-03-10T11:00:00Z","tags":[],"mergedInto":null,"attachments":[]}`
	createdJSON = `{"id":1,"roleContext":"tourist","fullName":"Ana Martinez","email":"ana.martinez@example.com",` +
		`"subject":"Question about tour cancellation","category":"General Inquiry","message":"What is your policy?",` +
		`"status":"open","priority":"normal","assigneeId":null,"language":"en",` +
		`"createdAt":"2026-03-10T11:00:00Z","updatedAt":"2026-03-10T11:00:00Z",` +
		`"awaiting":"agent","lastMessageAt":"2026-03-10T11:00:00Z","tags":[],"mergedInto":null,"attachments":[],` +
		`"accessToken":"hdt_hKJaqP1TQStRMApW8BlEYbW2zmcoLWOM02UDoBU30_w",` +
		`"trackingUrl":"http://helpdesk.test/track/hdt_hKJaqP1TQStRMApW8BlEYbW2zmcoLWOM02UDoBU30_w"}`
	seedBody = `{"roleContext":"tourist","fullName":"Ana Martinez","email":"ana.martinez@example.com",` +
		`"subject":"Question","category":"General Inquiry","message":"Hello","status":"open",` +
		`"createdAt":"2026-03-10T11:00:00Z","updatedAt":"2026-03-10T11:00:00Z"}`
)

// TestCheckOpenAPI proves the checker that runs on every test exchange
// catches what it is there to catch, and passes what the server rightly
// sends. Without it a checker that accepted everything would look green.
func TestCheckOpenAPI(t *testing.T) {
	problem := func(status int) string {
		return fmt.Sprintf(`{"type":"about:blank","title":%q,"status":%d,"detail":"x"}`, http.StatusText(status), status)
	}
	jsonH := http.Header{"Content-Type": {"application/json"}}
	problemH := http.Header{"Content-Type": {"application/problem+json"}}
	with := func(h http.Header, kv ...string) http.Header {
		h = h.Clone()
		for i := 0; i+1 < len(kv); i += 2 {
			h.Set(kv[i], kv[i+1])
		}
		return h
	}
	download := http.Header{
		"Content-Type":           {"image/png"},
		"Content-Disposition":    {`attachment; filename="a.png"`},
		"X-Content-Type-Options": {"nosniff"},
	}
	for _, tc := range []struct {
		name        string
		method      string
		path        string
		reqCT       string
		reqBody     string
		status      int
		header      http.Header
		body        string
		wantFailure bool
	}{
		{name: "OKHealth", method: "GET", path: "/healthz", status: 200, header: jsonH, body: `{"status":"ok"}`},
		{name: "OKTicket", method: "GET", path: "/api/support-tickets/1", status: 200, header: jsonH, body: ticketJSON},
		{name: "OKAssignee", method: "GET", path: "/api/support-tickets/1", status: 200, header: jsonH,
			body: strings.Replace(ticketJSON, `"assigneeId":null`, `"assigneeId":7`, 1)},
		{name: "OKCreated", method: "POST", path: "/api/support-tickets", reqCT: "application/json", reqBody: seedBody,
			status: 201, header: with(jsonH, "Location", "/api/support-tickets/1"), body: createdJSON},
		{name: "OKRefusedMalformedRequest", method: "POST", path: "/api/support-tickets", reqCT: "application/json",
			reqBody: `{"fullName": 5}`, status: 422, header: problemH,
			body: `{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"Some fields are not valid.","errors":[{"field":"fullName","message":"must be a string"}]}`},
		{name: "OKUnauthorized", method: "GET", path: "/api/support-tickets", status: 401,
			header: with(problemH, "WWW-Authenticate", `Bearer realm="helpdesk"`), body: problem(401)},
		{name: "OKUnknownAPIPath", method: "GET", path: "/api/nope", status: 404, header: problemH, body: problem(404)},
		{name: "OKUnknownMethod", method: "PUT", path: "/api/support-tickets/1", status: 405, header: problemH, body: problem(405)},
		{name: "OKHeadRefused", method: "HEAD", path: "/api/support-tickets", status: 405, header: problemH},
		{name: "OKPageIgnored", method: "GET", path: "/", status: 200, header: http.Header{"Content-Type": {"text/html"}}, body: "<html>"},
		{name: "OKDownload", method: "GET", path: "/api/support-tickets/1/attachments/2", status: 200, header: download, body: pngBytes},
		{name: "OKNoContent", method: "DELETE", path: "/api/support-tickets/1", status: 204},

		{name: "ErrUndocumentedStatus", method: "GET", path: "/healthz", status: 418, header: jsonH, body: `{"status":"ok"}`, wantFailure: true},
		{name: "ErrUnknownField", method: "GET", path: "/api/support-tickets/1", status: 200, header: jsonH,
			body: strings.Replace(ticketJSON, `"id":1,`, `"id":1,"secret":"x",`, 1), wantFailure: true},
		{name: "ErrTokenOnPlainTicket", method: "GET", path: "/api/support-tickets/1", status: 200, header: jsonH, body: createdJSON, wantFailure: true},
		{name: "ErrMissingField", method: "GET", path: "/api/support-tickets/1", status: 200, header: jsonH,
			body: strings.Replace(ticketJSON, `"language":"en",`, ``, 1), wantFailure: true},
		{name: "ErrBadAssignee", method: "GET", path: "/api/support-tickets/1", status: 200, header: jsonH,
			body: strings.Replace(ticketJSON, `"assigneeId":null`, `"assigneeId":"7"`, 1), wantFailure: true},
		{name: "ErrTimestampNotUTC", method: "GET", path: "/api/support-tickets/1", status: 200, header: jsonH,
			body: strings.Replace(ticketJSON, `"createdAt":"2026-03-10T11:00:00Z"`, `"createdAt":"2026-03-10T11:00:00+01:00"`, 1), wantFailure: true},
		{name: "ErrWrongContentType", method: "GET", path: "/api/support-tickets/1", status: 200,
			header: http.Header{"Content-Type": {"text/html"}}, body: ticketJSON, wantFailure: true},
		{name: "ErrCreatedWithoutLocation", method: "POST", path: "/api/support-tickets", reqCT: "application/json", reqBody: seedBody,
			status: 201, header: jsonH, body: createdJSON, wantFailure: true},
		{name: "ErrAcceptedInvalidRequest", method: "POST", path: "/api/support-tickets", reqCT: "application/json",
			reqBody: `{"fullName": 5}`, status: 201, header: with(jsonH, "Location", "/api/support-tickets/1"), body: createdJSON, wantFailure: true},
		{name: "ErrUnauthorizedWithoutChallenge", method: "GET", path: "/api/support-tickets", status: 401, header: problemH, body: problem(401), wantFailure: true},
		{name: "ErrProblemStatusDiffers", method: "GET", path: "/api/support-tickets/9", status: 404, header: problemH, body: problem(400), wantFailure: true},
		{name: "ErrUnknownAPIPathServed", method: "GET", path: "/api/nope", status: 200, header: jsonH, body: `{}`, wantFailure: true},
		{name: "ErrDownloadSniffable", method: "GET", path: "/api/support-tickets/1/attachments/2", status: 200,
			header: func() http.Header { h := download.Clone(); h.Del("X-Content-Type-Options"); return h }(), body: pngBytes, wantFailure: true},
		{name: "ErrBodyOnNoContent", method: "DELETE", path: "/api/support-tickets/1", status: 204, body: `{}`, wantFailure: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reqHeader := http.Header{}
			if tc.reqCT != "" {
				reqHeader.Set("Content-Type", tc.reqCT)
			}
			header := tc.header
			if header == nil {
				header = http.Header{}
			}
			resp := &http.Response{StatusCode: tc.status, Status: fmt.Sprintf("%d %s", tc.status, http.StatusText(tc.status)),
				Header: header, Body: io.NopCloser(strings.NewReader(tc.body))}
			rec := &errorRecorder{TB: t}
			checkOpenAPI(rec, tc.method, tc.path, reqHeader, []byte(tc.reqBody), resp, []byte(tc.body))
			for _, e := range rec.errs {
				t.Logf("checker: %s", e)
			}
			if got := len(rec.errs) > 0; got != tc.wantFailure {
				t.Fatalf("checker failed = %v, want %v; errors: %q", got, tc.wantFailure, rec.errs)
			}
		})
	}
}
