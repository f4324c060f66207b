package main

import (
	"bytes"
	"context"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/filestore"
	"github.com/kinconecta/helpdesk/internal/pgtest"
	"github.com/kinconecta/helpdesk/internal/s3test"
)

// embeddedHelpdesk is a data folder filled through the store's own API:
// tickets with a conversation, real attachment files, tags, a merge, an
// API key, an agent with a session, and the outbox rows all of it queued.
type embeddedHelpdesk struct {
	data    string
	first   int64 // the ticket with the files, tags and conversation
	token   string
	files   map[int64][]byte // attachment id → its bytes
	apiKey  string
	session string
	agentID int64
}

func seedEmbedded(t *testing.T) embeddedHelpdesk {
	t.Helper()
	ctx := context.Background()
	h := embeddedHelpdesk{data: t.TempDir(), files: map[int64][]byte{}}
	store, err := db.Open(h.data)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	local, err := filestore.Open(h.data)
	if err != nil {
		t.Fatal(err)
	}
	rnd := rand.New(rand.NewPCG(42, 7))
	var sent [][]byte
	receive := func(kind int, name string) db.NewAttachment {
		f := newTestFile(rnd, kind, name)
		u, err := local.Receive(bytes.NewReader(f.Data), f.Name, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		if err := u.Keep(); err != nil {
			t.Fatal(err)
		}
		sent = append(sent, f.Data)
		return u.Attachment()
	}
	agent, err := store.CreateUser(ctx, db.NewUser{Email: "lucia@example.com", Name: "Lucía", Role: db.RoleAgent, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	h.agentID = agent.ID
	by := db.Actor{Type: "agent", ID: agent.ID, Name: "Lucía"}
	requester := db.Actor{Type: "requester", Name: "Ana Ruiz"}
	tk, token, err := store.CreateTicket(ctx, db.NewTicket{RoleContext: "tourist", FullName: "Ana Ruiz", Email: "ana@example.com",
		Subject: "Excursión al Peñón", Category: "Booking", Message: "The boat was cancelled.",
		Attachments: []db.NewAttachment{receive(0, "screenshot")}}, requester)
	if err != nil {
		t.Fatal(err)
	}
	h.first, h.token = tk.ID, token
	other, _, err := store.CreateTicket(ctx, db.NewTicket{RoleContext: "tourist", FullName: "Ana Ruiz", Email: "ana@example.com",
		Subject: "Refund", Category: "Billing", Message: "Where is my refund?"}, requester)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.AddMessage(ctx, h.first, db.NewMessage{Body: "Here is the receipt.",
		Attachments: []db.NewAttachment{receive(1, "receipt")}}, by, 20); err != nil {
		t.Fatal(err)
	}
	if _, err := store.UpdateTicket(ctx, h.first, db.TicketPatch{Tags: &[]string{"boat", "refund"}}, by); err != nil {
		t.Fatal(err)
	}
	if _, err := store.MergeTicket(ctx, other.ID, h.first, by); err != nil {
		t.Fatal(err)
	}
	if _, h.apiKey, err = store.CreateAPIKey(ctx, "crm", db.RoleAgent); err != nil {
		t.Fatal(err)
	}
	h.session = db.NewSessionID()
	if err := store.SaveSession(ctx, h.session, agent.ID, []byte("s"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	atts, err := store.Attachments(ctx, h.first, true)
	if err != nil || len(atts) != len(sent) {
		t.Fatalf("attachments %+v, %v", atts, err)
	}
	for i, a := range atts {
		h.files[a.ID] = sent[i]
	}
	return h
}

// TestMigrate moves an embedded helpdesk into a real PostgreSQL database
// and a real bucket with `helpdesk migrate`, then serves the copy with two
// processes on the source's own data folder (PostgreSQL and a bucket take
// no lock): the tracking link, the API key, the session and the search
// work, every file downloads byte for byte from the bucket through either
// process. A second migrate into the same database is refused.
func TestMigrate(t *testing.T) {
	h := seedEmbedded(t)
	srv := s3test.Start(t)
	target := pgtest.URL(t)
	files := srv.URL("moved")

	out := runCLI(t, nil, "", "migrate", "--data", h.data, "--to", target, "--files-url", files)
	if out.Code != 0 || !strings.Contains(out.Stdout, "and 2 attachment files into") || strings.Contains(out.Stdout+out.Stderr, s3test.SecretKey) {
		t.Fatalf("migrate: exit %d\n%s\n%s", out.Code, out.Stdout, out.Stderr)
	}
	t.Logf("migrate:\n%s", out.Stdout)
	if keys := srv.Keys(t); len(keys) != 2 || !strings.HasPrefix(keys[0], "moved/") {
		t.Fatalf("bucket keys %v, want the 2 files under moved/", keys)
	}

	ctx := context.Background()
	dst, err := db.OpenPostgres(target)
	if err != nil {
		t.Fatal(err)
	}
	if id, err := dst.TicketIDByToken(ctx, h.token); err != nil || id != h.first {
		t.Errorf("tracking token on the copy: ticket %d, %v; want %d", id, err, h.first)
	}
	if _, err := dst.APIKeyBySecret(ctx, h.apiKey); err != nil {
		t.Errorf("API key on the copy: %v", err)
	}
	if _, u, err := dst.SessionByID(ctx, h.session); err != nil || u.ID != h.agentID {
		t.Errorf("session on the copy: user %d, %v", u.ID, err)
	}
	if page, err := dst.ListTickets(ctx, db.TicketFilter{Query: "penon", Limit: 10}); err != nil || len(page.Tickets) != 1 {
		t.Errorf("search penon on the copy: %+v, %v", page.Tickets, err)
	}
	dst.Close()

	client := newClient(t)
	var procs []*server
	for range 2 {
		procs = append(procs, startServer(t, h.data, nil, "--database-url", target, "--files-url", files))
	}
	if log := procs[0].Log.String(); !strings.Contains(log, "database=") || !strings.Contains(log, "helpdesk_test_") {
		t.Errorf("the start line does not name the database:\n%s", log)
	}
	for _, s := range procs {
		for id, want := range h.files {
			got := mustSend(t, client, "GET", s.URL+attachmentPath(h.first, id), "", h.token, nil)
			if got.Status != http.StatusOK || !bytes.Equal(got.Body, want) {
				t.Errorf("%s: attachment %d: %d, %d bytes; want the %d migrated", s.URL, id, got.Status, len(got.Body), len(want))
			}
		}
	}
	for _, s := range procs {
		s.stop()
	}

	again := runCLI(t, nil, "", "migrate", "--data", h.data, "--to", target, "--files-url", files)
	if again.Code != 1 || !strings.Contains(again.Stderr, "not empty") {
		t.Fatalf("second migrate: exit %d, %q", again.Code, again.Stderr)
	}
}

// TestMigrateRefused: what migrate will not do, each with one line and
// no password from a URL.
func TestMigrateRefused(t *testing.T) {
	h := seedEmbedded(t)
	held := t.TempDir()
	seeded := func(dir string) string {
		b, err := os.ReadFile(filepath.Join(h.data, db.FileName))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, db.FileName), b, 0o640); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	unfinished := seeded(t.TempDir())
	if err := os.WriteFile(filepath.Join(unfinished, db.BackupIncomplete), nil, 0o640); err != nil {
		t.Fatal(err)
	}
	lock, err := lockDataDir(seeded(held))
	if err != nil {
		t.Fatal(err)
	}
	defer lock.release()
	const url = "postgres://u:hunter2@127.0.0.1:1/helpdesk"
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"NoTarget", []string{"migrate", "--data", h.data}, 2, "migrate --to"},
		{"NotPostgres", []string{"migrate", "--data", h.data, "--to", "mysql://u:hunter2@h/db"}, 2, "invalid --to: not a postgres:// URL"},
		{"NoDatabase", []string{"migrate", "--data", t.TempDir(), "--to", url}, 1, "nothing to migrate"},
		{"Locked", []string{"migrate", "--data", held, "--to", url}, 1, "in use by another helpdesk"},
		{"UnfinishedBackup", []string{"migrate", "--data", unfinished, "--to", url}, 1, "did not finish"},
		{"Unreachable", []string{"migrate", "--data", h.data, "--to", url}, 1, "PostgreSQL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, nil, "", tc.args...)
			if r.Code != tc.code || !strings.Contains(r.Stderr, tc.want) || strings.Contains(r.Stderr, "hunter2") {
				t.Fatalf("exit %d, %q; want %d and %q, without the password", r.Code, r.Stderr, tc.code, tc.want)
			}
		})
	}
}

// TestMigrateFilesStay: without --files-url the files stay in the data
// folder, and the copy served with it downloads them.
func TestMigrateFilesStay(t *testing.T) {
	h := seedEmbedded(t)
	target := pgtest.URL(t)
	out := runCLI(t, nil, "", "migrate", "--data", h.data, "--to", target)
	if out.Code != 0 || !strings.Contains(out.Stdout, "the 2 attachment files stay in "+filepath.Join(h.data, "attachments")) {
		t.Fatalf("migrate: exit %d\n%s\n%s", out.Code, out.Stdout, out.Stderr)
	}
	s := startServer(t, h.data, nil, "--database-url", target)
	client := newClient(t)
	for id, want := range h.files {
		got := mustSend(t, client, "GET", s.URL+attachmentPath(h.first, id), "", h.token, nil)
		if got.Status != http.StatusOK || !bytes.Equal(got.Body, want) {
			t.Errorf("attachment %d: %d, %d bytes; want the %d kept", id, got.Status, len(got.Body), len(want))
		}
	}
	s.stop()
}
