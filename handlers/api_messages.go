package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
)

// listMessages handles GET /api/support-tickets/{id}/messages: the thread,
// oldest first; requesters never see internal notes.
func (h *Handler) listMessages(c *fiber.Ctx) error {
	id, err := TicketID(c, "id")
	if err != nil {
		return err
	}
	if _, err := h.DB.Ticket(c.UserContext(), id, false); err != nil {
		return err
	}
	msgs, err := h.DB.Messages(c.UserContext(), id, PrincipalOf(c).IsAgent())
	if err != nil {
		return err
	}
	for i := range msgs {
		for j := range msgs[i].Attachments {
			msgs[i].Attachments[j] = h.PresentAttachment(msgs[i].Attachments[j])
		}
	}
	return c.JSON(msgs)
}

// postMessage handles POST /api/support-tickets/{id}/messages, JSON
// {"body", "internal"} or multipart with the same fields and file parts
// named "attachments". Only agents may write internal notes.
func (h *Handler) postMessage(c *fiber.Ctx) error {
	id, err := TicketID(c, "id")
	if err != nil {
		return err
	}
	var in db.NewMessage
	var form *MultipartForm
	switch mt, _ := MediaType(c); mt {
	case "application/json":
		obj, err := ReadJSONObject(c)
		if err != nil {
			return err
		}
		f := JSONFields{Object: obj}
		in.Body = f.String("body")
		if raw, ok := obj["internal"]; ok {
			switch string(raw) {
			case "true":
				in.Internal = true
			case "false", "null":
			default:
				f.Invalid.Add("internal", "must be true or false")
			}
		}
		if err := f.Invalid.Err(); err != nil {
			return err
		}
	case "multipart/form-data":
		if form, err = h.ReadMultipart(c, "attachments", h.Config.MaxFiles); err != nil {
			return err
		}
		in.Body = form.Values["body"]
		switch strings.ToLower(strings.TrimSpace(form.Values["internal"])) {
		case "", "false", "0", "off":
		case "true", "1", "on":
			in.Internal = true
		default:
			form.Discard()
			return &db.Error{Code: db.EINVALID, Message: "Some fields are not valid.",
				Fields: []db.FieldError{{Field: "internal", Message: "must be true or false"}}}
		}
		in.Attachments = form.Attachments()
	default:
		return db.Errorf(db.EUNSUPPORTED, "send application/json or multipart/form-data")
	}
	m, err := h.StoreMessage(c, id, in, form)
	if err != nil {
		return err
	}
	for j := range m.Attachments {
		m.Attachments[j] = h.PresentAttachment(m.Attachments[j])
	}
	return c.Status(fiber.StatusCreated).JSON(m)
}

// storeMessage adds a message with its received files, all or nothing, as
// the caller: an agent, or the ticket's requester under their own name.
func (h *Handler) StoreMessage(c *fiber.Ctx, ticketID int64, in db.NewMessage, form *MultipartForm) (db.Message, error) {
	p := PrincipalOf(c)
	actor := p.Actor
	if !p.IsAgent() {
		if in.Internal {
			form.Discard()
			return db.Message{}, db.Errorf(db.EFORBIDDEN, "only agents write internal notes")
		}
		t, err := h.DB.Ticket(c.UserContext(), ticketID, false)
		if err != nil {
			form.Discard()
			return db.Message{}, err
		}
		actor = db.Actor{Type: "requester", Name: t.FullName}
	}
	if err := form.Keep(); err != nil {
		return db.Message{}, err
	}
	m, err := h.DB.AddMessage(c.UserContext(), ticketID, in, actor, h.Config.MaxFiles)
	if err != nil {
		form.Discard()
	} else if !in.Internal {
		h.Presence.Posted(ticketID, m.ID, AuthorOf(m)) // the open pages' early warning
	}
	return m, err
}
