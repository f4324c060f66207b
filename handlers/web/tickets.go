package web

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/i18n"
)

// storeTicket stores a validated ticket with its received files, all or
// nothing: files are moved into place before the commit and removed again
// if it fails; a crash in between leaves orphans the next start sweeps.
func (h *Server) StoreTicket(c *fiber.Ctx, in db.NewTicket, form *MultipartForm) (db.Ticket, string, error) {
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

func (h *Server) TrackingURL(token string) string {
	return strings.TrimRight(h.Config.BaseURL, "/") + "/track/" + token
}

// present makes a ticket's stored-file URLs absolute.
func (h *Server) Present(t db.Ticket) db.Ticket {
	for i := range t.Attachments {
		t.Attachments[i] = h.PresentAttachment(t.Attachments[i])
	}
	return t
}

func (h *Server) PresentAttachment(a db.Attachment) db.Attachment {
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

// storeMessage adds a message with its received files, all or nothing, as
// the caller: an agent, or the ticket's requester under their own name.
func (h *Server) StoreMessage(c *fiber.Ctx, ticketID int64, in db.NewMessage, form *MultipartForm) (db.Message, error) {
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

// ticketFields are the create fields shared by JSON bodies, multipart bodies
// and the support form, so every way in goes through one validation.
var ticketFields = []string{"roleContext", "fullName", "email", "subject", "category", "message", "status", "language"}

// newTicketFrom builds a NewTicket from field values by name.
func NewTicketFrom(get func(string) string) db.NewTicket {
	return db.NewTicket{
		RoleContext: get("roleContext"), FullName: get("fullName"), Email: get("email"),
		Subject: get("subject"), Category: get("category"), Message: get("message"),
		Status: get("status"), Language: get("language"),
	}
}

func CategoryLabel(t db.Ticket, lang i18n.Lang) string {
	return db.Category{Name: t.Category, NameES: t.CategoryES}.Label(string(lang))
}
