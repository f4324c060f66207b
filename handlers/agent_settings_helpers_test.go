package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/kinconecta/helpdesk/db"
)

// settingsFixture is one of each thing the settings forms change, made
// fresh for each case so the cases cannot see each other's changes.
type settingsFixture struct {
	User         db.User         // an active agent
	Inactive     db.User         // a deactivated agent
	Key          db.APIKey       // a live agent key
	KeySecret    string          // its secret
	Category     db.Category     // an active category
	Failed       db.Notification // a notification that gave up
	Pending      db.Notification // one still waiting
	TicketID     int64           // the ticket both notifications are about
	TicketToken  string
	uniqueSuffix string
}

// newSettingsFixture stores a fresh fixture in s.
func newSettingsFixture(t testing.TB, s *testServer) *settingsFixture {
	t.Helper()
	ctx := t.Context()
	n := randomSuffix()
	f := &settingsFixture{uniqueSuffix: n}
	var err error
	if f.User, err = s.DB.CreateUser(ctx, db.NewUser{Email: "pablo" + n + "@kinconecta.com", Name: "Pablo " + n,
		Role: db.RoleAgent, Password: db.RandomPassword()}); err != nil {
		t.Fatal(err)
	}
	if f.Inactive, err = s.DB.CreateUser(ctx, db.NewUser{Email: "ines" + n + "@kinconecta.com", Name: "Inés " + n,
		Role: db.RoleAgent, Password: db.RandomPassword()}); err != nil {
		t.Fatal(err)
	}
	if err := s.DB.UpdateUser(ctx, f.Inactive.ID, db.RoleAgent, false); err != nil {
		t.Fatal(err)
	}
	if f.Key, f.KeySecret, err = s.DB.CreateAPIKey(ctx, "Key "+n, db.RoleAgent); err != nil {
		t.Fatal(err)
	}
	if f.Category, err = s.DB.AddCategory(ctx, db.CategoryInput{Name: "Topic " + n, NameES: "Tema " + n}); err != nil {
		t.Fatal(err)
	}
	c := s.createTicket(t, map[string]any{"email": "outbox" + n + "@example.com"})
	f.TicketID, f.TicketToken = c.ID, c.AccessToken
	// The create queued a confirmation; a reply queues a second one. One
	// of them gives up, the other keeps waiting.
	if _, err := s.DB.AddMessage(ctx, c.ID, db.NewMessage{Body: "We are on it."}, db.Actor{Type: "agent", ID: f.User.ID, Name: f.User.Name}, 5); err != nil {
		t.Fatal(err)
	}
	queued := settingsNotificationsFor(t, s, "pending", c.ID)
	if len(queued) < 2 {
		t.Fatalf("ticket %d queued %d notifications, want at least 2", c.ID, len(queued))
	}
	f.Pending = queued[0]
	if err := s.DB.MarkAttemptFailed(ctx, queued[1].ID, "dial tcp: connection refused", 0, 1); err != nil {
		t.Fatal(err)
	}
	f.Failed = settingsNotificationsFor(t, s, "failed", c.ID)[0]
	return f
}

// settingsNotificationsFor lists the ticket's notifications with status.
func settingsNotificationsFor(t testing.TB, s *testServer, status string, ticketID int64) []db.Notification {
	t.Helper()
	all, err := s.DB.Notifications(t.Context(), status, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []db.Notification
	for _, n := range all {
		if n.TicketID == ticketID {
			out = append(out, n)
		}
	}
	return out
}

// settingsUser reloads an account.
func settingsUser(t testing.TB, s *testServer, id int64) db.User {
	t.Helper()
	u, err := s.DB.User(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// settingsKey reloads an API key by id (revoked ones included).
func settingsKey(t testing.TB, s *testServer, id int64) (db.APIKey, bool) {
	t.Helper()
	keys, err := s.DB.APIKeys(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if k.ID == id {
			return k, true
		}
	}
	return db.APIKey{}, false
}

// settingsKeyNamed reports whether a key with name exists.
func settingsKeyNamed(t testing.TB, s *testServer, name string) bool {
	t.Helper()
	keys, err := s.DB.APIKeys(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if k.Name == name {
			return true
		}
	}
	return false
}

// settingsCategory reloads a category by id.
func settingsCategory(t testing.TB, s *testServer, id int64) db.Category {
	t.Helper()
	cats, err := s.DB.Categories(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cats {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no category %d", id)
	return db.Category{}
}

// settingsUserByEmail reports whether an account with email exists.
func settingsUserByEmail(t testing.TB, s *testServer, email string) bool {
	t.Helper()
	users, err := s.DB.Users(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if strings.EqualFold(u.Email, email) {
			return true
		}
	}
	return false
}

// settingsSecretOf returns the secret a settings response shows once, ""
// when it shows none.
func settingsSecretOf(t testing.TB, r response) string {
	t.Helper()
	v, _ := html(t, r).Find(`[data-testid="secret-value"]`).Attr("value")
	return v
}

// settingsIDPath is an id as a path segment.
func settingsIDPath(n int64) string { return strconv.FormatInt(n, 10) }

// settingsAPIStatus is the status of an API list call made with secret.
func settingsAPIStatus(t testing.TB, s *testServer, secret string) int {
	t.Helper()
	r := s.do(t, "GET", "/api/support-tickets?limit=1", "", nil, bearer(secret)...)
	return r.StatusCode
}

// settingsWantRedirect fails unless r is a 303 to where.
func settingsWantRedirect(t testing.TB, r response, where string) {
	t.Helper()
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != where {
		t.Fatalf("got %d → %q, want 303 → %q; body %.300s", r.StatusCode, r.Header.Get("Location"), where, r.Body)
	}
}
