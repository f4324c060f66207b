package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/kinconecta/helpdesk/db"
)

// signInAs creates an account named name and signs a new browser in as it.
func (s *testServer) signInAs(t *testing.T, name, role string) *browser {
	t.Helper()
	email := strings.ToLower(name) + "-" + randomSuffix() + "@kinconecta.com"
	u, err := s.DB.CreateUser(t.Context(), db.NewUser{Email: email, Name: name, Role: role, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	b := s.newBrowser(t)
	if r := b.postForm(t, "/agent/login", url.Values{"email": {email}, "password": {"correct horse battery"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d %s", r.StatusCode, r.Body)
	}
	b.User = u
	return b
}

// mintKey creates an API key through the settings page and returns it.
func (b *browser) mintKey(t *testing.T, name, role string) string {
	t.Helper()
	r := b.postForm(t, "/agent/settings/keys", url.Values{"name": {name}, "role": {role}})
	secret := settingsSecretOf(t, r)
	if r.StatusCode != http.StatusOK || !strings.HasPrefix(secret, db.APIKeyPrefix) {
		t.Fatalf("create key %q: %d, secret %q", name, r.StatusCode, secret)
	}
	return secret
}

// keyRow is the settings page's row of the key whose secret is given.
func keyRow(t *testing.T, b *browser, secret string) *goquery.Selection {
	t.Helper()
	r := b.get(t, "/agent/settings/keys")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("settings: %d", r.StatusCode)
	}
	return one(t, html(t, r), `[data-testid="key"][data-prefix="`+secret[:len(db.APIKeyPrefix)+6]+`"]`)
}

// deleteWith reports the status of an admin-only call (deleting a fresh
// ticket) made with secret.
func deleteWith(t *testing.T, s *testServer, secret string) int {
	t.Helper()
	c := s.createTicket(t, nil)
	return s.do(t, "DELETE", "/api/support-tickets/"+strconv.FormatInt(c.ID, 10), "", nil, bearer(secret)...).StatusCode
}

// An API key answers to the account that made it: deactivating the account
// revokes its keys, taking its admin role revokes its admin keys, and the
// settings page shows who made each key, its last use, and when and why a
// revoked one stopped working.
func TestAPIKeyCreatorLosesRights(t *testing.T) {
	s := newTestServer(t)
	bea := s.signInAs(t, "Bea", db.RoleAdmin)

	t.Run("Deactivated", func(t *testing.T) {
		ana := s.signInAs(t, "Ana", db.RoleAdmin)
		adminKey := ana.mintKey(t, "Bookings", db.RoleAdmin)
		agentKey := ana.mintKey(t, "Reports", db.RoleAgent)
		if got := deleteWith(t, s, adminKey); got != http.StatusNoContent {
			t.Fatalf("admin key while Ana is an admin: %d, want 204", got)
		}
		if got := text(keyRow(t, bea, adminKey).Find(`[data-testid="key-creator"]`)); got != "Ana" {
			t.Errorf("created by %q, want Ana", got)
		}

		done := bea.postForm(t, "/agent/settings/agents/"+settingsIDPath(ana.User.ID)+"/active", url.Values{"active": {"false"}})
		if got := deleteWith(t, s, adminKey); got != http.StatusUnauthorized {
			t.Errorf("Ana's admin key after her account was deactivated: %d, want 401", got)
		}
		if got := settingsAPIStatus(t, s, agentKey); got != http.StatusUnauthorized {
			t.Errorf("Ana's agent key after her account was deactivated: %d, want 401", got)
		}
		settingsWantRedirect(t, done, "/agent/settings?done=deactivatedKeys")
		row := keyRow(t, bea, adminKey)
		if state, _ := row.Attr("data-state"); state != "revoked" {
			t.Errorf("row state %q, want revoked", state)
		}
		if got := text(row.Find(`[data-testid="key-revoked-why"]`)); got != "Its creator's account was deactivated" {
			t.Errorf("why %q", got)
		}
		if row.Find(`[data-testid="key-revoked"] time[datetime]`).Length() != 1 {
			t.Error("the revoked key does not say when")
		}
		// Reactivating the account revives nothing.
		settingsWantRedirect(t, bea.postForm(t, "/agent/settings/agents/"+settingsIDPath(ana.User.ID)+"/active",
			url.Values{"active": {"true"}}), "/agent/settings?done=reactivated")
		if got := settingsAPIStatus(t, s, agentKey); got != http.StatusUnauthorized {
			t.Errorf("a revoked key after reactivation: %d, want 401", got)
		}
	})

	t.Run("Demoted", func(t *testing.T) {
		carla := s.signInAs(t, "Carla", db.RoleAdmin)
		adminKey := carla.mintKey(t, "Payments", db.RoleAdmin)
		agentKey := carla.mintKey(t, "Dashboard", db.RoleAgent)
		done := bea.postForm(t, "/agent/settings/agents/"+settingsIDPath(carla.User.ID)+"/role", url.Values{"role": {db.RoleAgent}})
		if got := deleteWith(t, s, adminKey); got != http.StatusUnauthorized {
			t.Errorf("an admin key of a demoted admin: %d, want 401", got)
		}
		if got := settingsAPIStatus(t, s, agentKey); got != http.StatusOK {
			t.Errorf("an agent key of a demoted admin: %d, want 200", got)
		}
		settingsWantRedirect(t, done, "/agent/settings?done=roleKeys")
		if got := text(keyRow(t, bea, adminKey).Find(`[data-testid="key-revoked-why"]`)); got != "Its creator is no longer an admin" {
			t.Errorf("why %q", got)
		}
		if state, _ := keyRow(t, bea, agentKey).Attr("data-state"); state != "live" {
			t.Errorf("the agent key's row is %q, want live", state)
		}
	})

	t.Run("CommandLineAndLastUse", func(t *testing.T) {
		row := keyRow(t, bea, s.AgentKey)
		if got := text(row.Find(`[data-testid="key-creator"]`)); got != "Command line" {
			t.Errorf("a command-line key's creator reads %q", got)
		}
		if settingsAPIStatus(t, s, s.AgentKey) != http.StatusOK {
			t.Fatal("the command-line key does not work")
		}
		// The use is written without the call waiting for it.
		for range 400 {
			if keyRow(t, bea, s.AgentKey).Find(`[data-testid="key-last-used"] time[datetime]`).Length() == 1 {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Error("the last use never shows")
	})
}
