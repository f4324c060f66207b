//go:build linux

package filestore

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/kinconecta/helpdesk/internal/smalldisk"
)

// The reserve is set aside in the data folder when there is room for it
// twice over, never from the last free bytes; releasing it gives its room
// back at once, once; and it is made again once there is room.
func TestReserveFullDisk(t *testing.T) {
	dir := smalldisk.Mount(t, "24m")
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	stop := s.KeepReserve()
	defer stop()
	path := filepath.Join(dir, ReserveName)
	if st, err := os.Stat(path); err != nil || st.Size() != ReserveSize {
		t.Fatalf("the reserve after KeepReserve on an empty disk: %v %v", st, err)
	}

	filler := smalldisk.FillTo(t, dir, 0)
	before, _ := s.FreeSpace(0)
	if !s.ReleaseReserve() {
		t.Fatal("ReleaseReserve found no reserve to release")
	}
	after, _ := s.FreeSpace(0)
	if after-before < ReserveSize {
		t.Fatalf("releasing the reserve freed %d bytes, want %d", after-before, ReserveSize)
	}
	if s.ReleaseReserve() {
		t.Fatal("a second ReleaseReserve released a reserve again")
	}
	if ok, err := s.makeReserve(); err != nil || ok {
		t.Fatalf("makeReserve with %d bytes free: %v %v; want it to leave the room alone", after, ok, err)
	}
	if _, err := os.Stat(path); err == nil {
		t.Fatal("the reserve was made again from the last free bytes")
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.makeReserve(); err != nil || !ok {
		t.Fatalf("makeReserve with room: %v %v; want the reserve made", ok, err)
	}
	if st, err := os.Stat(path); err != nil || st.Size() != ReserveSize {
		t.Fatalf("the reserve once there was room: %v %v", st, err)
	}
	if left, _ := filepath.Glob(path + ".*"); len(left) != 0 {
		t.Fatalf("making the reserve left %v", left)
	}
}
