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

	// A delivery that gave up, beside it: it keeps the plain retry.
	gaveUp := newSettingsFixture(t, s)

	// failedRow finds the failed list's row for recipient on the page in
	// lang: its text, its status badge and its button's label.
	failedRow := func(t *testing.T, lang, recipient string) (row, badge, button string) {
		t.Helper()
		found := 0
		html(t, admin.get(t, "/agent/settings/outbox?lang="+lang)).Find(`[data-testid="outbox-failed"] [data-testid="notification"]`).Each(func(_ int, r *goquery.Selection) {
			if !strings.Contains(text(r), recipient) {
				return
			}
			found++
			row, badge = text(r), text(r.Find(`[data-testid="notification-status"]`))
			if b := r.Find("form button"); b.Length() == 1 {
				// The visible label, without the screen readers' suffix.
				button = text(b.Clone().Find(".sr-only").Remove().End())
			}
		})
		if found != 1 {
			t.Fatalf("%s: %d failed rows for %s, want 1", lang, found, recipient)
		}
		return row, badge, button
	}
	for _, tc := range []struct{ lang, heldBack, sendAnyway, retry string }{
		{"en", "Held back", "Send anyway", "Retry"},
		{"es", "Retenido", "Enviar de todos modos", "Reintentar"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			row, badge, button := failedRow(t, tc.lang, strings.ToUpper(to))
			if want := "suppressed: the per-address limit of 1 an hour was reached for this address"; !strings.Contains(row, want) {
				t.Fatalf("held-back row %q lacks %q", row, want)
			}
			if badge != tc.heldBack || button != tc.sendAnyway {
				t.Fatalf("held-back row: badge %q, button %q; want %q, %q", badge, button, tc.heldBack, tc.sendAnyway)
			}
			_, badge, button = failedRow(t, tc.lang, gaveUp.Failed.Recipient)
			if badge != "" || button != tc.retry {
				t.Fatalf("failed row: badge %q, button %q; want none, %q", badge, button, tc.retry)
			}
		})
	}

	settingsWantRedirect(t, admin.postForm(t, "/agent/settings/notifications/"+settingsIDPath(held[0].ID)+"/retry", url.Values{}),
		"/agent/settings/outbox?done=retried")
	pending := settingsNotificationsFor(t, s, "pending", second.ID)
	if len(pending) != 1 || !pending[0].Claimed {
		t.Fatalf("after the retry: %+v, want it pending and past the limits", pending)
	}
}
