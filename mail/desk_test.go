package mail

import (
	"context"
	"io"
	"log/slog"
	"regexp"
	"testing"
	"time"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/filestore"
)

const testBaseURL = "https://help.kinconecta.test"

// testDesk is a helpdesk's mail side on a real database under t.TempDir(),
// sending to a mailbox on loopback.
type testDesk struct {
	db    *db.DB
	files *filestore.Store
	box   *mailbox
	cfg   Config
	svc   *Service
}

var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))

func newDesk(t *testing.T) *testDesk {
	t.Helper()
	dir := t.TempDir()
	store, err := db.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	files, err := filestore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	box := startMailbox(t, "127.0.0.1:0")
	return &testDesk{db: store, files: files, box: box, cfg: testConfig(t, box.addr)}
}

// testConfig sends to smtpAddr in plain SMTP, listens for replies on a
// free loopback port, and retries within milliseconds.
func testConfig(t *testing.T, smtpAddr string) Config {
	t.Helper()
	cfg, err := ParseConfig(Settings{
		SMTPURL: "smtp+insecure://" + smtpAddr, From: "Kinconecta Soporte <soporte@kinconecta.test>",
		Listen: "127.0.0.1:0", BaseURL: testBaseURL + "/",
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Worker.PollEvery = 20 * time.Millisecond
	cfg.Worker.BackoffBase = 5 * time.Millisecond
	cfg.Worker.BackoffMax = 50 * time.Millisecond
	cfg.Worker.SendTimeout = 5 * time.Second
	cfg.Inbound.Timeout = 10 * time.Second
	return cfg
}

// start runs the mail service until the test ends (or stop).
func (d *testDesk) start(t *testing.T) *Service {
	t.Helper()
	svc, err := Start(d.db, d.files, d.cfg, quietLog)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(svc.Stop)
	d.svc = svc
	return svc
}

func (d *testDesk) ticket(t *testing.T, name, email, subject, lang string) db.Ticket {
	t.Helper()
	tk, _, err := d.db.CreateTicket(context.Background(), db.NewTicket{
		RoleContext: "tourist", FullName: name, Email: email, Subject: subject, Category: "Booking",
		Message: "My tour is on Friday.\nCan I cancel it?", Language: lang,
	}, db.Actor{Type: "requester", Name: name})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func (d *testDesk) agent(t *testing.T, email, name string) db.User {
	t.Helper()
	u, err := d.db.CreateUser(context.Background(), db.NewUser{Email: email, Name: name, Role: db.RoleAgent, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

var trackLink = regexp.MustCompile(regexp.QuoteMeta(testBaseURL) + `/track/(hdt_[A-Za-z0-9_-]+)`)

// trackToken finds the private link in text and checks that its token
// opens ticketID.
func (d *testDesk) trackToken(t *testing.T, text string, ticketID int64) string {
	t.Helper()
	m := trackLink.FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no tracking link in:\n%s", text)
	}
	id, err := d.db.TicketIDByToken(context.Background(), m[1])
	if err != nil {
		t.Fatalf("token from the email: %v", err)
	}
	if id != ticketID {
		t.Fatalf("token opens ticket %d, want %d", id, ticketID)
	}
	return m[1]
}
