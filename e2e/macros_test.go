package e2e

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/i18n"
)

// TestMacros is a macro's life at the desk: an admin writes one with
// placeholders and actions (a typo in a placeholder is refused beside the
// field), then answers a ticket with it from the composer, from the
// keyboard: type to filter, ↓, Enter. The reply is filled in for the
// ticket and the actions are shown before sending; sending posts the
// reply with the placeholders filled and resolves and tags the ticket.
// The macros page passes axe in both languages, refused form included.
func TestMacros(t *testing.T) {
	for _, lang := range i18n.Langs {
		t.Run(string(lang), func(t *testing.T) {
			t.Parallel()
			a := startApp(t)
			admin := a.admin(t)
			tk, _ := a.newTicket(t, "Charged twice for the Xochimilco tour")
			b := openTab(t, a, true)
			b.open("/agent/login?lang=" + string(lang))
			b.signIn(adminEmail, adminPassword)

			if got := b.open("/agent/settings"); got != 200 {
				t.Fatalf("settings: %d", got)
			}
			b.do("open the macros section", chromedp.Click(chromedp.CSS(`[data-testid="settings-menu"] a[data-section="macros"]`)))
			b.waitFor("the macros page", `location.pathname === '/agent/settings/macros' && document.readyState === 'complete'`)
			if got, want := b.text("h1"), lang.T("macros.title"); got != want {
				t.Errorf("heading %q, want %q", got, want)
			}
			b.checkAxe(fmt.Sprintf("agent-settings-macros-empty-%s", lang))

			form := `[data-testid="macro-form-0"] `
			b.do("write a macro with a typo",
				chromedp.SendKeys(chromedp.CSS(form+`input[name="name"]`), "Refund issued"),
				chromedp.SendKeys(chromedp.CSS(form+`textarea[name="body"]`), "Hi {{requester.firstname}}, #{{ticket.id}} is refunded.\n{{agent.name}}"),
				chromedp.SetValue(chromedp.CSS(form+`select[name="status"]`), "resolved"),
				chromedp.SendKeys(chromedp.CSS(form+`input[name="addTags"]`), "Refund"),
				chromedp.Click(chromedp.CSS(form+`[data-testid="macro-submit"]`)))
			b.waitFor("the refusal", `document.readyState === 'complete' && document.querySelector('#macro-new-body-error')`)
			if got := b.text(`#macro-new-body-error`); !strings.Contains(got, `"{{requester.firstname}}"`) {
				t.Errorf("error %q does not name the placeholder", got)
			}
			b.checkAxe(fmt.Sprintf("agent-settings-macros-refused-%s", lang))
			b.do("fix the typo",
				chromedp.Clear(chromedp.CSS(form+`textarea[name="body"]`)),
				chromedp.SendKeys(chromedp.CSS(form+`textarea[name="body"]`), "Hi {{requester.firstName}}, #{{ticket.id}} is refunded.\n{{agent.name}}"),
				chromedp.Click(chromedp.CSS(form+`[data-testid="macro-submit"]`)))
			b.waitFor("the macro listed", `document.readyState === 'complete' && document.querySelector('[data-testid="macro"][data-name="Refund issued"]')`)
			if got, want := b.text(`[data-testid="settings-notice"]`), lang.T("macros.done.added"); got != want {
				t.Errorf("notice %q, want %q", got, want)
			}
			b.checkAxe(fmt.Sprintf("agent-settings-macros-%s", lang))
			b.deskScreenshots(fmt.Sprintf("agent-settings-macros-%s", lang))

			// Answer the ticket with it, from the keyboard.
			b.open(ticketPath(tk.ID))
			b.waitForWorkspace("the workspace", tk.ID, `!document.querySelector('[data-macro-combo]').hidden`)
			if !eval[bool](b, `document.querySelector('[data-macro-fallback]').hidden`) {
				t.Error("the script left the select and Apply shown beside the search box")
			}
			b.do("type to filter", chromedp.Click(chromedp.CSS(`[data-testid="macro-search"]`)), chromedp.SendKeys(chromedp.CSS(`[data-testid="macro-search"]`), "refu"))
			b.waitFor("the list", `!document.getElementById('macro-list').hidden && document.querySelector('#macro-list [aria-selected="true"]')`)
			b.press(kb.ArrowDown) // one macro: ↓ wraps back onto it
			b.press(kb.Enter)
			body := fmt.Sprintf("Hi Ana, #%d is refunded.\n%s", tk.ID, admin.Name)
			b.waitFor("the reply filled in", `document.querySelector('textarea[name="body"]').value === `+js(body))
			want := lang.T("macros.staged.onSend") + " " + lang.T("macros.action.status", lang.T("status.resolved")) + " · " +
				lang.T("macros.action.tags", "refund")
			if got := b.text(`[data-testid="macro-actions"]`); got != want {
				t.Errorf("staged actions %q, want %q", got, want)
			}
			if got := eval[string](b, `document.activeElement.name`); got != "body" {
				t.Errorf("focus on %q after inserting, want the reply", got)
			}
			b.checkAxe(fmt.Sprintf("agent-ticket-macro-staged-%s", lang))
			b.do("choose the requester", chromedp.Click(chromedp.CSS(`[data-testid="compose-form"] label[for="internal"]`)))
			b.do("send", chromedp.Click(chromedp.CSS(`[data-testid="compose-submit"]`)))
			b.waitForWorkspace("the reply", tk.ID, `document.querySelectorAll('[data-testid="entry"][data-kind="reply"]').length === 1`)

			got, err := a.DB.Ticket(t.Context(), tk.ID, true)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != db.StatusResolved || !slices.Equal(got.Tags, []string{"refund"}) {
				t.Errorf("ticket %s %q, want resolved and tagged refund", got.Status, got.Tags)
			}
			msgs, err := a.DB.Messages(t.Context(), tk.ID, true)
			if err != nil {
				t.Fatal(err)
			}
			// The browser sends the reply's line ends as "\r\n", as in any form.
			if last := msgs[len(msgs)-1]; strings.ReplaceAll(last.Body, "\r\n", "\n") != body {
				t.Errorf("reply %q, want %q", last.Body, body)
			}
		})
	}
}

