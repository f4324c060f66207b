package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/filestore"
)

// checkWritable makes sure this process can write the database files in the
// data folder dir, the folder itself (where SQLite creates -wal and -shm)
// and its subfolders named (where serve's file store writes), creating dir
// if need be, and otherwise fails with one line naming the first path it
// cannot. A folder holding a backup that did not finish fails too
// (checkBackupFinished): every command that writes a data folder calls it.
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
	if err := checkBackupFinished(dir); err != nil {
		return err
	}
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

// checkBackupFinished fails with one line when dir holds a backup that did
// not finish (db.BackupIncomplete is there): its database may lack rows
// and its attachments files, and serving it would pass it off as whole.
func checkBackupFinished(dir string) error {
	_, err := os.Lstat(filepath.Join(dir, db.BackupIncomplete))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return fmt.Errorf("data folder %s holds a backup that did not finish (%s is there): run the backup into it again, which starts over, or use another backup",
		dir, db.BackupIncomplete)
}

// checkBackupTarget fails with one line when the backup folder target is
// the data folder source or lies inside it, or the other way round, however
// either is spelled and wherever symbolic links lead. A backup inside its
// source is no backup (it goes down with the disk it copies), and one in
// attachments/ is swept away as orphan files by the next start.
func checkBackupTarget(source, target string) error {
	src, err := resolvePath(source)
	if err != nil {
		return fmt.Errorf("unable to resolve data folder %s: %w", source, describeErrno(err))
	}
	dst, err := resolvePath(target)
	if err != nil {
		return fmt.Errorf("unable to resolve backup folder %s: %w", target, describeErrno(err))
	}
	switch {
	case within(dst, src):
		return fmt.Errorf("backup folder %s is inside the data folder %s it would copy (or is that folder): choose a folder outside it", target, source)
	case within(src, dst):
		return fmt.Errorf("the data folder %s is inside the backup folder %s: choose a folder outside it", source, target)
	}
	return nil
}

// resolvePath is p made absolute with every symbolic link in it resolved;
// the part that does not exist yet is kept as written.
func resolvePath(p string) (string, error) {
	if !filepath.IsAbs(p) {
		wd, err := os.Getwd()
		if err != nil {
			return "", err
		}
		// Not filepath.Join, which would clean "link/.." away before the
		// link is resolved.
		p = wd + string(filepath.Separator) + p
	}
	rest := ""
	for {
		real, err := filepath.EvalSymlinks(p)
		switch {
		case err == nil:
			return filepath.Join(real, rest), nil
		case !errors.Is(err, fs.ErrNotExist):
			return "", err
		}
		parent := filepath.Dir(p)
		if parent == p {
			return filepath.Join(p, rest), nil
		}
		rest = filepath.Join(filepath.Base(p), rest)
		p = parent
	}
}

// within reports whether path is dir or lies inside it; both are clean
// absolute paths.
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// diskFull is the operator's one line for a command that found the disk
// under data folder dir full, or err itself when that is not the trouble.
// db.ErrStorageFull's message is for people using the web pages.
func diskFull(dir string, err error) error {
	if !db.IsStorageFull(err) {
		return err
	}
	return fmt.Errorf("the disk holding data folder %s is full: free space on it, then run the command again (removing %s frees %d MiB at once; a running server sets it aside again once there is room)",
		dir, filepath.Join(dir, filestore.ReserveName), filestore.ReserveSize>>20)
}

// checkHoldsDatabase refuses a data folder with no embedded database in
// it, for the commands that copy one: opening it would make an empty
// helpdesk of a mistyped --data, and the copy would report success.
// consequence ends the message ("nothing to back up").
func checkHoldsDatabase(dir, consequence string) error {
	if _, err := os.Stat(filepath.Join(dir, db.FileName)); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("data folder %s holds no helpdesk database (%s): %s", dir, db.FileName, consequence)
	}
	return nil
}
