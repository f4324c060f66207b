package db

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// Sort orders for ListTickets.
const (
	SortCreatedDesc = "-createdAt"
	SortCreatedAsc  = "createdAt"
	SortUpdatedDesc = "-updatedAt"
	SortUpdatedAsc  = "updatedAt"
	// Waiting longest first is SortLastMessageAsc.
	SortLastMessageDesc = "-lastMessageAt"
	SortLastMessageAsc  = "lastMessageAt"
)

// TicketFilter selects and orders tickets. Zero values mean "any".
type TicketFilter struct {
	Statuses   []Status
	CategoryID int64
	Role       Role
	Email      string
	Priority   Priority
	Query      string // full text over subject, message, name, email and the conversation
	// Prefix lets the last word of Query match as a prefix ("refu" finds
	// "refund"): only for a person still typing (the desk's live search).
	// A prefix query reads every term that starts with it (measured: a
	// whole word 0.12 ms, the same word as a prefix 8.8 ms at 1M tickets).
	Prefix bool
	// Snippets asks, with Query, for each ticket's matching passage
	// (TicketPage.Snippets): the desk shows them, the API does not, and
	// making one reads the ticket's whole text and conversation.
	Snippets   bool
	AssigneeID *int64 // points to 0 for unassigned
	Awaiting   string // AwaitingAgent or AwaitingRequester
	// Tags selects tickets carrying every one of them (normalized, see
	// ValidateTags).
	Tags  []string
	Sort  string // one of the Sort constants; empty is SortCreatedDesc
	Limit int
	After *Cursor
	// CountCap, when set, stops counting past it (TicketPage.TotalCapped):
	// a page that only needs "more than N" need not count every match.
	CountCap int
}

// Cursor is the position after the last ticket of a page (keyset paging:
// no OFFSET, so every page costs the same).
type Cursor struct {
	ID int64 `json:"i"`
	// The sort key of the last ticket, for the time sorts.
	UpdatedAt     string `json:"u,omitempty"`
	LastMessageAt string `json:"m,omitempty"`
}

// TicketPage is one page of a list.
type TicketPage struct {
	Tickets []Ticket
	Total   int
	Next    *Cursor // nil on the last page
	// TotalCapped means Total is the filter's CountCap and more match.
	TotalCapped bool
	// Snippets holds, for a full-text search asked with Snippets, the
	// matching passage of each ticket with SnippetStart/SnippetEnd around
	// the matched words.
	Snippets map[int64]string
}

// Markers around matched words in snippets; control characters that never
// appear in stored text (NUL and controls are refused on input), so a view
// can escape the text first and then turn them into <mark>.
const (
	SnippetStart = "\x02"
	SnippetEnd   = "\x03"
)

