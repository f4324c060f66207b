//go:build linux

package main

// Process tests of a data folder whose disk is really full: a small tmpfs
// filled to the last byte, so every write meets the kernel's own ENOSPC.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kinconecta/helpdesk/internal/smalldisk"
)

// reserveSize is the room the server keeps aside in DATA/reserve.
const reserveSize = 8 << 20

// eatLogRoom makes status changes on ticket id until one is refused with
// 507, so that SQLite's log has no room left either, and returns how many
// went through.
func eatLogRoom(t *testing.T, client *http.Client, s *server, key string, id int64) int {
	t.Helper()
	for i := range 5000 {
		priority := []string{"high", "low"}[i%2]
		body, _ := json.Marshal(map[string]string{"priority": priority})
		r := mustSend(t, client, "PATCH", fmt.Sprintf("%s/api/support-tickets/%d", s.URL, id), "application/json", key, bytes.NewReader(body))
		switch r.Status {
		case http.StatusOK:
		case http.StatusInsufficientStorage:
			return i
		default:
			t.Fatalf("status change %d on a filling disk: %d %s", i, r.Status, r.Body)
		}
	}
	t.Fatalf("5000 status changes fitted on a full disk; log:\n%s", s.Log)
	return 0
}

// With the disk 100% full, an admin can still sign in and delete tickets
// and files to make room: the server keeps a reserve file in the data
// folder and gives it up when a deletion or a sign-in does not fit, then
// tries once more. The log says the floor refuses new content, and the
// reserve comes back once there is room.
func TestFullDiskAdminsMakeRoom(t *testing.T) {
	dir := smalldisk.Mount(t, "48m")
	data := filepath.Join(dir, "data")
	const email, password = "lead@example.com", "correct horse battery staple"
	if r := runCLI(t, nil, password+"\n", "user", "add", "--data", data, "--email", email, "--name", "Lead", "--role", "admin"); r.Code != 0 {
		t.Fatalf("user add: exit %d: %s", r.Code, r.Stderr)
	}
	key := mintAPIKey(t, data, "admin")
	s := startServer(t, data, nil, "--min-free-mb", "1")
	reserve := filepath.Join(data, "reserve")
	if st, err := os.Stat(reserve); err != nil || st.Size() != reserveSize {
		t.Errorf("the reserve after start: %v (size %v); want %d bytes in %s", err, st, reserveSize, reserve)
	}

	client := newClient(t)
	var tickets []apiTicket
	for i := range 3 {
		file := testFile{Name: "export.txt", Data: bytes.Repeat([]byte("Booking KC-1234 paid twice.\n"), 2<<20/28)}
		tk, r, err := createMultipart(client, s.URL, fmt.Sprintf("Export %d", i), []testFile{file})
		if err != nil || r.Status != http.StatusCreated {
			t.Fatalf("create %d: %v %d %s", i, err, r.Status, r.Body)
		}
		tickets = append(tickets, tk)
	}
	// Full to the last byte, SQLite's log included. The writer
	// checkpoints when it has been idle a moment, which lets the log be
	// written from its start again: once that has happened, the log's room
	// is eaten a second time, so the step that follows meets a full disk.
	var filler string
	fill := func(t *testing.T) {
		t.Helper()
		filler = smalldisk.FillTo(t, dir, 0)
		n := eatLogRoom(t, client, s, key, tickets[2].ID)
		time.Sleep(3 * time.Second)
		n += eatLogRoom(t, client, s, key, tickets[2].ID)
		t.Logf("%d status changes fitted after the disk filled", n)
	}
	// Room again: the reserve comes back.
	makeRoom := func(t *testing.T) {
		t.Helper()
		if err := os.Remove(filler); err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			if st, err := os.Stat(reserve); err == nil && st.Size() == reserveSize {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("the reserve did not come back once there was room; log:\n%s", s.Log)
			}
		}
	}
	// Whether a write meets the full disk is not in the test's hands: a
	// write refused for want of room leaves its frames' room at the end of
	// SQLite's log, where a smaller write may still fit. What must hold is
	// that the admin gets through; that the reserve is what let them is
	// TestWithReserve's to show.
	released := func(t *testing.T, want int) {
		t.Helper()
		if got := strings.Count(s.Log.String(), "released the reserve"); got != want {
			t.Logf("the reserve was released %d times so far (%d if every write had met the full disk)", got, want)
		}
	}

	fill(t)
	t.Run("FloorLogged", func(t *testing.T) {
		// A fresh reading of the free space, which the floor reuses.
		mustSend(t, client, "GET", s.URL+"/readyz", "", "", nil)
		if _, r, _ := createJSON(client, s.URL, "On a full disk"); r.Status != http.StatusInsufficientStorage {
			t.Fatalf("create on a full disk: %d %s, want 507", r.Status, r.Body)
		}
		for deadline := time.Now().Add(20 * time.Second); !strings.Contains(s.Log.String(), "below its free-space floor"); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("no log line says the floor refuses new content; log:\n%s", s.Log)
			}
		}
		if log := s.Log.String(); !strings.Contains(log, "free=") || !strings.Contains(log, "floor=") {
			t.Errorf("the floor's log line does not give free and floor:\n%s", log)
		}
	})
	fill(t) // again: a checkpoint may have made room in the log meanwhile
	t.Run("SignIn", func(t *testing.T) {
		if !signInWorks(t, s, email, password) {
			t.Fatalf("an admin cannot sign in on a full disk; log:\n%s", s.Log)
		}
		released(t, 1)
	})

	makeRoom(t)
	fill(t)
	t.Run("DeleteFile", func(t *testing.T) {
		if r := mustSend(t, client, "DELETE", s.URL+attachmentPath(tickets[0].ID, tickets[0].Attachments[0].ID), "", key, nil); r.Status != http.StatusNoContent {
			t.Fatalf("deleting a file on a full disk: %d %s, want 204", r.Status, r.Body)
		}
		released(t, 2)
	})

	makeRoom(t)
	fill(t)
	t.Run("DeleteTicket", func(t *testing.T) {
		if r := mustSend(t, client, "DELETE", fmt.Sprintf("%s/api/support-tickets/%d", s.URL, tickets[1].ID), "", key, nil); r.Status != http.StatusNoContent {
			t.Fatalf("deleting a ticket on a full disk: %d %s, want 204", r.Status, r.Body)
		}
		released(t, 3)
	})

	makeRoom(t)
	if _, r, err := createJSON(client, s.URL, "After making room"); err != nil || r.Status != http.StatusCreated {
		t.Fatalf("create after making room: %v %d %s", err, r.Status, r.Body)
	}
	client.CloseIdleConnections()
	s.stop()
}

