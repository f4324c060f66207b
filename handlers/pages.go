package handlers

import (
	"github.com/gofiber/fiber/v2"

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

// staticRoutes is the embedded files every page links to.
func staticRoutes() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/static/*", Access: web.Anyone, Limited: false, Body: web.NoBody, Handler: staticAsset},
	}
}
