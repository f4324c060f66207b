package desk

import (
	"encoding/json"

	"github.com/gofiber/fiber/v2"
	"github.com/kinconecta/helpdesk/handlers/web"
)

// A change made from the workspace is confirmed on the page its form
// redirects to, through a flash in the agent's session, as the queue does
// for bulk changes: the address stays the ticket's own, so a reload shows
// no stale message. It is kept as data (what was done to which ticket) and
// put into words by the page, in its language.
const ticketNoticeKey = "ticket.notice"

// ticketNotice is what was just done: Kind is "reply", "note", "status"
// (Value is the new status), "details", "tags" or "merged" (Value is the
// number of the ticket merged into this one).
type ticketNotice struct {
	Ticket int64  `json:"ticket"`
	Kind   string `json:"kind"`
	Value  string `json:"value,omitempty"`
}

// putTicketNotice keeps n for the agent's next look at the ticket.
func (h *Handler) putTicketNotice(c *fiber.Ctx, n ticketNotice) error {
	if web.PrincipalOf(c).SessionID == "" {
		return nil // an API key has no session to carry it
	}
	s, r, err := h.AgentSession(c)
	if err != nil {
		return err
	}
	b, err := json.Marshal(n)
	if err != nil {
		return err
	}
	s.Values[ticketNoticeKey] = string(b)
	return h.SaveSession(c, r, s)
}

// takeTicketNotice returns, in the page's language, and forgets the notice
// waiting for ticket id; "" when there is none. A notice for another
// ticket (the agent opened a different one first) is dropped too: it
// would be stale by the time they came back.
//
// The page script sends the reply form with XMLHttpRequest, which follows
// the redirect itself and then loads the page again for the agent to see:
// the notice is left for that second load (the header survives the
// redirect; the script's copy of the page is thrown away).
func (h *Handler) takeTicketNotice(c *fiber.Ctx, id int64) (string, error) {
	if web.PrincipalOf(c).SessionID == "" || c.Get("X-Requested-With") == "XMLHttpRequest" {
		return "", nil
	}
	s, r, err := h.AgentSession(c)
	if err != nil {
		return "", err
	}
	raw, ok := s.Values[ticketNoticeKey].(string)
	if !ok {
		return "", nil
	}
	delete(s.Values, ticketNoticeKey)
	if err := h.SaveSession(c, r, s); err != nil {
		return "", err
	}
	var n ticketNotice
	if json.Unmarshal([]byte(raw), &n) != nil || n.Ticket != id {
		return "", nil
	}
	lang := web.PageLang(c)
	switch n.Kind {
	case "status":
		return lang.T("ticket.notice.status", labelOr(lang, "status."+n.Value, n.Value)), nil
	case "reply", "note":
		if n.Value != "" {
			return lang.T("composer.notice."+n.Kind+"Status", labelOr(lang, "status."+n.Value, n.Value)), nil
		}
		return lang.T("ticket.notice." + n.Kind), nil
	case "details", "tags":
		return lang.T("ticket.notice." + n.Kind), nil
	case "merged":
		return lang.T("ticket.notice.merged", lang.T("ticket.number", n.Value)), nil
	}
	return "", nil
}
