package api

import (
	_ "embed"

	"github.com/gofiber/fiber/v2"
)

// openAPIDoc describes the JSON API; tests validate every response against
// it so it cannot drift from what the server does.
//
//go:embed openapi.json
var openAPIDoc []byte

// OpenAPIDocument returns the OpenAPI 3.1 document the server serves.
func OpenAPIDocument() []byte { return openAPIDoc }

// openAPI handles GET /api/openapi.json.
func (h *Handler) openAPI(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(openAPIDoc)
}
