package web

import (
	"bytes"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/kinconecta/helpdesk/db"
)

// ScreenRequest answers, before the router, what the router would answer
// in its own way: a method it does not know (Fiber wrote a bare
// "Invalid http method", 400 text/plain, without the security headers)
// and a request whose headers HTTP/1.1 does not allow (no Host, two Host
// headers, a control character such as a bare CR or NUL in a header),
// which fasthttp takes. Such answers go through the error handler like
// any other, with the security headers; a malformed request's connection
// closes.
func (h *Server) ScreenRequest(app *fiber.App, next fasthttp.RequestHandler) fasthttp.RequestHandler {
	hsts := h.Secure()
	return func(fctx *fasthttp.RequestCtx) {
		hdr := &fctx.Request.Header
		var err error
		var allow []string
		if method := string(hdr.Method()); !slices.Contains(fiber.DefaultMethods, method) {
			allow, err = h.unknownMethod(requestPath(hdr))
		} else if err = malformedHeaders(hdr); err != nil {
			fctx.SetConnectionClose()
		}
		if err == nil {
			next(fctx)
			return
		}
		c := app.AcquireCtx(fctx)
		defer app.ReleaseCtx(c)
		SetSecurityHeaders(c, hsts)
		if allow != nil {
			c.Set(fiber.HeaderAllow, strings.Join(allow, ", "))
		}
		if h.ErrorHandler(c, err) != nil {
			fctx.SetStatusCode(fiber.StatusInternalServerError)
		}
	}
}

// unknownMethod is the answer to a method no route has (PROPFIND, a
// lowercase get): 405 naming the methods the path's routes take, or 404
// when none has the path.
func (h *Server) unknownMethod(path string) ([]string, error) {
	var allowed []string
	for _, m := range fiber.DefaultMethods {
		if _, ok := h.table.match(m, path); ok {
			allowed = append(allowed, m)
		}
	}
	if len(allowed) == 0 {
		return nil, fiber.ErrNotFound
	}
	return allowed, fiber.NewError(fiber.StatusMethodNotAllowed, "this address does not take that method")
}

// malformedHeaders reports a request whose headers RFC 9110 and 9112 tell
// a server to refuse (400): an HTTP/1.1 request without exactly one Host
// header, or a header line with a control character (other than a tab)
// in it, such as a bare CR or a NUL, which a proxy in front may read as a
// line's end where we do not. It looks at the lines as received.
func malformedHeaders(hdr *fasthttp.RequestHeader) error {
	hosts := 0
	for line := range headerLines(hdr) {
		if bytes.ContainsFunc(line, func(r rune) bool { return (r < 0x20 && r != '\t') || r == 0x7f }) {
			return db.Errorf(db.EBADREQUEST, "a header holds a control character (such as a bare CR or a NUL)")
		}
		if name, _, _ := bytes.Cut(line, []byte(":")); strings.EqualFold(string(bytes.TrimSpace(name)), fiber.HeaderHost) {
			hosts++
		}
	}
	switch {
	case hosts > 1:
		return db.Errorf(db.EBADREQUEST, "several Host headers")
	case hosts == 0 && hdr.IsHTTP11():
		return db.Errorf(db.EBADREQUEST, "an HTTP/1.1 request needs a Host header")
	}
	return nil
}
