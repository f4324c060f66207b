package api

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
)

// listMessages handles GET /api/support-tickets/{id}/messages: the thread,
// oldest first; requesters never see internal notes.
func (h *Handler) listMessages(c *fiber.Ctx) error {
	id, err := web.TicketID(c, "id")
	if err != nil {
		return err
	}
	if _, err := h.DB.Ticket(c.UserContext(), id, false); err != nil {
		return err
	}
	msgs, err := h.DB.Messages(c.UserContext(), id, web.PrincipalOf(c).IsAgent())
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
	id, err := web.TicketID(c, "id")
	if err != nil {
		return err
	}
	var in db.NewMessage
	var form *web.MultipartForm
	switch mt, _ := web.MediaType(c); mt {
	case "application/json":
		obj, err := web.ReadJSONObject(c)
		if err != nil {
			return err
		}
		f := web.JSONFields{Object: obj}
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
