package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/kinconecta/helpdesk/db"
)

// A public reply reaches the requester's tracking page, files included.
func TestAgentTicketReply(t *testing.T) {
	s := newTestServer(t)
	c, track := s.trackedTicket(t, nil)
	b := s.signIn(t, db.RoleAgent)
	r := b.compose(t, c.ID, b.csrf(t), "false", "We refunded you today.",
		part{Name: "attachments", FileName: "refund.png", Value: pngBytes})
	seeOther(t, r, c.ID)

	// The page script's request follows the redirect itself, then loads
	// the page for the agent: the notice waits for that load.
	if got := text(one(t, b.workspace(t, c.ID, "X-Requested-With", "XMLHttpRequest"), `[data-testid="ticket-notice"]`)); got != "" {
		t.Fatalf("the script's copy took the notice %q", got)
	}
	d := b.workspace(t, c.ID)
	if got, want := text(one(t, d, `[data-testid="ticket-notice"]`)), "Your reply was sent to the requester."; got != want {
		t.Fatalf("notice %q, want %q", got, want)
	}
	reply := one(t, d, `[data-testid="entry"][data-kind="reply"]`)
	if got := text(reply.Find(`[data-testid="entry-author"]`)); got != b.User.Name {
		t.Fatalf("author %q, want %q", got, b.User.Name)
	}
	// The preview is decorative (alt=""): the link's own text names the file.
	if preview := reply.Find(`[data-testid="file-preview"]`); preview.Find(`img[alt=""]`).Length() != 1 || !strings.Contains(text(preview), "refund.png") {
		t.Fatal("the reply's image has no preview named by its link")
	}
	// The notice is read once.
	if got := text(one(t, b.workspace(t, c.ID), `[data-testid="ticket-notice"]`)); got != "" {
		t.Fatalf("notice %q shown twice", got)
	}

	requester := html(t, s.newBrowser(t).get(t, track))
	thread := texts(requester, `[data-testid="message"]`)
	if len(thread) != 2 || !strings.Contains(thread[1], "We refunded you today.") || !strings.Contains(thread[1], "refund.png") {
		t.Fatalf("tracking page thread %q lacks the reply and its file", thread)
	}
}

// An internal note stays among agents: not on the tracking page, not in
// the requester's API, not its file either.
func TestAgentTicketNote(t *testing.T) {
	s := newTestServer(t)
	c, track := s.trackedTicket(t, nil)
	b := s.signIn(t, db.RoleAgent)
	const secret = "Guide flagged for two no-shows"
	r := b.compose(t, c.ID, b.csrf(t), "true", secret,
		part{Name: "attachments", FileName: "guide-report.pdf", Value: pdfBytes})
	seeOther(t, r, c.ID)

	d := b.workspace(t, c.ID)
	if got, want := text(one(t, d, `[data-testid="ticket-notice"]`)), "Your internal note was added. The requester does not see it."; got != want {
		t.Fatalf("notice %q, want %q", got, want)
	}
	note := one(t, d, `[data-testid="entry"][data-kind="note"]`)
	if got := text(note.Find(`[data-testid="entry-body"]`)); got != secret {
		t.Fatalf("note body %q", got)
	}
	if got := text(one(t, d, `[data-testid="file"]`)); !strings.Contains(got, "guide-report.pdf") || !strings.Contains(got, "Internal") {
		t.Fatalf("file list %q does not mark the note's file internal", got)
	}

	tr := s.newBrowser(t).get(t, track)
	if strings.Contains(string(tr.Body), secret) || strings.Contains(string(tr.Body), "guide-report") {
		t.Fatal("the tracking page shows the internal note")
	}
	for _, path := range []string{"/messages", "/attachments", ""} {
		api := s.do(t, "GET", "/api/support-tickets/"+strconv.FormatInt(c.ID, 10)+path, "", nil, bearer(c.AccessToken)...)
		if api.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, api.StatusCode)
		}
		if strings.Contains(string(api.Body), secret) || strings.Contains(string(api.Body), "guide-report") {
			t.Fatalf("the requester's API %s shows the note: %s", path, api.Body)
		}
	}
	msgs, err := s.DB.Messages(t.Context(), c.ID, true)
	if err != nil || len(msgs) != 1 || !msgs[0].Internal || msgs[0].Author.Name != b.User.Name {
		t.Fatalf("stored %+v (%v), want one internal note by %s", msgs, err, b.User.Name)
	}
}

// A refused post stores nothing, keeps no file, and gives the form back
// with what was typed.
func TestAgentTicketComposeRefused(t *testing.T) {
	png := part{Name: "attachments", FileName: "photo.png", Value: pngBytes}
	tests := []struct {
		name     string
		closed   bool
		forge    bool
		internal string
		body     string
		files    []part
		status   int
		errField string // the field the message is beside; "-" for the form as a whole
		checked  string // the audience radio checked on the page again
	}{
		{"ErrNoAudienceBodyRequired", false, false, "", "  ", []part{png}, 422, "body", "audience-public"},
		{"ErrBodyRequired", false, false, "true", "   ", []part{png}, 422, "body", "audience-internal"},
		{"ErrBadFileType", false, false, "false", "See attached", []part{{Name: "attachments", FileName: "page.html", Value: htmlBytes}}, 415, "attachments", "audience-public"},
		{"ErrClosed", true, false, "false", "One more thing", []part{png}, 409, "-", "audience-public"},
		{"ErrCSRF", false, true, "false", "Hello there", []part{png}, 403, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestServer(t)
			c := s.createTicket(t, nil)
			if tc.closed {
				s.setStatus(t, c.ID, "closed")
			}
			b := s.signIn(t, db.RoleAgent)
			token := b.csrf(t)
			if tc.forge {
				token = "forged"
			}
			r := b.compose(t, c.ID, token, tc.internal, tc.body, tc.files...)
			if r.StatusCode != tc.status {
				t.Fatalf("status %d, want %d; body %.300s", r.StatusCode, tc.status, r.Body)
			}
			msgs, _ := s.DB.Messages(t.Context(), c.ID, true)
			if len(msgs) != 0 || countFiles(t, s) != 0 {
				t.Fatalf("%d messages and %d files stored", len(msgs), countFiles(t, s))
			}
			assertNoStrayFiles(t, s)
			if tc.errField == "" {
				return
			}
			d := html(t, r)
			form := one(t, d, `form[data-testid="compose-form"]`)
			if got := form.Find("textarea#body").Text(); got != tc.body {
				t.Fatalf("textarea %q, want what was typed %q", got, tc.body)
			}
			summary := text(form.Find(`[data-testid="error-summary"]`))
			if summary == "" {
				t.Fatal("no error summary")
			}
			if tc.errField != "-" && form.Find("#"+tc.errField+"-error").Length() != 1 {
				t.Fatalf("no message beside %s; summary %q", tc.errField, summary)
			}
			checked := form.Find(`input[name="internal"][checked]`)
			if got := checked.AttrOr("data-testid", ""); got != tc.checked {
				t.Fatalf("checked audience %q, want %q", got, tc.checked)
			}
			if len(tc.files) > 0 && !strings.Contains(summary, "files you chose were not kept") {
				t.Fatalf("summary %q does not say the files must be chosen again", summary)
			}
		})
	}
}
