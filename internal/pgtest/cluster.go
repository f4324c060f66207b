package pgtest

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// folderPrefix names every cluster folder in os.TempDir(), so that a
// later run finds those a killed run left behind (see stale.go).
const folderPrefix = "pgtest"

// ownerFile, in a cluster's folder, holds the pid of the test binary
// that started it.
const ownerFile = "owner.pid"

// cluster is one running PostgreSQL: its folder holds owner.pid, the
// server's log, the data directory and the unix socket (no TCP).
type cluster struct {
	bin  string // folder of initdb, pg_ctl and postgres
	dir  string
	port int // names the socket file .s.PGSQL.PORT in dir
	// cred runs initdb and pg_ctl as the postgres user when we are root,
	// which they refuse; nil otherwise.
	cred *syscall.Credential
}

func (c *cluster) data() string    { return filepath.Join(c.dir, "data") }
func (c *cluster) logPath() string { return filepath.Join(c.dir, "log") }

// settings go into postgresql.conf: a unix socket in the cluster's
// folder only, and durability traded for speed, since the data is
// thrown away.
func (c *cluster) settings() string {
	return strings.Join([]string{
		"",
		"# pgtest: throwaway data, socket only",
		"listen_addresses = ''",
		"unix_socket_directories = " + confString(c.dir),
		"fsync = off",
		"synchronous_commit = off",
		"full_page_writes = off",
		"max_connections = 200",
		"shared_buffers = 64MB",
		"",
	}, "\n")
}

// startCluster makes a folder, runs initdb and starts the server. The
// folder is removed again when it fails.
func startCluster() (_ *cluster, err error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", folderPrefix)
	if err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	c := &cluster{bin: bin, dir: dir}
	defer func() {
		if err != nil {
			os.RemoveAll(dir)
		}
	}()
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	if os.Geteuid() == 0 {
		if c.cred, err = postgresUser(); err != nil {
			return nil, err
		}
		if err := os.Chown(dir, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
			return nil, fmt.Errorf("pgtest: hand %s to the postgres user: %w", dir, err)
		}
	}
	if err := c.initdb(); err != nil {
		return nil, err
	}
	conf, err := os.OpenFile(filepath.Join(c.data(), "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	_, err = conf.WriteString(c.settings())
	if cerr := conf.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("pgtest: write postgresql.conf: %w", err)
	}
	// The socket lives in our own folder, so another cluster's port
	// cannot collide with it; a retry with another port costs little in
	// case something (a lock file, shared memory) still does.
	for attempt := 1; ; attempt++ {
		c.port = 5433 + rand.IntN(20000)
		err = c.run("pg_ctl", "-w", "-t", "60", "-D", c.data(), "-l", c.logPath(), "-o", "-p "+strconv.Itoa(c.port), "start")
		if err == nil {
			return c, nil
		}
		tail := c.logTail()
		if attempt == 3 || !strings.Contains(tail, "in use") && !strings.Contains(tail, "already exists") {
			return nil, fmt.Errorf("pgtest: start PostgreSQL in %s: %v\nlast lines of %s:\n%s", dir, err, c.logPath(), tail)
		}
	}
}

// initdb makes the data directory: superuser postgres, trusted local
// connections, UTF8 with the C.UTF-8 locale (byte order, as our SQLite
// compares). Without that locale it falls back to --no-locale, which
// orders the same; the ICU collations the schema creates need neither.
func (c *cluster) initdb() error {
	args := []string{"-D", c.data(), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"}
	err := c.run("initdb", append(args, "--locale=C.UTF-8")...)
	if err == nil {
		return nil
	}
	if !strings.Contains(err.Error(), "invalid locale") {
		return fmt.Errorf("pgtest: initdb: %w", err)
	}
	os.RemoveAll(c.data())
	if err2 := c.run("initdb", append(args, "--no-locale")...); err2 != nil {
		return fmt.Errorf("pgtest: initdb: %w (with --locale=C.UTF-8: %v)", err2, err)
	}
	return nil
}

// stop ends the server at once (its data is thrown away, so nothing is
// worth a clean shutdown) and removes the folder.
func (c *cluster) stop() error {
	err := c.run("pg_ctl", "-w", "-D", c.data(), "-m", "immediate", "stop")
	if rerr := os.RemoveAll(c.dir); err == nil {
		err = rerr
	}
	return err
}

// run runs a PostgreSQL program from c.bin, as c.cred when set, in the
// cluster's folder (postgres may not enter ours); its error carries the
// program's output.
func (c *cluster) run(program string, args ...string) error {
	cmd := command(c.bin, c.cred, program, args...)
	cmd.Dir = c.dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %v: %s", program, strings.Join(args, " "), err, bytes.TrimSpace(out))
	}
	return nil
}

// command is program from bin run as cred (nil: as we are), with no PG*
// variables of ours (PGDATA, PGPORT ...) to change what it does. It dies
// with us: an initdb outliving a killed test binary would refill the
// folder the next run's removeStale is emptying. (The server itself,
// started by pg_ctl in a session of its own, does not.)
func command(bin string, cred *syscall.Credential, program string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(bin, program), args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PG") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGKILL}
	return cmd
}

// logTail is the last lines of the server's log, for error messages.
func (c *cluster) logTail() string {
	b, err := os.ReadFile(c.logPath())
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > 30 {
		lines = lines[len(lines)-30:]
	}
	return strings.Join(lines, "\n")
}

// postgresUser is the credential of the postgres user, which Debian's
// package creates.
func postgresUser() (*syscall.Credential, error) {
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("pgtest: running as root, initdb must run as the postgres user: %v: %s", err, howToInstall)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("pgtest: postgres user: %w", err)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// confString quotes s for postgresql.conf.
func confString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
