package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"
)

// contentSecurityPolicy allows only this origin's own files: no inline
// script or style (every script is a static file, no event handler
// attributes), no plugins, and no framing by anyone.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// UseSecurityHeaders sets the security headers on every response, pages
// and API alike. Handlers may override one (a download sets a stricter
// policy), since these are set before the handler runs.
func (h *Server) UseSecurityHeaders(app *fiber.App) {
	hsts := h.Secure()
	app.Use(func(c *fiber.Ctx) error {
		SetSecurityHeaders(c, hsts)
		return c.Next()
	})
}

func SetSecurityHeaders(c *fiber.Ctx, hsts bool) {
	c.Set(fiber.HeaderContentSecurityPolicy, contentSecurityPolicy)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderXFrameOptions, "DENY")
	c.Set(fiber.HeaderReferrerPolicy, "same-origin")
	c.Set("Cross-Origin-Opener-Policy", "same-origin")
	c.Set(fiber.HeaderPermissionsPolicy, "camera=(), microphone=(), geolocation=(), payment=()")
	if hsts {
		c.Set(fiber.HeaderStrictTransportSecurity, "max-age=31536000")
	}
}

// PrivatePage guards the tracking pages, whose address holds the ticket's
// token: browsers send it to no other site, keep no copy, and search
// engines keep out.
func PrivatePage(c *fiber.Ctx) error {
	c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("X-Robots-Tag", "noindex, nofollow")
	return c.Next()
}

// secure reports whether the helpdesk is served over https, where cookies
// are Secure and browsers are told to stay on https.
func (h *Server) Secure() bool { return strings.HasPrefix(h.Config.BaseURL, "https://") }
