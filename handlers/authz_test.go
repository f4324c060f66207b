package handlers

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/gorilla/sessions"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
)

// outcome is what one kind of caller gets from one route.
type outcome int

const (
	// allowed: the guard let the request through. The handler may still
	// refuse the request's content (400, 409, 415, 422), but not the
	// caller: no 401, 403 or 404, and no redirect to the sign-in page.
	allowed outcome = iota
	unauthorized
	forbidden
	notFound
	toSignIn // a page: 303 to /agent/login?next=…
)

func (o outcome) String() string {
	return [...]string{"allowed", "401", "403", "404", "303 to sign in"}[o]
}

// access is one row of the table: what each class of caller gets. A
// requester holds one ticket's access token (Authorization: Bearer on the
// API; the /track addresses carry it in the path); agents and admins each
// call twice, with an API key and with a signed-in desk session.
type access struct{ anonymous, requester, agent, admin outcome }

// The rows' usual shapes.
var (
	openToAll = access{allowed, allowed, allowed, allowed}
	ticketAPI = access{unauthorized, allowed, allowed, allowed}     // the ticket's holder or an agent
	agentAPI  = access{unauthorized, forbidden, allowed, allowed}   // agents
	adminAPI  = access{unauthorized, forbidden, forbidden, allowed} // admins
	agentDesk = access{toSignIn, forbidden, allowed, allowed}       // desk pages and forms
	adminDesk = access{toSignIn, forbidden, forbidden, allowed}     // the settings
)

// authzTable is who may call every route of the application. A route the
// application serves without a row here fails TestAuthz: a new route
// cannot ship before someone decides who may call it.
var authzTable = map[string]access{
	"GET /healthz":          openToAll,
	"GET /readyz":           openToAll,
	"GET /api/openapi.json": openToAll,

	"POST /api/support-tickets":                                 openToAll,
	"GET /api/support-tickets":                                  agentAPI,
	"GET /api/support-tickets/:id":                              ticketAPI,
	"PATCH /api/support-tickets/:id":                            agentAPI,
	"DELETE /api/support-tickets/:id":                           adminAPI,
	"POST /api/support-tickets/:id/attachments":                 ticketAPI,
	"GET /api/support-tickets/:id/attachments":                  ticketAPI,
	"GET /api/support-tickets/:id/attachments/:attachmentId":    ticketAPI,
	"DELETE /api/support-tickets/:id/attachments/:attachmentId": agentAPI,
	"GET /api/support-tickets/:id/messages":                     ticketAPI,
	"POST /api/support-tickets/:id/messages":                    ticketAPI,
	"POST /api/support-tickets/:id/merge":                       agentAPI,
	"GET /api/macros":                                           agentAPI,
	"POST /api/macros":                                          adminAPI,
	"GET /api/macros/:id":                                       agentAPI,
	"PATCH /api/macros/:id":                                     adminAPI,
	"DELETE /api/macros/:id":                                    adminAPI,

	// The support form and the tracking pages: the tracking address is the
	// requester's key, so holding it is enough (TestAuthzLinks checks that
	// a wrong one opens nothing).
	"GET /":                                 openToAll,
	"POST /":                                openToAll,
	"GET /track/:token":                     openToAll,
	"POST /track/:token/reply":              openToAll,
	"GET /track/:token/reply":               openToAll,
	"POST /track/:token/close":              openToAll,
	"POST /track/:token/reopen":             openToAll,
	"GET /track/:token/files/:attachmentId": openToAll,
	"GET /static/*":                         openToAll,

	"GET /agent/login":                openToAll,
	"POST /agent/login":               openToAll,
	"POST /agent/logout":              openToAll,
	"GET /agent/set-password/:token":  openToAll,
	"POST /agent/set-password/:token": openToAll,

	"GET /agent":                                 agentDesk,
	"GET /agent/queue/poll":                      agentDesk,
	"POST /agent/bulk":                           agentDesk,
	"GET /agent/tickets/:id":                     agentDesk,
	"POST /agent/tickets/:id/messages":           agentDesk,
	"POST /agent/tickets/:id/status":             agentDesk,
	"POST /agent/tickets/:id/details":            agentDesk,
	"GET /agent/tickets/:id/messages":            agentDesk,
	"GET /agent/tickets/:id/status":              agentDesk,
	"GET /agent/tickets/:id/details":             agentDesk,
	"GET /agent/tickets/:id/files/:attachmentId": agentDesk,
	"POST /agent/tickets/:id/tags":               agentDesk,
	"GET /agent/tickets/:id/tags":                agentDesk,
	"GET /agent/tags/suggestions":                agentDesk,
	"GET /agent/tickets/:id/merge":               agentDesk,
	"POST /agent/tickets/:id/merge":              agentDesk,
	"GET /agent/reports":                         agentDesk,
	"GET /agent/tickets/:id/macros/:macroId":     agentDesk,
	"POST /agent/tickets/:id/macro":              agentDesk,
	"GET /agent/tickets/:id/macro":               agentDesk,
	"GET /agent/tickets/:id/presence":            agentDesk,
	"POST /agent/tickets/:id/presence":           agentDesk,
	"POST /agent/tickets/:id/preview":            agentDesk,
	"GET /agent/profile":                         agentDesk,
	"POST /agent/profile":                        agentDesk,
	"POST /agent/profile/password":               agentDesk,
	"POST /agent/profile/sessions":               agentDesk,

	"GET /agent/settings":                           adminDesk,
	"POST /agent/settings/agents":                   adminDesk,
	"POST /agent/settings/agents/:id/role":          adminDesk,
	"POST /agent/settings/agents/:id/active":        adminDesk,
	"POST /agent/settings/agents/:id/notify":        adminDesk,
	"POST /agent/settings/agents/:id/password-link": adminDesk,
	"POST /agent/settings/keys":                     adminDesk,
	"POST /agent/settings/keys/:id/revoke":          adminDesk,
	"POST /agent/settings/categories":               adminDesk,
	"POST /agent/settings/categories/:id":           adminDesk,
	"POST /agent/settings/categories/:id/retire":    adminDesk,
	"POST /agent/settings/notifications/:id/retry":  adminDesk,
	"GET /agent/settings/macros":                    adminDesk,
	"POST /agent/settings/macros":                   adminDesk,
	"POST /agent/settings/macros/:id":               adminDesk,
	"POST /agent/settings/macros/:id/delete":        adminDesk,

	"GET /agent/views":                         agentDesk,
	"POST /agent/views":                        agentDesk,
	"POST /agent/views/:id/rename":             agentDesk,
	"POST /agent/views/:id/delete":             agentDesk,
	"GET /agent/settings/agents":               adminDesk,
	"GET /agent/settings/keys":                 adminDesk,
	"GET /agent/settings/categories":           adminDesk,
	"GET /agent/settings/outbox":               adminDesk,
	"POST /agent/settings/categories/:id/move": adminDesk,
}

