package db

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
)

// Ticket is one support request.
type Ticket struct {
	ID          int64    `json:"id"`
	RoleContext Role     `json:"roleContext"`
	FullName    string   `json:"fullName"`
	Email       string   `json:"email"`
	Subject     string   `json:"subject"`
	Category    string   `json:"category"`
	CategoryES  string   `json:"-"`
	Message     string   `json:"message"`
	Status      Status   `json:"status"`
	Priority    Priority `json:"priority"`
	AssigneeID  *int64   `json:"assigneeId"`
	Language    string   `json:"language"`
	CreatedAt   Time     `json:"createdAt"`
	UpdatedAt   Time     `json:"updatedAt"`
	// Awaiting is who the conversation waits on: AwaitingAgent,
	// AwaitingRequester, or nil once the ticket is closed (CONTRACT §5).
	Awaiting *string `json:"awaiting"`
	// LastMessageAt is when the last public message was written; the
	// ticket's own text is the first.
	LastMessageAt Time `json:"lastMessageAt"`
	// Tags are the ticket's tags, sorted (CONTRACT §6); never nil.
	Tags []string `json:"tags"`
	// MergedInto is the ticket this one was merged into, or nil.
	MergedInto  *int64       `json:"mergedInto"`
	Attachments []Attachment `json:"attachments"`
}

// Who a conversation waits on.
const (
	AwaitingAgent     = "agent"
	AwaitingRequester = "requester"
)

// Actor is who made a change, for the history and the thread.
type Actor struct {
	Type string // "requester", "agent", "apikey" or "system"
	ID   int64  // user or API key id; 0 for requester and system
	Name string
}

// NewTicket is a create request as received, before validation.
type NewTicket struct {
	RoleContext string
	FullName    string
	Email       string
	Subject     string
	Category    string
	Message     string
	Status      string // "created" or "open"; empty means open
	Language    string // "en" or "es"; empty means en
	Attachments []NewAttachment
}

// validTicket is a NewTicket that passed Validate.
type validTicket struct {
	NewTicket
	role     Role
	status   Status
	category Category
}

// Validate checks every field of t, resolving the category by name or alias.
// It returns an EINVALID *Error naming each field at fault.
func (d *DB) validateTicket(ctx context.Context, t NewTicket) (validTicket, error) {
	var v Invalid
	vt := validTicket{NewTicket: t}
	if r, ok := ParseRole(t.RoleContext); ok {
		vt.role = r
	} else if t.RoleContext == "" {
		v.Add("roleContext", "is required")
	} else {
		v.Add("roleContext", "must be tourist, guide or guest")
	}
	vt.FullName, _ = v.text("fullName", t.FullName, MaxNameLen, true)
	vt.Email = v.email("email", t.Email)
	vt.Subject, _ = v.text("subject", t.Subject, MaxSubjectLen, true)
	vt.Message, _ = v.text("message", t.Message, MaxMessageLen, true)
	if name, ok := v.text("category", t.Category, MaxSubjectLen, true); ok {
		c, err := d.FindCategory(ctx, name)
		switch {
		case ErrorCode(err) == ENOTFOUND || err == nil && c.Retired:
			v.Add("category", "is not a known category")
		case err != nil:
			return vt, err
		default:
			vt.category = c
		}
	}
	switch st, ok := ParseStatus(t.Status); {
	case t.Status == "":
		vt.status = StatusOpen
	case ok && (st == StatusCreated || st == StatusOpen):
		vt.status = st
	default:
		v.Add("status", "a new ticket starts as created or open")
	}
	if vt.Language != "es" {
		vt.Language = "en"
	}
	for i := range vt.Attachments {
		if a := &vt.Attachments[i]; a.ExternalURL != "" || a.StorageName == "" {
			v.reference("attachments["+strconv.Itoa(i)+"]", a)
		}
	}
	return vt, v.Err()
}

// ValidateTicket checks t without storing it; forms use it to re-render.
func (d *DB) ValidateTicket(ctx context.Context, t NewTicket) error {
	_, err := d.validateTicket(ctx, t)
	return err
}

// CreateTicket validates and stores t with its attachments in one
// transaction. It returns the ticket and its access token, which is shown
// once and kept only as a hash.
func (d *DB) CreateTicket(ctx context.Context, t NewTicket, by Actor) (Ticket, string, error) {
	return d.createTicket(ctx, t, by, nil)
}

