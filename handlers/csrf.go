package handlers

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
)

// CSRF protection is a double-submit token: a random value in an HttpOnly,
// SameSite=Lax cookie, repeated by every state-changing form (hidden field
// csrfField) and by cookie-authenticated API calls (header csrfHeader).
// Another site can make a browser send the cookie but cannot read it, so it
// cannot repeat it.
const (
	csrfCookie = "hd_csrf"
	csrfField  = "_csrf"
	csrfHeader = "X-CSRF-Token"
)

// csrfToken returns the caller's CSRF token for a form, setting the cookie
// the first time.
func (h *Handler) csrfToken(c *fiber.Ctx) string {
	if t, ok := c.Locals(csrfCookie).(string); ok {
		return t
	}
	t := c.Cookies(csrfCookie)
	if len(t) != 43 {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			panic(err)
		}
		t = base64.RawURLEncoding.EncodeToString(b)
		c.Cookie(&fiber.Cookie{Name: csrfCookie, Value: t, Path: "/", HTTPOnly: true,
			SameSite: fiber.CookieSameSiteLaxMode, Secure: h.secureCookies()})
	}
	c.Locals(csrfCookie, t)
	return t
}

// checkCSRF refuses (403) a submitted token that does not match the cookie.
func (h *Handler) checkCSRF(c *fiber.Ctx, submitted string) error {
	cookie := c.Cookies(csrfCookie)
	if cookie == "" || subtle.ConstantTimeCompare([]byte(cookie), []byte(submitted)) != 1 {
		return db.Errorf(db.EFORBIDDEN, "the form expired or came from another site; reload the page and try again")
	}
	return nil
}

// secureCookies is whether cookies get the Secure flag: when the helpdesk
// is served over https.
func (h *Handler) secureCookies() bool {
	return strings.HasPrefix(h.cfg.BaseURL, "https://")
}
