package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
)

// usePageMiddleware installs what the pages need around every request:
// the page language, and the private-page headers of the tracking pages,
// whose address is the requester's key. (Security headers come earlier,
// in New, so refusals carry them too.)
func (h *Handler) usePageMiddleware(app *fiber.App) {
	app.Use(h.PageLanguage)
	app.Use("/track", web.PrivatePage)
}

// pageRoutes is the people-facing pages. Pages are public (Anyone): the
// tracking pages check the token in their address themselves, as guard
// only knows bearer tokens and numeric ids.
func (h *Handler) pageRoutes() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/", Access: web.Anyone, Limited: false, Body: web.NoBody, Handler: h.supportFormPage},
		{Method: "POST", Path: "/", Access: web.Anyone, Limited: true, Body: web.MultipartBody, Handler: h.submitSupportForm},
		{Method: "GET", Path: "/track/:token", Access: web.Anyone, Limited: false, Body: web.NoBody, Handler: h.trackPage},
		{Method: "POST", Path: "/track/:token/reply", Access: web.Anyone, Limited: true, Body: web.MultipartBody, Handler: h.trackReply},
		{Method: "GET", Path: "/track/:token/reply", Access: web.Anyone, Limited: false, Body: web.NoBody, Handler: h.trackReplyForm},
		{Method: "POST", Path: "/track/:token/close", Access: web.Anyone, Limited: false, Body: web.FormBody, Handler: h.trackResolution(db.StatusClosed)},
		{Method: "POST", Path: "/track/:token/reopen", Access: web.Anyone, Limited: false, Body: web.FormBody, Handler: h.trackResolution(db.StatusOpen)},
		{Method: "GET", Path: "/track/:token/files/:attachmentId", Access: web.Anyone, Limited: false, Body: web.NoBody, Handler: h.trackFile},
		{Method: "GET", Path: "/static/*", Access: web.Anyone, Limited: false, Body: web.NoBody, Handler: staticAsset},
	}
}
