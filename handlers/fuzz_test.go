package handlers

// Fuzz targets for the three places the API parses untrusted bytes: JSON
// create bodies, multipart bodies (create and upload) and the list query.
// Each target starts one server per process (outside f.Fuzz) and checks,
// through the real stack, that bad input is refused with a problem+json
// answer, never a 5xx, and that a refusal leaves nothing behind: no ticket
// row, no attachment row, no file. `go test` runs the seeds; `make fuzz`
// (or `go test -run '^$' -fuzz FuzzX ./handlers`) explores from them.
// Every input costs several requests and commits, so short runs want
// -fuzzminimizetime 200x: the default spends up to a minute minimising
// each new input, executing nothing new meanwhile.

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/filestore"
	"github.com/kinconecta/helpdesk/handlers/api"
	"github.com/kinconecta/helpdesk/handlers/web"
)

// FuzzCreateTicketJSON posts arbitrary bytes as application/json. Property:
// 201, or 400/413/415/422 with problem+json; a refusal adds no ticket; an
// accepted ticket reads back with its trimmed fields and no stored field
// holds NUL or invalid UTF-8.
func FuzzCreateTicketJSON(f *testing.F) {
	s := newTestServer(f, func(c *web.Config) { c.CreateRate, c.MaxFiles = 0, fuzzJSONMaxFiles })
	for _, seed := range fuzzJSONSeeds(f) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		// The decoder alone, in process: whatever it refuses is a domain
		// error the error handler can map, never a panic or a bare error.
		if obj := map[string]json.RawMessage{}; json.Unmarshal(body, &obj) == nil {
			if _, err := api.NewTicketFromJSON(obj, fuzzJSONMaxFiles); err != nil {
				if code := db.ErrorCode(err); code != db.EINVALID && code != db.ETOOLARGE {
					t.Fatalf("NewTicketFromJSON: error %q has code %s", err, code)
				}
			}
		}

		before := fuzzTicketCount(t, s)
		r := s.do(t, "POST", "/api/support-tickets", "application/json", bytes.NewReader(body))
		after := fuzzTicketCount(t, s)
		if r.StatusCode != http.StatusCreated {
			fuzzCheckRefusal(t, r, 400, 413, 415, 422)
			if after != before {
				t.Fatalf("refused with %d but the ticket count went from %d to %d", r.StatusCode, before, after)
			}
			return
		}
		if after != before+1 {
			t.Fatalf("created, but the ticket count went from %d to %d", before, after)
		}
		var c created
		r.JSON(t, &c)
		if got, want := r.Header.Get("Location"), "/api/support-tickets/"+strconv.FormatInt(c.ID, 10); got != want {
			t.Fatalf("Location = %q, want %q", got, want)
		}
		if !strings.HasPrefix(c.AccessToken, db.TicketTokenPrefix) {
			t.Fatalf("accessToken %q lacks the %s prefix", c.AccessToken, db.TicketTokenPrefix)
		}
		back := s.do(t, "GET", "/api/support-tickets/"+strconv.FormatInt(c.ID, 10), "", nil, bearer(s.AgentKey)...)
		if back.StatusCode != http.StatusOK {
			t.Fatalf("read back: status %d: %s", back.StatusCode, back.Body)
		}
		if !utf8.Valid(back.Body) || bytes.Contains(back.Body, []byte(`\u0000`)) {
			t.Fatalf("read back holds NUL or invalid UTF-8: %q", back.Body)
		}
		var got db.Ticket
		back.JSON(t, &got)
		fuzzCheckSameTicket(t, c.Ticket, got)
		fuzzCheckTicketAgainstBody(t, s, body, got)
		// JSON encoding hides invalid UTF-8 behind U+FFFD, so look at what
		// the database actually holds too.
		stored, err := s.DB.Ticket(t.Context(), c.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		fuzzCheckClean(t, stored)
	})
}

