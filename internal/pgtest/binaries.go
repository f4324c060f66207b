package pgtest

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
)

// howToInstall ends every "not available" error: the tests do not skip
// without PostgreSQL, they say how to get it.
const howToInstall = "install it with apt-get install postgresql (make test installs it when run as root)"

// Available is nil when a cluster can be started here: initdb and
// pg_ctl are found and, when running as root (which initdb refuses),
// the postgres user exists to run them. Otherwise its error says how to
// install PostgreSQL.
func Available() error {
	if _, err := binDir(); err != nil {
		return err
	}
	if os.Geteuid() == 0 {
		if _, err := user.Lookup("postgres"); err != nil {
			return fmt.Errorf("pgtest: running as root, initdb must run as the postgres user, which does not exist (%v): %s", err, howToInstall)
		}
	}
	return nil
}

// binDir is the folder of initdb and pg_ctl: the highest version under
// Debian's /usr/lib/postgresql/VERSION/bin, else where PATH finds initdb.
func binDir() (string, error) {
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	best, bestVersion := "", []int(nil)
	for _, initdb := range found {
		dir := filepath.Dir(initdb)
		v := parseVersion(filepath.Base(filepath.Dir(dir)))
		if v == nil || !executable(filepath.Join(dir, "pg_ctl")) || !executable(initdb) {
			continue
		}
		if best == "" || versionLess(bestVersion, v) {
			best, bestVersion = dir, v
		}
	}
	if best != "" {
		return best, nil
	}
	initdb, err := exec.LookPath("initdb")
	if err != nil {
		return "", fmt.Errorf("pgtest: PostgreSQL is not installed (no initdb under /usr/lib/postgresql/*/bin nor on PATH): %s", howToInstall)
	}
	// Debian's /usr/bin links to wrappers; the real binaries sit beside
	// the link's target.
	if real, err := filepath.EvalSymlinks(initdb); err == nil {
		initdb = real
	}
	dir := filepath.Dir(initdb)
	if !executable(filepath.Join(dir, "pg_ctl")) {
		return "", fmt.Errorf("pgtest: found %s but no pg_ctl beside it: %s", initdb, howToInstall)
	}
	return dir, nil
}

// parseVersion reads "15" or "9.6" as its numbers; nil when it is not one.
func parseVersion(s string) []int {
	var v []int
	for _, part := range strings.Split(s, ".") {
		n, err := strconv.Atoi(part)
		if err != nil {
			return nil
		}
		v = append(v, n)
	}
	return v
}

func versionLess(a, b []int) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return len(a) < len(b)
}

func executable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}
