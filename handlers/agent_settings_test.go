package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
)

// settingsForm is one form of the settings page: where it posts, a good
// and a refused submission, and how to see in the store that the good one
// took effect (and so that a refused one did not).
type settingsForm struct {
	name string
	path func(f *settingsFixture) string
	good func(f *settingsFixture) url.Values
	// goodStatus is 303 for most forms; those that hand over a secret
	// answer 200 with it.
	goodStatus int
	goodTo     string // the 303's Location
	// bad is the refused submission: badPath (when set) replaces path,
	// so an item that is gone or not allowed is a refusal too.
	bad        func(f *settingsFixture) url.Values
	badPath    func(f *settingsFixture) string
	badStatus  int
	badInputs  []string                                   // inputs that must carry a message (by id, %d = fixture id)
	badMessage string                                     // text the refusal must show
	badKept    func(f *settingsFixture) map[string]string // input id → the typed value it must show again
	stored     func(t *testing.T, s *testServer, f *settingsFixture) bool
}

func settingsForms() []settingsForm {
	return []settingsForm{
		{
			name: "AddAgent",
			path: func(*settingsFixture) string { return "/agent/settings/agents" },
			good: func(f *settingsFixture) url.Values {
				return url.Values{"name": {"Lucía Pérez"}, "email": {"lucia" + f.uniqueSuffix + "@kinconecta.com"}, "role": {"agent"}}
			},
			goodStatus: http.StatusOK,
			bad: func(f *settingsFixture) url.Values {
				return url.Values{"name": {" "}, "email": {"lucia" + f.uniqueSuffix + "@"}, "role": {"agent"}}
			},
			badStatus:  http.StatusUnprocessableEntity,
			badInputs:  []string{"agent-name", "agent-email"},
			badMessage: "Enter a name",
			badKept: func(f *settingsFixture) map[string]string {
				return map[string]string{"agent-email": "lucia" + f.uniqueSuffix + "@"}
			},
			stored: func(t *testing.T, s *testServer, f *settingsFixture) bool {
				return settingsUserByEmail(t, s, "lucia"+f.uniqueSuffix+"@kinconecta.com")
			},
		},
		{
			name: "AddAgentEmailInUse",
			path: func(*settingsFixture) string { return "/agent/settings/agents" },
			good: func(f *settingsFixture) url.Values {
				return url.Values{"name": {"Otro Pablo"}, "email": {"pablo2" + f.uniqueSuffix + "@kinconecta.com"}, "role": {"admin"}}
			},
			goodStatus: http.StatusOK,
			bad: func(f *settingsFixture) url.Values {
				return url.Values{"name": {"Otro Pablo"}, "email": {strings.ToUpper(f.User.Email)}, "role": {"agent"}}
			},
			badStatus:  http.StatusUnprocessableEntity,
			badInputs:  []string{"agent-email"},
			badMessage: "already exists",
			stored: func(t *testing.T, s *testServer, f *settingsFixture) bool {
				return settingsUserByEmail(t, s, "pablo2"+f.uniqueSuffix+"@kinconecta.com")
			},
		},
		{
			name: "ChangeRole",
			path: func(f *settingsFixture) string {
				return "/agent/settings/agents/" + settingsIDPath(f.User.ID) + "/role"
			},
			good:      func(*settingsFixture) url.Values { return url.Values{"role": {"admin"}} },
			goodTo:    "/agent/settings?done=role",
			bad:       func(*settingsFixture) url.Values { return url.Values{"role": {"owner"}} },
			badInputs: []string{"agent-%d-role"}, badStatus: http.StatusUnprocessableEntity,
			badMessage: "Choose agent or admin",
			stored: func(t *testing.T, s *testServer, f *settingsFixture) bool {
				return settingsUser(t, s, f.User.ID).Role == db.RoleAdmin
			},
		},
		{
			name: "Deactivate",
			path: func(f *settingsFixture) string {
				return "/agent/settings/agents/" + settingsIDPath(f.User.ID) + "/active"
			},
			good:      func(*settingsFixture) url.Values { return url.Values{"active": {"false"}} },
			goodTo:    "/agent/settings?done=deactivated",
			bad:       func(*settingsFixture) url.Values { return url.Values{"active": {"maybe"}} },
			badStatus: http.StatusBadRequest,
			stored: func(t *testing.T, s *testServer, f *settingsFixture) bool {
				return !settingsUser(t, s, f.User.ID).Active
			},
		},
		{
			name: "Reactivate",
			path: func(f *settingsFixture) string {
				return "/agent/settings/agents/" + settingsIDPath(f.Inactive.ID) + "/active"
			},
			good:      func(*settingsFixture) url.Values { return url.Values{"active": {"true"}} },
			goodTo:    "/agent/settings?done=reactivated",
			bad:       func(*settingsFixture) url.Values { return url.Values{"active": {"true"}} },
			badPath:   func(*settingsFixture) string { return "/agent/settings/agents/999999/active" },
			badStatus: http.StatusNotFound, badMessage: "no longer exists",
			stored: func(t *testing.T, s *testServer, f *settingsFixture) bool {
				return settingsUser(t, s, f.Inactive.ID).Active
			},
		},
		{
			name: "NotifyNewTickets",
			path: func(f *settingsFixture) string {
				return "/agent/settings/agents/" + settingsIDPath(f.User.ID) + "/notify"
			},
			good:      func(*settingsFixture) url.Values { return url.Values{"notify": {"true"}} },
			goodTo:    "/agent/settings?done=notifyOn",
			bad:       func(*settingsFixture) url.Values { return url.Values{"notify": {"yes please"}} },
			badStatus: http.StatusBadRequest,
			stored: func(t *testing.T, s *testServer, f *settingsFixture) bool {
				w, err := s.DB.NewTicketWatchers(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				return w[f.User.ID]
			},
		},
		{
			name: "PasswordLink",
			path: func(f *settingsFixture) string {
				return "/agent/settings/agents/" + settingsIDPath(f.User.ID) + "/password-link"
			},
			good:       func(*settingsFixture) url.Values { return url.Values{} },
			goodStatus: http.StatusOK,
			bad:        func(*settingsFixture) url.Values { return url.Values{} },
			badPath: func(f *settingsFixture) string {
				return "/agent/settings/agents/" + settingsIDPath(f.Inactive.ID) + "/password-link"
			},
			badStatus: http.StatusConflict, badMessage: "reactivate it before",
		},
		{
			name: "CreateKey",
			path: func(*settingsFixture) string { return "/agent/settings/keys" },
			good: func(f *settingsFixture) url.Values {
				return url.Values{"name": {"Bookings " + f.uniqueSuffix}, "role": {"admin"}}
			},
			goodStatus: http.StatusOK,
			bad: func(f *settingsFixture) url.Values {
				return url.Values{"name": {strings.Repeat("k", 121)}, "role": {"root"}}
			},
			badStatus: http.StatusUnprocessableEntity, badInputs: []string{"key-name", "key-role"},
			badMessage: "Use 120 characters or fewer",
			stored: func(t *testing.T, s *testServer, f *settingsFixture) bool {
				return settingsKeyNamed(t, s, "Bookings "+f.uniqueSuffix)
			},
		},
		{
			name:      "RevokeKey",
			path:      func(f *settingsFixture) string { return "/agent/settings/keys/" + settingsIDPath(f.Key.ID) + "/revoke" },
			good:      func(*settingsFixture) url.Values { return url.Values{} },
			goodTo:    "/agent/settings/keys?done=keyRevoked",
			bad:       func(*settingsFixture) url.Values { return url.Values{} },
			badPath:   func(*settingsFixture) string { return "/agent/settings/keys/not-a-number/revoke" },
			badStatus: http.StatusNotFound, badMessage: "no longer exists",
			stored: func(t *testing.T, s *testServer, f *settingsFixture) bool {
				k, _ := settingsKey(t, s, f.Key.ID)
				return k.Revoked
			},
		},
		{
			name: "AddCategory",
			path: func(*settingsFixture) string { return "/agent/settings/categories" },
			good: func(f *settingsFixture) url.Values {
				return url.Values{"name": {"Lost property " + f.uniqueSuffix}, "nameEs": {"Objetos perdidos"}, "aliases": {"lost_" + f.uniqueSuffix + ", OBJETOS_" + f.uniqueSuffix}}
			},
			goodTo: "/agent/settings/categories?done=categoryAdded",
			bad: func(f *settingsFixture) url.Values {
				return url.Values{"name": {"Lost property " + f.uniqueSuffix}, "nameEs": {""}, "aliases": {"two words"}}
			},
			badStatus: http.StatusUnprocessableEntity, badInputs: []string{"cat-nameEs", "cat-aliases"},
			badMessage: "Enter the Spanish label",
			badKept: func(f *settingsFixture) map[string]string {
				return map[string]string{"cat-name": "Lost property " + f.uniqueSuffix, "cat-aliases": "two words"}
			},
			stored: func(t *testing.T, s *testServer, f *settingsFixture) bool {
				c, err := s.DB.FindCategory(t.Context(), "LOST_"+f.uniqueSuffix)
				return err == nil && c.Name == "Lost property "+f.uniqueSuffix
			},
		},
		{
			name: "RenameCategory",
			path: func(f *settingsFixture) string { return "/agent/settings/categories/" + settingsIDPath(f.Category.ID) },
			good: func(f *settingsFixture) url.Values {
				return url.Values{"name": {"Renamed " + f.uniqueSuffix}, "nameEs": {"Renombrada"}, "aliases": {"RN_" + f.uniqueSuffix}}
			},
			goodTo: "/agent/settings/categories?done=categorySaved",
			bad: func(f *settingsFixture) url.Values {
				return url.Values{"name": {"General Inquiry"}, "nameEs": {"Renombrada"}, "aliases": {"RN_" + f.uniqueSuffix}}
			},
			badStatus: http.StatusUnprocessableEntity, badInputs: []string{"cat-%d-name"},
			badMessage: "Another category already has this name",
			badKept: func(f *settingsFixture) map[string]string {
				return map[string]string{"cat-" + settingsIDPath(f.Category.ID) + "-name": "General Inquiry"}
			},
			stored: func(t *testing.T, s *testServer, f *settingsFixture) bool {
				c := settingsCategory(t, s, f.Category.ID)
				return c.Name == "Renamed "+f.uniqueSuffix && c.NameES == "Renombrada" && len(c.Aliases) == 1
			},
		},
		{
			name: "RetireCategory",
			path: func(f *settingsFixture) string {
				return "/agent/settings/categories/" + settingsIDPath(f.Category.ID) + "/retire"
			},
			good:      func(*settingsFixture) url.Values { return url.Values{"retired": {"true"}} },
			goodTo:    "/agent/settings/categories?done=categoryRetired",
			bad:       func(*settingsFixture) url.Values { return url.Values{"retired": {""}} },
			badStatus: http.StatusBadRequest,
			stored: func(t *testing.T, s *testServer, f *settingsFixture) bool {
				return settingsCategory(t, s, f.Category.ID).Retired
			},
		},
		{
			name: "RetryNotification",
			path: func(f *settingsFixture) string {
				return "/agent/settings/notifications/" + settingsIDPath(f.Failed.ID) + "/retry"
			},
			good:   func(*settingsFixture) url.Values { return url.Values{} },
			goodTo: "/agent/settings/outbox?done=retried",
			bad:    func(*settingsFixture) url.Values { return url.Values{} },
			// A pending email is not failed: there is nothing to retry.
			badPath: func(f *settingsFixture) string {
				return "/agent/settings/notifications/" + settingsIDPath(f.Pending.ID) + "/retry"
			},
			badStatus: http.StatusNotFound, badMessage: "no longer exists",
			stored: func(t *testing.T, s *testServer, f *settingsFixture) bool {
				for _, n := range settingsNotificationsFor(t, s, "pending", f.TicketID) {
					if n.ID == f.Failed.ID {
						return n.Attempts == 0
					}
				}
				return false
			},
		},
	}
}

// Every settings form: a post without the page's token is refused and
// changes nothing; a refused post re-renders the page with the messages
// beside the inputs and changes nothing; a good post changes the store and
// answers 303 back to its section (or 200 with the secret it hands over).
func TestSettingsForms(t *testing.T) {
	s := newTestServer(t)
	admin := s.signIn(t, db.RoleAdmin)
	for _, tc := range settingsForms() {
		t.Run(tc.name, func(t *testing.T) {
			f := newSettingsFixture(t, s)
			stored := func() bool { return tc.stored != nil && tc.stored(t, s, f) }
			if stored() {
				t.Fatal("the fixture already has the change")
			}

			t.Run("ErrCSRF", func(t *testing.T) {
				form := tc.good(f)
				form.Set("csrf", "forged-token-forged-token-forged-token-1234")
				r := admin.postForm(t, tc.path(f), form)
				if r.StatusCode != http.StatusForbidden {
					t.Fatalf("status %d, want 403", r.StatusCode)
				}
				if strings.Contains(string(r.Body), "/agent/set-password/") || strings.Contains(string(r.Body), db.APIKeyPrefix) {
					t.Error("a refused post handed over a secret")
				}
				if stored() {
					t.Fatal("a post without the CSRF token changed the store")
				}
			})

			t.Run("Invalid", func(t *testing.T) {
				path := tc.path(f)
				if tc.badPath != nil {
					path = tc.badPath(f)
				}
				r := admin.postForm(t, path, tc.bad(f))
				if r.StatusCode != tc.badStatus {
					t.Fatalf("status %d, want %d; body %.500s", r.StatusCode, tc.badStatus, r.Body)
				}
				if stored() {
					t.Fatal("a refused post changed the store")
				}
				if tc.badMessage != "" && !strings.Contains(string(r.Body), tc.badMessage) {
					t.Errorf("the page does not say %q", tc.badMessage)
				}
				if len(tc.badInputs) == 0 {
					return
				}
				d := html(t, r)
				one(t, d, `[data-testid="error-summary"]`)
				for _, in := range tc.badInputs {
					in = strings.ReplaceAll(in, "%d", settingsFixtureID(f, path))
					if got := one(t, d, "#"+in).AttrOr("aria-invalid", ""); got != "true" {
						t.Errorf("#%s aria-invalid=%q, want true", in, got)
					}
					if text(one(t, d, "#"+in+"-error")) == "" {
						t.Errorf("no message beside #%s", in)
					}
				}
				// What was typed comes back, so the admin fixes rather than retypes.
				if tc.badKept == nil {
					return
				}
				for in, want := range tc.badKept(f) {
					if got := one(t, d, "#"+in).AttrOr("value", ""); got != want {
						t.Errorf("#%s value %q, want %q", in, got, want)
					}
				}
			})

			t.Run("OK", func(t *testing.T) {
				r := admin.postForm(t, tc.path(f), tc.good(f))
				want := tc.goodStatus
				if want == 0 {
					want = http.StatusSeeOther
				}
				if r.StatusCode != want {
					t.Fatalf("status %d, want %d; body %.500s", r.StatusCode, want, r.Body)
				}
				if want == http.StatusSeeOther {
					if got := r.Header.Get("Location"); got != tc.goodTo {
						t.Fatalf("redirected to %q, want %q", got, tc.goodTo)
					}
					page := admin.get(t, tc.goodTo)
					if notice := text(one(t, html(t, page), `[data-testid="settings-notice"]`)); notice == "" {
						t.Error("no notice after the change")
					}
				} else if settingsSecretOf(t, r) == "" {
					t.Error("no secret handed over")
				}
				if tc.stored != nil && !stored() {
					t.Fatal("the change is not in the store")
				}
			})
		})
	}
}

// settingsFixtureID is the id in a form's address, for inputs named by it.
func settingsFixtureID(f *settingsFixture, path string) string {
	parts := strings.Split(strings.TrimPrefix(path, "/agent/settings/"), "/")
	if len(parts) > 1 {
		return parts[1]
	}
	return ""
}

// No settings route opens to an agent who is not an admin: each answers
// 403 and changes nothing, and a signed-out visitor is sent to sign in.
func TestSettingsForbiddenToAgents(t *testing.T) {
	s := newTestServer(t)
	agentBrowser := s.signIn(t, db.RoleAgent)
	anonymous := s.newBrowser(t)
	f := newSettingsFixture(t, s)
	n := 0
	for _, r := range Routes(web.Config{}, s.DB, s.Files) {
		if r.Path != "/agent/settings" && !strings.HasPrefix(r.Path, "/agent/settings/") {
			continue
		}
		n++
		path := strings.NewReplacer(":id", settingsIDPath(f.User.ID)).Replace(r.Path)
		t.Run(r.Method+" "+r.Path, func(t *testing.T) {
			var got, gotAnon response
			if r.Method == "GET" {
				got, gotAnon = agentBrowser.get(t, path), anonymous.get(t, path)
			} else {
				form := url.Values{"role": {"admin"}, "active": {"false"}, "notify": {"true"}, "name": {"X"}, "email": {"x@kinconecta.com"}}
				got = agentBrowser.postForm(t, path, form)
				gotAnon = anonymous.postForm(t, path, url.Values{"role": {"admin"}, "active": {"false"}})
			}
			if got.StatusCode != http.StatusForbidden {
				t.Errorf("agent: status %d, want 403", got.StatusCode)
			}
			if gotAnon.StatusCode != http.StatusSeeOther || !strings.HasPrefix(gotAnon.Header.Get("Location"), "/agent/login?next=") {
				t.Errorf("anonymous: %d → %q, want 303 to sign in", gotAnon.StatusCode, gotAnon.Header.Get("Location"))
			}
			if u := settingsUser(t, s, f.User.ID); u.Role != db.RoleAgent || !u.Active {
				t.Fatalf("a refused caller changed the account: %+v", u)
			}
		})
	}
	if n < 10 {
		t.Fatalf("only %d settings routes", n)
	}
}
