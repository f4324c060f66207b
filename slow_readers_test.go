package main

// Process tests of answers a client does not read (issue 8, re-tested):
// a streamed download, to a client that reads nothing, holds its
// connection only for the idle timeout, not the 5-minute write timeout,
// while a slow but steady reader gets the whole file.

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"
)

func TestUnreadDownloadsLetGo(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, data, nil, "--body-idle-timeout", "2s")
	client := newClient(t)
	ticket, r, err := createJSON(client, s.URL, "A large export")
	if err != nil || r.Status != http.StatusCreated {
		t.Fatalf("create: %v %d %s", err, r.Status, r.Body)
	}
	big := bytes.Repeat([]byte("Booking KC-1234 exported for the audit line after line.\n"), 9_900_000/56)
	atts, r, err := uploadFiles(client, s.URL, ticket.ID, ticket.AccessToken, []testFile{{Name: "export.txt", Data: big}})
	if err != nil || len(atts) != 1 {
		t.Fatalf("upload: %v %d %s", err, r.Status, r.Body)
	}
	request := fmt.Sprintf("GET %s HTTP/1.1\r\nHost: helpdesk\r\nAuthorization: Bearer %s\r\n\r\n",
		attachmentPath(ticket.ID, atts[0].ID), ticket.AccessToken)

	// read downloads the file from a fresh connection with a small receive
	// buffer, waiting pause before the body and between pieces of piece
	// bytes, and returns how much of the body arrived.
	read := func(t *testing.T, pause time.Duration, piece int64) int64 {
		c, err := dialSlowReader("127.0.0.1", s.Addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(2 * time.Minute))
		if _, err := io.WriteString(c, request); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(bufio.NewReaderSize(c, 4096), nil)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("download: %v %v", err, resp)
		}
		var got int64
		for {
			time.Sleep(pause)
			n, err := io.CopyN(io.Discard, resp.Body, piece)
			got += n
			if err != nil {
				return got
			}
		}
	}
	t.Run("SteadyReaderGetsAll", func(t *testing.T) {
		// 1 MB a second in one-second pauses, never 2 s silent.
		if got := read(t, time.Second, 1<<20); got != int64(len(big)) {
			t.Fatalf("a steady reader got %d of %d bytes", got, len(big))
		}
	})
	t.Run("ErrNothingRead", func(t *testing.T) {
		// Reads nothing for 8 s (four idle timeouts), then all it can:
		// only what sat in the buffers before the server let go.
		start := time.Now()
		got := read(t, 8*time.Second, int64(len(big)))
		if got >= int64(len(big)) {
			t.Fatalf("a client that read nothing for %v still got the whole file", time.Since(start))
		}
	})
}
