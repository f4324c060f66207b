package filestore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/kinconecta/helpdesk/db"
)

const (
	// partSize is the most of an upload held in memory at once: the
	// client sends a file of unknown length in parts of this size (the
	// least S3 accepts), so memory stays flat whatever the file's size.
	partSize = 5 << 20
	// opTimeout bounds one request of ours (a delete, a listing page);
	// uploads and downloads run as long as their client keeps pace.
	opTimeout = 30 * time.Second
)

// Bucket keeps attachment files in an S3-compatible bucket, under
// PREFIX + the random storage name. An upload goes straight to its final
// key (Keep has nothing left to do); Discard deletes it when its row was
// not written, and the start-up Sweep deletes what a crash left between
// the two. Downloads stream through the helpdesk, which authorises them:
// the bucket need not (and should not) be public.
type Bucket struct {
	cfg    BucketConfig
	client *minio.Client
	// disk is the data folder of the embedded database, whose free-space
	// floor and reserve (BelowFloor, ReleaseReserve) still guard the
	// database; nil where there is none.
	disk *Store
	// journal notes each object before it is written and names the
	// leftovers the sweep may remove (UseJournal); nil sweeps nothing.
	journal Journal
}

// Journal is what the bucket asks of the store (db.DB, file_intents) so
// that its sweep removes only its own leftovers: an object is noted before
// it is written and forgotten when its row commits, and a name noted long
// ago that no row names is a crash's leftover. An object no row names is
// not enough: it may be another helpdesk's on the same prefix, or newer
// than the backup a restored database came from.
type Journal interface {
	NoteFileIntent(ctx context.Context, name string) error
	StaleFileIntents(ctx context.Context) ([]string, error)
	ForgetFileIntents(ctx context.Context, names []string) error
}

// UseJournal makes the bucket note each upload in j before writing it,
// and sweep from j. Call it before the first Receive.
func (b *Bucket) UseJournal(j Journal) { b.journal = j }

// OpenBucket connects to the bucket and checks that it is there and
// answers. disk, when not nil, is the local store whose folder holds the
// database (see Bucket.disk).
func OpenBucket(ctx context.Context, cfg BucketConfig, disk *Store) (*Bucket, error) {
	client, err := minio.New(cfg.Endpoint, &minio.Options{Creds: cfg.creds, Secure: cfg.Secure, Region: cfg.Region})
	if err != nil {
		return nil, fmt.Errorf("filestore: %s: %w", cfg, err)
	}
	b := &Bucket{cfg: cfg, client: client, disk: disk}
	if err := b.Ping(ctx); err != nil {
		return nil, err
	}
	return b, nil
}

// String names the bucket without credentials.
func (b *Bucket) String() string { return b.cfg.String() }

func (b *Bucket) key(name string) string { return b.cfg.Prefix + name }

// Receive streams r into the bucket under a new random name, at most
// maxBytes, in parts of partSize. The errors are Store.Receive's, except
// that a failure of the bucket is an internal error (never
// db.ErrStorageFull); whatever the failure, no object is left.
func (b *Bucket) Receive(r io.Reader, fileName string, maxBytes int64) (*Upload, error) {
	u := &Upload{FileName: db.CleanFileName(fileName), name: randomName()}
	u.keep = func() error { return nil }
	u.discard = func() { b.Remove(u.name) }
	head, err := sniff(r, u)
	if err != nil {
		return nil, err
	}
	if b.journal != nil {
		if err := b.journal.NoteFileIntent(context.Background(), u.name); err != nil {
			return nil, err
		}
	}
	src := &uploadReader{r: io.MultiReader(bytes.NewReader(head), r), left: maxBytes}
	info, err := b.client.PutObject(context.Background(), b.cfg.Bucket, b.key(u.name), src, -1,
		minio.PutObjectOptions{ContentType: u.MimeType, PartSize: partSize})
	switch {
	case src.tooLarge:
		err = tooLarge(u, maxBytes)
	case src.err != nil:
		err = &ReadError{Err: src.err}
	case err != nil:
		err = fmt.Errorf("filestore: unable to store %s in %s: %w", u.name, b.cfg, err)
	}
	if err != nil {
		// A failed multipart upload is aborted by the client; a single
		// part may have landed before the failure was seen.
		b.Remove(u.name)
		return nil, err
	}
	u.Size = info.Size
	return u, nil
}