// searchWords splits what a person typed into the words a search
// requires: runs of letters and digits, the first eight. Both engines'
// indexes split text the same way.
func searchWords(q string) []string {
	words := strings.FieldsFunc(q, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	if len(words) > 8 {
		words = words[:8]
	}
	return words
}

// ListTickets returns one page of the tickets f selects, with the total.
func (d *DB) ListTickets(ctx context.Context, f TicketFilter) (TicketPage, error) {
	var where []string
	var args []any
	from := `tickets t`
	search := d.eng.search()
	fts := false
	if q := search.Query(f.Query, f.Prefix); q != "" {
		// Drive the query from the full-text index (engine.go).
		fts = true
		from = search.From
		if len(f.Statuses) > 0 {
			from = search.FromStatus
		}
		if search.Match != "" {
			where = append(where, search.Match)
		}
		args = append(args, q)
	} else if strings.TrimSpace(f.Query) != "" {
		return TicketPage{Tickets: []Ticket{}}, nil // only punctuation: nothing can match
	}
	if len(f.Statuses) > 0 {
		marks := strings.TrimSuffix(strings.Repeat("?,", len(f.Statuses)), ",")
		where = append(where, `t.status IN (`+marks+`)`)
		for _, s := range f.Statuses {
			args = append(args, s)
		}
	}
	if f.CategoryID != 0 {
		where = append(where, `t.category_id = ?`)
		args = append(args, f.CategoryID)
	}
	if f.Role != "" {
		where = append(where, `t.role_context = ?`)
		args = append(args, f.Role)
	}
	if f.Email != "" {
		where = append(where, `t.email = ? COLLATE NOCASE`)
		args = append(args, f.Email)
	}
	if f.Priority != "" {
		where = append(where, `t.priority = ?`)
		args = append(args, f.Priority)
	}
	if f.Awaiting != "" {
		where = append(where, `t.awaiting = ?`)
		args = append(args, f.Awaiting)
	}
	if f.AssigneeID != nil {
		if *f.AssigneeID == 0 {
			where = append(where, `t.assignee_id IS NULL`)
		} else {
			where = append(where, `t.assignee_id = ?`)
			args = append(args, *f.AssigneeID)
		}
	}

	if len(f.Tags) > 0 {
		w, a := tagConditions(f.Tags)
		where, args = append(where, w...), append(args, a...)
	}

	// The count's conditions, before the cursor's is added.
	countWhere, countArgs := where[:len(where):len(where)], args[:len(args):len(args)]

	order, keyset := orderFor(f.Sort)
	if fts {
		// Let the index walk its own ids in order instead of sorting matches.
		order = strings.ReplaceAll(order, "t.id", search.ID)
		keyset = strings.ReplaceAll(keyset, "t.id", search.ID)
	}
	if f.After != nil {
		switch f.Sort {
		case SortUpdatedAsc, SortUpdatedDesc:
			where = append(where, keyset)
			args = append(args, f.After.UpdatedAt, f.After.ID)
		case SortLastMessageAsc, SortLastMessageDesc:
			where = append(where, keyset)
			args = append(args, f.After.LastMessageAt, f.After.ID)
		default:
			where = append(where, keyset)
			args = append(args, f.After.ID)
		}
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	columns := d.eng.listColumns()
	snippets := fts && f.Snippets
	if snippets {
		// The subject is on the row already: the passage comes from the
		// message, the conversation, the name or the email, the first
		// that matched (snippetOf).
		columns += `, ` + search.Snippets
	}
	// Before the list's query: a second query while its rows hold a
	// connection could wait for a connection forever, every one of the
	// pool's held by a list doing the same.
	cats, err := d.categoriesByID(ctx)
	if err != nil {
		return TicketPage{}, err
	}
	query := `SELECT ` + columns + ` FROM ` + from + whereClause(where) +
		` ORDER BY ` + order + ` LIMIT ?`
	queryRows := d.read.QueryContext
	if fts {
		queryRows = d.read.QueryPlanned
	}
	rows, err := queryRows(ctx, query, append(args, limit+1)...)
	if err != nil {
		return TicketPage{}, fmt.Errorf("db: unable to list tickets: %w", err)
	}
	defer rows.Close()
	page := TicketPage{Tickets: make([]Ticket, 0, min(limit+1, 64))}
	var inMessage, inConversation, inName, inEmail sql.NullString
	var extra []any
	if snippets {
		page.Snippets = make(map[int64]string, min(limit+1, 64))
		extra = []any{&inMessage, &inConversation, &inName, &inEmail}
	}
	sc := newTicketScanner(cats, extra...)
	for rows.Next() {
		t, err := sc.scan(rows)
		if err != nil {
			return TicketPage{}, fmt.Errorf("db: unable to scan ticket: %w", err)
		}
		page.Tickets = append(page.Tickets, t)
		if snippets {
			if s := snippetOf(inMessage.String, inConversation.String, inName.String, inEmail.String); s != "" {
				page.Snippets[t.ID] = s
			}
		}
	}
	if err := rows.Err(); err != nil {
		return TicketPage{}, fmt.Errorf("db: unable to list tickets: %w", err)
	}
	if len(sc.missing) > 0 {
		fresh, err := d.listCategories(ctx)
		if err != nil {
			return TicketPage{}, err
		}
		for _, i := range sc.missing {
			for _, c := range fresh {
				if c.ID == sc.scanned[i] {
					page.Tickets[i].Category, page.Tickets[i].CategoryES = c.Name, c.NameES
				}
			}
		}
	}
	if f.After == nil && len(page.Tickets) <= limit {
		// The whole view is on this page: it is its own count.
		page.Total = len(page.Tickets)
	} else {
		total, err := d.countTickets(ctx, f, fts, from, countWhere, countArgs)
		if err != nil {
			return TicketPage{}, err
		}
		page.Total = total
		if f.CountCap > 0 && total > f.CountCap {
			page.Total, page.TotalCapped = f.CountCap, true
		}
	}
	if len(page.Tickets) > limit {
		delete(page.Snippets, page.Tickets[limit].ID)
		page.Tickets = page.Tickets[:limit]
		last := page.Tickets[limit-1]
		page.Next = &Cursor{ID: last.ID}
		switch f.Sort {
		case SortUpdatedAsc, SortUpdatedDesc:
			page.Next.UpdatedAt = last.UpdatedAt.UTC().Format(storedTime)
		case SortLastMessageAsc, SortLastMessageDesc:
			page.Next.LastMessageAt = last.LastMessageAt.UTC().Format(storedTime)
		}
	}
	if err := d.attachTo(ctx, page.Tickets); err != nil {
		return TicketPage{}, err
	}
	if err := d.tagsOf(ctx, page.Tickets); err != nil {
		return TicketPage{}, err
	}
	return page, nil
}

// countTickets counts what f selects. Counts by status alone come from
// the trigger-kept ticket_counts table; other filters count through their
// index.
func (d *DB) countTickets(ctx context.Context, f TicketFilter, fts bool, from string, where []string, args []any) (int, error) {
	var total int
	if f.Query == "" && f.CategoryID == 0 && f.Role == "" && f.Email == "" && f.Priority == "" && f.AssigneeID == nil &&
		f.Awaiting == "" && len(f.Tags) == 0 {
		statuses := f.Statuses
		if len(statuses) == 0 {
			statuses = Statuses
		}
		counts, err := d.StatusCounts(ctx)
		if err != nil {
			return 0, err
		}
		seen := map[Status]bool{}
		for _, s := range statuses {
			if !seen[s] {
				total += counts[s]
			}
			seen[s] = true
		}
		return total, nil
	}
	if f.Query != "" && f.CategoryID == 0 && f.Role == "" && f.Email == "" && f.Priority == "" &&
		f.AssigneeID == nil && f.Awaiting == "" && len(f.Tags) == 0 && len(f.Statuses) == 0 {
		// The text alone: count matches in the index, without looking up
		// each matching ticket.
		from, where = d.eng.search().CountFrom, where[:min(len(where), 1)]
	}
	query := `SELECT count(*) FROM ` + from + whereClause(where)
	if f.CountCap > 0 {
		// Newest first: the views people page through (open tickets) are
		// recent, so the cap is reached after few rows.
		id := "t.id"
		if fts {
			id = d.eng.search().ID
		}
		query = `SELECT count(*) FROM (SELECT 1 FROM ` + from + whereClause(where) +
			` ORDER BY ` + id + ` DESC LIMIT ` + strconv.Itoa(f.CountCap+1) + `) AS capped`
	}
	queryRow := d.read.QueryRowContext
	if fts {
		queryRow = d.read.QueryRowPlanned
	}
	if err := queryRow(ctx, query, args...).Scan(&total); err != nil {
		return 0, fmt.Errorf("db: unable to count tickets: %w", err)
	}
	return total, nil
}

// orderFor returns the ORDER BY for a sort and the keyset condition that
// continues after a cursor. Ids grow with creation time, so creation order
// is id order.
func orderFor(sort string) (order, keyset string) {
	switch sort {
	case SortCreatedAsc:
		return `t.id ASC`, `t.id > ?`
	case SortUpdatedDesc:
		return `t.updated_at DESC, t.id DESC`, `(t.updated_at, t.id) < (?, ?)`
	case SortUpdatedAsc:
		return `t.updated_at ASC, t.id ASC`, `(t.updated_at, t.id) > (?, ?)`
	case SortLastMessageDesc:
		return `t.last_message_at DESC, t.id DESC`, `(t.last_message_at, t.id) < (?, ?)`
	case SortLastMessageAsc:
		return `t.last_message_at ASC, t.id ASC`, `(t.last_message_at, t.id) > (?, ?)`
	default:
		return `t.id DESC`, `t.id < ?`
	}
}

func whereClause(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return ` WHERE ` + strings.Join(conds, ` AND `)
}

// attachTo loads the attachments of every ticket in one query.
func (d *DB) attachTo(ctx context.Context, tickets []Ticket) error {
	if len(tickets) == 0 {
		return nil
	}
	ids := make([]int64, len(tickets))
	for i, t := range tickets {
		ids[i] = t.ID
	}
	atts, err := d.attachmentsOf(ctx, ids, true)
	if err != nil {
		return err
	}
	for i := range tickets {
		if a := atts[tickets[i].ID]; a != nil {
			tickets[i].Attachments = a
		}
	}
	return nil
}

// sqliteListColumns are ticketColumns as a list reads them on SQLite
// (engine.listColumns). The driver makes two
// allocations for every text value of every row (its copy of the text, and
// the copy's interface), and none for a small integer, so the columns that
// take a few known values (role, status, priority, language, awaiting) come
// as their position in the list of values, and the category as its id,
// named from the cached categories.
var sqliteListColumns = `t.id, ` + enumCode("t.role_context", Roles) + `, t.full_name, t.email, t.subject, t.category_id,
	t.message, ` + enumCode("t.status", Statuses) + `, ` + enumCode("t.priority", Priorities) + `, t.assignee_id, ` +
	enumCode("t.language", []string{"en", "es"}) + `, t.created_at, t.updated_at, ` +
	enumCode("t.awaiting", []string{AwaitingAgent, AwaitingRequester}) + `, t.last_message_at, t.merged_into`

// enumCode selects col as its value's position in values, or as the text
// itself should the value not be in the list.
func enumCode[S ~string](col string, values []S) string {
	var b strings.Builder
	b.WriteString("CASE " + col)
	for i, v := range values {
		b.WriteString(" WHEN '" + string(v) + "' THEN " + strconv.Itoa(i))
	}
	b.WriteString(" ELSE " + col + " END")
	return b.String()
}

// enumValue reads an enumCode column back into its text.
type enumValue struct {
	values []string
	s      string
	valid  bool // false for NULL
}

func newEnumValue[S ~string](values []S) enumValue {
	e := enumValue{values: make([]string, len(values))}
	for i, v := range values {
		e.values[i] = string(v)
	}
	return e
}

// Scan implements sql.Scanner.
func (e *enumValue) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		e.s, e.valid = "", false
	case int64:
		if v < 0 || v >= int64(len(e.values)) {
			return fmt.Errorf("db: value %d out of range", v)
		}
		e.s, e.valid = e.values[v], true
	case string:
		e.s, e.valid = v, true
	case []byte:
		e.s, e.valid = string(v), true
	default:
		return fmt.Errorf("db: cannot scan %T into a text value", src)
	}
	return nil
}

