package handlers

import (
	"github.com/gofiber/fiber/v2"
)

// ticketFile handles GET /agent/tickets/{id}/files/{attachmentId}: one of
// the ticket's files, internal notes' included, for agents. Only raster
// images (inlineTypes) are shown in place, which the previews need; PDFs
// and text always download, so nothing a requester uploaded is ever
// rendered as a document in the desk's origin. The response's own policy
// forbids script and plugins even if a browser tried.
func (h *Handler) ticketFile(c *fiber.Ctx) error {
	id, err := ticketID(c, "id")
	if err != nil {
		return err
	}
	aid, err := ticketID(c, "attachmentId")
	if err != nil {
		return err
	}
	a, err := h.db.Attachment(c.UserContext(), id, aid, true)
	if err != nil {
		return err
	}
	if a.StorageName == "" {
		return c.Redirect(a.FileURL, fiber.StatusFound)
	}
	f, err := h.files.Open(a.StorageName)
	if err != nil {
		return err
	}
	disposition := "attachment"
	if inlineTypes[a.MimeType] {
		disposition = "inline"
	}
	c.Set(fiber.HeaderContentType, a.MimeType)
	c.Set(fiber.HeaderContentDisposition, contentDisposition(disposition, a.FileName))
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; sandbox")
	return c.SendStream(f, int(a.FileSize))
}
