package web

import (
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/filestore"
)

// refuseWhenFull answers 507 (db.ErrStorageFull) before a request that
// adds content reads its body, while the data folder has less free space
// than Config.MinFreeBytes. The floor keeps room for what must still
// work when the disk fills: deleting tickets (SQLite records a deletion
// in its write-ahead log before it frees anything), status changes and
// settings. It belongs on the routes that store new content: creates,
// messages and uploads.
func (h *Server) RefuseWhenFull(c *fiber.Ctx) error {
	if low, free, _ := h.storageLow(false); low {
		floorRefusals.note(free, h.Config.MinFreeBytes)
		return db.ErrStorageFull
	}
	return c.Next()
}

// storageLow reports whether the data folder is below Config.MinFreeBytes
// (see filestore.Store.BelowFloor).
func (h *Server) storageLow(fresh bool) (low bool, free int64, err error) {
	return h.Files.BelowFloor(h.Config.MinFreeBytes, fresh)
}

// storageProblem is /readyz's reason for being unready on account of the
// data folder, "" when there is none. It names sizes, never paths.
func (h *Server) StorageProblem() string {
	low, free, err := h.storageLow(true)
	switch {
	case err != nil:
		return "the free space of the data folder cannot be measured"
	case low:
		return fmt.Sprintf("the data folder has %s free, below the floor of %s (--min-free-mb): new tickets, messages and files are refused",
			mebibytes(free), mebibytes(h.Config.MinFreeBytes))
	}
	return ""
}

// mebibytes writes a size the way the --min-free-mb flag counts it.
func mebibytes(n int64) string {
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

// withReserve runs write, one of the writes an admin needs to make room
// on a full disk (a sign-in's session, a deletion). When the disk has no
// room even for it, it gives up the data folder's reserve
// (filestore.Store.ReleaseReserve) and runs write once more, so that an
// admin can always sign in and delete; the server makes the reserve
// again once there is room.
func (h *Server) WithReserve(what string, write func() error) error {
	err := write()
	if !db.IsStorageFull(err) || !h.Files.ReleaseReserve() {
		return err
	}
	slog.Warn("the disk holding the data folder is full: released the reserve so that an admin can make room; delete tickets or files, or free space on the disk",
		"for", what, "reserve", mebibytes(filestore.ReserveSize))
	return write()
}

// floorLogEvery spaces the warnings about refusals below the floor.
const floorLogEvery = time.Minute

// floorRefusals is the process's one floorLog: there is one data folder.
var floorRefusals floorLog

// floorLog writes a warning when the free-space floor starts refusing new
// content, and then at most one a minute while it goes on, with how many
// requests it refused meanwhile: an operator hears of it without a line
// per request.
type floorLog struct {
	mu      sync.Mutex
	next    time.Time
	pending int
}

// note records one refusal with the free space and the floor behind it.
func (l *floorLog) note(free, floor int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pending++
	now := time.Now()
	if now.Before(l.next) {
		return
	}
	slog.Warn("the data folder is below its free-space floor: refusing new tickets, messages and files (507); delete tickets or files, or free space on the disk",
		"free", mebibytes(free), "floor", mebibytes(floor), "refused", l.pending)
	l.pending, l.next = 0, now.Add(floorLogEvery)
}
