package handlers

import "github.com/gofiber/fiber/v2"

// pageError answers an error outside the API.
func (h *Handler) pageError(c *fiber.Ctx, p Problem) error {
	c.Status(p.Status)
	c.Response().ResetBody()
	return c.SendString(p.Title + "\n" + p.Detail)
}
