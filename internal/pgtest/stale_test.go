package pgtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// A cluster whose test binary died is stopped and its folder removed;
// the cluster of a live binary (ours) is left running.
func TestRemoveStale(t *testing.T) {
	ours, err := running()
	if err != nil {
		t.Fatal(err)
	}
	orphan, err := startCluster()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := os.Stat(orphan.dir); err == nil {
			orphan.stop()
		}
	})
	server, ok := readPid(filepath.Join(orphan.data(), "postmaster.pid"))
	if !ok || !alive(server) {
		t.Fatalf("orphan's server is not running (postmaster.pid: %d, %v)", server, ok)
	}
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(orphan.dir, ownerFile), []byte(strconv.Itoa(dead.Process.Pid)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	removeStale(orphan.bin)

	if _, err := os.Stat(orphan.dir); !os.IsNotExist(err) {
		t.Fatalf("stale folder %s still there: %v", orphan.dir, err)
	}
	// pg_ctl returns once postmaster.pid is gone, a moment before the
	// server's process ends.
	for deadline := time.Now().Add(10 * time.Second); alive(server); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("stale server %d still running", server)
		}
	}
	if err := ours.admin("SELECT 1"); err != nil {
		t.Fatalf("our own cluster after removeStale: %v", err)
	}
}
