//go:build linux

package filestore

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kinconecta/helpdesk/db"
)

// smallDisk mounts a tmpfs of size bytes on a fresh folder, a real file
// system that really fills up, and unmounts it when the test ends.
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("skipped: filling a real file system needs root, to mount a small tmpfs (run the tests as root)")
	}
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size); err != nil {
		t.Skipf("skipped: cannot mount a tmpfs here (%v): a container without CAP_SYS_ADMIN?", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			syscall.Unmount(dir, syscall.MNT_DETACH)
		}
	})
	return dir
}

// fill writes a file into dir until the file system refuses more.
func fill(t *testing.T, dir string) {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling: %v", err)
			}
			return
		}
	}
}

// textOf is plain text of about n bytes.
func textOf(n int) string {
	return strings.Repeat("Booking reference KC-1234 was paid twice.\n", n/42+1)[:n]
}

// A full disk is the server's trouble, not a malformed upload: the store
// answers db.ErrStorageFull, whose message shows no path, and leaves no
// partial file behind.
func TestReceiveDiskFull(t *testing.T) {
	dir := smallDisk(t, "1m")
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	fill(t, dir)
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
	dir := smallDisk(t, "4m")
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
	small := &Store{dir: smallDisk(t, "1m")}
	if got, _ := small.FreeSpace(0); got > 1<<20 {
		t.Errorf("free %d with attachments on a 1 MiB disk", got)
	}
}
