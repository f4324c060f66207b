package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/kinconecta/helpdesk/db"
)

// checkWritable makes sure this process can write the database files in the
// data folder dir, the folder itself (where SQLite creates -wal and -shm)
// and its subfolders named (where serve's file store writes), creating dir
// if need be, and otherwise fails with one line naming the first path it
// cannot.
//
// SQLite opens a database it may not write read-only without a word, the
// first write then fails far from the cause, and the -wal and -shm files it
// creates take the database's mode, so a 0444 database leaves read-only
// files behind that break the next start even once the mode is fixed.
//
// Each check is the real operation (open for writing, create a file), not
// access(2) or the mode bits: only that gives the right answer for root,
// for ACLs, for a read-only mount and for immutable files. It must run
// before this process opens the database: closing any descriptor of a file
// drops every POSIX lock the process holds on it, SQLite's included.
func checkWritable(dir string, subfolders ...string) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("unable to create data folder %s: %w", dir, describeErrno(err))
	}
	if err := probeFolder(dir); err != nil {
		return fmt.Errorf("data folder %s is not writable: %w", dir, err)
	}
	for _, sub := range subfolders {
		d := filepath.Join(dir, sub)
		if err := probeFolder(d); err != nil {
			return fmt.Errorf("folder %s is not writable: %w", d, err)
		}
	}
	base := filepath.Join(dir, db.FileName)
	for _, p := range []string{base, base + "-wal", base + "-shm"} {
		f, err := os.OpenFile(p, os.O_WRONLY, 0)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return fmt.Errorf("database file %s is not writable: %w", p, describeErrno(err))
		default:
			f.Close()
		}
	}
	return nil
}

// probeFolder creates and removes a file in d; a folder that does not exist
// yet passes, as whoever creates it will own it.
func probeFolder(d string) error {
	f, err := os.CreateTemp(d, ".helpdesk-write-check-*")
	if errors.Is(err, fs.ErrNotExist) {
		if _, statErr := os.Stat(d); errors.Is(statErr, fs.ErrNotExist) {
			return nil
		}
	}
	if err != nil {
		return describeErrno(err)
	}
	name := f.Name()
	f.Close()
	return describeErrno(os.Remove(name))
}
