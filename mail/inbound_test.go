package mail

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	netmail "net/mail"
	"net/smtp"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kinconecta/helpdesk/db"
)

// replyDesk is a running desk with one ticket whose confirmation has
// arrived, and the reply address that email carries.
func replyDesk(t *testing.T) (*testDesk, db.Ticket, string) {
	t.Helper()
	d := newDesk(t)
	d.start(t)
	tk := d.ticket(t, "Ana Martínez", "ana.martinez@example.com", "Question about tour cancellation", "en")
	a, err := netmail.ParseAddress(d.box.waitFor(t, 1)[0].Get("Reply-To"))
	if err != nil {
		t.Fatal(err)
	}
	return d, tk, a.Address
}

// sendSMTP speaks SMTP to the reply listener as a mail server would.
// It returns the first refusal.
func sendSMTP(t *testing.T, d *testDesk, to string, write func(io.Writer)) error {
	t.Helper()
	c, err := smtp.Dial(d.svc.InboundAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Hello("mx.example.com"); err != nil {
		return err
	}
	if err := c.Mail("ana.martinez@example.com"); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	write(w)
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

func smtpCode(err error) int {
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code
	}
	return 0
}

func testPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{R: 200, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// b64 writes data base64-encoded in 76-character lines.
func b64(data []byte) string {
	s := base64.StdEncoding.EncodeToString(data)
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	return b.String() + s + "\r\n"
}

// crlf turns a readable message with \n into the wire's \r\n.
func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

// TestInboundReply: a reply with a picture and a program lands in the
// thread as the requester's message, quote stripped, the picture stored
// and the program left out, which a system message says.
func TestInboundReply(t *testing.T) {
	d, tk, replyTo := replyDesk(t)
	pic := testPNG(t)
	raw := crlf(`From: Ana <ana.martinez@example.com>
To: `+replyTo+`
Subject: Re: [Ticket #1] Question about tour cancellation
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Gracias, aquí está el recibo.

On Tue, Mar 10, 2026 at 11:00 AM Kinconecta Soporte <soporte@kinconecta.test> wrote:
> Hi Ana,
> We received your request.
--outer
Content-Type: image/png; name="receipt.png"
Content-Disposition: attachment; filename="receipt.png"
Content-Transfer-Encoding: base64

`) + b64(pic) + crlf(`--outer
Content-Type: application/octet-stream
Content-Disposition: attachment; filename="tool.exe"
Content-Transfer-Encoding: base64

`) + b64(append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00"), make([]byte, 200)...)) + "--outer--\r\n"
	if err := sendSMTP(t, d, replyTo, func(w io.Writer) { io.WriteString(w, raw) }); err != nil {
		t.Fatal(err)
	}

	msgs, err := d.db.Messages(context.Background(), tk.ID, true)
	if err != nil || len(msgs) != 2 || msgs[1].Author.Type != db.AuthorSystem || !strings.Contains(msgs[1].Body, "tool.exe") {
		t.Fatalf("thread = %+v, %v; want the reply and a note naming tool.exe", msgs, err)
	}
	m := msgs[0]
	if m.Author.Type != db.AuthorRequester || m.Author.Name != "Ana Martínez" || m.Internal {
		t.Fatalf("author = %+v, internal %v", m.Author, m.Internal)
	}
	if got, want := m.Body, "Gracias, aquí está el recibo."; got != want {
		t.Fatalf("body = %q, want %q", got, want)
	}
	if len(m.Attachments) != 1 {
		t.Fatalf("attachments = %+v", m.Attachments)
	}
	a := m.Attachments[0]
	if a.FileName != "receipt.png" || a.MimeType != "image/png" || a.FileSize != int64(len(pic)) {
		t.Fatalf("attachment = %+v", a)
	}
	f, err := d.files.Open(a.StorageName)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	stored, _ := io.ReadAll(f)
	if !bytes.Equal(stored, pic) {
		t.Fatalf("stored file differs from the attachment")
	}
	if n := filesOnDisk(t, d); n != 1 {
		t.Fatalf("%d files on disk, want the picture alone", n)
	}
}

// filesOnDisk counts stored and temporary files.
func filesOnDisk(t *testing.T, d *testDesk) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(d.files.Dir(), func(_ string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			n++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestInboundRefusesRecipients: only a correctly signed address of an
// existing open ticket is accepted, at RCPT TO, before any data.
func TestInboundRefusesRecipients(t *testing.T) {
	d, tk, replyTo := replyDesk(t)
	key, err := d.db.ServerKey(context.Background(), replyKeyName)
	if err != nil {
		t.Fatal(err)
	}
	signer := replyAddresses{key: key, domain: "help.kinconecta.test"}
	other := d.ticket(t, "Luis", "luis@example.com", "Closed one", "en")
	closed := "closed"
	if _, err := d.db.UpdateTicket(context.Background(), other.ID, db.TicketPatch{Status: &closed}, db.Actor{Type: "system", Name: "test"}); err != nil {
		t.Fatal(err)
	}
	local, _, _ := strings.Cut(replyTo, "@")
	forged := local[:len(local)-4] + "aaaa"
	if forged == local {
		forged = local[:len(local)-4] + "bbbb"
	}
	for _, tc := range []struct{ name, to string }{
		{"ErrForgedSignature", forged + "@help.kinconecta.test"},
		{"ErrNoSignature", fmt.Sprintf("reply+%d@help.kinconecta.test", tk.ID)},
		{"ErrUnknownTicket", signer.For(99999)},
		{"ErrOtherDomain", local + "@elsewhere.example.com"},
		{"ErrNotAReplyAddress", "soporte@help.kinconecta.test"},
		{"ErrClosedTicket", signer.For(other.ID)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := sendSMTP(t, d, tc.to, func(w io.Writer) { t.Fatal("data was asked for") })
			if got := smtpCode(err); got != 550 {
				t.Fatalf("RCPT TO:<%s> answered %v, want 550", tc.to, err)
			}
		})
	}
	t.Run("OK", func(t *testing.T) {
		// The checks above refuse forgeries, not the real address.
		err := sendSMTP(t, d, strings.ToUpper(replyTo), func(w io.Writer) {
			io.WriteString(w, crlf("From: ana.martinez@example.com\nSubject: Re\n\nStill here.\n"))
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// TestInboundBodies covers what a reply's body can be: plain, HTML only,
// nothing but quotes, or an autoresponder's.
func TestInboundBodies(t *testing.T) {
	d, tk, replyTo := replyDesk(t)
	for _, tc := range []struct{ name, raw, want string }{
		{"HTMLOnly", `From: ana.martinez@example.com
Subject: Re
MIME-Version: 1.0
Content-Type: text/html; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

<div>Perfecto, ma=F1ana est=E1 bien.<br>Gracias</div><div class=3D"gmail_quote"><div class=3D"gmail_attr">On Tue wrote:</div><blockquote class=3D"gmail_quote">old</blockquote></div>
`, "Perfecto, mañana está bien.\nGracias"},
		{"OnlyQuotes", `From: ana.martinez@example.com
Subject: Re

> We received your request.
`, ""},
		{"Autoresponder", `From: ana.martinez@example.com
Subject: Out of office
Auto-Submitted: auto-replied

I am away until Monday.
`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := d.db.Messages(context.Background(), tk.ID, true)
			if err := sendSMTP(t, d, replyTo, func(w io.Writer) { io.WriteString(w, crlf(tc.raw)) }); err != nil {
				t.Fatal(err)
			}
			after, err := d.db.Messages(context.Background(), tk.ID, true)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tc.want == "" && len(after) != len(before):
				t.Fatalf("a message was added: %q", after[len(after)-1].Body)
			case tc.want != "" && (len(after) != len(before)+1 || after[len(after)-1].Body != tc.want):
				t.Fatalf("thread = %+v, want a message %q", after, tc.want)
			}
		})
	}
}

// TestInboundRateLimit: one client address gets Burst messages at once,
// then a temporary refusal.
func TestInboundRateLimit(t *testing.T) {
	d := newDesk(t)
	d.cfg.Inbound.RatePerMinute, d.cfg.Inbound.Burst = 1, 2
	d.start(t)
	c, err := smtp.Dial(d.svc.InboundAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i, want := range []int{0, 0, 451} {
		err := c.Mail("someone@example.com")
		if got := smtpCode(err); got != want {
			t.Fatalf("MAIL #%d answered %v, want %d", i+1, err, want)
		}
		if err == nil {
			c.Reset()
		}
	}
}

// TestInboundRoomCountsPublicFiles: files on internal notes have a room of
// their own, so an emailed reply (which is public) still brings its file
// when the notes already hold --max-files.
func TestInboundRoomCountsPublicFiles(t *testing.T) {
	d := newDesk(t)
	d.cfg.Inbound.MaxFiles = 2
	d.start(t)
	tk := d.ticket(t, "Ana", "ana.martinez@example.com", "Receipt", "en")
	replyTo := d.replyAddress(t, tk.ID)
	agent := d.agent(t, "pablo@kinconecta.com", "Pablo")
	var notes []db.NewAttachment
	for _, name := range []string{"call-notes.txt", "refund-check.txt"} {
		u, err := d.files.Receive(strings.NewReader("Checked with the operator: refund due."), name, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		if err := u.Keep(); err != nil {
			t.Fatal(err)
		}
		notes = append(notes, u.Attachment())
	}
	if _, err := d.db.AddMessage(context.Background(), tk.ID, db.NewMessage{Body: "For us only.", Internal: true, Attachments: notes},
		db.Actor{Type: "agent", ID: agent.ID, Name: agent.Name}, d.cfg.Inbound.MaxFiles); err != nil {
		t.Fatal(err)
	}

	raw := crlf(`From: ana.martinez@example.com
Subject: Re: Receipt
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: text/plain; charset=utf-8

Here is the receipt.
--b
Content-Type: image/png; name="receipt.png"
Content-Disposition: attachment; filename="receipt.png"
Content-Transfer-Encoding: base64

`) + b64(testPNG(t)) + "--b--\r\n"
	if err := sendSMTP(t, d, replyTo, func(w io.Writer) { io.WriteString(w, raw) }); err != nil {
		t.Fatal(err)
	}
	public, err := d.db.Messages(context.Background(), tk.ID, false)
	if err != nil || len(public) != 1 {
		t.Fatalf("public thread = %+v, %v; want the reply", public, err)
	}
	if got := public[0].Attachments; len(got) != 1 || got[0].FileName != "receipt.png" {
		t.Fatalf("the reply's files = %+v, want receipt.png", got)
	}
}
