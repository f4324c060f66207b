package mail

import (
	"context"
	"io"
	"log/slog"
	netmail "net/mail"
	"net/smtp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/kinconecta/helpdesk/db"
)

// deliver speaks SMTP to the listener as a mail server would, with
// envelope sender mailFrom ("" for a bounce's null sender), and returns
// the first refusal (or failure to connect). Safe in any goroutine.
func deliver(t *testing.T, d *testDesk, mailFrom, to, raw string) error {
	t.Helper()
	c, err := smtp.Dial(d.svc.InboundAddr().String())
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Hello("mx.example.com"); err != nil {
		return err
	}
	if err := c.Mail(mailFrom); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	io.WriteString(w, crlf(raw))
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// mailTo is what the mailbox got for addr, whose subject holds subject.
func mailTo(box *mailbox, addr, subject string) []received {
	var out []received
	for _, m := range box.messages() {
		for _, to := range m.To {
			if strings.EqualFold(to, addr) && strings.Contains(m.Get("Subject"), subject) {
				out = append(out, m)
			}
		}
	}
	return out
}

// leftOutReply is a reply with words, a picture, a program (a type we
// refuse) and a text file over the test's 1 KiB limit.
func leftOutReply(t *testing.T, from, messageID string) string {
	t.Helper()
	return `From: ` + from + `
To: reply
Subject: Re: [Ticket #1] Cancel my tour
Message-ID: <` + messageID + `>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: text/plain; charset=utf-8

Te mando el recibo y el programa.
--outer
Content-Type: image/png; name="recibo.png"
Content-Disposition: attachment; filename="recibo.png"
Content-Transfer-Encoding: base64

` + strings.ReplaceAll(b64(testPNG(t)), "\r\n", "\n") + `--outer
Content-Type: application/octet-stream
Content-Disposition: attachment; filename="programa.exe"
Content-Transfer-Encoding: base64

` + strings.ReplaceAll(b64(append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00"), make([]byte, 200)...)), "\r\n", "\n") + `--outer
Content-Type: text/plain; name="registro.txt"
Content-Disposition: attachment; filename="registro.txt"

` + strings.Repeat("una línea del registro de la reserva\n", 60) + `--outer--
`
}

// TestInboundLeftOut: files an emailed reply brings that are not kept
// leave a system message naming each and why, in the ticket's language,
// and the sender gets one email saying so, with their private link; a
// second delivery of the email repeats neither. (Needs the parser's
// leftOut and messageID.)
func TestInboundLeftOut(t *testing.T) {
	d := newDesk(t)
	d.cfg.Inbound.MaxFileBytes = 1 << 10
	d.start(t)
	ctx := context.Background()
	tk := d.ticket(t, "Ana Martínez", "ana.martinez@example.com", "Cancel my tour", "es")
	replyTo := d.replyAddress(t, tk.ID)
	raw := leftOutReply(t, "Ana <ana.martinez@example.com>", "CAF-left-out-1@mail.example.com")
	for range 2 {
		if err := deliver(t, d, "ana.martinez@example.com", replyTo, raw); err != nil {
			t.Fatal(err)
		}
	}
	msgs, err := d.db.Messages(ctx, tk.ID, true)
	if err != nil || len(msgs) != 2 {
		t.Fatalf("thread = %+v, %v; want the reply and one note", msgs, err)
	}
	if m := msgs[0]; m.Author.Type != db.AuthorRequester || m.Body != "Te mando el recibo y el programa." ||
		len(m.Attachments) != 1 || m.Attachments[0].FileName != "recibo.png" {
		t.Fatalf("reply = %+v", m)
	}
	note := msgs[1]
	if note.Author.Type != db.AuthorSystem || note.Internal {
		t.Fatalf("note = %+v, want a public system message", note)
	}
	for _, want := range []string{
		"No se pudo guardar todo lo que traía el correo de Ana:",
		"- programa.exe: no es un tipo de archivo que aceptemos",
		"- registro.txt: pesa más de 1 KB, el máximo por archivo",
	} {
		if !strings.Contains(note.Body, want) {
			t.Errorf("note %q does not say %q", note.Body, want)
		}
	}

	d.settle(t, tk.ID)
	got := mailTo(d.box, "ana.martinez@example.com", "No se guardó todo tu correo")
	if len(got) != 1 {
		t.Fatalf("%d left-out emails to the sender, want 1 (stopped: %s)", len(got), d.stopped(t, tk.ID))
	}
	m := got[0]
	for _, want := range []string{"programa.exe", "registro.txt", "pesa más de 1 KB"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("the email does not name %q:\n%s", want, m.Text)
		}
	}
	d.trackToken(t, m.Text, tk.ID)
	if a, err := netmail.ParseAddress(m.Get("Reply-To")); err != nil || a.Address != replyTo {
		t.Fatalf("Reply-To = %q, want %s so the files can be sent again", m.Get("Reply-To"), replyTo)
	}
	if m.Get("In-Reply-To") != "<ticket-"+itoa(tk.ID)+"@kinconecta.test>" {
		t.Fatalf("In-Reply-To = %q, want the ticket's thread", m.Get("In-Reply-To"))
	}
}

// TestInboundLeftOutOnly: a reply from someone else in the conversation
// that brings nothing we keep leaves only the note, which changes nothing
// of who the ticket waits on; the sender's email does not carry the
// requester's private link. (Needs the parser's leftOut and from.)
func TestInboundLeftOutOnly(t *testing.T) {
	d := newDesk(t)
	d.start(t)
	ctx := context.Background()
	tk := d.ticket(t, "Ana Martínez", "ana.martinez@example.com", "Cancel my tour", "en")
	agent := d.agent(t, "pablo@kinconecta.com", "Pablo")
	if _, err := d.db.AddMessage(ctx, tk.ID, db.NewMessage{Body: "Send us the receipt, please."},
		db.Actor{Type: "agent", ID: agent.ID, Name: agent.Name}, 20); err != nil {
		t.Fatal(err)
	}
	raw := `From: Luis Pérez <luis.perez@example.com>
Subject: Re: Cancel my tour
Message-ID: <only-exe@mail.example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: application/octet-stream
Content-Disposition: attachment; filename="receipt.exe"
Content-Transfer-Encoding: base64

` + strings.ReplaceAll(b64(append([]byte("MZ\x90\x00"), make([]byte, 100)...)), "\r\n", "\n") + `--b--
`
	if err := deliver(t, d, "luis.perez@example.com", d.replyAddress(t, tk.ID), raw); err != nil {
		t.Fatal(err)
	}
	msgs, _ := d.db.Messages(ctx, tk.ID, false)
	if len(msgs) != 2 || msgs[1].Author.Type != db.AuthorSystem ||
		!strings.Contains(msgs[1].Body, "Not everything in the email from Luis Pérez could be kept:\n- receipt.exe: not a type of file we accept") {
		t.Fatalf("thread = %+v, want the answer and the note", msgs)
	}
	after, _ := d.db.Ticket(ctx, tk.ID, false)
	if after.Awaiting == nil || *after.Awaiting != db.AwaitingRequester {
		t.Fatalf("awaiting = %v after the note, want still %s", after.Awaiting, db.AwaitingRequester)
	}
	d.settle(t, tk.ID)
	got := mailTo(d.box, "luis.perez@example.com", "Not everything in your email was kept")
	if len(got) != 1 {
		t.Fatalf("%d left-out emails to Luis, want 1 (stopped: %s)", len(got), d.stopped(t, tk.ID))
	}
	if strings.Contains(got[0].Text, "/track/") || strings.Contains(got[0].HTML, "/track/") {
		t.Fatalf("the email to someone other than the requester carries the private link:\n%s", got[0].Text)
	}
	if !strings.Contains(got[0].Text, "receipt.exe") || !strings.HasPrefix(strings.TrimSpace(got[0].Text), "Hi,") {
		t.Fatalf("the email:\n%s", got[0].Text)
	}
}

// TestInboundEmptyReply: a reply with nothing left once its quotes are
// set aside is not stored; its sender is told once, however often it is
// delivered, and the log says so. (Needs the parser's reply text and
// messageID.)
func TestInboundEmptyReply(t *testing.T) {
	d := newDesk(t)
	logs := &logBuffer{}
	d.log = slog.New(slog.NewTextHandler(logs, nil))
	d.start(t)
	tk := d.ticket(t, "Ana Martínez", "ana.martinez@example.com", "Cancel my tour", "en")
	raw := `From: Ana <ana.martinez@example.com>
Subject: Re: Cancel my tour
Message-ID: <empty-1@mail.example.com>

On Tue, Mar 10, 2026 at 11:00 AM Kinconecta Soporte <soporte@kinconecta.test> wrote:
> Hi Ana,
> We received your request.
`
	for range 2 {
		if err := deliver(t, d, "ana.martinez@example.com", d.replyAddress(t, tk.ID), raw); err != nil {
			t.Fatalf("answered %v, want 250", err)
		}
	}
	if msgs, _ := d.db.Messages(context.Background(), tk.ID, true); len(msgs) != 0 {
		t.Fatalf("thread = %+v, want nothing stored", msgs)
	}
	d.settle(t, tk.ID)
	got := mailTo(d.box, "ana.martinez@example.com", "Your email arrived empty")
	if len(got) != 1 {
		t.Fatalf("%d empty-reply emails, want 1 (stopped: %s)", len(got), d.stopped(t, tk.ID))
	}
	d.trackToken(t, got[0].Text, tk.ID)
	waitForLog(t, logs, "mail: dropped an empty reply")
}

// TestInboundDuplicateDelivery: the same email delivered again, even on
// several connections at once, is answered 250 and stored once, files
// and all. (Needs the parser's messageID.)
func TestInboundDuplicateDelivery(t *testing.T) {
	d, tk, replyTo := replyDesk(t)
	raw := `From: Ana <ana.martinez@example.com>
Subject: Re: Question
Message-ID: <CAF=dup-1@mail.gmail.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: text/plain; charset=utf-8

The receipt, as promised.
--b
Content-Type: image/png; name="receipt.png"
Content-Disposition: attachment; filename="receipt.png"
Content-Transfer-Encoding: base64

` + strings.ReplaceAll(b64(testPNG(t)), "\r\n", "\n") + `--b--
`
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = deliver(t, d, "ana.martinez@example.com", replyTo, raw)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("delivery %d answered %v, want 250", i+1, err)
		}
	}
	if err := deliver(t, d, "ana.martinez@example.com", replyTo, raw); err != nil {
		t.Fatalf("a later delivery answered %v, want 250", err)
	}
	msgs, _ := d.db.Messages(context.Background(), tk.ID, true)
	if len(msgs) != 1 || len(msgs[0].Attachments) != 1 {
		t.Fatalf("thread = %+v, want the reply once with its picture", msgs)
	}
	if n := filesOnDisk(t, d); n != 1 {
		t.Fatalf("%d files on disk, want the picture once", n)
	}
}

// TestInboundSenderIdentity: every emailed message records its real
// sender; someone else in the conversation writes under their own name.
// (Needs the parser's from.)
func TestInboundSenderIdentity(t *testing.T) {
	d, tk, replyTo := replyDesk(t)
	for i, tc := range []struct {
		name, from          string
		wantName, wantEmail string
	}{
		{"Requester", "Ana <ana.martinez@example.com>", "Ana Martínez", "ana.martinez@example.com"},
		{"RequesterOtherCase", "ANA.MARTINEZ@EXAMPLE.COM", "Ana Martínez", "ANA.MARTINEZ@EXAMPLE.COM"},
		{"SpouseNamed", `"Pérez, Luis" <luis.perez@example.com>`, "Pérez, Luis", "luis.perez@example.com"},
		{"SpouseUnnamed", "luis.perez@example.com", "luis.perez@example.com", "luis.perez@example.com"},
		{"SpouseEncodedName", "=?utf-8?q?Lu=C3=ADs_P=C3=A9rez?= <luis.perez@example.com>", "Luís Pérez", "luis.perez@example.com"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := "From: " + tc.from + "\nSubject: Re\nMessage-ID: <id-" + itoa(int64(i)) + "@example.com>\n\nWritten by " + tc.name + ".\n"
			if err := deliver(t, d, "bounces@relay.example.net", replyTo, raw); err != nil {
				t.Fatal(err)
			}
			msgs, _ := d.db.Messages(context.Background(), tk.ID, false)
			got := msgs[len(msgs)-1]
			if got.Body != "Written by "+tc.name+"." || got.Author.Type != db.AuthorRequester ||
				got.Author.Name != tc.wantName || got.Author.Email != tc.wantEmail {
				t.Fatalf("message = %q by %+v, want by %q <%s>", got.Body, got.Author, tc.wantName, tc.wantEmail)
			}
		})
	}
}

// TestInboundFromOurselves: mail from one of our own addresses (a reply
// address, the From of our emails) is neither stored nor answered: it
// could only be a loop.
func TestInboundFromOurselves(t *testing.T) {
	d, tk, replyTo := replyDesk(t)
	for _, from := range []string{replyTo, "soporte@kinconecta.test", "anything@" + d.cfg.ReplyDomain} {
		raw := "From: " + from + "\nSubject: Re\n\nWe received your request.\n"
		if err := deliver(t, d, from, replyTo, raw); err != nil {
			t.Fatalf("from %s: answered %v, want 250", from, err)
		}
	}
	if msgs, _ := d.db.Messages(context.Background(), tk.ID, true); len(msgs) != 0 {
		t.Fatalf("thread = %+v, want nothing", msgs)
	}
	d.settle(t, tk.ID)
	if n := len(d.box.messages()); n != 1 {
		t.Fatalf("%d emails sent, want the confirmation alone", n)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
