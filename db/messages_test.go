package db

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// emailFixture is a database with one ticket and an agent.
type emailFixture struct {
	d      *DB
	ticket Ticket
	agent  User
}

func newEmailFixture(t *testing.T) emailFixture {
	t.Helper()
	d := mustOpen(t)
	ctx := context.Background()
	tk, _, err := d.CreateTicket(ctx, NewTicket{RoleContext: "tourist", FullName: "Ana Martínez", Email: "ana.martinez@example.com",
		Subject: "Cancel my tour", Category: "Booking", Message: "Can I cancel?", Language: "es"},
		Actor{Type: "requester", Name: "Ana Martínez"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := d.CreateUser(ctx, NewUser{Email: "pablo@kinconecta.com", Name: "Pablo", Role: RoleAgent, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	return emailFixture{d: d, ticket: tk, agent: u}
}

// outboxRows lists the ticket's outbox rows of kind.
func (f emailFixture) outboxRows(t *testing.T, kind string) []Notification {
	t.Helper()
	rows, err := f.d.notifications(context.Background(), `WHERE ticket_id = ? AND kind = ? ORDER BY id`, f.ticket.ID, kind)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestMessageAuthorEmail: every message records its author's address
// where it is known, and requesters never see an agent's.
func TestMessageAuthorEmail(t *testing.T) {
	f := newEmailFixture(t)
	ctx := context.Background()
	for _, by := range []Actor{
		{Type: "requester", Name: "Ana Martínez"},
		{Type: "agent", ID: f.agent.ID, Name: "Pablo"},
		{Type: "apikey", ID: 1, Name: "CRM"},
	} {
		if _, err := f.d.AddMessage(ctx, f.ticket.ID, NewMessage{Body: "From " + by.Type}, by, 20); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name         string
		withInternal bool
		want         []string
	}{
		{"Agents", true, []string{"ana.martinez@example.com", "pablo@kinconecta.com", ""}},
		{"Requesters", false, []string{"ana.martinez@example.com", "", ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msgs, err := f.d.Messages(ctx, f.ticket.ID, tc.withInternal)
			if err != nil || len(msgs) != 3 {
				t.Fatalf("thread = %+v, %v", msgs, err)
			}
			for i, m := range msgs {
				if got := m.Author.Email; got != tc.want[i] {
					t.Errorf("%s's message: author email = %q, want %q", m.Author.Type, got, tc.want[i])
				}
			}
		})
	}
}

// TestAddEmailReplySender: an emailed message is the requester's when it
// comes from the ticket's address (in any case), and under the sender's
// own name, else address, when someone else in the conversation wrote.
func TestAddEmailReplySender(t *testing.T) {
	f := newEmailFixture(t)
	ctx := context.Background()
	for i, tc := range []struct {
		name      string
		from      Sender
		wantName  string
		wantEmail string
	}{
		{"Requester", Sender{Name: "Ana", Address: "Ana.Martinez@example.com"}, "Ana Martínez", "Ana.Martinez@example.com"},
		{"SpouseNamed", Sender{Name: "Luis Pérez", Address: "luis.perez@example.com"}, "Luis Pérez", "luis.perez@example.com"},
		{"SpouseUnnamed", Sender{Address: "luis.perez@example.com"}, "luis.perez@example.com", "luis.perez@example.com"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := f.d.AddEmailReply(ctx, f.ticket.ID, EmailReply{MessageID: fmt.Sprintf("m%d@mail.example.com", i),
				From: tc.from, Body: "Hello"}, 20)
			if err != nil || res.Message == nil {
				t.Fatalf("AddEmailReply = %+v, %v", res, err)
			}
			msgs, _ := f.d.Messages(ctx, f.ticket.ID, false)
			got := msgs[len(msgs)-1].Author
			if got.Type != AuthorRequester || got.Name != tc.wantName || got.Email != tc.wantEmail {
				t.Fatalf("author = %+v, want requester %q <%s>", got, tc.wantName, tc.wantEmail)
			}
		})
	}
}

// TestAddEmailReplyOnce: an email's Message-ID is stored with its
// message; the same email again, even many times at once, stores
// nothing more and says so.
func TestAddEmailReplyOnce(t *testing.T) {
	f := newEmailFixture(t)
	ctx := context.Background()
	e := EmailReply{MessageID: "CAF=abc123@mail.gmail.com", From: Sender{Address: "ana.martinez@example.com"}, Body: "Here it is."}
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = f.d.AddEmailReply(ctx, f.ticket.ID, e, 20)
		}()
	}
	wg.Wait()
	stored := 0
	for _, err := range errs {
		switch {
		case err == nil:
			stored++
		case !errors.Is(err, ErrDuplicateEmail):
			t.Fatalf("AddEmailReply = %v, want nil or ErrDuplicateEmail", err)
		}
	}
	msgs, _ := f.d.Messages(ctx, f.ticket.ID, true)
	if stored != 1 || len(msgs) != 1 {
		t.Fatalf("%d deliveries stored, %d messages; want one", stored, len(msgs))
	}
	// The same Message-ID on another ticket is another email.
	other, _, err := f.d.CreateTicket(ctx, NewTicket{RoleContext: "guest", FullName: "Luis", Email: "luis@example.com",
		Subject: "Other", Category: "Other", Message: "Other"}, Actor{Type: "requester", Name: "Luis"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.d.AddEmailReply(ctx, other.ID, e, 20); err != nil {
		t.Fatalf("the same Message-ID on another ticket: %v", err)
	}
	// Without a Message-ID nothing is recognised.
	e.MessageID = ""
	for range 2 {
		if _, err := f.d.AddEmailReply(ctx, f.ticket.ID, e, 20); err != nil {
			t.Fatal(err)
		}
	}
	if msgs, _ := f.d.Messages(ctx, f.ticket.ID, true); len(msgs) != 3 {
		t.Fatalf("%d messages, want 3", len(msgs))
	}
}

// TestAddEmailReplyLeftOut: what an email left out becomes a system
// message and one email to the sender (not the requester), changing
// nothing of the conversation.
func TestAddEmailReplyLeftOut(t *testing.T) {
	f := newEmailFixture(t)
	ctx := context.Background()
	if _, err := f.d.AddMessage(ctx, f.ticket.ID, NewMessage{Body: "Yes, you can."}, Actor{Type: "agent", ID: f.agent.ID, Name: "Pablo"}, 20); err != nil {
		t.Fatal(err)
	}
	resolved := "resolved"
	if _, err := f.d.UpdateTicket(ctx, f.ticket.ID, TicketPatch{Status: &resolved}, Actor{Type: "agent", ID: f.agent.ID, Name: "Pablo"}); err != nil {
		t.Fatal(err)
	}
	before, _ := f.d.Ticket(ctx, f.ticket.ID, true)

	note := "Not everything in the email from Luis could be kept:\n- IMG_0042.HEIC: not a type of file we accept"
	res, err := f.d.AddEmailReply(ctx, f.ticket.ID, EmailReply{MessageID: "x1@example.com",
		From: Sender{Name: "Luis", Address: "luis.perez@example.com"}, LeftOut: note}, 20)
	if err != nil {
		t.Fatal(err)
	}
	if res.Message != nil || res.System == nil || res.Notice != NotifyLeftOut {
		t.Fatalf("result = %+v, want a system message and its notice", res)
	}
	msgs, _ := f.d.Messages(ctx, f.ticket.ID, false)
	sys := msgs[len(msgs)-1]
	if sys.Author.Type != AuthorSystem || sys.Author.Name != SystemName || sys.Body != note || sys.Internal {
		t.Fatalf("system message = %+v", sys)
	}
	rows := f.outboxRows(t, NotifyLeftOut)
	if len(rows) != 1 || rows[0].Recipient != "luis.perez@example.com" || rows[0].MessageID != sys.ID || rows[0].Language != "es" {
		t.Fatalf("left-out notices = %+v, want one to luis.perez@example.com about message %d, in Spanish", rows, sys.ID)
	}
	after, _ := f.d.Ticket(ctx, f.ticket.ID, true)
	if after.Status != StatusResolved || *after.Awaiting != *before.Awaiting || !after.LastMessageAt.Equal(before.LastMessageAt.Time) {
		t.Fatalf("the note moved the conversation: status %s, awaiting %v, last message %v (was %s, %v, %v)",
			after.Status, *after.Awaiting, after.LastMessageAt, before.Status, *before.Awaiting, before.LastMessageAt)
	}
	// The same email again: no second note, no second email.
	if _, err := f.d.AddEmailReply(ctx, f.ticket.ID, EmailReply{MessageID: "x1@example.com",
		From: Sender{Address: "luis.perez@example.com"}, LeftOut: note}, 20); !errors.Is(err, ErrDuplicateEmail) {
		t.Fatalf("second delivery: %v, want ErrDuplicateEmail", err)
	}
	if n := len(f.outboxRows(t, NotifyLeftOut)); n != 1 {
		t.Fatalf("%d left-out notices after a second delivery, want 1", n)
	}
}

// TestAddEmailReplyEmpty: an email with nothing left stores nothing on the
// ticket, and tells its sender once, however often it is delivered.
func TestAddEmailReplyEmpty(t *testing.T) {
	f := newEmailFixture(t)
	ctx := context.Background()
	e := EmailReply{MessageID: "empty@example.com", From: Sender{Address: "ana.martinez@example.com"}}
	res, err := f.d.AddEmailReply(ctx, f.ticket.ID, e, 20)
	if err != nil || res.Message != nil || res.System != nil || res.Notice != NotifyEmptyReply {
		t.Fatalf("AddEmailReply = %+v, %v; want only the empty-reply notice", res, err)
	}
	if _, err := f.d.AddEmailReply(ctx, f.ticket.ID, e, 20); !errors.Is(err, ErrDuplicateEmail) {
		t.Fatalf("second delivery: %v, want ErrDuplicateEmail", err)
	}
	if msgs, _ := f.d.Messages(ctx, f.ticket.ID, true); len(msgs) != 0 {
		t.Fatalf("thread = %+v, want nothing", msgs)
	}
	if rows := f.outboxRows(t, NotifyEmptyReply); len(rows) != 1 || rows[0].Recipient != "ana.martinez@example.com" {
		t.Fatalf("empty-reply notices = %+v, want one", rows)
	}
}

// TestCreateEmailTicket: an email opens one ticket however often it is
// delivered; one sender (case and +tag ignored) opens at most PerHour an
// hour, counted by the database's clock; web tickets do not count.
func TestCreateEmailTicket(t *testing.T) {
	d := mustOpen(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 10, 11, 0, 0, 0, time.UTC)
	d.Now = func() time.Time { return now }
	open := func(from, messageID string) (Ticket, error) {
		return d.CreateEmailTicket(ctx, EmailTicket{
			NewTicket: NewTicket{RoleContext: "guest", FullName: "Ana", Email: from, Subject: "Hello",
				Category: "General Inquiry", Message: "Can you help?", Language: "es"},
			MessageID: messageID, PerHour: 2,
		})
	}
	first, err := open("ana@example.com", "a1@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if id, err := d.OpeningEmail(ctx, first.ID); err != nil || id != "a1@example.com" {
		t.Fatalf("OpeningEmail = %q, %v", id, err)
	}
	if rows, _ := d.notifications(ctx, `WHERE ticket_id = ? AND kind = ?`, first.ID, NotifyTicketCreated); len(rows) != 1 {
		t.Fatalf("confirmations = %+v, want one", rows)
	}
	t.Run("Duplicate", func(t *testing.T) {
		again, err := open("ANA@example.com", "a1@example.com")
		if !errors.Is(err, ErrDuplicateEmail) || again.ID != first.ID {
			t.Fatalf("second delivery = ticket %d, %v; want ErrDuplicateEmail naming %d", again.ID, err, first.ID)
		}
	})
	t.Run("WebTicketsDoNotCount", func(t *testing.T) {
		if _, _, err := d.CreateTicket(ctx, NewTicket{RoleContext: "guest", FullName: "Ana", Email: "ana@example.com",
			Subject: "Web", Category: "Other", Message: "From the form"}, Actor{Type: "requester", Name: "Ana"}); err != nil {
			t.Fatal(err)
		}
		if _, err := open("ana+travel@example.com", "a2@example.com"); err != nil {
			t.Fatalf("second email ticket within the hour: %v", err)
		}
	})
	t.Run("ErrRateLimited", func(t *testing.T) {
		if _, err := open("Ana@Example.com", "a3@example.com"); ErrorCode(err) != ERATELIMITED {
			t.Fatalf("third within the hour: %v, want %s", err, ERATELIMITED)
		}
		if _, err := open("luis@example.com", "l1@example.com"); err != nil {
			t.Fatalf("another sender: %v", err)
		}
	})
	t.Run("AnHourLater", func(t *testing.T) {
		now = now.Add(EmailWindow)
		if _, err := open("ana@example.com", "a3@example.com"); err != nil {
			t.Fatalf("an hour later: %v", err)
		}
	})
	t.Run("LeftOut", func(t *testing.T) {
		tk, err := d.CreateEmailTicket(ctx, EmailTicket{
			NewTicket: NewTicket{RoleContext: "guest", FullName: "Marta", Email: "marta@example.com", Subject: "Photo",
				Category: "General Inquiry", Message: "(files sent without a message)"},
			LeftOut: "Not everything in the email from Marta could be kept:\n- IMG.HEIC: not a type of file we accept",
		})
		if err != nil {
			t.Fatal(err)
		}
		msgs, _ := d.Messages(ctx, tk.ID, false)
		if len(msgs) != 1 || msgs[0].Author.Type != AuthorSystem {
			t.Fatalf("thread = %+v, want the note", msgs)
		}
		rows, _ := d.notifications(ctx, `WHERE ticket_id = ? ORDER BY id`, tk.ID)
		if len(rows) != 2 || rows[0].Kind != NotifyTicketCreated || rows[1].Kind != NotifyLeftOut ||
			rows[1].Recipient != "marta@example.com" || rows[1].MessageID != msgs[0].ID {
			t.Fatalf("outbox = %+v, want the confirmation, then the left-out notice", rows)
		}
		if id, _ := d.OpeningEmail(ctx, tk.ID); id != "" {
			t.Fatalf("OpeningEmail = %q for an email without a Message-ID", id)
		}
	})
}
