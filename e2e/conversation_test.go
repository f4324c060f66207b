package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/kinconecta/helpdesk/db"
)

// TestRequesterReplyReachesAssignee walks the conversation loop in two
// browsers (CONTRACT §5): the requester answers a resolved ticket from the
// tracking page, which reopens it, and the assignee sees it in the queue
// as waiting on us (with the "Waiting on us" filter) and the reply in the
// workspace.
func TestRequesterReplyReachesAssignee(t *testing.T) {
	a := startApp(t)
	agent := a.agent(t)
	tk, token := a.newTicket(t, "Cobro duplicado en mi reserva")
	assignee := agent.ID
	if _, err := a.DB.UpdateTicket(t.Context(), tk.ID, db.TicketPatch{AssigneeID: &assignee}, agent); err != nil {
		t.Fatal(err)
	}
	a.agentReply(t, agent, tk.ID, "Ya está reembolsado.")
	a.setStatus(t, agent, tk.ID, db.StatusResolved)

	requester := openTab(t, a, true)
	requester.open("/track/" + token)
	requester.do("write that it is not solved",
		chromedp.SendKeys(chromedp.CSS(`[data-testid="reply-form"] textarea[name="body"]`), "El reembolso no ha llegado todavía."),
		chromedp.Click(chromedp.CSS(`[data-testid="reply-form"] [type="submit"]`)))
	requester.waitFor("the reply in the thread", `document.readyState === 'complete' &&
		document.querySelectorAll('[data-testid="thread"] [data-testid="message"]').length === 3`)
	if got := requester.currentStep(); got != "open" {
		t.Errorf("the requester's step bar shows %q after replying, want open", got)
	}

	desk := openTab(t, a, true)
	desk.open("/agent/login")
	desk.signIn("lucia@kinconecta.example", "correct horse battery staple")
	desk.open("/agent?awaiting=agent&assignee=me")
	row := fmt.Sprintf(`[data-testid="queue-row"][data-ticket="%d"]`, tk.ID)
	if desk.count(row) != 1 {
		t.Fatalf("the reopened ticket is not in the assignee's 'waiting on us' view")
	}
	if got := desk.text(row + ` [data-testid="queue-status"]`); got != "Open" {
		t.Errorf("queue status %q, want Open", got)
	}
	if got := eval[string](desk, `document.querySelector('`+row+` [data-testid="queue-waiting"]').dataset.waiting`); got != "agent" {
		t.Errorf("queue shows it waiting on %q, want on us (agent)", got)
	}
	desk.open(ticketPath(tk.ID))
	if got := desk.text(`body`); !strings.Contains(got, "El reembolso no ha llegado todavía.") {
		t.Error("the workspace does not show the requester's reply")
	}
}
