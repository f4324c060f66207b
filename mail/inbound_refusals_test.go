package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/smtp"
	"net/textproto"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kinconecta/helpdesk/db"
)

// logBuffer collects a service's log lines for a test to read.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// rawSMTP is a hand-driven SMTP client, for the conversations net/smtp
// cannot hold (BDAT, pipelining, lines over the limit).
type rawSMTP struct {
	t    *testing.T
	conn net.Conn
	tp   *textproto.Conn
}

func dialRaw(t *testing.T, d *testDesk) *rawSMTP {
	t.Helper()
	conn, err := net.Dial("tcp", d.svc.InboundAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	t.Cleanup(func() { conn.Close() })
	r := &rawSMTP{t: t, conn: conn, tp: textproto.NewConn(conn)}
	r.expect(220)
	r.cmd("EHLO mx.example.com", 250)
	return r
}

// send writes s as is.
func (r *rawSMTP) send(s string) {
	r.t.Helper()
	if _, err := io.WriteString(r.conn, s); err != nil {
		r.t.Fatalf("write: %v", err)
	}
}

// reply reads one (possibly multi-line) reply.
func (r *rawSMTP) reply() (int, string) {
	r.t.Helper()
	code, msg, err := r.tp.ReadResponse(0)
	if err != nil {
		r.t.Fatalf("reading a reply: %v", err)
	}
	return code, msg
}

func (r *rawSMTP) expect(want int) string {
	r.t.Helper()
	code, msg := r.reply()
	if code != want {
		r.t.Fatalf("reply %d %q, want %d", code, msg, want)
	}
	return msg
}

// ask sends line and returns the reply, whatever it is.
func (r *rawSMTP) ask(line string) (int, string) {
	r.t.Helper()
	r.send(line + "\r\n")
	return r.reply()
}

func (r *rawSMTP) cmd(line string, want int) string {
	r.t.Helper()
	r.send(line + "\r\n")
	return r.expect(want)
}

// closed reports whether the server has hung up.
func (r *rawSMTP) closed() bool {
	r.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, err := r.tp.ReadLine()
	return errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) || errors.Is(err, syscall.ECONNRESET)
}

// TestInboundClosedTicketLanguage: the refusal for a closed ticket, which
// the sender's server mails back to the person, is in the ticket's
// language, and in ASCII as SMTP replies must be (RFC 5321 §2.4).
func TestInboundClosedTicketLanguage(t *testing.T) {
	d := newDesk(t)
	d.start(t)
	key, err := d.db.ServerKey(context.Background(), replyKeyName)
	if err != nil {
		t.Fatal(err)
	}
	signer := replyAddresses{key: key, domain: "help.kinconecta.test"}
	closed := "closed"
	for _, tc := range []struct{ lang, want string }{
		{"en", "This request is closed"},
		{"es", "Esta solicitud esta cerrada"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			tk := d.ticket(t, "Ana", "ana."+tc.lang+"@example.com", "Old", tc.lang)
			if _, err := d.db.UpdateTicket(context.Background(), tk.ID, db.TicketPatch{Status: &closed}, db.Actor{Type: "system", Name: "test"}); err != nil {
				t.Fatal(err)
			}
			err := sendSMTP(t, d, signer.For(tk.ID), func(io.Writer) { t.Fatal("data was asked for") })
			var te *textproto.Error
			if !errors.As(err, &te) || te.Code != 550 || !strings.Contains(te.Msg, tc.want) {
				t.Fatalf("RCPT answered %v, want 550 saying %q", err, tc.want)
			}
			for _, r := range te.Msg {
				if r > 0x7e {
					t.Fatalf("non-ASCII reply text %q", te.Msg)
				}
			}
			if !strings.Contains(te.Msg, testBaseURL+"/") {
				t.Fatalf("the refusal %q does not say where to write instead", te.Msg)
			}
		})
	}
}

// longLineMessage is a reply with one line over the listener's limit,
// followed by more than a socket buffer of ordinary lines: the sender is
// still writing when the long line is seen, and reads our answer only if
// we read its message to the end.
func longLineMessage() string {
	var b strings.Builder
	b.WriteString("From: ana.martinez@example.com\r\nSubject: Re: log\r\n\r\nHere is the log:\r\n")
	b.WriteString("SECRETCONTENT" + strings.Repeat("x", 3000) + "\r\n")
	for b.Len() < 2<<20 {
		b.WriteString("an ordinary line of the log, well under the limit\r\n")
	}
	return b.String()
}