// authzMultipart are the routes whose form is multipart (files): the
// callers' CSRF token goes in a multipart body there.
var authzMultipart = map[string]bool{
	"POST /":                   true,
	"POST /track/:token/reply": true,
	"POST /api/support-tickets/:id/attachments": true,
	"POST /api/support-tickets/:id/messages":    true,
	"POST /agent/tickets/:id/messages":          true,
	"POST /agent/tickets/:id/macro":             true,
}

// authzPersonal are the desk routes about the signed-in person (their
// profile): an API key, which is no person, is refused there (403).
var authzPersonal = map[string]bool{
	"GET /agent/profile":           true,
	"POST /agent/profile":          true,
	"POST /agent/profile/password": true,
	"POST /agent/profile/sessions": true,
}

// authzWorld is what the walk needs besides the server: accounts for the
// sessions and the sign-in route, and a second ticket whose token must
// open nothing of the first.
type authzWorld struct {
	s        *testServer
	agent    db.User
	admin    db.User
	login    db.User // signs in through POST /agent/login
	handover db.User // gets set-password links
	other    created // someone else's ticket
	marker   string  // in the internal note's body
	noteFile string  // the internal note's file name
}

const authzPassword = "correct horse battery"

func newAuthzWorld(t *testing.T, s *testServer) *authzWorld {
	t.Helper()
	w := &authzWorld{s: s, marker: "INTERNAL-" + authzRandom(), noteFile: "note-" + authzRandom() + ".txt"}
	for _, u := range []struct {
		to   *db.User
		role string
	}{{&w.agent, db.RoleAgent}, {&w.admin, db.RoleAdmin}, {&w.login, db.RoleAgent}, {&w.handover, db.RoleAgent}} {
		var err error
		*u.to, err = s.DB.CreateUser(t.Context(), db.NewUser{Email: u.role + "-" + authzRandom() + "@kinconecta.com",
			Name: "Authz " + u.role, Role: u.role, Password: authzPassword})
		if err != nil {
			t.Fatal(err)
		}
	}
	w.other = s.createTicket(t, map[string]any{"email": "other@example.com"})
	return w
}

