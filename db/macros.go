package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Macro limits. A helpdesk has tens of macros; the cap only keeps a
// script from filling the picker (and every workspace page) with junk.
const (
	MaxMacroNameLen = 100
	MaxMacros       = 500
)

// MacroPlaceholders are the only placeholders a macro's body may hold,
// filled in for the ticket and agent it is applied for (FillMacro).
var MacroPlaceholders = []string{
	"{{requester.firstName}}", "{{requester.name}}", "{{ticket.id}}", "{{ticket.subject}}", "{{agent.name}}",
}

// Macro is a canned reply with the changes it makes to the ticket it is
// sent on (CONTRACT §6). Version counts its edits (not in the JSON): a
// reply sent with a macro names the version the agent was shown.
type Macro struct {
	ID        int64        `json:"id"`
	Name      string       `json:"name"`
	Body      string       `json:"body"`
	Actions   MacroActions `json:"actions"`
	Version   int64        `json:"-"`
	CreatedAt Time         `json:"createdAt"`
	UpdatedAt Time         `json:"updatedAt"`
}

// MacroActions are what a macro changes besides sending its reply; nil
// (and no tags) leaves a field alone. Status and Priority are canonical
// once validated; AssigneeID names an active agent; AddTags are added to
// the ticket's tags, normalized (NormalizeTag) and sorted, never nil.
type MacroActions struct {
	Status     *string  `json:"status"`
	Priority   *string  `json:"priority"`
	AssigneeID *int64   `json:"assigneeId"`
	AddTags    []string `json:"addTags"`
}

// Empty reports whether the actions change nothing.
func (a MacroActions) Empty() bool {
	return a.Status == nil && a.Priority == nil && a.AssigneeID == nil && len(a.AddTags) == 0
}

// Patch is the ticket change the actions make.
func (a MacroActions) Patch() TicketPatch {
	return TicketPatch{Status: a.Status, Priority: a.Priority, AssigneeID: a.AssigneeID, AddTags: a.AddTags}
}

// MacroInput is a macro as an admin writes it: a new one, or every field
// of an edit.
type MacroInput struct {
	Name    string
	Body    string
	Actions MacroActions
}

// MacroPatch is an edit of a macro; nil leaves a field as it is. Actions,
// when given, replace every action.
type MacroPatch struct {
	Name    *string
	Body    *string
	Actions *MacroActions
}

// ErrMacroChanged refuses a reply sent with a macro that was edited or
// deleted after the agent picked it: the actions shown are not the ones
// that would be applied, so nothing is.
var ErrMacroChanged = &Error{Code: ECONFLICT, Message: "the macro changed after it was picked; check the reply and its actions and send again",
	Fields: []FieldError{{Field: "macroId", Message: "changed after it was picked"}}}

// MacroClosesReason is why a macro may not set the status closed:
// closing is final and takes its own two-step confirmation, which a
// macro sent in one keystroke would skip.
const MacroClosesReason = "cannot be closed: closing is final and takes its own confirmation; use resolved"

// ErrMacroCloses refuses a reply sent with a macro that closes the ticket
// (one saved before such macros were refused): nothing is sent.
var ErrMacroCloses = &Error{Code: EINVALID, Message: "the macro closes the ticket, which takes its own confirmation; nothing was sent",
	Fields: []FieldError{{Field: "actions.status", Message: MacroClosesReason}}}

// UnknownPlaceholders lists, once each and in order, what in body looks
// like a placeholder ("{{" onwards) but is none of MacroPlaceholders: a
// typo or an unknown field, which must never reach a requester as it is.
// An unclosed one is quoted up to 40 characters.
func UnknownPlaceholders(body string) []string {
	var out []string
	for i := 0; ; {
		j := strings.Index(body[i:], "{{")
		if j < 0 {
			return out
		}
		i += j
		if p := knownPlaceholderAt(body[i:]); p != "" {
			i += len(p)
			continue
		}
		token := body[i:]
		if end := strings.Index(token, "}}"); end >= 0 && !strings.ContainsAny(token[:end], "\r\n") {
			token = token[:end+2]
		} else if line := strings.IndexAny(token, "\r\n"); line >= 0 {
			token = token[:line]
		}
		if utf8.RuneCountInString(token) > 40 {
			token = string([]rune(token)[:40])
		}
		if !containsString(out, token) {
			out = append(out, token)
		}
		i += 2
	}
}