// TestInboundLongLine: a message with a line over 2,000 characters is
// read to its end and refused once with a permanent 554 (the sender's
// server bounces it to the person instead of retrying for days); the
// refusal is logged with the client's address and none of the content,
// and the connection goes on to take the next message.
func TestInboundLongLine(t *testing.T) {
	logs := &logBuffer{}
	d := newDesk(t)
	d.log = slog.New(slog.NewTextHandler(logs, nil))
	d.start(t)
	tk := d.ticket(t, "Ana", "ana.martinez@example.com", "Log", "es")
	d.settle(t, tk.ID)
	replyTo := d.replyAddress(t, tk.ID)

	conn, err := net.Dial("tcp", d.svc.InboundAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	conn.SetDeadline(time.Now().Add(60 * time.Second))
	c, err := smtp.NewClient(conn, "help.kinconecta.test")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	deliver := func(body string) error {
		if err := c.Mail("ana.martinez@example.com"); err != nil {
			return err
		}
		if err := c.Rcpt(replyTo); err != nil {
			return err
		}
		w, err := c.Data()
		if err != nil {
			return err
		}
		if _, err := io.WriteString(w, body); err != nil {
			return err
		}
		return w.Close()
	}
	err = deliver(longLineMessage())
	var te *textproto.Error
	if !errors.As(err, &te) || te.Code != 554 || !strings.Contains(te.Msg, "2000") {
		t.Fatalf("a message with a 3,000-character line answered %v, want 554 naming the limit", err)
	}
	if err := deliver("From: ana.martinez@example.com\r\nSubject: Re: log\r\n\r\nSorry, here it is in short.\r\n"); err != nil {
		t.Fatalf("the next message on the same connection: %v", err)
	}
	msgs, err := d.db.Messages(context.Background(), tk.ID, true)
	if err != nil || len(msgs) != 1 || msgs[0].Body != "Sorry, here it is in short." {
		t.Fatalf("thread = %+v, %v; want only the second message", msgs, err)
	}
	line := ""
	for _, l := range strings.Split(logs.String(), "\n") {
		if strings.Contains(l, "line over") {
			line = l
		}
	}
	if !strings.Contains(line, conn.LocalAddr().String()) || strings.Contains(logs.String(), "SECRETCONTENT") {
		t.Fatalf("log line %q: want the client's address and none of the content", line)
	}
}

// TestInboundLongLineBDAT: the same message sent in BDAT chunks (which
// senders such as Gmail and Exchange use when offered), pipelined, with
// SMTP-looking text inside the chunks, is refused the same way, and the
// conversation stays in step.
func TestInboundLongLineBDAT(t *testing.T) {
	d, tk, replyTo := replyDesk(t)
	r := dialRaw(t, d)
	body := longLineMessage()
	first := "From: ana.martinez@example.com\r\nSubject: Re\r\n\r\nDATA\r\n.\r\nBDAT 4000000000\r\n"
	r.send("MAIL FROM:<ana.martinez@example.com>\r\nRCPT TO:<" + replyTo + ">\r\n" +
		fmt.Sprintf("BDAT %d\r\n%s", len(first), first) +
		fmt.Sprintf("BDAT %d LAST\r\n%s", len(body), body))
	r.expect(250)
	r.expect(250)
	r.expect(250) // the first chunk
	if code, msg := r.reply(); code != 554 {
		t.Fatalf("the last chunk answered %d %q, want 554", code, msg)
	}
	r.cmd("MAIL FROM:<ana.martinez@example.com>", 250)
	r.cmd("RCPT TO:<"+replyTo+">", 250)
	short := "From: ana.martinez@example.com\r\nSubject: Re\r\n\r\nShort one.\r\n"
	r.send(fmt.Sprintf("BDAT %d LAST\r\n%s", len(short), short))
	r.expect(250)
	msgs, err := d.db.Messages(context.Background(), tk.ID, true)
	if err != nil || len(msgs) != 1 || msgs[0].Body != "Short one." {
		t.Fatalf("thread = %+v, %v; want only the short message", msgs, err)
	}
}

// TestInboundLongCommandLine: a command line far over RFC 5321's limits
// (512 octets, a path of 256) is refused with a 5xx and the conversation
// goes on, also right after a refused DATA or BDAT; a line past the bound
// go-smtp reads lines to (maxWireLine) ends the conversation (500), so no
// client can make the listener buffer an endless line.
func TestInboundLongCommandLine(t *testing.T) {
	d := newDesk(t)
	d.start(t)
	long := strings.Repeat("a", 3000)
	for _, tc := range []struct {
		name   string
		before string // a command refused before the long line
	}{
		{"Command", ""},
		{"AfterRefusedDATA", "DATA"},
		{"AfterRefusedBDAT", "BDAT 10 LAST please"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := dialRaw(t, d)
			if tc.before != "" {
				if code, msg := r.ask(tc.before); code/100 != 5 {
					t.Fatalf("%q answered %d %q, want 5xx", tc.before, code, msg)
				}
			}
			if code, msg := r.ask("MAIL FROM:<" + long + "@example.com>"); code/100 != 5 {
				t.Fatalf("a 3,000-character sender answered %d %q, want 5xx", code, msg)
			}
			if code, msg := r.ask(long); code/100 != 5 {
				t.Fatalf("a 3,000-character line answered %d %q, want 5xx", code, msg)
			}
			r.cmd("NOOP", 250)
		})
	}
	t.Run("Greeting", func(t *testing.T) {
		conn, err := net.Dial("tcp", d.svc.InboundAddr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(30 * time.Second))
		r := &rawSMTP{t: t, conn: conn, tp: textproto.NewConn(conn)}
		r.expect(220)
		if code, msg := r.ask("EHLO " + long + ".example.com"); code/100 != 5 {
			t.Fatalf("a 3,000-character EHLO answered %d %q, want 5xx", code, msg)
		}
		r.cmd("EHLO mx.example.com", 250)
	})
	t.Run("PastTheBound", func(t *testing.T) {
		r := dialRaw(t, d)
		// No line end: the server reads every byte before it gives up,
		// so the client's socket sees our answer, not a reset.
		r.send("MAIL FROM:<" + strings.Repeat("a", maxWireLine))
		r.expect(500)
		if !r.closed() {
			t.Fatal("the connection stayed open")
		}
	})
}