// createTicket is CreateTicket; email, for a ticket opened by email, adds
// its checks and records to the transaction (nil for web and API creates,
// which pay nothing for them).
func (d *DB) createTicket(ctx context.Context, t NewTicket, by Actor, email *EmailTicket) (Ticket, string, error) {
	vt, err := d.validateTicket(ctx, t)
	if err != nil {
		return Ticket{}, "", err
	}
	var token string
	now := Time{d.now()}
	tk := Ticket{
		RoleContext: vt.role, FullName: vt.FullName, Email: vt.Email, Subject: vt.Subject,
		Category: vt.category.Name, CategoryES: vt.category.NameES, Message: vt.Message,
		Status: vt.status, Priority: "normal", Language: vt.Language,
		CreatedAt: now, UpdatedAt: now, LastMessageAt: now, Tags: []string{}, Attachments: []Attachment{},
	}
	if tk.Status != StatusClosed {
		awaiting := AwaitingAgent
		tk.Awaiting = &awaiting
	}
	err = d.write(ctx, func(tx *Tx) error {
		tk.Attachments = tk.Attachments[:0]
		if email != nil {
			if err := email.check(tx, now); err != nil {
				return err
			}
		}
		// The token carries the ticket's id (ticket_token.go).
		id, err := nextTicketID(tx)
		if err != nil {
			return err
		}
		var key []byte
		token, key = newTicketToken(id)
		if err := tx.QueryRow(`
			INSERT INTO tickets (id, role_context, full_name, email, subject, category_id, message,
			                     status, priority, language, access_token_hash, created_at, updated_at,
			                     awaiting, last_message_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			id, tk.RoleContext, tk.FullName, tk.Email, tk.Subject, vt.category.ID, tk.Message,
			tk.Status, tk.Priority, tk.Language, key, now, now, tk.Awaiting, now).Scan(&tk.ID); err != nil {
			return fmt.Errorf("db: unable to insert ticket: %w", err)
		}
		for _, a := range vt.Attachments {
			att, err := insertAttachment(tx, tk.ID, nil, a, now)
			if err != nil {
				return err
			}
			tk.Attachments = append(tk.Attachments, att)
		}
		if err := insertEvent(tx, tk.ID, by, "status", "", string(tk.Status), now); err != nil {
			return err
		}
		if err := enqueueCreated(tx, tk, now); err != nil {
			return err
		}
		if email != nil {
			return email.record(tx, tk, now)
		}
		return nil
	})
	if err != nil {
		return Ticket{}, "", err
	}
	d.signalOutbox()
	return tk, token, nil
}

const ticketColumns = `t.id, t.role_context, t.full_name, t.email, t.subject, c.name, c.name_es,
	t.message, t.status, t.priority, t.assignee_id, t.language, t.created_at, t.updated_at,
	t.awaiting, t.last_message_at, t.merged_into, ` + tagsColumn

type scanner interface{ Scan(dest ...any) error }

// scanTicket reads ticketColumns, then any extra columns into extra.
func scanTicket(s scanner, extra ...any) (Ticket, error) {
	var t Ticket
	var assignee sql.NullInt64
	var awaiting sql.NullString
	var merged sql.NullInt64
	var tags sql.NullString
	dest := []any{&t.ID, &t.RoleContext, &t.FullName, &t.Email, &t.Subject, &t.Category, &t.CategoryES,
		&t.Message, &t.Status, &t.Priority, &assignee, &t.Language, &t.CreatedAt, &t.UpdatedAt,
		&awaiting, &t.LastMessageAt, &merged, &tags}
	err := s.Scan(append(dest, extra...)...)
	if assignee.Valid {
		t.AssigneeID = &assignee.Int64
	}
	if awaiting.Valid {
		t.Awaiting = &awaiting.String
	}
	if merged.Valid {
		t.MergedInto = &merged.Int64
	}
	t.Tags = splitTagsColumn(tags)
	t.Attachments = []Attachment{}
	return t, err
}

// Ticket returns the ticket with its attachments; withInternal false
// (requesters) leaves out the files of internal notes.
func (d *DB) Ticket(ctx context.Context, id int64, withInternal bool) (Ticket, error) {
	t, err := findTicket(ctx, d.read, id)
	if err != nil {
		return t, err
	}
	atts, err := d.attachmentsOf(ctx, []int64{id}, withInternal)
	if err != nil {
		return t, err
	}
	if a := atts[id]; a != nil {
		t.Attachments = a
	}
	return t, nil
}

func findTicket(ctx context.Context, q querier, id int64) (Ticket, error) {
	t, err := scanTicket(q.QueryRowContext(ctx, `SELECT `+ticketColumns+`
		FROM tickets t JOIN categories c ON c.id = t.category_id WHERE t.id = ?`, id))
	if err == sql.ErrNoRows {
		return t, Errorf(ENOTFOUND, "ticket %d not found", id)
	}
	if err != nil {
		return t, fmt.Errorf("db: unable to fetch ticket: %w", err)
	}
	return t, nil
}

// TicketIDByToken returns the id of the ticket whose access token is token;
// for a ticket merged into another, the other's (CONTRACT §6: the token
// leads to the target from then on).
func (d *DB) TicketIDByToken(ctx context.Context, token string) (int64, error) {
	var id int64
	err := d.read.QueryRowContext(ctx, `
		SELECT coalesce(t.merged_into, t.id) FROM tickets t WHERE t.id = (
			SELECT id FROM tickets WHERE access_token_hash = ?1
			UNION ALL SELECT ticket_id FROM ticket_tokens WHERE token_hash = ?1
			LIMIT 1)`, ticketTokenKey(token)).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, Errorf(ENOTFOUND, "no ticket for that token")
	}
	if err != nil {
		return 0, fmt.Errorf("db: unable to find ticket by token: %w", err)
	}
	return id, nil
}

// MintTicketToken makes another private link to a ticket (for an email),
// returning the token; like the first, only its hash is kept.
func (d *DB) MintTicketToken(ctx context.Context, ticketID int64) (string, error) {
	token, hash := newTicketToken(ticketID)
	err := d.write(ctx, func(tx *Tx) error {
		_, err := tx.Exec(`INSERT INTO ticket_tokens (token_hash, ticket_id, created_at) VALUES (?, ?, ?)`,
			hash, ticketID, Time{d.now()})
		if err != nil {
			return fmt.Errorf("db: unable to mint ticket token: %w", err)
		}
		return nil
	})
	return token, err
}

// DeleteTicket removes the ticket with its history, messages and attachment
// rows. It returns the storage names of the files the caller must remove
// (a crash before that leaves them to the next start's sweep: they are
// journaled, file_intents).
func (d *DB) DeleteTicket(ctx context.Context, id int64) ([]string, error) {
	var names []string
	err := d.write(ctx, func(tx *Tx) error {
		names = names[:0]
		rows, err := tx.Query(`SELECT storage_name FROM attachments WHERE ticket_id = ? AND storage_name IS NOT NULL`, id)
		if err != nil {
			return fmt.Errorf("db: unable to list files: %w", err)
		}
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				rows.Close()
				return fmt.Errorf("db: unable to scan file: %w", err)
			}
			names = append(names, n)
		}
		rows.Close()
		if err := noteRemoved(tx, names, d.now()); err != nil {
			return err
		}
		res, err := tx.Exec(`DELETE FROM tickets WHERE id = ?`, id)
		if err != nil {
			return fmt.Errorf("db: unable to delete ticket: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return Errorf(ENOTFOUND, "ticket %d not found", id)
		}
		return nil
	})
	return names, err
}

// enqueueCreated notifies the requester, and the agents who asked to hear
// of every new ticket.
func enqueueCreated(tx *Tx, t Ticket, now Time) error {
	if err := enqueue(tx, NotifyTicketCreated, t.ID, 0, t.Email, t.Language, now); err != nil {
		return err
	}
	_, err := tx.Exec(`INSERT INTO outbox (kind, ticket_id, recipient, language, next_attempt_at, created_at)
		SELECT ?, ?, email, `+agentLanguage+`, ?, ? FROM users WHERE active = TRUE AND notify_new_tickets = TRUE`,
		NotifyNewTicket, t.ID, now, now)
	if err != nil {
		return fmt.Errorf("db: unable to enqueue new-ticket notices: %w", err)
	}
	return nil
}

func insertEvent(tx *Tx, ticketID int64, by Actor, field, from, to string, at Time) error {
	_, err := tx.Exec(`
		INSERT INTO ticket_events (ticket_id, actor_type, actor_id, actor_name, field, from_value, to_value, created_at)
		VALUES (?, ?, nullif(?, 0), ?, ?, nullif(?, ''), nullif(?, ''), ?)`,
		ticketID, by.Type, by.ID, by.Name, field, from, to, at)
	if err != nil {
		return fmt.Errorf("db: unable to record event: %w", err)
	}
	return nil
}
