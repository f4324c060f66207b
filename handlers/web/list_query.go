package web

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/kinconecta/helpdesk/db"
)

// Limits of the ticket list query (the API's list and the desk's queue).
const (
	DefaultListLimit = 50
	MaxListLimit     = 200
	MaxQueryLen      = 200
)

// listCursor is the opaque `cursor` parameter: the keyset position and the
// sort it belongs to, base64url-encoded JSON.
type listCursor struct {
	Sort string `json:"s"`
	db.Cursor
}

// EncodeCursor is the `cursor` parameter that continues a list sorted by
// sort after c.
func EncodeCursor(sort string, c db.Cursor) string {
	b, _ := json.Marshal(listCursor{Sort: sort, Cursor: c})
	return base64.RawURLEncoding.EncodeToString(b)
}

// ParseListQuery turns the ticket list's query parameters (the API's
// list endpoint; the desk's queue passes the same ones) into a filter.
// Every malformed parameter is a 400 naming it. lookupCategory resolves a
// category name or alias to its id.
func ParseListQuery(q url.Values, lookupCategory func(string) (int64, error)) (db.TicketFilter, error) {
	f := db.TicketFilter{Limit: DefaultListLimit, Sort: db.SortCreatedDesc}
	var v db.Invalid
	for key, vals := range q {
		if len(vals) > 1 {
			v.Add(key, "give this parameter once")
		}
	}
	if s := q.Get("status"); s != "" {
		for _, part := range strings.Split(s, ",") {
			st, ok := db.ParseStatus(part)
			if !ok {
				v.Add("status", "unknown status "+strconv.Quote(Truncate(part, 40)))
				break
			}
			f.Statuses = append(f.Statuses, st)
		}
	}
	if s := q.Get("roleContext"); s != "" {
		r, ok := db.ParseRole(s)
		if !ok {
			v.Add("roleContext", "must be tourist, guide or guest")
		}
		f.Role = r
	}
	if s := q.Get("category"); s != "" {
		id, err := lookupCategory(s)
		if db.ErrorCode(err) == db.ENOTFOUND {
			v.Add("category", "is not a known category")
		} else if err != nil {
			return f, err
		}
		f.CategoryID = id
	}
	if s := q.Get("email"); s != "" {
		if len(s) > db.MaxEmailLen {
			v.Add("email", "is too long")
		}
		f.Email = s
	}
	if s := q.Get("q"); s != "" {
		if len(s) > MaxQueryLen {
			v.Add("q", "must be at most "+strconv.Itoa(MaxQueryLen)+" bytes")
		}
		f.Query = s
	}
	if s := q.Get("awaiting"); s != "" {
		switch a := strings.ToLower(s); a {
		case db.AwaitingAgent, db.AwaitingRequester:
			f.Awaiting = a
		default:
			v.Add("awaiting", "must be agent or requester")
		}
	}
	if s := q.Get("tag"); s != "" {
		tags, err := db.ValidateTags("tag", strings.Split(s, ","))
		if e := (*db.Error)(nil); errors.As(err, &e) {
			v.Fields = append(v.Fields, e.Fields...)
		}
		f.Tags = tags
	}
	if s := q.Get("sort"); s != "" {
		switch s {
		case db.SortCreatedAsc, db.SortCreatedDesc, db.SortUpdatedAsc, db.SortUpdatedDesc,
			db.SortLastMessageAsc, db.SortLastMessageDesc:
			f.Sort = s
		default:
			v.Add("sort", "must be createdAt, -createdAt, updatedAt, -updatedAt, lastMessageAt or -lastMessageAt")
		}
	}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxListLimit {
			v.Add("limit", "must be a whole number from 1 to "+strconv.Itoa(MaxListLimit))
		}
		f.Limit = n
	}
	if s := q.Get("cursor"); s != "" {
		var lc listCursor
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil || json.Unmarshal(b, &lc) != nil || lc.ID <= 0 || lc.Sort != f.Sort ||
			strings.Contains(f.Sort, "updatedAt") && lc.UpdatedAt == "" ||
			strings.Contains(f.Sort, "lastMessageAt") && lc.LastMessageAt == "" {
			v.Add("cursor", "is not a cursor from this list; start again without it")
		}
		f.After = &lc.Cursor
	}
	if len(v.Fields) > 0 {
		return f, &db.Error{Code: db.EBADREQUEST, Message: "Some query parameters are not valid.", Fields: v.Fields}
	}
	return f, nil
}

func Truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
