package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/i18n"
)

// screen sizes the tab exactly, height included: the fold rules are about
// what the first screen shows.
func (b *tab) screen(width, height int64) {
	b.t.Helper()
	if _, err := chromedp.Call(b.ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
		Width: width, Height: height, DeviceScaleFactor: 1, Mobile: width < 600,
	}); err != nil {
		b.t.Fatalf("screen %dx%d: %v", width, height, err)
	}
}

// deskDay fills the desk with a morning's tickets: long subjects and
// names (which must not wrap), some assigned to the agent, some tagged,
// one resolved.
func deskDay(t *testing.T, a *app, agent db.Actor) []int64 {
	t.Helper()
	var ids []int64
	for i := 0; i < 14; i++ {
		tk, _ := a.newTicket(t, fmt.Sprintf("Charged twice for the Xochimilco tour booked for the whole family, request %d", i+1))
		ids = append(ids, tk.ID)
	}
	for i, id := range ids {
		var p db.TicketPatch
		if i%3 == 0 {
			p.AssigneeID = &agent.ID
		}
		if i%2 == 0 {
			p.AddTags = []string{"refund", "vip"}
		}
		if _, err := a.DB.UpdateTicket(t.Context(), id, p, agent); err != nil {
			t.Fatal(err)
		}
	}
	a.setStatus(t, agent, ids[1], db.StatusResolved)
	return ids
}

// viewCount reads a view's count in the side bar.
func (b *tab) viewCount(key string) string {
	b.t.Helper()
	return eval[string](b, `(document.getElementById('view-count-`+key+`') || {}).textContent || ''`)
}

// TestDeskFoldRules measures the queue as agents meet it: at 1280×800 at
// least ten tickets above the fold, every row on one line; on a 360 px
// phone the first ticket, with its status, on the first screen.
func TestDeskFoldRules(t *testing.T) {
	a := startApp(t)
	agent := a.agent(t)
	deskDay(t, a, agent)
	b := openTab(t, a, true)
	b.open("/agent/login")
	b.signIn(agentEmail, agentPassword)

	b.screen(1280, 800)
	b.open("/agent")
	b.waitFor("the list", `document.readyState === 'complete' && document.querySelector('[data-testid="queue-row"]')`)
	above := eval[int](b, `Array.from(document.querySelectorAll('[data-testid="queue-row"]')).filter(r => r.getBoundingClientRect().bottom <= innerHeight).length`)
	if above < 10 {
		t.Errorf("at 1280×800, %d tickets above the fold, want at least 10 (first row at y=%v)", above,
			eval[float64](b, `document.querySelector('[data-testid="queue-row"]').getBoundingClientRect().top`))
	}
	if tall := eval[[]string](b, `Array.from(document.querySelectorAll('[data-testid="queue-row"]')).filter(r => r.getBoundingClientRect().height > 48).map(r => r.dataset.ticket + ':' + r.getBoundingClientRect().height)`); len(tall) > 0 {
		t.Errorf("rows taller than one line (names or dates wrapping): %v", tall)
	}
	if !eval[bool](b, `(() => { const s = document.querySelector('[data-testid="queue-subject"]'); return s.scrollWidth > s.clientWidth && getComputedStyle(s).textOverflow === 'ellipsis'; })()`) {
		t.Error("a long subject is not cut with an ellipsis")
	}
	if got := eval[string](b, `document.querySelector('[data-testid="queue-updated"]').textContent.trim()`); got != i18n.EN.T("views.time.now") {
		t.Errorf("updated shows %q, want a relative time", got)
	}
	if got := eval[string](b, `document.querySelector('[data-testid="queue-updated"]').getAttribute('datetime')`); got == "" {
		t.Error("relative time without its datetime")
	}
	if !eval[bool](b, `document.querySelector('[data-bulk-bar]').hidden`) {
		t.Error("the bulk bar shows before any ticket is selected")
	}

	b.screen(360, 640)
	b.open("/agent")
	b.waitFor("the list", `document.readyState === 'complete' && document.querySelector('[data-testid="queue-row"]')`)
	first := eval[map[string]float64](b, `(() => {
		const r = document.querySelector('[data-testid="queue-row"]').getBoundingClientRect();
		const s = document.querySelector('[data-testid="queue-row"] [data-testid="queue-status"]').getBoundingClientRect();
		return {rowTop: r.top, rowBottom: r.bottom, statusBottom: s.bottom, statusRight: s.right, statusWidth: s.width};
	})()`)
	if first["rowBottom"] > 640 || first["statusBottom"] > 640 || first["statusWidth"] == 0 || first["statusRight"] > 360 {
		t.Errorf("on a 360×640 phone the first ticket or its status is off the first screen: %v", first)
	}
	if eval[bool](b, `document.querySelector('[data-views-fold]').open`) {
		t.Error("the views side bar is not folded on a phone")
	}
	phoneShot(b, "desk-queue-phone")
	b.deskScreenshots("desk-queue")
}

