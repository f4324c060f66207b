package desk

import (
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/kinconecta/helpdesk/handlers/web"
)

// ticketFile handles GET /agent/tickets/{id}/files/{attachmentId}: one of
// the ticket's files, internal notes' included, for agents. Only raster
// images (InlineTypes) are shown in place, which the previews need; PDFs
// and text always download, so nothing a requester uploaded is ever
// rendered as a document in the desk's origin. The response's own policy
// forbids script and plugins even if a browser tried. A file hosted
// elsewhere gets a page naming its site, not a redirect.
func (h *Handler) ticketFile(c *fiber.Ctx) error {
	id, err := web.TicketID(c, "id")
	if err != nil {
		return err
	}
	aid, err := web.TicketID(c, "attachmentId")
	if err != nil {
		return err
	}
	a, err := h.DB.Attachment(c.UserContext(), id, aid, true)
	if err != nil {
		return err
	}
	if a.StorageName == "" {
		return h.ExternalFilePage(c, a, "/agent/tickets/"+strconv.FormatInt(id, 10))
	}
	return h.SendAttachment(c, a, true)
}
