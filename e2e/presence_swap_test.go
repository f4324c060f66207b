package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/i18n"
)

// After the send guard refuses a send, the page behaves as a fresh load:
// the old "a new message arrived" banner is gone, presence still follows
// who comes and goes, and the macro picker is still the search box. And
// a page that is left says so: the other agent's "is viewing" goes
// within a few seconds, not at the stream's next ping.
func TestPresenceAfterSendGuard(t *testing.T) {
	a := startApp(t)
	a.agent(t) // Lucía
	a.admin(t) // Marta Admin
	if _, err := a.DB.AddMacro(t.Context(), db.MacroInput{Name: "Looking into it", Body: "We are on it."}); err != nil {
		t.Fatal(err)
	}
	tk := a.apiTicket(t, "Lost my booking", "I cannot find my booking KC-9.")

	lucia := openTab(t, a, true)
	lucia.open("/agent/login")
	lucia.signIn(agentEmail, agentPassword)
	marta := openTab(t, a, true)
	marta.open("/agent/login")
	marta.signIn(adminEmail, adminPassword)

	presence := `document.querySelector('[data-testid="presence-text"]').textContent`
	viewing := js(i18n.EN.T("composer.viewing", "Marta Admin"))
	lucia.open(ticketPath(tk.ID))
	marta.open(ticketPath(tk.ID))
	lucia.waitFor("Marta viewing", presence+` === `+viewing)

	lucia.do("type", chromedp.SendKeys(chromedp.CSS(`textarea[name="body"]`), "Your booking is KC-9."))
	a.requesterWrites(t, tk, "Found it, sorry!")
	lucia.waitFor("the live warning", `document.querySelector('[data-testid="presence-news"]').checkVisibility()`)
	lucia.do("send", chromedp.Click(chromedp.CSS(`[data-testid="compose-submit"]`)))
	lucia.waitFor("the send guard", `document.querySelector('[data-testid="stale-warning"]')`)

	if eval[bool](lucia, `document.querySelector('[data-testid="presence-news"]').checkVisibility()`) {
		t.Error("the old live warning stays beside the send guard")
	}
	if n := lucia.count(`[data-testid="presence"]`); n != 1 {
		t.Errorf("%d presence blocks after the swap, want 1", n)
	}
	if got := eval[string](lucia, `document.querySelector('textarea[name="body"]').value`); got != "Your booking is KC-9." {
		t.Errorf("text not kept: %q", got)
	}

	// The macro picker is the search box still, and stages a macro.
	lucia.waitFor("the macro search box", `!document.querySelector('[data-macro-combo]').hidden && document.querySelector('[data-macro-fallback]').hidden`)
	lucia.do("type to filter", chromedp.Click(chromedp.CSS(`[data-testid="macro-search"]`)), chromedp.SendKeys(chromedp.CSS(`[data-testid="macro-search"]`), "look"))
	lucia.waitFor("the list", `document.querySelector('#macro-list [aria-selected="true"]')`)
	lucia.press(kb.Enter)
	lucia.waitFor("the macro staged", `document.querySelector('[data-testid="compose-form"] input[name="macroId"]').value !== ''`)
	if got := eval[string](lucia, `document.querySelector('textarea[name="body"]').value`); !strings.HasSuffix(got, "We are on it.") {
		t.Errorf("macro not inserted: %q", got)
	}

	// Presence still follows Marta: she leaves, and Lucía sees it quickly.
	lucia.waitFor("Marta still viewing", presence+` === `+viewing)
	left := time.Now()
	marta.open("/agent")
	lucia.waitFor("Marta gone", presence+` === ''`)
	if d := time.Since(left); d > 5*time.Second {
		t.Errorf("Marta's leaving took %v to show, want under 5 s", d)
	}
	marta.open(ticketPath(tk.ID))
	lucia.waitFor("Marta back", presence+` === `+viewing)
	lucia.checkAxe("agent-send-guard-swapped-en")
}
