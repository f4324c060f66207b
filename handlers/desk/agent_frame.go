package desk

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/handlers/web"
	"github.com/kinconecta/helpdesk/views/agent"
)

// frameMeta describes a desk page to agent.Frame: its title (already in the
// page's language), its section, and who is signed in. Desk pages are
// private: no search engine, no shared cache.
func (h *Handler) frameMeta(c *fiber.Ctx, title string, nav agent.Nav) agent.FrameMeta {
	p := web.PrincipalOf(c)
	meta := web.PageMeta(c, title)
	meta.Private, meta.Wide = true, true
	c.Set(fiber.HeaderCacheControl, "no-store")
	m := agent.FrameMeta{Meta: meta, CSRF: h.CSRFToken(c), Active: nav}
	if p != nil {
		m.UserName, m.IsAdmin = p.Actor.Name, p.Role == "admin"
	}
	return m
}
