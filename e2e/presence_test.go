package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/kinconecta/helpdesk/i18n"
)

// requesterWrites posts a public message as the requester, with the
// ticket's access token, as Kinconecta's app does.
func (a *app) requesterWrites(t testing.TB, tk createdTicket, body string) {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"body": body})
	req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/support-tickets/%d/messages", a.URL, tk.ID), bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tk.AccessToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("requester message: %d", resp.StatusCode)
	}
}

// Two agents on one ticket, in two tabs: each sees the other viewing,
// then replying; a requester's message is announced live; the agent who
// sends without having read it is stopped with the message shown and
// their text kept, and can send anyway.
func TestPresenceTwoAgents(t *testing.T) {
	a := startApp(t)
	a.agent(t) // Lucía
	a.admin(t) // Marta Admin
	tk := a.apiTicket(t, "Lost my booking", "I cannot find my booking KC-9.")

	lucia := openTab(t, a, true)
	lucia.open("/agent/login")
	lucia.signIn(agentEmail, agentPassword)
	marta := openTab(t, a, true)
	marta.open("/agent/login")
	marta.signIn(adminEmail, adminPassword)

	lucia.open(ticketPath(tk.ID))
	marta.open(ticketPath(tk.ID))
	viewing := i18n.EN.T("composer.viewing", "Marta Admin")
	lucia.waitFor("Marta viewing", `document.querySelector('[data-testid="presence-text"]').textContent === `+js(viewing))
	marta.waitFor("Lucía viewing", `document.querySelector('[data-testid="presence-text"]').textContent === `+js(i18n.EN.T("composer.viewing", "Lucía")))
	lucia.checkAxe("agent-presence-en")

	marta.do("type", chromedp.SendKeys(chromedp.CSS(`textarea[name="body"]`), "Looking into it"))
	lucia.waitFor("Marta replying", `document.querySelector('[data-testid="presence-text"]').textContent === `+js(i18n.EN.T("composer.replying", "Marta Admin")))

	lucia.do("type", chromedp.SendKeys(chromedp.CSS(`textarea[name="body"]`), "Your booking is KC-9, confirmed."))
	a.requesterWrites(t, tk, "Found it, sorry! Please ignore.")
	lucia.waitFor("the live warning", `document.querySelector('[data-testid="presence-news"]').checkVisibility()`)

	lucia.do("send", chromedp.Click(chromedp.CSS(`[data-testid="compose-submit"]`)))
	lucia.waitFor("the send guard", `document.querySelector('[data-testid="stale-warning"]')`)
	if got := lucia.text(`[data-testid="stale-warning"]`); !strings.Contains(got, i18n.EN.T("composer.stale")) || !strings.Contains(got, "Found it, sorry!") {
		t.Fatalf("warning %q", got)
	}
	if got := eval[string](lucia, `document.querySelector('textarea[name="body"]').value`); got != "Your booking is KC-9, confirmed." {
		t.Fatalf("text not kept: %q", got)
	}
	if got := lucia.text(`[data-testid="compose-submit"]`); got != i18n.EN.T("composer.sendAnyway") {
		t.Fatalf("button %q", got)
	}
	if n := lucia.entries("reply"); n != 0 {
		t.Fatalf("%d replies shown after the refusal", n)
	}
	lucia.checkAxe("agent-send-guard-en")
	lucia.deskScreenshots("agent-send-guard")

	lucia.do("send anyway", chromedp.Click(chromedp.CSS(`[data-testid="compose-submit"]`)))
	lucia.waitForWorkspace("the reply", tk.ID, `document.querySelectorAll('[data-testid="entry"][data-kind="reply"]').length === 1`)

	// Marta's page announces Lucía's reply too.
	marta.waitFor("the live warning", `document.querySelector('[data-testid="presence-news"]').checkVisibility()`)
	marta.open(ticketPath(tk.ID) + "?lang=es")
	marta.waitFor("Spanish presence", `document.querySelector('[data-testid="presence-text"]').textContent === `+js(i18n.ES.T("composer.viewing", "Lucía")))
	marta.checkAxe("agent-presence-es")
}
