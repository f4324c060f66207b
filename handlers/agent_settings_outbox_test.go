package handlers

import (
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/kinconecta/helpdesk/db"
)

// A confirmation held back by the sending limits is listed with the
// failed emails, with the limit as its reason and a retry that sends it
// anyway.
func TestSettingsOutboxHeldBack(t *testing.T) {
	s := newTestServer(t)
	admin := s.signIn(t, db.RoleAdmin)
	to := "held" + randomSuffix() + "@example.com"
	first := s.createTicket(t, map[string]any{"email": to})
	second := s.createTicket(t, map[string]any{"email": strings.ToUpper(to)})
	var due []db.Notification
	for _, id := range []int64{first.ID, second.ID} {
		due = append(due, settingsNotificationsFor(t, s, "pending", id)...)
	}
	// The delivery worker's step, with a limit of one an hour.
	if _, err := s.DB.ClaimNotifications(t.Context(), due, db.ConfirmLimits{PerAddress: 1}); err != nil {
		t.Fatal(err)
	}
	held := settingsNotificationsFor(t, s, "failed", second.ID)
	if len(held) != 1 || held[0].Status != db.OutboxSuppressed {
		t.Fatalf("held back rows = %+v", held)
	}

	failed := html(t, admin.get(t, "/agent/settings")).Find(`[data-testid="outbox-failed"] [data-testid="notification"]`)
	row := ""
	failed.Each(func(_ int, r *goquery.Selection) {
		if strings.Contains(text(r), strings.ToUpper(to)) {
			row = text(r)
			if r.Find("form button").Length() != 1 {
				t.Error("no retry on the held-back row")
			}
		}
	})
	for _, want := range []string{"suppressed: the per-address limit of 1 an hour was reached for this address"} {
		if !strings.Contains(row, want) {
			t.Fatalf("held-back row %q lacks %q", row, want)
		}
	}

	settingsWantRedirect(t, admin.postForm(t, "/agent/settings/notifications/"+settingsIDPath(held[0].ID)+"/retry", url.Values{}),
		"/agent/settings?done=retried#outbox")
	pending := settingsNotificationsFor(t, s, "pending", second.ID)
	if len(pending) != 1 || !pending[0].Claimed {
		t.Fatalf("after the retry: %+v, want it pending and past the limits", pending)
	}
}
