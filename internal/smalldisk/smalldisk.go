//go:build linux

// Package smalldisk gives tests a real file system that really fills up:
// a small tmpfs, mounted for one test, and a filler that leaves it with
// as little room as the test asks. Disk-full behaviour is tested against
// the kernel's own ENOSPC, never a simulated one.
package smalldisk

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// Mount mounts a tmpfs of size (e.g. "4m") on a fresh folder and unmounts
// it when the test ends. It skips the test, saying why, where mounting is
// not allowed (not root, or a container without CAP_SYS_ADMIN).
func Mount(t testing.TB, size string) string {
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

// FillTo writes a filler file into dir until at most leave bytes are free
// (0: until the file system refuses more), and returns its path; removing
// it makes the room again.
func FillTo(t testing.TB, dir string, leave int64) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	for {
		var st syscall.Statfs_t
		if err := syscall.Statfs(dir, &st); err != nil {
			t.Fatal(err)
		}
		free := int64(st.Bavail) * st.Bsize
		if leave > 0 && free <= leave {
			return path
		}
		n := int64(len(chunk))
		if leave > 0 {
			n = min(n, free-leave)
		}
		if _, err := f.Write(chunk[:n]); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling: %v", err)
			}
			return path
		}
	}
}
