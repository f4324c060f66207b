//go:build linux

package handlers

import (
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/filestore"
	"github.com/kinconecta/helpdesk/handlers/web"
	"github.com/kinconecta/helpdesk/internal/smalldisk"
)

// newTestServerOn is newTestServer with its data folder at dir.
func newTestServerOn(t *testing.T, dir string, opts ...func(*web.Config)) *testServer {
	t.Helper()
	store, err := db.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	files, err := filestore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg := web.Config{BaseURL: "http://helpdesk.test", MaxFileBytes: 1 << 20, MaxFiles: 5}
	for _, o := range opts {
		o(&cfg)
	}
	app := New(cfg, store, files)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	s := &testServer{URL: "http://" + ln.Addr().String(), DB: store, Files: files, Dir: dir,
		client: &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}}}
	t.Cleanup(func() {
		_ = app.ShutdownWithTimeout(5 * time.Second)
		store.Close()
	})
	if _, s.AgentKey, err = store.CreateAPIKey(t.Context(), "test agent", db.RoleAgent); err != nil {
		t.Fatal(err)
	}
	if _, s.AdminKey, err = store.CreateAPIKey(t.Context(), "test admin", db.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	return s
}

// textFile is plain text of n bytes.
func textFile(n int) string {
	return strings.Repeat("Booking reference KC-1234 was paid twice.\n", n/42+1)[:n]
}

// noPath fails when a response shows where the server keeps its data.
func noPath(t *testing.T, what string, r response, dir string) {
	t.Helper()
	for _, leak := range []string{dir, "/tmp", "attachments/tmp", "no space left"} {
		if strings.Contains(string(r.Body), leak) {
			t.Errorf("%s: the answer shows %q: %s", what, leak, r.Body)
		}
	}
}

// Below the free-space floor the helpdesk refuses new content with 507
// before reading it, /readyz says why, and admins can still delete
// tickets, which brings the room back.
func TestStorageFullFloor(t *testing.T) {
	dir := smalldisk.Mount(t, "16m")
	s := newTestServerOn(t, dir, func(c *web.Config) { c.MinFreeBytes, c.MaxFileBytes = 4<<20, 4<<20 })
	big := s.createTicket(t, nil)
	body, ct := multipartBody(t, part{Name: "file", FileName: "export.txt", Value: textFile(3 << 20)})
	if r := s.do(t, "POST", "/api/support-tickets/"+strconv.FormatInt(big.ID, 10)+"/attachments", ct, body, bearer(s.AgentKey)...); r.StatusCode != http.StatusCreated {
		t.Fatalf("upload with room: %d %s", r.StatusCode, r.Body)
	}
	if r := s.do(t, "GET", "/readyz", "", nil); r.StatusCode != http.StatusOK {
		t.Fatalf("readyz with room: %d %s", r.StatusCode, r.Body)
	}
	small := s.createTicket(t, nil)
	smallPath := "/api/support-tickets/" + strconv.FormatInt(small.ID, 10)

	smalldisk.FillTo(t, dir, 3<<20)

	t.Run("ReadyzSaysWhy", func(t *testing.T) {
		r := s.do(t, "GET", "/readyz", "", nil)
		var h struct{ Status, Reason string }
		r.JSON(t, &h)
		if r.StatusCode != http.StatusServiceUnavailable || h.Status != "unavailable" || !strings.Contains(h.Reason, "--min-free-mb") {
			t.Fatalf("readyz below the floor: %d %s, want 503 naming the floor", r.StatusCode, r.Body)
		}
		noPath(t, "readyz", r, dir)
	})
	refused := func(t *testing.T, what string, r response) {
		t.Helper()
		if r.StatusCode != http.StatusInsufficientStorage {
			t.Fatalf("%s below the floor: %d %s, want 507", what, r.StatusCode, r.Body)
		}
		if p := r.Problem(t); p.Title != "Insufficient Storage" {
			t.Errorf("%s: title %q", what, p.Title)
		}
		noPath(t, what, r, dir)
	}
	t.Run("Upload", func(t *testing.T) {
		body, ct := multipartBody(t, part{Name: "file", FileName: "notes.txt", Value: textFile(1000)})
		refused(t, "upload", s.do(t, "POST", smallPath+"/attachments", ct, body, bearer(small.AccessToken)...))
	})
	t.Run("JSONCreate", func(t *testing.T) {
		refused(t, "create", s.postJSON(t, "/api/support-tickets", validTicket()))
	})
	t.Run("Message", func(t *testing.T) {
		refused(t, "message", s.postJSON(t, smallPath+"/messages", map[string]any{"body": "Any news?"}, bearer(small.AccessToken)...))
	})
	t.Run("SupportFormPage", func(t *testing.T) {
		for lang, want := range map[string]string{"es": "Nuestro almacenamiento está lleno", "en": "Our storage is full"} {
			b := s.newBrowser(t)
			token := b.formToken(t, "/", "Accept-Language", lang)
			r := b.postMultipart(t, "/", formParts(token, supportValues(), part{Name: "attachments", FileName: "a.txt", Value: textBytes}),
				"Accept-Language", lang)
			if r.StatusCode != http.StatusInsufficientStorage {
				t.Fatalf("%s: support form below the floor: %d, want 507", lang, r.StatusCode)
			}
			if got := text(html(t, r).Find("main")); !strings.Contains(got, want) {
				t.Errorf("%s: the page says %q, want %q", lang, got, want)
			}
			noPath(t, "support form", r, dir)
		}
	})
	if got := countTickets(t, s); got != 2 {
		t.Fatalf("%d tickets after the refusals, want 2", got)
	}
	assertNoStrayFiles(t, s)

	// Deleting must work while "full": it is how an admin makes room.
	if r := s.do(t, "DELETE", "/api/support-tickets/"+strconv.FormatInt(big.ID, 10), "", nil, bearer(s.AdminKey)...); r.StatusCode != http.StatusNoContent {
		t.Fatalf("admin delete below the floor: %d %s, want 204", r.StatusCode, r.Body)
	}
	if r := s.do(t, "GET", "/readyz", "", nil); r.StatusCode != http.StatusOK {
		t.Fatalf("readyz after the delete made room: %d %s", r.StatusCode, r.Body)
	}
	if r := s.postJSON(t, "/api/support-tickets", validTicket()); r.StatusCode != http.StatusCreated {
		t.Fatalf("create after the delete made room: %d %s", r.StatusCode, r.Body)
	}
}

