package portal

import (
	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
)

// Handler serves the requester's pages over the shared server.
type Handler struct {
	*web.Server
}

// New returns the requester's pages over s.
func New(s *web.Server) *Handler { return &Handler{Server: s} }

// Routes is the requester's pages. They are public (Anyone): the tracking
// pages check the token in their address themselves, as the guard only
// knows bearer tokens and numeric ids.
func (h *Handler) Routes() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/", Access: web.Anyone, Limited: false, Body: web.NoBody, Handler: h.supportFormPage},
		{Method: "POST", Path: "/", Access: web.Anyone, Limited: true, Body: web.MultipartBody, Handler: h.submitSupportForm},
		{Method: "GET", Path: "/track/:token", Access: web.Anyone, Limited: false, Body: web.NoBody, Handler: h.trackPage},
		{Method: "POST", Path: "/track/:token/reply", Access: web.Anyone, Limited: true, Body: web.MultipartBody, Handler: h.trackReply},
		{Method: "GET", Path: "/track/:token/reply", Access: web.Anyone, Limited: false, Body: web.NoBody, Handler: h.trackReplyForm},
		{Method: "POST", Path: "/track/:token/close", Access: web.Anyone, Limited: false, Body: web.FormBody, Handler: h.trackResolution(db.StatusClosed)},
		{Method: "POST", Path: "/track/:token/reopen", Access: web.Anyone, Limited: false, Body: web.FormBody, Handler: h.trackResolution(db.StatusOpen)},
		{Method: "GET", Path: "/track/:token/files/:attachmentId", Access: web.Anyone, Limited: false, Body: web.NoBody, Handler: h.trackFile},
	}
}
