package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kinconecta/helpdesk/db"
)

func TestCreateTicketSeedExample(t *testing.T) {
	s := newTestServer(t)
	// The seed document's request, byte for byte but for the hidden address.
	body := `{
    "roleContext": "tourist",
    "fullName": "Ana Martinez",
    "email": "ana.martinez@example.com",
    "subject": "Question about tour cancellation",
    "category": "General Inquiry",
    "message": "What is your cancellation policy for tours booked less than 24 hours in advance?",
    "status": "open",
    "createdAt": "2026-03-10T11:00:00Z",
    "updatedAt": "2026-03-10T11:00:00Z"
  }`
	r := s.postJSON(t, "/api/support-tickets", body)
	if got, want := r.StatusCode, http.StatusCreated; got != want {
		t.Fatalf("status = %d, want %d: %s", got, want, r.Body)
	}
	var c created
	r.JSON(t, &c)
	if got, want := r.Header.Get("Location"), "/api/support-tickets/"+strconv.FormatInt(c.ID, 10); got != want {
		t.Errorf("Location = %q, want %q", got, want)
	}
	checks := []struct{ name, got, want string }{
		{"roleContext", string(c.RoleContext), "tourist"},
		{"fullName", c.FullName, "Ana Martinez"},
		{"email", c.Email, "ana.martinez@example.com"},
		{"category", c.Category, "General Inquiry"},
		{"status", string(c.Status), "open"},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %q, want %q", ch.name, ch.got, ch.want)
		}
	}
	// The server's clock decides, not the client's.
	if d := time.Since(c.CreatedAt.Time); d < -time.Minute || d > time.Minute {
		t.Errorf("createdAt = %v, want the server's now", c.CreatedAt)
	}
	if !strings.HasPrefix(c.AccessToken, "hdt_") || len(c.AccessToken) < 40 {
		t.Errorf("accessToken = %q, want a long hdt_ token", c.AccessToken)
	}
	if got, want := c.TrackingURL, "http://helpdesk.test/track/"+c.AccessToken; got != want {
		t.Errorf("trackingUrl = %q, want %q", got, want)
	}
	if c.Attachments == nil || len(c.Attachments) != 0 {
		t.Errorf("attachments = %v, want []", c.Attachments)
	}
	if !strings.Contains(string(r.Body), `"attachments":[]`) {
		t.Errorf("attachments not an empty array in %s", r.Body)
	}
	if !strings.Contains(string(r.Body), `"createdAt":"`+c.CreatedAt.UTC().Format("2006-01-02T15:04:05Z")+`"`) {
		t.Errorf("createdAt not RFC 3339 with Z in %s", r.Body)
	}

	// The seed's GET by id, with a credential.
	g := s.do(t, "GET", "/api/support-tickets/"+strconv.FormatInt(c.ID, 10), "application/json", nil, bearer(s.AgentKey)...)
	if g.StatusCode != http.StatusOK {
		t.Fatalf("get: %d %s", g.StatusCode, g.Body)
	}
	var got created
	g.JSON(t, &got)
	if got.Subject != c.Subject || got.Message != c.Message {
		t.Errorf("read back %+v, want %+v", got.Ticket, c.Ticket)
	}
	if strings.Contains(string(g.Body), "accessToken") {
		t.Error("the access token is shown again after create")
	}
}

