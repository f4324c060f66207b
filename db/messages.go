package db

import (
	"context"
	"database/sql"
	"fmt"
)

// Author types of a message.
const (
	AuthorRequester = "requester"
	AuthorAgent     = "agent"
	AuthorSystem    = "system"
)

// SystemName is the author name of the helpdesk's own messages.
const SystemName = "Helpdesk"

// Author is who wrote a message. Email is the real sender's address
// (CONTRACT §5): an emailed message's From, which may be someone else in
// the conversation than the requester; the ticket's address for the
// requester's web and API messages; the agent's own. Empty where nobody
// knows (API keys, the helpdesk's system messages, messages older than
// the column), and agents' addresses are never shown to requesters
// (Messages).
type Author struct {
	Type  string `json:"type"`
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
}

// ByAPIKey reports whether m was written through the API by a key, not
// by an agent's account: requesters then see the support team's name,
// not the key's ("reservas", "crm-sync").
func (m Message) ByAPIKey() bool { return m.Author.Type == AuthorAgent && m.AuthorID == nil }

// Message is one entry of a ticket's conversation. Internal messages are
// agents' notes, which requesters never see anywhere.
type Message struct {
	ID          int64        `json:"id"`
	TicketID    int64        `json:"ticketId"`
	Author      Author       `json:"author"`
	AuthorID    *int64       `json:"-"`
	Body        string       `json:"body"`
	Internal    bool         `json:"internal"`
	CreatedAt   Time         `json:"createdAt"`
	Attachments []Attachment `json:"attachments"`
	// Format is how Body is written: FormatPlain or FormatMarkdown.
	Format string `json:"-"`
}

// Message formats: plain text, shown as written, or the desk composer's
// small Markdown subset (internal/richtext), stored as its source.
const (
	FormatPlain    = "plain"
	FormatMarkdown = "markdown"
)

// NewMessage is a message to add. Internal is only for agents.
type NewMessage struct {
	Body        string
	Internal    bool
	Attachments []NewAttachment
	// Format is FormatMarkdown for an agent's formatted text; "" or
	// FormatPlain otherwise. Only agents' messages are ever formatted.
	Format string
	// Status, when set, moves the ticket in the same write that adds the
	// message ("send and resolve"), under the workflow's rules: a move it
	// refuses refuses the message too (ECONFLICT), so nothing half-done.
	Status *Status
	// SeenUpTo, when set, is the id of the last message the writer saw
	// (0: only the request). A public message from anyone else newer
	// than that refuses the message with a *StaleError, so that nobody
	// answers twice without knowing.
	SeenUpTo *int64
}

// StaleError refuses a message written without seeing Newer, a public
// message that arrived since the writer opened the ticket.
type StaleError struct{ Newer int64 }

func (e *StaleError) Error() string {
	return fmt.Sprintf("message %d arrived since the ticket was opened", e.Newer)
}

// AddMessage appends a message (with its files) to a ticket's thread and
// touches the ticket. maxFiles bounds the ticket's public files, and
// separately its internal notes' files (countAttachments). Closed tickets
// take no more messages (ECONFLICT).
func (d *DB) AddMessage(ctx context.Context, ticketID int64, m NewMessage, by Actor, maxFiles int) (Message, error) {
	msg, add, err := d.messageAdd(ctx, ticketID, m, by, maxFiles)
	if err != nil {
		return Message{}, err
	}
	err = d.write(ctx, add)
	if err == nil {
		d.signalOutbox()
	}
	return *msg, err
}

