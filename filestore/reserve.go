package filestore

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/kinconecta/helpdesk/db"
)

// The reserve is room set aside in the data folder for the day its disk
// fills to the last byte, whatever filled it: then even the writes an
// admin needs to make room (a sign-in's session row, a deletion, which
// SQLite logs before it frees anything) would fail. Giving the reserve up
// lets them through once; the space a deletion frees does the rest.
const (
	// ReserveName is the reserve file, in the data folder beside the
	// database (never inside attachments/, which the start-up sweep owns).
	ReserveName = "reserve"
	// ReserveSize is ample for a session or a deletion and the log
	// frames and checkpoint behind it (a few pages each), and small beside
	// any disk.
	ReserveSize = 8 << 20
	// reserveCheckEvery is how often a missing reserve is looked at again.
	reserveCheckEvery = 5 * time.Second
)

// reservePath is where the reserve lives: the data folder (the database's
// folder), the file system whose filling stops sign-ins and deletions.
func (s *Store) reservePath() string { return filepath.Join(filepath.Dir(s.dir), ReserveName) }

// KeepReserve makes the reserve now if it is missing and there is room,
// and then every few seconds while it is missing (after ReleaseReserve,
// or when the disk was too full at start), until stop is called. It never
// takes the last room: the reserve is made only while at least as much
// again would stay free.
func (s *Store) KeepReserve() (stop func()) {
	os.Remove(s.reservePath() + ".new") // what a crash while making it leaves
	had, err := s.makeReserve()
	if err != nil {
		slog.Warn("unable to set aside the reserve in the data folder", "err", err)
	} else if !had {
		slog.Warn("no room to set aside the reserve in the data folder: on a full disk, admins may be unable to sign in or delete until there is room",
			"reserve_mib", ReserveSize>>20)
	}
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(reserveCheckEvery)
		defer t.Stop()
		missing := !had
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			ok, err := s.makeReserve()
			switch {
			case err != nil:
				slog.Warn("unable to set aside the reserve in the data folder", "err", err)
			case ok && missing:
				slog.Info("the data folder has room again: the reserve is set aside", "reserve_mib", ReserveSize>>20)
			}
			missing = !ok
		}
	}()
	return func() { close(done) }
}

// makeReserve makes the reserve if it is missing (or short) and the disk
// has room for it twice over, and reports whether it is in place. It is
// written under another name and renamed, so the reserve is whole or
// absent.
func (s *Store) makeReserve() (bool, error) {
	path := s.reservePath()
	if st, err := os.Stat(path); err == nil && st.Size() >= ReserveSize {
		return true, nil
	}
	free, err := s.FreeSpace(0)
	if err != nil {
		return false, err
	}
	if free >= 0 && free < 2*ReserveSize {
		return false, nil
	}
	tmp := path + ".new"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return false, fmt.Errorf("filestore: unable to make the reserve: %w", err)
	}
	// Bytes that do not compress: on a file system that compresses (or
	// skips runs of zeros), zeros would set nothing aside.
	rnd := rand.NewChaCha8([32]byte{'h', 'e', 'l', 'p', 'd', 'e', 's', 'k'})
	_, err = io.CopyN(f, rnd, ReserveSize)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		if db.IsStorageFull(err) {
			return false, nil // something else took the room meanwhile
		}
		return false, fmt.Errorf("filestore: unable to make the reserve: %w", err)
	}
	s.space.Store(nil) // the next reading counts the reserve
	return true, nil
}

// ReleaseReserve deletes the reserve, giving its room to the write that
// needs it, and reports whether there was one to give. KeepReserve makes
// it again once there is room.
func (s *Store) ReleaseReserve() bool {
	err := os.Remove(s.reservePath())
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		slog.Warn("unable to release the reserve in the data folder", "err", err)
	}
	s.space.Store(nil)
	return err == nil
}
