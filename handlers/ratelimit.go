package handlers

import (
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	"github.com/kinconecta/helpdesk/db"
)

// rateLimit limits public creates and uploads per client address. Agents
// are not the public and are not limited. Fiber's limiter sets Retry-After.
func (h *Handler) rateLimit() fiber.Handler {
	return limiter.New(limiter.Config{
		Max:        h.cfg.CreateRate,
		Expiration: time.Minute,
		Next: func(c *fiber.Ctx) bool {
			return h.cfg.CreateRate <= 0 || principal(c).IsAgent()
		},
		KeyGenerator: func(c *fiber.Ctx) string { return c.IP() },
		LimitReached: func(c *fiber.Ctx) error {
			return db.Errorf(db.ERATELIMITED, "too many requests from your address; at most %d a minute", h.cfg.CreateRate)
		},
	})
}
