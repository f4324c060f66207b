package desk

import (
	"encoding/json"
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
	"github.com/kinconecta/helpdesk/i18n"
	"github.com/kinconecta/helpdesk/views/agent"
)

// The outcome of a bulk change travels from the POST to the queue page it
// redirects to as a flash in the agent's server-side session (gorilla
// sessions over SQLite): the address stays the view's own, so reloading or
// sharing it shows no stale summary, and the summary, read once, is gone.
// It is stored as JSON text, which the session's gob encoding carries
// without registering types.
const queueOutcomeKey = "queue.outcome"

// putQueueOutcome keeps sum for the agent's next queue page.
func (h *Handler) putQueueOutcome(c *fiber.Ctx, sum queueBulkSummary) error {
	if web.PrincipalOf(c).SessionID == "" {
		return nil // an API key has no session and no page to show it on
	}
	s, r, err := h.AgentSession(c)
	if err != nil {
		return err
	}
	b, err := json.Marshal(sum)
	if err != nil {
		return err
	}
	s.Values[queueOutcomeKey] = string(b)
	return h.SaveSession(c, r, s)
}

// takeQueueOutcome returns and forgets the outcome waiting for this page,
// in its language, nil when there is none.
func (h *Handler) takeQueueOutcome(c *fiber.Ctx) (*agent.QueueOutcome, error) {
	if web.PrincipalOf(c).SessionID == "" {
		return nil, nil
	}
	s, r, err := h.AgentSession(c)
	if err != nil {
		return nil, err
	}
	raw, ok := s.Values[queueOutcomeKey].(string)
	if !ok {
		return nil, nil
	}
	delete(s.Values, queueOutcomeKey)
	if err := h.SaveSession(c, r, s); err != nil {
		return nil, err
	}
	var sum queueBulkSummary
	if err := json.Unmarshal([]byte(raw), &sum); err != nil {
		return nil, nil // unreadable: show nothing rather than fail the page
	}
	o := sum.outcome(web.PageLang(c))
	return &o, nil
}

// queueBulkSummary is what a bulk change did: how many tickets changed
// and why each refused one was refused. The session keeps it as data; the
// page that shows it puts it into words, in that page's language.
type queueBulkSummary struct {
	Done    int                `json:"done"`
	Refused []queueBulkRefusal `json:"refused,omitempty"`
}

// queueBulkRefusal is one refused ticket: Why is "move" (the workflow
// forbids From → To), "closed", "gone", "tags" (more than a ticket
// holds), "assignee" (not an active agent), "tagRule" (a tag is not
// one) or "other" (Detail says what).
type queueBulkRefusal struct {
	ID     int64  `json:"id"`
	Why    string `json:"why"`
	From   string `json:"from,omitempty"`
	To     string `json:"to,omitempty"`
	Detail string `json:"detail,omitempty"`
}

// queueSummarise reads the results of a bulk change. A workflow refusal names
// the move, so the refused ticket's status is read again; an error that
// is no refusal (the store failing) fails the request.
func (h *Handler) queueSummarise(c *fiber.Ctx, results []db.BulkResult, patch db.TicketPatch) (queueBulkSummary, error) {
	var sum queueBulkSummary
	for _, r := range results {
		if r.Err == nil {
			sum.Done++
			continue
		}
		var de *db.Error
		if !errors.As(r.Err, &de) {
			return sum, r.Err
		}
		ref := queueBulkRefusal{ID: r.TicketID, Why: "other", Detail: de.Message}
		switch de.Code {
		case db.ENOTFOUND:
			ref.Why = "gone"
		case db.EINVALID:
			ref.Why, ref.Detail = bulkFieldRefusal(de)
		case db.ECONFLICT:
			t, err := h.DB.Ticket(c.UserContext(), r.TicketID, false)
			if err != nil {
				return sum, err
			}
			ref.Why = "closed"
			if patch.Status != nil && string(t.Status) != *patch.Status {
				ref.Why, ref.From, ref.To = "move", string(t.Status), *patch.Status
			}
		}
		sum.Refused = append(sum.Refused, ref)
	}
	return sum, nil
}

// outcome puts the summary into words in lang.
func (sum queueBulkSummary) outcome(lang i18n.Lang) agent.QueueOutcome {
	var out agent.QueueOutcome
	switch {
	case sum.Done == 1:
		out.Done = lang.T("queue.bulk.done.one")
	case sum.Done > 1:
		out.Done = lang.T("queue.bulk.done", lang.Number(int64(sum.Done)))
	}
	switch n := len(sum.Refused); {
	case n == 1:
		out.Refused = lang.T("queue.bulk.refused.one")
	case n > 1:
		out.Refused = lang.T("queue.bulk.refused", lang.Number(int64(n)))
	}
	for _, r := range sum.Refused {
		number := strconv.FormatInt(r.ID, 10)
		var why string
		switch r.Why {
		case "move":
			why = lang.T("queue.bulk.why.move", number, queueStatusLabel(lang, r.From), queueStatusLabel(lang, r.To))
		case "closed":
			why = lang.T("queue.bulk.why.closed", number)
		case "gone":
			why = lang.T("queue.bulk.why.gone", number)
		case "tags":
			why = lang.T("queue.bulk.why.tags", number, strconv.Itoa(db.MaxTagsATicket))
		case "assignee":
			why = lang.T("queue.bulk.why.assignee", number)
		case "tagRule":
			why = lang.T("queue.bulk.why.tagRule", number)
		default:
			why = lang.T("queue.bulk.why.other", number, r.Detail)
		}
		out.Reasons = append(out.Reasons, why)
	}
	return out
}

// queueStatusLabel names a status in lang; a value that is no status (an
// outcome stored by an older version) shows as it is, not as a missing key.
func queueStatusLabel(lang i18n.Lang, s string) string {
	if st, ok := db.ParseStatus(s); ok {
		return lang.T("status." + string(st))
	}
	return s
}