func TestCreateTicketAliases(t *testing.T) {
	s := newTestServer(t)
	tests := []struct {
		name              string
		fields            map[string]any
		wantRole, wantCat string
		wantStatus        string
	}{
		{"TOURIST", map[string]any{"roleContext": "TOURIST"}, "tourist", "General Inquiry", "open"},
		{"GUEST", map[string]any{"roleContext": "GUEST"}, "guest", "General Inquiry", "open"},
		{"Guide", map[string]any{"roleContext": "Guide"}, "guide", "General Inquiry", "open"},
		{"GENERAL", map[string]any{"category": "GENERAL"}, "tourist", "General Inquiry", "open"},
		{"PAGOS_FACTURACION", map[string]any{"category": "PAGOS_FACTURACION"}, "tourist", "Billing", "open"},
		{"RESERVAS_VIAJES", map[string]any{"category": "RESERVAS_VIAJES"}, "tourist", "Booking", "open"},
		{"CUENTA_SEGURIDAD", map[string]any{"category": "CUENTA_SEGURIDAD"}, "tourist", "Account", "open"},
		{"VERIFICACION_GUIAS", map[string]any{"category": "VERIFICACION_GUIAS"}, "tourist", "Guide Verification", "open"},
		{"OTRO", map[string]any{"category": "OTRO"}, "tourist", "Other", "open"},
		{"technical issue lowercase", map[string]any{"category": "technical issue"}, "tourist", "Technical Issue", "open"},
		{"OPEN", map[string]any{"status": "OPEN"}, "tourist", "General Inquiry", "open"},
		{"Created", map[string]any{"status": "Created"}, "tourist", "General Inquiry", "created"},
		{"no status", map[string]any{"status": nil}, "tourist", "General Inquiry", "open"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := s.createTicket(t, tc.fields)
			if string(c.RoleContext) != tc.wantRole || c.Category != tc.wantCat || string(c.Status) != tc.wantStatus {
				t.Errorf("got role %q category %q status %q, want %q %q %q",
					c.RoleContext, c.Category, c.Status, tc.wantRole, tc.wantCat, tc.wantStatus)
			}
		})
	}
}

func TestCreateTicketInvalid(t *testing.T) {
	s := newTestServer(t)
	long := func(n int) string { return strings.Repeat("a", n) }
	tests := []struct {
		name      string
		fields    map[string]any
		wantField string
	}{
		{"ErrRoleMissing", map[string]any{"roleContext": ""}, "roleContext"},
		{"ErrRoleUnknown", map[string]any{"roleContext": "admin"}, "roleContext"},
		{"ErrNameBlank", map[string]any{"fullName": "   "}, "fullName"},
		{"ErrNameTooLong", map[string]any{"fullName": long(121)}, "fullName"},
		{"ErrEmailInvalid", map[string]any{"email": "ana.martinez@"}, "email"},
		{"ErrEmailDisplayName", map[string]any{"email": "Ana <ana@example.com>"}, "email"},
		{"ErrEmailTooLong", map[string]any{"email": long(250) + "@example.com"}, "email"},
		{"ErrSubjectTooLong", map[string]any{"subject": long(201)}, "subject"},
		{"ErrMessageMissing", map[string]any{"message": nil}, "message"},
		{"ErrMessageTooLong", map[string]any{"message": long(10001)}, "message"},
		{"ErrCategoryUnknown", map[string]any{"category": "Complaints"}, "category"},
		{"ErrStatusResolved", map[string]any{"status": "resolved"}, "status"},
		{"ErrStatusUnknown", map[string]any{"status": "new"}, "status"},
		{"ErrNameNotString", map[string]any{"fullName": 42}, "fullName"},
		{"ErrNUL", map[string]any{"subject": "a\x00b"}, "subject"},
		{"ErrReferenceHTTP", map[string]any{"attachments": []any{map[string]any{"fileName": "a.png", "fileUrl": "http://cdn.example.com/a.png", "mimeType": "image/png", "fileSize": 10}}}, "attachments[0].fileUrl"},
		{"ErrReferenceType", map[string]any{"attachments": []any{map[string]any{"fileName": "a.svg", "fileUrl": "https://cdn.example.com/a.svg", "mimeType": "image/svg+xml", "fileSize": 10}}}, "attachments[0].mimeType"},
		{"ErrReferenceSize", map[string]any{"attachments": []any{map[string]any{"fileName": "a.png", "fileUrl": "https://cdn.example.com/a.png", "mimeType": "image/png", "fileSize": "big"}}}, "attachments[0].fileSize"},
		{"ErrAttachmentsNotArray", map[string]any{"attachments": "a.png"}, "attachments"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := validTicket()
			for k, v := range tc.fields {
				body[k] = v
			}
			r := s.postJSON(t, "/api/support-tickets", body)
			if got, want := r.StatusCode, http.StatusUnprocessableEntity; got != want {
				t.Fatalf("status = %d, want %d: %s", got, want, r.Body)
			}
			p := r.Problem(t)
			found := false
			for _, fe := range p.Errors {
				found = found || fe.Field == tc.wantField
			}
			if !found {
				t.Errorf("errors %v do not name %q", p.Errors, tc.wantField)
			}
		})
	}
	if n := countTickets(t, s); n != 0 {
		t.Errorf("%d tickets stored from invalid input", n)
	}
}

