package filestore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/internal/s3test"
)

// impl is one Files implementation under test, with a way to see what it
// holds: every stored object or file, finished or not.
type impl struct {
	name  string
	files func(t *testing.T) (Files, func(t *testing.T) []string)
}

func impls() []impl {
	return []impl{
		{"local", func(t *testing.T) (Files, func(t *testing.T) []string) {
			s, err := Open(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			return s, func(t *testing.T) []string {
				var names []string
				for _, dir := range []string{s.dir, s.tmp} {
					entries, err := os.ReadDir(dir)
					if err != nil {
						t.Fatal(err)
					}
					for _, e := range entries {
						if !e.IsDir() {
							names = append(names, e.Name())
						}
					}
				}
				return names
			}
		}},
		{"bucket", func(t *testing.T) (Files, func(t *testing.T) []string) {
			srv := s3test.Start(t)
			cfg, err := ParseBucketURL(srv.URL("attachments"))
			if err != nil {
				t.Fatal(err)
			}
			b, err := OpenBucket(context.Background(), cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			// The store's journal, as serve gives it (UseJournal).
			journal, err := db.Open(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { journal.Close() })
			b.UseJournal(journal)
			return b, func(t *testing.T) []string {
				var names []string
				for _, k := range srv.Keys(t) {
					names = append(names, strings.TrimPrefix(k, "attachments/"))
				}
				return names
			}
		}},
	}
}

// png is a file the detector calls image/png.
func png(n int) []byte {
	b := make([]byte, n)
	copy(b, "\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR")
	for i := 16; i < n; i++ {
		b[i] = byte(i * 7)
	}
	return b
}

func readAll(t *testing.T, f Files, name string) []byte {
	t.Helper()
	r, err := f.Open(name)
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	return b
}

// TestFilesConformance runs the same cases against the data folder and a
// real S3-compatible bucket (versitygw).
func TestFilesConformance(t *testing.T) {
	for _, im := range impls() {
		t.Run(im.name, func(t *testing.T) {
			f, stored := im.files(t)

			t.Run("receive keep open remove", func(t *testing.T) {
				want := png(100_000)
				u, err := f.Receive(bytes.NewReader(want), "shot.jpeg", 1<<20)
				if err != nil {
					t.Fatal(err)
				}
				if u.MimeType != "image/png" || u.FileName != "shot.png" || u.Size != int64(len(want)) {
					t.Fatalf("upload = %q %q %d", u.MimeType, u.FileName, u.Size)
				}
				if err := u.Keep(); err != nil {
					t.Fatal(err)
				}
				name := u.Attachment().StorageName
				if got := readAll(t, f, name); !bytes.Equal(got, want) {
					t.Fatalf("read back %d bytes, not the %d stored", len(got), len(want))
				}
				f.Remove(name)
				if _, err := f.Open(name); !errors.Is(err, os.ErrNotExist) {
					t.Fatalf("open after remove: %v, want ErrNotExist", err)
				}
				if _, err := f.Open("../../etc/passwd"); !errors.Is(err, os.ErrNotExist) {
					t.Fatalf("open of a name not ours: %v", err)
				}
				if s := stored(t); len(s) != 0 {
					t.Fatalf("left %v", s)
				}
			})

			t.Run("refused leaves nothing", func(t *testing.T) {
				for _, c := range []struct {
					body []byte
					code string
				}{
					{[]byte("<html><script>alert(1)</script></html>"), db.EUNSUPPORTED},
					{png(300_000), db.ETOOLARGE},
					{nil, db.EINVALID},
				} {
					_, err := f.Receive(bytes.NewReader(c.body), "x.png", 200_000)
					if db.ErrorCode(err) != c.code {
						t.Fatalf("receive: %v, want %s", err, c.code)
					}
				}
				if s := stored(t); len(s) != 0 {
					t.Fatalf("refused uploads left %v", s)
				}
			})

			t.Run("a failing client leaves nothing", func(t *testing.T) {
				r := io.MultiReader(bytes.NewReader(png(6<<20)), iotestErr{})
				_, err := f.Receive(r, "x.png", 20<<20)
				var re *ReadError
				if !errors.As(err, &re) {
					t.Fatalf("receive: %v, want a ReadError", err)
				}
				if s := stored(t); len(s) != 0 {
					t.Fatalf("a cut upload left %v", s)
				}
			})

			t.Run("discard when the row fails", func(t *testing.T) {
				// Kept, then the row's transaction fails: the caller discards.
				u, err := f.Receive(bytes.NewReader(png(5000)), "a.png", 1<<20)
				if err != nil {
					t.Fatal(err)
				}
				if err := u.Keep(); err != nil {
					t.Fatal(err)
				}
				u.Discard()
				// Not kept at all (another file of the form was refused).
				v, err := f.Receive(bytes.NewReader(png(5000)), "b.png", 1<<20)
				if err != nil {
					t.Fatal(err)
				}
				v.Discard()
				if s := stored(t); len(s) != 0 {
					t.Fatalf("discarded uploads left %v", s)
				}
			})

			t.Run("sweep", func(t *testing.T) {
				if b, ok := f.(*Bucket); ok {
					// The earlier subtests' files never had rows: start
					// the journal afresh.
					if err := b.journal.(*db.DB).ExecUnchecked(context.Background(), `DELETE FROM file_intents`); err != nil {
						t.Fatal(err)
					}
				}
				var names []string
				for range 3 {
					u, err := f.Receive(bytes.NewReader(png(2000)), "s.png", 1<<20)
					if err != nil {
						t.Fatal(err)
					}
					if err := u.Keep(); err != nil {
						t.Fatal(err)
					}
					names = append(names, u.Attachment().StorageName)
				}
				known := map[string]bool{names[0]: true}
				if b, ok := f.(*Bucket); ok {
					// A bucket sweeps only its journal's leftovers: the
					// first file's row committed (its note forgotten), and
					// an object this helpdesk never noted (another's on
					// the prefix, or newer than a restored backup) is
					// never removed, however old.
					journal := b.journal.(*db.DB)
					if err := journal.ForgetFileIntents(context.Background(), names[:1]); err != nil {
						t.Fatal(err)
					}
					foreign := randomName()
					if err := b.Put(context.Background(), foreign, bytes.NewReader(png(100)), 100, "image/png"); err != nil {
						t.Fatal(err)
					}
					defer b.Remove(foreign)
					if n, err := f.Sweep(nil); err != nil || n != 0 {
						t.Fatalf("sweep of young leftovers = %d, %v; want 0", n, err)
					}
					journal.Now = func() time.Time { return time.Now().Add(db.FileIntentGrace + time.Hour) }
					n, err := f.Sweep(nil)
					if err != nil || n != 2 {
						t.Fatalf("sweep = %d, %v; want 2", n, err)
					}
					if s := stored(t); len(s) != 2 || !slices.Contains(s, names[0]) || !slices.Contains(s, foreign) {
						t.Fatalf("after sweep: %v, want %s and the foreign %s", s, names[0], foreign)
					}
					f.Remove(names[0])
					return
				}
				n, err := f.Sweep(known)
				if err != nil || n != 2 {
					t.Fatalf("sweep = %d, %v; want 2", n, err)
				}
				if s := stored(t); len(s) != 1 || s[0] != names[0] {
					t.Fatalf("after sweep: %v, want only %s", s, names[0])
				}
				f.Remove(names[0])
			})

			t.Run("30 MB with flat memory", func(t *testing.T) {
				const size = 30 << 20
				peak := measurePeak(t, func() {
					u, err := f.Receive(newPNGStream(size), "big.png", 40<<20)
					if err != nil {
						t.Fatal(err)
					}
					if err := u.Keep(); err != nil {
						t.Fatal(err)
					}
					if u.Size != size {
						t.Fatalf("size %d, want %d", u.Size, size)
					}
					r, err := f.Open(u.Attachment().StorageName)
					if err != nil {
						t.Fatal(err)
					}
					h := sha256.New()
					n, err := io.Copy(h, r)
					r.Close()
					if err != nil || n != size {
						t.Fatalf("read back %d bytes, %v", n, err)
					}
					want := sha256.New()
					io.Copy(want, newPNGStream(size))
					if !bytes.Equal(h.Sum(nil), want.Sum(nil)) {
						t.Fatal("read back other bytes than were stored")
					}
					f.Remove(u.Attachment().StorageName)
				})
				t.Logf("peak heap growth for a 30 MiB file: %.1f MiB", float64(peak)/(1<<20))
				if peak > 16<<20 {
					t.Fatalf("heap grew %.1f MiB for a 30 MiB file: the file is held in memory", float64(peak)/(1<<20))
				}
			})

			t.Run("ping", func(t *testing.T) {
				if err := f.Ping(context.Background()); err != nil {
					t.Fatal(err)
				}
			})
		})
	}
}

// TestBucketUnreachable: a bucket that stops answering fails Ping within
// its deadline, and an upload to it is an internal error, not a client's.
func TestBucketUnreachable(t *testing.T) {
	srv := s3test.Start(t)
	cfg, err := ParseBucketURL(srv.URL(""))
	if err != nil {
		t.Fatal(err)
	}
	b, err := OpenBucket(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	if err := b.Ping(ctx); err == nil {
		t.Fatal("ping of a stopped server succeeded")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("ping took %v past its deadline", d)
	}
	if _, err := OpenBucket(ctx, cfg, nil); err == nil {
		t.Fatal("OpenBucket of a stopped server succeeded")
	}
}

// TestParseBucketURL covers the accepted shapes and the refusals.
func TestParseBucketURL(t *testing.T) {
	c, err := ParseBucketURL("s3://k:s@files/help/desk?endpoint=http://127.0.0.1:9000&region=eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	if c.Bucket != "files" || c.Prefix != "help/desk/" || c.Endpoint != "127.0.0.1:9000" || c.Secure || c.Region != "eu-west-1" {
		t.Fatalf("parsed %+v", c)
	}
	if s := c.String(); strings.Contains(s, "k:s") {
		t.Fatalf("String shows the credentials: %s", s)
	}
	if c, err := ParseBucketURL("s3://files"); err != nil || c.Endpoint != "s3.amazonaws.com" || !c.Secure || c.Prefix != "" {
		t.Fatalf("AWS default: %+v %v", c, err)
	}
	for _, bad := range []string{"http://files", "s3://", "s3://b?endpoint=ftp://x", "s3://b?endpoint=http://", "s3://b?bucket=x", "s3://k@b", "s3://k:secret@b?endpoint=nope"} {
		_, err := ParseBucketURL(bad)
		if err == nil {
			t.Errorf("%q accepted", bad)
		} else if strings.Contains(err.Error(), "secret") {
			t.Errorf("%q: the error shows the secret: %v", bad, err)
		}
	}
}

type iotestErr struct{}

func (iotestErr) Read([]byte) (int, error) { return 0, errors.New("connection reset by client") }

// pngStream is size bytes of a PNG-looking file, made as it is read (the
// test holds no copy of it).
type pngStream struct {
	left int
	head []byte
	rng  *rand.ChaCha8
}

func newPNGStream(size int) io.Reader {
	var seed [32]byte
	return &pngStream{left: size, head: png(64), rng: rand.NewChaCha8(seed)}
}

func (p *pngStream) Read(b []byte) (int, error) {
	if p.left == 0 {
		return 0, io.EOF
	}
	b = b[:min(len(b), p.left)]
	n := copy(b, p.head)
	p.head = p.head[n:]
	if n < len(b) {
		p.rng.Read(b[n:])
	}
	p.left -= len(b)
	return len(b), nil
}

// measurePeak runs fn and returns how far the live heap rose above where
// it started, sampled every few milliseconds, with the collector kept
// eager so that garbage does not pass for retained memory.
func measurePeak(t *testing.T, fn func()) uint64 {
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak atomic.Uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > base && ms.HeapAlloc-base > peak.Load() {
				peak.Store(ms.HeapAlloc - base)
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	fn()
	close(done)
	<-stopped
	return peak.Load()
}
