package handlers

import "github.com/gofiber/fiber/v2"

// usePageMiddleware installs what the pages need around every request.
func (h *Handler) usePageMiddleware(app *fiber.App) {}

// pageRoutes is the people-facing pages.
func (h *Handler) pageRoutes() []Route { return nil }
