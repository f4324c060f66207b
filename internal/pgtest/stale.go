package pgtest

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// removeStale stops and removes the clusters that killed test binaries
// left in os.TempDir(): pg_ctl detaches the server into a session of its
// own, so it outlives a test binary that never reached Stop, and every
// such run would leave one more running. A folder counts as stale when
// its owner.pid names a dead process; its server, if still running, is
// stopped first (and the folder kept when that fails). Folders without
// a readable owner.pid (just being made, or another user's) are left
// alone.
func removeStale(bin string) {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), folderPrefix+"*"))
	for _, dir := range dirs {
		owner, ok := readPid(filepath.Join(dir, ownerFile))
		if !ok || alive(owner) {
			continue
		}
		c := &cluster{bin: bin, dir: dir}
		if server, ok := readPid(filepath.Join(c.data(), "postmaster.pid")); ok && alive(server) {
			c.cred = folderOwner(dir)
			if c.stop() != nil {
				continue
			}
		}
		os.RemoveAll(dir)
	}
}

// readPid reads the pid on the first line of a pid file.
func readPid(path string) (int, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	line, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	return pid, err == nil && pid > 0
}

// alive reports whether process pid runs (signal 0 checks without
// sending; EPERM means it exists but is another user's). A zombie, dead
// but not yet reaped (as a killed test binary is for a while when its
// parent is gone), counts as dead.
func alive(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true // no /proc: trust the signal
	}
	// "pid (command) state ...": the command may hold spaces and parentheses.
	i := bytes.LastIndexByte(stat, ')')
	return i < 0 || i+2 >= len(stat) || stat[i+2] != 'Z'
}

// folderOwner is, when we are root, the credential of dir's owner, for
// pg_ctl to run as; nil otherwise (we run it as ourselves).
func folderOwner(dir string) *syscall.Credential {
	if os.Geteuid() != 0 {
		return nil
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return nil
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || st.Uid == 0 {
		return nil
	}
	return &syscall.Credential{Uid: st.Uid, Gid: st.Gid}
}
