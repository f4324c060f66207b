package desk

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
	"github.com/kinconecta/helpdesk/views/agent"
)

// ticketRoutes is a ticket's workspace and its forms.
func (h *Handler) ticketRoutes() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/agent/tickets/:id", Access: web.Agent, Limited: false, Body: web.NoBody, Handler: h.ticketPage},
		{Method: "POST", Path: "/agent/tickets/:id/messages", Access: web.Agent, Limited: false, Body: web.MultipartBody, Handler: h.ticketMessage},
		{Method: "POST", Path: "/agent/tickets/:id/status", Access: web.Agent, Limited: false, Body: web.FormBody, Handler: h.ticketStatus},
		{Method: "POST", Path: "/agent/tickets/:id/details", Access: web.Agent, Limited: false, Body: web.FormBody, Handler: h.ticketDetails},
		{Method: "GET", Path: "/agent/tickets/:id/messages", Access: web.Agent, Limited: false, Body: web.NoBody, Handler: h.ticketFormAddress("#compose")},
		{Method: "GET", Path: "/agent/tickets/:id/status", Access: web.Agent, Limited: false, Body: web.NoBody, Handler: h.ticketFormAddress("")},
		{Method: "GET", Path: "/agent/tickets/:id/details", Access: web.Agent, Limited: false, Body: web.NoBody, Handler: h.ticketFormAddress("")},
		{Method: "GET", Path: "/agent/tickets/:id/files/:attachmentId", Access: web.Agent, Limited: false, Body: web.NoBody, Handler: h.ticketFile},
	}
}

// ticketPage handles GET /agent/tickets/{id}.
func (h *Handler) ticketPage(c *fiber.Ctx) error {
	t, err := h.workspaceTicket(c)
	if err != nil {
		return err
	}
	notice, err := h.takeTicketNotice(c, t.ID)
	if err != nil {
		return err
	}
	return h.renderTicket(c, fiber.StatusOK, t, func(v *agent.Ticket) { v.Notice = notice })
}

// ticketFormAddress handles GET on a form's address. A refused form sent
// without a script is shown at the address it posted to; reloading it,
// or coming back to it, asks for that address with GET, which leads back
// to the workspace (at anchor) rather than to a 405.
func (h *Handler) ticketFormAddress(anchor string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, err := h.workspaceTicket(c)
		if err != nil {
			return err
		}
		return c.Redirect(ticketBase(t.ID)+anchor, fiber.StatusSeeOther)
	}
}

// workspaceTicket is the ticket the address names, with every file,
// internal notes' included: only agents reach these routes.
func (h *Handler) workspaceTicket(c *fiber.Ctx) (db.Ticket, error) {
	id, err := web.TicketID(c, "id")
	if err != nil {
		return db.Ticket{}, err
	}
	return h.DB.Ticket(c.UserContext(), id, true)
}

// renderTicket renders the workspace of t; adjust fills what a particular
// answer adds (a notice, a refused form as it was sent).
func (h *Handler) renderTicket(c *fiber.Ctx, status int, t db.Ticket, adjust func(*agent.Ticket)) error {
	v, err := h.ticketView(c, t)
	if err != nil {
		return err
	}
	if v.Macros, err = h.macroPicker(c, t); err != nil {
		return err
	}
	if adjust != nil {
		adjust(&v)
	}
	return web.Render(c, status, agent.TicketPage(v))
}

// ticketBase is the workspace's address, where its forms post and return.
func ticketBase(id int64) string { return "/agent/tickets/" + strconv.FormatInt(id, 10) }
