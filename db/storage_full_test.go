//go:build linux

package db

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/kinconecta/helpdesk/internal/smalldisk"
)

// A write the disk has no room for comes back as ESTORAGEFULL (507), not
// an internal error, with no path in its message; once room is made the
// same database takes writes again.
func TestWriteOnFullDiskIsStorageFull(t *testing.T) {
	sqliteOnly(t)
	dir := smalldisk.Mount(t, "4m")
	d, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	filler := filepath.Join(dir, "filler")
	f, err := os.Create(filler)
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := f.Write(make([]byte, 64<<10)); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			break
		}
	}
	f.Close()

	ticket := NewTicket{RoleContext: "guest", FullName: "Ana", Email: "ana@example.com", Subject: "Pago duplicado",
		Category: "General Inquiry", Message: strings.Repeat("Me cobraron dos veces. ", 400)}
	var fullErr error
	// The write-ahead log may have room left from earlier commits: write
	// until it has none.
	for range 1000 {
		if _, _, fullErr = d.CreateTicket(t.Context(), ticket, Actor{Type: "requester"}); fullErr != nil {
			break
		}
	}
	if got := ErrorCode(fullErr); got != ESTORAGEFULL {
		t.Fatalf("write on a full disk: %v (code %s), want %s", fullErr, got, ESTORAGEFULL)
	}
	if strings.Contains(fullErr.Error(), dir) {
		t.Errorf("the message shows the data folder: %q", fullErr)
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if _, _, err := d.CreateTicket(t.Context(), ticket, Actor{Type: "requester"}); err != nil {
		t.Fatalf("a write after room was made: %v", err)
	}
}
