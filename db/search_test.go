package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kinconecta/helpdesk/db/sqlite"
)

// ftsIntegrity fails the test unless the full-text index holds exactly
// what its source (tickets and their messages) holds: rank 1 asks FTS5 to
// compare the index with its external content too, not only with itself.
//
// On PostgreSQL, each ticket's stored document must equal the one its
// text makes now.
func ftsIntegrity(t *testing.T, d *DB) {
	t.Helper()
	if onPostgres {
		var stale int
		if err := d.read.QueryRowContext(t.Context(), `SELECT count(*) FROM tickets t
			LEFT JOIN ticket_search s ON s.ticket_id = t.id
			WHERE s.document IS DISTINCT FROM helpdesk_search_document(t.id)`).Scan(&stale); err != nil || stale != 0 {
			t.Fatalf("full-text index out of step with its source: %d tickets, %v", stale, err)
		}
		return
	}
	err := d.write(context.Background(), func(tx *Tx) error {
		_, err := tx.Exec(`INSERT INTO tickets_fts (tickets_fts, rank) VALUES ('integrity-check', 1)`)
		return err
	})
	if err != nil {
		t.Fatalf("full-text index out of step with its source: %v", err)
	}
}

func mustTicket(t *testing.T, d *DB, subject, message string) Ticket {
	t.Helper()
	tk, _, err := d.CreateTicket(context.Background(), NewTicket{RoleContext: "tourist", FullName: "Ana Pérez",
		Email: "ana@example.com", Subject: subject, Category: "Booking", Message: message},
		Actor{Type: "requester", Name: "Ana Pérez"})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func searchIDs(t *testing.T, d *DB, f TicketFilter) ([]int64, TicketPage) {
	t.Helper()
	page, err := d.ListTickets(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, tk := range page.Tickets {
		ids = append(ids, tk.ID)
	}
	return ids, page
}

// Search covers the conversation (CONTRACT §5): a word written only in a
// public reply, only in an internal note or only in the requester's later
// message finds the ticket, with the passage as its snippet.
func TestSearchCoversConversation(t *testing.T) {
	d := mustOpen(t)
	ctx := context.Background()
	agent := Actor{Type: "apikey", ID: 1, Name: "Support"}
	tk := mustTicket(t, d, "Tour question", "When does the tour start?")
	other := mustTicket(t, d, "Another question", "Nothing in common")
	if _, err := d.AddMessage(ctx, tk.ID, NewMessage{Body: "The kayak leaves from Bacalar pier at nine."}, agent, 20); err != nil {
		t.Fatal(err)
	}
	if _, err := d.AddMessage(ctx, tk.ID, NewMessage{Body: "Refund approved by finance, quokka reference 7731.", Internal: true}, agent, 20); err != nil {
		t.Fatal(err)
	}
	if _, err := d.AddMessage(ctx, tk.ID, NewMessage{Body: "Gracias, nos vemos en el muelle."}, Actor{Type: "requester", Name: "Ana Pérez"}, 20); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, query, snippet string
	}{
		{"PublicReply", "kayak", SnippetStart + "kayak" + SnippetEnd},
		{"InternalNote", "quokka", SnippetStart + "quokka" + SnippetEnd},
		{"RequesterReply", "muelle", SnippetStart + "muelle" + SnippetEnd},
		{"AccentFolded", "perez", SnippetStart + "Pérez" + SnippetEnd},
		{"WordsInTicketAndReply", "tour kayak", ""},
		{"Subject", "question", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ids, page := searchIDs(t, d, TicketFilter{Query: tc.query, Snippets: true})
			if len(ids) == 0 || ids[len(ids)-1] != tk.ID && ids[0] != tk.ID {
				t.Fatalf("search %q = %v, want ticket %d", tc.query, ids, tk.ID)
			}
			if tc.snippet != "" && !strings.Contains(page.Snippets[tk.ID], tc.snippet) {
				t.Errorf("snippet %q lacks %q", page.Snippets[tk.ID], tc.snippet)
			}
		})
	}
	t.Run("ErrOtherTicketNotFound", func(t *testing.T) {
		if ids, _ := searchIDs(t, d, TicketFilter{Query: "kayak"}); len(ids) != 1 {
			t.Fatalf("search kayak = %v, want only %d (not %d)", ids, tk.ID, other.ID)
		}
	})
	ftsIntegrity(t, d)

	// Deleting the ticket takes its conversation out of the index.
	if _, err := d.DeleteTicket(ctx, tk.ID); err != nil {
		t.Fatal(err)
	}
	if ids, _ := searchIDs(t, d, TicketFilter{Query: "quokka"}); len(ids) != 0 {
		t.Fatalf("deleted ticket still found: %v", ids)
	}
	ftsIntegrity(t, d)
}

// Whole words, except while someone is still typing (Prefix).
func TestSearchPrefixOnlyWhenAsked(t *testing.T) {
	d := mustOpen(t)
	tk := mustTicket(t, d, "Refund for my booking", "Please refund")
	if ids, _ := searchIDs(t, d, TicketFilter{Query: "refu"}); len(ids) != 0 {
		t.Fatalf("whole-word search refu = %v, want nothing", ids)
	}
	if ids, _ := searchIDs(t, d, TicketFilter{Query: "refu", Prefix: true}); len(ids) != 1 || ids[0] != tk.ID {
		t.Fatalf("prefix search refu = %v, want %d", ids, tk.ID)
	}
}

