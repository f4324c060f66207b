package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// BackupIncomplete is the file a backup folder holds while a backup is
// written into it: made (and synced) before anything else, removed only
// once everything else is synced. A backup cut short (a full disk, a
// crash, Ctrl-C) therefore always says so, and every command that opens
// a data folder refuses one that holds it.
//
// A marker rather than writing into a temporary folder renamed into place
// at the end: the rename would need the parent of the backup folder to be
// writable and on the same file system, which a mounted backup volume
// (the folder is the mount point) is not, and it would move the lock the
// backup holds on its folder along with it.
const BackupIncomplete = "BACKUP-INCOMPLETE"

// backupIncompleteText says what the marker means to whoever finds it.
const backupIncompleteText = "A helpdesk backup was being written into this folder and did not finish:\n" +
	"the database and the files here are incomplete. Run the backup again into this\n" +
	"folder (it starts over), or use another backup.\n"

// BackupResult says what a backup copied.
type BackupResult struct {
	Files  int // attachment files copied
	Pruned int // rows of files deleted while the backup ran, dropped from the copy
}

// Backup writes a consistent copy of the database to dir/helpdesk.db with
// VACUUM INTO (a snapshot, safe while the server writes), then copies every
// attachment file the snapshot names from filesDir to dir/attachments. A
// file deleted between the snapshot and its copy has its row dropped from
// the copy, so the backup never names a file it does not hold. An empty
// filesDir copies the database only, every row kept: the files are in a
// bucket, which keeps its own copies.
//
// dir holds BackupIncomplete until the copy is whole and synced. A folder
// that still holds it from an earlier backup is cleared and written again;
// one that holds a finished backup is refused.
func (d *DB) Backup(ctx context.Context, dir, filesDir string) (BackupResult, error) {
	var r BackupResult
	target := filepath.Join(dir, FileName)
	marker := filepath.Join(dir, BackupIncomplete)
	if _, err := os.Lstat(marker); err == nil {
		if err := clearBackup(dir); err != nil {
			return r, err
		}
	} else if _, err := os.Stat(target); err == nil {
		return r, fmt.Errorf("db: %s already holds a backup", dir)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return r, fmt.Errorf("db: unable to create backup folder: %w", err)
	}
	if err := writeSynced(marker, []byte(backupIncompleteText)); err != nil {
		return r, fmt.Errorf("db: unable to mark the backup unfinished: %w", err)
	}
	if err := syncDir(dir); err != nil {
		return r, err
	}
	if err := os.MkdirAll(filepath.Join(dir, "attachments"), 0o750); err != nil {
		return r, fmt.Errorf("db: unable to create backup folder: %w", err)
	}
	if _, err := d.writer.conn.ExecContext(ctx, `VACUUM INTO ?`, target); err != nil {
		return r, fmt.Errorf("db: unable to copy database: %w", err)
	}

	copyDB, err := sql.Open("sqlite", dsn(target, false))
	if err != nil {
		return r, fmt.Errorf("db: unable to open backup: %w", err)
	}
	defer copyDB.Close()
	files, err := backedUpFiles(ctx, copyDB, filesDir)
	if err != nil {
		return r, err
	}
	for _, f := range files {
		err := copyFile(filepath.Join(filesDir, f.name), filepath.Join(dir, "attachments", f.name))
		switch {
		case errors.Is(err, os.ErrNotExist):
			if _, err := copyDB.ExecContext(ctx, `DELETE FROM attachments WHERE id = ?`, f.id); err != nil {
				return r, fmt.Errorf("db: unable to prune backup: %w", err)
			}
			r.Pruned++
		case err != nil:
			return r, err
		default:
			r.Files++
		}
	}
	if _, err := copyDB.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return r, fmt.Errorf("db: unable to complete backup database: %w", err)
	}
	if err := copyDB.Close(); err != nil {
		return r, fmt.Errorf("db: unable to close backup database: %w", err)
	}
	// VACUUM INTO does not sync what it writes: the marker goes only once
	// the database and the folders naming the files are on disk.
	if err := syncFile(target); err != nil {
		return r, err
	}
	for _, folder := range []string{filepath.Join(dir, "attachments"), dir} {
		if err := syncDir(folder); err != nil {
			return r, err
		}
	}
	if err := os.Remove(marker); err != nil {
		return r, fmt.Errorf("db: unable to mark the backup finished: %w", err)
	}
	return r, syncDir(dir)
}

// clearBackup removes what an unfinished backup left in dir (its database
// and attachments), so that it can be written again. The marker stays
// until the new backup finishes; the lock file is not the backup's.
func clearBackup(dir string) error {
	for _, name := range []string{FileName, FileName + "-wal", FileName + "-shm", FileName + "-journal", "attachments"} {
		if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
			return fmt.Errorf("db: unable to clear the unfinished backup in %s: %w", dir, err)
		}
	}
	return nil
}

// writeSynced creates path (replacing any file there) with b, synced.
func writeSynced(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o640)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// syncFile flushes a file written by someone else (SQLite) to disk.
func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("db: unable to sync %s: %w", path, err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("db: unable to sync %s: %w", path, err)
	}
	return nil
}

// syncDir makes the names created in a folder durable.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("db: unable to sync %s: %w", dir, err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("db: unable to sync %s: %w", dir, err)
	}
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	if err != nil {
		return fmt.Errorf("db: unable to create %s: %w", to, err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("db: unable to copy %s: %w", from, err)
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return fmt.Errorf("db: unable to sync %s: %w", to, err)
	}
	return out.Close()
}

// backedFile is an attachment row of the backup and its stored file.
type backedFile struct {
	id   int64
	name string
}

// backedUpFiles lists the stored files the backup's database names; none
// when filesDir is "" (the database only).
func backedUpFiles(ctx context.Context, copyDB *sql.DB, filesDir string) ([]backedFile, error) {
	if filesDir == "" {
		return nil, nil
	}
	rows, err := copyDB.QueryContext(ctx, `SELECT id, storage_name FROM attachments WHERE storage_name IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("db: unable to list backed-up files: %w", err)
	}
	defer rows.Close()
	var files []backedFile
	for rows.Next() {
		var f backedFile
		if err := rows.Scan(&f.id, &f.name); err != nil {
			return nil, fmt.Errorf("db: unable to scan backed-up file: %w", err)
		}
		files = append(files, f)
	}
	return files, rows.Err()
}
