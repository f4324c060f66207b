package handlers

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/kinconecta/helpdesk/db"
)

// Saved views through the desk: saving the current filters under a name,
// personal or shared; the side bar lists them with their counts; a
// refused name comes back on the queue; the owner renames and deletes;
// another agent sees only shared views and may not touch them; an admin
// deletes a shared one.
func TestSavedViewsDesk(t *testing.T) {
	s := newTestServer(t)
	ana, bea, admin := s.signIn(t, db.RoleAgent), s.signIn(t, db.RoleAgent), s.signIn(t, db.RoleAdmin)
	s.queueTicket(t, queueSeed{Subject: "Urgent refund", Category: "Billing", Priority: "urgent"})
	s.queueTicket(t, queueSeed{Subject: "Calm question", Category: "Booking"})

	save := func(b *browser, name, query string, shared bool) response {
		t.Helper()
		f := url.Values{"name": {name}, "query": {query}}
		if shared {
			f.Set("shared", "1")
		}
		return b.postForm(t, "/agent/views", f)
	}
	settingsWantRedirect(t, save(ana, "My urgent", "priority=urgent", false), "/agent?priority=urgent")
	settingsWantRedirect(t, save(ana, "Team billing", "category=billing&status=open", true), "/agent?category=Billing&status=open")

	savedViews := func(b *browser) map[string]string {
		t.Helper()
		out := map[string]string{}
		d := b.queuePage(t, "/agent")
		d.Find(`[data-testid="views-saved"] a[data-testid="view"]`).Each(func(_ int, a *goquery.Selection) {
			out[text(a.Find("span").First())] = text(a.Find(`[data-testid="view-count"]`))
		})
		return out
	}
	if got := savedViews(ana); got["My urgent"] != "1" || got["Team billing"] != "1" || len(got) != 2 {
		t.Errorf("ana's saved views %v, want both with count 1", got)
	}
	if got := savedViews(bea); len(got) != 1 || got["Team billing"] != "1" {
		t.Errorf("bea's saved views %v, want only the shared one", got)
	}
	d := ana.queuePage(t, "/agent?priority=urgent")
	if got := text(one(t, d, "h1")); got != "My urgent" {
		t.Errorf("heading %q, want the saved view's name", got)
	}

	t.Run("ErrNameTaken", func(t *testing.T) {
		r := save(ana, "my URGENT", "priority=high", false)
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", r.StatusCode)
		}
		d := html(t, r)
		if got := text(one(t, d, "#view-name-error")); !strings.Contains(got, "already") {
			t.Errorf("message %q", got)
		}
		if got := one(t, d, "#view-name").AttrOr("value", ""); got != "my URGENT" {
			t.Errorf("name box holds %q, want what was typed", got)
		}
	})
	t.Run("ErrBadQuery", func(t *testing.T) {
		if r := save(ana, "Broken", "priority=whenever", false); r.StatusCode != http.StatusBadRequest {
			t.Fatalf("status %d, want 400", r.StatusCode)
		}
	})
	t.Run("ErrEmpty", func(t *testing.T) {
		if r := save(ana, "Nothing", "", false); r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", r.StatusCode)
		}
	})

	views, err := s.DB.SavedViews(t.Context(), 0)
	if err != nil || len(views) != 1 {
		t.Fatalf("shared views %v (%v)", views, err)
	}
	shared := "/agent/views/" + settingsIDPath(views[0].ID)
	t.Run("ErrOthersRename", func(t *testing.T) {
		if r := bea.postForm(t, shared+"/rename", url.Values{"name": {"Mine now"}}); r.StatusCode != http.StatusForbidden {
			t.Fatalf("status %d, want 403", r.StatusCode)
		}
		if r := bea.postForm(t, shared+"/delete", url.Values{}); r.StatusCode != http.StatusForbidden {
			t.Fatalf("status %d, want 403", r.StatusCode)
		}
	})
	t.Run("OwnerRenames", func(t *testing.T) {
		settingsWantRedirect(t, ana.postForm(t, shared+"/rename", url.Values{"name": {"Billing (team)"}}), "/agent/views?done=renamed")
		if got := savedViews(bea); got["Billing (team)"] != "1" {
			t.Errorf("after rename bea sees %v", got)
		}
	})
	t.Run("ErrRenameEmpty", func(t *testing.T) {
		r := ana.postForm(t, shared+"/rename", url.Values{"name": {"  "}})
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", r.StatusCode)
		}
	})
	t.Run("AdminDeletesShared", func(t *testing.T) {
		settingsWantRedirect(t, admin.postForm(t, shared+"/delete", url.Values{}), "/agent/views?done=deleted")
		if got := savedViews(bea); len(got) != 0 {
			t.Errorf("after delete bea sees %v", got)
		}
	})
}

