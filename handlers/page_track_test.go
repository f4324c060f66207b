package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/kinconecta/helpdesk/db"
)

func TestTrackUnknownToken(t *testing.T) {
	s := newTestServer(t)
	_, page := s.trackedTicket(t, nil)
	tests := []struct{ name, path string }{
		{"ErrUnknownToken", "/track/" + db.TicketTokenPrefix + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
		{"ErrNotAToken", "/track/123"},
		{"ErrFileOfUnknownToken", "/track/" + db.TicketTokenPrefix + "nope/files/1"},
		{"ErrNoSuchFile", page + "/files/999"},
		{"ErrMalformedFileID", page + "/files/abc"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := s.newBrowser(t).get(t, tc.path)
			if r.StatusCode != http.StatusNotFound {
				t.Fatalf("status %d, want 404", r.StatusCode)
			}
			d := html(t, r)
			one(t, d, `[data-testid="error-page"][data-status="404"]`)
			one(t, d, "main#main h1")
			if d.Find(`[data-testid="error-detail"]`).Length() != 0 {
				t.Error("a 404 shows the server's detail, which may echo the address")
			}
		})
	}
}

func TestTrackPage(t *testing.T) {
	s := newTestServer(t)
	c, page := s.trackedTicket(t, map[string]any{"category": "Billing", "subject": "Charged twice"})
	ctx := t.Context()
	if _, err := s.DB.AddMessage(ctx, c.ID, db.NewMessage{Body: "We are refunding the second charge."}, supportAgent, 20); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.AddMessage(ctx, c.ID, db.NewMessage{Body: "INTERNAL: card issuer flagged fraud", Internal: true,
		Attachments: nil}, supportAgent, 20); err != nil {
		t.Fatal(err)
	}
	s.setStatus(t, c.ID, "in_progress")

	r := s.newBrowser(t).get(t, page)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("status %d", r.StatusCode)
	}
	d := html(t, r)
	body := string(r.Body)
	t.Run("Number", func(t *testing.T) {
		if got, want := text(one(t, d, `[data-testid="ticket-number"]`)), "Ticket #"+strconv.FormatInt(c.ID, 10); got != want {
			t.Fatalf("%q, want %q", got, want)
		}
	})
	t.Run("Subject", func(t *testing.T) {
		if got := text(one(t, d, "h1")); got != "Charged twice" {
			t.Fatalf("h1 %q", got)
		}
	})
	t.Run("CurrentStep", func(t *testing.T) {
		steps := one(t, d, `[data-testid="status-steps"]`)
		if got := steps.Find("li").Length(); got != 5 {
			t.Fatalf("%d steps", got)
		}
		cur := one(t, d, `[data-testid="status-steps"] [aria-current="step"]`)
		if got := cur.AttrOr("data-status", ""); got != "in_progress" {
			t.Fatalf("current step %q", got)
		}
		if got := text(cur); !strings.Contains(got, "In progress") || !strings.Contains(got, "Now") {
			t.Fatalf("current step reads %q", got)
		}
		if got := text(steps.Find(`[data-status="open"]`)); !strings.Contains(got, "done") {
			t.Fatalf("a passed step reads %q", got)
		}
	})
	t.Run("Thread", func(t *testing.T) {
		msgs := d.Find(`[data-testid="thread"] [data-testid="message"]`)
		if got := msgs.Length(); got != 2 {
			t.Fatalf("%d messages, want the request and the public reply", got)
		}
		if got := msgs.Eq(0).AttrOr("data-author", ""); got != "requester" {
			t.Errorf("first message by %q", got)
		}
		if got := text(msgs.Eq(1)); !strings.Contains(got, "We are refunding") {
			t.Errorf("reply reads %q", got)
		}
	})
	t.Run("NoInternalNotes", func(t *testing.T) {
		if strings.Contains(body, "INTERNAL") || strings.Contains(body, "card issuer") {
			t.Fatal("an internal note is on the requester's page")
		}
	})
	t.Run("ReplyForm", func(t *testing.T) {
		f := one(t, d, `form[data-testid="reply-form"]`)
		if got := f.AttrOr("action", ""); got != page+"/reply" {
			t.Errorf("action %q", got)
		}
		one(t, d, `form[data-testid="reply-form"] textarea[name="body"]`)
		one(t, d, `form[data-testid="reply-form"] input[type="file"][name="attachments"]`)
	})
	t.Run("NoResolutionButtons", func(t *testing.T) {
		if d.Find(`[data-testid="confirm-resolved"], [data-testid="reopen"]`).Length() != 0 {
			t.Fatal("a ticket in progress offers the resolution buttons")
		}
	})
	t.Run("PrivateHeaders", func(t *testing.T) {
		for h, want := range map[string]string{"Referrer-Policy": "no-referrer", "Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"} {
			if got := r.Header.Get(h); got != want {
				t.Errorf("%s = %q, want %q", h, got, want)
			}
		}
		one(t, d, `meta[name="robots"][content="noindex, nofollow"]`)
	})
}

