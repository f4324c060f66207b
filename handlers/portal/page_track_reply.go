package portal

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
	"github.com/kinconecta/helpdesk/views/pages"
)

// replyFields are the reply form's fields in page order.
var replyFields = []string{"body", "attachments"}

// trackReply handles POST /track/{token}/reply: the requester's message,
// with files, stored all or nothing; 303 back to the page, which confirms
// it, or the page again with the form's messages and what was typed.
func (h *Handler) trackReply(c *fiber.Ctx) error {
	tt, err := h.trackedTicket(c)
	if err != nil {
		return err
	}
	form, readErr := h.ReadMultipart(c, "attachments", h.Config.MaxFiles)
	if errors.Is(readErr, web.ErrCSRF) {
		return readErr
	}
	if readErr != nil {
		return h.refuseReply(c, tt, readErr, form.Values["body"], true)
	}
	if err := form.Keep(); err != nil {
		form.Discard()
		return err
	}
	_, err = h.DB.AddMessage(c.UserContext(), tt.ticket.ID,
		db.NewMessage{Body: form.Values["body"], Attachments: form.Attachments()},
		db.Actor{Type: "requester", Name: tt.ticket.FullName}, h.Config.MaxFiles)
	if err != nil {
		form.Discard()
		return h.refuseReply(c, tt, err, form.Values["body"], len(form.Files) > 0)
	}
	return c.Redirect(tt.sentTo(sentReply), fiber.StatusSeeOther)
}

// refuseReply shows the tracking page again with the reply form's
// messages, or hands errors that are not about the input to the error page.
func (h *Handler) refuseReply(c *fiber.Ctx, tt tracked, err error, body string, hadFiles bool) error {
	errs, status, ok := h.FormErrors(web.PageLang(c), err, replyFields)
	if !ok {
		return err
	}
	v, verr := h.trackView(c, tt)
	if verr != nil {
		return verr
	}
	v.Reply, v.Errors, v.FilesNotKept = body, errs, hadFiles
	return web.Render(c, status, pages.TrackPage(v))
}
