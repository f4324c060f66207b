package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/kinconecta/helpdesk/db"
)

// The admins' macros page: a macro added through the form shows with its
// preview filled for the sample ticket; a refused form comes back open,
// with what was typed and the message beside the field; agents cannot
// reach it.
func TestSettingsMacros(t *testing.T) {
	s := newTestServer(t)
	admin := s.signIn(t, db.RoleAdmin)
	form := url.Values{"name": {"Refund issued"}, "body": {"Hi {{requester.firstName}}, #{{ticket.id}} is refunded."},
		"status": {"resolved"}, "priority": {""}, "assigneeId": {""}, "addTags": {"refund, VIP"}}
	r := admin.postForm(t, "/agent/settings/macros", form)
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/agent/settings/macros?done=added" {
		t.Fatalf("add: %d %q %.300s", r.StatusCode, r.Header.Get("Location"), r.Body)
	}
	r = admin.get(t, "/agent/settings/macros?done=added")
	if r.StatusCode != 200 {
		t.Fatalf("page: %d", r.StatusCode)
	}
	d := html(t, r)
	if got := text(one(t, d, `[data-testid="settings-notice"]`)); got != "Macro added." {
		t.Errorf("notice %q", got)
	}
	item := one(t, d, `[data-testid="macro"][data-name="Refund issued"]`)
	if got, want := text(item.Find(`[data-testid="macro-preview"]`)), "Hi Ana, #1234 is refunded."; got != want {
		t.Errorf("preview %q, want %q", got, want)
	}
	if got := text(item.Find(`[data-testid="macro-summary"]`)); !strings.Contains(got, "status → Resolved") || !strings.Contains(got, "add tags: refund, vip") {
		t.Errorf("summary %q", got)
	}
	list, err := s.DB.Macros(t.Context())
	if err != nil || len(list) != 1 {
		t.Fatalf("macros %v %v", list, err)
	}
	id := strconv.FormatInt(list[0].ID, 10)

	t.Run("ErrUnknownPlaceholder", func(t *testing.T) {
		bad := url.Values{"name": {"Other"}, "body": {"Call {{requester.phone}} <b>now</b>"}, "addTags": {""}}
		r := admin.postForm(t, "/agent/settings/macros", bad)
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%d, want 422", r.StatusCode)
		}
		d := html(t, r)
		if got := text(one(t, d, `#macro-new-body-error`)); !strings.Contains(got, `"{{requester.phone}}"`) {
			t.Errorf("error %q does not name the placeholder", got)
		}
		if got := one(t, d, `#macro-new-body`).Text(); got != "Call {{requester.phone}} <b>now</b>" {
			t.Errorf("typed body not kept as text: %q", got)
		}
	})
	t.Run("ErrDuplicateName", func(t *testing.T) {
		r := admin.postForm(t, "/agent/settings/macros/"+id, url.Values{"name": {"x"}, "body": {"y"}})
		seeOtherTo(t, r, "/agent/settings/macros?done=saved#macros-list-title")
		r = admin.postForm(t, "/agent/settings/macros", url.Values{"name": {"X"}, "body": {"z"}})
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%d, want 422", r.StatusCode)
		}
		if got := text(one(t, html(t, r), `#macro-new-name-error`)); !strings.Contains(got, "already has this name") {
			t.Errorf("error %q", got)
		}
	})
	t.Run("ErrTagLong", func(t *testing.T) {
		r := admin.postForm(t, "/agent/settings/macros/"+id, url.Values{"name": {"x"}, "body": {"y"}, "addTags": {strings.Repeat("t", 41)}})
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%d, want 422", r.StatusCode)
		}
		d := html(t, r)
		one(t, d, `#macro-`+id+`-addTags-error`)
		if _, open := one(t, d, `[data-testid="macro"] details`).Attr("open"); !open {
			t.Error("the refused macro's form is not open")
		}
	})
	t.Run("Delete", func(t *testing.T) {
		r := admin.postForm(t, "/agent/settings/macros/"+id+"/delete", url.Values{})
		seeOtherTo(t, r, "/agent/settings/macros?done=deleted")
		r = admin.postForm(t, "/agent/settings/macros/"+id+"/delete", url.Values{})
		if r.StatusCode != http.StatusNotFound {
			t.Fatalf("second delete: %d, want 404", r.StatusCode)
		}
	})
	t.Run("ErrAgent", func(t *testing.T) {
		if r := s.signIn(t, db.RoleAgent).get(t, "/agent/settings/macros"); r.StatusCode != http.StatusForbidden {
			t.Fatalf("agent: %d, want 403", r.StatusCode)
		}
	})
}

func seeOtherTo(t testing.TB, r response, want string) {
	t.Helper()
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != want {
		t.Fatalf("%d to %q, want 303 to %q; %.300s", r.StatusCode, r.Header.Get("Location"), want, r.Body)
	}
}