func TestCreateTicketMalformed(t *testing.T) {
	s := newTestServer(t)
	tests := []struct {
		name, contentType, body string
		want                    int
	}{
		{"ErrNotJSON", "application/json", `{"roleContext": `, http.StatusBadRequest},
		{"ErrArray", "application/json", `[1,2]`, http.StatusBadRequest},
		{"ErrInvalidUTF8", "application/json", "{\"fullName\": \"\xff\xfe\"}", http.StatusUnprocessableEntity},
		{"ErrMediaType", "text/plain", `hello`, http.StatusUnsupportedMediaType},
		{"ErrNoBoundary", "multipart/form-data", `x`, http.StatusUnsupportedMediaType},
		{"ErrTooLarge", "application/json", `{"message": "` + strings.Repeat("a", 2<<20) + `"}`, http.StatusRequestEntityTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := s.do(t, "POST", "/api/support-tickets", tc.contentType, strings.NewReader(tc.body))
			if r.StatusCode != tc.want {
				t.Fatalf("status = %d, want %d: %s", r.StatusCode, tc.want, r.Body)
			}
			r.Problem(t)
		})
	}
}

func TestCreateTicketWithReferences(t *testing.T) {
	s := newTestServer(t)
	c := s.createTicket(t, map[string]any{"attachments": []any{
		map[string]any{"fileName": "recibo.pdf", "fileUrl": "https://files.kinconecta.com/r/1.pdf", "mimeType": "application/pdf", "fileSize": 1234},
	}})
	if len(c.Attachments) != 1 {
		t.Fatalf("attachments = %+v, want one", c.Attachments)
	}
	a := c.Attachments[0]
	if a.FileURL != "https://files.kinconecta.com/r/1.pdf" || a.FileSize != 1234 || a.MimeType != "application/pdf" || a.TicketID != c.ID {
		t.Errorf("reference stored as %+v", a)
	}
}

