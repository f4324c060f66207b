package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
)

// CSRF protection is a double-submit token: a random value in a cookie
// (HttpOnly, SameSite=Lax, __Host- over https) and the same value in each
// form's hidden csrf field, or in the X-CSRF-Token header of an API call
// made with the desk's session cookie. Another site can make a browser
// post, but cannot read or set the cookie, so it cannot send the matching
// value. The token is taken from the form body or the header only, never
// the query string, which leaks into logs and Referer headers. Fiber's csrf
// middleware is not used because it reads the field by parsing the whole
// multipart body in memory, which the streamed uploads must avoid.
const (
	CSRFField  = "csrf"
	CSRFHeader = "X-CSRF-Token"
	csrfKey    = "csrf"
	// csrfInFormKey marks a page route whose multipart form carries the
	// token: readMultipart checks it before storing any file.
	csrfInFormKey = "csrfInForm"
)

// ErrCSRF refuses a form whose token is missing or does not match.
var ErrCSRF = db.Errorf(db.EFORBIDDEN, "the form's security token is missing or has expired; reload the page and send it again")

// csrfToken returns the reader's token, minting it (and its cookie) on
// their first page.
func (h *Server) CSRFToken(c *fiber.Ctx) string {
	if v, ok := c.Locals(csrfKey).(string); ok {
		return v
	}
	v := c.Cookies(h.cookies.csrf)
	if len(v) != 43 {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			panic(err) // crypto/rand does not fail on Linux
		}
		v = base64.RawURLEncoding.EncodeToString(b)
		h.setCookie(c, h.cookies.csrf, v, 0)
	}
	c.Locals(csrfKey, v)
	return v
}

// checkCSRF refuses a post unless sent matches the cookie's token, and
// refuses any post a browser marks as sent from another site.
func (h *Server) checkCSRF(c *fiber.Ctx, sent string) error {
	cookie := c.Cookies(h.cookies.csrf)
	if cookie == "" || subtle.ConstantTimeCompare([]byte(cookie), []byte(sent)) != 1 {
		return ErrCSRF
	}
	if c.Get("Sec-Fetch-Site") == "cross-site" {
		return ErrCSRF
	}
	return nil
}

// csrfGuard is the CSRF check of route r, nil for a route that changes
// nothing. It is chosen from the route list, not from the request's path,
// so no spelling of a path (routing ignores nothing: it is case-sensitive)
// can reach a route without its check.
//   - API routes check the header, when the caller is signed in with the
//     desk's cookie; a bearer credential is never sent by a browser on its
//     own, so it needs none.
//   - Page routes with a urlencoded form read it (bounded) and check its
//     field before the handler runs.
//   - Page routes with a multipart form check it in readMultipart, before
//     the first file is stored.
func (h *Server) CSRFGuard(r Route) fiber.Handler {
	switch {
	case safeMethod(r.Method):
		return nil
	case r.API():
		return func(c *fiber.Ctx) error {
			if p := PrincipalOf(c); p != nil && p.SessionID != "" {
				if err := h.checkCSRF(c, c.Get(CSRFHeader)); err != nil {
					return err
				}
			}
			return c.Next()
		}
	case r.Body&MultipartBody != 0:
		return func(c *fiber.Ctx) error {
			if c.Get("Sec-Fetch-Site") == "cross-site" {
				return ErrCSRF
			}
			c.Locals(csrfInFormKey, true)
			return c.Next()
		}
	}
	return func(c *fiber.Ctx) error {
		form, err := ReadForm(c)
		if err != nil {
			return err
		}
		if err := h.checkCSRF(c, form.Get(CSRFField)); err != nil {
			return err
		}
		return c.Next()
	}
}

// checkFormCSRF checks the token of a multipart page form once, when
// csrfGuard asked for it; API routes carry theirs in the header.
func (h *Server) checkFormCSRF(c *fiber.Ctx, values map[string]string) error {
	if c.Locals(csrfInFormKey) != true {
		return nil
	}
	c.Locals(csrfInFormKey, false)
	return h.checkCSRF(c, values[CSRFField])
}