// authzFixture is one fresh set of things the routes name, made for each
// request, so a request that deletes, revokes or closes something leaves
// the next one's untouched.
type authzFixture struct {
	ticket        created
	publicFile    int64 // an attachment the requester may see
	noteFile      int64 // the internal note's attachment
	key           db.APIKey
	category      db.Category
	failed        db.Notification
	passwordToken string
	macro         db.Macro
}

func (w *authzWorld) fixture(t *testing.T) *authzFixture {
	t.Helper()
	s, ctx := w.s, t.Context()
	fx := &authzFixture{ticket: s.createTicket(t, nil)}
	ticketPath := "/api/support-tickets/" + strconv.FormatInt(fx.ticket.ID, 10)

	body, ct := multipartBody(t, part{Name: "file", FileName: "receipt.png", Value: pngBytes})
	r := s.do(t, "POST", ticketPath+"/attachments", ct, body, bearer(fx.ticket.AccessToken)...)
	var files []db.Attachment
	r.JSON(t, &files)
	if r.StatusCode != http.StatusCreated || len(files) != 1 {
		t.Fatalf("upload: %d %s", r.StatusCode, r.Body)
	}
	fx.publicFile = files[0].ID

	body, ct = multipartBody(t, part{Name: "body", Value: "Refund approved by finance, do not tell yet. " + w.marker},
		part{Name: "internal", Value: "true"}, part{Name: "attachments", FileName: w.noteFile, Value: textBytes})
	r = s.do(t, "POST", ticketPath+"/messages", ct, body, bearer(s.AgentKey)...)
	var note db.Message
	r.JSON(t, &note)
	if r.StatusCode != http.StatusCreated || !note.Internal || len(note.Attachments) != 1 {
		t.Fatalf("internal note: %d %s", r.StatusCode, r.Body)
	}
	fx.noteFile = note.Attachments[0].ID

	var err error
	if fx.key, _, err = s.DB.CreateAPIKey(ctx, "authz "+authzRandom(), db.RoleAgent); err != nil {
		t.Fatal(err)
	}
	if fx.macro, err = s.DB.AddMacro(ctx, db.MacroInput{Name: "Authz " + authzRandom(), Body: "Hi {{requester.firstName}}"}); err != nil {
		t.Fatal(err)
	}
	// Every fixture has a macro of its own, and there are more fixtures
	// than the macro cap: each goes with its test (the delete route's
	// may be gone already).
	t.Cleanup(func() { s.DB.DeleteMacro(context.WithoutCancel(ctx), fx.macro.ID) })
	if fx.category, err = s.DB.AddCategory(ctx, db.CategoryInput{Name: "Authz " + authzRandom(), NameES: "Authz"}); err != nil {
		t.Fatal(err)
	}
	pending := settingsNotificationsFor(t, s, "pending", fx.ticket.ID)
	if len(pending) == 0 {
		t.Fatal("the ticket queued no notification")
	}
	if err := s.DB.MarkAttemptFailed(ctx, pending[0].ID, "no mail server", 0, 1); err != nil {
		t.Fatal(err)
	}
	fx.failed = pending[0]
	if fx.passwordToken, err = s.DB.CreatePasswordToken(ctx, w.handover.ID); err != nil {
		t.Fatal(err)
	}
	return fx
}