// On a full disk a command tells the operator which folder is full and
// what to do, not the end user's "try again later". A fresh data folder
// on a full file system makes the failure certain: its database cannot
// even be created (on a live one, SQLite may still find room in its log).
func TestFullDiskCLIMessage(t *testing.T) {
	dir := smalldisk.Mount(t, "2m")
	smalldisk.FillTo(t, dir, 0)
	data := filepath.Join(dir, "data")
	r := runCLI(t, nil, "", "apikey", "create", "--data", data, "--name", "on a full disk")
	if r.Code != 1 || strings.Count(r.Stderr, "\n") != 1 {
		t.Fatalf("apikey create on a full disk: exit %d, stderr %q; want 1 and one line", r.Code, r.Stderr)
	}
	for _, want := range []string{data, "full", "free"} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("apikey create on a full disk says %q; want it to name the folder and say what to do (%q)", r.Stderr, want)
		}
	}
	if strings.Contains(r.Stderr, "try again later") {
		t.Errorf("apikey create on a full disk gives the end user's message: %q", r.Stderr)
	}
}

// A server that starts below its free-space floor says so in its log.
func TestFullDiskStartBelowFloorLogged(t *testing.T) {
	data := t.TempDir()
	addr := freeAddr(t)
	s := launch(t, nil, "http://"+addr, "--data", data, "--addr", addr, "--base-url", "http://"+addr, "--min-free-mb", "1048576")
	client := newClient(t)
	for deadline := time.Now().Add(readyTimeout); ; time.Sleep(20 * time.Millisecond) {
		if r, err := send(client, "GET", s.URL+"/healthz", "", "", nil); err == nil && r.Status == http.StatusOK {
			break
		}
		if time.Now().After(deadline) || s.exited() {
			t.Fatalf("the server never came up; log:\n%s", s.Log)
		}
	}
	log := s.Log.String()
	if !strings.Contains(log, "below its free-space floor") || !strings.Contains(log, "floor=") {
		t.Fatalf("a start below the floor is not in the log:\n%s", log)
	}
	client.CloseIdleConnections()
	s.stop()
}
