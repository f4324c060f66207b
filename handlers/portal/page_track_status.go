package portal

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
)

// trackResolution handles the resolved ticket's two buttons: POST
// /track/{token}/close ("this solved it") and /reopen ("still a
// problem"). Only a resolved ticket asks the question; pressing a button
// twice (a double click, a resent form) lands on the page unchanged. The
// page then says what happened: the browser shows the last answer only,
// so the second press confirms it too.
func (h *Handler) trackResolution(to db.Status) fiber.Handler {
	sent := sentReopened
	if to == db.StatusClosed {
		sent = sentClosed
	}
	return func(c *fiber.Ctx) error {
		tt, err := h.trackedTicket(c)
		if err != nil {
			return err
		}
		switch tt.ticket.Status {
		case to:
			return c.Redirect(tt.sentTo(sent), fiber.StatusSeeOther)
		case db.StatusResolved:
		default:
			return &db.Error{Code: db.ECONFLICT, Message: "only a resolved ticket can be confirmed or reopened",
				Allowed: []string{}}
		}
		status := string(to)
		_, err = h.DB.UpdateTicket(c.UserContext(), tt.ticket.ID, db.TicketPatch{Status: &status},
			db.Actor{Type: "requester", Name: tt.ticket.FullName})
		if err != nil {
			return err
		}
		return c.Redirect(tt.sentTo(sent), fiber.StatusSeeOther)
	}
}
