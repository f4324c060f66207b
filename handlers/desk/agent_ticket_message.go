package desk

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
	"github.com/kinconecta/helpdesk/views/agent"
	"github.com/kinconecta/helpdesk/views/components"
)

// composeFields are the reply form's fields in page order.
var composeFields = []string{"internal", "body", "attachments"}

// ticketMessage handles POST /agent/tickets/{id}/messages: a public reply
// (the default) or, with internal=true, an internal note; then=<status>
// also moves the ticket, in the same write ("Send and resolve"). The text
// is stored as written, marked as the composer's formatting; a public
// reply gets the agent's signature below it. seen=<id> is the newest
// message the page showed: a public message from someone else since then
// refuses the send (409) with that message shown and the text kept, so
// nobody answers twice unknowingly. Files are stored all or nothing
// through the API's own path (storeMessage). 303 back to the ticket; the
// form again with its messages and the typed text when refused (422, or
// 409 on a closed ticket or a status the workflow does not allow).
func (h *Handler) ticketMessage(c *fiber.Ctx) error {
	t, err := h.workspaceTicket(c)
	if err != nil {
		return err
	}
	form, readErr := h.ReadMultipart(c, "attachments", h.Config.MaxFiles)
	if errors.Is(readErr, web.ErrCSRF) {
		return readErr
	}
	stageMacro(c, form.Values)
	// Seen -1: the form said nothing of what its page showed.
	sent := agent.TicketCompose{Body: form.Values["body"], Internal: form.Values["internal"], Seen: -1}
	if readErr != nil {
		return h.refuseCompose(c, t, readErr, sent, true)
	}
	internal := sent.Internal == "true"
	in := db.NewMessage{Body: sent.Body, Internal: internal, Attachments: form.Attachments(), Format: db.FormatMarkdown}
	if then := form.Values["then"]; then != "" {
		st, ok := db.ParseStatus(then)
		if !ok || st == db.StatusClosed {
			// Closing takes its own confirmation (the status buttons).
			hadFiles := len(form.Files) > 0
			form.Discard()
			errs := components.Errors{{Message: web.PageLang(c).T("ticket.err.status")}}
			return h.renderCompose(c, fiber.StatusUnprocessableEntity, t, sent, errs, hadFiles)
		}
		in.Status = &st
	}
	if s := form.Values["seen"]; s != "" {
		if seen, err := strconv.ParseInt(s, 10, 64); err == nil && seen >= 0 {
			in.SeenUpTo, sent.Seen = &seen, seen
		}
	}
	me := web.PrincipalOf(c).User.ID
	if !internal && me != 0 && strings.TrimSpace(in.Body) != "" {
		p, err := h.DB.Profile(c.UserContext(), me)
		if err != nil {
			form.Discard()
			return err
		}
		in.Body = withSignature(in.Body, p.Signature)
	}
	hadFiles := len(form.Files) > 0
	if _, err := h.storeComposed(c, t.ID, in, form); err != nil {
		return h.refuseCompose(c, t, err, sent, hadFiles)
	}
	// Sent: the agent is no longer replying, whatever their page said.
	h.Presence.Typing(t.ID, presenceAgentOf(web.PrincipalOf(c)).ID, false)
	n := ticketNotice{Ticket: t.ID, Kind: "reply"}
	if internal {
		n.Kind = "note"
	}
	if in.Status != nil && *in.Status != t.Status {
		n.Value = string(*in.Status)
	}
	if err := h.putTicketNotice(c, n); err != nil {
		return err
	}
	return c.Redirect(ticketBase(t.ID), fiber.StatusSeeOther)
}

// withSignature is body with the agent's signature below it, set apart
// by a blank line, so it reads as its own paragraph on the page and in
// the email.
func withSignature(body, signature string) string {
	if strings.TrimSpace(signature) == "" {
		return body
	}
	return strings.TrimRight(body, " \t\r\n") + "\n\n" + signature
}

// refuseCompose shows the workspace again with the form's messages: the
// send guard's newer message, a closed ticket or a status move the
// workflow refuses as a message about the whole form (409), the input's
// faults beside their fields. Errors that are not about the input go to
// the error page.
func (h *Handler) refuseCompose(c *fiber.Ctx, t db.Ticket, err error, sent agent.TicketCompose, hadFiles bool) error {
	lang := web.PageLang(c)
	if errs, status, ok := macroComposeErrors(c, lang, err); ok {
		return h.renderCompose(c, status, t, sent, errs, hadFiles)
	}
	var stale *db.StaleError
	if errors.As(err, &stale) {
		return h.renderStale(c, t, sent, stale.Newer, hadFiles)
	}
	var de *db.Error
	if errors.As(err, &de) && de.Code == db.ECONFLICT {
		msg := lang.T("ticket.err.closed")
		if len(de.Allowed) > 0 {
			msg = conflictText(lang, t.Status, de)
		}
		return h.renderCompose(c, fiber.StatusConflict, t, sent, components.Errors{{Message: msg}}, hadFiles)
	}
	errs, status, ok := h.FormErrors(lang, err, composeFields)
	if !ok {
		return err
	}
	return h.renderCompose(c, status, t, sent, errs, hadFiles)
}

// renderStale is the send guard's answer: the page, read afresh, with
// the message that arrived meanwhile shown in the form, the agent's text
// kept, and the form's "seen" moved on, so "Send anyway" sends it.
func (h *Handler) renderStale(c *fiber.Ctx, t db.Ticket, sent agent.TicketCompose, newer int64, hadFiles bool) error {
	fresh, err := h.DB.Ticket(c.UserContext(), t.ID, true)
	if err != nil {
		return err
	}
	return h.renderTicket(c, fiber.StatusConflict, fresh, func(v *agent.Ticket) {
		v.Compose.Body, v.Compose.Internal, v.Compose.FilesNotKept = sent.Body, sent.Internal, hadFiles
		for _, e := range v.Thread {
			if e.ID == newer {
				v.Compose.Stale = &e
			}
		}
	})
}

// renderCompose renders the workspace, read afresh (the ticket may have
// been closed meanwhile), with the compose form as it was sent.
func (h *Handler) renderCompose(c *fiber.Ctx, status int, t db.Ticket, sent agent.TicketCompose, errs components.Errors, hadFiles bool) error {
	fresh, err := h.DB.Ticket(c.UserContext(), t.ID, true)
	if err != nil {
		return err
	}
	return h.renderTicket(c, status, fresh, func(v *agent.Ticket) {
		v.Compose.Body, v.Compose.Internal = sent.Body, sent.Internal
		v.Compose.Errors, v.Compose.FilesNotKept = errs, hadFiles
		if sent.Seen >= 0 {
			// A refusal for another reason is no reading of the thread:
			// the guard still counts from what the page showed first.
			v.Compose.Seen = sent.Seen
		}
	})
}
