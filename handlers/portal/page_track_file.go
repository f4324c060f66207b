package portal

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/handlers/web"
)

// trackFile handles GET /track/{token}/files/{attachmentId}: one of the
// ticket's files, never one of another ticket's or of an internal note
// (those answer 404 like a file that does not exist).
func (h *Handler) trackFile(c *fiber.Ctx) error {
	tt, err := h.trackedTicket(c)
	if err != nil {
		return err
	}
	aid, err := web.TicketID(c, "attachmentId")
	if err != nil {
		return err
	}
	a, err := h.DB.Attachment(c.UserContext(), tt.ticket.ID, aid, false)
	if err != nil {
		return err
	}
	if a.StorageName == "" {
		return h.ExternalFilePage(c, a, tt.base())
	}
	return h.SendAttachment(c, a, true)
}
