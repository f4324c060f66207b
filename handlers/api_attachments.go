package handlers

import (
	"mime"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
)

// uploadAttachments handles POST /api/support-tickets/{id}/attachments:
// one or more file parts named "file", all stored or none.
func (h *Handler) uploadAttachments(c *fiber.Ctx) error {
	id, err := TicketID(c, "id")
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
	id, err := TicketID(c, "id")
	if err != nil {
		return err
	}
	atts, err := h.DB.Attachments(c.UserContext(), id, PrincipalOf(c).IsAgent())
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

// referenceConflict answers a request for the bytes of a file hosted
// elsewhere. It is no redirect: a 302 from our origin to an address any
// creator may choose makes every file link of ours an open redirect,
// which lends our name to phishing. A client has the address in the
// attachment's fileUrl already; the detail names it for a person reading
// the answer.
func referenceConflict(a db.Attachment) error {
	return db.Errorf(db.ECONFLICT, "%q is not stored here: it is a reference to a file hosted elsewhere, at %s (its fileUrl)",
		a.FileName, a.FileURL)
}

// sendAttachment serves a stored file with its sniffed type, as a
// download unless inlineImages allows a safe raster image to show in the
// page; nosniff and a sandboxing CSP keep a browser from running it. A
// reference is refused (referenceConflict), never redirected to.
func (h *Handler) SendAttachment(c *fiber.Ctx, a db.Attachment, inlineImages bool) error {
	if a.StorageName == "" {
		return referenceConflict(a)
	}
	f, err := h.Files.Open(a.StorageName)
	if err != nil {
		return err
	}
	disposition := "attachment"
	if inlineImages && InlineTypes[a.MimeType] {
		disposition = "inline"
	}
	c.Set(fiber.HeaderContentType, a.MimeType)
	c.Set(fiber.HeaderContentDisposition, contentDisposition(disposition, a.FileName))
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; sandbox")
	return c.SendStream(f, int(a.FileSize))
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
	tid, err := TicketID(c, "id")
	if err != nil {
		return db.Attachment{}, err
	}
	aid, err := TicketID(c, "attachmentId")
	if err != nil {
		return db.Attachment{}, err
	}
	return h.DB.Attachment(c.UserContext(), tid, aid, PrincipalOf(c).IsAgent())
}

// contentDisposition builds the header; mime encodes a non-ASCII name as
// RFC 2231 filename*=utf-8”..., which browsers understand.
func contentDisposition(kind, name string) string {
	if v := mime.FormatMediaType(kind, map[string]string{"filename": name}); v != "" {
		return v
	}
	return kind
}
