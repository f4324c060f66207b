package api

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
)

// health is the probes' answer; Reason says what is wrong when not ok.
type health struct {
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
}

// healthz answers while the process is up.
func (h *Handler) healthz(c *fiber.Ctx) error {
	return c.JSON(health{Status: "ok"})
}

// readyz answers 200 only when the database answers and the data folder
// has at least its floor of free space (Config.MinFreeBytes): below it
// the helpdesk refuses new content, which a load balancer or monitor
// should hear about before users do.
func (h *Handler) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if err := h.DB.Ping(ctx); err != nil {
		return c.Status(fiber.StatusServiceUnavailable).JSON(health{Status: "unavailable", Reason: "the database does not answer"})
	}
	if reason := h.StorageProblem(); reason != "" {
		return c.Status(fiber.StatusServiceUnavailable).JSON(health{Status: "unavailable", Reason: reason})
	}
	return c.JSON(health{Status: "ok"})
}
