package mail

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/filestore"
	"github.com/kinconecta/helpdesk/internal/storetest"
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
	log   *slog.Logger // nil: quietLog
}

var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))

func newDesk(t *testing.T) *testDesk {
	t.Helper()
	return newDeskOn(t, t.TempDir())
}

// newDeskOn is newDesk with its data folder at dir.
func newDeskOn(t *testing.T, dir string) *testDesk {
	t.Helper()
	store := storetest.Open(t, dir)
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
		ConfirmPerAddress: DefaultConfirmPerAddress, ConfirmPerDomain: DefaultConfirmPerDomain,
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
	log := d.log
	if log == nil {
		log = quietLog
	}
	svc, err := Start(d.db, d.files, d.cfg, log)
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

// settle waits (at most 30 s, for a loaded machine) until none of the
// ticket's notifications is pending: each was sent, failed or held back.
// The worker records a row only after the server took it, so what the
// mailbox holds then is final for that ticket.
func (d *testDesk) settle(t *testing.T, ticketID int64) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		rows, err := d.db.Notifications(context.Background(), "pending", 10000)
		if err != nil {
			t.Fatal(err)
		}
		waiting := 0
		for _, n := range rows {
			if n.TicketID == ticketID {
				waiting++
			}
		}
		if waiting == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("ticket %d: %d notifications still pending", ticketID, waiting)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// stopped describes the ticket's notifications that were not delivered,
// for failure messages.
func (d *testDesk) stopped(t *testing.T, ticketID int64) string {
	t.Helper()
	rows, err := d.db.Notifications(context.Background(), "failed", 10000)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, n := range rows {
		if n.TicketID == ticketID {
			out = append(out, fmt.Sprintf("%s %s: %s", n.Kind, n.Status, n.LastError))
		}
	}
	return strings.Join(out, "; ")
}

// replyAddress is the signed reply address of a ticket, as its emails
// carry it.
func (d *testDesk) replyAddress(t *testing.T, ticketID int64) string {
	t.Helper()
	key, err := d.db.ServerKey(context.Background(), replyKeyName)
	if err != nil {
		t.Fatal(err)
	}
	return replyAddresses{key: key, domain: d.cfg.ReplyDomain}.For(ticketID)
}