func knownPlaceholderAt(s string) string {
	for _, p := range MacroPlaceholders {
		if strings.HasPrefix(s, p) {
			return p
		}
	}
	return ""
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// MacroContext is what a macro's placeholders are filled with.
type MacroContext struct {
	RequesterName string
	TicketID      int64
	Subject       string
	AgentName     string
}

// FillMacro fills body's placeholders from mc, as plain text in one pass:
// a value holding a placeholder (a subject "{{agent.name}}") stays as
// written, never filled in turn. firstName is the first word of the
// requester's name (the whole name when it has one word).
func FillMacro(body string, mc MacroContext) string {
	first := mc.RequesterName
	if f := strings.Fields(first); len(f) > 0 {
		first = f[0]
	}
	return strings.NewReplacer(
		"{{requester.firstName}}", first,
		"{{requester.name}}", mc.RequesterName,
		"{{ticket.id}}", strconv.FormatInt(mc.TicketID, 10),
		"{{ticket.subject}}", mc.Subject,
		"{{agent.name}}", mc.AgentName,
	).Replace(body)
}

// macroName validates a name; it returns it trimmed and its unique key.
func (v *Invalid) macroName(name string) (string, string) {
	name, _ = v.text("name", name, MaxMacroNameLen, true)
	return name, strings.ToLower(name)
}

// macroBody validates a body: a message's limits, and only known
// placeholders. Line ends are stored as "\n" whether the body came from
// a form (which sends "\r\n") or the API.
func (v *Invalid) macroBody(body string) string {
	body, ok := v.text("body", strings.ReplaceAll(body, "\r\n", "\n"), MaxMessageLen, true)
	if ok {
		if unknown := UnknownPlaceholders(body); len(unknown) > 0 {
			v.Add("body", "unknown placeholder "+quoteAll(unknown)+"; use "+strings.Join(MacroPlaceholders, ", "))
		}
	}
	return body
}

func quoteAll(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

// macroActions validates actions into fields "actions.status" and so on:
// a status a ticket can be moved to (not created), a priority, an active
// agent, at most MaxTagsATicket valid tags.
func (d *DB) macroActions(ctx context.Context, v *Invalid, a MacroActions) (MacroActions, error) {
	out := MacroActions{AddTags: []string{}}
	if a.Status != nil {
		st, ok := ParseStatus(*a.Status)
		switch {
		case st == StatusClosed:
			v.Add("actions.status", MacroClosesReason)
		case !ok || st == StatusCreated:
			v.Add("actions.status", "must be one of open, in_progress, resolved")
		}
		s := string(st)
		out.Status = &s
	}
	if a.Priority != nil {
		pr, ok := ParsePriority(*a.Priority)
		if !ok {
			v.Add("actions.priority", "must be one of low, normal, high, urgent")
		}
		s := string(pr)
		out.Priority = &s
	}
	if a.AssigneeID != nil {
		id := *a.AssigneeID
		u, err := d.User(ctx, id)
		switch {
		case id <= 0 || ErrorCode(err) == ENOTFOUND || err == nil && !u.Active:
			v.Add("actions.assigneeId", "is not an active agent")
		case err != nil:
			return out, err
		}
		out.AssigneeID = &id
	}
	if tags := v.tags("actions.addTags", a.AddTags, MaxTagsATicket); tags != nil {
		out.AddTags = tags
	}
	return out, nil
}

const macroColumns = `id, name, body, status, priority, assignee_id, add_tags, version, created_at, updated_at`

func scanMacro(s interface{ Scan(...any) error }) (Macro, error) {
	var m Macro
	var status, priority sql.NullString
	var assignee sql.NullInt64
	var tags string
	if err := s.Scan(&m.ID, &m.Name, &m.Body, &status, &priority, &assignee, &tags, &m.Version, &m.CreatedAt, &m.UpdatedAt); err != nil {
		return m, err
	}
	m.Actions.AddTags = []string{}
	if tags != "" {
		m.Actions.AddTags = strings.Split(tags, ",")
	}
	if status.Valid {
		m.Actions.Status = &status.String
	}
	if priority.Valid {
		m.Actions.Priority = &priority.String
	}
	if assignee.Valid {
		m.Actions.AssigneeID = &assignee.Int64
	}
	return m, nil
}

// Macros lists every macro by name.
func (d *DB) Macros(ctx context.Context) ([]Macro, error) {
	rows, err := d.read.QueryContext(ctx, `SELECT `+macroColumns+` FROM macros ORDER BY name_key`)
	if err != nil {
		return nil, fmt.Errorf("db: unable to list macros: %w", err)
	}
	defer rows.Close()
	out := []Macro{}
	for rows.Next() {
		m, err := scanMacro(rows)
		if err != nil {
			return nil, fmt.Errorf("db: unable to read macro: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Macro returns macro id, ENOTFOUND when there is none.
func (d *DB) Macro(ctx context.Context, id int64) (Macro, error) {
	return findMacro(ctx, d.read, id)
}

func findMacro(ctx context.Context, q querier, id int64) (Macro, error) {
	m, err := scanMacro(q.QueryRowContext(ctx, `SELECT `+macroColumns+` FROM macros WHERE id = ?`, id))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return m, Errorf(ENOTFOUND, "macro %d not found", id)
	case err != nil:
		return m, fmt.Errorf("db: unable to read macro: %w", err)
	}
	return m, nil
}

// nullString stores nil as NULL.
func nullString(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

func nullIDPtr(id *int64) any {
	if id == nil {
		return nil
	}
	return *id
}

// AddMacro creates a macro. Invalid fields are an EINVALID naming them
// (an unknown placeholder on "body"); a name in use, whatever its case,
// an ECONFLICT on "name".
func (d *DB) AddMacro(ctx context.Context, in MacroInput) (Macro, error) {
	var v Invalid
	name, key := v.macroName(in.Name)
	body := v.macroBody(in.Body)
	actions, err := d.macroActions(ctx, &v, in.Actions)
	if err != nil {
		return Macro{}, err
	}
	if err := v.Err(); err != nil {
		return Macro{}, err
	}
	var m Macro
	err = d.write(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRow(`SELECT count(*) FROM macros`).Scan(&n); err != nil {
			return fmt.Errorf("db: unable to count macros: %w", err)
		}
		if n >= MaxMacros {
			return Errorf(ECONFLICT, "there are already %d macros, the most there may be; delete one first", MaxMacros)
		}
		now := Time{d.now()}
		var err error
		m, err = scanMacro(tx.QueryRow(`INSERT INTO macros (name, name_key, body, status, priority, assignee_id, add_tags, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING `+macroColumns,
			name, key, body, nullString(actions.Status), nullString(actions.Priority), nullIDPtr(actions.AssigneeID),
			strings.Join(actions.AddTags, ","), now, now))
		if err != nil {
			return uniqueViolation(fmt.Errorf("db: unable to add macro: %w", err), "name", "that name")
		}
		return nil
	})
	return m, err
}

// UpdateMacro applies p to macro id, validated as AddMacro validates,
// and counts the edit in its version. ENOTFOUND when there is no macro id.
func (d *DB) UpdateMacro(ctx context.Context, id int64, p MacroPatch) (Macro, error) {
	var v Invalid
	var name, key, body string
	if p.Name != nil {
		name, key = v.macroName(*p.Name)
	}
	if p.Body != nil {
		body = v.macroBody(*p.Body)
	}
	var actions MacroActions
	if p.Actions != nil {
		var err error
		if actions, err = d.macroActions(ctx, &v, *p.Actions); err != nil {
			return Macro{}, err
		}
	}
	if err := v.Err(); err != nil {
		return Macro{}, err
	}
	var m Macro
	err := d.write(ctx, func(tx *Tx) error {
		var err error
		m, err = findMacro(ctx, tx, id)
		if err != nil {
			return err
		}
		if p.Name != nil {
			m.Name = name
		} else {
			key = strings.ToLower(m.Name)
		}
		if p.Body != nil {
			m.Body = body
		}
		if p.Actions != nil {
			m.Actions = actions
		}
		a := m.Actions
		m, err = scanMacro(tx.QueryRow(`UPDATE macros SET name = ?, name_key = ?, body = ?, status = ?, priority = ?,
			assignee_id = ?, add_tags = ?, version = version + 1, updated_at = ? WHERE id = ? RETURNING `+macroColumns,
			m.Name, key, m.Body, nullString(a.Status), nullString(a.Priority), nullIDPtr(a.AssigneeID),
			strings.Join(a.AddTags, ","), Time{d.now()}, id))
		if err != nil {
			return uniqueViolation(fmt.Errorf("db: unable to update macro: %w", err), "name", "that name")
		}
		return nil
	})
	return m, err
}

// DeleteMacro removes macro id; ENOTFOUND when there is none. Replies
// already sent with it keep their text and changes.
func (d *DB) DeleteMacro(ctx context.Context, id int64) error {
	return d.write(ctx, func(tx *Tx) error {
		res, err := tx.Exec(`DELETE FROM macros WHERE id = ?`, id)
		if err != nil {
			return fmt.Errorf("db: unable to delete macro: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return Errorf(ENOTFOUND, "macro %d not found", id)
		}
		return nil
	})
}

// ReplyWithMacro adds m to ticket ticketID's thread and applies the
// actions of macro macroID, in one transaction: the reply and every
// change happen together, or nothing does. version is the macro's
// version the agent was shown; an edited or deleted macro is
// ErrMacroChanged. The errors are AddMessage's and UpdateTicket's: a
// closed ticket or a status move the workflow forbids is an ECONFLICT, an
// assignee no longer active an EINVALID on "assigneeId".
func (d *DB) ReplyWithMacro(ctx context.Context, ticketID int64, m NewMessage, macroID, version int64, by Actor, maxFiles int) (Message, Ticket, error) {
	mac, err := d.Macro(ctx, macroID)
	switch {
	case ErrorCode(err) == ENOTFOUND:
		return Message{}, Ticket{}, ErrMacroChanged
	case err != nil:
		return Message{}, Ticket{}, err
	case mac.Version != version:
		return Message{}, Ticket{}, ErrMacroChanged
	case mac.Actions.Status != nil && Status(*mac.Actions.Status) == StatusClosed:
		// Saved before macros were refused a close: still never one keystroke.
		return Message{}, Ticket{}, ErrMacroCloses
	}
	msg, add, err := d.messageAdd(ctx, ticketID, m, by, maxFiles)
	if err != nil {
		return Message{}, Ticket{}, err
	}
	t, patch, err := d.ticketPatch(ctx, ticketID, mac.Actions.Patch(), by)
	if err != nil {
		return Message{}, Ticket{}, err
	}
	err = d.write(ctx, func(tx *Tx) error {
		var current int64
		err := tx.QueryRow(`SELECT version FROM macros WHERE id = ?`, macroID).Scan(&current)
		switch {
		case errors.Is(err, sql.ErrNoRows) || err == nil && current != version:
			return ErrMacroChanged
		case err != nil:
			return fmt.Errorf("db: unable to read macro: %w", err)
		}
		// The reply first: a macro that resolves or closes the ticket
		// answers it, then closes it, in that order in the history and the
		// outbox.
		if err := add(tx); err != nil {
			return err
		}
		return patch(tx)
	})
	if err != nil {
		return Message{}, Ticket{}, err
	}
	d.signalOutbox()
	return *msg, *t, nil
}