// ticketScanner reads rows of listColumns (and extra columns) into Tickets
// with one destination list for every row: scanning a page through
// scanTicket built that list, and the nullable columns' holders, per row.
type ticketScanner struct {
	t                                   Ticket
	categoryID                          int64
	assignee, merged                    sql.NullInt64
	role, status, priority, lang, await enumValue
	dest                                []any
	categories                          map[int64]Category
	// scanned holds each scanned row's category id, missing the indexes
	// of rows whose category the map lacked.
	scanned []int64
	missing []int
}

func newTicketScanner(categories map[int64]Category, extra ...any) *ticketScanner {
	s := &ticketScanner{categories: categories, scanned: make([]int64, 0, 64),
		role: newEnumValue(Roles), status: newEnumValue(Statuses), priority: newEnumValue(Priorities),
		lang: newEnumValue([]string{"en", "es"}), await: newEnumValue([]string{AwaitingAgent, AwaitingRequester})}
	t := &s.t
	s.dest = append([]any{&t.ID, &s.role, &t.FullName, &t.Email, &t.Subject, &s.categoryID,
		&t.Message, &s.status, &s.priority, &s.assignee, &s.lang, &t.CreatedAt, &t.UpdatedAt,
		&s.await, &t.LastMessageAt, &s.merged}, extra...)
	return s
}