// FuzzMultipart sends arbitrary multipart bodies, under an arbitrary
// boundary, to the create endpoint and to the upload endpoint of an open
// ticket (which already holds one file) or of a closed one. Property: 201,
// or 400/409/413/415/422 with problem+json; a refusal adds no ticket, no
// attachment row and no file; the temporary folder is empty after every
// request; an accepted file is stored whole, with its detected type.
func FuzzMultipart(f *testing.F) {
	// Small limits so the fuzzer reaches the size and count refusals with
	// small inputs.
	s := newTestServer(f, func(c *web.Config) {
		c.CreateRate = 0
		c.MaxFileBytes = 4 << 10
		c.MaxFiles = 3
	})
	closed := s.createTicket(f, nil)
	if r := s.do(f, "PATCH", fuzzTicketPath(closed.ID), "application/json",
		strings.NewReader(`{"status":"closed"}`), bearer(s.AgentKey)...); r.StatusCode != http.StatusOK {
		f.Fatalf("close: status %d: %s", r.StatusCode, r.Body)
	}
	open := fuzzTicketWithOneFile(f, s)
	for _, seed := range fuzzMultipartSeeds(f) {
		f.Add(seed.boundary, seed.body, seed.closed)
	}
	f.Fuzz(func(t *testing.T, boundary string, body []byte, toClosed bool) {
		ct := fuzzMultipartType(boundary)

		// Create.
		tickets, files := fuzzTicketCount(t, s), fuzzStoredFiles(t, s)
		r := s.do(t, "POST", "/api/support-tickets", ct, bytes.NewReader(body))
		filesAfter := fuzzStoredFiles(t, s)
		if r.StatusCode == http.StatusCreated {
			var c created
			r.JSON(t, &c)
			if got, want := fuzzTicketCount(t, s), tickets+1; got != want {
				t.Fatalf("created, but %d tickets, want %d", got, want)
			}
			fuzzCheckClean(t, c.Ticket)
			fuzzCheckNewFiles(t, files, filesAfter, len(c.Attachments))
			fuzzCheckStoredParts(t, s, ct, body, "attachments", c.ID, c.AccessToken, c.Attachments)
		} else {
			fuzzCheckRefusal(t, r, 400, 413, 415, 422)
			if got := fuzzTicketCount(t, s); got != tickets {
				t.Fatalf("create refused with %d, but %d tickets, want %d", r.StatusCode, got, tickets)
			}
			fuzzCheckNewFiles(t, files, filesAfter, 0)
		}

		// Upload.
		target := open
		if toClosed {
			target = closed
		}
		rows, files := fuzzAttachmentCount(t, s, target), fuzzStoredFiles(t, s)
		r = s.do(t, "POST", fuzzTicketPath(target.ID)+"/attachments", ct, bytes.NewReader(body), bearer(target.AccessToken)...)
		filesAfter = fuzzStoredFiles(t, s)
		rowsAfter := fuzzAttachmentCount(t, s, target)
		if r.StatusCode == http.StatusCreated {
			if toClosed {
				t.Fatalf("upload to a closed ticket answered 201: %s", r.Body)
			}
			var atts []db.Attachment
			r.JSON(t, &atts)
			if len(atts) == 0 || rowsAfter != rows+len(atts) {
				t.Fatalf("upload answered %d attachments; rows went from %d to %d", len(atts), rows, rowsAfter)
			}
			fuzzCheckNewFiles(t, files, filesAfter, len(atts))
			fuzzCheckStoredParts(t, s, ct, body, "file", target.ID, target.AccessToken, atts)
			// Every input starts from a ticket holding exactly one file,
			// so a failure reproduces from its input alone.
			open = fuzzTicketWithOneFile(t, s)
			return
		}
		fuzzCheckRefusal(t, r, 400, 409, 413, 415, 422)
		if rowsAfter != rows {
			t.Fatalf("upload refused with %d, but attachment rows went from %d to %d", r.StatusCode, rows, rowsAfter)
		}
		fuzzCheckNewFiles(t, files, filesAfter, 0)
	})
}

// FuzzListQuery gives arbitrary query strings to web.ParseListQuery and to
// GET /api/support-tickets. Property: the parser answers a usable filter or
// a 400 naming given parameters; the endpoint answers 200 (a JSON array of
// at most limit tickets that match the filter, in order, with a
// non-negative X-Total-Count and a working next link) or 400 problem+json,
// agreeing with the parser.
func FuzzListQuery(f *testing.F) {
	s := newTestServer(f, func(c *web.Config) { c.CreateRate = 0 })
	for _, tk := range []struct {
		fields map[string]any
		status string
	}{
		{map[string]any{}, ""},
		{map[string]any{"roleContext": "GUIDE", "category": "PAGOS_FACTURACION", "subject": "Cobro doble", "message": "Me cobraron dos veces la reserva de mañana."}, "in_progress"},
		{map[string]any{"roleContext": "guest", "category": "Technical Issue", "email": "Luis.Perez@Example.com", "subject": "App crashes", "message": "The app crashes when I upload a photo."}, "resolved"},
		{map[string]any{"category": "RESERVAS_VIAJES", "status": "created", "subject": "Booking NEAR the beach", "message": "\"quoted\" OR words AND (parentheses)*"}, ""},
		{map[string]any{"roleContext": "Tourist", "category": "OTRO", "subject": "Refund", "message": "Please refund booking KC-1234."}, "closed"},
		{map[string]any{"category": "CUENTA_SEGURIDAD", "subject": "Password reset", "message": "I cannot reset my password."}, ""},
	} {
		c := s.createTicket(f, tk.fields)
		if tk.status != "" {
			r := s.do(f, "PATCH", fuzzTicketPath(c.ID), "application/json",
				strings.NewReader(`{"status":"`+tk.status+`"}`), bearer(s.AgentKey)...)
			if r.StatusCode != http.StatusOK {
				f.Fatalf("PATCH status %s: %d: %s", tk.status, r.StatusCode, r.Body)
			}
		}
	}
	for _, seed := range fuzzListSeeds(f, s) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		lookup := func(name string) (int64, error) {
			c, err := s.DB.FindCategory(t.Context(), name)
			return c.ID, err
		}
		// The parser alone, on whatever ParseQuery makes of the raw bytes
		// (it keeps the pairs it could parse even when it reports an error).
		q, _ := url.ParseQuery(raw)
		filter, err := web.ParseListQuery(q, lookup)
		fuzzCheckFilter(t, q, filter, err)

		// The endpoint, with the bytes that cannot travel in a request line
		// escaped; '%' stays as it is so malformed escapes reach the server.
		sent := fuzzEscapeQuery(raw)
		wantOK := false
		if q, err := url.ParseQuery(sent); err == nil {
			filter, err = web.ParseListQuery(q, lookup)
			wantOK = err == nil
		}
		r := s.do(t, "GET", "/api/support-tickets?"+sent, "", nil, bearer(s.AgentKey)...)
		if r.StatusCode != http.StatusOK {
			fuzzCheckRefusal(t, r, 400)
			if wantOK {
				t.Fatalf("query %q: parser accepts it, endpoint answered %d: %s", sent, r.StatusCode, r.Body)
			}
			return
		}
		if !wantOK {
			t.Fatalf("query %q: parser refuses it, endpoint answered 200", sent)
		}
		page := fuzzCheckPage(t, s, filter, r)
		m := fuzzNextLink.FindStringSubmatch(r.Header.Get("Link"))
		if m == nil {
			if r.Header.Get("Link") != "" {
				t.Fatalf("malformed Link header %q", r.Header.Get("Link"))
			}
			return
		}
		if len(page) != filter.Limit {
			t.Fatalf("next link on a page of %d tickets, limit %d", len(page), filter.Limit)
		}
		next := s.do(t, "GET", m[1], "", nil, bearer(s.AgentKey)...)
		if next.StatusCode != http.StatusOK {
			t.Fatalf("next link %s: status %d: %s", m[1], next.StatusCode, next.Body)
		}
		if got, want := next.Header.Get("X-Total-Count"), r.Header.Get("X-Total-Count"); got != want {
			t.Fatalf("next page X-Total-Count %s, first page %s", got, want)
		}
		for _, tk := range fuzzCheckPage(t, s, filter, next) {
			if slices.ContainsFunc(page, func(p db.Ticket) bool { return p.ID == tk.ID }) {
				t.Fatalf("ticket %d is on both pages", tk.ID)
			}
		}
	})
}

