package e2e

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/i18n"
)

// TestAgentDay is an agent's working day in a real browser with scripts
// on: sign in, find a ticket by a word of its message (not its subject)
// and see the word highlighted, open it, answer the requester, leave a
// note for colleagues, move the ticket on with the status buttons; then
// the requester's tracking page shows the answer and the new status, and
// nothing of the note.
func TestAgentDay(t *testing.T) {
	a := startApp(t)
	a.agent(t)
	a.newTicket(t, "Charged twice for the Xochimilco tour") // must not match the search
	tk := a.apiTicket(t, "Missed our boat tour",
		"We waited at the Cuemanco pier from 9:00 but the trajinera left without us.\nCan we rebook for Saturday?")
	if tk.Status != string(db.StatusOpen) {
		t.Fatalf("created ticket is %q, want open (the API's default)", tk.Status)
	}

	b := openTab(t, a, true)
	b.open("/agent/login")
	b.signIn(agentEmail, agentPassword)

	// Search by a word found only in the message.
	b.do("search", chromedp.SendKeys(chromedp.ID("q"), "trajinera"+kb.Enter))
	b.waitFor("the search's results", `location.pathname === '/agent' && new URLSearchParams(location.search).get('q') === 'trajinera' &&
		document.readyState === 'complete'`)
	if got := eval[[]string](b, `Array.from(document.querySelectorAll('[data-testid="queue-row"]')).map(r => r.dataset.ticket)`); len(got) != 1 || got[0] != strconv.FormatInt(tk.ID, 10) {
		t.Fatalf("search for a word of the message lists tickets %v, want only #%d", got, tk.ID)
	}
	if got := b.text(`[data-testid="queue-snippet"]`); !strings.Contains(got, "Cuemanco pier") {
		t.Errorf("snippet = %q, want the message's words around the match", got)
	}
	if got := eval[[]string](b, `Array.from(document.querySelectorAll('[data-testid="queue-snippet"] mark')).map(m => m.innerText.toLowerCase())`); len(got) != 1 || got[0] != "trajinera" {
		t.Errorf("highlighted words = %q, want [trajinera]", got)
	}

	b.do("open the ticket", chromedp.Click(chromedp.CSS(`[data-testid="queue-subject"]`)))
	b.waitForWorkspace("the workspace", tk.ID, `true`)
	if got := b.text("h1"); got != "Missed our boat tour" {
		t.Errorf("workspace heading = %q, want the subject", got)
	}

	reply := "Hi Ana, we have booked you on Saturday's 10:00 boat at no cost."
	b.compose(false, reply)
	b.waitForWorkspace("the reply in the thread", tk.ID, `document.querySelectorAll('[data-testid="entry"][data-kind="reply"]').length === 1`)
	if got, want := b.text(`[data-testid="ticket-notice"]`), i18n.EN.T("ticket.notice.reply"); !strings.Contains(got, want) {
		t.Errorf("notice after replying = %q, want %q", got, want)
	}
	// The page script sends the form itself; the box must not keep the
	// sent text, or a second press would send it again.
	if got := eval[string](b, `document.querySelector('[data-testid="compose-form"] textarea[name="body"]').value`); got != "" {
		t.Errorf("reply box holds %q after sending", got)
	}

	// The note's marker is unique to this run, so finding it anywhere on
	// the requester's page can only mean the note leaked.
	noteMarker := fmt.Sprintf("NOTE-%d", time.Now().UnixNano())
	marker := noteMarker + ": guide Pedro says the boat waited ten minutes"
	b.compose(true, marker)
	b.waitForWorkspace("the note in the thread", tk.ID, `document.querySelectorAll('[data-testid="entry"][data-kind="note"]').length === 1`)
	if got, want := b.text(`[data-testid="ticket-notice"]`), i18n.EN.T("ticket.notice.note"); !strings.Contains(got, want) {
		t.Errorf("notice after the note = %q, want %q", got, want)
	}
	if got := b.text(`[data-testid="entry"][data-kind="note"] [data-testid="entry-body"]`); got != marker {
		t.Errorf("note shows %q, want %q", got, marker)
	}

	// Only the workflow's moves are offered: from open, forward.
	if got, want := strings.Join(b.moves(), " "), "in_progress resolved closed"; got != want {
		t.Errorf("status buttons of an open ticket = %q, want %q", got, want)
	}
	b.do("move to in progress", chromedp.Click(chromedp.CSS(`[data-testid="move"][data-status="in_progress"]`)))
	inProgress := i18n.EN.T("status.in_progress")
	b.waitForWorkspace("the new status", tk.ID, `document.querySelector('[data-testid="ticket-status"]').innerText.includes(`+js(inProgress)+`)`)
	if got, want := b.text(`[data-testid="ticket-notice"]`), i18n.EN.T("ticket.notice.status", inProgress); !strings.Contains(got, want) {
		t.Errorf("notice after the move = %q, want %q", got, want)
	}
	if got, want := strings.Join(b.moves(), " "), "resolved closed"; got != want {
		t.Errorf("status buttons of an in-progress ticket = %q, want %q", got, want)
	}

	stored, err := a.DB.Ticket(t.Context(), tk.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Status != db.StatusInProgress {
		t.Errorf("stored status = %q, want in_progress", stored.Status)
	}
	msgs, err := a.DB.Messages(t.Context(), tk.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 || msgs[0].Body != reply || msgs[0].Internal || msgs[1].Body != marker || !msgs[1].Internal {
		t.Fatalf("stored messages = %+v, want the public reply, then the internal note", msgs)
	}

	// The requester, in a browser of their own.
	ana := openTab(t, a, true)
	if got := ana.open("/track/" + tk.AccessToken); got != 200 {
		t.Fatalf("GET /track/{token} = %d", got)
	}
	if got := ana.text(`[data-testid="thread"]`); !strings.Contains(got, reply) {
		t.Errorf("tracking page's thread = %q, want the agent's reply", got)
	}
	if got := ana.currentStep(); got != "in_progress" {
		t.Errorf("tracking page's current step = %q, want in_progress", got)
	}
	// Anywhere in the document: text, attributes, comments, templates.
	for _, leak := range []string{noteMarker, "guide Pedro"} {
		if eval[bool](ana, `document.documentElement.outerHTML.includes(`+js(leak)+`)`) {
			t.Errorf("the tracking page carries the internal note's %q", leak)
		}
	}
}

// moves lists the workspace's status buttons by the status each moves to.
func (b *tab) moves() []string {
	b.t.Helper()
	return eval[[]string](b, `Array.from(document.querySelectorAll('[data-testid="move"]')).map(m => m.dataset.status)`)
}

// TestAgentPagesAccessible runs axe-core on every desk page in both
// languages, signed in as an admin, requiring no violations: the sign-in
// form (blank and refused), the queue (with tickets, and searching, with
// snippets), a ticket with replies, a note and files (an image among
// them), the reports and the settings; and takes each page's screenshots
// at tablet and desktop widths.
func TestAgentPagesAccessible(t *testing.T) {
	for _, lang := range i18n.Langs {
		t.Run(string(lang), func(t *testing.T) {
			t.Parallel() // separate apps and browser contexts
			a := startApp(t)
			agent := a.agent(t)
			a.admin(t)
			if _, _, err := a.DB.CreateAPIKey(t.Context(), "Kinconecta mobile app", db.RoleAgent); err != nil {
				t.Fatal(err)
			}
			picture := testPNG(t)
			a.newTicket(t, "Guide did not show up")
			other, _ := a.newTicket(t, "Refund for a cancelled tour")
			a.setStatus(t, agent, other.ID, db.StatusResolved)
			tk, _ := a.newTicket(t, "Charged twice for the Xochimilco tour",
				a.storedFile(t, "receipt.png", picture), a.storedFile(t, "booking-confirmation.pdf", []byte(testPDF)))
			a.agentReply(t, agent, tk.ID, "Hi Ana, could you send the bank statement too?",
				a.storedFile(t, "refund-policy.txt", []byte("Refunds are made within 5 working days.\n")))
			if _, err := a.DB.AddMessage(t.Context(), tk.ID, db.NewMessage{Body: "The guide confirms she was on the tour.", Internal: true,
				Attachments: []db.NewAttachment{a.storedFile(t, "guide-chat.png", picture)}}, agent, 20); err != nil {
				t.Fatal(err)
			}
			a.setStatus(t, agent, tk.ID, db.StatusInProgress)

			b := openTab(t, a, true)
			// check checks the page is in the chosen language, marked and
			// worded (its heading is the catalogue's, when title is a key),
			// then runs axe and takes the screenshots.
			check := func(page, title string) {
				t.Helper()
				if got := eval[string](b, `document.documentElement.lang`); got != string(lang) {
					t.Errorf("%s: <html lang> = %q, want %q", page, got, lang)
				}
				if title != "" {
					if got, want := b.text("h1"), lang.T(title); got != want {
						t.Errorf("%s: heading = %q, want %q", page, got, want)
					}
				}
				name := fmt.Sprintf("agent-%s-%s", page, lang)
				b.checkAxe(name)
				b.deskScreenshots(name)
			}
			open := func(page, path, title string) {
				t.Helper()
				if got := b.open(path); got != 200 {
					t.Errorf("GET %s = %d, want 200", path, got)
				}
				check(page, title)
			}

			open("login", "/agent/login?lang="+string(lang), "agent.login.title") // the switch's link: sets the language cookie
			b.fillSignIn(adminEmail, "not the password")
			b.waitFor("the refusal", `document.readyState === 'complete' && document.querySelector('[data-testid="login-error"]')`)
			if got, want := b.text(`[data-testid="login-error"]`), lang.T("agent.login.wrong"); got != want {
				t.Errorf("refusal = %q, want %q", got, want)
			}
			if got := eval[string](b, `document.querySelector('[data-testid="login-form"] input[name="email"]').value`); got != adminEmail {
				t.Errorf("email after the refusal = %q, want it kept", got)
			}
			check("login-failed", "agent.login.title")
			b.do("clear the email", chromedp.Clear(chromedp.CSS(`[data-testid="login-form"] input[name="email"]`)))
			b.signIn(adminEmail, adminPassword)

			check("queue", "views.all")
			if got := b.count(`[data-testid="queue-row"]`); got != 3 {
				t.Errorf("queue lists %d tickets, want 3", got)
			}
			open("queue-search", "/agent?q=twice", "queue.title")
			if got := b.count(`[data-testid="queue-snippet"] mark`); got == 0 {
				t.Error("search results show no highlighted words")
			}
			open("ticket", ticketPath(tk.ID), "")
			if got := b.entries("note"); got != 1 {
				t.Errorf("thread shows %d notes, want 1", got)
			}
			if got := b.count(`[data-testid="thread"] [data-testid="file-preview"] img`); got != 2 {
				t.Errorf("thread previews %d images, want 2", got)
			}
			b.do("ask to close", chromedp.Click(chromedp.CSS(`[data-testid="close-confirm"] > summary`)))
			b.waitFor("the close confirmation", `document.querySelector('[data-testid="close-confirm"]').open`)
			check("ticket-close-confirm", "")
			open("reports", "/agent/reports", "reports.title")
			open("settings", "/agent/settings", "settings.title")
			if got := b.count(`[data-testid="agents"] [data-testid="agent"]`); got != 2 {
				t.Errorf("settings list %d accounts, want 2", got)
			}
		})
	}
}

// TestAgentQueueKeyboard works the queue from the keyboard: "/" goes to
// the search box, j and k move through the tickets, Enter opens the
// current one, and "?" shows the list of shortcuts.
func TestAgentQueueKeyboard(t *testing.T) {
	a := startApp(t)
	a.agent(t)
	for _, s := range []string{"First request", "Second request", "Third request"} {
		a.newTicket(t, s)
	}
	b := openTab(t, a, true)
	b.open("/agent/login")
	b.signIn(agentEmail, agentPassword)
	rows := eval[[]string](b, `Array.from(document.querySelectorAll('[data-testid="queue-row"]')).map(r => r.dataset.ticket)`)
	if len(rows) != 3 {
		t.Fatalf("queue lists %v, want 3 tickets", rows)
	}
	// current is the row the shortcuts marked, and focus must be on its link.
	current := func() string {
		t.Helper()
		return eval[string](b, `(() => {
			const row = document.querySelector('[data-queue-row][data-current]');
			if (!row) return 'none';
			return document.activeElement === row.querySelector('[data-queue-open]') ? row.dataset.ticket : 'unfocused ' + row.dataset.ticket;
		})()`)
	}

	b.press("/")
	if got := eval[string](b, `document.activeElement.id`); got != "q" {
		t.Fatalf(`"/" focuses %q, want the search box`, got)
	}
	// Letters typed in the search box are words, not shortcuts.
	b.press("j")
	if got := eval[string](b, `document.getElementById('q').value`); got != "j" {
		t.Errorf(`typing j in the search box gives %q, want "j"`, got)
	}
	if got := current(); got != "none" {
		t.Errorf("typing in the search box moved the selection to %s", got)
	}
	eval[chromedp.Void](b, `document.activeElement.blur()`)

	b.press("j")
	if got := current(); got != rows[0] {
		t.Errorf("j selects %s, want the first ticket %s", got, rows[0])
	}
	b.press("j")
	if got := current(); got != rows[1] {
		t.Errorf("j again selects %s, want the second ticket %s", got, rows[1])
	}
	b.press("k")
	if got := current(); got != rows[0] {
		t.Errorf("k selects %s, want the first ticket %s again", got, rows[0])
	}
	b.press("j")
	b.press(kb.Enter)
	id, _ := strconv.ParseInt(rows[1], 10, 64)
	b.waitForWorkspace("the selected ticket to open", id, `true`)

	b.open("/agent")
	if !eval[bool](b, `!document.querySelector('[data-testid="keys-open"]').hidden`) {
		t.Error(`the "keyboard shortcuts" button is hidden with scripts on`)
	}
	b.press("?")
	b.waitFor("the shortcuts dialog", `document.getElementById('queue-keys').open`)
	if got := b.count(`#queue-keys kbd`); got < 5 {
		t.Errorf("the shortcuts dialog lists %d keys, want at least 5 (/, j, k, Enter, ?)", got)
	}
	if !eval[bool](b, `document.getElementById('queue-keys').contains(document.activeElement)`) {
		t.Error("focus did not move into the shortcuts dialog")
	}
	b.checkAxe("agent-queue-keys-en")
	b.press(kb.Escape)
	b.waitFor("the dialog to close", `!document.getElementById('queue-keys').open`)
}

// TestAgentWithoutJavaScript signs in and works a ticket with scripts
// off: every form is a plain post, and the browser lands back on the
// ticket's own address (not the form's), so the server redirected.
func TestAgentWithoutJavaScript(t *testing.T) {
	a := startApp(t)
	a.agent(t)
	tk, _ := a.newTicket(t, "Charged twice for the Xochimilco tour")
	b := openTab(t, a, false)
	b.open(ticketPath(tk.ID))
	// Signed out, the workspace leads to the sign-in form, which returns
	// to the ticket after signing in.
	b.waitFor("the sign-in form", `location.pathname === '/agent/login' && document.querySelector('[data-testid="login-form"]')`)
	b.fillSignIn(agentEmail, "wrong password")
	b.waitFor("the refusal", `document.readyState === 'complete' && document.querySelector('[data-testid="login-error"]')`)
	b.do("clear the email", chromedp.Clear(chromedp.CSS(`[data-testid="login-form"] input[name="email"]`)))
	b.fillSignIn(agentEmail, agentPassword)
	b.waitForWorkspace("the ticket after signing in", tk.ID, `true`)
	// With scripts on, the page script hides the file input behind its
	// drop zone.
	if eval[bool](b, `document.querySelector('[data-testid="compose-form"] input[type="file"]').classList.contains('sr-only')`) {
		t.Fatal("page scripts ran in a tab with scripts off")
	}

	reply := "Hi Ana, we have refunded the second charge."
	b.compose(false, reply, writeFile(t, "refund.pdf", []byte(testPDF)))
	b.waitForWorkspace("the reply in the thread", tk.ID, `document.querySelectorAll('[data-testid="entry"][data-kind="reply"]').length === 1`)
	if got, want := b.text(`[data-testid="ticket-notice"]`), i18n.EN.T("ticket.notice.reply"); !strings.Contains(got, want) {
		t.Errorf("notice after replying = %q, want %q", got, want)
	}
	if got := b.text(`[data-testid="entry"][data-kind="reply"]`); !strings.Contains(got, reply) || !strings.Contains(got, "refund.pdf") {
		t.Errorf("reply shows %q, want the text and refund.pdf", got)
	}
	b.do("resolve", chromedp.Click(chromedp.CSS(`[data-testid="move"][data-status="resolved"]`)))
	b.waitForWorkspace("the new status", tk.ID, `document.querySelector('[data-testid="ticket-status"]').innerText.includes(`+js(i18n.EN.T("status.resolved"))+`)`)

	msgs, err := a.DB.Messages(t.Context(), tk.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 || msgs[0].Body != reply || msgs[0].Internal || len(msgs[0].Attachments) != 1 || msgs[0].Attachments[0].MimeType != "application/pdf" {
		t.Fatalf("stored messages = %+v, want the public reply with one PDF", msgs)
	}
	if stored, err := a.DB.Ticket(t.Context(), tk.ID, false); err != nil || stored.Status != db.StatusResolved {
		t.Errorf("stored ticket = %+v (%v), want it resolved", stored, err)
	}
}

// TestAgentCloseConfirm closes a ticket from the workspace, with scripts
// on and off: "Close…" only opens a disclosure saying what closing means,
// and only its "Close for good" closes. Without a script it also sends a
// close without the confirmation (as a form from an older page would):
// the page comes back with the confirmation open and says why; and
// reloading a refused form's address, where the browser was left, leads
// back to the workspace instead of a 405.
func TestAgentCloseConfirm(t *testing.T) {
	for _, mode := range []struct {
		name string
		js   bool
	}{{"WithScript", true}, {"WithoutScript", false}} {
		t.Run(mode.name, func(t *testing.T) {
			a := startApp(t)
			a.agent(t)
			tk, _ := a.newTicket(t, "Charged twice for the Xochimilco tour")
			b := openTab(t, a, mode.js)
			b.open("/agent/login")
			b.signIn(agentEmail, agentPassword)
			b.open(ticketPath(tk.ID))
			if got, want := strings.Join(b.moves(), " "), "in_progress resolved closed"; got != want {
				t.Fatalf("status moves = %q, want %q", got, want)
			}
			confirmShown := `document.querySelector('[data-testid="confirm-close"]').checkVisibility()`
			if eval[bool](b, confirmShown) {
				t.Fatal(`"Close for good" shows before anyone asked to close`)
			}

			if !mode.js {
				// A reply refused without a script leaves the browser at
				// the form's address; reloading it goes back to the form.
				b.do("send a reply with no text",
					chromedp.Click(chromedp.CSS(`[data-testid="compose-submit"]`)))
				b.waitFor("the refusal", `document.readyState === 'complete' && document.querySelector('[data-testid="compose-form"] [data-testid="error-summary"]')`)
				if got, want := b.path(), ticketPath(tk.ID)+"/messages"; got != want {
					t.Fatalf("the refusal is at %q, want %q", got, want)
				}
				if got := b.open(b.path()); got != 200 {
					t.Fatalf("reloading the refused form's address = %d, want 200", got)
				}
				if got, want := b.path(), ticketPath(tk.ID)+"#compose"; got != want {
					t.Errorf("reloading landed on %q, want %q", got, want)
				}

				b.do("ask to close", chromedp.Click(chromedp.CSS(`[data-testid="close-confirm"] > summary`)))
				eval[chromedp.Void](b, `document.querySelector('[data-testid="close-confirm"] input[name="confirm"]').remove()`)
				b.do("close without the confirmation", chromedp.Click(chromedp.CSS(`[data-testid="confirm-close"]`)))
				b.waitFor("the refusal", `document.readyState === 'complete' && document.querySelector('[data-testid="ticket-problem"]')`)
				if got, want := b.text(`[data-testid="ticket-problem"]`), i18n.EN.T("ticket.err.confirmClose"); !strings.Contains(got, want) {
					t.Errorf("refusal = %q, want %q", got, want)
				}
				if !eval[bool](b, `document.querySelector('[data-testid="close-confirm"]').open`) || !eval[bool](b, confirmShown) {
					t.Error("the refusal does not show the close confirmation open")
				}
				b.checkAxe("agent-ticket-close-refused-noscript-en")
				if stored, _ := a.DB.Ticket(t.Context(), tk.ID, false); stored.Status != db.StatusOpen {
					t.Fatalf("stored status = %q after a close without confirmation, want open", stored.Status)
				}
				if got := b.open(b.path()); got != 200 {
					t.Fatalf("reloading the refused close's address = %d, want 200", got)
				}
				b.waitForWorkspace("the workspace after reloading", tk.ID, `true`)
			}

			b.do("ask to close", chromedp.Click(chromedp.CSS(`[data-testid="close-confirm"] > summary`)))
			b.waitFor(`"Close for good"`, confirmShown)
			if got, want := b.text(`[data-testid="close-confirm"] p`), i18n.EN.T("ticket.close.explain"); got != want {
				t.Errorf("the confirmation says %q, want %q", got, want)
			}
			if stored, _ := a.DB.Ticket(t.Context(), tk.ID, false); stored.Status != db.StatusOpen {
				t.Fatalf("opening the confirmation changed the ticket to %q", stored.Status)
			}
			b.do("close for good", chromedp.Click(chromedp.CSS(`[data-testid="confirm-close"]`)))
			closed := i18n.EN.T("status.closed")
			b.waitForWorkspace("the closed ticket", tk.ID, `document.querySelector('[data-testid="ticket-status"]').innerText.includes(`+js(closed)+`)`)
			if got, want := b.text(`[data-testid="ticket-notice"]`), i18n.EN.T("ticket.notice.status", closed); !strings.Contains(got, want) {
				t.Errorf("notice after closing = %q, want %q", got, want)
			}
			if stored, _ := a.DB.Ticket(t.Context(), tk.ID, false); stored.Status != db.StatusClosed {
				t.Errorf("stored status = %q, want closed", stored.Status)
			}
		})
	}
}
