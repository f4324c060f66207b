package handlers

import (
	"github.com/gofiber/fiber/v2"
)

// inlineTypes are the raster image types a browser may show in place:
// they cannot carry script. Everything else (PDF, text) is a download.
var inlineTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true}

// trackFile handles GET /track/{token}/files/{attachmentId}: one of the
// ticket's files, never one of another ticket's or of an internal note
// (those answer 404 like a file that does not exist).
func (h *Handler) trackFile(c *fiber.Ctx) error {
	tt, err := h.trackedTicket(c)
	if err != nil {
		return err
	}
	aid, err := ticketID(c, "attachmentId")
	if err != nil {
		return err
	}
	a, err := h.db.Attachment(c.UserContext(), tt.ticket.ID, aid, false)
	if err != nil {
		return err
	}
	return h.sendAttachment(c, a, true)
}
