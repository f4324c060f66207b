package handlers

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
)

// Limits of the list query.
const (
	defaultListLimit = 50
	maxListLimit     = 200
	maxQueryLen      = 200
	// listCountCap is where a full-text search stops counting its matches
	// (X-Total-Count-Capped, documented in openapi.json): an exact count of
	// a common word within a status took 273 ms at 1M tickets, capped 11 ms.
	listCountCap = 1000
)

// listCursor is the opaque `cursor` parameter: the keyset position and the
// sort it belongs to, base64url-encoded JSON.
type listCursor struct {
	Sort string `json:"s"`
	db.Cursor
}

func encodeCursor(sort string, c db.Cursor) string {
	b, _ := json.Marshal(listCursor{Sort: sort, Cursor: c})
	return base64.RawURLEncoding.EncodeToString(b)
}

// parseListQuery turns the list endpoint's query parameters into a filter.
// Every malformed parameter is a 400 naming it. lookupCategory resolves a
// category name or alias to its id.
func parseListQuery(q url.Values, lookupCategory func(string) (int64, error)) (db.TicketFilter, error) {
	f := db.TicketFilter{Limit: defaultListLimit, Sort: db.SortCreatedDesc}
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
				v.Add("status", "unknown status "+strconv.Quote(truncate(part, 40)))
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
		if len(s) > maxQueryLen {
			v.Add("q", "must be at most "+strconv.Itoa(maxQueryLen)+" bytes")
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
		if err != nil || n < 1 || n > maxListLimit {
			v.Add("limit", "must be a whole number from 1 to "+strconv.Itoa(maxListLimit))
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

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// listTickets handles GET /api/support-tickets.
func (h *Handler) listTickets(c *fiber.Ctx) error {
	q, err := url.ParseQuery(string(c.Request().URI().QueryString()))
	if err != nil {
		return db.Errorf(db.EBADREQUEST, "malformed query string")
	}
	f, err := parseListQuery(q, func(name string) (int64, error) {
		cat, err := h.DB.FindCategory(c.UserContext(), name)
		return cat.ID, err
	})
	if err != nil {
		return err
	}
	if f.Query != "" {
		f.CountCap = listCountCap
	}
	page, err := h.DB.ListTickets(c.UserContext(), f)
	if err != nil {
		return err
	}
	c.Set("X-Total-Count", strconv.Itoa(page.Total))
	if page.TotalCapped {
		c.Set("X-Total-Count-Capped", "true")
	}
	if page.Next != nil {
		q.Set("cursor", encodeCursor(f.Sort, *page.Next))
		c.Set(fiber.HeaderLink, `</api/support-tickets?`+q.Encode()+`>; rel="next"`)
	}
	for i := range page.Tickets {
		page.Tickets[i] = h.Present(page.Tickets[i])
	}
	return c.JSON(page.Tickets)
}