func TestTrackFiles(t *testing.T) {
	s := newTestServer(t)
	b := s.newBrowser(t)
	token := b.formToken(t, "/")
	r := b.postMultipart(t, "/", formParts(token, supportValues(),
		part{Name: "attachments", FileName: "photo.png", Value: pngBytes},
		part{Name: "attachments", FileName: "receipt.pdf", Value: pdfBytes}))
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", r.StatusCode)
	}
	page := r.Header.Get("Location")
	id, _ := s.DB.TicketIDByToken(t.Context(), strings.TrimPrefix(page, "/track/"))
	tk, _ := s.DB.Ticket(t.Context(), id, true)
	note, err := s.DB.AddMessage(t.Context(), id, db.NewMessage{Body: "note", Internal: true,
		Attachments: []db.NewAttachment{storedText(t, s, "secret.txt")}}, supportAgent, 20)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := s.trackedTicket(t, nil)
	otherAtt, err := s.DB.AddMessage(t.Context(), other.ID, db.NewMessage{Body: "mine",
		Attachments: []db.NewAttachment{storedText(t, s, "other.txt")}}, db.Actor{Type: "requester", Name: "Bo"}, 20)
	if err != nil {
		t.Fatal(err)
	}
	fileURL := func(aid int64) string { return page + "/files/" + strconv.FormatInt(aid, 10) }

	d := html(t, b.get(t, page))
	t.Run("Thumbnail", func(t *testing.T) {
		img := one(t, d, `[data-testid="message"] img`)
		if got := img.AttrOr("src", ""); got != fileURL(tk.Attachments[0].ID) {
			t.Fatalf("img src %q", got)
		}
		// Decorative: the link around it names the file in text, so a
		// screen reader does not hear the name twice.
		if got, ok := img.Attr("alt"); !ok || got != "" {
			t.Fatalf("alt %q (present %v), want empty", got, ok)
		}
		if link := img.Parent(); !strings.Contains(text(link), "photo.png") {
			t.Fatalf("the thumbnail's link does not name the file: %q", text(link))
		}
	})
	tests := []struct {
		name, path, status, ctype, disposition string
	}{
		{"ImageInline", fileURL(tk.Attachments[0].ID), "200", "image/png", "inline"},
		{"PDFDownload", fileURL(tk.Attachments[1].ID), "200", "application/pdf", "attachment"},
		{"ErrInternalNoteFile", fileURL(note.Attachments[0].ID), "404", "", ""},
		{"ErrOtherTicketsFile", fileURL(otherAtt.Attachments[0].ID), "404", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := b.get(t, tc.path)
			if got := strconv.Itoa(r.StatusCode); got != tc.status {
				t.Fatalf("status %s, want %s", got, tc.status)
			}
			if tc.status != "200" {
				return
			}
			if got := r.Header.Get("Content-Type"); got != tc.ctype {
				t.Errorf("Content-Type %q, want %q", got, tc.ctype)
			}
			if got := r.Header.Get("Content-Disposition"); !strings.HasPrefix(got, tc.disposition+";") {
				t.Errorf("Content-Disposition %q, want %s", got, tc.disposition)
			}
			if got := r.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options %q", got)
			}
			if got := r.Header.Get("Referrer-Policy"); got != "no-referrer" {
				t.Errorf("Referrer-Policy %q", got)
			}
		})
	}
	t.Run("NoteFileNotListed", func(t *testing.T) {
		if strings.Contains(d.Text(), "secret.txt") {
			t.Fatal("an internal note's file is listed")
		}
	})
}

