//go:build linux

package mail

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/textproto"
	"os"
	"strings"
	"testing"

	"github.com/kinconecta/helpdesk/internal/smalldisk"
)

// wantStorageFull fails unless err is the temporary 452 4.3.1 that makes
// the sender's server keep the reply and try again later.
func wantStorageFull(t *testing.T, what string, err error) {
	t.Helper()
	var te *textproto.Error
	if !errors.As(err, &te) || te.Code != 452 || !strings.HasPrefix(te.Msg, "4.3.1 ") {
		t.Fatalf("%s answered %v, want 452 4.3.1", what, err)
	}
}

// replyWithFile is a reply carrying a plain-text file of n bytes.
func replyWithFile(n int) string {
	return crlf(`From: ana.martinez@example.com
Subject: Re: Export
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: text/plain; charset=utf-8

Here is the export.
--b
Content-Type: text/plain; name="export.txt"
Content-Disposition: attachment; filename="export.txt"

`) + strings.Repeat("Booking reference KC-1234 was paid twice.\r\n", n/43+1)[:n] + "\r\n--b--\r\n"
}

// TestInboundBelowFloor: while the data folder is below --min-free-mb the
// listener refuses at MAIL FROM with a temporary 452 4.3.1, before any
// message is sent, and takes replies again as soon as there is room.
func TestInboundBelowFloor(t *testing.T) {
	dir := smalldisk.Mount(t, "16m")
	d := newDeskOn(t, dir)
	d.cfg.Inbound.MinFreeBytes = 4 << 20
	d.start(t)
	tk := d.ticket(t, "Ana", "ana.martinez@example.com", "Export", "en")
	d.settle(t, tk.ID)
	replyTo := d.replyAddress(t, tk.ID)
	filler := smalldisk.FillTo(t, dir, 3<<20)

	err := sendSMTP(t, d, replyTo, func(io.Writer) { t.Error("the message was asked for below the floor") })
	wantStorageFull(t, "MAIL FROM below the floor", err)
	if msgs, err := d.db.Messages(context.Background(), tk.ID, true); err != nil || len(msgs) != 0 {
		t.Fatalf("thread = %+v, %v; want nothing stored", msgs, err)
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if err := sendSMTP(t, d, replyTo, func(w io.Writer) { io.WriteString(w, replyWithFile(1000)) }); err != nil {
		t.Fatalf("a reply once there is room: %v", err)
	}
	if msgs, err := d.db.Messages(context.Background(), tk.ID, true); err != nil || len(msgs) != 1 || len(msgs[0].Attachments) != 1 {
		t.Fatalf("thread = %+v, %v; want the reply with its file", msgs, err)
	}
}

// TestInboundDiskFull: with no floor, a disk that fills while a reply's
// file is written makes the listener answer a temporary 452 4.3.1 and
// store nothing (not the reply without its file), logging why; once
// there is room the same reply is stored whole.
func TestInboundDiskFull(t *testing.T) {
	dir := smalldisk.Mount(t, "4m")
	logs := &logBuffer{}
	d := newDeskOn(t, dir)
	d.log = slog.New(slog.NewTextHandler(logs, nil))
	d.cfg.Inbound.MinFreeBytes = 0
	d.start(t)
	tk := d.ticket(t, "Ana", "ana.martinez@example.com", "Export", "en")
	d.settle(t, tk.ID)
	replyTo := d.replyAddress(t, tk.ID)
	// Room for a file's first bytes but not for the rest.
	filler := smalldisk.FillTo(t, dir, 64<<10)
	reply := replyWithFile(200 << 10)

	err := sendSMTP(t, d, replyTo, func(w io.Writer) { io.WriteString(w, reply) })
	wantStorageFull(t, "a reply on a full disk", err)
	if msgs, err := d.db.Messages(context.Background(), tk.ID, true); err != nil || len(msgs) != 0 {
		t.Fatalf("thread = %+v, %v; want nothing stored", msgs, err)
	}
	if n := filesOnDisk(t, d); n != 0 {
		t.Fatalf("%d files left in the attachments folder", n)
	}
	if line := waitForLog(t, logs, "storage is full"); !strings.Contains(line, "ticket=") {
		t.Fatalf("log line %q does not name the ticket", line)
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if err := sendSMTP(t, d, replyTo, func(w io.Writer) { io.WriteString(w, reply) }); err != nil {
		t.Fatalf("the reply once there is room: %v", err)
	}
	msgs, err := d.db.Messages(context.Background(), tk.ID, true)
	if err != nil || len(msgs) != 1 || len(msgs[0].Attachments) != 1 || msgs[0].Attachments[0].FileSize != 200<<10 {
		t.Fatalf("thread = %+v, %v; want the reply with its whole file", msgs, err)
	}
}
