package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/i18n"
)

// The composer as an agent uses it: a public reply by default, an
// internal note one key away and unmistakable, a draft that survives a
// reload, a preview through the server's renderer, the signature shown,
// and "send and resolve" in one action.
func TestComposer(t *testing.T) {
	a := startApp(t)
	me := a.agent(t)
	if _, err := a.DB.UpdateProfile(t.Context(), me.ID, db.Profile{Name: "Lucía Gómez", Signature: "Lucía · Kinconecta support"}); err != nil {
		t.Fatal(err)
	}
	tk, _ := a.newTicket(t, "Charged twice for the Xochimilco tour")
	b := openTab(t, a, true)
	b.open("/agent/login")
	b.signIn(agentEmail, agentPassword)
	b.open(ticketPath(tk.ID))
	b.waitForWorkspace("the workspace", tk.ID, `document.querySelector('[data-composer-ready]')`)

	if !eval[bool](b, `document.querySelector('[data-testid="audience-public"]').checked`) {
		t.Fatal("the public reply is not the default")
	}
	if got, want := b.text(`[data-testid="compose-submit"]`), i18n.EN.T("composer.sendReply"); got != want {
		t.Fatalf("button %q, want %q", got, want)
	}
	if got := b.text(`[data-testid="compose-signature"]`); !strings.Contains(got, "Lucía · Kinconecta support") {
		t.Fatalf("signature shown as %q", got)
	}
	b.do("Alt+N", chromedp.KeyEvent("n", chromedp.KeyModifiers(1)))
	b.waitFor("the note chosen", `document.querySelector('[data-testid="audience-internal"]').checked`)
	if got, want := b.text(`[data-testid="compose-submit"]`), i18n.EN.T("composer.addNote"); got != want {
		t.Fatalf("note button %q, want %q", got, want)
	}
	if !eval[bool](b, `document.querySelector('[data-testid="note-banner"]').checkVisibility()`) ||
		eval[bool](b, `document.querySelector('[data-testid="compose-signature"]').checkVisibility()`) {
		t.Fatal("a note shows no banner, or shows the signature")
	}
	b.do("Alt+R", chromedp.KeyEvent("r", chromedp.KeyModifiers(1)))
	b.waitFor("the reply chosen", `document.querySelector('[data-testid="audience-public"]').checked`)

	const text = "We **refunded** the second charge:\n\n- see [your receipt](https://pay.example.com/r/1)"
	b.do("type", chromedp.SendKeys(chromedp.CSS(`textarea[name="body"]`), text))
	b.open(ticketPath(tk.ID))
	b.waitForWorkspace("the draft after a reload", tk.ID, `document.querySelector('textarea[name="body"]').value === `+js(text))

	b.do("preview", chromedp.Click(chromedp.CSS(`[data-testid="compose-preview-button"]`)))
	b.waitFor("the preview", `document.querySelector('[data-testid="compose-preview"] strong')`)
	if got := b.text(`[data-testid="compose-preview"]`); !strings.Contains(got, "Lucía · Kinconecta support") {
		t.Fatalf("preview %q lacks the signature", got)
	}
	b.checkAxe("agent-composer-en")
	b.deskScreenshots("agent-composer")

	b.do("send and resolve",
		chromedp.Click(chromedp.CSS(`[data-testid="send-and"] > summary`)),
		chromedp.Click(chromedp.CSS(`[data-testid="send-then"][data-status="resolved"]`)))
	b.waitForWorkspace("the reply sent", tk.ID, `document.querySelector('[data-testid="entry"][data-kind="reply"] strong')`)
	stored, _ := a.DB.Ticket(t.Context(), tk.ID, false)
	if stored.Status != db.StatusResolved {
		t.Fatalf("status %s, want resolved", stored.Status)
	}
	if got := b.text(`[data-testid="entry"][data-kind="reply"] a[rel="noopener nofollow"]`); got != "your receipt" {
		t.Fatalf("link %q", got)
	}
	b.open(ticketPath(tk.ID))
	b.waitForWorkspace("the page again", tk.ID, `document.querySelector('[data-composer-ready]')`)
	if got := eval[string](b, `document.querySelector('textarea[name="body"]').value`); got != "" {
		t.Fatalf("the draft outlived its send: %q", got)
	}

	b.open(ticketPath(tk.ID) + "?lang=es")
	b.waitForWorkspace("the workspace in Spanish", tk.ID, `document.documentElement.lang === 'es'`)
	if got, want := b.text(`[data-testid="compose-submit"]`), i18n.ES.T("composer.sendReply"); got != want {
		t.Fatalf("button %q, want %q", got, want)
	}
	b.checkAxe("agent-composer-es")
}

// Without a script the form still sends, as a public reply by default.
func TestComposerWithoutScript(t *testing.T) {
	a := startApp(t)
	a.agent(t)
	tk, _ := a.newTicket(t, "Where is my guide?")
	b := openTab(t, a, false)
	b.open("/agent/login")
	b.signIn(agentEmail, agentPassword)
	b.open(ticketPath(tk.ID))
	b.do("reply", chromedp.SendKeys(chromedp.CSS(`textarea[name="body"]`), "She is at the **gate**."),
		chromedp.Click(chromedp.CSS(`[data-testid="compose-submit"]`)))
	b.waitForWorkspace("the reply", tk.ID, `document.querySelector('[data-testid="entry"][data-kind="reply"] strong')`)
	b.checkAxe("agent-composer-noscript-en")
}
