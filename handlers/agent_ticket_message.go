package handlers

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/views/agent"
	"github.com/kinconecta/helpdesk/views/components"
)

// composeFields are the reply form's fields in page order.
var composeFields = []string{"internal", "body", "attachments"}

// ticketMessage handles POST /agent/tickets/{id}/messages: a public reply
// or an internal note, by the form's explicit "internal" choice, with
// files stored all or nothing through the API's own path (storeMessage).
// 303 back to the ticket; the form again with its messages and the typed
// text when refused (422, or 409 on a closed ticket).
func (h *Handler) ticketMessage(c *fiber.Ctx) error {
	t, err := h.workspaceTicket(c)
	if err != nil {
		return err
	}
	form, readErr := h.readMultipart(c, "attachments", h.cfg.MaxFiles)
	if errors.Is(readErr, errCSRF) {
		return readErr
	}
	sent := agent.TicketCompose{Body: form.Values["body"], Internal: form.Values["internal"]}
	stageMacro(c, form.Values)
	if readErr != nil {
		return h.refuseCompose(c, t, readErr, sent, true)
	}
	var internal bool
	switch sent.Internal {
	case "true":
		internal = true
	case "false":
	default:
		// No default audience: a form without the choice is refused
		// before anything is stored, its files with it.
		hadFiles := len(form.Files) > 0
		form.Discard()
		lang := pageLang(c)
		errs := components.Errors{{Field: "internal", Message: lang.T("ticket.err.audience")}}
		if strings.TrimSpace(sent.Body) == "" {
			errs = append(errs, components.FieldError{Field: "body", Message: lang.T("err.required.body")})
		}
		sent.Internal = ""
		return h.renderCompose(c, fiber.StatusUnprocessableEntity, t, sent, errs, hadFiles)
	}
	hadFiles := len(form.Files) > 0
	in := db.NewMessage{Body: sent.Body, Internal: internal, Attachments: form.Attachments()}
	if _, err := h.storeComposed(c, t.ID, in, form); err != nil {
		return h.refuseCompose(c, t, err, sent, hadFiles)
	}
	kind := "reply"
	if internal {
		kind = "note"
	}
	if err := h.putTicketNotice(c, ticketNotice{Ticket: t.ID, Kind: kind}); err != nil {
		return err
	}
	return c.Redirect(ticketBase(t.ID), fiber.StatusSeeOther)
}

// refuseCompose shows the workspace again with the form's messages: the
// input's faults beside their fields, a closed ticket as a message about
// the whole form (409). Errors that are not about the input go to the
// error page.
func (h *Handler) refuseCompose(c *fiber.Ctx, t db.Ticket, err error, sent agent.TicketCompose, hadFiles bool) error {
	lang := pageLang(c)
	if errs, status, ok := macroComposeErrors(c, lang, err); ok {
		return h.renderCompose(c, status, t, sent, errs, hadFiles)
	}
	if db.ErrorCode(err) == db.ECONFLICT {
		errs := components.Errors{{Message: lang.T("ticket.err.closed")}}
		return h.renderCompose(c, fiber.StatusConflict, t, sent, errs, hadFiles)
	}
	errs, status, ok := h.formErrors(lang, err, composeFields)
	if !ok {
		return err
	}
	return h.renderCompose(c, status, t, sent, errs, hadFiles)
}

// renderCompose renders the workspace, read afresh (the ticket may have
// been closed meanwhile), with the compose form as it was sent.
func (h *Handler) renderCompose(c *fiber.Ctx, status int, t db.Ticket, sent agent.TicketCompose, errs components.Errors, hadFiles bool) error {
	fresh, err := h.db.Ticket(c.UserContext(), t.ID, true)
	if err != nil {
		return err
	}
	return h.renderTicket(c, status, fresh, func(v *agent.Ticket) {
		v.Compose.Body, v.Compose.Internal = sent.Body, sent.Internal
		v.Compose.Errors, v.Compose.FilesNotKept = errs, hadFiles
	})
}