// The writer indexes once per batch. A batch whose middle write fails
// commits the others, refuses that one, and leaves an index that matches
// its tables exactly.
func TestBatchIndexingWithFailingWrite(t *testing.T) {
	sqliteOnly(t)
	d := mustOpen(t)
	ctx := context.Background()
	seed := mustTicket(t, d, "Existing ticket", "first words")

	// Hold the writer so that every write below queues and they share a
	// batch when it is let go.
	hold, held := make(chan struct{}), make(chan struct{})
	go d.write(ctx, func(*Tx) error { close(held); <-hold; return nil })
	<-held

	const n = 9
	errs := make([]error, n)
	ids := make([]int64, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = d.write(ctx, func(tx *Tx) error {
				word := fmt.Sprintf("batchword%d", i)
				if err := tx.QueryRow(`INSERT INTO tickets (role_context, full_name, email, subject, category_id, message,
					status, access_token_hash, created_at, updated_at, last_message_at)
					VALUES ('tourist', 'Ana', 'ana@example.com', ?1, 1, 'm', 'open', randomblob(32), ?2, ?2, ?2) RETURNING id`,
					word, Time{d.now()}).Scan(&ids[i]); err != nil {
					return err
				}
				// Every write also adds to the existing ticket's conversation.
				if _, err := tx.Exec(`INSERT INTO messages (ticket_id, author_type, author_name, body, created_at)
					VALUES (?, 'agent', 'Marta', ?, ?)`, seed.ID, "reply"+word, Time{d.now()}); err != nil {
					return err
				}
				if i == n/2 {
					return errors.New("refused")
				}
				return nil
			})
		}()
		// Queue them in order, so the failing one is in the middle.
		for len(d.writer.ops) < i+1 {
			time.Sleep(time.Millisecond)
		}
	}
	close(hold)
	wg.Wait()

	for i, err := range errs {
		word := fmt.Sprintf("batchword%d", i)
		found, _ := searchIDs(t, d, TicketFilter{Query: word})
		inReplies, _ := searchIDs(t, d, TicketFilter{Query: "reply" + word})
		if i == n/2 {
			if err == nil || err.Error() != "refused" {
				t.Errorf("write %d: err = %v, want refused", i, err)
			}
			if len(found) != 0 || len(inReplies) != 0 {
				t.Errorf("refused write %d is searchable: %v %v", i, found, inReplies)
			}
			continue
		}
		if err != nil {
			t.Errorf("write %d: %v", i, err)
			continue
		}
		if len(found) != 1 || found[0] != ids[i] {
			t.Errorf("search %s = %v, want %d", word, found, ids[i])
		}
		if len(inReplies) != 1 || inReplies[0] != seed.ID {
			t.Errorf("search reply%s = %v, want %d", word, inReplies, seed.ID)
		}
	}
	var pending int
	if err := d.read.QueryRow(`SELECT count(*) FROM tickets_fts_pending`).Scan(&pending); err != nil || pending != 0 {
		t.Errorf("%d tickets left waiting for the index (%v)", pending, err)
	}
	ftsIntegrity(t, d)
}

