package main

// Server memory under large uploads: the contract says memory does not grow
// with file size, and MEASURED.md shows how easily Fiber buffers whole
// bodies (234 MB peak for four 50 MB uploads with its defaults). This runs
// only with -bench:
//
//	go test -run '^$' -bench UploadRSS -benchtime 1x .

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	rssUploads     = 4        // concurrent uploads
	rssUploadBytes = 50 << 20 // each
	rssMaxFileMB   = "64"     // the server's --max-file-mb, above the upload size
	// rssRoundTimeout bounds one round of uploads; loopback moves 200 MB in
	// a few seconds even on a busy machine.
	rssRoundTimeout = 3 * time.Minute
)

// BenchmarkUploadRSS starts the real binary, creates a ticket, streams four
// concurrent 50 MB multipart uploads into it (generated while sending, so
// the client holds no file in memory), and reports the server's peak
// resident memory (VmHWM) next to its idle RSS measured in the same run.
// Target: peak below 64 MB.
func BenchmarkUploadRSS(b *testing.B) {
	data := b.TempDir()
	key := mintAPIKey(b, data, "admin")
	s := startServer(b, data, nil, "--max-file-mb", rssMaxFileMB)
	pid := s.cmd.Process.Pid
	client := &http.Client{Timeout: rssRoundTimeout}
	defer client.CloseIdleConnections()

	// Idle: started, and one ticket created, so the database and the
	// handlers have been touched once.
	id := rssCreateTicket(b, client, s.URL, key)
	rssDeleteTicket(b, client, s.URL, key, id)
	idle := procStatusKB(b, pid, "VmRSS")

	b.ResetTimer()
	for b.Loop() {
		id := rssCreateTicket(b, client, s.URL, key)
		var wg sync.WaitGroup
		errs := make(chan error, rssUploads)
		for i := range rssUploads {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- rssUpload(client, s.URL, key, id, i)
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				b.Fatalf("%v; server log:\n%s", err, s.Log)
			}
		}
		// The files go with the ticket, so rounds do not fill the disk.
		rssDeleteTicket(b, client, s.URL, key, id)
	}
	b.StopTimer()
	peak := procStatusKB(b, pid, "VmHWM")
	s.stop()

	b.ReportMetric(float64(rssUploads*rssUploadBytes)/(1<<20)*float64(b.N)/b.Elapsed().Seconds(), "upload-MB/s")
	b.ReportMetric(float64(idle)/1024, "idle-RSS-MB")
	b.ReportMetric(float64(peak)/1024, "peak-RSS-MB")
	b.ReportMetric(0, "ns/op")
}

// rssCreateTicket creates a ticket with the API key and returns its id.
func rssCreateTicket(b *testing.B, client *http.Client, base, key string) int64 {
	b.Helper()
	body, _ := json.Marshal(ticketFields("Large files for my booking"))
	r := mustSend(b, client, "POST", base+"/api/support-tickets", "application/json", key, bytes.NewReader(body))
	if r.Status != http.StatusCreated {
		b.Fatalf("create: %d %s", r.Status, r.Body)
	}
	var t apiTicket
	if err := json.Unmarshal(r.Body, &t); err != nil {
		b.Fatalf("create: %v: %s", err, r.Body)
	}
	return t.ID
}

func rssDeleteTicket(b *testing.B, client *http.Client, base, key string, id int64) {
	b.Helper()
	r := mustSend(b, client, "DELETE", fmt.Sprintf("%s/api/support-tickets/%d", base, id), "", key, nil)
	if r.Status != http.StatusNoContent {
		b.Fatalf("delete ticket %d: %d %s", id, r.Status, r.Body)
	}
}

// rssUpload streams one rssUploadBytes file to ticket id: plain text for
// even i, PDF for odd i, so both sniffed types are exercised. The body is
// written through an io.Pipe while it is sent, with a Content-Length, as a
// browser sends a form.
func rssUpload(client *http.Client, base, key string, id int64, i int) error {
	name, head := fmt.Sprintf("notes-%d.txt", i), ""
	if i%2 == 1 {
		name, head = fmt.Sprintf("scan-%d.pdf", i), "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
	}
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	partHeader := textproto.MIMEHeader{}
	partHeader.Set("Content-Disposition", `form-data; name="file"; filename="`+name+`"`)
	partHeader.Set("Content-Type", "application/octet-stream")
	length, err := multipartLength(mw.Boundary(), partHeader, rssUploadBytes)
	if err != nil {
		return err
	}
	go func() {
		part, err := mw.CreatePart(partHeader)
		if err == nil {
			err = writeFiller(part, head, rssUploadBytes)
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()

	ctx, cancel := context.WithTimeout(context.Background(), rssRoundTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "POST", fmt.Sprintf("%s/api/support-tickets/%d/attachments", base, id), pr)
	if err != nil {
		return err
	}
	req.ContentLength = length
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := client.Do(req)
	if err != nil {
		pr.CloseWithError(err)
		return fmt.Errorf("upload %s: %w", name, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("upload %s: %d %s", name, resp.StatusCode, body)
	}
	var atts []apiAttachment
	if err := json.Unmarshal(body, &atts); err != nil || len(atts) != 1 || atts[0].FileSize != rssUploadBytes {
		return fmt.Errorf("upload %s: answer %s, want one attachment of %d bytes", name, body, rssUploadBytes)
	}
	return nil
}

// multipartLength is the size of a multipart body with one part of size
// bytes under header, worked out by writing the body without the content.
func multipartLength(boundary string, header textproto.MIMEHeader, size int64) (int64, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if err := mw.SetBoundary(boundary); err != nil {
		return 0, err
	}
	if _, err := mw.CreatePart(header); err != nil {
		return 0, err
	}
	if err := mw.Close(); err != nil {
		return 0, err
	}
	return int64(buf.Len()) + size, nil
}

// writeFiller writes exactly size bytes: head, then numbered lines of text,
// which sniff as text/plain (or as PDF after a PDF header); no commas or
// colons, which a sniffer may take for CSV.
func writeFiller(w io.Writer, head string, size int64) error {
	var chunk bytes.Buffer
	chunk.WriteString(head)
	for n := 0; chunk.Len() < 64<<10; n++ {
		chunk.WriteString("Booking reference KC-" + strconv.Itoa(1000+n) + " itinerary receipts and photos from the trip\n")
	}
	first := chunk.Bytes()
	rest := first[len(head):]
	for written := int64(0); written < size; {
		src := rest
		if written == 0 {
			src = first
		}
		src = src[:min(int64(len(src)), size-written)]
		n, err := w.Write(src)
		written += int64(n)
		if err != nil {
			return err
		}
	}
	return nil
}

// procStatusKB reads one "Name: N kB" field of /proc/<pid>/status.
func procStatusKB(b testing.TB, pid int, field string) int64 {
	b.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatalf("server memory: %v (this benchmark needs Linux)", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ":")
		if ok && name == field {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
			if err != nil {
				b.Fatalf("%s: %q: %v", field, value, err)
			}
			return kb
		}
	}
	b.Fatalf("%s not in /proc/%d/status", field, pid)
	return 0
}
