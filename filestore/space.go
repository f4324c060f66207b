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
