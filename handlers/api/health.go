package api

import (
	"context"
	"log/slog"
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

// readyz answers 200 only when the database answers, the data folder
// has at least its floor of free space (Config.MinFreeBytes) and the
// file store answers (a HEAD of the bucket with --files-url): otherwise
// the helpdesk refuses new content or cannot serve files, which a load
// balancer or monitor should hear about before users do.
func (h *Handler) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if err := h.DB.Ping(ctx); err != nil {
		return c.Status(fiber.StatusServiceUnavailable).JSON(health{Status: "unavailable", Reason: "the database does not answer"})
	}
	if reason := h.StorageProblem(); reason != "" {
		return c.Status(fiber.StatusServiceUnavailable).JSON(health{Status: "unavailable", Reason: reason})
	}
	filesCtx, cancelFiles := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancelFiles()
	if err := h.Files.Ping(filesCtx); err != nil {
		slog.Warn("readyz: the file store does not answer", "err", err)
		return c.Status(fiber.StatusServiceUnavailable).JSON(health{Status: "unavailable", Reason: "the file store does not answer"})
	}
	return c.JSON(health{Status: "ok"})
}
