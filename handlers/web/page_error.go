package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/i18n"
	"github.com/kinconecta/helpdesk/views/pages"
)

// detailShown are the statuses whose server explanation helps the reader
// (which limit, which state); others could echo the address (404) or
// internals (500).
var detailShown = map[int]bool{409: true, 413: true, 415: true, 429: true}

// pageError answers an error outside the API with the error page, in the
// layout and the reader's language, or just its content for htmx.
func (h *Server) pageError(c *fiber.Ctx, p Problem) error {
	lang := PageLang(c)
	c.Response().ResetBody()
	// The error may have stopped the request before the middleware ran.
	SetSecurityHeaders(c, h.Secure())
	key := "error." + strconv.Itoa(p.Status)
	if p.Detail == ErrCSRF.Message {
		key = "error.csrf"
	} else if !i18n.Has(key + ".title") {
		key = "error.default"
	}
	e := pages.Error{
		Meta:      PageMeta(c, lang.T(key+".title")),
		Status:    p.Status,
		Title:     lang.T(key + ".title"),
		Text:      lang.T(key + ".text"),
		RequestID: p.RequestID,
	}
	if detailShown[p.Status] {
		e.Detail = p.Detail
	}
	if c.Get("HX-Request") == "true" {
		return Render(c, p.Status, pages.ErrorContent(e))
	}
	return Render(c, p.Status, pages.ErrorPage(e))
}