// errTooLarge stops an upload past its limit.
var errTooLarge = errors.New("filestore: upload past its limit")

// uploadReader passes an upload to the client, stopping it past left
// bytes, and remembers whether a failure was the upload's own (the
// client's fault) rather than the bucket's.
type uploadReader struct {
	r        io.Reader
	left     int64
	tooLarge bool
	err      error
}

func (u *uploadReader) Read(p []byte) (int, error) {
	n, err := u.r.Read(p)
	u.left -= int64(n)
	if u.left < 0 {
		u.tooLarge = true
		return 0, errTooLarge
	}
	if err != nil && err != io.EOF {
		u.err = err
	}
	return n, err
}

// Open streams a stored object; os.ErrNotExist when there is none. The
// object is read as the caller reads, never whole in memory.
func (b *Bucket) Open(name string) (io.ReadCloser, error) {
	if !validName(name) {
		return nil, os.ErrNotExist
	}
	obj, err := b.client.GetObject(context.Background(), b.cfg.Bucket, b.key(name), minio.GetObjectOptions{})
	if err == nil {
		// The first request is made here, so that a missing object or a
		// bucket that does not answer is an error now, not a cut body.
		if _, err = obj.Stat(); err != nil {
			obj.Close()
		}
	}
	if err != nil {
		if minio.ToErrorResponse(err).Code == minio.NoSuchKey {
			return nil, os.ErrNotExist
		}
		return nil, fmt.Errorf("filestore: unable to read %s from %s: %w", name, b.cfg, err)
	}
	return obj, nil
}

// Remove deletes stored objects, logging (not failing) on error: an
// object left behind is an orphan the next start-up sweep removes.
func (b *Bucket) Remove(names ...string) {
	for _, name := range names {
		if !validName(name) {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		err := b.client.RemoveObject(ctx, b.cfg.Bucket, b.key(name), minio.RemoveObjectOptions{})
		cancel()
		if err != nil && minio.ToErrorResponse(err).Code != minio.NoSuchKey {
			slog.Warn("filestore: unable to remove object", "name", name, "bucket", b.cfg.String(), "err", err)
		}
	}
}

// Sweep removes the crash leftovers the journal names (UseJournal): noted
// more than db.FileIntentGrace ago and named by no row, with their
// unfinished multipart uploads. known is not consulted: a bucket is never
// swept by what no row names (Journal says why). Without a journal it
// removes nothing.
func (b *Bucket) Sweep(map[string]bool) (int, error) {
	if b.journal == nil {
		return 0, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	total := 0
	for {
		names, err := b.journal.StaleFileIntents(ctx)
		if err != nil || len(names) == 0 {
			return total, err
		}
		b.Remove(names...)
		b.abortUploads(ctx, names)
		if err := b.journal.ForgetFileIntents(ctx, names); err != nil {
			return total, err
		}
		total += len(names)
	}
}

// abortUploads aborts the unfinished multipart uploads of names.
func (b *Bucket) abortUploads(ctx context.Context, names []string) {
	for _, name := range names {
		if !validName(name) {
			continue
		}
		if err := b.client.RemoveIncompleteUpload(ctx, b.cfg.Bucket, b.key(name)); err != nil &&
			minio.ToErrorResponse(err).Code != "NoSuchUpload" {
			slog.Warn("filestore: unable to abort an unfinished upload", "name", name, "err", err)
		}
	}
}

// BelowFloor watches the database's data folder, when there is one (see
// Bucket.disk): the bucket itself has no floor.
func (b *Bucket) BelowFloor(floor int64, fresh bool) (bool, int64, error) {
	if b.disk == nil {
		return false, -1, nil
	}
	return b.disk.BelowFloor(floor, fresh)
}

// ReleaseReserve gives up the data folder's reserve, when there is one.
func (b *Bucket) ReleaseReserve() bool { return b.disk != nil && b.disk.ReleaseReserve() }

// Ping asks whether the bucket is there (a HEAD request): nil when it
// answers that it is.
func (b *Bucket) Ping(ctx context.Context) error {
	ok, err := b.client.BucketExists(ctx, b.cfg.Bucket)
	switch {
	case err != nil:
		return fmt.Errorf("filestore: %s does not answer: %w", b.cfg, err)
	case !ok:
		return fmt.Errorf("filestore: bucket %q does not exist at %s: create it first", b.cfg.Bucket, b.cfg)
	}
	return nil
}
