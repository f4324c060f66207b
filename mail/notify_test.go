package mail

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/kinconecta/helpdesk/db"
)

// TestNotifications walks one ticket through its life and checks each
// email: who gets it, what it says, its links, and its threading.
func TestNotifications(t *testing.T) {
	d := newDesk(t)
	d.start(t)
	ctx := context.Background()
	carlos := d.agent(t, "carlos@kinconecta.test", "Carlos Ruiz")
	tk := d.ticket(t, "Ana Martínez", "ana.martinez@example.com", "Question about tour cancellation", "en")
	root := fmt.Sprintf("<ticket-%d@kinconecta.test>", tk.ID)
	seenIDs := map[string]bool{}
	// threaded checks the headers every email of the ticket shares. The
	// first email the requester gets is the thread's root (CONTRACT §5,
	// Threading): it carries the root id as its own Message-ID; every
	// later one answers it.
	threaded := func(t *testing.T, m received, wantTo string, first bool) {
		t.Helper()
		if got := m.To; !slices.Equal(got, []string{wantTo}) {
			t.Fatalf("envelope recipients = %v, want [%s]", got, wantTo)
		}
		id := m.Header.Get("Message-ID")
		if seenIDs[id] {
			t.Fatalf("Message-ID %s used twice", id)
		}
		seenIDs[id] = true
		if first {
			if id != root {
				t.Fatalf("the first email's Message-ID = %q, want the thread's root %q", id, root)
			}
			if m.Header.Get("In-Reply-To") != "" || m.Header.Get("References") != "" {
				t.Fatalf("the root answers nothing: In-Reply-To %q, References %q", m.Header.Get("In-Reply-To"), m.Header.Get("References"))
			}
		} else {
			if !regexp.MustCompile(fmt.Sprintf(`^<n-\d+\.ticket-%d@kinconecta\.test>$`, tk.ID)).MatchString(id) {
				t.Fatalf("Message-ID = %q", id)
			}
			if got := m.Header.Get("In-Reply-To"); got != root {
				t.Fatalf("In-Reply-To = %q, want %q", got, root)
			}
			if got := m.Header.Get("References"); got != root {
				t.Fatalf("References = %q, want %q", got, root)
			}
		}
		if got := m.Header.Get("Auto-Submitted"); got != "auto-generated" {
			t.Fatalf("Auto-Submitted = %q", got)
		}
		if m.Text == "" || !strings.Contains(m.HTML, "<html lang=\"en\">") {
			t.Fatalf("want a text part and an English HTML part; got text %d bytes, html:\n%s", len(m.Text), m.HTML)
		}
	}
	subject := fmt.Sprintf("[Ticket #%d] Question about tour cancellation", tk.ID)

	t.Run("Created", func(t *testing.T) {
		m := d.box.waitFor(t, 1)[0]
		threaded(t, m, "ana.martinez@example.com", true)
		if got := m.Get("Subject"); got != subject {
			t.Fatalf("Subject = %q, want %q", got, subject)
		}
		if got := m.Get("To"); got != `"Ana Martínez" <ana.martinez@example.com>` && got != "Ana Martínez <ana.martinez@example.com>" {
			t.Fatalf("To = %q", got)
		}
		if got := m.Get("Reply-To"); !regexp.MustCompile(fmt.Sprintf(`<reply\+%d\.[a-z2-7]{16}@help\.kinconecta\.test>$`, tk.ID)).MatchString(got) {
			t.Fatalf("Reply-To = %q", got)
		}
		token := d.trackToken(t, m.Text, tk.ID)
		if !strings.Contains(m.HTML, `href="`+testBaseURL+"/track/"+token+`"`) {
			t.Fatalf("the HTML part lacks the text part's link")
		}
		for _, want := range []string{"Hi Ana Martínez,", "Can I cancel it?", "Booking"} {
			if !strings.Contains(m.Text, want) {
				t.Fatalf("text lacks %q:\n%s", want, m.Text)
			}
		}
	})

	t.Run("InternalNoteSendsNothing", func(t *testing.T) {
		agent := db.Actor{Type: "agent", ID: carlos.ID, Name: carlos.Name}
		if _, err := d.db.AddMessage(ctx, tk.ID, db.NewMessage{Body: "Internal: check the refund policy", Internal: true}, agent, 20); err != nil {
			t.Fatal(err)
		}
		if _, err := d.db.AddMessage(ctx, tk.ID, db.NewMessage{Body: "You can cancel up to 24 hours before the tour."}, agent, 20); err != nil {
			t.Fatal(err)
		}
		// The worker sends in outbox order: an email for the note would
		// come before the reply's.
		msgs := d.box.waitFor(t, 2)
		m := msgs[1]
		threaded(t, m, "ana.martinez@example.com", false)
		if !strings.Contains(m.Text, "Carlos Ruiz answered your request") || !strings.Contains(m.Text, "24 hours before") {
			t.Fatalf("the reply email does not carry the reply:\n%s", m.Text)
		}
		if strings.Contains(m.Text, "::") {
			t.Errorf("a label ends in two colons:\n%s", m.Text)
		}
		for _, part := range []string{m.Text, m.HTML, string(m.Raw)} {
			if strings.Contains(part, "refund policy") {
				t.Fatalf("the internal note leaked into an email")
			}
		}
		d.trackToken(t, m.Text, tk.ID)
	})

	t.Run("AssignedTellsTheAssignee", func(t *testing.T) {
		assignee := carlos.ID
		if _, err := d.db.UpdateTicket(ctx, tk.ID, db.TicketPatch{AssigneeID: &assignee}, db.Actor{Type: "apikey", ID: 1, Name: "script"}); err != nil {
			t.Fatal(err)
		}
		m := d.box.waitFor(t, 3)[2]
		threaded(t, m, "carlos@kinconecta.test", false)
		if got, want := m.Get("Subject"), fmt.Sprintf("[Ticket #%d] Assigned to you: Question about tour cancellation", tk.ID); got != want {
			t.Fatalf("Subject = %q, want %q", got, want)
		}
		if !strings.Contains(m.Text, "Hi Carlos Ruiz,") || !strings.Contains(m.Text, fmt.Sprintf("%s/agent/tickets/%d", testBaseURL, tk.ID)) {
			t.Fatalf("assignment email:\n%s", m.Text)
		}
		if m.Header.Get("Reply-To") != "" || trackLink.MatchString(m.Text) {
			t.Fatalf("an agent's email must carry neither the requester's reply address nor a private link")
		}
	})

	t.Run("Resolved", func(t *testing.T) {
		status := "resolved"
		if _, err := d.db.UpdateTicket(ctx, tk.ID, db.TicketPatch{Status: &status}, db.Actor{Type: "agent", ID: carlos.ID, Name: carlos.Name}); err != nil {
			t.Fatal(err)
		}
		m := d.box.waitFor(t, 4)[3]
		threaded(t, m, "ana.martinez@example.com", false)
		token := d.trackToken(t, m.Text, tk.ID)
		for _, answer := range []string{"solved", "reopen"} {
			link := testBaseURL + "/track/" + token + "?answer=" + answer + "#resolution"
			if !strings.Contains(m.Text, link) || !strings.Contains(m.HTML, `href="`+link+`"`) {
				t.Fatalf("no %q link %s in the email:\n%s", answer, link, m.Text)
			}
		}
		if !strings.Contains(m.Text, "Did this solve your problem?") {
			t.Fatalf("resolved email:\n%s", m.Text)
		}
		// Mailing the links changed nothing: only the page's buttons do.
		if got, err := d.db.Ticket(ctx, tk.ID, false); err != nil || got.Status != db.StatusResolved {
			t.Fatalf("status = %q, %v", got.Status, err)
		}
	})

	t.Run("RequesterReplyReopensAndTellsTheAssignee", func(t *testing.T) {
		requester := db.Actor{Type: "requester", Name: "Ana Martínez"}
		if _, err := d.db.AddMessage(ctx, tk.ID, db.NewMessage{Body: "No, the refund never arrived."}, requester, 20); err != nil {
			t.Fatal(err)
		}
		m := d.box.waitFor(t, 5)[4]
		threaded(t, m, "carlos@kinconecta.test", false)
		if got, want := m.Get("Subject"), fmt.Sprintf("[Ticket #%d] Reply: Question about tour cancellation", tk.ID); got != want {
			t.Fatalf("Subject = %q, want %q", got, want)
		}
		for _, want := range []string{"Ana Martínez wrote on ticket", "No, the refund never arrived.", "this reply opened it again",
			fmt.Sprintf("%s/agent/tickets/%d", testBaseURL, tk.ID)} {
			if !strings.Contains(m.Text, want) {
				t.Fatalf("the reply notice lacks %q:\n%s", want, m.Text)
			}
		}
		if m.Header.Get("Reply-To") != "" || trackLink.MatchString(m.Text) {
			t.Fatalf("an agent's email must carry neither the requester's reply address nor a private link")
		}
	})

	t.Run("Closed", func(t *testing.T) {
		status := "closed"
		if _, err := d.db.UpdateTicket(ctx, tk.ID, db.TicketPatch{Status: &status}, db.Actor{Type: "agent", ID: carlos.ID, Name: carlos.Name}); err != nil {
			t.Fatal(err)
		}
		m := d.box.waitFor(t, 6)[5]
		threaded(t, m, "ana.martinez@example.com", false)
		if !strings.Contains(m.Text, fmt.Sprintf("Your request #%d is now closed", tk.ID)) {
			t.Fatalf("closed email:\n%s", m.Text)
		}
		// A closed ticket takes no replies: its email offers no reply
		// address, where the requester's earlier ones did.
		if m.Header.Get("Reply-To") != "" || d.box.waitFor(t, 6)[0].Header.Get("Reply-To") == "" {
			t.Errorf("Reply-To on the closed email %q, on the first %q; want none, then one",
				m.Header.Get("Reply-To"), d.box.waitFor(t, 6)[0].Header.Get("Reply-To"))
		}
		d.trackToken(t, m.Text, tk.ID)
	})

	t.Run("EveryRowSent", func(t *testing.T) {
		// The server has the last email before the worker records it:
		// stopping the worker waits for that.
		d.svc.Stop()
		for _, status := range []string{"pending", "failed"} {
			if rows, err := d.db.Notifications(ctx, status, 10); err != nil || len(rows) != 0 {
				t.Fatalf("%s notifications: %v, %v", status, rows, err)
			}
		}
		if got := len(d.box.messages()); got != 6 {
			t.Fatalf("%d emails, want 6", got)
		}
	})
}