// fuzzNextLink matches the list's Link header.
var fuzzNextLink = regexp.MustCompile(`^<(/api/support-tickets\?[^>]*)>; rel="next"$`)

// fuzzJSONMaxFiles is FuzzCreateTicketJSON's attachments-per-ticket limit.
const fuzzJSONMaxFiles = 5

func fuzzTicketPath(id int64) string { return "/api/support-tickets/" + strconv.FormatInt(id, 10) }

// fuzzCheckRefusal checks a refusal: one of the allowed statuses, answered
// as problem+json.
func fuzzCheckRefusal(t *testing.T, r response, allowed ...int) {
	t.Helper()
	if !slices.Contains(allowed, r.StatusCode) {
		t.Fatalf("status %d, want success or one of %v: %s", r.StatusCode, allowed, r.Body)
	}
	r.Problem(t)
}

// fuzzTicketCount counts every ticket in the database.
func fuzzTicketCount(t testing.TB, s *testServer) int {
	t.Helper()
	page, err := s.DB.ListTickets(t.Context(), db.TicketFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return page.Total
}

// fuzzAttachmentCount counts a ticket's attachment rows, as its holder
// sees them.
func fuzzAttachmentCount(t testing.TB, s *testServer, c created) int {
	t.Helper()
	r := s.do(t, "GET", fuzzTicketPath(c.ID)+"/attachments", "", nil, bearer(c.AccessToken)...)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("list attachments: status %d: %s", r.StatusCode, r.Body)
	}
	var atts []db.Attachment
	r.JSON(t, &atts)
	return len(atts)
}

// fuzzStoredFiles lists the stored files by name and fails when the
// temporary folder is not empty: no request may leave a partial upload.
func fuzzStoredFiles(t testing.TB, s *testServer) map[string]bool {
	t.Helper()
	tmp, err := os.ReadDir(filepath.Join(s.Files.Dir(), "tmp"))
	if err != nil {
		t.Fatal(err)
	}
	if len(tmp) != 0 {
		t.Fatalf("%d files left in the temporary folder", len(tmp))
	}
	entries, err := os.ReadDir(s.Files.Dir())
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, e := range entries {
		if !e.IsDir() {
			names[e.Name()] = true
		}
	}
	return names
}

// fuzzCheckNewFiles checks that after holds every file of before plus
// exactly added new ones.
func fuzzCheckNewFiles(t *testing.T, before, after map[string]bool, added int) {
	t.Helper()
	for name := range before {
		if !after[name] {
			t.Fatalf("stored file %s disappeared", name)
		}
	}
	if got := len(after) - len(before); got != added {
		t.Fatalf("%d new files in the attachments folder, want %d", got, added)
	}
}

// fuzzTicketWithOneFile creates a ticket and uploads one file to it, so
// uploads can be refused for the per-ticket limit, not only per request.
func fuzzTicketWithOneFile(t testing.TB, s *testServer) created {
	t.Helper()
	c := s.createTicket(t, nil)
	body, ct := multipartBody(t, part{Name: "file", FileName: "first.txt", Value: textBytes})
	r := s.do(t, "POST", fuzzTicketPath(c.ID)+"/attachments", ct, body, bearer(c.AccessToken)...)
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("first upload: status %d: %s", r.StatusCode, r.Body)
	}
	return c
}

// fuzzMultipartType builds the Content-Type for a fuzzed boundary, quoting
// it when needed and dropping the bytes no HTTP header can carry.
func fuzzMultipartType(boundary string) string {
	ct := mime.FormatMediaType("multipart/form-data", map[string]string{"boundary": boundary})
	if ct == "" {
		ct = "multipart/form-data; boundary=" + boundary
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToValidUTF8(ct, ""))
}

// fuzzFilePart is a file part as the standard library reads it.
type fuzzFilePart struct {
	name string
	data []byte
}

