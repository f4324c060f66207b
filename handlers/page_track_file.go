package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/views/pages"
)

// InlineTypes are the raster image types a browser may show in place:
// they cannot carry script. Everything else (PDF, text) is a download.
var InlineTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true}

// trackFile handles GET /track/{token}/files/{attachmentId}: one of the
// ticket's files, never one of another ticket's or of an internal note
// (those answer 404 like a file that does not exist).
func (h *Handler) trackFile(c *fiber.Ctx) error {
	tt, err := h.trackedTicket(c)
	if err != nil {
		return err
	}
	aid, err := TicketID(c, "attachmentId")
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

// externalFilePage answers one of our file addresses that names a file
// hosted elsewhere: a page that says which site the link leads to, never
// a redirect there (our origin would vouch for any address a ticket's
// creator chose). back is the page the file belongs to.
func (h *Handler) ExternalFilePage(c *fiber.Ctx, a db.Attachment, back string) error {
	lang := PageLang(c)
	return Render(c, fiber.StatusOK, pages.ExternalFilePage(pages.ExternalFile{
		Meta: PageMeta(c, lang.T("external.title")), Name: a.FileName, URL: a.FileURL, Back: back,
	}))
}