// Bulk changes add and remove tags; a tag that is not one is refused with
// its message beside the field and nothing changes.
func TestQueueBulkTags(t *testing.T) {
	s := newTestServer(t)
	me := s.signIn(t, db.RoleAgent)
	a := s.queueTicket(t, queueSeed{Subject: "One", Category: "Billing"})
	b := s.queueTicket(t, queueSeed{Subject: "Two", Category: "Billing"})
	form := func(kv ...string) url.Values {
		f := url.Values{"ids": {settingsIDPath(a), settingsIDPath(b)}, "back": {"/agent"}}
		for i := 0; i+1 < len(kv); i += 2 {
			f.Set(kv[i], kv[i+1])
		}
		return f
	}
	tags := func(id int64) []string {
		tk, err := s.DB.Ticket(t.Context(), id, false)
		if err != nil {
			t.Fatal(err)
		}
		return tk.Tags
	}
	if r := me.postForm(t, "/agent/bulk", form("addTags", "Refund, vip")); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("add tags: %d %.300s", r.StatusCode, r.Body)
	}
	for _, id := range []int64{a, b} {
		if got := tags(id); !slices.Equal(got, []string{"refund", "vip"}) {
			t.Errorf("ticket %d tags %q, want refund and vip", id, got)
		}
	}
	d := me.queuePage(t, "/agent?tag=vip")
	if got := d.Find(`[data-testid="queue-row"]`).Length(); got != 2 {
		t.Errorf("tag filter lists %d, want 2", got)
	}
	if got := one(t, d, "#filter-tag").AttrOr("value", ""); got != "vip" {
		t.Errorf("tag filter box holds %q", got)
	}
	if got := d.Find(`[data-testid="queue-row"]`).First().Find(`[data-testid="queue-tag"]`).Length(); got != 2 {
		t.Errorf("row shows %d tag chips, want 2", got)
	}
	if r := me.postForm(t, "/agent/bulk", form("removeTags", "vip")); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove tags: %d", r.StatusCode)
	}
	if got := tags(a); !slices.Equal(got, []string{"refund"}) {
		t.Errorf("after removing vip: %q", got)
	}
	t.Run("ErrBadTag", func(t *testing.T) {
		r := me.postForm(t, "/agent/bulk", form("addTags", "no/slashes", "status", "in_progress"))
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", r.StatusCode)
		}
		if one(t, html(t, r), "#bulk-add-tags-error").Length() != 1 {
			t.Error("no message beside the tag field")
		}
		if tk, _ := s.DB.Ticket(t.Context(), a, false); tk.Status != db.StatusOpen {
			t.Errorf("status changed to %q by a refused form", tk.Status)
		}
	})
}

// Settings are one page a section with a menu (macros included), the
// categories a list with moves and one edit form at a time, and a new key
// is shown with one notice and a copy button.
func TestSettingsSections(t *testing.T) {
	s := newTestServer(t)
	admin := s.signIn(t, db.RoleAdmin)
	for path, section := range map[string]string{"/agent/settings": "agents", "/agent/settings/keys": "keys",
		"/agent/settings/categories": "categories", "/agent/settings/outbox": "outbox"} {
		d := html(t, admin.get(t, path))
		if got := one(t, d, `[data-testid="settings-menu"] a[aria-current="page"]`).AttrOr("data-section", ""); got != section {
			t.Errorf("%s: current section %q, want %s", path, got, section)
		}
		if one(t, d, `[data-testid="settings-menu"] a[data-section="macros"]`).AttrOr("href", "") != "/agent/settings/macros" {
			t.Errorf("%s: no Macros entry", path)
		}
	}
	d := html(t, admin.get(t, "/agent/settings/categories"))
	if got := d.Find(`[data-testid="category-form"]`).Length(); got != 0 {
		t.Errorf("%d edit forms open on the list, want none", got)
	}
	other := one(t, d, `[data-testid="category"][data-name="Other"]`)
	if other.Find(`[data-testid="category-down"]`).Length() != 0 || other.Find(`[data-testid="category-up"]`).Length() != 1 {
		t.Error("the last category must offer up and not down")
	}
	edit := other.Find(`[data-testid="category-edit"]`).AttrOr("href", "")
	d = html(t, admin.get(t, edit))
	if got := d.Find(`[data-testid="category-form"]`).Length(); got != 1 {
		t.Fatalf("%s opens %d edit forms, want 1", edit, got)
	}
	move := other.Find(`[data-testid="category-move-form"]`).AttrOr("action", "")
	settingsWantRedirect(t, admin.postForm(t, move, url.Values{"by": {"-1"}}), "/agent/settings/categories?done=categoryMoved")
	cats, _ := s.DB.Categories(t.Context())
	if cats[len(cats)-1].Name == "Other" {
		t.Errorf("Other is still last after moving it up")
	}
	if r := admin.postForm(t, move, url.Values{"by": {"5"}}); r.StatusCode != http.StatusBadRequest {
		t.Errorf("by=5: %d, want 400", r.StatusCode)
	}

	r := admin.postForm(t, "/agent/settings/keys", url.Values{"name": {"Bookings app"}, "role": {"agent"}})
	d = html(t, r)
	if got := d.Find(`[data-testid="settings-notice"] p`).Length(); got != 0 {
		t.Errorf("a new key shows %d notices besides the key's own", got)
	}
	if one(t, d, `[data-testid="secret-notice"]`).Length() != 1 || one(t, d, `button[data-copy="#secret-value"]`).Length() != 1 {
		t.Error("the new key lacks its notice or its copy button")
	}
}
