// Package filestore keeps attachment files under the data directory. A file
// is streamed to a temporary name, synced, and only then renamed into place,
// so a crash never leaves a partial file where a row could point to it.
package filestore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/gabriel-vasile/mimetype"

	"github.com/kinconecta/helpdesk/db"
)

// Store is the attachments folder (the default Files).
type Store struct {
	dir string
	tmp string
	// The last free-space reading (space.go), shared by every request.
	space atomic.Pointer[spaceReading]
}

// Open creates (if needed) the attachments folder inside dataDir and empties
// its temporary folder, where only interrupted uploads can be.
func Open(dataDir string) (*Store, error) {
	s := &Store{dir: filepath.Join(dataDir, "attachments")}
	s.tmp = filepath.Join(s.dir, "tmp")
	if err := os.RemoveAll(s.tmp); err != nil {
		return nil, fmt.Errorf("filestore: unable to clear temp folder: %w", err)
	}
	if err := os.MkdirAll(s.tmp, 0o750); err != nil {
		return nil, fmt.Errorf("filestore: unable to create folder: %w", err)
	}
	return s, nil
}

// Dir is the folder that holds the stored files.
func (s *Store) Dir() string { return s.dir }

// Upload is a received file waiting for its row: in the temporary folder
// (Store) or already in the bucket under its final name (Bucket).
type Upload struct {
	FileName string // the uploader's name, cleaned of any path, its extension the detected type's
	MimeType string // detected from the bytes
	Size     int64
	name     string // random storage name
	keep     func() error
	discard  func()
}

// Receive streams r into a temporary file, at most maxBytes. It answers
// ETOOLARGE past the limit, EUNSUPPORTED when the content is not one of
// the allowed types, a *ReadError when r fails (the client's fault) and
// db.ErrStorageFull when the disk or quota is full; whatever the failure,
// nothing is left on disk.
func (s *Store) Receive(r io.Reader, fileName string, maxBytes int64) (*Upload, error) {
	u := &Upload{FileName: db.CleanFileName(fileName), name: randomName()}
	kept := false
	u.keep = func() error {
		if err := os.Rename(s.tmpPath(u.name), s.path(u.name)); err != nil {
			return diskError("move upload into place", err)
		}
		kept = true
		return syncDir(s.dir)
	}
	u.discard = func() {
		if kept {
			s.Remove(u.name)
			return
		}
		os.Remove(s.tmpPath(u.name))
	}
	f, err := os.OpenFile(s.tmpPath(u.name), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	if err != nil {
		return nil, diskError("create temp file", err)
	}
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(s.tmpPath(u.name))
		}
	}()

	head, err := sniff(r, u)
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(head); err != nil {
		return nil, diskError("write", err)
	}
	// io.Copy reports the reader's and the writer's failures alike; only
	// the writer's are ours (a full disk is no malformed upload).
	dst := &fileWriter{f: f}
	n := len(head)
	rest, err := io.Copy(dst, io.LimitReader(r, maxBytes-int64(n)+1))
	if dst.err != nil {
		return nil, diskError("write", dst.err)
	}
	if err != nil {
		return nil, &ReadError{Err: err}
	}
	u.Size = int64(n) + rest
	if u.Size > maxBytes {
		return nil, tooLarge(u, maxBytes)
	}
	if err := f.Sync(); err != nil {
		return nil, diskError("sync", err)
	}
	if err := f.Close(); err != nil {
		return nil, diskError("close", err)
	}
	ok = true
	return u, nil
}

// sizeLimit writes a limit the way people read it: "10 MB", "512 KB".
func sizeLimit(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d KB", n>>10)
}

// fileWriter remembers whether a failure of io.Copy was the file's.
type fileWriter struct {
	f   *os.File
	err error
}

func (w *fileWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	if err != nil {
		w.err = err
	}
	return n, err
}

// diskError names a failure of our own disk. A full one becomes
// db.ErrStorageFull, whose message carries no path; any other stays an
// internal error (logged with its path, never shown to the client).
func diskError(op string, err error) error {
	if db.IsStorageFull(err) {
		return db.ErrStorageFull
	}
	return fmt.Errorf("filestore: unable to %s: %w", op, err)
}

// ReadError is a failure to read the upload from the client (as opposed
// to a failure of the disk): the client's fault, not ours.
type ReadError struct{ Err error }

func (e *ReadError) Error() string { return "filestore: unable to read upload: " + e.Err.Error() }

// Unwrap exposes the reader's error.
func (e *ReadError) Unwrap() error { return e.Err }

// sniffLen is how much of a file the type detector reads.
const sniffLen = 3072

// DetectType names the content type of a file from its first bytes,
// without parameters ("text/plain", not "text/plain; charset=utf-8").
// mimetype tells SVG, HTML and XML apart from plain text, which
// net/http's sniffer does not (it calls an <svg> file text/plain).
func DetectType(head []byte) string {
	t := mimetype.Detect(head).String()
	if i := strings.IndexByte(t, ';'); i >= 0 {
		t = t[:i]
	}
	return t
}

// Keep puts the upload in its place for good: the local store moves it
// there and syncs the folder so the rename is durable; the bucket has it
// there already. Call it before committing the row that names the file.
func (u *Upload) Keep() error { return u.keep() }

// Discard removes the upload, kept or not; for when its row was not written.
func (u *Upload) Discard() { u.discard() }

// Attachment describes the upload for the database.
func (u *Upload) Attachment() db.NewAttachment {
	return db.NewAttachment{FileName: u.FileName, MimeType: u.MimeType, FileSize: u.Size, StorageName: u.name}
}

func (s *Store) tmpPath(name string) string { return filepath.Join(s.tmp, name) }

// Open opens a stored file for reading.
func (s *Store) Open(name string) (io.ReadCloser, error) {
	if !validName(name) {
		return nil, os.ErrNotExist
	}
	return os.Open(s.path(name))
}

// Remove deletes stored files, logging (not failing) on error: a file left
// behind is an orphan the next start-up sweep removes.
func (s *Store) Remove(names ...string) {
	for _, name := range names {
		if !validName(name) {
			continue
		}
		if err := os.Remove(s.path(name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			slog.Warn("filestore: unable to remove file", "name", name, "err", err)
		}
	}
}

// Sweep removes every stored file whose name known does not report, the
// orphans of a crash between writing a file and committing (or after
// deleting) its row. It returns how many it removed.
func (s *Store) Sweep(known map[string]bool) (int, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return 0, fmt.Errorf("filestore: unable to list files: %w", err)
	}
	removed := 0
	for _, e := range entries {
		if e.IsDir() || known[e.Name()] {
			continue
		}
		if err := os.Remove(s.path(e.Name())); err == nil {
			removed++
		}
	}
	return removed, nil
}

// Ping answers nil: the folder's trouble is its free space (BelowFloor).
func (s *Store) Ping(context.Context) error { return nil }

func (s *Store) path(name string) string { return filepath.Join(s.dir, name) }

func randomName() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// validName guards Open and Remove against names that are not ours.
func validName(name string) bool {
	if len(name) != 32 {
		return false
	}
	_, err := hex.DecodeString(name)
	return err == nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return diskError("open folder", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return diskError("sync folder", err)
	}
	return nil
}