// path fills a route's parameters with the fixture's real ids and tokens;
// a parameter it does not know fails the test, so a new kind of route
// gets taught here rather than walked with a made-up value.
func (w *authzWorld) path(t *testing.T, route string, fx *authzFixture) string {
	t.Helper()
	segs := strings.Split(route, "/")
	for i, seg := range segs {
		if !strings.HasPrefix(seg, ":") && seg != "*" {
			continue
		}
		var v string
		switch name := strings.TrimPrefix(seg, ":"); {
		case name == "*" && strings.HasPrefix(route, "/static/"):
			v = "css/app.css"
		case name == "id" && strings.HasPrefix(route, "/agent/settings/agents/"):
			v = strconv.FormatInt(w.agent.ID, 10)
		case name == "id" && strings.HasPrefix(route, "/agent/settings/keys/"):
			v = strconv.FormatInt(fx.key.ID, 10)
		case name == "id" && strings.HasPrefix(route, "/agent/settings/categories/"):
			v = strconv.FormatInt(fx.category.ID, 10)
		case name == "id" && strings.HasPrefix(route, "/agent/views/"):
			// A shared view of the agent's: its owner and admins may delete it.
			view, err := w.s.DB.SaveView(t.Context(), w.agent.ID, "Authz "+authzRandom(), "priority=urgent", true)
			if err != nil {
				t.Fatal(err)
			}
			v = strconv.FormatInt(view.ID, 10)
		case name == "id" && strings.HasPrefix(route, "/agent/settings/notifications/"):
			v = strconv.FormatInt(fx.failed.ID, 10)
		case name == "id" && (strings.HasPrefix(route, "/api/support-tickets/") || strings.HasPrefix(route, "/agent/tickets/")):
			v = strconv.FormatInt(fx.ticket.ID, 10)
		case name == "id" && (strings.HasPrefix(route, "/api/macros/") || strings.HasPrefix(route, "/agent/settings/macros/")),
			name == "macroId":
			v = strconv.FormatInt(fx.macro.ID, 10)
		case name == "attachmentId":
			v = strconv.FormatInt(fx.publicFile, 10)
		case name == "token" && strings.HasPrefix(route, "/track/"):
			v = fx.ticket.AccessToken
		case name == "token" && strings.HasPrefix(route, "/agent/set-password/"):
			v = fx.passwordToken
		default:
			t.Fatalf("route %s: no value for %s; teach authzWorld.path what it names", route, seg)
		}
		segs[i] = v
	}
	return strings.Join(segs, "/")
}

// caller is one way of calling: a class of the table and its credentials.
type caller struct {
	name  string
	class func(access) outcome
	auth  func(w *authzWorld, fx *authzFixture) (bearer string, session int64)
}

var callers = []caller{
	{"anonymous", func(a access) outcome { return a.anonymous }, func(*authzWorld, *authzFixture) (string, int64) { return "", 0 }},
	{"requester", func(a access) outcome { return a.requester }, func(_ *authzWorld, fx *authzFixture) (string, int64) { return fx.ticket.AccessToken, 0 }},
	{"agent-key", func(a access) outcome { return a.agent }, func(w *authzWorld, _ *authzFixture) (string, int64) { return w.s.AgentKey, 0 }},
	{"agent-session", func(a access) outcome { return a.agent }, func(w *authzWorld, _ *authzFixture) (string, int64) { return "", w.agent.ID }},
	{"admin-key", func(a access) outcome { return a.admin }, func(w *authzWorld, _ *authzFixture) (string, int64) { return w.s.AdminKey, 0 }},
	{"admin-session", func(a access) outcome { return a.admin }, func(w *authzWorld, _ *authzFixture) (string, int64) { return "", w.admin.ID }},
}

// call sends one request as a browser would: with a CSRF cookie and the
// matching token in the form and the header (so refusals are about who
// calls, not about CSRF), plus the caller's bearer credential or session.
func (w *authzWorld) call(t *testing.T, method, route, path, bearerSecret string, sessionUser int64, fx *authzFixture) response {
	t.Helper()
	token := authzCSRFToken()
	form := url.Values{web.CSRFField: {token}}
	if route == "POST /agent/login" {
		form.Set("email", w.login.Email)
		form.Set("password", authzPassword)
	}
	var body io.Reader
	var contentType string
	if method != "GET" && method != "DELETE" {
		if authzMultipart[route] {
			var buf *bytes.Buffer
			buf, contentType = multipartBody(t, part{Name: web.CSRFField, Value: token})
			body = buf
		} else {
			body, contentType = strings.NewReader(form.Encode()), "application/x-www-form-urlencoded"
		}
	}
	req, err := http.NewRequestWithContext(t.Context(), method, w.s.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set(web.CSRFHeader, token)
	req.AddCookie(&http.Cookie{Name: web.CSRFCookie, Value: token})
	if bearerSecret != "" {
		req.Header.Set("Authorization", "Bearer "+bearerSecret)
	}
	if sessionUser != 0 {
		req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: authzSession(t, w.s, sessionUser)})
	}
	resp, err := w.s.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		return response{Response: resp} // a stream that stays open: its headers say enough
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{Response: resp, Body: b}
}

