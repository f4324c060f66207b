package handlers

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
)

// CSRF protection is a double-submit token: a random value in a cookie
// (HttpOnly, SameSite=Lax) and the same value in each form's hidden csrf
// field. Another site can make a browser post, but cannot read or set the
// cookie, so it cannot put the matching value in the form. Fiber's csrf
// middleware is not used because it reads the field by parsing the whole
// multipart body in memory, which the streamed uploads must avoid.
const (
	csrfCookie = "helpdesk_csrf"
	csrfField  = "csrf"
	csrfKey    = "csrf"
)

// errCSRF refuses a form whose token is missing or does not match.
var errCSRF = db.Errorf(db.EFORBIDDEN, "the form's security token is missing or has expired; reload the page and send it again")

// csrfToken returns the reader's token, minting it (and its cookie) on
// their first page.
func (h *Handler) csrfToken(c *fiber.Ctx) string {
	if v, ok := c.Locals(csrfKey).(string); ok {
		return v
	}
	v := c.Cookies(csrfCookie)
	if len(v) != 43 {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			panic(err) // crypto/rand does not fail on Linux
		}
		v = base64.RawURLEncoding.EncodeToString(b)
		h.setCookie(c, csrfCookie, v, 0)
	}
	c.Locals(csrfKey, v)
	return v
}

// checkCSRF refuses a post unless sent matches the cookie's token, and
// refuses any post a browser marks as sent from another site.
func checkCSRF(c *fiber.Ctx, sent string) error {
	cookie := c.Cookies(csrfCookie)
	if cookie == "" || subtle.ConstantTimeCompare([]byte(cookie), []byte(sent)) != 1 {
		return errCSRF
	}
	if c.Get("Sec-Fetch-Site") == "cross-site" {
		return errCSRF
	}
	return nil
}