// With no floor, a disk that really fills makes uploads and creates answer
// 507 problem+json (not 400 with the server's temporary path, not a bare
// 500), store nothing, and work again once there is room.
func TestStorageFullDisk(t *testing.T) {
	dir := smalldisk.Mount(t, "4m")
	s := newTestServerOn(t, dir, func(c *web.Config) { c.MinFreeBytes = 0 })
	c := s.createTicket(t, nil)
	// Room for a file's first bytes but not for the rest: the failure
	// comes from the copy that also reads the client's upload.
	filler := smalldisk.FillTo(t, dir, 64<<10)

	t.Run("Upload", func(t *testing.T) {
		body, ct := multipartBody(t, part{Name: "file", FileName: "notes.txt", Value: textFile(200 << 10)})
		r := s.do(t, "POST", "/api/support-tickets/"+strconv.FormatInt(c.ID, 10)+"/attachments", ct, body, bearer(c.AccessToken)...)
		if r.StatusCode != http.StatusInsufficientStorage {
			t.Fatalf("upload on a full disk: %d %s, want 507", r.StatusCode, r.Body)
		}
		r.Problem(t)
		noPath(t, "upload", r, dir)
		assertNoStrayFiles(t, s)
	})
	t.Run("JSONCreate", func(t *testing.T) {
		// SQLite's log may have room from earlier commits: create until
		// it has none.
		ticket := validTicket()
		ticket["message"] = strings.Repeat("Me cobraron dos veces. ", 400)
		var r response
		for range 1000 {
			if r = s.postJSON(t, "/api/support-tickets", ticket); r.StatusCode != http.StatusCreated {
				break
			}
		}
		if r.StatusCode != http.StatusInsufficientStorage {
			t.Fatalf("create on a full disk: %d %s, want 507", r.StatusCode, r.Body)
		}
		r.Problem(t)
		noPath(t, "create", r, dir)
	})

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if r := s.postJSON(t, "/api/support-tickets", validTicket()); r.StatusCode != http.StatusCreated {
		t.Fatalf("create once there is room: %d %s", r.StatusCode, r.Body)
	}
}

// A sign-in or deletion that finds the disk full releases the reserve and
// is tried once more; anything else, or a second failure, is the caller's.
func TestWithReserve(t *testing.T) {
	s := newTestServer(t)
	h := newHandler(web.Config{}, s.DB, s.Files)
	reserve := filepath.Join(s.Dir, filestore.ReserveName)
	keep := func() {
		t.Helper()
		stop := s.Files.KeepReserve()
		stop()
		if _, err := os.Stat(reserve); err != nil {
			t.Fatalf("no reserve to release: %v", err)
		}
	}
	keep()
	tries := 0
	err := h.WithReserve("test", func() error {
		if tries++; tries == 1 {
			return db.ErrStorageFull
		}
		return nil
	})
	if err != nil || tries != 2 {
		t.Fatalf("a write that met a full disk: err %v after %d tries, want success on the second", err, tries)
	}
	if _, err := os.Stat(reserve); !os.IsNotExist(err) {
		t.Fatalf("the reserve is still there after the retry: %v", err)
	}
	keep()
	tries = 0
	if err := h.WithReserve("test", func() error { tries++; return errors.New("not a full disk") }); err == nil || tries != 1 {
		t.Errorf("another failure: err %v after %d tries, want it returned after one", err, tries)
	}
	if _, err := os.Stat(reserve); err != nil {
		t.Errorf("the reserve went for a failure that was not a full disk: %v", err)
	}
}
