//go:build linux

package main

// Process tests of backups that must not hurt: a backup written into its
// own source would be swept away as orphan files by the next start, and a
// backup cut short must never pass for a whole one.

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kinconecta/helpdesk/internal/smalldisk"
)

// sourceWithFiles makes a data folder holding n tickets with one file of
// size bytes each, through a real server that is stopped again, and
// returns the folder and the tickets.
func sourceWithFiles(t *testing.T, n, size int) (string, []apiTicket, []testFile) {
	t.Helper()
	data := t.TempDir()
	s := startServer(t, data, []string{"HELPDESK_CREATE_RATE=0"})
	client := newClient(t)
	var tickets []apiTicket
	var files []testFile
	for i := range n {
		f := testFile{Name: "export.txt", Data: bytes.Repeat([]byte(fmt.Sprintf("Booking KC-%04d paid twice.\n", i)), size/28)}
		tk, r, err := createMultipart(client, s.URL, fmt.Sprintf("Export %d", i), []testFile{f})
		if err != nil || r.Status != http.StatusCreated {
			t.Fatalf("create %d: %v %d %s", i, err, r.Status, r.Body)
		}
		tickets, files = append(tickets, tk), append(files, f)
	}
	client.CloseIdleConnections()
	s.stop()
	return data, tickets, files
}

// filesServed checks that a server on a data folder serves every ticket's
// file with the bytes it was created with.
func filesServed(t *testing.T, s *server, tickets []apiTicket, files []testFile) {
	t.Helper()
	client := newClient(t)
	for i, tk := range tickets {
		r := mustSend(t, client, "GET", s.URL+attachmentPath(tk.ID, tk.Attachments[0].ID), "", tk.AccessToken, nil)
		if r.Status != http.StatusOK || !bytes.Equal(r.Body, files[i].Data) {
			t.Fatalf("ticket %d's file: %d, %d bytes; want 200 and its %d bytes", tk.ID, r.Status, len(r.Body), len(files[i].Data))
		}
	}
	client.CloseIdleConnections()
}

// A backup into its own source folder, or into any folder inside it, by
// whatever spelling or symbolic link, is refused with one line, before
// anything is written; the source keeps serving its files.
func TestBackupRefusesTargetInsideSource(t *testing.T) {
	data, tickets, files := sourceWithFiles(t, 2, 4096)
	links := t.TempDir()
	toSource, toAttachments := filepath.Join(links, "to-source"), filepath.Join(links, "to-attachments")
	if err := os.Symlink(data, toSource); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(data, "attachments"), toAttachments); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, source, target string
		created              string // a folder the refusal must not create
	}{
		{"Attachments", data, filepath.Join(data, "attachments"), ""},
		{"NewSubfolder", data, filepath.Join(data, "backups", "today"), filepath.Join(data, "backups")},
		{"ItselfSpelledOtherwise", data, data + "/./attachments/..", ""},
		{"SymlinkToSource", data, toSource, ""},
		{"SymlinkIntoSource", data, filepath.Join(toAttachments, "copy"), filepath.Join(data, "attachments", "copy")},
		{"SourceThroughSymlink", toSource, filepath.Join(data, "copy"), filepath.Join(data, "copy")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, nil, "", "backup", "--data", tt.source, tt.target)
			if r.Code != 1 || strings.Count(r.Stderr, "\n") != 1 || !strings.Contains(r.Stderr, "inside") {
				t.Fatalf("backup --data %s %s: exit %d, stdout %q, stderr %q; want 1 and one line saying the target is inside the source",
					tt.source, tt.target, r.Code, r.Stdout, r.Stderr)
			}
			if tt.created != "" {
				if _, err := os.Stat(tt.created); err == nil {
					t.Errorf("the refused backup created %s", tt.created)
				}
			}
		})
	}
	if _, err := os.Stat(filepath.Join(data, "attachments", "helpdesk.db")); err == nil {
		t.Fatal("a backup database was written into the source's attachments")
	}
	s := startServer(t, data, nil)
	filesServed(t, s, tickets, files)
	s.stop()
}

// A backup cut short by a full disk is marked unfinished: serve, and the
// commands that write, refuse the folder with one line; running the backup
// again starts over and yields a whole backup that serves every file.
func TestBackupCutShortIsMarked(t *testing.T) {
	data, tickets, files := sourceWithFiles(t, 3, 2<<20)
	dir := smalldisk.Mount(t, "16m")
	target := filepath.Join(dir, "backup")
	filler := smalldisk.FillTo(t, dir, 3<<20)

	r := runCLI(t, nil, "", "backup", "--data", data, target)
	if r.Code != 1 || strings.Count(r.Stderr, "\n") != 1 {
		t.Fatalf("backup onto a disk with 3 MiB free for 6 MiB of files: exit %d, stderr %q; want 1 and one line", r.Code, r.Stderr)
	}
	if _, err := os.Stat(filepath.Join(target, "helpdesk.db")); err != nil {
		t.Fatalf("the cut-short backup left no database (%v): this test wants the failure part-way", err)
	}

	addr := freeAddr(t)
	s := launch(t, nil, "http://"+addr, "--data", target, "--addr", addr, "--base-url", "http://"+addr)
	select {
	case <-s.done:
	case <-time.After(readyTimeout):
		t.Fatalf("serve started on a cut-short backup; log:\n%s", s.Log)
	}
	if st, log := s.state, s.Log.String(); st.ExitCode() != 1 || strings.Count(log, "\n") != 1 || !strings.Contains(log, "did not finish") || !strings.Contains(log, target) {
		t.Fatalf("serve on a cut-short backup: %v, log %q; want exit 1 and one line naming the folder and saying the backup did not finish", st, log)
	}
	if r := runCLI(t, nil, "", "apikey", "create", "--data", target, "--name", "on a broken backup"); r.Code != 1 || !strings.Contains(r.Stderr, "did not finish") {
		t.Errorf("apikey create on a cut-short backup: exit %d, stderr %q; want it refused", r.Code, r.Stderr)
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	r = runCLI(t, nil, "", "backup", "--data", data, target)
	if r.Code != 0 {
		t.Fatalf("backup again once there is room: exit %d, stderr %q; want it to start over", r.Code, r.Stderr)
	}
	restored := startServer(t, target, nil, "--min-free-mb", "1")
	filesServed(t, restored, tickets, files)
	restored.stop()
}

// A backup of a folder that holds no helpdesk (a mistyped --data, a
// variable lost in a move) is refused, and makes neither an empty
// database there nor a backup folder: before, it "backed up" a fresh
// empty helpdesk and exited 0.
func TestBackupRefusesFolderWithoutDatabase(t *testing.T) {
	dir := t.TempDir()
	source, target := filepath.Join(dir, "typo"), filepath.Join(dir, "backup")
	r := runCLI(t, nil, "", "backup", "--data", source, target)
	if r.Code != 1 || !strings.Contains(r.Stderr, "holds no helpdesk database") {
		t.Fatalf("backup of %s: exit %d, stderr %q; want 1 and no helpdesk database", source, r.Code, r.Stderr)
	}
	for _, p := range []string{filepath.Join(source, "helpdesk.db"), target} {
		if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s exists after the refusal (%v)", p, err)
		}
	}
}
