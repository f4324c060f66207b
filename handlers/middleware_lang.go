package handlers

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/i18n"
)

// langCookie remembers the language switch's choice.
const (
	langCookie = "lang"
	langKey    = "lang"
)

// pageLanguage picks each page's language: ?lang= (the switch, then
// remembered in a cookie), the cookie, Accept-Language, English. The API
// speaks English only and is left alone.
func (h *Handler) pageLanguage(c *fiber.Ctx) error {
	if isAPIPath(c.Path()) || strings.HasPrefix(c.Path(), "/static/") {
		return c.Next()
	}
	choice := c.Cookies(langCookie)
	if l, ok := i18n.Parse(c.Query("lang")); ok {
		choice = string(l)
		h.setCookie(c, langCookie, choice, 365*24*time.Hour)
	}
	c.Locals(langKey, i18n.Match(choice, c.Get(fiber.HeaderAcceptLanguage)))
	c.Vary(fiber.HeaderAcceptLanguage, fiber.HeaderCookie)
	// Pages carry a form token tied to the reader's cookie: no shared cache.
	c.Set(fiber.HeaderCacheControl, "private, no-cache")
	return c.Next()
}

// pageLang is the request's language; outside pageLanguage (an early
// refusal) it is worked out from the request.
func pageLang(c *fiber.Ctx) i18n.Lang {
	if l, ok := c.Locals(langKey).(i18n.Lang); ok {
		return l
	}
	return i18n.Match(c.Cookies(langCookie), c.Get(fiber.HeaderAcceptLanguage))
}

func isAPIPath(p string) bool { return p == "/api" || strings.HasPrefix(p, "/api/") }

// setCookie sets a cookie scripts cannot read and other sites do not get
// on their requests; Secure when the helpdesk is served over https. A zero
// maxAge makes a session cookie.
func (h *Handler) setCookie(c *fiber.Ctx, name, value string, maxAge time.Duration) {
	c.Cookie(&fiber.Cookie{
		Name:     name,
		Value:    value,
		Path:     "/",
		MaxAge:   int(maxAge.Seconds()),
		HTTPOnly: true,
		Secure:   h.secure(),
		SameSite: fiber.CookieSameSiteLaxMode,
	})
}