// messageAdd validates m and returns the write that adds it to ticket
// ticketID's thread, and the message as that write stores it:
// AddMessage runs the write alone, ReplyWithMacro together with the
// macro's actions, in one transaction.
func (d *DB) messageAdd(ctx context.Context, ticketID int64, m NewMessage, by Actor, maxFiles int) (*Message, func(tx *Tx) error, error) {
	var v Invalid
	body, _ := v.text("body", m.Body, MaxMessageLen, true)
	if err := v.Err(); err != nil {
		return nil, nil, err
	}
	authorType := AuthorRequester
	var authorID *int64
	switch by.Type {
	case "agent", "apikey":
		authorType = AuthorAgent
	case "system":
		authorType = AuthorSystem
	}
	if by.Type == "agent" && by.ID != 0 {
		id := by.ID
		authorID = &id
	}
	if m.Internal && authorType != AuthorAgent {
		return nil, nil, Errorf(EFORBIDDEN, "only agents write internal notes")
	}
	format := FormatPlain
	if m.Format == FormatMarkdown && authorType == AuthorAgent {
		format = FormatMarkdown
	}
	msg := Message{TicketID: ticketID, Author: Author{Type: authorType, Name: by.Name}, AuthorID: authorID,
		Body: body, Internal: m.Internal, Attachments: []Attachment{}, Format: format}
	add := func(tx *Tx) error {
		msg.Attachments = msg.Attachments[:0]
		t, err := findTicket(ctx, tx, ticketID)
		if err != nil {
			return err
		}
		if t.Status == StatusClosed {
			return Errorf(ECONFLICT, "ticket is closed")
		}
		if m.SeenUpTo != nil {
			newer, err := newerPublicMessage(tx, ticketID, *m.SeenUpTo, authorID)
			if err != nil {
				return err
			}
			if newer != 0 {
				return &StaleError{Newer: newer}
			}
		}
		if len(m.Attachments) > 0 {
			n, err := countAttachments(tx, ticketID, m.Internal)
			if err != nil {
				return err
			}
			if n+len(m.Attachments) > maxFiles {
				return Errorf(ETOOLARGE, "a ticket holds at most %d files; it has %d", maxFiles, n)
			}
		}
		now := Time{d.now()}
		msg.CreatedAt = now
		if authorType == AuthorRequester {
			msg.Author.Email = t.Email
		}
		if err := insertMessage(tx, &msg, "", m.Attachments); err != nil {
			return err
		}
		if !m.Internal {
			if err := followConversation(tx, t, msg, by, now); err != nil {
				return err
			}
		}
		if m.Status != nil && *m.Status != t.Status {
			if err := moveStatus(tx, &t, *m.Status, by, now); err != nil {
				return err
			}
		}
		return touchTicket(tx, ticketID, now)
	}
	return &msg, add, nil
}

// insertMessage writes msg (its CreatedAt set) and its files, filling in
// its id and files. An agent's message without an address takes the
// account's, looked up in the same statement. emailID is the Message-ID of
// the email it came from, "" for none.
func insertMessage(tx *Tx, msg *Message, emailID string, files []NewAttachment) error {
	var email sql.NullString
	if msg.Format == "" {
		msg.Format = FormatPlain
	}
	if err := tx.QueryRow(`INSERT INTO messages (ticket_id, author_type, author_id, author_name, author_email,
			body, internal, created_at, email_message_id, format)
		VALUES (?, ?, ?, ?, coalesce(nullif(?, ''), (SELECT email FROM users WHERE id = ?)), ?, ?, ?, nullif(?, ''), ?)
		RETURNING id, author_email`,
		msg.TicketID, msg.Author.Type, msg.AuthorID, msg.Author.Name, msg.Author.Email, msg.AuthorID,
		msg.Body, msg.Internal, msg.CreatedAt, emailID, msg.Format).Scan(&msg.ID, &email); err != nil {
		return fmt.Errorf("db: unable to insert message: %w", err)
	}
	msg.Author.Email = email.String
	for _, a := range files {
		att, err := insertAttachment(tx, msg.TicketID, &msg.ID, a, msg.CreatedAt)
		if err != nil {
			return err
		}
		msg.Attachments = append(msg.Attachments, att)
	}
	return nil
}

