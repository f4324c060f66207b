package filestore

import (
	"path/filepath"
	"time"
)

// spaceReading is one measurement of the free space, kept so that a check
// on every request costs an atomic load, not a system call.
type spaceReading struct {
	free int64
	err  error
	at   time.Time
}

// FreeSpace returns the bytes an unprivileged process may still write on
// the file system holding the data folder (the database's folder) or the
// attachments folder, whichever has less: either filling up stops the
// helpdesk. A reading younger than maxAge is reused; maxAge 0 always
// measures. Where the platform cannot tell, it returns -1 and no error.
func (s *Store) FreeSpace(maxAge time.Duration) (int64, error) {
	now := time.Now()
	if r := s.space.Load(); r != nil && maxAge > 0 && now.Sub(r.at) < maxAge {
		return r.free, r.err
	}
	free, err := freeBytes(filepath.Dir(s.dir))
	if err == nil {
		var attachments int64
		if attachments, err = freeBytes(s.dir); err == nil && attachments < free {
			free = attachments
		}
	}
	s.space.Store(&spaceReading{free: free, err: err, at: now})
	return free, err
}

// readingAge is how long one free-space reading answers BelowFloor while
// there is room: a statfs a second, not one per request.
const readingAge = time.Second

// BelowFloor reports whether the data folder has less than floor bytes
// free (floor <= 0: never), with the free bytes measured (-1 when
// unknown). fresh measures now; otherwise a reading up to a second old
// serves, except below the floor, where every call measures again so that
// the first request after an admin freed room gets through (those calls
// are refused anyway, so the system call costs nothing that matters). A
// failed measurement never reports low: it is no evidence of a full disk,
// and a write that fails says so itself.
func (s *Store) BelowFloor(floor int64, fresh bool) (low bool, free int64, err error) {
	if floor <= 0 {
		return false, -1, nil
	}
	age := readingAge
	if fresh {
		age = 0
	}
	free, err = s.FreeSpace(age)
	if !fresh && err == nil && free >= 0 && free < floor {
		free, err = s.FreeSpace(0)
	}
	return err == nil && free >= 0 && free < floor, free, err
}