// TestDeskViewsAndBulk works the views side bar: counts that follow a
// status change made with the bulk bar (which appears only on
// selection), and saved views, personal and shared, as two agents see them.
func TestDeskViewsAndBulk(t *testing.T) {
	a := startApp(t)
	agent := a.agent(t)
	a.admin(t)
	ids := deskDay(t, a, agent)
	b := openTab(t, a, true)
	b.open("/agent/login")
	b.signIn(agentEmail, agentPassword)

	if got, want := b.viewCount("open"), "13"; got != want {
		t.Fatalf("All open counts %q, want %s", got, want)
	}
	if got, want := b.viewCount("mine"), "5"; got != want {
		t.Errorf("Mine counts %q, want %s", got, want)
	}
	resolved := b.viewCount("resolved")

	// The bulk bar appears when a ticket is selected, saying how many.
	pick := fmt.Sprintf(`[data-queue-pick][value="%d"]`, ids[0])
	b.do("select a ticket", chromedp.Click(chromedp.CSS(pick)))
	b.waitFor("the bulk bar", `!document.querySelector('[data-bulk-bar]').hidden`)
	if got := b.text(`[data-bulk-count]`); got != i18n.EN.T("views.bulk.one") {
		t.Errorf("bulk bar says %q", got)
	}
	b.do("select another", chromedp.Click(chromedp.CSS(fmt.Sprintf(`[data-queue-pick][value="%d"]`, ids[2]))))
	if got := b.text(`[data-bulk-count]`); got != strings.Replace(i18n.EN.T("views.bulk.many"), "{n}", "2", 1) {
		t.Errorf("bulk bar says %q", got)
	}
	b.do("resolve both", chromedp.SetValue(chromedp.CSS(`#bulk-status`), "resolved"),
		chromedp.Click(chromedp.CSS(`[data-testid="bulk-apply"]`)))
	b.waitFor("the outcome", `document.readyState === 'complete' && document.querySelector('[data-testid="queue-done"]')`)
	if got, want := b.viewCount("open"), "11"; got != want {
		t.Errorf("after resolving two, All open counts %q, want %s", got, want)
	}
	if got := b.viewCount("resolved"); got == resolved || got != "3" {
		t.Errorf("after resolving two, Resolved counts %q (was %s), want 3", got, resolved)
	}
	b.checkAxe("desk-queue-bulk-done-en")

	// Saved views: one personal, one shared.
	save := func(path, name string, shared bool) {
		t.Helper()
		b.open(path)
		b.do("open save view", chromedp.Click(chromedp.CSS(`[data-testid="save-view"] > summary`)))
		b.do("name the view", chromedp.SendKeys(chromedp.CSS(`#view-name`), name))
		if shared {
			b.do("share it", chromedp.Click(chromedp.CSS(`[data-testid="view-shared"]`)))
		}
		b.do("save", chromedp.Click(chromedp.CSS(`[data-testid="save-view-submit"]`)))
		b.waitFor("the saved view", `document.readyState === 'complete' && Array.from(document.querySelectorAll('[data-testid="views-saved"] a')).some(a => a.textContent.includes(`+js(name)+`))`)
	}
	save("/agent?tag=vip", "My VIPs", false)
	save("/agent?tag=vip&priority=normal", "Team VIPs", true)
	if got := b.text(`h1`); got != "Team VIPs" {
		t.Errorf("heading after saving %q, want the view's name", got)
	}
	saved := func(b *tab) []string {
		return eval[[]string](b, `Array.from(document.querySelectorAll('[data-testid="views-saved"] a')).map(a => a.querySelector('span').textContent.trim() + '=' + a.querySelector('[data-testid="view-count"]').textContent.trim())`)
	}
	if got := strings.Join(saved(b), " "); got != "My VIPs=7 Team VIPs=7" {
		t.Errorf("Lucía's saved views %q, want both with 7 tickets", got)
	}

	other := openTab(t, a, true)
	other.open("/agent/login")
	other.signIn(adminEmail, adminPassword)
	if got := strings.Join(saved(other), " "); got != "Team VIPs=7" {
		t.Errorf("Marta's saved views %q, want only the shared one", got)
	}
	other.open("/agent/views")
	if got := other.count(`[data-testid="saved-view"] [data-testid="delete-view"]`); got != 1 {
		t.Errorf("the admin may delete %d views, want the shared one", got)
	}
	other.checkAxe("desk-views-en")
}