// fuzzCheckStoredParts checks accepted attachments against the file parts
// named field in body: same count and order, the whole bytes served back,
// the type detected from them and the name cleaned of any path.
func fuzzCheckStoredParts(t *testing.T, s *testServer, ct string, body []byte, field string, ticketID int64, token string, atts []db.Attachment) {
	t.Helper()
	_, params, err := mime.ParseMediaType(ct)
	if err != nil {
		t.Fatalf("accepted a body whose Content-Type %q does not parse: %v", ct, err)
	}
	var parts []fuzzFilePart
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("accepted a body the standard library cannot read: %v", err)
		}
		b, err := io.ReadAll(p)
		if err != nil {
			t.Fatalf("accepted a body the standard library cannot read: %v", err)
		}
		if p.FormName() == field && p.FileName() != "" {
			parts = append(parts, fuzzFilePart{name: p.FileName(), data: b})
		}
	}
	if len(parts) != len(atts) {
		t.Fatalf("%d file parts named %q, %d attachments stored", len(parts), field, len(atts))
	}
	for i, a := range atts {
		p := parts[i]
		// DetectType reads as much of the bytes as its detector needs.
		detected := filestore.DetectType(p.data)
		switch {
		case a.TicketID != ticketID:
			t.Fatalf("attachment %d: ticketId %d, want %d", i, a.TicketID, ticketID)
		case a.FileSize != int64(len(p.data)):
			t.Fatalf("attachment %d: fileSize %d, part has %d bytes", i, a.FileSize, len(p.data))
		case a.MimeType != detected || !db.IsAllowedType(a.MimeType):
			t.Fatalf("attachment %d: mimeType %q, content is %q", i, a.MimeType, detected)
		case a.FileName != filestore.NameFor(p.name, detected):
			t.Fatalf("attachment %d: fileName %q, want %q", i, a.FileName, filestore.NameFor(p.name, detected))
		}
		r := s.do(t, "GET", fuzzTicketPath(ticketID)+"/attachments/"+strconv.FormatInt(a.ID, 10), "", nil, bearer(token)...)
		if r.StatusCode != http.StatusOK || !bytes.Equal(r.Body, p.data) {
			t.Fatalf("attachment %d: download status %d, %d bytes, want the part's %d bytes", i, r.StatusCode, len(r.Body), len(p.data))
		}
	}
}

// fuzzCheckSameTicket checks that the create answer and the read back agree.
func fuzzCheckSameTicket(t *testing.T, want, got db.Ticket) {
	t.Helper()
	pairs := [][2]any{
		{got.ID, want.ID}, {got.RoleContext, want.RoleContext}, {got.FullName, want.FullName},
		{got.Email, want.Email}, {got.Subject, want.Subject}, {got.Category, want.Category},
		{got.Message, want.Message}, {got.Status, want.Status}, {got.Language, want.Language},
		{len(got.Attachments), len(want.Attachments)},
	}
	for i, p := range pairs {
		if p[0] != p[1] {
			t.Fatalf("field %d: read back %v, create answered %v", i, p[0], p[1])
		}
	}
}

// fuzzCheckTicketAgainstBody checks an accepted ticket against the body
// that created it, decoded independently: text fields trimmed, role,
// status and category in their canonical forms, references as given.
func fuzzCheckTicketAgainstBody(t *testing.T, s *testServer, body []byte, got db.Ticket) {
	t.Helper()
	// UseNumber: an ignored member may hold a number no float64 can (1e999).
	var obj map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&obj); err != nil {
		t.Fatalf("accepted a body that is not a JSON object: %v", err)
	}
	str := func(name string) string {
		switch v := obj[name].(type) {
		case nil:
			return ""
		case string:
			return v
		default:
			t.Fatalf("accepted %s of type %T", name, v)
			return ""
		}
	}
	for _, c := range []struct{ name, got string }{
		{"fullName", got.FullName}, {"email", got.Email}, {"subject", got.Subject}, {"message", got.Message},
	} {
		if want := strings.TrimSpace(str(c.name)); c.got != want {
			t.Fatalf("%s = %q, want %q", c.name, c.got, want)
		}
	}
	if role, ok := db.ParseRole(str("roleContext")); !ok || got.RoleContext != role {
		t.Fatalf("roleContext = %q from %q", got.RoleContext, str("roleContext"))
	}
	wantStatus := db.StatusOpen
	if in := str("status"); in != "" {
		wantStatus, _ = db.ParseStatus(in)
	}
	if got.Status != wantStatus || (got.Status != db.StatusOpen && got.Status != db.StatusCreated) {
		t.Fatalf("status = %q from %q", got.Status, str("status"))
	}
	cat, err := s.DB.FindCategory(t.Context(), str("category"))
	if err != nil || got.Category != cat.Name {
		t.Fatalf("category = %q from %q (%v)", got.Category, str("category"), err)
	}
	if want := map[bool]string{true: "es", false: "en"}[str("language") == "es"]; got.Language != want {
		t.Fatalf("language = %q from %q", got.Language, str("language"))
	}
	refs, _ := obj["attachments"].([]any)
	if len(got.Attachments) != len(refs) {
		t.Fatalf("%d attachments read back, %d references sent", len(got.Attachments), len(refs))
	}
	for i, a := range got.Attachments {
		ref, _ := refs[i].(map[string]any)
		name, _ := ref["fileName"].(string)
		fileURL, _ := ref["fileUrl"].(string)
		mimeType, _ := ref["mimeType"].(string)
		var size int64
		if n, ok := ref["fileSize"].(json.Number); ok {
			size, _ = n.Int64()
		}
		if a.FileName != db.CleanFileName(strings.TrimSpace(name)) || a.FileURL != fileURL ||
			a.MimeType != mimeType || a.FileSize != size {
			t.Fatalf("attachment %d read back as %+v from %v", i, a, ref)
		}
	}
}

