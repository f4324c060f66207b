package handlers

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
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
	var form *MultipartForm
	switch mt, _ := MediaType(c); mt {
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
		in = NewTicketFrom(func(k string) string { return form.Values[k] })
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

// storeTicket stores a validated ticket with its received files, all or
// nothing: files are moved into place before the commit and removed again
// if it fails; a crash in between leaves orphans the next start sweeps.
func (h *Handler) StoreTicket(c *fiber.Ctx, in db.NewTicket, form *MultipartForm) (db.Ticket, string, error) {
	actor := db.Actor{Type: "requester", Name: strings.TrimSpace(in.FullName)}
	if p := PrincipalOf(c); p.IsAgent() {
		actor = p.Actor
	}
	if err := form.Keep(); err != nil {
		return db.Ticket{}, "", err
	}
	t, token, err := h.DB.CreateTicket(c.UserContext(), in, actor)
	if err != nil {
		form.Discard()
	}
	return t, token, err
}

func (h *Handler) TrackingURL(token string) string {
	return strings.TrimRight(h.Config.BaseURL, "/") + "/track/" + token
}

// present makes a ticket's stored-file URLs absolute.
func (h *Handler) Present(t db.Ticket) db.Ticket {
	for i := range t.Attachments {
		t.Attachments[i] = h.PresentAttachment(t.Attachments[i])
	}
	return t
}

func (h *Handler) PresentAttachment(a db.Attachment) db.Attachment {
	if a.StorageName != "" {
		a.FileURL = strings.TrimRight(h.Config.BaseURL, "/") + a.FileURL
	}
	return a
}

// ticketID parses a numeric id route parameter (:id, :attachmentId). Ids
// are written one way only, as positive decimal integers without a sign or
// leading zeros ("12", never "+12" or "012", which strconv takes): in the
// API anything else is a malformed request (400, CONTRACT §3); a page
// address that names nothing is simply not found.
func TicketID(c *fiber.Ctx, param string) (int64, error) {
	s := c.Params(param)
	id, err := strconv.ParseInt(s, 10, 64)
	switch {
	case err == nil && id > 0 && s == strconv.FormatInt(id, 10):
		return id, nil
	case !strings.HasPrefix(c.Route().Path, "/api/"):
		return 0, db.Errorf(db.ENOTFOUND, "not found")
	}
	return 0, &db.Error{Code: db.EBADREQUEST, Message: "malformed id: want a positive integer",
		Fields: []db.FieldError{{Field: param, Message: "must be a positive integer"}}}
}

// getTicket handles GET /api/support-tickets/{id}.
func (h *Handler) getTicket(c *fiber.Ctx) error {
	id, err := TicketID(c, "id")
	if err != nil {
		return err
	}
	agent := PrincipalOf(c).IsAgent()
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
	id, err := TicketID(c, "id")
	if err != nil {
		return err
	}
	obj, err := ReadJSONObject(c)
	if err != nil {
		return err
	}
	f := JSONFields{Object: obj}
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
	t, err := h.DB.UpdateTicket(c.UserContext(), id, p, PrincipalOf(c).Actor)
	if err != nil {
		return err
	}
	return c.JSON(h.Present(t))
}

// deleteTicket handles DELETE /api/support-tickets/{id}: the rows first,
// then the files, so no row ever points to a missing file. It is how an
// admin makes room, so a full disk gives it the reserve (withReserve).
func (h *Handler) deleteTicket(c *fiber.Ctx) error {
	id, err := TicketID(c, "id")
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
