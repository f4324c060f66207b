package db

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// EmailWindow is the span EmailTicket.PerHour counts over.
const EmailWindow = time.Hour

// Sender is who sent an email, from its From field.
type Sender struct {
	Name    string // the display name; may be empty
	Address string
}

// EmailReply is what an email to a ticket's reply address brings
// (CONTRACT §5, Email in).
type EmailReply struct {
	// MessageID is the email's Message-ID without its angle brackets; ""
	// when it had none (it is then never recognised as a duplicate).
	MessageID string
	From      Sender
	// Body is what the person wrote; "" when nothing of theirs was kept,
	// neither text nor files.
	Body        string
	Attachments []NewAttachment
	// LeftOut is the system message naming each file or part that was not
	// kept and why, in the ticket's language; "" when nothing was left out.
	LeftOut string
}

// EmailResult is what AddEmailReply stored.
type EmailResult struct {
	Message *Message // the sender's message; nil when nothing of theirs was kept
	System  *Message // the note naming what was left out; nil when nothing was
	Notice  string   // the kind of email queued to the sender, "" for none
}

// ErrDuplicateEmail answers an email already stored, on this ticket
// (AddEmailReply) or as the opening of one (CreateEmailTicket).
var ErrDuplicateEmail = &Error{Code: ECONFLICT, Message: "this email was already stored"}

// AddEmailReply stores an emailed reply in one transaction:
//
//   - the sender's message, when Body is set, as the requester's side of
//     the conversation (it reopens a resolved ticket and notifies agents as
//     any requester message does); its author is the requester when the
//     sender's address is the ticket's, else the sender under their own
//     name (a spouse in CC);
//   - the system message LeftOut, with an email to the sender naming what
//     was left out (NotifyLeftOut);
//   - when neither, an email to the sender saying the reply came empty
//     (NotifyEmptyReply), and nothing on the ticket.
//
// The email's Message-ID goes with the first of these, and an email whose
// Message-ID is already there stores nothing again: ErrDuplicateEmail.
// Closed tickets take nothing (ECONFLICT); a reply to a merged ticket is
// stored on the ticket it was merged into.
func (d *DB) AddEmailReply(ctx context.Context, ticketID int64, e EmailReply, maxFiles int) (EmailResult, error) {
	var v Invalid
	body, _ := v.text("body", e.Body, MaxMessageLen, false)
	leftOut, _ := v.text("leftOut", e.LeftOut, MaxMessageLen, false)
	if body == "" && len(e.Attachments) > 0 {
		v.Add("body", "is required with files")
	}
	if err := v.Err(); err != nil {
		return EmailResult{}, err
	}
	// Only an address we could write to is told anything: a malformed
	// From would only fail in the outbox.
	notify := ValidEmail(e.From.Address)
	var res EmailResult
	err := d.write(ctx, func(tx *Tx) error {
		res = EmailResult{}
		// A merged ticket's reply address leads to the ticket it was
		// merged into (CONTRACT §6).
		ticketID, err := mergedTarget(ctx, tx, ticketID)
		if err != nil {
			return err
		}
		t, err := findTicket(ctx, tx, ticketID)
		if err != nil {
			return err
		}
		if t.Status == StatusClosed {
			return Errorf(ECONFLICT, "ticket is closed")
		}
		if seen, err := emailSeen(tx, ticketID, e.MessageID); err != nil {
			return err
		} else if seen {
			return ErrDuplicateEmail
		}
		now := Time{d.now()}
		emailID := e.MessageID
		if body != "" {
			if len(e.Attachments) > 0 {
				n, err := countAttachments(tx, ticketID, false)
				if err != nil {
					return err
				}
				if n+len(e.Attachments) > maxFiles {
					return Errorf(ETOOLARGE, "a ticket holds at most %d files; it has %d", maxFiles, n)
				}
			}
			name := senderName(t, e.From)
			msg := Message{TicketID: ticketID, Author: Author{Type: AuthorRequester, Name: name, Email: e.From.Address},
				Body: body, CreatedAt: now, Attachments: []Attachment{}}
			if err := insertMessage(tx, &msg, emailID, e.Attachments); err != nil {
				return err
			}
			if err := followConversation(tx, t, msg, Actor{Type: "requester", Name: name}, now); err != nil {
				return err
			}
			res.Message, emailID = &msg, ""
		}
		switch {
		case leftOut != "":
			to := ""
			if notify {
				to, res.Notice = e.From.Address, NotifyLeftOut
			}
			sys, err := leftOutNote(tx, t, to, leftOut, emailID, now)
			if err != nil {
				return err
			}
			res.System = &sys
		case body == "" && notify:
			if _, err := tx.Exec(`INSERT INTO outbox (kind, ticket_id, recipient, language, next_attempt_at, created_at, email_message_id)
				VALUES (?, ?, ?, ?, ?, ?, nullif(?, ''))`, NotifyEmptyReply, ticketID, e.From.Address, t.Language, now, now, emailID); err != nil {
				return fmt.Errorf("db: unable to enqueue the empty-reply notice: %w", err)
			}
			res.Notice = NotifyEmptyReply
		}
		if res.Message == nil && res.System == nil {
			return nil
		}
		return touchTicket(tx, ticketID, now)
	})
	if err != nil {
		return EmailResult{}, err
	}
	if res.Notice != "" || res.Message != nil {
		d.signalOutbox()
	}
	return res, nil
}

// emailSeen reports whether the email with Message-ID id was stored on
// the ticket before: as a message, or as the notice about an empty one.
func emailSeen(tx *Tx, ticketID int64, id string) (bool, error) {
	if id == "" {
		return false, nil
	}
	var seen bool
	if err := tx.QueryRow(`SELECT EXISTS (SELECT 1 FROM messages WHERE ticket_id = ?1 AND email_message_id = ?2)
		OR EXISTS (SELECT 1 FROM outbox WHERE ticket_id = ?1 AND email_message_id = ?2)`, ticketID, id).Scan(&seen); err != nil {
		return false, fmt.Errorf("db: unable to look for the email: %w", err)
	}
	return seen, nil
}