func TestCreateTicketMultipart(t *testing.T) {
	s := newTestServer(t)
	fields := []part{
		{Name: "roleContext", Value: "GUIDE"}, {Name: "fullName", Value: "Luis Pérez"},
		{Name: "email", Value: "luis@example.com"}, {Name: "subject", Value: "Pago duplicado"},
		{Name: "category", Value: "PAGOS_FACTURACION"}, {Name: "message", Value: "Me cobraron dos veces."},
	}
	t.Run("OK", func(t *testing.T) {
		body, ct := multipartBody(t, append(fields,
			part{Name: "attachments", FileName: "../../etc/captura.png", Value: pngBytes},
			part{Name: "attachments", FileName: "recibo.pdf", Value: pdfBytes},
			part{Name: "attachments", FileName: "notas.txt", Value: textBytes})...)
		r := s.do(t, "POST", "/api/support-tickets", ct, body)
		if r.StatusCode != http.StatusCreated {
			t.Fatalf("status %d: %s", r.StatusCode, r.Body)
		}
		var c created
		r.JSON(t, &c)
		want := []struct{ name, mime string }{{"captura.png", "image/png"}, {"recibo.pdf", "application/pdf"}, {"notas.txt", "text/plain"}}
		if len(c.Attachments) != len(want) {
			t.Fatalf("attachments = %+v", c.Attachments)
		}
		for i, w := range want {
			if a := c.Attachments[i]; a.FileName != w.name || a.MimeType != w.mime {
				t.Errorf("attachment %d = %q %q, want %q %q", i, a.FileName, a.MimeType, w.name, w.mime)
			}
		}
		if string(c.RoleContext) != "guide" || c.Category != "Billing" {
			t.Errorf("role %q category %q", c.RoleContext, c.Category)
		}
	})
	refusals := []struct {
		name  string
		parts []part
		want  int
	}{
		{"ErrFileType", append(fields, part{Name: "attachments", FileName: "a.png", Value: htmlBytes}), http.StatusUnsupportedMediaType},
		{"ErrFileTooLarge", append(fields, part{Name: "attachments", FileName: "big.txt", Value: strings.Repeat("a", 1<<20+1)}), http.StatusRequestEntityTooLarge},
		{"ErrTooManyFiles", append(fields,
			part{Name: "attachments", FileName: "1.txt", Value: textBytes}, part{Name: "attachments", FileName: "2.txt", Value: textBytes},
			part{Name: "attachments", FileName: "3.txt", Value: textBytes}, part{Name: "attachments", FileName: "4.txt", Value: textBytes},
			part{Name: "attachments", FileName: "5.txt", Value: textBytes}, part{Name: "attachments", FileName: "6.txt", Value: textBytes}),
			http.StatusRequestEntityTooLarge},
		{"ErrFieldInvalidWithGoodFile", append(fields[:5:5], part{Name: "attachments", FileName: "a.png", Value: pngBytes}), http.StatusUnprocessableEntity},
		{"ErrEmptyFile", append(fields, part{Name: "attachments", FileName: "empty.png", Value: ""}), http.StatusUnprocessableEntity},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			before := countTickets(t, s)
			body, ct := multipartBody(t, tc.parts...)
			r := s.do(t, "POST", "/api/support-tickets", ct, body)
			if r.StatusCode != tc.want {
				t.Fatalf("status = %d, want %d: %s", r.StatusCode, tc.want, r.Body)
			}
			r.Problem(t)
			if got := countTickets(t, s); got != before {
				t.Errorf("tickets %d → %d after a refused create", before, got)
			}
			assertNoStrayFiles(t, s)
		})
	}
}

func TestGetTicket(t *testing.T) {
	s := newTestServer(t)
	a := s.createTicket(t, nil)
	b := s.createTicket(t, nil)
	path := func(id int64) string { return "/api/support-tickets/" + strconv.FormatInt(id, 10) }
	tests := []struct {
		name    string
		path    string
		headers []string
		want    int
	}{
		{"AgentKey", path(a.ID), bearer(s.AgentKey), http.StatusOK},
		{"OwnToken", path(a.ID), bearer(a.AccessToken), http.StatusOK},
		{"ErrOtherTicketsToken", path(a.ID), bearer(b.AccessToken), http.StatusNotFound},
		{"ErrAnonymous", path(a.ID), nil, http.StatusUnauthorized},
		{"ErrBadKey", path(a.ID), bearer("hdk_nope"), http.StatusUnauthorized},
		{"ErrBadToken", path(a.ID), bearer("hdt_nope"), http.StatusUnauthorized},
		{"ErrBasicAuth", path(a.ID), []string{"Authorization", "Basic YTpi"}, http.StatusUnauthorized},
		{"ErrNoSuchTicket", path(99999), bearer(s.AgentKey), http.StatusNotFound},
		// CONTRACT §3: a malformed id is a malformed request, whoever asks.
		{"ErrMalformedID", "/api/support-tickets/abc", bearer(s.AgentKey), http.StatusBadRequest},
		{"ErrMalformedIDRequester", "/api/support-tickets/abc", bearer(a.AccessToken), http.StatusBadRequest},
		{"ErrNegativeID", "/api/support-tickets/-1", bearer(s.AgentKey), http.StatusBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := s.do(t, "GET", tc.path, "", nil, tc.headers...)
			if r.StatusCode != tc.want {
				t.Fatalf("status = %d, want %d: %s", r.StatusCode, tc.want, r.Body)
			}
			if tc.want == http.StatusUnauthorized && !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("WWW-Authenticate = %q", r.Header.Get("WWW-Authenticate"))
			}
			if tc.want >= 400 {
				r.Problem(t)
			}
		})
	}
}

