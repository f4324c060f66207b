package db

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// TicketPatch is a change to a ticket's workflow fields; nil means unchanged.
// AssigneeID points to 0 to unassign.
type TicketPatch struct {
	Status     *string
	Category   *string
	Priority   *string
	AssigneeID *int64
	// Tags replaces the ticket's tags; AddTags and RemoveTags change them
	// instead (bulk changes and macros), and are ignored when Tags is set.
	Tags                *[]string
	AddTags, RemoveTags []string
}

// UpdateTicket applies p, recording each changed field in the history. A
// status move the workflow forbids, or any change to a closed ticket, is an
// ECONFLICT naming the allowed next states.
func (d *DB) UpdateTicket(ctx context.Context, id int64, p TicketPatch, by Actor) (Ticket, error) {
	tp, patch, err := d.ticketPatch(ctx, id, p, by)
	if err != nil {
		return Ticket{}, err
	}
	if err := d.write(ctx, patch); err != nil {
		return Ticket{}, err
	}
	t := *tp
	d.signalOutbox()
	atts, err := d.attachmentsOf(ctx, []int64{id}, true)
	if err != nil {
		return Ticket{}, err
	}
	if a := atts[id]; a != nil {
		t.Attachments = a
	}
	return t, nil
}

// ticketPatch validates p and returns the write that applies it to ticket
// id, and the ticket as that write leaves it: UpdateTicket runs the write
// alone, ReplyWithMacro together with a message, in one transaction.
func (d *DB) ticketPatch(ctx context.Context, id int64, p TicketPatch, by Actor) (*Ticket, func(tx *Tx) error, error) {
	var v Invalid
	var status Status
	if p.Status != nil {
		st, ok := ParseStatus(*p.Status)
		if !ok {
			v.Add("status", "must be one of created, open, in_progress, resolved, closed")
		}
		status = st
	}
	var category Category
	if p.Category != nil {
		c, err := d.FindCategory(ctx, *p.Category)
		switch {
		case ErrorCode(err) == ENOTFOUND || err == nil && c.Retired:
			v.Add("category", "is not a known category")
		case err != nil:
			return nil, nil, err
		}
		category = c
	}
	var priority Priority
	if p.Priority != nil {
		pr, ok := ParsePriority(*p.Priority)
		if !ok {
			v.Add("priority", "must be one of low, normal, high, urgent")
		}
		priority = pr
	}
	if p.AssigneeID != nil && *p.AssigneeID != 0 {
		u, err := d.User(ctx, *p.AssigneeID)
		switch {
		case ErrorCode(err) == ENOTFOUND || err == nil && !u.Active:
			v.Add("assigneeId", "is not an active agent")
		case err != nil:
			return nil, nil, err
		}
	}
	var tags tagsChange
	if p.Tags != nil {
		set := v.tags("tags", *p.Tags, MaxTagsATicket)
		tags.Set = &set
	} else {
		tags.Add = v.tags("addTags", p.AddTags, MaxTagsATicket)
		tags.Remove = v.tags("removeTags", p.RemoveTags, 0)
	}
	if err := v.Err(); err != nil {
		return nil, nil, err
	}

	var t Ticket
	patch := func(tx *Tx) error {
		var err error
		t, err = findTicket(ctx, tx, id)
		if err != nil {
			return err
		}
		if t.Status == StatusClosed {
			return &Error{Code: ECONFLICT, Message: "ticket is closed; closed is final", Allowed: []string{}}
		}
		now := Time{d.now()}
		changed := false
		set := func(column, field, from, to string, value any) error {
			if from == to {
				return nil
			}
			changed = true
			if _, err := tx.Exec(`UPDATE tickets SET `+column+` = ? WHERE id = ?`, value, id); err != nil {
				return fmt.Errorf("db: unable to update %s: %w", field, err)
			}
			return insertEvent(tx, id, by, field, from, to, now)
		}
		if p.Status != nil && status != t.Status {
			changed = true
			if err := moveStatus(tx, &t, status, by, now); err != nil {
				return err
			}
		}
		if p.Category != nil {
			if err := set("category_id", "category", t.Category, category.Name, category.ID); err != nil {
				return err
			}
			t.Category, t.CategoryES = category.Name, category.NameES
		}
		if p.Priority != nil {
			if err := set("priority", "priority", string(t.Priority), string(priority), priority); err != nil {
				return err
			}
			t.Priority = priority
		}
		if p.AssigneeID != nil {
			from, to := idString(t.AssigneeID), idString(p.AssigneeID)
			if err := set("assignee_id", "assignee", from, to, sql.NullInt64{Int64: *p.AssigneeID, Valid: *p.AssigneeID != 0}); err != nil {
				return err
			}
			t.AssigneeID = nil
			if *p.AssigneeID != 0 && from != to {
				t.AssigneeID = p.AssigneeID
				// Tell the assignee, unless they assigned themselves.
				if !(by.Type == "agent" && by.ID == *p.AssigneeID) {
					if _, err := tx.Exec(`INSERT INTO outbox (kind, ticket_id, recipient, language, next_attempt_at, created_at)
						SELECT ?, ?, email, `+agentLanguage+`, ?, ? FROM users WHERE id = ?`, NotifyAssigned, id, now, now, *p.AssigneeID); err != nil {
						return fmt.Errorf("db: unable to enqueue assignment notice: %w", err)
					}
				}
			} else if *p.AssigneeID != 0 {
				t.AssigneeID = p.AssigneeID
			}
		}
		// t.Tags came with the row (findTicket), read in this transaction.
		if !tags.empty() {
			next := tags.apply(t.Tags)
			moved, err := writeTags(tx, id, t.Tags, next, by, now)
			if err != nil {
				return err
			}
			changed = changed || moved
			t.Tags = next
		}
		if changed {
			t.UpdatedAt = now
			if _, err := tx.Exec(`UPDATE tickets SET updated_at = ? WHERE id = ?`, now, id); err != nil {
				return fmt.Errorf("db: unable to touch ticket: %w", err)
			}
		}
		return nil
	}
	return &t, patch, nil
}