// TestAPIKeyReplySignedByTeam: a public reply written through the API
// with a key reaches the requester signed by the support team, never by
// the key's name.
func TestAPIKeyReplySignedByTeam(t *testing.T) {
	d := newDesk(t)
	d.start(t)
	tk := d.ticket(t, "Ana", "ana@example.com", "Refund", "en")
	if _, err := d.db.AddMessage(context.Background(), tk.ID, db.NewMessage{Body: "Your refund is on its way."},
		db.Actor{Type: "apikey", ID: 7, Name: "crm-sync"}, 20); err != nil {
		t.Fatal(err)
	}
	m := d.box.waitFor(t, 2)[1]
	if !strings.Contains(m.Text, "Kinconecta Support answered your request") || strings.Contains(m.Text+m.HTML, "crm-sync") {
		t.Fatalf("the reply is not signed by the team:\n%s", m.Text)
	}
}

// TestSpanishTicket checks that a ticket written in Spanish is answered
// in Spanish, accents intact in the subject.
func TestSpanishTicket(t *testing.T) {
	d := newDesk(t)
	d.start(t)
	tk := d.ticket(t, "Lucía Pérez", "lucia.perez@example.com", "¿Puedo cambiar la fecha del tour?", "es")
	m := d.box.waitFor(t, 1)[0]
	if got, want := m.Get("Subject"), fmt.Sprintf("[Ticket #%d] ¿Puedo cambiar la fecha del tour?", tk.ID); got != want {
		t.Fatalf("Subject = %q, want %q", got, want)
	}
	for _, want := range []string{"Hola, Lucía Pérez:", "Recibimos tu solicitud", "Reservas y viajes", "Seguir tu solicitud"} {
		if !strings.Contains(m.Text, want) || !strings.Contains(m.HTML, want) {
			t.Fatalf("the email lacks %q:\n%s", want, m.Text)
		}
	}
	if strings.Contains(m.Text, "We received") || !strings.Contains(m.HTML, `<html lang="es">`) {
		t.Fatalf("English in a Spanish email:\n%s", m.Text)
	}
	d.trackToken(t, m.Text, tk.ID)
}

