package desk

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
	"github.com/kinconecta/helpdesk/internal/richtext"
	"github.com/kinconecta/helpdesk/views/agent"
)

// composeView fills what the composer needs beyond the form's fields: the
// newest message shown (for the send guard), the statuses "send and…"
// offers, the agent's signature, the drafts' key and who else is here.
func (h *Handler) composeView(c *fiber.Ctx, t db.Ticket, msgs []db.Message, v *agent.Ticket) error {
	p := web.PrincipalOf(c)
	if len(msgs) > 0 {
		v.Compose.Seen = msgs[len(msgs)-1].ID
	}
	for _, m := range v.Moves {
		if m.Value != string(db.StatusClosed) {
			v.Compose.Then = append(v.Compose.Then, m)
		}
	}
	v.Compose.DraftKey = "draft:" + strconv.FormatInt(t.ID, 10) + ":" + strconv.FormatInt(p.Actor.ID, 10)
	if p.User.ID != 0 {
		prof, err := h.DB.Profile(c.UserContext(), p.User.ID)
		if err != nil {
			return err
		}
		v.Compose.Signature = prof.Signature
	}
	st := h.Presence.State(&web.PresenceWatch{Ticket: t.ID, Agent: presenceAgentOf(p)})
	v.Compose.Viewers = viewersOf(st)
	return nil
}

// composerPreview handles POST /agent/tickets/{id}/preview (body,
// internal): the text as it will be shown, through the same renderer as
// the page and the email, the signature below a public reply. It answers
// an HTML fragment for the composer's preview.
func (h *Handler) composerPreview(c *fiber.Ctx) error {
	if _, err := h.workspaceTicket(c); err != nil {
		return err
	}
	body := web.FormValue(c, "body")
	if len(body) > 4*db.MaxMessageLen {
		return db.Errorf(db.EINVALID, "body is too long")
	}
	if web.FormValue(c, "internal") != "true" {
		if id := web.PrincipalOf(c).User.ID; id != 0 {
			p, err := h.DB.Profile(c.UserContext(), id)
			if err != nil {
				return err
			}
			body = withSignature(body, p.Signature)
		}
	}
	c.Type("html")
	return c.SendString(string(richtext.HTML(body)))
}