// TestInboundReadErrorLogged: a sender whose connection breaks in the
// middle of a message gets 451 (it sends again later), and the log says
// so with the client's address and the ticket, never the content.
func TestInboundReadErrorLogged(t *testing.T) {
	logs := &logBuffer{}
	d := newDesk(t)
	d.log = slog.New(slog.NewTextHandler(logs, nil))
	d.start(t)
	tk := d.ticket(t, "Ana", "ana.martinez@example.com", "Broken link", "en")
	d.settle(t, tk.ID)
	replyTo := d.replyAddress(t, tk.ID)

	r := dialRaw(t, d)
	r.cmd("MAIL FROM:<ana.martinez@example.com>", 250)
	r.cmd("RCPT TO:<"+replyTo+">", 250)
	r.cmd("DATA", 354)
	r.send("From: ana.martinez@example.com\r\nSubject: Re\r\n\r\nSECRETCONTENT and then the line dro")
	client := r.conn.LocalAddr().String()
	// A reset, as a dropped link or a crashed sender leaves it.
	r.conn.(*net.TCPConn).SetLinger(0)
	r.conn.Close()

	want := []string{"remote=" + client, fmt.Sprintf("ticket=%d", tk.ID)}
	line := waitForLog(t, logs, "reading a reply failed")
	for _, w := range want {
		if !strings.Contains(line, w) {
			t.Fatalf("log line %q lacks %q", line, w)
		}
	}
	if strings.Contains(logs.String(), "SECRETCONTENT") {
		t.Fatalf("the log shows the message's content: %s", logs.String())
	}
	if msgs, err := d.db.Messages(context.Background(), tk.ID, true); err != nil || len(msgs) != 0 {
		t.Fatalf("thread = %+v, %v; want nothing stored", msgs, err)
	}
}

// waitForLog waits (at most 30 s, for a loaded machine) for a log line
// containing s, written by a conversation the test can no longer watch.
func waitForLog(t *testing.T, logs *logBuffer, s string) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		for _, l := range strings.Split(logs.String(), "\n") {
			if strings.Contains(l, s) {
				return l
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no log line says %q; the log:\n%s", s, logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}
