package api

import (
	"github.com/kinconecta/helpdesk/handlers/web"
)

// Handler serves the JSON API over the shared server.
type Handler struct {
	*web.Server
}

// New returns the API's handlers over s.
func New(s *web.Server) *Handler { return &Handler{Server: s} }

// Routes is the JSON API's route list, each route with who may call it.
func (h *Handler) Routes() []web.Route {
	return append(h.ticketRoutes(), h.macroAPIRoutes()...)
}

// ticketRoutes is the probes, the OpenAPI document, and tickets with
// their files, messages and merging.
func (h *Handler) ticketRoutes() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/healthz", Access: web.Anyone, Limited: false, Body: web.NoBody, Handler: h.healthz},
		{Method: "GET", Path: "/readyz", Access: web.Anyone, Limited: false, Body: web.NoBody, Handler: h.readyz},
		{Method: "GET", Path: "/api/openapi.json", Access: web.Anyone, Limited: false, Body: web.NoBody, Handler: h.openAPI},

		{Method: "POST", Path: "/api/support-tickets", Access: web.Anyone, Limited: true, Body: web.JSONBody | web.MultipartBody, Handler: h.createTicket},
		{Method: "GET", Path: "/api/support-tickets", Access: web.Agent, Limited: false, Body: web.NoBody, Handler: h.listTickets},
		{Method: "GET", Path: "/api/support-tickets/:id", Access: web.TicketHolder, Limited: false, Body: web.NoBody, Handler: h.getTicket},
		{Method: "PATCH", Path: "/api/support-tickets/:id", Access: web.Agent, Limited: false, Body: web.JSONBody, Handler: h.updateTicket},
		{Method: "DELETE", Path: "/api/support-tickets/:id", Access: web.Admin, Limited: false, Body: web.NoBody, Handler: h.deleteTicket},

		{Method: "POST", Path: "/api/support-tickets/:id/attachments", Access: web.TicketHolder, Limited: true, Body: web.MultipartBody, Handler: h.uploadAttachments},
		{Method: "GET", Path: "/api/support-tickets/:id/attachments", Access: web.TicketHolder, Limited: false, Body: web.NoBody, Handler: h.listAttachments},
		{Method: "GET", Path: "/api/support-tickets/:id/attachments/:attachmentId", Access: web.TicketHolder, Limited: false, Body: web.NoBody, Handler: h.downloadAttachment},
		{Method: "DELETE", Path: "/api/support-tickets/:id/attachments/:attachmentId", Access: web.Agent, Limited: false, Body: web.NoBody, Handler: h.deleteAttachment},

		{Method: "GET", Path: "/api/support-tickets/:id/messages", Access: web.TicketHolder, Limited: false, Body: web.NoBody, Handler: h.listMessages},
		{Method: "POST", Path: "/api/support-tickets/:id/messages", Access: web.TicketHolder, Limited: true, Body: web.JSONBody | web.MultipartBody, Handler: h.postMessage},
		{Method: "POST", Path: "/api/support-tickets/:id/merge", Access: web.Agent, Limited: false, Body: web.JSONBody, Handler: h.mergeTicket},
	}
}
