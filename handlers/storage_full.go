package handlers

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
)

// refuseWhenFull answers 507 (db.ErrStorageFull) before a request that
// adds content reads its body, while the data folder has less free space
// than Config.MinFreeBytes. The floor keeps room for what must still
// work when the disk fills: deleting tickets (SQLite records a deletion
// in its write-ahead log before it frees anything), status changes and
// settings. It belongs on the routes that store new content: creates,
// messages and uploads.
func (h *Handler) refuseWhenFull(c *fiber.Ctx) error {
	if low, _, _ := h.storageLow(false); low {
		return db.ErrStorageFull
	}
	return c.Next()
}

// storageLow reports whether the data folder is below Config.MinFreeBytes
// (see filestore.Store.BelowFloor).
func (h *Handler) storageLow(fresh bool) (low bool, free int64, err error) {
	return h.files.BelowFloor(h.cfg.MinFreeBytes, fresh)
}

// storageProblem is /readyz's reason for being unready on account of the
// data folder, "" when there is none. It names sizes, never paths.
func (h *Handler) storageProblem() string {
	low, free, err := h.storageLow(true)
	switch {
	case err != nil:
		return "the free space of the data folder cannot be measured"
	case low:
		return fmt.Sprintf("the data folder has %s free, below the floor of %s (--min-free-mb): new tickets, messages and files are refused",
			mebibytes(free), mebibytes(h.cfg.MinFreeBytes))
	}
	return ""
}

// mebibytes writes a size the way the --min-free-mb flag counts it.
func mebibytes(n int64) string {
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}
