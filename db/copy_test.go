package db

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kinconecta/helpdesk/internal/pgtest"
)

// copyFixture is an embedded helpdesk made through the store's own API:
// tickets with a conversation, attachments, tags, a merge, an extra
// private link, a deleted ticket (the last id), an agent with a session,
// an API key, and the outbox rows all of it queued.
type copyFixture struct {
	src                  *DB
	agent                User
	tickets              []int64 // the live ones
	tokens               []string
	apiKey, session      string
	search, searchAccent string // a word of ticket 1 without and with its accent
	deletedID            int64
}

func newCopyFixture(t *testing.T) copyFixture {
	t.Helper()
	ctx := context.Background()
	src, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	f := copyFixture{src: src, search: "penon", searchAccent: "Peñón"}
	if f.agent, err = src.CreateUser(ctx, NewUser{Email: "lucia@example.com", Name: "Lucía", Role: RoleAgent, Password: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}
	agent := Actor{Type: "agent", ID: f.agent.ID, Name: "Lucía"}
	requester := Actor{Type: "requester", Name: "Ana Ruiz"}
	create := func(email, subject, message string, files ...NewAttachment) int64 {
		tk, token, err := src.CreateTicket(ctx, NewTicket{RoleContext: "tourist", FullName: "Ana Ruiz", Email: email,
			Subject: subject, Category: "Booking", Message: message, Attachments: files}, requester)
		if err != nil {
			t.Fatal(err)
		}
		f.tokens = append(f.tokens, token)
		return tk.ID
	}
	first := create("ana@example.com", "Excursión al Peñón", "The boat to the Peñón was cancelled.",
		NewAttachment{FileName: "ticket.pdf", MimeType: "application/pdf", FileSize: 10, StorageName: "copy-ticket-pdf"})
	second := create("ana@example.com", "Refund?", "Where is my refund?")
	third := create("bob@example.com", "Login", "I cannot sign in.")
	f.tickets = []int64{first, second, third}
	reply := NewMessage{Body: "We are on it.", Format: FormatMarkdown, Attachments: []NewAttachment{
		{FileName: "receipt.png", MimeType: "image/png", FileSize: 5, StorageName: "copy-receipt-png"}}}
	if _, err := src.AddMessage(ctx, first, reply, agent, 20); err != nil {
		t.Fatal(err)
	}
	if _, err := src.AddMessage(ctx, first, NewMessage{Body: "VIP", Internal: true}, agent, 20); err != nil {
		t.Fatal(err)
	}
	if _, err := src.AddMessage(ctx, first, NewMessage{Body: "Thanks!"}, requester, 20); err != nil {
		t.Fatal(err)
	}
	if _, err := src.UpdateTicket(ctx, first, TicketPatch{Tags: &[]string{"boat", "refund"}}, agent); err != nil {
		t.Fatal(err)
	}
	if _, err := src.MergeTicket(ctx, second, first, agent); err != nil {
		t.Fatal(err)
	}
	minted, err := src.MintTicketToken(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	f.tokens = append(f.tokens, minted)
	if _, f.apiKey, err = src.CreateAPIKey(ctx, "crm", RoleAgent); err != nil {
		t.Fatal(err)
	}
	f.session = NewSessionID()
	if err := src.SaveSession(ctx, f.session, f.agent.ID, []byte("session data"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	// The last ticket is deleted: its id must never be given again.
	f.deletedID = create("carla@example.com", "Spam", "Spam.")
	f.tokens = f.tokens[:len(f.tokens)-1]
	if _, err := src.DeleteTicket(ctx, f.deletedID); err != nil {
		t.Fatal(err)
	}
	return f
}

// ticketView is everything a reader sees of a ticket, internal notes
// included.
type ticketView struct {
	Ticket   Ticket
	Messages []Message
	Events   []Event
}

func viewTicket(t *testing.T, d *DB, id int64) ticketView {
	t.Helper()
	ctx := context.Background()
	var v ticketView
	var err error
	if v.Ticket, err = d.Ticket(ctx, id, true); err != nil {
		t.Fatal(err)
	}
	if v.Messages, err = d.Messages(ctx, id, true); err != nil {
		t.Fatal(err)
	}
	if v.Events, err = d.Events(ctx, id); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestCopyToPostgres copies an embedded helpdesk into a real PostgreSQL
// database and reads it back through the store: every ticket as it was
// (times, who it awaits, tags, merge, conversation and history: no
// trigger of the target changed a copied row), its links, the API key and
// the session valid, accent-insensitive search, identities past every id
// the source gave; a second copy into it is refused.
func TestCopyToPostgres(t *testing.T) {
	f := newCopyFixture(t)
	ctx := context.Background()
	url := pgtest.URL(t)
	r, err := f.src.CopyToPostgres(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]int64{}
	for _, tr := range r.Tables {
		rows[tr.Name] = tr.Rows
	}
	for table, want := range map[string]int64{"tickets": 3, "users": 1, "api_keys": 1, "sessions": 1, "attachments": 2, "ticket_tags": 2, "categories": 7} {
		if rows[table] != want {
			t.Errorf("copied %d rows of %s, want %d (%v)", rows[table], table, want, r.Tables)
		}
	}
	if rows["messages"] < 4 || rows["outbox"] == 0 || rows["ticket_events"] == 0 || rows["ticket_tokens"] == 0 {
		t.Errorf("copied %v: want the conversation, the outbox, the history and the minted link", r.Tables)
	}
	if pos := slices.IndexFunc(r.Tables, func(tr TableRows) bool { return tr.Name == "tickets" }); pos > slices.IndexFunc(r.Tables, func(tr TableRows) bool { return tr.Name == "messages" }) {
		t.Errorf("tickets copied after messages: %v", r.Tables)
	}

	dst, err := OpenPostgres(url)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	for _, id := range f.tickets {
		if got, want := viewTicket(t, dst, id), viewTicket(t, f.src, id); !reflect.DeepEqual(got, want) {
			t.Errorf("ticket %d copied as\n%+v\nwant\n%+v", id, got, want)
		}
	}
	for _, token := range f.tokens {
		want, err1 := f.src.TicketIDByToken(ctx, token)
		got, err2 := dst.TicketIDByToken(ctx, token)
		if err1 != nil || err2 != nil || got != want {
			t.Errorf("token leads to %d (%v) on the copy, %d (%v) on the source", got, err2, want, err1)
		}
	}
	if k, err := dst.APIKeyBySecret(ctx, f.apiKey); err != nil || k.Name != "crm" {
		t.Errorf("API key on the copy: %+v, %v", k, err)
	}
	if _, u, err := dst.SessionByID(ctx, f.session); err != nil || u.ID != f.agent.ID {
		t.Errorf("session on the copy: user %d, %v; want %d", u.ID, err, f.agent.ID)
	}
	if _, err := dst.Authenticate(ctx, "LUCIA@example.com", "correct horse battery"); err != nil {
		t.Errorf("the agent's password on the copy: %v", err)
	}
	for _, q := range []string{f.search, f.searchAccent} {
		page, err := dst.ListTickets(ctx, TicketFilter{Query: q, Limit: 10})
		if err != nil || len(page.Tickets) != 1 || page.Tickets[0].ID != f.tickets[0] {
			t.Errorf("search %q on the copy: %+v, %v", q, page.Tickets, err)
		}
	}
	tk, _, err := dst.CreateTicket(ctx, NewTicket{RoleContext: "guide", FullName: "Eva", Email: "eva@example.com",
		Subject: "After the move", Category: "Other", Message: "Hello"}, Actor{Type: "requester", Name: "Eva"})
	if err != nil || tk.ID <= f.deletedID {
		t.Errorf("a new ticket on the copy got id %d (%v), want past the deleted %d", tk.ID, err, f.deletedID)
	}
	if _, err := dst.CreateUser(ctx, NewUser{Email: "new@example.com", Name: "New", Role: RoleAgent, Password: "correct horse battery"}); err != nil {
		t.Errorf("a new user on the copy: %v", err)
	}

	_, err = f.src.CopyToPostgres(ctx, url, nil)
	if ErrorCode(err) != ECONFLICT || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("second copy into the same database: %v, want ECONFLICT not empty", err)
	}
}

// TestCopyToPostgresAllOrNothing: a copy that fails (here its beforeRows
// step) leaves the target as the schema made it, so it may run again.
func TestCopyToPostgresAllOrNothing(t *testing.T) {
	f := newCopyFixture(t)
	ctx := context.Background()
	url := pgtest.URL(t)
	stop := errors.New("files could not be moved")
	if _, err := f.src.CopyToPostgres(ctx, url, func(context.Context) error { return stop }); !errors.Is(err, stop) {
		t.Fatalf("copy: %v, want %v", err, stop)
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	var tickets, categories int
	err = conn.QueryRow(ctx, `SELECT (SELECT count(*) FROM tickets), (SELECT count(*) FROM categories)`).Scan(&tickets, &categories)
	conn.Close(ctx)
	if err != nil || tickets != 0 || categories != 7 {
		t.Fatalf("after a failed copy: %d tickets, %d categories (%v); want 0 and the 7 defaults", tickets, categories, err)
	}
	ran := false
	if _, err := f.src.CopyToPostgres(ctx, url, func(context.Context) error { ran = true; return nil }); err != nil || !ran {
		t.Fatalf("copy again: %v (beforeRows ran: %v)", err, ran)
	}
}