// authzSession starts a desk session for a user through the application's
// own session store, as signing in does, without a bcrypt per request.
func authzSession(t *testing.T, s *testServer, userID int64) string {
	t.Helper()
	store := web.NewSessionStore(s.DB, false)
	sess := sessions.NewSession(store, web.SessionCookie)
	sess.Options = &sessions.Options{Path: "/", MaxAge: int(web.SessionTTL.Seconds())}
	sess.Values[web.SessionUser] = userID
	r := httptest.NewRequest("GET", "/", nil).WithContext(t.Context())
	if err := store.Save(r, httptest.NewRecorder(), sess); err != nil {
		t.Fatal(err)
	}
	return sess.ID
}

// outcomeOf classifies a response.
func outcomeOf(r response) outcome {
	switch {
	case r.StatusCode == http.StatusUnauthorized:
		return unauthorized
	case r.StatusCode == http.StatusForbidden:
		return forbidden
	case r.StatusCode == http.StatusNotFound:
		return notFound
	case r.StatusCode == http.StatusSeeOther && strings.HasPrefix(r.Header.Get("Location"), "/agent/login?next="):
		return toSignIn
	}
	return allowed
}

// leaks reports whether a response shows anything of the internal note.
func (w *authzWorld) leaks(r response) bool {
	all := string(r.Body)
	for k, v := range r.Header {
		all += "\n" + k + ": " + strings.Join(v, ", ")
	}
	return strings.Contains(all, w.marker) || strings.Contains(all, w.noteFile)
}

// authzCSRFToken is a CSRF token of the form the server mints: 32 random
// bytes, 43 characters.
func authzCSRFToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// authzRandom is a short random word for unique names.
func authzRandom() string {
	b := make([]byte, 9)
	rand.Read(b)
	return strings.NewReplacer("-", "a", "_", "b").Replace(base64.RawURLEncoding.EncodeToString(b))
}

// The authorization table test: every route the application serves is in
// authzTable, and every class of caller gets exactly what its row says.
// Everything a requester may call is also searched for the ticket's
// internal note, which must never appear.
func TestAuthz(t *testing.T) {
	s := newTestServer(t)
	w := newAuthzWorld(t, s)
	routes := Routes(web.Config{}, s.DB, s.Files)
	served := map[string]bool{}
	for _, r := range routes {
		key := r.Method + " " + r.Path
		served[key] = true
		row, ok := authzTable[key]
		if !ok {
			t.Errorf("route %s has no row: add it to the authorization table (authzTable in authz_test.go)", key)
			continue
		}
		t.Run(key, func(t *testing.T) {
			t.Parallel() // each request has its own fixture
			for _, c := range callers {
				t.Run(c.name, func(t *testing.T) {
					fx := w.fixture(t)
					bearerSecret, session := c.auth(w, fx)
					got := w.call(t, r.Method, key, w.path(t, r.Path, fx), bearerSecret, session, fx)
					want := c.class(row)
					if authzPersonal[key] && strings.HasSuffix(c.name, "-key") {
						want = forbidden
					}
					if outcomeOf(got) != want {
						t.Errorf("%s as %s: %d (Location %q) is %v, want %v; body %.200q",
							key, c.name, got.StatusCode, got.Header.Get("Location"), outcomeOf(got), want, got.Body)
					}
					if (c.name == "requester" || c.name == "anonymous") && w.leaks(got) {
						t.Errorf("%s as %s shows the internal note", key, c.name)
					}
				})
			}
		})
	}
	for key := range authzTable {
		if !served[key] {
			t.Errorf("authzTable has a row for %s, which the application does not serve: remove it", key)
		}
	}
	if len(routes) < 30 {
		t.Fatalf("only %d routes: is Routes still the whole list?", len(routes))
	}
}

