package api

import (
	"encoding/json"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
	"github.com/kinconecta/helpdesk/i18n"
)

// createdTicket is the create answer: the ticket plus the requester's
// credentials, shown this once.
type createdTicket struct {
	db.Ticket
	AccessToken string `json:"accessToken"`
	TrackingURL string `json:"trackingUrl"`
}

// createTicket handles POST /api/support-tickets, JSON or multipart.
func (h *Handler) createTicket(c *fiber.Ctx) error {
	var in db.NewTicket
	var form *web.MultipartForm
	switch mt, _ := web.MediaType(c); mt {
	case "application/json":
		var err error
		if in, err = decodeTicketJSON(c, h.Config.MaxFiles); err != nil {
			return err
		}
	case "multipart/form-data":
		var err error
		if form, err = h.ReadMultipart(c, "attachments", h.Config.MaxFiles); err != nil {
			return err
		}
		in = web.NewTicketFrom(func(k string) string { return form.Values[k] })
		in.Attachments = form.Attachments()
	default:
		return db.Errorf(db.EUNSUPPORTED, "send application/json or multipart/form-data")
	}
	// The ticket's language, for the emails its requester gets: the field,
	// else the caller's Accept-Language (CONTRACT §5).
	in.Language = string(i18n.Match(in.Language, c.Get(fiber.HeaderAcceptLanguage)))
	t, token, err := h.StoreTicket(c, in, form)
	if err != nil {
		return err
	}
	c.Location("/api/support-tickets/" + strconv.FormatInt(t.ID, 10))
	return c.Status(fiber.StatusCreated).JSON(createdTicket{
		Ticket: h.Present(t), AccessToken: token, TrackingURL: h.TrackingURL(token),
	})
}

// getTicket handles GET /api/support-tickets/{id}.
func (h *Handler) getTicket(c *fiber.Ctx) error {
	id, err := web.TicketID(c, "id")
	if err != nil {
		return err
	}
	agent := web.PrincipalOf(c).IsAgent()
	t, err := h.DB.Ticket(c.UserContext(), id, agent)
	if err != nil {
		return err
	}
	if !agent {
		// Tags are the desk's own labels ("angry", "refund-abuse"), not
		// something to show the person they describe.
		t.Tags = []string{}
	}
	return c.JSON(h.Present(t))
}

// updateTicket handles PATCH /api/support-tickets/{id}.
func (h *Handler) updateTicket(c *fiber.Ctx) error {
	id, err := web.TicketID(c, "id")
	if err != nil {
		return err
	}
	obj, err := web.ReadJSONObject(c)
	if err != nil {
		return err
	}
	f := web.JSONFields{Object: obj}
	p := db.TicketPatch{Status: f.StringPtr("status"), Category: f.StringPtr("category"), Priority: f.StringPtr("priority")}
	if raw, ok := obj["assigneeId"]; ok {
		var aid int64
		if string(raw) != "null" {
			if err := json.Unmarshal(raw, &aid); err != nil || aid <= 0 {
				f.Invalid.Add("assigneeId", "must be an agent's id or null")
			}
		}
		p.AssigneeID = &aid
	}
	if raw, ok := obj["tags"]; ok {
		var tags []string
		if err := json.Unmarshal(raw, &tags); err != nil || tags == nil {
			f.Invalid.Add("tags", "must be an array of strings")
		} else {
			p.Tags = &tags
		}
	}
	if p.Status == nil && p.Category == nil && p.Priority == nil && p.AssigneeID == nil && !f.Has("tags") {
		f.Invalid.Add("status", "give at least one of status, category, priority, assigneeId, tags")
	}
	if err := f.Invalid.Err(); err != nil {
		return err
	}
	t, err := h.DB.UpdateTicket(c.UserContext(), id, p, web.PrincipalOf(c).Actor)
	if err != nil {
		return err
	}
	return c.JSON(h.Present(t))
}

// deleteTicket handles DELETE /api/support-tickets/{id}: the rows first,
// then the files, so no row ever points to a missing file. It is how an
// admin makes room, so a full disk gives it the reserve (withReserve).
func (h *Handler) deleteTicket(c *fiber.Ctx) error {
	id, err := web.TicketID(c, "id")
	if err != nil {
		return err
	}
	var names []string
	err = h.WithReserve("deleting a ticket", func() (err error) {
		names, err = h.DB.DeleteTicket(c.UserContext(), id)
		return err
	})
	if err != nil {
		return err
	}
	h.Files.Remove(names...)
	return c.SendStatus(fiber.StatusNoContent)
}