// moveStatus moves t to status inside tx, as the workflow allows, with
// its history line, and the requester's email a resolve or a close sends.
// Shared by UpdateTicket and AddMessage's "send and set status", so that
// both keep one set of rules.
func moveStatus(tx *Tx, t *Ticket, status Status, by Actor, now Time) error {
	if !t.Status.CanMoveTo(status) {
		return transitionConflict(t.Status, status)
	}
	if _, err := tx.Exec(`UPDATE tickets SET status = ? WHERE id = ?`, status, t.ID); err != nil {
		return fmt.Errorf("db: unable to update status: %w", err)
	}
	if err := insertEvent(tx, t.ID, by, "status", string(t.Status), string(status), now); err != nil {
		return err
	}
	t.Status = status
	if status == StatusClosed {
		// A closed ticket waits on nobody.
		if _, err := tx.Exec(`UPDATE tickets SET awaiting = NULL WHERE id = ?`, t.ID); err != nil {
			return fmt.Errorf("db: unable to close the conversation: %w", err)
		}
		t.Awaiting = nil
	}
	kind := map[Status]string{StatusResolved: NotifyResolved, StatusClosed: NotifyClosed}[status]
	if kind != "" {
		return enqueue(tx, kind, t.ID, 0, t.Email, t.Language, now)
	}
	return nil
}

func transitionConflict(from, to Status) *Error {
	next := from.Next()
	allowed := make([]string, len(next))
	for i, s := range next {
		allowed[i] = string(s)
	}
	return &Error{
		Code:    ECONFLICT,
		Message: fmt.Sprintf("cannot move from %s to %s; allowed: %s", from, to, strings.Join(allowed, ", ")),
		Allowed: allowed,
	}
}

func idString(id *int64) string {
	if id == nil || *id == 0 {
		return ""
	}
	return strconv.FormatInt(*id, 10)
}

// Event is one recorded change to a ticket.
type Event struct {
	ID        int64  `json:"id"`
	ActorType string `json:"actorType"`
	ActorName string `json:"actorName"`
	Field     string `json:"field"`
	From      string `json:"from"`
	To        string `json:"to"`
	CreatedAt Time   `json:"createdAt"`
}

// Events lists a ticket's history, oldest first.
func (d *DB) Events(ctx context.Context, ticketID int64) ([]Event, error) {
	rows, err := d.read.QueryContext(ctx, `
		SELECT id, actor_type, actor_name, field, coalesce(from_value, ''), coalesce(to_value, ''), created_at
		FROM ticket_events WHERE ticket_id = ? ORDER BY id`, ticketID)
	if err != nil {
		return nil, fmt.Errorf("db: unable to list events: %w", err)
	}
	defer rows.Close()
	events := []Event{}
	for rows.Next() {
		var e Event
		if err := rows.Scan(&e.ID, &e.ActorType, &e.ActorName, &e.Field, &e.From, &e.To, &e.CreatedAt); err != nil {
			return nil, fmt.Errorf("db: unable to scan event: %w", err)
		}
		events = append(events, e)
	}
	return events, rows.Err()
}
