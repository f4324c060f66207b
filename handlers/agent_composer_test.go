package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/kinconecta/helpdesk/db"
)

// composeWith posts the reply form with any fields.
func (b *browser) composeWith(t testing.TB, id int64, values map[string]string) response {
	t.Helper()
	return b.postMultipart(t, ticketPath(id, "messages"), formParts(b.csrf(t), values))
}

// requesterSays adds a public message from the requester, through the API
// with the ticket's own token.
func (s *testServer) requesterSays(t testing.TB, c created, body string) {
	t.Helper()
	r := s.postJSON(t, "/api/support-tickets/"+strconv.FormatInt(c.ID, 10)+"/messages", map[string]any{"body": body}, bearer(c.AccessToken)...)
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("requester message: %d %s", r.StatusCode, r.Body)
	}
}

// A form without an audience is a public reply: the default.
func TestComposerDefaultPublic(t *testing.T) {
	s := newTestServer(t)
	c := s.createTicket(t, nil)
	b := s.signIn(t, db.RoleAgent)
	seeOther(t, b.composeWith(t, c.ID, map[string]string{"body": "Hello"}), c.ID)
	msgs, err := s.DB.Messages(t.Context(), c.ID, true)
	if err != nil || len(msgs) != 1 || msgs[0].Internal || msgs[0].Format != db.FormatMarkdown {
		t.Fatalf("stored %+v (%v), want one public formatted reply", msgs, err)
	}
	d := b.workspace(t, c.ID)
	if got := one(t, d, `[data-testid="audience-public"]`).AttrOr("checked", "no"); got == "no" {
		t.Fatal("public reply is not checked by default")
	}
}

// "Send and …" stores the message and moves the ticket in one write; a
// move the workflow refuses, or a close (which takes its confirmation),
// stores nothing.
func TestComposerSendAndStatus(t *testing.T) {
	tests := []struct {
		name, then string
		status     int
		want       db.Status // the ticket's status after
		stored     int
	}{
		{"OKResolved", "resolved", 303, db.StatusResolved, 1},
		{"OKInProgress", "in_progress", 303, db.StatusInProgress, 1},
		{"ErrBackwards", "created", 409, db.StatusOpen, 0},
		{"ErrClose", "closed", 422, db.StatusOpen, 0},
		{"ErrUnknown", "done", 422, db.StatusOpen, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestServer(t)
			c := s.createTicket(t, nil)
			s.setStatus(t, c.ID, "open")
			b := s.signIn(t, db.RoleAgent)
			r := b.composeWith(t, c.ID, map[string]string{"body": "All done", "then": tc.then})
			if r.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %.300s", r.StatusCode, tc.status, r.Body)
			}
			msgs, _ := s.DB.Messages(t.Context(), c.ID, true)
			tk, _ := s.DB.Ticket(t.Context(), c.ID, true)
			if len(msgs) != tc.stored || tk.Status != tc.want {
				t.Fatalf("%d messages, status %s; want %d, %s", len(msgs), tk.Status, tc.stored, tc.want)
			}
			if tc.status != 303 {
				if got := one(t, html(t, r), `textarea#body`).Text(); got != "All done" {
					t.Fatalf("typed text not kept: %q", got)
				}
				return
			}
			if got, want := text(one(t, b.workspace(t, c.ID), `[data-testid="ticket-notice"]`)), "Reply sent; the ticket is now"; !strings.HasPrefix(got, want) {
				t.Fatalf("notice %q", got)
			}
		})
	}
}

