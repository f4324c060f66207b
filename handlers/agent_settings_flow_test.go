package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/i18n"
)

// A new API key is on the creating response only, works at once, and
// stops working (401) the moment it is revoked.
func TestSettingsAPIKeyShownOnce(t *testing.T) {
	s := newTestServer(t)
	admin := s.signIn(t, db.RoleAdmin)

	r := admin.postForm(t, "/agent/settings/keys", url.Values{"name": {"Bookings app"}, "role": {"agent"}})
	if r.StatusCode != http.StatusOK {
		t.Fatalf("create: %d %.300s", r.StatusCode, r.Body)
	}
	if got := r.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control %q, want no-store on the page with the key", got)
	}
	secret := settingsSecretOf(t, r)
	if !strings.HasPrefix(secret, db.APIKeyPrefix) {
		t.Fatalf("shown key %q lacks the %s prefix", secret, db.APIKeyPrefix)
	}
	if got := settingsAPIStatus(t, s, secret); got != http.StatusOK {
		t.Fatalf("the new key: %d, want 200", got)
	}

	again := admin.get(t, "/agent/settings/keys")
	if strings.Contains(string(again.Body), secret) {
		t.Fatal("a second visit shows the key again")
	}
	row := one(t, html(t, again), `[data-testid="key"][data-prefix="`+secret[:len(db.APIKeyPrefix)+6]+`"]`)
	if !strings.Contains(text(row), "Bookings app") {
		t.Errorf("the key's row reads %q", text(row))
	}

	action, ok := row.Find("form").Attr("action")
	if !ok {
		t.Fatal("no revoke form on a live key")
	}
	settingsWantRedirect(t, admin.postForm(t, action, url.Values{}), "/agent/settings/keys?done=keyRevoked")
	if got := settingsAPIStatus(t, s, secret); got != http.StatusUnauthorized {
		t.Fatalf("the revoked key: %d, want 401", got)
	}
	page := html(t, admin.get(t, "/agent/settings/keys"))
	row = one(t, page, `[data-testid="key"][data-prefix="`+secret[:len(db.APIKeyPrefix)+6]+`"]`)
	if got := text(row.Find(`[data-testid="key-state"]`)); got != "Revoked" {
		t.Errorf("state %q, want Revoked", got)
	}
	if row.Find("form").Length() != 0 {
		t.Error("a revoked key still offers Revoke")
	}
}

// Adding an agent hands over a one-time link, once, with which the new
// agent chooses a password and is signed in; a reset issues another.
func TestSettingsAgentHandOver(t *testing.T) {
	s := newTestServer(t)
	admin := s.signIn(t, db.RoleAdmin)

	r := admin.postForm(t, "/agent/settings/agents", url.Values{"name": {"Lucía Pérez"}, "email": {"lucia@kinconecta.com"}, "role": {"agent"}})
	if r.StatusCode != http.StatusOK {
		t.Fatalf("add: %d %.300s", r.StatusCode, r.Body)
	}
	link := settingsSecretOf(t, r)
	const prefix = "http://helpdesk.test/agent/set-password/"
	if !strings.HasPrefix(link, prefix) {
		t.Fatalf("link %q, want one under %s", link, prefix)
	}
	if r.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q on the page with the link", r.Header.Get("Cache-Control"))
	}
	if strings.Contains(string(admin.get(t, "/agent/settings").Body), link) {
		t.Fatal("a second visit shows the link again")
	}

	lucia := s.newBrowser(t)
	path := strings.TrimPrefix(link, "http://helpdesk.test")
	if r := lucia.get(t, path); r.StatusCode != http.StatusOK || !strings.Contains(string(r.Body), "lucia@kinconecta.com") {
		t.Fatalf("the link's page: %d", r.StatusCode)
	}
	settingsWantRedirect(t, lucia.postForm(t, path, url.Values{"password": {"a long new password"}}), "/agent")
	if r := lucia.get(t, "/api/support-tickets?limit=1"); r.StatusCode != http.StatusOK {
		t.Fatalf("the new agent is not signed in: %d", r.StatusCode)
	}
	if r := lucia.get(t, path); r.StatusCode != http.StatusNotFound {
		t.Errorf("the link works twice: %d", r.StatusCode)
	}

	// A forgotten password: a new link, the old password still works until
	// it is used.
	var id string
	html(t, admin.get(t, "/agent/settings")).Find(`[data-testid="agent"][data-email="lucia@kinconecta.com"] [data-testid="agent-link-form"]`).
		Each(func(_ int, f *goquery.Selection) { id, _ = f.Attr("action") })
	if id == "" {
		t.Fatal("no password-link form for the agent")
	}
	again := settingsSecretOf(t, admin.postForm(t, id, url.Values{}))
	if !strings.HasPrefix(again, prefix) || again == link {
		t.Fatalf("reset link %q", again)
	}
	if _, err := s.DB.Authenticate(t.Context(), "lucia@kinconecta.com", "a long new password"); err != nil {
		t.Errorf("issuing a link changed the password: %v", err)
	}
}

