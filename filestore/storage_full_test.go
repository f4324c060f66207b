//go:build linux

package filestore

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/internal/smalldisk"
)

// textOf is plain text of about n bytes.
func textOf(n int) string {
	return strings.Repeat("Booking reference KC-1234 was paid twice.\n", n/42+1)[:n]
}

// A full disk is the server's trouble, not a malformed upload: the store
// answers db.ErrStorageFull, whose message shows no path, and leaves no
// partial file behind.
func TestReceiveDiskFull(t *testing.T) {
	dir := smalldisk.Mount(t, "1m")
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	smalldisk.FillTo(t, dir, 0)
	for _, size := range []int{100, 256 << 10} {
		_, err := s.Receive(strings.NewReader(textOf(size)), "notes.txt", 1<<20)
		if got := db.ErrorCode(err); got != db.ESTORAGEFULL {
			t.Fatalf("%d bytes: error %v (code %s), want %s", size, err, got, db.ESTORAGEFULL)
		}
		var re *ReadError
		if errors.As(err, &re) {
			t.Errorf("%d bytes: a full disk is reported as the client's read error", size)
		}
		if msg := err.Error(); strings.Contains(msg, dir) || strings.Contains(msg, "/") {
			t.Errorf("%d bytes: the message shows a path: %q", size, msg)
		}
	}
	left, err := os.ReadDir(filepath.Join(dir, "attachments", "tmp"))
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 0 {
		t.Errorf("%d partial files left in the temporary folder", len(left))
	}
}

// failingReader fails the way a client that drops the connection does.
type failingReader struct{ left int }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.left <= 0 {
		return 0, io.ErrUnexpectedEOF
	}
	n := min(len(p), r.left)
	copy(p, textOf(n))
	r.left -= n
	return n, nil
}

// A failure of the client's stream stays a *ReadError (a 400), on a disk
// with room: telling the two apart must not turn one into the other.
func TestReceiveClientFailureIsReadError(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Receive(&failingReader{left: 100 << 10}, "notes.txt", 1<<20)
	var re *ReadError
	if !errors.As(err, &re) || db.ErrorCode(err) == db.ESTORAGEFULL {
		t.Fatalf("error %v, want a *ReadError", err)
	}
}

// FreeSpace measures the smaller of the data and attachments folders'
// file systems, and reuses a reading younger than maxAge.
func TestFreeSpace(t *testing.T) {
	dir := smalldisk.Mount(t, "4m")
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	before, err := s.FreeSpace(0)
	if err != nil {
		t.Fatal(err)
	}
	if before <= 3<<20 || before > 4<<20 {
		t.Fatalf("free %d bytes on an empty 4 MiB disk", before)
	}
	if err := os.WriteFile(filepath.Join(dir, "helpdesk.db"), make([]byte, 1<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	if cached, _ := s.FreeSpace(time.Hour); cached != before {
		t.Errorf("a fresh reading was not reused: %d, then %d", before, cached)
	}
	after, err := s.FreeSpace(0)
	if err != nil {
		t.Fatal(err)
	}
	if before-after < 1<<20 {
		t.Errorf("free %d, then %d after writing 1 MiB", before, after)
	}
	// An attachments folder on a smaller file system of its own (a mount
	// under the data folder) is the one that fills first.
	small := &Store{dir: smalldisk.Mount(t, "1m")}
	if got, _ := small.FreeSpace(0); got > 1<<20 {
		t.Errorf("free %d with attachments on a 1 MiB disk", got)
	}
}
