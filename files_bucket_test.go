package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/kinconecta/helpdesk/internal/s3test"
)

// TestServeWithBucket runs the real binary with --files-url on a real
// S3-compatible server (versitygw): a screenshot sent with a new ticket
// lands in the bucket under the prefix, never in the data folder, and
// downloads byte for byte with our headers; a file whose row is refused
// leaves no object; the backup copies the database only and says so;
// /readyz answers 503 once the bucket stops answering.
func TestServeWithBucket(t *testing.T) {
	srv := s3test.Start(t)
	data := t.TempDir()
	s := startServer(t, data, nil, "--files-url", srv.URL("helpdesk"), "--max-files", "1")
	client := newClient(t)

	shot := newTestFile(rand.New(rand.NewPCG(12, 1)), 0, "screenshot")
	tk, r, err := createMultipart(client, s.URL, "Bucket screenshot", []testFile{shot})
	if err != nil || r.Status != http.StatusCreated || len(tk.Attachments) != 1 {
		t.Fatalf("create: %v %d %s", err, r.Status, r.Body)
	}
	keys := srv.Keys(t)
	if len(keys) != 1 || !strings.HasPrefix(keys[0], "helpdesk/") {
		t.Fatalf("bucket keys %v, want one under helpdesk/", keys)
	}
	if files, temp := storedFiles(t, data); len(files)+len(temp) != 0 {
		t.Fatalf("the data folder holds files %v %v", files, temp)
	}

	get := mustSend(t, client, "GET", s.URL+attachmentPath(tk.ID, tk.Attachments[0].ID), "", tk.AccessToken, nil)
	if get.Status != http.StatusOK || !bytes.Equal(get.Body, shot.Data) {
		t.Fatalf("download: %d, %d bytes, want the %d sent", get.Status, len(get.Body), len(shot.Data))
	}
	for h, want := range map[string]string{
		"Content-Type":            "image/png",
		"Content-Security-Policy": "default-src 'none'; sandbox",
		"X-Content-Type-Options":  "nosniff",
	} {
		if got := get.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if d := get.Header.Get("Content-Disposition"); !strings.HasPrefix(d, "attachment;") || !strings.Contains(d, "screenshot.png") {
		t.Errorf("Content-Disposition = %q", d)
	}
	// The bucket's object is the file itself.
	obj, err := srv.Client.GetObject(context.Background(), s3test.Bucket, keys[0], minio.GetObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	stored, err := io.ReadAll(obj)
	obj.Close()
	if err != nil || !bytes.Equal(stored, shot.Data) {
		t.Fatalf("the object holds %d bytes (%v), not the file", len(stored), err)
	}

	// --max-files 1: the second file is stored, then its row refused; the
	// object goes with it.
	second := newTestFile(rand.New(rand.NewPCG(13, 1)), 1, "second")
	if _, r, err := uploadFiles(client, s.URL, tk.ID, tk.AccessToken, []testFile{second}); err != nil || r.Status < 400 || r.Status >= 500 {
		t.Fatalf("upload past --max-files: %v %d %s", err, r.Status, r.Body)
	}
	if keys := srv.Keys(t); len(keys) != 1 {
		t.Fatalf("after a refused row the bucket holds %v", keys)
	}

	// The backup copies the database only and says where the files are.
	out := runCLI(t, nil, "", "backup", "--data", data, "--files-url", srv.URL("helpdesk"), filepath.Join(t.TempDir(), "b"))
	if out.Code != 0 || !strings.Contains(out.Stdout, "the database only") || strings.Contains(out.Stdout, s3test.SecretKey) {
		t.Fatalf("backup: exit %d, %q %q", out.Code, out.Stdout, out.Stderr)
	}

	srv.Stop()
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get(s.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	var body struct{ Status, Reason string }
	json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body.Reason, "file store") {
		t.Fatalf("readyz with the bucket down: %d %+v", resp.StatusCode, body)
	}
	s.stop()
}

// TestServeBucketRefused: a malformed --files-url is a usage error and a
// bucket that does not answer stops the start, both naming the problem
// without the secret.
func TestServeBucketRefused(t *testing.T) {
	r := runCLI(t, nil, "", "serve", "--data", t.TempDir(), "--files-url", "s3://key:topsecret@b?endpoint=ftp://x")
	if r.Code != 2 || !strings.Contains(r.Stderr, "--files-url") || strings.Contains(r.Stderr, "topsecret") {
		t.Fatalf("malformed URL: exit %d, %q", r.Code, r.Stderr)
	}
	r = runCLI(t, nil, "", "serve", "--data", t.TempDir(), "--addr", freeAddr(t),
		"--files-url", "s3://key:topsecret@b?endpoint=http://"+freeAddr(t))
	if r.Code == 0 || !strings.Contains(r.Stderr, "does not answer") || strings.Contains(r.Stderr, "topsecret") {
		t.Fatalf("unreachable bucket: exit %d, %q", r.Code, r.Stderr)
	}
}