// The signature goes below public replies only, and shows in the
// composer; formatting renders the safe subset, requesters' text stays
// plain.
func TestComposerSignatureAndFormatting(t *testing.T) {
	s := newTestServer(t)
	c := s.createTicket(t, nil)
	b := s.signIn(t, db.RoleAgent)
	if _, err := s.DB.UpdateProfile(t.Context(), b.User.ID, db.Profile{Name: "Lucía Gómez", Signature: "Lucía\n**Kinconecta** support"}); err != nil {
		t.Fatal(err)
	}
	d := b.workspace(t, c.ID)
	if got := text(one(t, d, `[data-testid="compose-signature"]`)); !strings.Contains(got, "Kinconecta support") {
		t.Fatalf("composer signature %q", got)
	}
	seeOther(t, b.composeWith(t, c.ID, map[string]string{"body": "See **this** <script>x()</script> [link](javascript:alert(1))"}), c.ID)
	seeOther(t, b.composeWith(t, c.ID, map[string]string{"body": "Note **only**", "internal": "true"}), c.ID)
	s.requesterSays(t, c, "my **plain** <b>text</b>")
	msgs, _ := s.DB.Messages(t.Context(), c.ID, true)
	if len(msgs) != 3 {
		t.Fatalf("%d messages", len(msgs))
	}
	if !strings.HasSuffix(msgs[0].Body, "\n\nLucía\n**Kinconecta** support") || msgs[0].Author.Name != "Lucía Gómez" {
		t.Fatalf("reply %q by %q lacks the signature or the profile's name", msgs[0].Body, msgs[0].Author.Name)
	}
	if strings.Contains(msgs[1].Body, "Kinconecta") {
		t.Fatalf("the note got the signature: %q", msgs[1].Body)
	}
	r := b.get(t, ticketPath(c.ID))
	d = html(t, r)
	bodies := d.Find(`[data-testid="entry-body"]`)
	reply, _ := bodies.Eq(1).Html()
	if !strings.Contains(reply, "<strong>this</strong>") || !strings.Contains(reply, "&lt;script&gt;") || strings.Contains(reply, "javascript:") {
		t.Fatalf("reply rendered as %q", reply)
	}
	plain, _ := bodies.Eq(3).Html()
	if strings.Contains(plain, "<strong>") || !strings.Contains(plain, "**plain** &lt;b&gt;text&lt;/b&gt;") {
		t.Fatalf("requester text rendered as %q", plain)
	}
	if strings.Contains(string(r.Body), "<script>x()") {
		t.Fatal("raw script on the page")
	}
	// The preview goes through the same renderer, signature included.
	p := b.postForm(t, ticketPath(c.ID, "preview"), map[string][]string{"body": {"a *b*"}})
	if p.StatusCode != 200 || !strings.Contains(string(p.Body), "<em>b</em>") || !strings.Contains(string(p.Body), "<strong>Kinconecta</strong>") {
		t.Fatalf("preview %d %s", p.StatusCode, p.Body)
	}
}

// The send guard: a public message from someone else since the page was
// made refuses the send with that message shown and the text kept;
// sending again from the page that shows it goes through. The agent's
// own earlier reply and internal notes are no news.
func TestComposerSendGuard(t *testing.T) {
	s := newTestServer(t)
	c := s.createTicket(t, nil)
	a := s.signIn(t, db.RoleAgent)
	other := s.signIn(t, db.RoleAgent)
	seen := one(t, a.workspace(t, c.ID), `[data-testid="compose-seen"]`).AttrOr("value", "")

	seeOther(t, other.composeWith(t, c.ID, map[string]string{"body": "team only", "internal": "true"}), c.ID)
	seeOther(t, a.composeWith(t, c.ID, map[string]string{"body": "First answer", "seen": seen}), c.ID)
	// a's own reply is not news to a, but it still had not seen the page after it
	s.requesterSays(t, c, "Actually, never mind: it arrived!")
	r := a.composeWith(t, c.ID, map[string]string{"body": "Your refund is on its way", "seen": seen})
	if r.StatusCode != http.StatusConflict {
		t.Fatalf("status %d, want 409", r.StatusCode)
	}
	d := html(t, r)
	warn := one(t, d, `[data-testid="stale-warning"]`)
	if got := text(warn); !strings.Contains(got, "A new message arrived since you opened this ticket") || !strings.Contains(got, "never mind: it arrived") {
		t.Fatalf("warning %q", got)
	}
	if got := one(t, d, `textarea#body`).Text(); got != "Your refund is on its way" {
		t.Fatalf("text not kept: %q", got)
	}
	if got := text(one(t, d, `[data-testid="compose-submit"]`)); got != "Send anyway" {
		t.Fatalf("button %q", got)
	}
	msgs, _ := s.DB.Messages(t.Context(), c.ID, true)
	if len(msgs) != 3 {
		t.Fatalf("%d messages stored, want 3 (nothing from the refused send)", len(msgs))
	}
	newSeen := one(t, d, `[data-testid="compose-seen"]`).AttrOr("value", "")
	seeOther(t, a.composeWith(t, c.ID, map[string]string{"body": "Your refund is on its way", "seen": newSeen}), c.ID)
}

// A send refused for another reason (no text) does not move the guard's
// "seen" past a message the agent has not been shown in the form.
func TestComposerGuardSurvivesRefusal(t *testing.T) {
	s := newTestServer(t)
	c := s.createTicket(t, nil)
	a := s.signIn(t, db.RoleAgent)
	seen := one(t, a.workspace(t, c.ID), `[data-testid="compose-seen"]`).AttrOr("value", "")
	s.requesterSays(t, c, "Are you there?")
	r := a.composeWith(t, c.ID, map[string]string{"body": " ", "seen": seen})
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("empty body: %d", r.StatusCode)
	}
	if got := one(t, html(t, r), `[data-testid="compose-seen"]`).AttrOr("value", ""); got != seen {
		t.Fatalf("seen %q after a refusal, want %q kept", got, seen)
	}
}
