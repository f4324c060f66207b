// Package s3test starts a real S3-compatible server for tests: versitygw
// (pinned in tools/versitygw, a module of its own) over a temporary
// folder, on a free port, with test credentials and one empty bucket.
package s3test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// The test credentials of every server started here.
const (
	AccessKey = "helpdesk-test"
	SecretKey = "helpdesk-test-secret"
	Bucket    = "helpdesk"
)

// Server is a running versitygw.
type Server struct {
	Endpoint string // host:port
	Root     string // its folder: Root/BUCKET/KEY are the objects
	Client   *minio.Client
	cmd      *exec.Cmd
	exited   chan struct{}
}

// URL is the --files-url of the server's bucket under prefix ("" for
// none), the credentials in the URL.
func (s *Server) URL(prefix string) string {
	u := "s3://" + AccessKey + ":" + SecretKey + "@" + Bucket
	if prefix != "" {
		u += "/" + prefix
	}
	return u + "?endpoint=http://" + s.Endpoint + "&region=us-east-1"
}

// Keys lists the keys of the bucket.
func (s *Server) Keys(t testing.TB) []string {
	t.Helper()
	var keys []string
	for o := range s.Client.ListObjects(context.Background(), Bucket, minio.ListObjectsOptions{Recursive: true}) {
		if o.Err != nil {
			t.Fatalf("list bucket: %v", o.Err)
		}
		keys = append(keys, o.Key)
	}
	return keys
}

// Stop ends the server (for a test of a store that does not answer).
func (s *Server) Stop() {
	s.cmd.Process.Kill()
	<-s.exited
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// Start runs a versitygw for the test, stopped at its end, with Bucket
// made. It skips the test, saying why, only when versitygw cannot be
// built (no Go toolchain or module proxy); any other failure fails it.
func Start(t testing.TB) *Server {
	t.Helper()
	buildOnce.Do(func() { binPath, buildErr = build() })
	if buildErr != nil {
		t.Skipf("the S3 tests need versitygw, which cannot be built here: %v", buildErr)
	}
	root := t.TempDir()
	port := freePort(t)
	s := &Server{Endpoint: "127.0.0.1:" + strconv.Itoa(port), Root: root}
	log, err := os.Create(filepath.Join(t.TempDir(), "versitygw.log"))
	if err != nil {
		t.Fatal(err)
	}
	// --sidecar keeps object metadata (part ETags among it) in a folder
	// rather than in extended attributes, which the temporary folder's
	// file system may not support.
	meta := t.TempDir()
	s.cmd = exec.Command(binPath, "--port", s.Endpoint, "--access", AccessKey, "--secret", SecretKey,
		"--region", "us-east-1", "--quiet", "posix", "--sidecar", meta, root)
	s.cmd.Stdout, s.cmd.Stderr = log, log
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start versitygw: %v", err)
	}
	s.exited = make(chan struct{})
	go func() { s.cmd.Wait(); close(s.exited) }()
	t.Cleanup(func() { s.Stop(); log.Close() })
	s.Client, err = minio.New(s.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(AccessKey, SecretKey, ""), Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err = s.Client.MakeBucket(ctx, Bucket, minio.MakeBucketOptions{Region: "us-east-1"})
		cancel()
		if err == nil {
			return s
		}
		select {
		case <-s.exited:
			b, _ := os.ReadFile(log.Name())
			t.Fatalf("versitygw stopped at start: %s", b)
		default:
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(log.Name())
			t.Fatalf("versitygw did not start: %v\n%s", err, b)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// build compiles versitygw from tools/versitygw once per version of its
// go.sum, into the user's cache folder (the Go build cache makes a
// rebuild quick, but linking it costs seconds each package).
func build() (string, error) {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "tools", "versitygw")
	sum, err := os.ReadFile(filepath.Join(dir, "go.sum"))
	if err != nil {
		return "", err
	}
	h := sha256.Sum256(sum)
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	bin := filepath.Join(cache, "helpdesk-test", "versitygw-"+hex.EncodeToString(h[:8]))
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		return "", err
	}
	tmp := fmt.Sprintf("%s.%d", bin, os.Getpid())
	cmd := exec.Command("go", "build", "-o", tmp, "github.com/versity/versitygw/cmd/versitygw")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build in %s: %v: %s", dir, err, strings.TrimSpace(string(out)))
	}
	return bin, os.Rename(tmp, bin)
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