// Deactivating an account ends its sessions: the agent's browser is sent
// to sign in on its next page, and its API calls answer 401.
func TestSettingsDeactivationEndsSession(t *testing.T) {
	s := newTestServer(t)
	admin := s.signIn(t, db.RoleAdmin)
	tests := []struct{ name, role string }{
		{"Admin", db.RoleAdmin},
		{"Agent", db.RoleAgent},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			other := s.signIn(t, tc.role)
			if r := other.get(t, "/api/support-tickets?limit=1"); r.StatusCode != http.StatusOK {
				t.Fatalf("before: %d", r.StatusCode)
			}
			settingsWantRedirect(t, admin.postForm(t, "/agent/settings/agents/"+settingsIDPath(other.User.ID)+"/active",
				url.Values{"active": {"false"}}), "/agent/settings?done=deactivated")
			if r := other.get(t, "/api/support-tickets?limit=1"); r.StatusCode != http.StatusUnauthorized {
				t.Errorf("API after deactivation: %d, want 401", r.StatusCode)
			}
			r := other.get(t, "/agent/settings")
			if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/agent/login?next=") {
				t.Errorf("desk after deactivation: %d → %q, want 303 to sign in", r.StatusCode, r.Header.Get("Location"))
			}
			if _, err := s.DB.Authenticate(t.Context(), other.User.Email, "correct horse battery"); err == nil {
				t.Error("a deactivated account can still sign in")
			}
		})
	}
}

