package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// lockFileName is the file inside a data folder whose flock(2) says a
// helpdesk owns the folder. It holds the owner's pid, for the message a
// second process prints.
const lockFileName = "helpdesk.lock"

// dataLock is the exclusive hold on a data folder.
type dataLock struct{ f *os.File }

// lockDataDir takes the data folder dir for this process, creating the
// folder if need be, or fails with one line naming the pid that holds it.
//
// The lock is flock(2) on an open file, not the file's existence: the
// kernel drops it when the process ends however it ends (kill -9, power
// cut), so there is never a stale lock to clear by hand. The file itself
// is never removed: removing it would let two processes hold locks on two
// different files of the same name.
//
// serve takes it because two servers on one folder each sweep the other's
// uploads in progress and both deliver the outbox, unless the folder holds
// nothing of the helpdesk (serveConfig.keepsStateInDataDir); migrate takes it on
// the folder it copies, which nothing may change meanwhile; backup takes it on its
// target, a data folder being written that nothing may serve yet. user add
// and apikey create do not: they add a row through SQLite's own locking,
// which is safe beside a running server, and operators mint keys on a live
// server.
func lockDataDir(dir string) (*dataLock, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("unable to create data folder %s: %w", dir, describeErrno(err))
	}
	path := filepath.Join(dir, lockFileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		if _, statErr := os.Stat(path); errors.Is(statErr, fs.ErrNotExist) {
			return nil, fmt.Errorf("data folder %s is not writable: %w", dir, describeErrno(err))
		}
		return nil, fmt.Errorf("lock file %s is not writable: %w", path, describeErrno(err))
	}
	if err := flock(f, syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		defer f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("data folder %s is in use by another helpdesk (pid %s)", dir, holderPID(f))
		}
		return nil, fmt.Errorf("unable to lock data folder %s: %w", dir, describeErrno(err))
	}
	// Only the holder writes, so a reader that failed to lock sees a whole
	// pid or, for a moment after the holder locked, an empty file.
	if err := f.Truncate(0); err == nil {
		_, err = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock file %s is not writable: %w", path, describeErrno(err))
	}
	return &dataLock{f: f}, nil
}

// release gives the folder up before the process ends (closing the file
// drops the flock).
func (l *dataLock) release() { l.f.Close() }

// flock retries flock(2) when a signal interrupts it.
func flock(f *os.File, how int) error {
	for {
		err := syscall.Flock(int(f.Fd()), how)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}

// holderPID reads the pid the lock's holder wrote, waiting briefly in case
// it has locked but not written yet.
func holderPID(f *os.File) string {
	for range 20 {
		b := make([]byte, 32)
		n, _ := f.ReadAt(b, 0)
		if pid := strings.TrimSpace(string(b[:n])); pid != "" {
			return pid
		}
		time.Sleep(25 * time.Millisecond)
	}
	return "unknown"
}

// describeErrno shortens an *fs.PathError to its cause: the messages that
// use it name the path already.
func describeErrno(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// keepsStateInDataDir reports whether serve keeps state in its data
// folder, which one process alone may then change, so it locks it. The
// embedded database is such state (SQLite has one writer, and each
// process would deliver the outbox it holds); so are attachments kept in
// the folder (each
// process's start-up sweep would remove the files another is receiving,
// and empties its temporary folder). With PostgreSQL and a bucket the
// folder holds neither: the database claims outbox rows across processes
// (FOR UPDATE SKIP LOCKED), the bucket's sweep spares objects younger than
// its grace period, and any number of processes, each with its own --data
// or all with the same one, serve one helpdesk.
func (c serveConfig) keepsStateInDataDir() bool {
	return c.databaseURL == "" || c.files == nil
}