// Migration 009 indexes the conversations already there.
func TestConversationSearchMigrationIndexesExisting(t *testing.T) {
	sqliteOnly(t)
	ctx := context.Background()
	dir := t.TempDir()
	conn := migratedUpTo(t, dir, "migrations/009")
	for _, q := range []string{
		`INSERT INTO tickets (id, role_context, full_name, email, subject, category_id, message, status, access_token_hash, created_at, updated_at) VALUES
			(1, 'tourist', 'Ana', 'ana@example.com', 'Lost bag', 1, 'M', 'open', x'01', '2026-03-10T11:00:00.000000Z', '2026-03-10T11:00:00.000000Z'),
			(2, 'tourist', 'Luis', 'luis@example.com', 'Other', 1, 'M', 'open', x'02', '2026-03-10T11:00:00.000000Z', '2026-03-10T11:00:00.000000Z')`,
		`INSERT INTO messages (ticket_id, author_type, author_name, body, internal, created_at) VALUES
			(1, 'agent', 'Marta', 'We found your suitcase', 0, '2026-03-10T12:00:00.000000Z'),
			(1, 'agent', 'Marta', 'courier zephyr booked', 1, '2026-03-10T13:00:00.000000Z')`,
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := conn.ExecContext(ctx, `UPDATE tickets SET last_message_at = created_at`); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	d, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for _, word := range []string{"suitcase", "zephyr", "bag"} {
		if ids, _ := searchIDs(t, d, TicketFilter{Query: word}); len(ids) != 1 || ids[0] != 1 {
			t.Errorf("search %s = %v, want ticket 1", word, ids)
		}
	}
	ftsIntegrity(t, d)
}

// migratedUpTo is a connection to a new database in dir with every
// migration before the one named first applied, as an older release left it.
func migratedUpTo(t *testing.T, dir, first string) *sql.DB {
	sqliteOnly(t)
	t.Helper()
	ctx := context.Background()
	conn, err := sql.Open("sqlite", dsn(filepath.Join(dir, FileName), false))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE schema_migrations (name TEXT PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	names, _ := fs.Glob(sqlite.Migrations, "migrations/*.sql")
	sort.Strings(names)
	for _, name := range names {
		if name < first {
			if err := applyMigration(ctx, conn, sqliteEngine{}, sqlite.Migrations, name); err != nil {
				t.Fatal(err)
			}
		}
	}
	return conn
}

// Many lists at once on a cold cache finish: no list holds a pooled
// connection while it waits for another (the categories are read before
// the list's rows are).
func TestConcurrentListsDoNotExhaustThePool(t *testing.T) {
	// Closed only on success: Close waits for the queries in flight,
	// which a deadlocked pool never finishes.
	d, err := openAt(testPlace(t))
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		mustTicket(t, d, "Booking question", "booking")
	}
	// Forget what the creates cached.
	d.categories.invalidate()
	const lists = 8 * readConns
	done := make(chan error, lists)
	start := make(chan struct{})
	for range lists {
		go func() {
			<-start
			_, err := d.ListTickets(context.Background(), TicketFilter{Statuses: []Status{StatusOpen}, Limit: 1})
			done <- err
		}()
	}
	close(start)
	timeout := time.After(20 * time.Second)
	for range lists {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-timeout:
			t.Fatal("lists still waiting after 20 s: the read pool is deadlocked")
		}
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
}

// Moving a message to another ticket (a later "merge") moves its words in
// the index with it.
func TestSearchFollowsAMovedMessage(t *testing.T) {
	d := mustOpen(t)
	ctx := context.Background()
	from := mustTicket(t, d, "First", "one")
	to := mustTicket(t, d, "Second", "two")
	msg, err := d.AddMessage(ctx, from.ID, NewMessage{Body: "platypus sighting"}, Actor{Type: "apikey", ID: 1, Name: "Support"}, 20)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.write(ctx, func(tx *Tx) error {
		_, err := tx.Exec(`UPDATE messages SET ticket_id = ? WHERE id = ?`, to.ID, msg.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if ids, _ := searchIDs(t, d, TicketFilter{Query: "platypus"}); len(ids) != 1 || ids[0] != to.ID {
		t.Fatalf("search platypus = %v, want [%d]", ids, to.ID)
	}
	ftsIntegrity(t, d)
}

// A ticket's private link carries its id; links made before (a plain
// hash) keep working; a link altered in any part finds nothing.
func TestTicketTokens(t *testing.T) {
	d := mustOpen(t)
	ctx := context.Background()
	tk, _, err := d.CreateTicket(ctx, NewTicket{RoleContext: "tourist", FullName: "Ana", Email: "ana@example.com",
		Subject: "S", Category: "Booking", Message: "M"}, Actor{Type: "requester", Name: "Ana"})
	if err != nil {
		t.Fatal(err)
	}
	// The token CreateTicket returns.
	_, token, err := d.CreateTicket(ctx, NewTicket{RoleContext: "tourist", FullName: "Luis", Email: "luis@example.com",
		Subject: "S", Category: "Booking", Message: "M"}, Actor{Type: "requester", Name: "Luis"})
	if err != nil {
		t.Fatal(err)
	}
	second := tk.ID + 1
	if want := TicketTokenPrefix + strconv.FormatInt(second, 10) + "_"; !strings.HasPrefix(token, want) {
		t.Fatalf("token %q does not start with %q", token, want)
	}
	minted, err := d.MintTicketToken(ctx, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	// A link from before tokens carried the id: only its hash is stored.
	legacy, legacyHash := newSecret(TicketTokenPrefix)
	if err := d.write(ctx, func(tx *Tx) error {
		_, err := tx.Exec(`UPDATE tickets SET access_token_hash = ? WHERE id = ?`, legacyHash, tk.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	tampered := []byte(token)
	tampered[len(tampered)-1] ^= 1
	for _, tc := range []struct {
		name, token string
		want        int64
	}{
		{"New", token, second},
		{"Minted", minted, tk.ID},
		{"Legacy", legacy, tk.ID},
		{"ErrOtherID", TicketTokenPrefix + strconv.FormatInt(tk.ID, 10) + token[strings.LastIndex(token, "_"):], 0},
		{"ErrTampered", string(tampered), 0},
		{"ErrNoSecret", TicketTokenPrefix + strconv.FormatInt(second, 10) + "_", 0},
		{"ErrGarbage", TicketTokenPrefix + "x_y", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id, err := d.TicketIDByToken(ctx, tc.token)
			if tc.want == 0 {
				if ErrorCode(err) != ENOTFOUND {
					t.Fatalf("TicketIDByToken = %d, %v, want ENOTFOUND", id, err)
				}
				return
			}
			if err != nil || id != tc.want {
				t.Fatalf("TicketIDByToken = %d, %v, want %d", id, err, tc.want)
			}
		})
	}
}
