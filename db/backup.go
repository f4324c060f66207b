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

// BackupResult says what a backup copied.
type BackupResult struct {
	Files  int // attachment files copied
	Pruned int // rows of files deleted while the backup ran, dropped from the copy
}

// Backup writes a consistent copy of the database to dir/helpdesk.db with
// VACUUM INTO (a snapshot, safe while the server writes), then copies every
// attachment file the snapshot names from filesDir to dir/attachments. A
// file deleted between the snapshot and its copy has its row dropped from
// the copy, so the backup never names a file it does not hold.
func (d *DB) Backup(ctx context.Context, dir, filesDir string) (BackupResult, error) {
	var r BackupResult
	target := filepath.Join(dir, FileName)
	if _, err := os.Stat(target); err == nil {
		return r, fmt.Errorf("db: %s already holds a backup", dir)
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
	rows, err := copyDB.QueryContext(ctx, `SELECT id, storage_name FROM attachments WHERE storage_name IS NOT NULL`)
	if err != nil {
		return r, fmt.Errorf("db: unable to list backed-up files: %w", err)
	}
	type file struct {
		id   int64
		name string
	}
	var files []file
	for rows.Next() {
		var f file
		if err := rows.Scan(&f.id, &f.name); err != nil {
			rows.Close()
			return r, fmt.Errorf("db: unable to scan backed-up file: %w", err)
		}
		files = append(files, f)
	}
	rows.Close()
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
	_, err = copyDB.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return r, err
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
