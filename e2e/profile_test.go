package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/kinconecta/helpdesk/i18n"
)

// An agent reaches their profile from the desk's header, changes their
// name, signature and language (the desk then speaks it), changes their
// password (the current one required) and signs out their other session.
func TestProfile(t *testing.T) {
	a := startApp(t)
	a.agent(t)
	b := openTab(t, a, true)
	b.open("/agent/login")
	b.signIn(agentEmail, agentPassword)
	other := openTab(t, a, false)
	other.open("/agent/login")
	other.signIn(agentEmail, agentPassword)

	b.do("open the profile from the agent's menu",
		chromedp.Click(chromedp.CSS(`[data-testid="agent-menu"] summary`)),
		chromedp.Click(chromedp.CSS(`[data-testid="profile-link"]`)))
	b.waitFor("the profile", `location.pathname === '/agent/profile' && document.querySelector('[data-testid="profile"]')`)
	b.checkAxe("agent-profile-en")
	b.deskScreenshots("agent-profile")

	b.do("change name, signature, language",
		chromedp.Clear(chromedp.CSS(`#name`)),
		chromedp.SendKeys(chromedp.CSS(`#name`), "Lucía Gómez"),
		chromedp.SendKeys(chromedp.CSS(`#signature`), "Lucía\nSoporte Kinconecta"),
		chromedp.SetValue(chromedp.CSS(`#language`), "es"),
		chromedp.Click(chromedp.CSS(`[data-testid="profile-save"]`)))
	b.waitFor("saved, in Spanish", `document.documentElement.lang === 'es' && document.querySelector('[data-testid="profile-notice"] p')`)
	if got, want := b.text(`[data-testid="profile-notice"]`), i18n.ES.T("profile.notice.saved"); got != want {
		t.Fatalf("notice %q, want %q", got, want)
	}
	if got := b.text(`[data-testid="signed-in-as"]`); got != "Lucía Gómez" {
		t.Fatalf("header name %q", got)
	}
	// The language is the agent's, not a cookie's: the queue follows it.
	b.open("/agent")
	if got := eval[string](b, `document.documentElement.lang`); got != "es" {
		t.Fatalf("queue language %q, want es", got)
	}
	b.open("/agent/profile")
	b.checkAxe("agent-profile-es")

	b.do("a wrong current password",
		chromedp.SendKeys(chromedp.CSS(`#current`), "not my password"),
		chromedp.SendKeys(chromedp.CSS(`#password`), "a whole new pass phrase"),
		chromedp.Click(chromedp.CSS(`[data-testid="password-save"]`)))
	b.waitFor("the refusal", `document.querySelector('#current-error')`)
	b.checkAxe("agent-profile-refused-es")
	b.do("the right one",
		chromedp.SendKeys(chromedp.CSS(`#current`), agentPassword),
		chromedp.SendKeys(chromedp.CSS(`#password`), "a whole new pass phrase"),
		chromedp.Click(chromedp.CSS(`[data-testid="password-save"]`)))
	b.waitFor("changed", `location.search === '?done=password' && document.querySelector('[data-testid="profile-notice"] p')`)

	other.open("/agent")
	other.waitFor("the other session signed out", `location.pathname === '/agent/login'`)
	other.open("/agent/login")
	other.signIn(agentEmail, "a whole new pass phrase")

	b.do("sign out the others", chromedp.Click(chromedp.CSS(`[data-testid="sessions-end"]`)))
	b.waitFor("done", `location.search === '?done=sessions' && document.querySelector('[data-testid="profile-notice"] p')`)
	other.open("/agent")
	other.waitFor("signed out again", `location.pathname === '/agent/login'`)
	b.open("/agent")
	b.waitFor("still signed in", `location.pathname === '/agent'`)
}
