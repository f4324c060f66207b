package web

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/i18n"
)

const langKey = "lang"

// pageLanguage picks each page's language: ?lang= (the switch, then
// remembered in a cookie), a signed-in agent's profile language, the
// cookie, Accept-Language, English. The API
// speaks English only and is left alone.
func (h *Server) PageLanguage(c *fiber.Ctx) error {
	if isAPIPath(c.Path()) || strings.HasPrefix(c.Path(), "/static/") {
		return c.Next()
	}
	choice := c.Cookies(h.cookies.lang)
	if p := PrincipalOf(c); p != nil && p.User.Language != "" {
		choice = p.User.Language // the agent's own choice (their profile)
	}
	if l, ok := i18n.Parse(c.Query("lang")); ok {
		choice = string(l)
		h.setCookie(c, h.cookies.lang, choice, 365*24*time.Hour)
	}
	c.Locals(langKey, i18n.Match(choice, c.Get(fiber.HeaderAcceptLanguage)))
	c.Vary(fiber.HeaderAcceptLanguage, fiber.HeaderCookie)
	// Pages carry a form token tied to the reader's cookie: no shared cache.
	c.Set(fiber.HeaderCacheControl, "private, no-cache")
	return c.Next()
}

// pageLang is the request's language; outside pageLanguage (an early
// refusal, before the handler knows its cookie names) it is worked out
// from the request, the switch's cookie under either name.
func PageLang(c *fiber.Ctx) i18n.Lang {
	if l, ok := c.Locals(langKey).(i18n.Lang); ok {
		return l
	}
	choice := c.Cookies(hostPrefix + LangCookie)
	if choice == "" {
		choice = c.Cookies(LangCookie)
	}
	return i18n.Match(choice, c.Get(fiber.HeaderAcceptLanguage))
}

func isAPIPath(p string) bool { return p == "/api" || strings.HasPrefix(p, "/api/") }

// Cookie names. Over https each takes the __Host- prefix, which browsers
// accept only from this host, Secure, with Path=/ and no Domain: a sibling
// subdomain cannot plant one (a known CSRF token, a fixed session).
const (
	hostPrefix    = "__Host-"
	CSRFCookie    = "helpdesk_csrf"
	SessionCookie = "hd_session"
	LangCookie    = "lang" // the language switch's choice
)

// cookieNames are the names this deployment's cookies go by.
type cookieNames struct{ csrf, session, lang string }

func newCookieNames(secure bool) cookieNames {
	prefix := ""
	if secure {
		prefix = hostPrefix
	}
	return cookieNames{csrf: prefix + CSRFCookie, session: prefix + SessionCookie, lang: prefix + LangCookie}
}

// setCookie sets a cookie scripts cannot read and other sites do not get
// on their requests; Secure when the helpdesk is served over https. A zero
// maxAge makes a session cookie.
func (h *Server) setCookie(c *fiber.Ctx, name, value string, maxAge time.Duration) {
	c.Cookie(&fiber.Cookie{
		Name:     name,
		Value:    value,
		Path:     "/",
		MaxAge:   int(maxAge.Seconds()),
		HTTPOnly: true,
		Secure:   h.Secure(),
		SameSite: fiber.CookieSameSiteLaxMode,
	})
}
