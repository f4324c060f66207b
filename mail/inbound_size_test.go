//go:build !race

// This test streams 30 MB through go-smtp, which reads DATA a byte at a
// time: fine at full speed, minutes under the race detector. make test runs
// it in a separate pass without -race.

package mail

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"testing"

	gosmtp "github.com/emersion/go-smtp"
)

// TestInboundTooLarge: a 30 MB message is refused with 552 and leaves
// nothing behind.
func TestInboundTooLarge(t *testing.T) {
	d, tk, replyTo := replyDesk(t)
	err := sendSMTP(t, d, replyTo, func(w io.Writer) {
		io.WriteString(w, crlf(`From: ana.martinez@example.com
Subject: Re: big
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: text/plain

Here is the video.
--b
Content-Type: application/pdf; name="big.pdf"
Content-Disposition: attachment; filename="big.pdf"
Content-Transfer-Encoding: base64

`))
		line := []byte(base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("%PDF-1.4 big "), 5)[:57]) + "\r\n")
		for written := 0; written < 30<<20; written += len(line) {
			w.Write(line)
		}
		io.WriteString(w, "--b--\r\n")
	})
	if got := smtpCode(err); got != 552 {
		t.Fatalf("a 30 MB message answered %v, want 552", err)
	}
	// Servers that announce the size are refused before sending it.
	c, err := gosmtp.Dial(d.svc.InboundAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	err = c.Mail("ana.martinez@example.com", &gosmtp.MailOptions{Size: 30 << 20})
	var se *gosmtp.SMTPError
	if !errors.As(err, &se) || se.Code != 552 {
		t.Fatalf("MAIL FROM with SIZE=30 MB answered %v, want 552", err)
	}
	if msgs, err := d.db.Messages(context.Background(), tk.ID, true); err != nil || len(msgs) != 0 {
		t.Fatalf("thread = %+v, %v", msgs, err)
	}
	if n := filesOnDisk(t, d); n != 0 {
		t.Fatalf("%d files left on disk", n)
	}
}
