package main

import (
	"strings"
	"testing"

	"github.com/kinconecta/helpdesk/filestore"
)

func TestCheckDatabaseURL(t *testing.T) {
	for _, tc := range []struct {
		name, url string
		ok        bool
	}{
		{"Embedded", "", true},
		{"Postgres", "postgres://helpdesk:s3cret@db.internal:5432/helpdesk?sslmode=verify-full", true},
		{"PostgreSQL", "postgresql://helpdesk@db.internal/helpdesk", true},
		{"Socket", "postgres://postgres@/helpdesk?host=/run/postgresql", true},
		{"ErrScheme", "mysql://helpdesk:s3cret@db.internal/helpdesk", false},
		{"ErrKeyValue", "host=db.internal password=s3cret", false},
		{"ErrPort", "postgres://helpdesk:s3cret@db.internal:port/helpdesk", false},
		{"ErrNotURL", "postgres://helpdesk:s3cret@db.internal:5432/helpdesk\x7f", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkDatabaseURL("--database-url", tc.url)
			if got := err == nil; got != tc.ok {
				t.Fatalf("checkDatabaseURL(%q) = %v, want ok %v", tc.url, err, tc.ok)
			}
			if err == nil {
				return
			}
			if _, usage := err.(errUsage); !usage || !strings.Contains(err.Error(), "--database-url") || strings.Contains(err.Error(), "s3cret") {
				t.Fatalf("error %q: want a usage error naming the flag, without the password", err)
			}
		})
	}
}

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://helpdesk:s3cret@db:5432/helpdesk":         "postgres://helpdesk:xxxxx@db:5432/helpdesk",
		"postgres://helpdesk@db/helpdesk?password=s3cret":     "postgres://helpdesk@db/helpdesk?password=xxxxx",
		"postgres://db/helpdesk?sslmode=require":              "postgres://db/helpdesk?sslmode=require",
		"postgres://helpdesk:s3cret@db:port/helpdesk\x7f":     "(a URL that does not parse)",
		"postgresql://helpdesk:s3cret@/helpdesk?host=/run/pg": "postgresql://helpdesk:xxxxx@/helpdesk?host=/run/pg",
	} {
		if got := redactURL(in); got != want {
			t.Errorf("redactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestDataLockDecision: serve owns its data folder whenever the folder
// holds the database or the files, and only then.
func TestDataLockDecision(t *testing.T) {
	bucket := &filestore.BucketConfig{}
	for _, tc := range []struct {
		name string
		cfg  serveConfig
		lock bool
	}{
		{"Embedded", serveConfig{}, true},
		{"EmbeddedBucket", serveConfig{files: bucket}, true},
		{"PostgresLocalFiles", serveConfig{databaseURL: "postgres://db/helpdesk"}, true},
		{"PostgresBucket", serveConfig{databaseURL: "postgres://db/helpdesk", files: bucket}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.cfg.keepsStateInDataDir(); got != tc.lock {
				t.Fatalf("keepsStateInDataDir = %v, want %v", got, tc.lock)
			}
		})
	}
}

// TestServePostgresLocalFilesLocks: on PostgreSQL with the files in the
// data folder, a second server on that folder is refused, as on the
// embedded engine (TestMigrate runs two on one folder with a bucket).
func TestServePostgresLocalFilesLocks(t *testing.T) {
	data := t.TempDir()
	lock, err := lockDataDir(data)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.release()
	r := runCLI(t, nil, "", "serve", "--data", data, "--addr", freeAddr(t), "--database-url", "postgres://helpdesk@127.0.0.1:1/helpdesk")
	if r.Code != 1 || !strings.Contains(r.Stderr, "in use by another helpdesk") {
		t.Fatalf("second server on the folder: exit %d, %q", r.Code, r.Stderr)
	}
}

// TestBackupRefusedOnPostgres: backup points to PostgreSQL's own tools.
func TestBackupRefusedOnPostgres(t *testing.T) {
	r := runCLI(t, nil, "", "backup", "--database-url", "postgres://u:hunter2@db/helpdesk", t.TempDir())
	if r.Code != 2 || !strings.Contains(r.Stderr, "pg_dump") || !strings.Contains(r.Stderr, "versioning") || strings.Contains(r.Stderr, "hunter2") {
		t.Fatalf("backup with --database-url: exit %d, %q", r.Code, r.Stderr)
	}
}