// The last active admin can be neither demoted nor deactivated: the page
// says why and nothing changes.
func TestSettingsLastAdmin(t *testing.T) {
	s := newTestServer(t)
	admin := s.signIn(t, db.RoleAdmin)
	base := "/agent/settings/agents/" + settingsIDPath(admin.User.ID)
	tests := []struct {
		name, path string
		form       url.Values
	}{
		{"Demote", base + "/role", url.Values{"role": {"agent"}}},
		{"Deactivate", base + "/active", url.Values{"active": {"false"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := admin.postForm(t, tc.path, tc.form)
			if r.StatusCode != http.StatusConflict {
				t.Fatalf("status %d, want 409", r.StatusCode)
			}
			if got := text(one(t, html(t, r), `[data-testid="error-summary"]`)); !strings.Contains(got, "last active admin") {
				t.Errorf("summary %q does not explain", got)
			}
			if u := settingsUser(t, s, admin.User.ID); u.Role != db.RoleAdmin || !u.Active {
				t.Fatalf("the last admin changed: %+v", u)
			}
		})
	}
}

// A retired category leaves the support form but stays on the tickets
// that have it; brought back, it returns to the form.
func TestSettingsRetiredCategory(t *testing.T) {
	s := newTestServer(t)
	admin := s.signIn(t, db.RoleAdmin)
	old := s.createTicket(t, map[string]any{"category": "RESERVAS_VIAJES"})
	booking, err := s.DB.FindCategory(t.Context(), "Booking")
	if err != nil {
		t.Fatal(err)
	}
	onForm := func() bool {
		return html(t, s.newBrowser(t).get(t, "/")).Find(`select[name="category"] option[value="Booking"]`).Length() == 1
	}
	if !onForm() {
		t.Fatal("Booking is not on the form to begin with")
	}
	retire := "/agent/settings/categories/" + settingsIDPath(booking.ID) + "/retire"
	settingsWantRedirect(t, admin.postForm(t, retire, url.Values{"retired": {"true"}}), "/agent/settings/categories?done=categoryRetired")
	if onForm() {
		t.Error("the retired category is still on the support form")
	}
	var got db.Ticket
	s.do(t, "GET", "/api/support-tickets/"+settingsIDPath(old.ID), "", nil, bearer(s.AgentKey)...).JSON(t, &got)
	if got.Category != "Booking" {
		t.Errorf("the old ticket's category is %q, want Booking", got.Category)
	}
	if r := s.postJSON(t, "/api/support-tickets", map[string]any{"category": "Booking", "roleContext": "guest", "fullName": "Ana",
		"email": "ana@example.com", "subject": "Hi", "message": "Hello"}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a new ticket in the retired category: %d, want 422", r.StatusCode)
	}
	row := one(t, html(t, admin.get(t, "/agent/settings/categories")), `[data-testid="category"][data-name="Booking"]`)
	if got := text(row.Find(`[data-testid="category-state"]`)); got != "Retired" {
		t.Errorf("the settings show it as %q", got)
	}
	settingsWantRedirect(t, admin.postForm(t, retire, url.Values{"retired": {"false"}}), "/agent/settings/categories?done=categoryRestored")
	if !onForm() {
		t.Error("the category brought back is not on the form")
	}
}

// The outbox lists what waits and what failed, with a retry on failures
// only, and says so when there is nothing.
func TestSettingsOutbox(t *testing.T) {
	s := newTestServer(t)
	admin := s.signIn(t, db.RoleAdmin)
	empty := html(t, admin.get(t, "/agent/settings/outbox"))
	for _, status := range []string{"pending", "failed"} {
		if n := empty.Find(`[data-testid="outbox-` + status + `"] [data-testid="notification"]`).Length(); n != 0 {
			t.Fatalf("%d %s rows before any ticket", n, status)
		}
	}
	f := newSettingsFixture(t, s)
	d := html(t, admin.get(t, "/agent/settings/outbox"))
	pending := d.Find(`[data-testid="outbox-pending"] [data-testid="notification"]`)
	failed := d.Find(`[data-testid="outbox-failed"] [data-testid="notification"]`)
	if pending.Length() < 1 || failed.Length() != 1 {
		t.Fatalf("%d pending and %d failed rows, want ≥1 and 1", pending.Length(), failed.Length())
	}
	row := text(failed)
	for _, want := range []string{f.Failed.Recipient, "dial tcp: connection refused", "#" + settingsIDPath(f.TicketID)} {
		if !strings.Contains(row, want) {
			t.Errorf("failed row %q lacks %q", row, want)
		}
	}
	if failed.Find("form button").Length() != 1 || pending.Find("form").Length() != 0 {
		t.Error("Retry must be offered on failed rows only")
	}
}

// Only known ?done= names show a notice, from the catalogue: the address
// cannot put words on the page.
func TestSettingsNotice(t *testing.T) {
	s := newTestServer(t)
	admin := s.signIn(t, db.RoleAdmin)
	tests := []struct {
		name, done, want string
	}{
		{"Known", "keyRevoked", "API key revoked."},
		{"Unknown", "hacked", ""},
		{"Markup", "<script>alert(1)</script>", ""},
		{"CatalogueKeyWithArguments", "../created.key", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := admin.get(t, "/agent/settings?done="+url.QueryEscape(tc.done))
			got := text(one(t, html(t, r), `[data-testid="settings-notice"]`))
			if !strings.HasPrefix(got, tc.want) || (tc.want == "" && got != "") {
				t.Fatalf("notice %q, want %q", got, tc.want)
			}
			if strings.Contains(string(r.Body), "<script>alert") {
				t.Fatal("the address reached the page as markup")
			}
		})
	}
}