// TestMacrosWithoutJavaScript applies a macro with scripts off: the
// select and Apply show the page again with the reply filled in and the
// actions staged, and sending applies them.
func TestMacrosWithoutJavaScript(t *testing.T) {
	a := startApp(t)
	admin := a.admin(t)
	tk, _ := a.newTicket(t, "Guide did not show up")
	inProgress := "in_progress"
	m, err := a.DB.AddMacro(t.Context(), db.MacroInput{Name: "Looking into it", Body: "Hi {{requester.name}}, {{agent.name}} is on it.",
		Actions: db.MacroActions{Status: &inProgress, AddTags: []string{"guide"}}})
	if err != nil {
		t.Fatal(err)
	}
	b := openTab(t, a, false)
	b.open("/agent/login")
	b.signIn(adminEmail, adminPassword)
	b.open(ticketPath(tk.ID))
	b.do("pick and apply",
		chromedp.SetValue(chromedp.CSS(`[data-testid="macro-select"]`), fmt.Sprint(m.ID)),
		chromedp.Click(chromedp.CSS(`[data-testid="macro-apply"]`)))
	body := "Hi Ana Martínez, " + admin.Name + " is on it."
	b.waitFor("the reply filled in", `document.readyState === 'complete' && document.querySelector('textarea[name="body"]').value === `+js(body))
	if got := b.text(`[data-testid="macro-actions"]`); !strings.Contains(got, "status → In progress") || !strings.Contains(got, "add tags: guide") {
		t.Errorf("staged %q", got)
	}
	b.checkAxe("agent-ticket-macro-staged-noscript-en")
	b.do("choose the requester", chromedp.Click(chromedp.CSS(`[data-testid="compose-form"] label[for="internal"]`)))
	b.do("send", chromedp.Click(chromedp.CSS(`[data-testid="compose-submit"]`)))
	b.waitForWorkspace("the reply", tk.ID, `document.querySelectorAll('[data-testid="entry"][data-kind="reply"]').length === 1`)
	got, err := a.DB.Ticket(t.Context(), tk.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != db.StatusInProgress || !slices.Equal(got.Tags, []string{"guide"}) {
		t.Errorf("ticket %s %q, want in_progress and tagged guide", got.Status, got.Tags)
	}
}
