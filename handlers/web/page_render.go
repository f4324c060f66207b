package web

import (
	"strings"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/views/layout"
)

// render writes a page with the given status. A template that fails
// half-way leaves no half page behind: the body is reset and the error
// goes to the error handler.
func Render(c *fiber.Ctx, status int, page templ.Component) error {
	c.Status(status)
	c.Type("html", "utf-8")
	if err := page.Render(c.UserContext(), c.Response().BodyWriter()); err != nil {
		c.Response().ResetBody()
		return err
	}
	return nil
}

// pageMeta describes the current page to the layout.
func PageMeta(c *fiber.Ctx, title string) layout.Meta {
	return layout.Meta{
		Lang:    PageLang(c),
		Title:   title,
		Path:    switchPath(c.Path()),
		Private: strings.HasPrefix(c.Path(), "/track/"),
	}
}

// switchPath is the path the language switch links back to. Only a plain
// local path qualifies: "//host" would be a link to another site.
func switchPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\?#") {
		return "/"
	}
	return p
}