// TestHeaderInjection sends a ticket whose subject and name try to add a
// Bcc header: they must stay text on their own header lines.
func TestHeaderInjection(t *testing.T) {
	d := newDesk(t)
	// Line breaks are refused at create now; a row stored before still
	// reaches the mail.
	tk := d.storedTicket(t, "Ana\r\nBcc: evil2@example.com", "ana.martinez@example.com", "Help\r\nBcc: evil@example.com", "en")
	d.start(t)
	m := d.box.waitFor(t, 1)[0]
	if !slices.Equal(m.To, []string{"ana.martinez@example.com"}) {
		t.Fatalf("envelope recipients = %v", m.To)
	}
	head, _, _ := strings.Cut(string(m.Raw), "\r\n\r\n")
	for _, line := range strings.Split(head, "\r\n") {
		if strings.HasPrefix(strings.ToLower(line), "bcc:") {
			t.Fatalf("injected header line %q in:\n%s", line, head)
		}
	}
	if len(m.Header["Bcc"]) != 0 {
		t.Fatalf("Bcc header present: %v", m.Header["Bcc"])
	}
	if got, want := m.Get("Subject"), fmt.Sprintf("[Ticket #%d] Help Bcc: evil@example.com", tk.ID); got != want {
		t.Fatalf("Subject = %q, want %q", got, want)
	}
	if got := m.Get("To"); !strings.Contains(got, "Ana Bcc: evil2@example.com") || !strings.HasSuffix(got, "<ana.martinez@example.com>") {
		t.Fatalf("To = %q", got)
	}
}