// Who a ticket waits on, shared by every scanned ticket: two values, so a
// page of tickets needs no string of its own for each.
var (
	awaitingAgent     = AwaitingAgent
	awaitingRequester = AwaitingRequester
)

func (s *ticketScanner) scan(r scanner) (Ticket, error) {
	s.t, s.assignee, s.merged = Ticket{}, sql.NullInt64{}, sql.NullInt64{}
	if err := r.Scan(s.dest...); err != nil {
		return Ticket{}, err
	}
	t := s.t
	t.RoleContext, t.Status, t.Priority, t.Language = Role(s.role.s), Status(s.status.s), Priority(s.priority.s), s.lang.s
	c, ok := s.categories[s.categoryID]
	if !ok {
		// A category added after the cached map was read: the map was
		// current when this list began, the row is newer.
		s.missing = append(s.missing, len(s.scanned))
	}
	s.scanned = append(s.scanned, s.categoryID)
	t.Category, t.CategoryES = c.Name, c.NameES
	if s.assignee.Valid {
		id := s.assignee.Int64
		t.AssigneeID = &id
	}
	switch {
	case !s.await.valid:
	case s.await.s == AwaitingAgent:
		t.Awaiting = &awaitingAgent
	case s.await.s == AwaitingRequester:
		t.Awaiting = &awaitingRequester
	default:
		a := s.await.s
		t.Awaiting = &a
	}
	if s.merged.Valid {
		id := s.merged.Int64
		t.MergedInto = &id
	}
	t.Tags = []string{}
	t.Attachments = []Attachment{}
	return t, nil
}
