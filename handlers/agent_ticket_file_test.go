package handlers

import (
	"net/http"
	"strings"
	"testing"

	"github.com/kinconecta/helpdesk/db"
)

// Files are served to agents with only raster images inline, never
// sniffed, under a policy that allows nothing to run.
func TestAgentTicketFile(t *testing.T) {
	s := newTestServer(t)
	c := s.createTicket(t, nil)
	other := s.createTicket(t, nil)
	s.attachToTicket(t, c.ID, "receipt.png", pngBytes)    // 1
	s.attachToTicket(t, c.ID, "invoice.pdf", pdfBytes)    // 2
	s.attachToTicket(t, c.ID, "log.txt", textBytes)       // 3
	s.attachToTicket(t, other.ID, "theirs.png", pngBytes) // 4
	b := s.signIn(t, db.RoleAgent)
	// 5: a file on an internal note, which agents may open.
	seeOther(t, b.compose(t, c.ID, b.csrf(t), "true", "See the guide's report",
		part{Name: "attachments", FileName: "report.pdf", Value: pdfBytes}), c.ID)

	tests := []struct {
		name, id    string
		status      int
		contentType string
		disposition string
		body        string
	}{
		{"PNGInline", "1", 200, "image/png", `inline; filename=receipt.png`, pngBytes},
		{"PDFDownload", "2", 200, "application/pdf", `attachment; filename=invoice.pdf`, pdfBytes},
		{"TextDownload", "3", 200, "text/plain", `attachment; filename=log.txt`, textBytes},
		{"NoteFile", "5", 200, "application/pdf", `attachment; filename=report.pdf`, pdfBytes},
		{"ErrAnotherTicketsFile", "4", 404, "", "", ""},
		{"ErrUnknown", "99", 404, "", "", ""},
		{"ErrNotANumber", "x", 404, "", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := b.get(t, ticketPath(c.ID, "files", tc.id))
			if r.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", r.StatusCode, tc.status)
			}
			if got := r.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Fatalf("X-Content-Type-Options %q", got)
			}
			if tc.status != http.StatusOK {
				return
			}
			for header, want := range map[string]string{
				"Content-Type":            tc.contentType,
				"Content-Disposition":     tc.disposition,
				"Content-Security-Policy": "default-src 'none'; sandbox",
				"Cache-Control":           "private, no-store",
			} {
				if got := r.Header.Get(header); !strings.HasPrefix(got, want) {
					t.Errorf("%s %q, want %q", header, got, want)
				}
			}
			if string(r.Body) != tc.body {
				t.Fatalf("body %q, want the stored bytes", r.Body)
			}
		})
	}
}

// A file hosted elsewhere is a link out that names its host and tells the
// other site nothing of where it came from; the file route shows a page
// naming the site, never a redirect (attachment_reference_test.go).
func TestAgentTicketExternalFile(t *testing.T) {
	s := newTestServer(t)
	const where = "https://cdn.kinconecta.example/bookings/KC-1234.pdf"
	c := s.createTicket(t, map[string]any{"attachments": []map[string]any{
		{"fileName": "booking.pdf", "fileUrl": where, "mimeType": "application/pdf", "fileSize": 2048},
	}})
	b := s.signIn(t, db.RoleAgent)
	d := b.workspace(t, c.ID)
	link := one(t, d, `[data-testid="file-external"]`)
	if got := link.AttrOr("href", ""); got != where {
		t.Fatalf("href %q, want %q", got, where)
	}
	if got := link.AttrOr("rel", ""); !strings.Contains(got, "noopener") || !strings.Contains(got, "noreferrer") {
		t.Fatalf("rel %q", got)
	}
	if d.Find(`img[alt="booking.pdf"]`).Length() != 0 {
		t.Fatal("a reference is previewed")
	}
	r := b.get(t, ticketPath(c.ID, "files", "1"))
	if r.StatusCode != http.StatusOK || r.Header.Get("Location") != "" {
		t.Fatalf("status %d Location %q, want 200 and no redirect", r.StatusCode, r.Header.Get("Location"))
	}
}
