package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kinconecta/helpdesk/db"
)

// TestDataLock starts a second server on a served data folder: it exits 1
// with one line naming the first server's pid, without touching the
// first one's uploads in progress, and the first keeps serving. Beside the
// running server, user add and apikey create still work (the key is good
// on it at once), and a backup into the served folder is refused, naming
// the pid. Once the first server is killed with SIGKILL, a new one starts
// on the folder at once.
func TestDataLock(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, data, nil)
	pid := strconv.Itoa(s.cmd.Process.Pid)
	// What an upload in progress leaves in the temporary folder; a second
	// server would clear that folder at its start.
	inflight := filepath.Join(data, "attachments", "tmp", "upload-in-progress")
	if err := os.WriteFile(inflight, []byte("half an upload"), 0o640); err != nil {
		t.Fatal(err)
	}

	addr := freeAddr(t)
	second := launch(t, nil, "http://"+addr, "--data", data, "--addr", addr, "--base-url", "http://"+addr)
	select {
	case <-second.done:
	case <-time.After(readyTimeout):
		t.Fatalf("a second server on the same data folder is still running after %v; its log:\n%s", readyTimeout, second.Log)
	}
	log := second.Log.String()
	if got := second.state.ExitCode(); got != 1 {
		t.Fatalf("the second server exited %d, want 1; its log:\n%s", got, log)
	}
	if want := "in use by another helpdesk (pid " + pid + ")"; strings.Count(log, "\n") != 1 || !strings.Contains(log, want) || !strings.Contains(log, data) {
		t.Fatalf("the second server said %q; want one line naming the folder and saying %q", log, want)
	}
	if _, err := os.Stat(inflight); err != nil {
		t.Fatalf("the refused server removed the first one's upload in progress: %v", err)
	}

	client := newClient(t)
	if _, r, err := createJSON(client, s.URL, "after a second server was refused"); err != nil || r.Status != http.StatusCreated {
		t.Fatalf("the first server after the refusal: %v %d %s", err, r.Status, r.Body)
	}
	key := mintAPIKey(t, data, "agent")
	if r := mustSend(t, client, "GET", s.URL+"/api/support-tickets", "", key, nil); r.Status != http.StatusOK {
		t.Fatalf("a key minted beside the running server answers %d: %s", r.Status, r.Body)
	}
	if r := runCLI(t, nil, "correct horse battery staple\n", "user", "add", "--data", data,
		"--email", "beside@example.com", "--name", "Beside", "--role", "agent"); r.Code != 0 {
		t.Fatalf("user add beside the running server: exit %d, stderr %q", r.Code, r.Stderr)
	}
	// Another helpdesk's backup aimed at the served folder.
	other := t.TempDir()
	if store, err := db.Open(other); err != nil {
		t.Fatal(err)
	} else {
		store.Close()
	}
	r := runCLI(t, nil, "", "backup", "--data", other, data)
	if r.Code != 1 || strings.Count(r.Stderr, "\n") != 1 || !strings.Contains(r.Stderr, "(pid "+pid+")") {
		t.Fatalf("backup into the served folder: exit %d, stderr %q; want 1 and one line naming pid %s", r.Code, r.Stderr, pid)
	}

	client.CloseIdleConnections()
	s.kill()
	s = startServer(t, data, nil)
	s.stop()
}
