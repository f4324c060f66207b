package api

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
)

// uploadAttachments handles POST /api/support-tickets/{id}/attachments:
// one or more file parts named "file", all stored or none.
func (h *Handler) uploadAttachments(c *fiber.Ctx) error {
	id, err := web.TicketID(c, "id")
	if err != nil {
		return err
	}
	form, err := h.ReadMultipart(c, "file", h.Config.MaxFiles)
	if err != nil {
		return err
	}
	if len(form.Files) == 0 {
		return &db.Error{Code: db.EINVALID, Message: "send at least one file part named \"file\"",
			Fields: []db.FieldError{{Field: "file", Message: "is required"}}}
	}
	if err := form.Keep(); err != nil {
		return err
	}
	atts, err := h.DB.AddAttachments(c.UserContext(), id, form.Attachments(), h.Config.MaxFiles)
	if err != nil {
		form.Discard()
		return err
	}
	for i := range atts {
		atts[i] = h.PresentAttachment(atts[i])
	}
	return c.Status(fiber.StatusCreated).JSON(atts)
}

// listAttachments handles GET /api/support-tickets/{id}/attachments.
func (h *Handler) listAttachments(c *fiber.Ctx) error {
	id, err := web.TicketID(c, "id")
	if err != nil {
		return err
	}
	atts, err := h.DB.Attachments(c.UserContext(), id, web.PrincipalOf(c).IsAgent())
	if err != nil {
		return err
	}
	for i := range atts {
		atts[i] = h.PresentAttachment(atts[i])
	}
	return c.JSON(atts)
}

// downloadAttachment serves a stored file's bytes, always as a download.
// A reference has no bytes here: 409 naming where it is hosted.
func (h *Handler) downloadAttachment(c *fiber.Ctx) error {
	a, err := h.attachmentParam(c)
	if err != nil {
		return err
	}
	return h.SendAttachment(c, a, false)
}

// deleteAttachment handles DELETE /api/support-tickets/{id}/attachments/{attachmentId}.
// Like deleteTicket it makes room, so a full disk gives it the reserve.
func (h *Handler) deleteAttachment(c *fiber.Ctx) error {
	a, err := h.attachmentParam(c)
	if err != nil {
		return err
	}
	var name string
	err = h.WithReserve("deleting a file", func() (err error) {
		name, err = h.DB.DeleteAttachment(c.UserContext(), a.TicketID, a.ID)
		return err
	})
	if err != nil {
		return err
	}
	h.Files.Remove(name)
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handler) attachmentParam(c *fiber.Ctx) (db.Attachment, error) {
	tid, err := web.TicketID(c, "id")
	if err != nil {
		return db.Attachment{}, err
	}
	aid, err := web.TicketID(c, "attachmentId")
	if err != nil {
		return db.Attachment{}, err
	}
	return h.DB.Attachment(c.UserContext(), tid, aid, web.PrincipalOf(c).IsAgent())
}