// The page speaks Spanish when asked, and shows what people typed as text.
func TestSettingsLanguageAndEscaping(t *testing.T) {
	s := newTestServer(t)
	admin := s.signIn(t, db.RoleAdmin)
	if _, err := s.DB.CreateUser(t.Context(), db.NewUser{Email: "x@kinconecta.com", Name: `<img src=x onerror=alert(1)>`,
		Role: db.RoleAgent, Password: db.RandomPassword()}); err != nil {
		t.Fatal(err)
	}
	r := admin.do(t, "GET", "/agent/settings", "", nil, "Accept-Language", "es-MX,es;q=0.9")
	d := html(t, r)
	if got := text(one(t, d, "h1")); got != "Ajustes" {
		t.Errorf("h1 %q, want Ajustes", got)
	}
	if lang, _ := d.Find("html").Attr("lang"); lang != "es" {
		t.Errorf("lang %q", lang)
	}
	if d.Find(`img[src="x"]`).Length() != 0 || !strings.Contains(string(r.Body), "&lt;img src=x") {
		t.Error("an agent's name reached the page as markup")
	}
	// Headings go down one level at a time and every input has a label.
	prev := 1
	d.Find("main h1, main h2, main h3, main h4").Each(func(_ int, h *goquery.Selection) {
		level := int(goquery.NodeName(h)[1] - '0')
		if level > prev+1 {
			t.Errorf("heading %q jumps from h%d to h%d", text(h), prev, level)
		}
		prev = level
	})
	inputs := d.Find("main input:not([type=hidden]), main select")
	if inputs.Length() < 5 {
		t.Fatalf("only %d inputs on the page", inputs.Length())
	}
	inputs.Each(func(_ int, in *goquery.Selection) {
		id, _ := in.Attr("id")
		if id == "" || d.Find(`label[for="`+id+`"]`).Length() != 1 {
			t.Errorf("input %q has no label of its own", id)
		}
	})
}

// Keys the page builds at run time exist in both languages.
func TestSettingsCatalogBuiltKeys(t *testing.T) {
	keys := []string{}
	for _, r := range []string{"agent", "admin"} {
		keys = append(keys, "settings.role."+r)
	}
	for _, k := range []string{db.NotifyTicketCreated, db.NotifyNewTicket, db.NotifyAgentReply, db.NotifyResolved, db.NotifyClosed, db.NotifyAssigned} {
		keys = append(keys, "settings.kind."+k)
	}
	for _, k := range []string{"key", "link"} {
		keys = append(keys, "settings.secret."+k+".title", "settings.secret."+k+".text", "settings.secret."+k+".label")
	}
	for _, st := range []string{"pending", "failed"} {
		keys = append(keys, "settings.outbox."+st, "settings.outbox."+st+".none", "settings.outbox."+st+".table")
	}
	for _, d := range []string{"role", "deactivated", "reactivated", "notifyOn", "notifyOff", "keyRevoked",
		"categoryAdded", "categorySaved", "categoryRetired", "categoryRestored", "retried"} {
		keys = append(keys, "settings.done."+d)
	}
	for _, f := range []string{"name", "nameEs", "email"} {
		keys = append(keys, "settings.err.required."+f)
	}
	for _, f := range []string{"name", "email", "aliases"} {
		keys = append(keys, "settings.err.inUse."+f)
	}
	for _, k := range keys {
		if !i18n.Has(k) {
			t.Errorf("missing %q", k)
		}
	}
}

// The support form keeps at least one category: retiring the last one is
// refused with a reason, and it stays on the form.
func TestSettingsLastCategory(t *testing.T) {
	s := newTestServer(t)
	admin := s.signIn(t, db.RoleAdmin)
	cats, err := s.DB.Categories(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cats[1:] {
		if err := s.DB.RetireCategory(t.Context(), c.ID, true); err != nil {
			t.Fatal(err)
		}
	}
	r := admin.postForm(t, "/agent/settings/categories/"+settingsIDPath(cats[0].ID)+"/retire", url.Values{"retired": {"true"}})
	if r.StatusCode != http.StatusConflict {
		t.Fatalf("status %d, want 409", r.StatusCode)
	}
	if got := text(one(t, html(t, r), `[data-testid="error-summary"]`)); !strings.Contains(got, "last category") {
		t.Errorf("summary %q does not explain", got)
	}
	if settingsCategory(t, s, cats[0].ID).Retired {
		t.Fatal("the last category was retired")
	}
}