func TestUpdateTicketWorkflow(t *testing.T) {
	s := newTestServer(t)
	c := s.createTicket(t, map[string]any{"status": "created"})
	path := "/api/support-tickets/" + strconv.FormatInt(c.ID, 10)
	steps := []struct {
		name        string
		body        string
		want        int
		wantStatus  string
		wantAllowed []string
	}{
		{"created→open", `{"status":"open"}`, 200, "open", nil},
		{"open→resolved skips", `{"status":"Resolved"}`, 200, "resolved", nil},
		{"resolved→in progress reopens", `{"status":"In Progress"}`, 200, "in_progress", nil},
		{"ErrBackwards", `{"status":"created"}`, 409, "", []string{"resolved", "closed"}},
		{"IN_PROGRESS to resolved", `{"status":"RESOLVED"}`, 200, "resolved", nil},
		{"resolved→open", `{"status":"open"}`, 200, "open", nil},
		{"closed", `{"status":"closed"}`, 200, "closed", nil},
		{"ErrClosedIsFinal", `{"status":"open"}`, 409, "", []string{}},
		{"ErrClosedNoEdits", `{"priority":"high"}`, 409, "", []string{}},
	}
	for _, st := range steps {
		r := s.do(t, "PATCH", path, "application/json", strings.NewReader(st.body), bearer(s.AgentKey)...)
		if r.StatusCode != st.want {
			t.Fatalf("%s: status = %d, want %d: %s", st.name, r.StatusCode, st.want, r.Body)
		}
		if st.want == 200 {
			var got created
			r.JSON(t, &got)
			if string(got.Status) != st.wantStatus {
				t.Fatalf("%s: status %q, want %q", st.name, got.Status, st.wantStatus)
			}
			continue
		}
		p := r.Problem(t)
		if strings.Join(p.Allowed, ",") != strings.Join(st.wantAllowed, ",") {
			t.Errorf("%s: allowed = %v, want %v", st.name, p.Allowed, st.wantAllowed)
		}
	}
	events, err := s.DB.Events(t.Context(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var moves []string
	for _, e := range events {
		if e.Field == "status" {
			moves = append(moves, e.From+"→"+e.To)
		}
		if e.Field == "status" && e.From != "" && e.ActorName != "test agent" {
			t.Errorf("event %+v not attributed to the API key", e)
		}
	}
	if got, want := strings.Join(moves, " "), "→created created→open open→resolved resolved→in_progress in_progress→resolved resolved→open open→closed"; got != want {
		t.Errorf("history = %s, want %s", got, want)
	}
}

func TestUpdateTicketFields(t *testing.T) {
	s := newTestServer(t)
	c := s.createTicket(t, nil)
	path := "/api/support-tickets/" + strconv.FormatInt(c.ID, 10)
	agent, err := s.DB.CreateUser(t.Context(), db.NewUser{Email: "marta@kinconecta.com", Name: "Marta", Role: db.RoleAgent, Password: "long enough password"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		body string
		want int
	}{
		{"Category alias", `{"category":"RESERVAS_VIAJES"}`, 200},
		{"Priority", `{"priority":"URGENT"}`, 200},
		{"Assign", `{"assigneeId":` + strconv.FormatInt(agent.ID, 10) + `}`, 200},
		{"ErrUnknownAssignee", `{"assigneeId":12345}`, 422},
		{"ErrAssigneeNotNumber", `{"assigneeId":"me"}`, 422},
		{"ErrPriority", `{"priority":"asap"}`, 422},
		{"ErrCategory", `{"category":"nope"}`, 422},
		{"ErrStatus", `{"status":"done"}`, 422},
		{"ErrNothing", `{}`, 422},
		{"ErrMalformed", `{`, 400},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := s.do(t, "PATCH", path, "application/json", strings.NewReader(tc.body), bearer(s.AgentKey)...)
			if r.StatusCode != tc.want {
				t.Fatalf("status = %d, want %d: %s", r.StatusCode, tc.want, r.Body)
			}
		})
	}
	r := s.do(t, "GET", path, "", nil, bearer(s.AgentKey)...)
	var got created
	r.JSON(t, &got)
	if got.Category != "Booking" || got.Priority != "urgent" || got.AssigneeID == nil || *got.AssigneeID != agent.ID {
		t.Errorf("after patches: category %q priority %q", got.Category, got.Priority)
	}
	t.Run("Unassign", func(t *testing.T) {
		r := s.do(t, "PATCH", path, "application/json", strings.NewReader(`{"assigneeId":null}`), bearer(s.AgentKey)...)
		var got created
		r.JSON(t, &got)
		if r.StatusCode != 200 || got.AssigneeID != nil {
			t.Fatalf("status %d assignee %v, want 200 and none", r.StatusCode, got.AssigneeID)
		}
	})
	t.Run("ErrRequesterMayNotPatch", func(t *testing.T) {
		r := s.do(t, "PATCH", path, "application/json", strings.NewReader(`{"status":"closed"}`), bearer(c.AccessToken)...)
		if r.StatusCode != http.StatusForbidden {
			t.Fatalf("status = %d, want 403", r.StatusCode)
		}
	})
}

func TestDeleteTicket(t *testing.T) {
	s := newTestServer(t)
	body, ct := multipartBody(t, part{Name: "roleContext", Value: "tourist"}, part{Name: "fullName", Value: "Ana"},
		part{Name: "email", Value: "ana@example.com"}, part{Name: "subject", Value: "s"}, part{Name: "category", Value: "Other"},
		part{Name: "message", Value: "m"}, part{Name: "attachments", FileName: "a.png", Value: pngBytes})
	r := s.do(t, "POST", "/api/support-tickets", ct, body)
	var c created
	r.JSON(t, &c)
	path := "/api/support-tickets/" + strconv.FormatInt(c.ID, 10)
	if got := countFiles(t, s); got != 1 {
		t.Fatalf("%d files stored, want 1", got)
	}
	for _, tc := range []struct {
		name    string
		headers []string
		want    int
	}{
		{"ErrAnonymous", nil, 401},
		{"ErrRequester", bearer(c.AccessToken), 403},
		{"ErrAgent", bearer(s.AgentKey), 403},
		{"Admin", bearer(s.AdminKey), 204},
		{"ErrGone", bearer(s.AdminKey), 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := s.do(t, "DELETE", path, "", nil, tc.headers...)
			if r.StatusCode != tc.want {
				t.Fatalf("status = %d, want %d: %s", r.StatusCode, tc.want, r.Body)
			}
		})
	}
	if got := countFiles(t, s); got != 0 {
		t.Errorf("%d files left after delete", got)
	}
}

