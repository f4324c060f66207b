package e2e

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/i18n"
)

// TestMergeTags is an agent at the workspace, in each language: tagging a
// ticket with a suggestion, removing a tag, then merging the requester's
// two tickets through the search and the preview; the target then holds
// the conversation and the old tracking link shows the target. axe-core
// checks each new page and state.
func TestMergeTags(t *testing.T) {
	for _, lang := range i18n.Langs {
		t.Run(string(lang), func(t *testing.T) {
			a := startApp(t)
			agent := a.agent(t)
			other, _ := a.newTicket(t, "Guide did not show up")
			if _, err := a.DB.UpdateTicket(t.Context(), other.ID, db.TicketPatch{Tags: &[]string{"refund", "vip"}}, agent); err != nil {
				t.Fatal(err)
			}
			source, sourceToken := a.newTicket(t, "Charged twice for the Xochimilco tour")
			target, _ := a.newTicket(t, "Refund still missing")
			a.agentReply(t, agent, source.ID, "Hi Ana, we are checking with the bank.")

			b := openTab(t, a, true)
			b.open("/agent/login?lang=" + string(lang))
			b.signIn(agentEmail, agentPassword)
			b.open(ticketPath(source.ID))

			// A suggestion: typing "re" offers "refund", the tag in use.
			b.do("type the start of a tag", chromedp.Click(chromedp.CSS(`[data-testid="tag-input"]`)),
				chromedp.SendKeys(chromedp.CSS(`[data-testid="tag-input"]`), "boat re"))
			b.waitFor("the suggestion", `[...document.querySelectorAll('#tag-suggestions option')].some(o => o.value === 'boat refund')`)
			if got := b.count(`#tag-suggestions option`); got != 1 {
				t.Errorf("%d suggestions for 're', want 1", got)
			}
			// Choosing an option puts its value in the field, as the
			// browser's list does; Enter sends the form.
			eval[chromedp.Void](b, `document.querySelector('[data-testid="tag-input"]').value = document.querySelector('#tag-suggestions option').value`)
			b.do("send the tags", chromedp.Focus(chromedp.CSS(`[data-testid="tag-input"]`)), chromedp.KeyEvent(kb.Enter))
			b.waitForWorkspace("the tags", source.ID, `document.querySelectorAll('[data-testid="tag"]').length === 2`)
			if got, want := b.tags(), "boat refund"; got != want {
				t.Errorf("tags %q, want %q", got, want)
			}
			if got, want := b.text(`[data-testid="ticket-notice"]`), lang.T("ticket.notice.tags"); !strings.Contains(got, want) {
				t.Errorf("notice %q, want %q", got, want)
			}
			b.checkAxe("agent-ticket-tags-" + string(lang))

			b.do("remove a tag", chromedp.Click(chromedp.CSS(`[data-tag="boat"] [data-testid="tag-remove"]`)))
			b.waitForWorkspace("one tag left", source.ID, `document.querySelectorAll('[data-testid="tag"]').length === 1`)
			if got, want := b.tags(), "refund"; got != want {
				t.Errorf("tags after removing one %q, want %q", got, want)
			}
			if got := b.text(`[data-testid="history"]`); !strings.Contains(got, lang.T("ticket.history.tagsRemoved", "Lucía", "boat")) {
				t.Errorf("history does not tell of the removal: %q", got)
			}

			// Merge: the card lists the requester's other open tickets.
			b.do("open the merge card", chromedp.Click(chromedp.CSS(`[data-testid="merge-open"]`)))
			b.waitFor("the candidates", `document.querySelector('[data-testid="merge-candidate"]').checkVisibility()`)
			if got := b.count(`[data-testid="merge-candidate"]`); got != 2 {
				t.Errorf("merge card lists %d tickets, want 2 (the requester's others)", got)
			}
			b.checkAxe("agent-ticket-merge-card-" + string(lang))
			b.deskScreenshots("agent-ticket-merge-card-" + string(lang))
			b.open(ticketPath(source.ID) + "/merge")
			b.do("search for the target", chromedp.SendKeys(chromedp.CSS(`[data-testid="merge-q"]`), "missing"))
			b.waitFor("the narrowed list", `document.querySelectorAll('[data-testid="merge-preview-link"]').length === 1`)
			b.checkAxe("agent-merge-search-" + string(lang))
			b.do("preview the merge", chromedp.Click(chromedp.CSS(`[data-testid="merge-preview-link"]`)))
			b.waitFor("the preview", `document.readyState === 'complete' && document.querySelector('[data-testid="merge-preview"]')`)
			if got, want := b.text(`[data-testid="merge-messages"]`), lang.T("merge.moves.messages", 2, 0); got != want {
				t.Errorf("preview says %q, want %q", got, want)
			}
			if got := b.text(`[data-testid="merge-tags"]`); !strings.Contains(got, "refund") {
				t.Errorf("preview tags %q, want refund", got)
			}
			b.checkAxe("agent-merge-preview-" + string(lang))
			b.deskScreenshots("agent-merge-preview-" + string(lang))

			b.do("confirm the merge", chromedp.Click(chromedp.CSS(`[data-testid="merge-confirm"]`)))
			b.waitForWorkspace("the target", target.ID, `document.querySelector('[data-testid="ticket-notice"]').innerText.trim() !== ''`)
			sourceNumber := lang.T("ticket.number", strconv.FormatInt(source.ID, 10))
			if got, want := b.text(`[data-testid="ticket-notice"]`), lang.T("ticket.notice.merged", sourceNumber); !strings.Contains(got, want) {
				t.Errorf("notice %q, want %q", got, want)
			}
			if got := b.text(`[data-testid="thread"]`); !strings.Contains(got, "Charged twice for the Xochimilco tour") ||
				!strings.Contains(got, "we are checking with the bank") {
				t.Errorf("the target's thread lacks the source's conversation: %q", got)
			}
			if got, want := b.tags(), "refund"; got != want {
				t.Errorf("target tags %q, want %q", got, want)
			}
			b.checkAxe("agent-ticket-merged-target-" + string(lang))

			b.open(ticketPath(source.ID))
			if got := eval[string](b, `document.querySelector('[data-testid="merged-link"]').getAttribute('href')`); got != ticketPath(target.ID) {
				t.Errorf("the merged ticket links to %q, want the target", got)
			}
			b.checkAxe("agent-ticket-merged-source-" + string(lang))

			// The requester's old link now shows the target.
			r := openTab(t, a, true)
			if got := r.open("/track/" + sourceToken); got != 200 {
				t.Fatalf("old tracking link = %d, want 200", got)
			}
			if got := r.text("h1"); got != "Refund still missing" {
				t.Errorf("old tracking link shows %q, want the target", got)
			}
		})
	}
}

// tags are the workspace's tag chips, space-separated.
func (b *tab) tags() string {
	b.t.Helper()
	return eval[string](b, `[...document.querySelectorAll('[data-testid="tag"]')].map(e => e.dataset.tag).join(' ')`)
}
