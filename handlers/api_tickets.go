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
	var form *multipartForm
	switch mt, _ := mediaType(c); mt {
	case "application/json":
		var err error
		if in, err = decodeTicketJSON(c, h.cfg.MaxFiles); err != nil {
			return err
		}
	case "multipart/form-data":
		var err error
		if form, err = h.readMultipart(c, "attachments", h.cfg.MaxFiles); err != nil {
			return err
		}
		in = newTicketFrom(func(k string) string { return form.Values[k] })
		in.Attachments = form.Attachments()
	default:
		return db.Errorf(db.EUNSUPPORTED, "send application/json or multipart/form-data")
	}
	// The ticket's language, for the emails its requester gets: the field,
	// else the caller's Accept-Language (CONTRACT §5).
	in.Language = string(i18n.Match(in.Language, c.Get(fiber.HeaderAcceptLanguage)))
	t, token, err := h.storeTicket(c, in, form)
	if err != nil {
		return err
	}
	c.Location("/api/support-tickets/" + strconv.FormatInt(t.ID, 10))
	return c.Status(fiber.StatusCreated).JSON(createdTicket{
		Ticket: h.present(t), AccessToken: token, TrackingURL: h.trackingURL(token),
	})
}

// storeTicket stores a validated ticket with its received files, all or
// nothing: files are moved into place before the commit and removed again
// if it fails; a crash in between leaves orphans the next start sweeps.
func (h *Handler) storeTicket(c *fiber.Ctx, in db.NewTicket, form *multipartForm) (db.Ticket, string, error) {
	actor := db.Actor{Type: "requester", Name: strings.TrimSpace(in.FullName)}
	if p := principal(c); p.IsAgent() {
		actor = p.Actor
	}
	if err := form.Keep(); err != nil {
		return db.Ticket{}, "", err
	}
	t, token, err := h.db.CreateTicket(c.UserContext(), in, actor)
	if err != nil {
		form.Discard()
	}
	return t, token, err
}

func (h *Handler) trackingURL(token string) string {
	return strings.TrimRight(h.cfg.BaseURL, "/") + "/track/" + token
}

// present makes a ticket's stored-file URLs absolute.
func (h *Handler) present(t db.Ticket) db.Ticket {
	for i := range t.Attachments {
		t.Attachments[i] = h.presentAttachment(t.Attachments[i])
	}
	return t
}

func (h *Handler) presentAttachment(a db.Attachment) db.Attachment {
	if a.StorageName != "" {
		a.FileURL = strings.TrimRight(h.cfg.BaseURL, "/") + a.FileURL
	}
	return a
}

// ticketID parses a numeric id route parameter (:id, :attachmentId). Ids
// are written one way only, as positive decimal integers without a sign or
// leading zeros ("12", never "+12" or "012", which strconv takes): in the
// API anything else is a malformed request (400, CONTRACT §3); a page
// address that names nothing is simply not found.
func ticketID(c *fiber.Ctx, param string) (int64, error) {
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
	id, err := ticketID(c, "id")
	if err != nil {
		return err
	}
	agent := principal(c).IsAgent()
	t, err := h.db.Ticket(c.UserContext(), id, agent)
	if err != nil {
		return err
	}
	if !agent {
		// Tags are the desk's own labels ("angry", "refund-abuse"), not
		// something to show the person they describe.
		t.Tags = []string{}
	}
	return c.JSON(h.present(t))
}

// updateTicket handles PATCH /api/support-tickets/{id}.
func (h *Handler) updateTicket(c *fiber.Ctx) error {
	id, err := ticketID(c, "id")
	if err != nil {
		return err
	}
	obj, err := readJSONObject(c)
	if err != nil {
		return err
	}
	f := jsonFields{obj: obj}
	p := db.TicketPatch{Status: f.stringPtr("status"), Category: f.stringPtr("category"), Priority: f.stringPtr("priority")}
	if raw, ok := obj["assigneeId"]; ok {
		var aid int64
		if string(raw) != "null" {
			if err := json.Unmarshal(raw, &aid); err != nil || aid <= 0 {
				f.v.Add("assigneeId", "must be an agent's id or null")
			}
		}
		p.AssigneeID = &aid
	}
	if raw, ok := obj["tags"]; ok {
		var tags []string
		if err := json.Unmarshal(raw, &tags); err != nil || tags == nil {
			f.v.Add("tags", "must be an array of strings")
		} else {
			p.Tags = &tags
		}
	}
	if p.Status == nil && p.Category == nil && p.Priority == nil && p.AssigneeID == nil && !f.has("tags") {
		f.v.Add("status", "give at least one of status, category, priority, assigneeId, tags")
	}
	if err := f.v.Err(); err != nil {
		return err
	}
	t, err := h.db.UpdateTicket(c.UserContext(), id, p, principal(c).Actor)
	if err != nil {
		return err
	}
	return c.JSON(h.present(t))
}

// deleteTicket handles DELETE /api/support-tickets/{id}: the rows first,
// then the files, so no row ever points to a missing file. It is how an
// admin makes room, so a full disk gives it the reserve (withReserve).
func (h *Handler) deleteTicket(c *fiber.Ctx) error {
	id, err := ticketID(c, "id")
	if err != nil {
		return err
	}
	var names []string
	err = h.withReserve("deleting a ticket", func() (err error) {
		names, err = h.db.DeleteTicket(c.UserContext(), id)
		return err
	})
	if err != nil {
		return err
	}
	h.files.Remove(names...)
	return c.SendStatus(fiber.StatusNoContent)
}