// leftOutNote adds the system message naming what an email left out and,
// when the sender's address is known, queues the one email telling them.
// System messages change nothing of the conversation (followConversation).
func leftOutNote(tx *Tx, t Ticket, sender, text, emailID string, now Time) (Message, error) {
	sys := Message{TicketID: t.ID, Author: Author{Type: AuthorSystem, Name: SystemName}, Body: text,
		CreatedAt: now, Attachments: []Attachment{}}
	if err := insertMessage(tx, &sys, emailID, nil); err != nil {
		return sys, err
	}
	if sender == "" {
		return sys, nil
	}
	return sys, enqueue(tx, NotifyLeftOut, t.ID, sys.ID, sender, t.Language, now)
}

// senderName is the author name of an emailed message: the requester's
// own when the sender is the requester, else the sender's display name,
// else their address.
func senderName(t Ticket, from Sender) string {
	if from.Address == "" || strings.EqualFold(from.Address, t.Email) {
		return t.FullName
	}
	if name := strings.TrimSpace(from.Name); name != "" {
		return name
	}
	return from.Address
}

// EmailTicket is a ticket opened by an email to the support address.
type EmailTicket struct {
	NewTicket
	// MessageID is the opening email's, without angle brackets: the same
	// email from the same sender opens one ticket, however often it is
	// delivered.
	MessageID string
	// LeftOut is as in EmailReply: the system message on the new ticket
	// naming what the email brought that was not kept.
	LeftOut string
	// PerHour is how many tickets one sender (NewTicket.Email, compared
	// without case or +tag) may open by email within EmailWindow; past it
	// ERATELIMITED. 0 is no limit.
	PerHour int
}

// duplicateTicket rolls back a create whose email opened ticket id before.
type duplicateTicket struct{ id int64 }

func (e duplicateTicket) Error() string {
	return fmt.Sprintf("db: the email opened ticket %d before", e.id)
}

// CreateEmailTicket opens a ticket from an email (CONTRACT §5, Email in),
// as CreateTicket does, with the usual confirmation to the requester. It
// also records the opening email, counts it against PerHour, and adds the
// LeftOut note and its email. An email this sender already opened a ticket
// with answers that ticket (only its id set) and ErrDuplicateEmail.
func (d *DB) CreateEmailTicket(ctx context.Context, e EmailTicket) (Ticket, error) {
	var v Invalid
	leftOut, _ := v.text("leftOut", e.LeftOut, MaxMessageLen, false)
	if err := v.Err(); err != nil {
		return Ticket{}, err
	}
	e.LeftOut = leftOut
	by := Actor{Type: "requester", Name: strings.TrimSpace(e.FullName)}
	tk, _, err := d.createTicket(ctx, e.NewTicket, by, &e)
	var dup duplicateTicket
	if errors.As(err, &dup) {
		return Ticket{ID: dup.id}, ErrDuplicateEmail
	}
	return tk, err
}

// check runs in the create's transaction before the ticket is
// written: a redelivered opening email, or a sender past the rate, stops
// it.
func (e *EmailTicket) check(tx *Tx, now Time) error {
	key, _ := confirmKey(e.Email)
	if e.MessageID != "" {
		var id int64
		err := tx.QueryRow(`SELECT coalesce((SELECT ticket_id FROM email_tickets WHERE sender_key = ? AND message_id = ?), 0)`,
			key, e.MessageID).Scan(&id)
		if err != nil {
			return fmt.Errorf("db: unable to look for the email: %w", err)
		}
		if id != 0 {
			return duplicateTicket{id}
		}
	}
	if e.PerHour <= 0 {
		return nil
	}
	// LIMIT: a sender at the cap costs a bounded index range.
	var n int
	if err := tx.QueryRow(`SELECT count(*) FROM (SELECT 1 FROM email_tickets WHERE sender_key = ? AND created_at > ? LIMIT ?) AS capped`,
		key, Time{now.Add(-EmailWindow)}, e.PerHour).Scan(&n); err != nil {
		return fmt.Errorf("db: unable to count the sender's tickets: %w", err)
	}
	if n >= e.PerHour {
		return Errorf(ERATELIMITED, "%s opened %d tickets by email within an hour", key, n)
	}
	return nil
}

// record runs in the create's transaction once the ticket is written.
func (e *EmailTicket) record(tx *Tx, t Ticket, now Time) error {
	key, _ := confirmKey(t.Email)
	if _, err := tx.Exec(`INSERT INTO email_tickets (ticket_id, sender_key, message_id, created_at) VALUES (?, ?, nullif(?, ''), ?)`,
		t.ID, key, e.MessageID, now); err != nil {
		return fmt.Errorf("db: unable to record the opening email: %w", err)
	}
	if e.LeftOut == "" {
		return nil
	}
	_, err := leftOutNote(tx, t, t.Email, e.LeftOut, "", now)
	return err
}

// OpeningEmail is the Message-ID of the email that opened ticket id, ""
// when it was not opened by email or the email had none. The confirmation
// answers it, so the person's mail client shows the two together.
func (d *DB) OpeningEmail(ctx context.Context, id int64) (string, error) {
	var messageID string
	err := d.read.QueryRowContext(ctx, `SELECT coalesce((SELECT message_id FROM email_tickets WHERE ticket_id = ?), '')`, id).Scan(&messageID)
	if err != nil {
		return "", fmt.Errorf("db: unable to read the opening email: %w", err)
	}
	return messageID, nil
}