// followConversation is what a public message changes beyond the thread
// (CONTRACT §5). An agent's answer goes to the requester and leaves the
// ticket awaiting them. A requester's message leaves it awaiting an agent,
// reopens it if it was resolved (recorded as the requester's change), and
// is sent to the assignee, or when there is none to the agents who asked
// for new-ticket emails. System messages change nothing.
func followConversation(tx *Tx, t Ticket, msg Message, by Actor, now Time) error {
	switch msg.Author.Type {
	case AuthorAgent:
		if _, err := tx.Exec(`UPDATE tickets SET awaiting = ?, last_message_at = ? WHERE id = ?`,
			AwaitingRequester, now, t.ID); err != nil {
			return fmt.Errorf("db: unable to record the answer: %w", err)
		}
		// Internal notes never reach the requester.
		return enqueue(tx, NotifyAgentReply, t.ID, msg.ID, t.Email, t.Language, now)
	case AuthorRequester:
		status := t.Status
		if status == StatusResolved {
			status = StatusOpen
			if err := insertEvent(tx, t.ID, by, "status", string(t.Status), string(status), now); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(`UPDATE tickets SET awaiting = ?, last_message_at = ?, status = ? WHERE id = ?`,
			AwaitingAgent, now, status, t.ID); err != nil {
			return fmt.Errorf("db: unable to record the reply: %w", err)
		}
		recipients := `WHERE id = ? AND active = TRUE`
		args := []any{NotifyRequesterReply, t.ID, msg.ID, now, now}
		if t.AssigneeID != nil {
			args = append(args, *t.AssigneeID)
		} else {
			recipients = `WHERE active = TRUE AND notify_new_tickets = TRUE`
		}
		if _, err := tx.Exec(`INSERT INTO outbox (kind, ticket_id, message_id, recipient, language, next_attempt_at, created_at)
			SELECT ?, ?, ?, email, `+agentLanguage+`, ?, ? FROM users `+recipients, args...); err != nil {
			return fmt.Errorf("db: unable to enqueue reply notices: %w", err)
		}
	}
	return nil
}

// Messages lists a ticket's thread, oldest first (by when each was written:
// a merge brings in messages older than the ticket's own), with each message's
// files. withInternal false (what requesters see) leaves agents' notes
// (and their files) out, and agents' addresses: a requester knows an
// agent by name, and needs no way around the helpdesk to reach them.
func (d *DB) Messages(ctx context.Context, ticketID int64, withInternal bool) ([]Message, error) {
	rows, err := d.read.QueryContext(ctx, `
		SELECT id, ticket_id, author_type, author_id, author_name,
			CASE WHEN ?2 OR author_type <> 'agent' THEN coalesce(author_email, '') ELSE '' END,
			body, internal, created_at, format
		FROM messages WHERE ticket_id = ?1 AND (internal = FALSE OR ?2) ORDER BY created_at, id`, ticketID, withInternal)
	if err != nil {
		return nil, fmt.Errorf("db: unable to list messages: %w", err)
	}
	defer rows.Close()
	msgs := []Message{}
	index := map[int64]int{}
	for rows.Next() {
		var m Message
		var author sql.NullInt64
		if err := rows.Scan(&m.ID, &m.TicketID, &m.Author.Type, &author, &m.Author.Name, &m.Author.Email, &m.Body, &m.Internal, &m.CreatedAt, &m.Format); err != nil {
			return nil, fmt.Errorf("db: unable to scan message: %w", err)
		}
		if author.Valid {
			m.AuthorID = &author.Int64
		}
		m.Attachments = []Attachment{}
		index[m.ID] = len(msgs)
		msgs = append(msgs, m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	atts, err := d.attachmentsOf(ctx, []int64{ticketID}, withInternal)
	if err != nil {
		return nil, err
	}
	for _, a := range atts[ticketID] {
		if a.MessageID == nil {
			continue
		}
		if i, ok := index[*a.MessageID]; ok {
			msgs[i].Attachments = append(msgs[i].Attachments, a)
		}
	}
	return msgs, nil
}

// newerPublicMessage is the id of the first public message of the ticket
// after seen that authorID (the writer; nil for none) did not write, 0
// when there is none. The writer's own earlier replies (another tab) are
// no news to them; internal notes do not answer the requester.
func newerPublicMessage(tx *Tx, ticketID, seen int64, authorID *int64) (int64, error) {
	var id int64
	err := tx.QueryRow(`SELECT id FROM messages WHERE ticket_id = ? AND id > ? AND internal = FALSE
		AND (author_id IS NULL OR author_id IS DISTINCT FROM ?) ORDER BY id LIMIT 1`, ticketID, seen, authorID).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("db: unable to look for newer messages: %w", err)
	}
	return id, nil
}

// LastMessageID is the id of the ticket's newest message the reader sees
// (withInternal for agents), 0 when it has none: what a page shows as
// "seen up to" for the send guard.
func (d *DB) LastMessageID(ctx context.Context, ticketID int64, withInternal bool) (int64, error) {
	var id int64
	err := d.read.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM messages WHERE ticket_id = ? AND (internal = FALSE OR ?)`,
		ticketID, withInternal).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("db: unable to read the last message: %w", err)
	}
	return id, nil
}
