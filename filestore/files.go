package filestore

import (
	"context"
	"io"

	"github.com/kinconecta/helpdesk/db"
)

// Files is where attachment files live, as the handlers and the mail
// listener see it: the data folder (Store, the default) or an
// S3-compatible bucket (Bucket). A file is received under a random
// storage name before its row is written, kept once the row is about to
// commit and discarded when it is not; what a crash leaves in between is
// an orphan the start-up Sweep removes.
type Files interface {
	// Receive stores r as a new upload of at most maxBytes, typed from
	// its bytes; the errors are Store.Receive's.
	Receive(r io.Reader, fileName string, maxBytes int64) (*Upload, error)
	// Open reads a stored file; os.ErrNotExist when there is none.
	Open(name string) (io.ReadCloser, error)
	// Remove deletes stored files, logging (not failing) on error.
	Remove(names ...string)
	// Sweep removes the stored files known does not name and reports how
	// many it removed.
	Sweep(known map[string]bool) (int, error)
	// BelowFloor reports whether the data folder is below floor bytes free
	// (see Store.BelowFloor); never, where there is no folder to watch.
	BelowFloor(floor int64, fresh bool) (low bool, free int64, err error)
	// ReleaseReserve gives up the data folder's reserve (see
	// Store.ReleaseReserve); false where there is none.
	ReleaseReserve() bool
	// Ping answers nil when files can be stored and read now.
	Ping(ctx context.Context) error
}

var (
	_ Files = (*Store)(nil)
	_ Files = (*Bucket)(nil)
)

// sniff reads the first bytes of an upload, as many as the type detector
// reads, and types u from them: its MimeType, and its FileName's extension
// the detected type's (see NameFor). It answers EINVALID for an empty
// file, EUNSUPPORTED for a type not accepted and a *ReadError when r fails.
func sniff(r io.Reader, u *Upload) ([]byte, error) {
	head := make([]byte, sniffLen)
	n, err := io.ReadFull(r, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, &ReadError{Err: err}
	}
	head = head[:n]
	if n == 0 {
		return nil, db.Errorf(db.EINVALID, "%q is empty", u.FileName)
	}
	u.MimeType = DetectType(head)
	if !db.IsAllowedType(u.MimeType) {
		return nil, db.Errorf(db.EUNSUPPORTED, "%q is not an accepted file type (PNG, JPEG, GIF, WebP, HEIC, PDF or plain text)", u.FileName)
	}
	// Every upload passes here, web and email alike: the stored name's
	// extension is the detected type's (see NameFor).
	u.FileName = NameFor(u.FileName, u.MimeType)
	return head, nil
}

// tooLarge is the answer to an upload past maxBytes.
func tooLarge(u *Upload, maxBytes int64) error {
	return db.Errorf(db.ETOOLARGE, "%q is larger than the %s limit", u.FileName, sizeLimit(maxBytes))
}