// storedText puts a small text file in the store, as an upload would.
func storedText(t testing.TB, s *testServer, name string) db.NewAttachment {
	t.Helper()
	u, err := s.Files.Receive(strings.NewReader(textBytes), name, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if err := u.Keep(); err != nil {
		t.Fatal(err)
	}
	return u.Attachment()
}

func TestTrackReply(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		files    []part
		status   int
		errField string
		want     string
	}{
		{"OK", "Here is the receipt.", []part{{Name: "attachments", FileName: "receipt.png", Value: pngBytes}}, 303, "", ""},
		{"ErrEmpty", "  ", nil, 422, "body", "Enter your reply"},
		{"ErrTooLong", strings.Repeat("r", 10001), nil, 422, "body", "Use 10,000 characters or fewer"},
		{"ErrFileType", "See attached", []part{{Name: "attachments", FileName: "x.html", Value: htmlBytes}}, 415, "attachments", "x.html is not an accepted type"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestServer(t)
			c, page := s.trackedTicket(t, nil)
			b := s.newBrowser(t)
			parts := append([]part{{Name: "csrf", Value: b.formToken(t, page)}, {Name: "body", Value: tc.body}}, tc.files...)
			r := b.postMultipart(t, page+"/reply", parts)
			if r.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %.300s", r.StatusCode, tc.status, r.Body)
			}
			msgs, err := s.DB.Messages(t.Context(), c.ID, true)
			if err != nil {
				t.Fatal(err)
			}
			if tc.status == http.StatusSeeOther {
				if got := r.Header.Get("Location"); got != page {
					t.Fatalf("Location %q, want %q", got, page)
				}
				if len(msgs) != 1 || msgs[0].Author.Type != db.AuthorRequester || msgs[0].Body != tc.body || len(msgs[0].Attachments) != 1 {
					t.Fatalf("stored %+v", msgs)
				}
				d := html(t, b.get(t, page))
				if got := d.Find(`[data-testid="message"]`).Length(); got != 2 {
					t.Fatalf("%d messages on the page, want 2", got)
				}
				return
			}
			if len(msgs) != 0 {
				t.Fatalf("%d messages stored", len(msgs))
			}
			d := html(t, r)
			if got := text(one(t, d, "#"+tc.errField+"-error")); !strings.Contains(got, tc.want) {
				t.Errorf("error %q, want %q", got, tc.want)
			}
			one(t, d, `[data-testid="error-summary"] a[href="#`+tc.errField+`"]`)
			if got := one(t, d, "#body").Text(); got != tc.body {
				t.Errorf("reply not kept: %q", got)
			}
			assertNoStrayFiles(t, s)
		})
	}
}

func TestTrackReplyRefused(t *testing.T) {
	s := newTestServer(t)
	c, page := s.trackedTicket(t, nil)
	b := s.newBrowser(t)
	token := b.formToken(t, page)
	t.Run("ErrCSRF", func(t *testing.T) {
		r := b.postMultipart(t, page+"/reply", []part{{Name: "csrf", Value: "forged"}, {Name: "body", Value: "hi"}})
		if r.StatusCode != http.StatusForbidden {
			t.Fatalf("status %d, want 403", r.StatusCode)
		}
	})
	t.Run("ErrClosed", func(t *testing.T) {
		s.setStatus(t, c.ID, "closed")
		d := html(t, b.get(t, page))
		if d.Find(`[data-testid="reply-form"]`).Length() != 0 {
			t.Fatal("a closed ticket offers the reply form")
		}
		r := b.postMultipart(t, page+"/reply", []part{{Name: "csrf", Value: token}, {Name: "body", Value: "hi"}})
		if r.StatusCode != http.StatusConflict {
			t.Fatalf("status %d, want 409", r.StatusCode)
		}
	})
	msgs, _ := s.DB.Messages(t.Context(), c.ID, true)
	if len(msgs) != 0 {
		t.Fatalf("%d messages stored", len(msgs))
	}
}

func TestTrackResolution(t *testing.T) {
	tests := []struct {
		name     string
		from     string
		action   string
		forge    bool
		status   int
		wantFrom string // the ticket's status afterwards
	}{
		{"OKConfirm", "resolved", "close", false, 303, "closed"},
		{"OKReopen", "resolved", "reopen", false, 303, "open"},
		{"OKConfirmTwice", "closed", "close", false, 303, "closed"},
		{"ErrNotResolved", "in_progress", "close", false, 409, "in_progress"},
		{"ErrReopenClosed", "closed", "reopen", false, 409, "closed"},
		{"ErrCSRF", "resolved", "close", true, 403, "resolved"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestServer(t)
			c, page := s.trackedTicket(t, nil)
			if tc.from == "closed" {
				s.setStatus(t, c.ID, "resolved")
			}
			s.setStatus(t, c.ID, tc.from)
			b := s.newBrowser(t)
			r := b.get(t, page)
			d := html(t, r)
			buttons := d.Find(`form button[data-testid="confirm-resolved"], form button[data-testid="reopen"]`).Length()
			if want := map[bool]int{true: 2, false: 0}[tc.from == "resolved"]; buttons != want {
				t.Fatalf("%d resolution buttons, want %d", buttons, want)
			}
			token := b.csrf(t)
			if tc.forge {
				token = "forged"
			}
			r = b.postForm(t, page+"/"+tc.action, map[string][]string{"csrf": {token}})
			if r.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", r.StatusCode, tc.status)
			}
			if tc.status == http.StatusSeeOther && r.Header.Get("Location") != page {
				t.Fatalf("Location %q", r.Header.Get("Location"))
			}
			tk, _ := s.DB.Ticket(t.Context(), c.ID, true)
			if got := string(tk.Status); got != tc.wantFrom {
				t.Fatalf("status %q, want %q", got, tc.wantFrom)
			}
			if tc.status != http.StatusSeeOther || tc.from != "resolved" {
				return
			}
			events, _ := s.DB.Events(t.Context(), c.ID)
			last := events[len(events)-1]
			if last.ActorType != "requester" || last.To != tc.wantFrom {
				t.Fatalf("last event %+v, want the requester's move", last)
			}
		})
	}
}