// fuzzCheckClean fails when any text of the ticket holds NUL or invalid
// UTF-8: validation must keep both out of the database.
func fuzzCheckClean(t *testing.T, tk db.Ticket) {
	t.Helper()
	texts := []string{string(tk.RoleContext), tk.FullName, tk.Email, tk.Subject, tk.Category,
		tk.Message, string(tk.Status), string(tk.Priority), tk.Language}
	for _, a := range tk.Attachments {
		texts = append(texts, a.FileName, a.FileURL, a.MimeType)
	}
	for _, s := range texts {
		if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
			t.Fatalf("ticket %d holds %q", tk.ID, s)
		}
	}
}

// fuzzCheckFilter checks web.ParseListQuery's answer for q: a filter the store
// can run, or a 400 that names only parameters q holds.
func fuzzCheckFilter(t *testing.T, q url.Values, f db.TicketFilter, err error) {
	t.Helper()
	if err != nil {
		var de *db.Error
		if !errors.As(err, &de) || de.Code != db.EBADREQUEST || len(de.Fields) == 0 {
			t.Fatalf("web.ParseListQuery(%q): error %v is not a 400 naming its parameters", q, err)
		}
		for _, fe := range de.Fields {
			if _, ok := q[fe.Field]; !ok {
				t.Fatalf("web.ParseListQuery(%q): blames %q, which was not given", q, fe.Field)
			}
		}
		return
	}
	switch {
	case f.Limit < 1 || f.Limit > web.MaxListLimit:
		t.Fatalf("web.ParseListQuery(%q): limit %d", q, f.Limit)
	case !slices.Contains([]string{db.SortCreatedAsc, db.SortCreatedDesc, db.SortUpdatedAsc, db.SortUpdatedDesc}, f.Sort):
		t.Fatalf("web.ParseListQuery(%q): sort %q", q, f.Sort)
	case f.After != nil && f.After.ID <= 0:
		t.Fatalf("web.ParseListQuery(%q): cursor id %d", q, f.After.ID)
	case len(f.Query) > web.MaxQueryLen:
		t.Fatalf("web.ParseListQuery(%q): q of %d bytes", q, len(f.Query))
	}
	for _, st := range f.Statuses {
		if !slices.Contains(db.Statuses, st) {
			t.Fatalf("web.ParseListQuery(%q): status %q", q, st)
		}
	}
	if f.Role != "" && !slices.Contains(db.Roles, f.Role) {
		t.Fatalf("web.ParseListQuery(%q): role %q", q, f.Role)
	}
}

// fuzzCheckPage checks a 200 list answer against the filter that produced
// it and returns its tickets.
func fuzzCheckPage(t *testing.T, s *testServer, f db.TicketFilter, r response) []db.Ticket {
	t.Helper()
	total, err := strconv.Atoi(r.Header.Get("X-Total-Count"))
	if err != nil || total < 0 {
		t.Fatalf("X-Total-Count = %q", r.Header.Get("X-Total-Count"))
	}
	var page []db.Ticket
	r.JSON(t, &page)
	if page == nil {
		t.Fatalf("body %s is not a JSON array", r.Body)
	}
	if len(page) > f.Limit || len(page) > total {
		t.Fatalf("%d tickets for limit %d, total %d", len(page), f.Limit, total)
	}
	var category string
	if f.CategoryID != 0 {
		cats, err := s.DB.Categories(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cats {
			if c.ID == f.CategoryID {
				category = c.Name
			}
		}
	}
	for i, tk := range page {
		switch {
		case len(f.Statuses) > 0 && !slices.Contains(f.Statuses, tk.Status):
			t.Fatalf("ticket %d has status %q, filter %v", tk.ID, tk.Status, f.Statuses)
		case f.Role != "" && tk.RoleContext != f.Role:
			t.Fatalf("ticket %d has role %q, filter %q", tk.ID, tk.RoleContext, f.Role)
		case category != "" && tk.Category != category:
			t.Fatalf("ticket %d has category %q, filter %q", tk.ID, tk.Category, category)
		case f.Email != "" && !strings.EqualFold(tk.Email, f.Email):
			t.Fatalf("ticket %d has email %q, filter %q", tk.ID, tk.Email, f.Email)
		case tk.Attachments == nil:
			t.Fatalf("ticket %d has no attachments array", tk.ID)
		}
		if i == 0 {
			continue
		}
		prev := page[i-1]
		var inOrder bool
		switch f.Sort {
		case db.SortCreatedAsc:
			inOrder = prev.ID < tk.ID
		case db.SortCreatedDesc:
			inOrder = prev.ID > tk.ID
		case db.SortUpdatedAsc: // whole seconds in JSON: ties are possible
			inOrder = !prev.UpdatedAt.After(tk.UpdatedAt.Time)
		case db.SortUpdatedDesc:
			inOrder = !prev.UpdatedAt.Before(tk.UpdatedAt.Time)
		}
		if !inOrder {
			t.Fatalf("tickets %d and %d are out of %s order", prev.ID, tk.ID, f.Sort)
		}
	}
	return page
}

// fuzzEscapeQuery percent-encodes every byte that may not appear in a
// URL's query (RFC 3986), leaving '%' alone.
func fuzzEscapeQuery(raw string) string {
	const keep = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/?%"
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; strings.IndexByte(keep, c) >= 0 {
			b.WriteByte(c)
		} else {
			b.WriteString("%" + strings.ToUpper(strconv.FormatUint(uint64(c)|0x100, 16)[1:]))
		}
	}
	return b.String()
}