// The addresses that are their own credential (a tracking link, a
// set-password link) open nothing with a token that is not a live one, and
// a tracking link opens none of another ticket's files.
func TestAuthzLinks(t *testing.T) {
	s := newTestServer(t)
	w := newAuthzWorld(t, s)
	n := 0
	for _, r := range Routes(web.Config{}, s.DB, s.Files) {
		if !strings.Contains(r.Path, ":token") {
			continue
		}
		n++
		key := r.Method + " " + r.Path
		t.Run(key, func(t *testing.T) {
			fx := w.fixture(t)
			real, prefix := fx.passwordToken, "hdp_"
			if strings.HasPrefix(r.Path, "/track/") {
				real, prefix = fx.ticket.AccessToken, db.TicketTokenPrefix
			}
			good := w.path(t, r.Path, fx)
			bad := map[string]string{
				"Unknown":   prefix + authzRandom() + authzRandom(),
				"NoPrefix":  strings.TrimPrefix(real, prefix),
				"Truncated": real[:len(real)-1],
				"OtherKind": map[bool]string{true: fx.passwordToken, false: fx.ticket.AccessToken}[real == fx.ticket.AccessToken],
			}
			if strings.Contains(r.Path, "/files/") {
				// A live link, but this ticket's file is not among its files.
				bad["AnotherTicket"] = w.other.AccessToken
			}
			for name, token := range bad {
				t.Run(name, func(t *testing.T) {
					got := w.call(t, r.Method, key, strings.Replace(good, real, token, 1), "", 0, fx)
					if got.StatusCode != http.StatusNotFound {
						t.Fatalf("%s with a wrong token: %d, want 404; body %.200q", key, got.StatusCode, got.Body)
					}
				})
			}
		})
	}
	if n < 7 {
		t.Fatalf("only %d routes take a token", n)
	}
}

// A requester's token opens its own ticket only: on another ticket's
// address it answers 404, as if that ticket did not exist.
func TestAuthzOtherTicket(t *testing.T) {
	s := newTestServer(t)
	w := newAuthzWorld(t, s)
	n := 0
	for _, r := range Routes(web.Config{}, s.DB, s.Files) {
		key := r.Method + " " + r.Path
		if !strings.HasPrefix(r.Path, "/api/") || !strings.Contains(r.Path, ":id") || authzTable[key].requester != allowed {
			continue
		}
		n++
		t.Run(key, func(t *testing.T) {
			fx := w.fixture(t)
			got := w.call(t, r.Method, key, w.path(t, r.Path, fx), w.other.AccessToken, 0, fx)
			if got.StatusCode != http.StatusNotFound {
				t.Fatalf("another ticket's token: %d, want 404; body %.200q", got.StatusCode, got.Body)
			}
		})
	}
	if n < 5 {
		t.Fatalf("only %d requester routes with an id", n)
	}
}

// An internal note and its file reach agents and never the requester: not
// in the API, not on the tracking page, not as a download.
func TestAuthzInternalNotes(t *testing.T) {
	s := newTestServer(t)
	w := newAuthzWorld(t, s)
	fx := w.fixture(t)
	ticket := "/api/support-tickets/" + strconv.FormatInt(fx.ticket.ID, 10)
	track := "/track/" + fx.ticket.AccessToken
	note := strconv.FormatInt(fx.noteFile, 10)
	public := strconv.FormatInt(fx.publicFile, 10)

	t.Run("AgentsSeeTheNote", func(t *testing.T) {
		// Proves the marker is there to find: the requester checks below
		// could otherwise pass by looking at an empty thread.
		r := w.call(t, "GET", "", ticket+"/messages", s.AgentKey, 0, fx)
		if !w.leaks(r) {
			t.Fatalf("the agent's thread lacks the note: %s", r.Body)
		}
		if r := w.call(t, "GET", "", ticket+"/attachments/"+note, s.AgentKey, 0, fx); r.StatusCode != http.StatusOK {
			t.Fatalf("the agent cannot download the note's file: %d", r.StatusCode)
		}
	})
	tests := []struct {
		name, path string
		bearer     string
		want       int
	}{
		{"TicketAPI", ticket, fx.ticket.AccessToken, http.StatusOK},
		{"MessagesAPI", ticket + "/messages", fx.ticket.AccessToken, http.StatusOK},
		{"AttachmentsAPI", ticket + "/attachments", fx.ticket.AccessToken, http.StatusOK},
		{"PublicFileAPI", ticket + "/attachments/" + public, fx.ticket.AccessToken, http.StatusOK},
		{"NoteFileAPI", ticket + "/attachments/" + note, fx.ticket.AccessToken, http.StatusNotFound},
		{"TrackPage", track, "", http.StatusOK},
		{"PublicFilePage", track + "/files/" + public, "", http.StatusOK},
		{"NoteFilePage", track + "/files/" + note, "", http.StatusNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := w.call(t, "GET", "", tc.path, tc.bearer, 0, fx)
			if r.StatusCode != tc.want {
				t.Fatalf("status %d, want %d", r.StatusCode, tc.want)
			}
			if w.leaks(r) {
				t.Fatalf("the requester sees the internal note: %.300q", r.Body)
			}
		})
	}
}