func TestHeaderText(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"OK", "Question about tour cancellation", "Question about tour cancellation"},
		{"CRLF", "Help\r\nBcc: evil@example.com", "Help Bcc: evil@example.com"},
		{"LoneCR", "a\rb", "a b"},
		{"LineSeparator", "a\u2028b", "a b"},
		{"Tabs", "\ta\t\tb ", "a b"},
		{"Accents", "¿Puedo cambiar?", "¿Puedo cambiar?"},
		{"RightToLeftOverride", "Ana\u202Emoc.live@", "Anamoc.live@"},
		{"BidiMarksAndIsolates", "\u200Fa\u200Eb\u2066c\u2069\u061C", "abc"},
		{"ZeroWidthSpaceAndBOM", "a\u200Bb\uFEFF", "ab"},
		{"JoinersStay", "\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645 \U0001F469\u200D\U0001F4BB", "\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645 \U0001F469\u200D\U0001F4BB"},
		{"ParagraphSeparator", "a\u2029b", "a b"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := headerText(tc.in); got != tc.want {
				t.Fatalf("headerText(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestNewTicketEmail: an agent who asked for it hears of every new ticket,
// in English (the language of agents' rows), with a link to the agents'
// side and neither the requester's reply address nor a private link.
func TestNewTicketEmail(t *testing.T) {
	d := newDesk(t)
	carlos := d.agent(t, "carlos@kinconecta.test", "Carlos Ruiz")
	if err := d.db.SetNotifyNewTickets(context.Background(), carlos.ID, true); err != nil {
		t.Fatal(err)
	}
	d.start(t)
	tk := d.ticket(t, "Lucía Pérez", "lucia.perez@example.com", "¿Puedo cambiar la fecha?", "es")
	msgs := d.box.waitFor(t, 2)
	var m received
	for _, r := range msgs {
		if slices.Equal(r.To, []string{"carlos@kinconecta.test"}) {
			m = r
		}
	}
	if m.Raw == nil {
		t.Fatalf("no email to the agent among %d", len(msgs))
	}
	if got, want := m.Get("Subject"), fmt.Sprintf("[Ticket #%d] New: ¿Puedo cambiar la fecha?", tk.ID); got != want {
		t.Fatalf("Subject = %q, want %q", got, want)
	}
	for _, want := range []string{"Lucía Pérez <lucia.perez@example.com> (tourist)", "Can I cancel it?", fmt.Sprintf("%s/agent/tickets/%d", testBaseURL, tk.ID)} {
		if !strings.Contains(m.Text, want) {
			t.Fatalf("text lacks %q:\n%s", want, m.Text)
		}
	}
	if m.Header.Get("Reply-To") != "" || trackLink.MatchString(m.Text) || !strings.Contains(m.HTML, `lang="en"`) {
		t.Fatalf("agent notice:\n%s", m.Raw)
	}
}
