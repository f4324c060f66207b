package api

import (
	"encoding/json"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
)

// mergeTicket handles POST /api/support-tickets/{id}/merge with
// {"into": TARGET} (CONTRACT §6): ticket id's conversation moves to
// TARGET, and id is closed with mergedInto TARGET. It answers 200 with
// TARGET. Refusals, each with nothing changed: 400 for a malformed id,
// 422 when "into" is missing, not a positive integer or id itself, 404 for
// an unknown ticket, 409 for tickets of different requesters, a source
// already closed or merged, a closed target, or more than 20 tags together.
func (h *Handler) mergeTicket(c *fiber.Ctx) error {
	id, err := web.TicketID(c, "id")
	if err != nil {
		return err
	}
	obj, err := web.ReadJSONObject(c)
	if err != nil {
		return err
	}
	into, err := mergeInto(obj)
	if err != nil {
		return err
	}
	t, err := h.DB.MergeTicket(c.UserContext(), id, into, web.PrincipalOf(c).Actor)
	if err != nil {
		return err
	}
	return c.JSON(h.Present(t))
}

// mergeInto reads the body's "into": a positive integer, the target's id.
func mergeInto(obj map[string]json.RawMessage) (int64, error) {
	var v db.Invalid
	raw, ok := obj["into"]
	var into int64
	switch {
	case !ok || string(raw) == "null":
		v.Add("into", "is required: the id of the ticket to merge into")
	case json.Unmarshal(raw, &into) != nil || into <= 0:
		v.Add("into", "must be a ticket id (a positive integer)")
	}
	return into, v.Err()
}
