package handlers

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestListTickets(t *testing.T) {
	s := newTestServer(t)
	seed := []map[string]any{
		{"subject": "Cancelación de tour", "message": "Quiero cancelar mi reserva", "roleContext": "tourist", "category": "Booking"},
		{"subject": "Payout missing", "message": "My payout for March never arrived", "roleContext": "guide", "category": "Billing", "email": "guide@example.com"},
		{"subject": "Login fails", "message": "Two-factor code never arrives", "roleContext": "guest", "category": "Account"},
		{"subject": "Refund for cancelled tour", "message": "The guide cancelled; refund please", "roleContext": "tourist", "category": "PAGOS_FACTURACION"},
	}
	var ids []int64
	for _, f := range seed {
		ids = append(ids, s.createTicket(t, f).ID)
	}
	// ids[2] moves on, so status filters have something to tell apart.
	r := s.do(t, "PATCH", "/api/support-tickets/"+strconv.FormatInt(ids[2], 10), "application/json",
		strings.NewReader(`{"status":"in_progress"}`), bearer(s.AgentKey)...)
	if r.StatusCode != 200 {
		t.Fatalf("patch: %d %s", r.StatusCode, r.Body)
	}
	tests := []struct {
		name  string
		query string
		want  []int64 // in order
	}{
		{"All newest first", "", []int64{ids[3], ids[2], ids[1], ids[0]}},
		{"Oldest first", "sort=createdAt", []int64{ids[0], ids[1], ids[2], ids[3]}},
		{"Recently updated first", "sort=-updatedAt", []int64{ids[2], ids[3], ids[1], ids[0]}},
		{"Status", "status=in_progress", []int64{ids[2]}},
		{"Status list any case", "status=IN_PROGRESS,Open", []int64{ids[3], ids[2], ids[1], ids[0]}},
		{"Status In Progress with space", "status=In+Progress", []int64{ids[2]}},
		{"Category by alias", "category=PAGOS_FACTURACION", []int64{ids[3], ids[1]}},
		{"Role", "roleContext=TOURIST", []int64{ids[3], ids[0]}},
		{"Email any case", "email=Guide@Example.com", []int64{ids[1]}},
		{"Full text", "q=refund", []int64{ids[3]}},
		{"Full text accents folded", "q=cancelacion", []int64{ids[0]}},
		// Whole words only: a prefix is for the desk's search as it is typed.
		{"Full text whole words", "q=cancel", []int64{}},
		{"Full text and filter", "q=tour&roleContext=tourist&category=Booking", []int64{ids[0]}},
		{"Full text syntax is literal", "q=" + url.QueryEscape(`"refund" OR NEAR(`), []int64{}},
		{"Only punctuation", "q=" + url.QueryEscape(`***`), []int64{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := s.do(t, "GET", "/api/support-tickets?"+tc.query, "", nil, bearer(s.AgentKey)...)
			if r.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", r.StatusCode, r.Body)
			}
			var got []created
			r.JSON(t, &got)
			var gotIDs []int64
			for _, tk := range got {
				gotIDs = append(gotIDs, tk.ID)
				if tk.Attachments == nil {
					t.Errorf("ticket %d has no attachments array", tk.ID)
				}
			}
			if fmtIDs(gotIDs) != fmtIDs(tc.want) {
				t.Errorf("ids = %v, want %v", gotIDs, tc.want)
			}
			if got, want := r.Header.Get("X-Total-Count"), strconv.Itoa(len(tc.want)); got != want {
				t.Errorf("X-Total-Count = %s, want %s", got, want)
			}
		})
	}
}

func fmtIDs(ids []int64) string {
	var b strings.Builder
	for _, id := range ids {
		b.WriteString(strconv.FormatInt(id, 10) + " ")
	}
	return b.String()
}

var nextLink = regexp.MustCompile(`^<([^>]+)>; rel="next"$`)

