package desk

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
	"github.com/kinconecta/helpdesk/i18n"
	"github.com/kinconecta/helpdesk/views/agent"
	"github.com/kinconecta/helpdesk/views/components"
)

// ticketStatus handles POST /agent/tickets/{id}/status: one of the status
// buttons. The workflow is the store's to enforce; a move it refuses (a
// page left open while someone else changed the ticket) comes back as the
// page with the reason (409). Pressing a button twice lands on the page
// unchanged rather than refusing the second press. Closing is final, so
// it also takes the form's confirmation (closeConfirmed); without it the
// page comes back with the confirmation open (422).
func (h *Handler) ticketStatus(c *fiber.Ctx) error {
	t, err := h.workspaceTicket(c)
	if err != nil {
		return err
	}
	to, ok := db.ParseStatus(web.FormValue(c, "status"))
	if !ok {
		return h.refuseChange(c, t.ID, fiber.StatusUnprocessableEntity, web.PageLang(c).T("ticket.err.status"), nil)
	}
	if to == t.Status {
		return c.Redirect(ticketBase(t.ID), fiber.StatusSeeOther)
	}
	if to == db.StatusClosed && !closeConfirmed(c) {
		lang := web.PageLang(c)
		return h.renderTicket(c, fiber.StatusUnprocessableEntity, t, func(v *agent.Ticket) {
			v.Problem, v.ConfirmClose = lang.T("ticket.err.confirmClose"), true
		})
	}
	s := string(to)
	if _, err := h.DB.UpdateTicket(c.UserContext(), t.ID, db.TicketPatch{Status: &s}, web.PrincipalOf(c).Actor); err != nil {
		return h.refuseUpdate(c, t, err, nil)
	}
	if err := h.putTicketNotice(c, ticketNotice{Ticket: t.ID, Kind: "status", Value: s}); err != nil {
		return err
	}
	return c.Redirect(ticketBase(t.ID), fiber.StatusSeeOther)
}

// closeConfirmed reports whether the form carries the deliberate second
// step a close from the desk needs (confirm=closed): the close form's own
// field, which a form that merely names the status does not send. The API
// (PATCH) takes no such field: its callers are programs.
func closeConfirmed(c *fiber.Ctx) bool {
	return web.FormValue(c, "confirm") == string(db.StatusClosed)
}

// ticketDetails handles POST /agent/tickets/{id}/details: the assignee
// ("0" for nobody), priority and category, each applied only when it
// differs from the ticket's, so that keeping a retired category or an
// assignee whose account is off is no change and no refusal. A field the
// form leaves out (the "assign to me" button sends only the assignee) is
// left as it is.
func (h *Handler) ticketDetails(c *fiber.Ctx) error {
	t, err := h.workspaceTicket(c)
	if err != nil {
		return err
	}
	lang := web.PageLang(c)
	sent := agent.TicketDetails{Assignee: web.FormValue(c, "assigneeId"), Priority: web.FormValue(c, "priority"), Category: web.FormValue(c, "category")}
	var patch db.TicketPatch
	if sent.Assignee != "" {
		id, err := strconv.ParseInt(sent.Assignee, 10, 64)
		switch {
		case err != nil || id < 0:
			sent.Errors = append(sent.Errors, components.FieldError{Field: "assigneeId", Message: lang.T("ticket.err.assignee")})
		case sent.Assignee != assigneeValue(t.AssigneeID):
			patch.AssigneeID = &id
		}
	}
	if sent.Priority != "" {
		p, ok := db.ParsePriority(sent.Priority)
		switch {
		case !ok:
			sent.Errors = append(sent.Errors, components.FieldError{Field: "priority", Message: lang.T("ticket.err.priority")})
		case p != t.Priority:
			s := string(p)
			patch.Priority = &s
		}
	}
	if name := strings.TrimSpace(sent.Category); name != "" && !strings.EqualFold(name, t.Category) {
		patch.Category = &name
	}
	if len(sent.Errors) > 0 {
		return h.refuseChange(c, t.ID, fiber.StatusUnprocessableEntity, lang.T("ticket.err.details"), &sent)
	}
	if patch.AssigneeID == nil && patch.Priority == nil && patch.Category == nil {
		return c.Redirect(ticketBase(t.ID), fiber.StatusSeeOther)
	}
	if _, err := h.DB.UpdateTicket(c.UserContext(), t.ID, patch, web.PrincipalOf(c).Actor); err != nil {
		return h.refuseUpdate(c, t, err, &sent)
	}
	if err := h.putTicketNotice(c, ticketNotice{Ticket: t.ID, Kind: "details"}); err != nil {
		return err
	}
	return c.Redirect(ticketBase(t.ID), fiber.StatusSeeOther)
}

// detailFieldErrors words the store's field refusals for the details form.
var detailFieldErrors = map[string]string{
	"assigneeId": "ticket.err.assignee",
	"priority":   "ticket.err.priority",
	"category":   "ticket.err.category",
}

// refuseUpdate shows why the store refused a change: a move the workflow
// forbids or a closed ticket (409, a message at the top), or a value no
// longer valid (422, beside its field). Anything else is no refusal and
// goes to the error handler.
func (h *Handler) refuseUpdate(c *fiber.Ctx, t db.Ticket, err error, sent *agent.TicketDetails) error {
	var de *db.Error
	if !errors.As(err, &de) {
		return err
	}
	lang := web.PageLang(c)
	switch de.Code {
	case db.ECONFLICT:
		return h.refuseChange(c, t.ID, fiber.StatusConflict, conflictText(lang, t.Status, de), nil)
	case db.EINVALID:
		if sent == nil {
			sent = &agent.TicketDetails{}
		}
		for _, fe := range de.Fields {
			key, ok := detailFieldErrors[fe.Field]
			if !ok {
				return err
			}
			sent.Errors = append(sent.Errors, components.FieldError{Field: fe.Field, Message: lang.T(key)})
		}
		return h.refuseChange(c, t.ID, fiber.StatusUnprocessableEntity, lang.T("ticket.err.details"), sent)
	}
	return err
}

// conflictText explains a refused change: a closed ticket is final;
// otherwise the move is not one the workflow allows from the status the
// ticket has now, and the moves it does allow are listed.
func conflictText(lang i18n.Lang, from db.Status, de *db.Error) string {
	if len(de.Allowed) == 0 {
		return lang.T("ticket.err.final")
	}
	allowed := make([]string, len(de.Allowed))
	for i, s := range de.Allowed {
		allowed[i] = labelOr(lang, "status."+s, s)
	}
	return lang.T("ticket.err.move", labelOr(lang, "status."+string(from), string(from)), strings.Join(allowed, ", "))
}

// refuseChange renders the workspace, read afresh, with status, the
// problem in words, and the details form as it was sent (nil: as it is).
func (h *Handler) refuseChange(c *fiber.Ctx, id int64, status int, problem string, sent *agent.TicketDetails) error {
	t, err := h.DB.Ticket(c.UserContext(), id, true)
	if err != nil {
		return err
	}
	return h.renderTicket(c, status, t, func(v *agent.Ticket) {
		v.Problem = problem
		if sent == nil {
			return
		}
		keepSent(&v.Details.Assignee, sent.Assignee)
		keepSent(&v.Details.Priority, sent.Priority)
		keepSent(&v.Details.Category, sent.Category)
		v.Details.Errors = sent.Errors
	})
}

// keepSent sets *field to the value the form sent, when it sent one.
func keepSent(field *string, sent string) {
	if sent != "" {
		*field = sent
	}
}