// TestDeskAccessible runs axe on the queue (views, filter bar, list, the
// bulk bar shown) and on every settings section, in English and Spanish,
// and takes their screenshots.
func TestDeskAccessible(t *testing.T) {
	for _, lang := range i18n.Langs {
		t.Run(string(lang), func(t *testing.T) {
			t.Parallel()
			a := startApp(t)
			agent := a.agent(t)
			a.admin(t)
			deskDay(t, a, agent)
			if _, err := a.DB.SaveView(t.Context(), agent.ID, "VIP", "tag=vip", true); err != nil {
				t.Fatal(err)
			}
			b := openTab(t, a, true)
			b.open("/agent/login?lang=" + string(lang))
			b.signIn(adminEmail, adminPassword)
			b.checkAxe("desk-queue-" + string(lang))
			b.do("select a ticket", chromedp.Click(chromedp.CSS(`[data-queue-pick]`)))
			b.waitFor("the bulk bar", `!document.querySelector('[data-bulk-bar]').hidden`)
			b.do("open more filters", chromedp.Click(chromedp.CSS(`[data-testid="more-filters"] > summary`)))
			b.checkAxe("desk-queue-selected-" + string(lang))
			b.do("open the menu", chromedp.Click(chromedp.CSS(`[data-testid="agent-menu"] > summary`)))
			b.checkAxe("desk-menu-" + string(lang))
			for _, section := range []string{"", "/categories", "/keys", "/outbox"} {
				name := "desk-settings" + strings.ReplaceAll(section, "/", "-") + "-" + string(lang)
				if got := b.open("/agent/settings" + section); got != 200 {
					t.Fatalf("settings%s: %d", section, got)
				}
				if got, want := b.text("h1"), lang.T("settings.title"); got != want {
					t.Errorf("%s: heading %q, want %q", name, got, want)
				}
				b.checkAxe(name)
				b.deskScreenshots(name)
			}
			b.open("/agent/settings/categories?edit=7")
			b.checkAxe("desk-settings-category-edit-" + string(lang))
			b.open("/agent?lang=" + string(lang))
			b.deskScreenshots("desk-queue-" + string(lang))
		})
	}
}

// TestDeskCopyKey creates an API key and copies it with the copy button:
// one notice, a "Copied" state, and the key handed to the clipboard.
func TestDeskCopyKey(t *testing.T) {
	a := startApp(t)
	a.admin(t)
	b := openTab(t, a, true)
	b.open("/agent/login")
	b.signIn(adminEmail, adminPassword)
	b.open("/agent/settings/keys")
	b.do("create a key", chromedp.SendKeys(chromedp.CSS(`#key-name`), "Bookings app"),
		chromedp.Click(chromedp.CSS(`[data-testid="add-key-form"] button[type="submit"]`)))
	b.waitFor("the key", `document.readyState === 'complete' && document.querySelector('[data-testid="secret-value"]')`)
	if got := b.count(`[data-testid="settings-notice"] p, [data-testid="secret-notice"]`); got != 1 {
		t.Errorf("%d notices after creating a key, want 1", got)
	}
	// What the button hands the clipboard (a headless browser's own
	// clipboard needs a permission a test tab cannot be given).
	eval[chromedp.Void](b, `navigator.clipboard.writeText = t => { window.copiedText = t; return Promise.resolve(); }`)
	b.do("copy", chromedp.Click(chromedp.CSS(`[data-testid="copy-secret"]`)))
	b.waitFor("the copied state", `document.querySelector('[data-testid="copy-secret"]').dataset.state === 'copied'`)
	if got, want := b.text(`[data-testid="copy-secret"]`), i18n.EN.T("settings.copied"); got != want {
		t.Errorf("button says %q, want %q", got, want)
	}
	key := eval[string](b, `document.getElementById('secret-value').value`)
	if clip := eval[string](b, `window.copiedText || ''`); clip != key || !strings.HasPrefix(key, db.APIKeyPrefix) {
		t.Errorf("clipboard holds %q, want the key %q", clip, key)
	}
}

// phoneShot writes the first screen of the current page, as the phone
// shows it, to screenshots/<name>-360.png for people to check the fold.
func phoneShot(b *tab, name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(repoRoot(b.t), "screenshots", name+"-360.png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}
