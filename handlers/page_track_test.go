package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

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

// TestTrackAPIKeyAuthor: a reply written through the API with a key shows
// the support team as its author on the tracking page, never the key's
// name.
func TestTrackAPIKeyAuthor(t *testing.T) {
	s := newTestServer(t)
	c, page := s.trackedTicket(t, nil)
	r := s.do(t, "POST", "/api/support-tickets/"+strconv.FormatInt(c.ID, 10)+"/messages", "application/json",
		strings.NewReader(`{"body":"Refund sent."}`), bearer(s.AgentKey)...)
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("reply: %d %s", r.StatusCode, r.Body)
	}
	body := string(s.newBrowser(t).get(t, page).Body)
	if !strings.Contains(body, "Refund sent.") || !strings.Contains(body, "Kinconecta support") || strings.Contains(body, "test agent") {
		t.Fatalf("the tracking page does not sign the key's reply as the team:\n%s", body)
	}
}

// TestTrackFormattedReply: an agent's reply written with the composer's
// formatting shows formatted on the tracking page, as the agent previewed
// it and as the email shows it, with raw HTML never passed through; a
// requester's text that looks like formatting stays as written.
func TestTrackFormattedReply(t *testing.T) {
	s := newTestServer(t)
	c, page := s.trackedTicket(t, nil)
	if _, err := s.DB.AddMessage(t.Context(), c.ID, db.NewMessage{Format: db.FormatMarkdown,
		Body: "Steps:\n\n1. Open **Bookings**\n2. Press <b>Refund</b>\n\n[help](https://help.kinconecta.com)"}, supportAgent, 20); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.AddMessage(t.Context(), c.ID, db.NewMessage{Format: db.FormatMarkdown, Body: "I **did** that"},
		db.Actor{Type: "requester", Name: "Ana"}, 20); err != nil {
		t.Fatal(err)
	}
	d := html(t, s.newBrowser(t).get(t, page))
	f := one(t, d, `[data-testid="formatted"]`)
	if f.Find("ol li").Length() != 2 || text(f.Find("strong")) != "Bookings" || f.Find(`a[href="https://help.kinconecta.com"]`).Length() != 1 {
		got, _ := f.Html()
		t.Errorf("the agent's reply is not formatted: %s", got)
	}
	if f.Find("b").Length() != 0 {
		t.Error("raw HTML in a formatted reply reached the page")
	}
	if d.Find(`[data-testid="formatted"]`).Length() != 1 || !strings.Contains(d.Text(), "I **did** that") {
		t.Error("the requester's text was formatted")
	}
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
				if got, want := r.Header.Get("Location"), page+"?sent=reply"; got != want {
					t.Fatalf("Location %q, want %q", got, want)
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
			sent := map[string]string{"close": "closed", "reopen": "reopened"}[tc.action]
			if tc.status == http.StatusSeeOther && r.Header.Get("Location") != page+"?sent="+sent {
				t.Fatalf("Location %q, want the page confirming %s", r.Header.Get("Location"), sent)
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

// The step bar ticks only the states the ticket really went through: a
// state skipped on the way shows as skipped, never done; states after the
// current one are still to come, even when an earlier round reached them.
func TestTrackSteps(t *testing.T) {
	tests := []struct {
		name  string
		moves []string // agents' status changes after creation (as open)
		want  string   // each step's state, in workflow order
	}{
		{"Open", nil, "done current todo todo todo"},
		{"InProgress", []string{"in_progress"}, "done done current todo todo"},
		{"ClosedStraightFromOpen", []string{"closed"}, "done done skipped skipped current"},
		{"ResolvedWithoutProgress", []string{"resolved"}, "done done skipped current todo"},
		{"ClosedAfterEveryStep", []string{"in_progress", "resolved", "closed"}, "done done done done current"},
		{"Reopened", []string{"in_progress", "resolved", "open"}, "done current todo todo todo"},
		{"ReopenedAndResolvedAgain", []string{"resolved", "open", "resolved"}, "done done skipped current todo"},
		{"WorkedOnInAnEarlierRound", []string{"in_progress", "resolved", "open", "resolved"}, "done done done current todo"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestServer(t)
			c, page := s.trackedTicket(t, nil)
			for _, st := range tc.moves {
				s.setStatus(t, c.ID, st)
			}
			d := html(t, s.newBrowser(t).get(t, page))
			var states []string
			d.Find(`[data-testid="status-steps"] > li`).Each(func(_ int, li *goquery.Selection) {
				states = append(states, li.AttrOr("data-state", ""))
				label := text(li.Find(".step-label"))
				ticked := li.Find(".step-dot svg").Length() == 1
				switch li.AttrOr("data-state", "") {
				case "skipped":
					if ticked || !strings.HasSuffix(label, "Skipped") {
						t.Errorf("skipped step %s: ticked %v, reads %q; want no tick and the word Skipped", li.AttrOr("data-status", ""), ticked, label)
					}
				case "done":
					if !ticked || !strings.HasSuffix(label, "(done)") {
						t.Errorf("done step %s: ticked %v, reads %q", li.AttrOr("data-status", ""), ticked, label)
					}
				default:
					if ticked {
						t.Errorf("step %s is ticked but %s", li.AttrOr("data-status", ""), li.AttrOr("data-state", ""))
					}
				}
			})
			if got := strings.Join(states, " "); got != tc.want {
				t.Fatalf("steps %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("CreatedThenClosed", func(t *testing.T) {
		// A request stored as "created" (not yet triaged) and closed from
		// there: its arrival happened, nothing else did.
		s := newTestServer(t)
		tk, token, err := s.DB.CreateTicket(t.Context(), db.NewTicket{RoleContext: "tourist", FullName: "Ana Martínez",
			Email: "ana@example.com", Subject: "Spam?", Category: "General Inquiry", Message: "Hello", Status: "created"},
			db.Actor{Type: "requester", Name: "Ana Martínez"})
		if err != nil {
			t.Fatal(err)
		}
		s.setStatus(t, tk.ID, "closed")
		d := html(t, s.newBrowser(t).get(t, "/track/"+token+"?lang=es"))
		var states []string
		d.Find(`[data-testid="status-steps"] > li`).Each(func(_ int, li *goquery.Selection) {
			states = append(states, li.AttrOr("data-state", ""))
		})
		if got, want := strings.Join(states, " "), "done skipped skipped skipped current"; got != want {
			t.Fatalf("steps %q, want %q", got, want)
		}
		if got := text(one(t, d, `[data-status="in_progress"] .step-label`)); got != "En curso Omitido" {
			t.Fatalf("a skipped step reads %q in Spanish", got)
		}
	})
}

// "Thanks for letting us know" is for the requester who said it was
// solved; when support closed the ticket, the page says so plainly.
func TestTrackClosedText(t *testing.T) {
	tests := []struct {
		name   string
		close  func(t *testing.T, s *testServer, b *browser, id int64, page string)
		lang   string
		want   string
		refuse string // what it must not say
	}{
		{"ByRequester", func(t *testing.T, s *testServer, b *browser, id int64, page string) {
			s.setStatus(t, id, "resolved")
			b.get(t, page)
			if r := b.postForm(t, page+"/close", url.Values{}); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("close: %d", r.StatusCode)
			}
		}, "en", "Thanks for letting us know. Need anything else?", "Support closed"},
		{"BySupport", func(t *testing.T, s *testServer, b *browser, id int64, page string) {
			s.setStatus(t, id, "closed")
		}, "en", "Support closed this request. Need anything else?", "Thanks"},
		{"BySupportAfterResolving", func(t *testing.T, s *testServer, b *browser, id int64, page string) {
			s.setStatus(t, id, "resolved")
			s.setStatus(t, id, "closed")
		}, "en", "Support closed this request. Need anything else?", "Thanks"},
		{"BySupportES", func(t *testing.T, s *testServer, b *browser, id int64, page string) {
			s.setStatus(t, id, "closed")
		}, "es", "El equipo de soporte cerró esta solicitud. ¿Necesitas algo más?", "Gracias"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestServer(t)
			c, page := s.trackedTicket(t, nil)
			b := s.newBrowser(t)
			tc.close(t, s, b, c.ID, page)
			d := html(t, b.get(t, page+"?lang="+tc.lang))
			closed := one(t, d, `[data-testid="track-closed"]`)
			if got := text(closed); !strings.Contains(got, tc.want) || strings.Contains(got, tc.refuse) {
				t.Fatalf("closed card reads %q, want %q and no %q", got, tc.want, tc.refuse)
			}
			if closed.Find(`a[href="/"]`).Length() != 1 {
				t.Fatal("the closed card does not link to a new request")
			}
		})
	}
}

// After the requester's reply or answer to "did this solve it", the page
// they land on says what happened, politely (role="status"), in their
// language; an address that claims what the ticket does not bear out, or
// names something unknown, shows nothing.
func TestTrackSentConfirmation(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, s *testServer, id int64)
		post  string // "reply", "close" or "reopen"
		lang  string
		want  string
	}{
		{"Reply", nil, "reply", "en", "Your reply was sent. We'll answer here and by email."},
		{"ReplyES", nil, "reply", "es", "Tu respuesta se ha enviado. Te responderemos aquí y por correo."},
		{"Solved", func(t *testing.T, s *testServer, id int64) { s.setStatus(t, id, "resolved") }, "close", "en", "Done: your request is closed."},
		{"StillAProblem", func(t *testing.T, s *testServer, id int64) { s.setStatus(t, id, "resolved") }, "reopen", "en",
			"We've reopened your request and will look at it again. You can add details below."},
		{"StillAProblemES", func(t *testing.T, s *testServer, id int64) { s.setStatus(t, id, "resolved") }, "reopen", "es",
			"Hemos reabierto tu solicitud y la revisaremos de nuevo. Puedes añadir detalles abajo."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestServer(t)
			c, page := s.trackedTicket(t, nil)
			if tc.setup != nil {
				tc.setup(t, s, c.ID)
			}
			b := s.newBrowser(t)
			d := html(t, b.get(t, page+"?lang="+tc.lang))
			if d.Find(`[data-testid="track-sent"]`).Length() != 0 {
				t.Fatal("the page confirms something before anything was sent")
			}
			var r response
			if tc.post == "reply" {
				r = b.postMultipart(t, page+"/reply", []part{{Name: "csrf", Value: b.csrf(t)}, {Name: "body", Value: "Any news?"}})
			} else {
				r = b.postForm(t, page+"/"+tc.post, url.Values{})
			}
			if r.StatusCode != http.StatusSeeOther {
				t.Fatalf("post: %d %.300s", r.StatusCode, r.Body)
			}
			d = html(t, b.get(t, r.Header.Get("Location")))
			sent := one(t, d, `[data-testid="track-sent"]`)
			if got := sent.AttrOr("role", ""); got != "status" {
				t.Errorf("role %q, want status", got)
			}
			if got := text(sent); got != tc.want {
				t.Fatalf("confirmation %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("NotBorneOut", func(t *testing.T) {
		s := newTestServer(t)
		_, page := s.trackedTicket(t, nil)
		closed, closedPage := s.trackedTicket(t, nil)
		s.setStatus(t, closed.ID, "closed") // by support
		b := s.newBrowser(t)
		for _, path := range []string{page + "?sent=closed", page + "?sent=bogus", page + "?sent=%3Cb%3E", closedPage + "?sent=closed", closedPage + "?sent=reopened"} {
			if n := html(t, b.get(t, path)).Find(`[data-testid="track-sent"]`).Length(); n != 0 {
				t.Errorf("%s confirms something that did not happen", path)
			}
		}
	})
}

// A reply refused without a script leaves the browser at the form's
// address; asking for it again (a reload, the back button) leads to the
// reply form on the tracking page, never to a 405.
func TestTrackReplyAddress(t *testing.T) {
	s := newTestServer(t)
	_, page := s.trackedTicket(t, nil)
	b := s.newBrowser(t)
	r := b.postMultipart(t, page+"/reply", []part{{Name: "csrf", Value: b.formToken(t, page)}, {Name: "body", Value: " "}})
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("empty reply: %d, want 422", r.StatusCode)
	}
	r = b.get(t, page+"/reply")
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("GET the reply address: %d, want 303", r.StatusCode)
	}
	if got, want := r.Header.Get("Location"), page+"#reply"; got != want {
		t.Fatalf("Location %q, want %q", got, want)
	}
	if got := r.Header.Get("Referrer-Policy"); got != "no-referrer" {
		t.Errorf("Referrer-Policy %q on a tracking address", got)
	}
	one(t, html(t, b.get(t, page)), `form#reply`)
	if r := b.get(t, "/track/"+db.TicketTokenPrefix+"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/reply"); r.StatusCode != http.StatusNotFound {
		t.Fatalf("an unknown token's reply address: %d, want 404", r.StatusCode)
	}
}

// The helpdesk's own notes (a file left out of an email) read as notes,
// not as support's answer, and leave the page saying the request waits on
// support; someone else writing on the requester's side (a spouse in CC)
// is named, not called "you".
func TestTrackNotesAndOtherSenders(t *testing.T) {
	s := newTestServer(t)
	c, page := s.trackedTicket(t, map[string]any{"email": "ana.martinez@example.com"})
	if _, err := s.DB.AddEmailReply(t.Context(), c.ID, db.EmailReply{
		MessageID: "spouse-1@example.com",
		From:      db.Sender{Name: "Luis Pérez", Address: "luis.perez@example.com"},
		Body:      "Adjunto la factura.",
		LeftOut:   "Not kept: factura.exe (not an accepted file type).",
	}, 5); err != nil {
		t.Fatal(err)
	}
	b := s.newBrowser(t)
	doc := html(t, b.get(t, page))
	var kinds, names []string
	doc.Find(`[data-testid="thread"] [data-testid="message"]`).Each(func(_ int, m *goquery.Selection) {
		kinds = append(kinds, m.AttrOr("data-author", ""))
		names = append(names, text(m.Find("p").First()))
	})
	if len(kinds) != 3 || kinds[1] != "requester" || kinds[2] != "system" {
		t.Fatalf("thread authors %v (%v), want the request, Luis's reply and a system note", kinds, names)
	}
	if strings.Contains(names[1], "You") || !strings.Contains(names[1], "Luis Pérez") {
		t.Errorf("the spouse's message reads %q, want it named Luis Pérez, not You", names[1])
	}
	if !strings.Contains(names[2], "Note") {
		t.Errorf("the system note reads %q, want it marked as a note", names[2])
	}
	if doc.Find(`[data-testid="received"]`).Length() == 0 {
		t.Error("the page no longer says the request waits on support after a system note")
	}
}