func TestListTicketsPaging(t *testing.T) {
	s := newTestServer(t)
	const n = 7
	for i := 0; i < n; i++ {
		s.createTicket(t, map[string]any{"subject": "Ticket " + strconv.Itoa(i)})
	}
	for _, sort := range []string{"-createdAt", "createdAt", "-updatedAt", "updatedAt"} {
		t.Run(sort, func(t *testing.T) {
			path := "/api/support-tickets?limit=3&sort=" + sort
			seen := map[int64]bool{}
			pages := 0
			for path != "" {
				pages++
				r := s.do(t, "GET", path, "", nil, bearer(s.AgentKey)...)
				if r.StatusCode != 200 {
					t.Fatalf("status %d: %s", r.StatusCode, r.Body)
				}
				if got := r.Header.Get("X-Total-Count"); got != strconv.Itoa(n) {
					t.Errorf("X-Total-Count = %s on page %d", got, pages)
				}
				var got []created
				r.JSON(t, &got)
				for _, tk := range got {
					if seen[tk.ID] {
						t.Errorf("ticket %d on two pages", tk.ID)
					}
					seen[tk.ID] = true
				}
				path = ""
				if link := r.Header.Get("Link"); link != "" {
					m := nextLink.FindStringSubmatch(link)
					if m == nil {
						t.Fatalf("Link = %q", link)
					}
					path = m[1]
					if !strings.Contains(path, "sort="+url.QueryEscape(sort)) && !strings.Contains(path, "sort="+sort) {
						t.Errorf("next link %q lost the sort", path)
					}
				}
			}
			if len(seen) != n || pages != 3 {
				t.Errorf("saw %d tickets in %d pages, want %d in 3", len(seen), pages, n)
			}
		})
	}
}

func TestListTicketsBadQuery(t *testing.T) {
	s := newTestServer(t)
	s.createTicket(t, nil)
	r := s.do(t, "GET", "/api/support-tickets?limit=1&sort=createdAt", "", nil, bearer(s.AgentKey)...)
	s.createTicket(t, nil)
	r = s.do(t, "GET", "/api/support-tickets?limit=1&sort=createdAt", "", nil, bearer(s.AgentKey)...)
	m := nextLink.FindStringSubmatch(r.Header.Get("Link"))
	if m == nil {
		t.Fatalf("no next link: %q", r.Header.Get("Link"))
	}
	u, _ := url.Parse(m[1])
	cursor := u.Query().Get("cursor")
	tests := []struct{ name, query, field string }{
		{"ErrStatus", "status=open,done", "status"},
		{"ErrLimitZero", "limit=0", "limit"},
		{"ErrLimitHigh", "limit=201", "limit"},
		{"ErrLimitNotNumber", "limit=ten", "limit"},
		{"ErrSort", "sort=priority", "sort"},
		{"ErrCursor", "cursor=bm9wZQ", "cursor"},
		{"ErrCursorOtherSort", "cursor=" + cursor + "&sort=-createdAt", "cursor"},
		{"ErrCategory", "category=Quejas", "category"},
		{"ErrRole", "roleContext=host", "roleContext"},
		{"ErrRepeated", "status=open&status=closed", "status"},
		{"ErrQueryTooLong", "q=" + strings.Repeat("a", 201), "q"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := s.do(t, "GET", "/api/support-tickets?"+tc.query, "", nil, bearer(s.AgentKey)...)
			if r.StatusCode != http.StatusBadRequest {
				t.Fatalf("status = %d, want 400: %s", r.StatusCode, r.Body)
			}
			p := r.Problem(t)
			if len(p.Errors) == 0 || p.Errors[0].Field != tc.field {
				t.Errorf("errors = %v, want field %q", p.Errors, tc.field)
			}
		})
	}
	t.Run("ErrRequesterMayNotList", func(t *testing.T) {
		c := s.createTicket(t, nil)
		r := s.do(t, "GET", "/api/support-tickets", "", nil, bearer(c.AccessToken)...)
		if r.StatusCode != http.StatusForbidden {
			t.Fatalf("status = %d, want 403", r.StatusCode)
		}
	})
	t.Run("ErrAnonymousMayNotList", func(t *testing.T) {
		r := s.do(t, "GET", "/api/support-tickets", "application/json", nil)
		if r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("status = %d, want 401", r.StatusCode)
		}
	})
}
