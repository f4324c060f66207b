package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// unprivileged is a user whom file modes bind, and a copy of the helpdesk
// binary that user may run.
type unprivileged struct {
	cred *syscall.Credential // nil: the test's own user
	bin  string
	base string // a folder that user may enter, for data folders
}

// asUnprivileged prepares to run the helpdesk as a user whom file modes
// bind: the test's own user, or nobody when the test runs as root (root
// writes whatever the mode says). It skips the test when that is not
// possible.
func asUnprivileged(t *testing.T) unprivileged {
	t.Helper()
	base, err := os.MkdirTemp("", "helpdesk-unprivileged-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Give back what a test took away, so that the folder can go.
		filepath.WalkDir(base, func(p string, d os.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				os.Chmod(p, 0o755)
			}
			return nil
		})
		os.RemoveAll(base)
	})
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	u := unprivileged{base: base, bin: filepath.Join(base, "helpdesk")}
	if err := copyExecutable(helpdeskBinary(t), u.bin); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		nobody, err := user.Lookup("nobody")
		if err != nil {
			t.Skipf("running as root and there is no user nobody to run the helpdesk as: %v", err)
		}
		uid, _ := strconv.ParseUint(nobody.Uid, 10, 32)
		gid, _ := strconv.ParseUint(nobody.Gid, 10, 32)
		u.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if r := u.run(t, "help"); r.Code != 0 {
			t.Skipf("running as root, and nobody cannot run %s (is %s closed to other users?): exit %d %s", u.bin, os.TempDir(), r.Code, r.Stderr)
		}
	}
	return u
}

func copyExecutable(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// command is the helpdesk with args, run as the user.
func (u unprivileged) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, u.bin, args...)
	cmd.Env = childEnv()
	if u.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: u.cred}
	}
	return cmd
}

// run runs the helpdesk with args to completion (serve is stopped after
// cliTimeout: it should have exited long before).
func (u unprivileged) run(t *testing.T, args ...string) cliResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cliTimeout)
	defer cancel()
	cmd := u.command(ctx, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := cliResult{Stdout: stdout.String(), Stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee) && ee.Exited():
		r.Code = ee.ExitCode()
	default:
		t.Fatalf("helpdesk %s: %v (still running after %v?); stderr %q", strings.Join(args, " "), err, cliTimeout, r.Stderr)
	}
	return r
}

// serve starts `helpdesk serve` on data as the user and waits until it is
// ready.
func (u unprivileged) serve(t *testing.T, data string) *server {
	t.Helper()
	addr := freeAddr(t)
	s := launchCmd(t, u.command(context.Background(), "serve", "--data", data, "--addr", addr, "--base-url", "http://"+addr), data, "http://"+addr)
	s.waitReady()
	return s
}

// mkdata makes an empty data folder the user owns.
func (u unprivileged) mkdata(t *testing.T) string {
	t.Helper()
	data := filepath.Join(u.base, "data")
	if err := os.Mkdir(data, 0o750); err != nil {
		t.Fatal(err)
	}
	if u.cred != nil {
		if err := os.Chown(data, int(u.cred.Uid), int(u.cred.Gid)); err != nil {
			t.Fatal(err)
		}
	}
	return data
}

// TestDataDirNotWritable makes part of a data folder read-only for the
// user the helpdesk runs as (nobody, when the tests run as root): the
// database file, a WAL left by a crash, the folder itself. serve, user add
// and apikey create each end with exit 1 and one line naming the path that
// is not writable, before SQLite touches the folder; once the mode is
// given back, serve starts.
func TestDataDirNotWritable(t *testing.T) {
	tests := []struct {
		name     string
		crash    bool   // leave a -wal and -shm behind, as kill -9 does
		path     string // made read-only, relative to the data folder
		mode     os.FileMode
		restored os.FileMode
	}{
		{"DatabaseFile", false, "helpdesk.db", 0o444, 0o640},
		{"LeftoverWAL", true, "helpdesk.db-wal", 0o444, 0o640},
		{"Folder", false, ".", 0o555, 0o750},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := asUnprivileged(t)
			data := u.mkdata(t)
			if r := u.run(t, "apikey", "create", "--data", data, "--name", "setup"); r.Code != 0 {
				t.Fatalf("apikey create: exit %d: %s", r.Code, r.Stderr)
			}
			if tt.crash {
				s := u.serve(t, data)
				s.kill()
				if _, err := os.Stat(filepath.Join(data, tt.path)); err != nil {
					t.Fatalf("the crash left no %s: %v", tt.path, err)
				}
			}
			target := filepath.Join(data, tt.path)
			if err := os.Chmod(target, tt.mode); err != nil {
				t.Fatal(err)
			}

			for _, args := range [][]string{
				{"serve", "--data", data, "--addr", "127.0.0.1:0"},
				{"apikey", "create", "--data", data, "--name", "refused"},
			} {
				r := u.run(t, args...)
				line := strings.TrimSpace(r.Stderr)
				if r.Code != 1 || strings.Count(r.Stderr, "\n") != 1 || !strings.Contains(line, filepath.Clean(target)) || !strings.Contains(line, "not writable") {
					t.Fatalf("%s with %s mode %o: exit %d, stderr %q; want 1 and one line saying %s is not writable",
						args[0], tt.path, tt.mode, r.Code, r.Stderr, filepath.Clean(target))
				}
			}

			if err := os.Chmod(target, tt.restored); err != nil {
				t.Fatal(err)
			}
			s := u.serve(t, data)
			s.stop()
		})
	}
}
