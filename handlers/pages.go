package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
)

// usePageMiddleware installs what the pages need around every request:
// the page language, and the private-page headers of the tracking pages,
// whose address is the requester's key. (Security headers come earlier,
// in New, so refusals carry them too.)
func (h *Handler) usePageMiddleware(app *fiber.App) {
	app.Use(h.PageLanguage)
	app.Use("/track", privatePage)
}

// pageRoutes is the people-facing pages. Pages are public (Anyone): the
// tracking pages check the token in their address themselves, as guard
// only knows bearer tokens and numeric ids.
func (h *Handler) pageRoutes() []Route {
	return []Route{
		{"GET", "/", Anyone, false, NoBody, h.supportFormPage},
		{"POST", "/", Anyone, true, MultipartBody, h.submitSupportForm},
		{"GET", "/track/:token", Anyone, false, NoBody, h.trackPage},
		{"POST", "/track/:token/reply", Anyone, true, MultipartBody, h.trackReply},
		{"GET", "/track/:token/reply", Anyone, false, NoBody, h.trackReplyForm},
		{"POST", "/track/:token/close", Anyone, false, FormBody, h.trackResolution(db.StatusClosed)},
		{"POST", "/track/:token/reopen", Anyone, false, FormBody, h.trackResolution(db.StatusOpen)},
		{"GET", "/track/:token/files/:attachmentId", Anyone, false, NoBody, h.trackFile},
		{"GET", "/static/*", Anyone, false, NoBody, staticAsset},
	}
}