// A ticket's language (for its requester's emails) comes from the
// language field in any BCP 47 spelling, else from Accept-Language, and is
// stored as es or en (CONTRACT §5).
func TestCreateLanguageTags(t *testing.T) {
	s := newTestServer(t)
	tests := []struct {
		name, field, accept, want string
	}{
		{"Lower", "es", "", "es"},
		{"Upper", "ES", "", "es"},
		{"Region", "es-MX", "", "es"},
		{"Underscore", "es_MX", "", "es"},
		{"LatinAmerica", "es-419", "", "es"},
		{"EnglishRegion", "en-GB", "es-MX", "en"},
		{"AcceptLanguageOnly", "", "es-MX,es;q=0.9,en;q=0.5", "es"},
		{"OtherLanguageFallsBackToHeader", "fr", "es-AR", "es"},
		{"Nothing", "", "", "en"},
		{"Garbage", "!!", "", "en"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := validTicket()
			if tc.field != "" {
				body["language"] = tc.field
			}
			var headers []string
			if tc.accept != "" {
				headers = []string{"Accept-Language", tc.accept}
			}
			r := s.postJSON(t, "/api/support-tickets", body, headers...)
			if r.StatusCode != http.StatusCreated {
				t.Fatalf("create: %d %s", r.StatusCode, r.Body)
			}
			var got struct {
				Language string `json:"language"`
			}
			r.JSON(t, &got)
			if got.Language != tc.want {
				t.Fatalf("language %q, want %q", got.Language, tc.want)
			}
		})
	}
}