// fuzzJSONSeeds are create bodies: the seed example, every alias, and the
// usual suspects (NUL, invalid UTF-8, nesting, huge numbers, wrong types).
func fuzzJSONSeeds(t testing.TB) [][]byte {
	with := func(fields map[string]any) []byte {
		body := validTicket()
		for k, v := range fields {
			if v == nil {
				delete(body, k)
			} else {
				body[k] = v
			}
		}
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	valid := with(nil)
	raw := func(field, value string) []byte {
		// Replace one member's value with raw JSON text (which may be
		// invalid), keeping the rest of the valid body.
		var obj map[string]json.RawMessage
		_ = json.Unmarshal(valid, &obj)
		var b bytes.Buffer
		b.WriteString("{")
		keys := []string{"roleContext", "fullName", "email", "subject", "category", "message", "status", "createdAt", "updatedAt"}
		if !slices.Contains(keys, field) {
			keys = append(keys, field)
		}
		for i, k := range keys {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(strconv.Quote(k) + ":")
			if k == field {
				b.WriteString(value)
			} else {
				b.Write(obj[k])
			}
		}
		b.WriteString("}")
		return b.Bytes()
	}
	ref := map[string]any{"fileName": "receipt.pdf", "fileUrl": "https://files.example.com/receipt.pdf", "mimeType": "application/pdf", "fileSize": 48213}
	seeds := [][]byte{
		valid,
		with(map[string]any{"createdAt": nil, "updatedAt": nil, "status": nil}),
		with(map[string]any{"language": "es", "fullName": "  José Ñúñez  ", "subject": "\tReembolso\n"}),
		with(map[string]any{"attachments": []any{ref}}),
		with(map[string]any{"attachments": []any{ref, ref, ref, ref, ref, ref}}),
		with(map[string]any{"attachments": []any{map[string]any{"fileName": "../../etc/passwd", "fileUrl": "http://files.example.com/x", "mimeType": "text/html", "fileSize": -1}}}),
		with(map[string]any{"attachments": []any{map[string]any{"fileUrl": "https://user:pw@files.example.com/x.png", "mimeType": "image/png"}}}),
		with(map[string]any{"attachments": "none"}),
		with(map[string]any{"attachments": []any{"https://files.example.com/a.png"}}),
		with(map[string]any{"subject": strings.Repeat("ñ", 200), "fullName": strings.Repeat("a", 121)}),
		with(map[string]any{"message": strings.Repeat("m", 10001)}),
		with(map[string]any{"email": "Ana Martinez <ana.martinez@example.com>"}),
		with(map[string]any{"email": "ana@localhost"}),
		with(map[string]any{"email": " ana.martinez@example.com. "}),
		with(map[string]any{"fullName": "   ", "subject": ""}),
		with(map[string]any{"fullName": "Ana\x00Martinez"}),
		with(map[string]any{"createdAt": "not a time", "updatedAt": 12}),
		with(map[string]any{"FullName": "case of keys", "fullName": nil}),
		raw("fullName", `"Ana \ud800 Martinez"`),
		raw("fullName", "\"Ana \x00 Martinez\""),
		raw("fullName", "\"Ana \xff\xfe Martinez\""),
		raw("fullName", `1e999999`),
		raw("fullName", `123456789012345678901234567890`),
		raw("fullName", `["Ana"]`),
		raw("fullName", `{"first":"Ana"}`),
		raw("fullName", `true`),
		raw("fullName", `null`),
		raw("status", `12345678901234567890`),
		raw("extra", strings.Repeat("[", 10001)+strings.Repeat("]", 10001)),
		raw("extra", `{"a":{"b":{"c":{"d":[1,2,{"e":null}]}}}}`),
		raw("attachments", `[{"fileName":"a.png","fileUrl":"https://x.example/a.png","mimeType":"image/png","fileSize":1e999}]`),
		raw("attachments", `[{"fileName":"a.png","fileUrl":"https://x.example/a.png","mimeType":"image/png","fileSize":1.5}]`),
		raw("attachments", `[{"fileName":"a.png","fileUrl":"https://x.example/a.png","mimeType":"image/png","fileSize":"12"}]`),
		[]byte(`{"fullName":"Ana","fullName":"Ana Martinez","roleContext":"guide","email":"ana.martinez@example.com","subject":"s","category":"Billing","message":"m"}`),
		append([]byte("\xef\xbb\xbf"), valid...),
		append(append([]byte{}, valid...), "}"...),
		append(append([]byte{}, valid...), valid...),
		valid[:len(valid)/2],
		[]byte(`[]`), []byte(`"ticket"`), []byte(`42`), []byte(`null`), []byte(``), []byte(" \n\t"), []byte(`{}`),
		[]byte("\x00"), []byte("{\"fullName\":\x00}"),
		[]byte(strings.Repeat("[", 100000)),
	}
	for _, role := range []string{"TOURIST", "Guide", "guest", "admin"} {
		seeds = append(seeds, with(map[string]any{"roleContext": role}))
	}
	for _, cat := range []string{"GENERAL", "PAGOS_FACTURACION", "RESERVAS_VIAJES", "CUENTA_SEGURIDAD",
		"VERIFICACION_GUIAS", "OTRO", "technical issue", "  Billing  ", "Pagos y facturación", "Nope"} {
		seeds = append(seeds, with(map[string]any{"category": cat}))
	}
	for _, st := range []string{"created", "OPEN", "IN_PROGRESS", "In Progress", "closed", " "} {
		seeds = append(seeds, with(map[string]any{"status": st}))
	}
	return seeds
}

// fuzzMultipartSeed is one FuzzMultipart input.
type fuzzMultipartSeed struct {
	boundary string
	body     []byte
	closed   bool
}

// fuzzMultipartSeeds are multipart bodies: full forms with files of each
// type under both field names, refused types, sizes and counts, odd names,
// bad field values, truncations and mismatched or odd boundaries.
func fuzzMultipartSeeds(t testing.TB) []fuzzMultipartSeed {
	fields := func(over map[string]string) []part {
		var ps []part
		for _, k := range []string{"roleContext", "fullName", "email", "subject", "category", "message", "status"} {
			v, _ := validTicket()[k].(string)
			if o, ok := over[k]; ok {
				v = o
			}
			ps = append(ps, part{Name: k, Value: v})
		}
		return ps
	}
	build := func(ps ...part) (string, []byte) {
		body, ct := multipartBody(t, ps...)
		_, params, err := mime.ParseMediaType(ct)
		if err != nil {
			t.Fatal(err)
		}
		return params["boundary"], body.Bytes()
	}
	var seeds []fuzzMultipartSeed
	add := func(closed bool, ps ...part) {
		b, body := build(ps...)
		seeds = append(seeds, fuzzMultipartSeed{b, body, closed})
	}
	files := map[string]string{
		"photo.png": pngBytes, "scan.pdf": pdfBytes, "notes.txt": textBytes, "page.html": htmlBytes,
		"photo.jpg": "\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9",
		"anim.gif":  "GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
		"pic.webp":  "RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00",
		"empty.txt": "",
		"bin.dat":   "\x00\x01\x02\x03binary",
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		ps := append(fields(nil), part{Name: "attachments", FileName: n, Value: files[n]}, part{Name: "file", FileName: n, Value: files[n]})
		add(false, ps...)
	}
	add(false, fields(nil)...)
	add(true, append(fields(nil), part{Name: "file", FileName: "late.png", Value: pngBytes})...)
	add(false, append(fields(map[string]string{"roleContext": "TOURIST", "category": "PAGOS_FACTURACION", "status": "created"}),
		part{Name: "attachments", FileName: "a.txt", Value: textBytes})...)
	add(false, fields(map[string]string{"status": "IN_PROGRESS", "category": "Nope", "email": "not-an-address"})...)
	add(false, fields(map[string]string{"fullName": "Ana\x00", "subject": "bad \xff\xfe utf-8"})...)
	add(false, part{Name: "file", FileName: "../../../etc/passwd.txt", Value: textBytes},
		part{Name: "file", FileName: `C:\Users\ana\recibo.pdf`, Value: pdfBytes})
	add(false, part{Name: "file", FileName: "\xff\xfe\x00name.txt", Value: textBytes})
	add(false, part{Name: "file", FileName: ".", Value: textBytes}, part{Name: "file", FileName: "..", Value: textBytes})
	add(false, part{Name: "file", FileName: "big.txt", Value: strings.Repeat("x", 4<<10+1)})
	add(false, part{Name: "file", FileName: "edge.txt", Value: strings.Repeat("x", 4<<10)})
	add(false, part{Name: "file", FileName: "1.txt", Value: textBytes}, part{Name: "file", FileName: "2.txt", Value: textBytes})
	// Three files pass the per-request limit but not the per-ticket one
	// (the open ticket already holds one): stored, then removed again.
	add(false, part{Name: "file", FileName: "1.txt", Value: textBytes}, part{Name: "file", FileName: "2.png", Value: pngBytes},
		part{Name: "file", FileName: "3.pdf", Value: pdfBytes})
	add(false, part{Name: "file", FileName: "1.txt", Value: textBytes}, part{Name: "file", FileName: "2.txt", Value: textBytes},
		part{Name: "file", FileName: "3.txt", Value: textBytes}, part{Name: "file", FileName: "4.txt", Value: textBytes})
	many := fields(nil)
	for i := 0; i < 4; i++ {
		many = append(many, part{Name: "attachments", FileName: strconv.Itoa(i) + ".png", Value: pngBytes})
	}
	add(false, many...)
	var lots []part
	for i := 0; i < web.MaxParts+1; i++ {
		lots = append(lots, part{Name: "f" + strconv.Itoa(i), Value: "x"})
	}
	add(false, lots...)
	add(false, append(fields(nil), part{Name: "message", Value: strings.Repeat("m", web.MaxFieldBytes+1)})...)
	add(false, part{Name: "file", Value: "a file part without a file name"}, part{Name: "", FileName: "noname.txt", Value: textBytes})

	// Hand-made bodies: encodings, truncations, odd boundaries.
	full, fullBody := build(append(fields(nil), part{Name: "attachments", FileName: "a.png", Value: pngBytes},
		part{Name: "file", FileName: "a.png", Value: pngBytes})...)
	qp := "--q\r\nContent-Disposition: form-data; name=\"file\"; filename=\"qp.txt\"\r\n" +
		"Content-Transfer-Encoding: quoted-printable\r\n\r\nHola=20mundo=\r\n=C3=B1\r\n--q--\r\n"
	seeds = append(seeds,
		fuzzMultipartSeed{full, fullBody[:len(fullBody)/2], false},
		fuzzMultipartSeed{full, bytes.TrimSuffix(fullBody, []byte("--\r\n")), false},
		fuzzMultipartSeed{full, bytes.TrimSuffix(fullBody, []byte("\r\n")), false},
		fuzzMultipartSeed{full, fullBody[:len(fullBody)-len(full)-8], false},
		fuzzMultipartSeed{"other", fullBody, false},
		fuzzMultipartSeed{"", fullBody, false},
		fuzzMultipartSeed{full, nil, false},
		fuzzMultipartSeed{full, []byte("--" + full + "--\r\n"), false},
		fuzzMultipartSeed{"q", []byte(qp), false},
		fuzzMultipartSeed{`"quoted"`, []byte("--\"quoted\"\r\nContent-Disposition: form-data; name=\"file\"; filename=\"q.txt\"\r\n\r\nhi\r\n--\"quoted\"--\r\n"), false},
		fuzzMultipartSeed{"sp ace", []byte("--sp ace\r\nContent-Disposition: form-data; name=\"file\"; filename=\"s.txt\"\r\n\r\nhi\r\n--sp ace--\r\n"), false},
		fuzzMultipartSeed{strings.Repeat("b", 71), []byte("--" + strings.Repeat("b", 71) + "\r\n\r\n--" + strings.Repeat("b", 71) + "--"), false},
		fuzzMultipartSeed{"x", []byte("--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"h.txt\"\r\n" +
			strings.Repeat("X-Pad: y\r\n", 2000) + "\r\nhi\r\n--x--\r\n"), false},
		fuzzMultipartSeed{"x", []byte("--x\r\nContent-Disposition: form-data; name=\"file\"; filename*=utf-8''%C3%B1and%C3%BA.txt\r\n\r\nhi\r\n--x--\r\n"), false},
		fuzzMultipartSeed{"x", []byte("--x\r\nno colon header\r\n\r\nhi\r\n--x--\r\n"), false},
		fuzzMultipartSeed{"x", []byte("--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"n.txt\"\r\n\r\n\x00\x00\x00\r\n--x--\r\n"), false},
		fuzzMultipartSeed{"x", []byte("preamble\r\n--x\n\nlf only\n--x--"), false},
	)
	return seeds
}

// fuzzListSeeds are list query strings: every parameter valid and not,
// aliases, FTS syntax, bad escapes, and a cursor from a real list call.
func fuzzListSeeds(t testing.TB, s *testServer) []string {
	r := s.do(t, "GET", "/api/support-tickets?limit=2", "", nil, bearer(s.AgentKey)...)
	m := fuzzNextLink.FindStringSubmatch(r.Header.Get("Link"))
	if m == nil {
		t.Fatalf("no next link from a list of 2 in 6: %q", r.Header.Get("Link"))
	}
	next, err := url.Parse(m[1])
	if err != nil {
		t.Fatal(err)
	}
	cursor := next.Query().Get("cursor")
	upd := web.EncodeCursor(db.SortUpdatedDesc, db.Cursor{ID: 3, UpdatedAt: "2026-03-10T11:00:00.000000Z"})
	return []string{
		"", "limit=1", "limit=200", "limit=0", "limit=201", "limit=-1", "limit=+5", "limit=1e2", "limit=99999999999999999999",
		"status=open", "status=OPEN,IN_PROGRESS", "status=in-progress,In%20Progress", "status=open,,closed", "status=nope",
		"status=open&status=closed", "category=PAGOS_FACTURACION", "category=Billing", "category=billing", "category=Nope",
		"roleContext=TOURIST", "roleContext=admin", "email=luis.perez%40example.com", "email=" + strings.Repeat("a", 300),
		"q=refund", "q=%22a%22+OR+b*+NEAR(", `q="a" OR b* NEAR(`, "q=NEAR(a+b,+2)", "q=a+AND+NOT+b", "q=***", "q=ma%C3%B1ana",
		"q=" + strings.Repeat("word+", 50), "q=%00", "q=%FF%FE", "q=subject:refund", "q=-refund", "q=^refund",
		"sort=createdAt", "sort=-createdAt", "sort=updatedAt", "sort=-updatedAt", "sort=priority", "sort=",
		m[1][strings.IndexByte(m[1], '?')+1:],
		"cursor=" + cursor, "cursor=" + cursor + "&sort=createdAt", "cursor=" + upd + "&sort=-updatedAt",
		"cursor=" + upd, "cursor=%%%", "cursor=eyJpIjotMX0", "cursor=bnVsbA", "cursor=e30",
		"limit=1&status=open,created&category=Booking&roleContext=tourist&email=ana.martinez@example.com&q=booking&sort=updatedAt",
		"%zz", "a=%", "a;b=c", "&&&==&", "=x", "status", "q=a#fragment", "q=%E2%80%8B", "q=" + strings.Repeat("%F0%9F%98%80", 60),
	}
}
