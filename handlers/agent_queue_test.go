package handlers

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/kinconecta/helpdesk/db"
)

// Each filter narrows the list to exactly the tickets it describes, alone
// and combined, and the form shows the view it is on.
func TestQueueFilters(t *testing.T) {
	s := newTestServer(t)
	me := s.signIn(t, db.RoleAgent)
	other, err := s.DB.CreateUser(t.Context(), db.NewUser{Email: "other@kinconecta.com", Name: "Other Agent", Role: db.RoleAgent, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	refund := s.queueTicket(t, queueSeed{Subject: "Refund for a double charge", Category: "Billing"})
	payout := s.queueTicket(t, queueSeed{Subject: "Guide payout missing", Category: "Billing", Role: "guide", Status: "in_progress", Priority: "high", Assignee: me.User.ID})
	login := s.queueTicket(t, queueSeed{Subject: "Cannot sign in", Category: "Account", Role: "guest", Status: "created", Priority: "urgent"})
	moved := s.queueTicket(t, queueSeed{Subject: "Tour moved to Friday", Category: "Booking", Status: "resolved", Priority: "low", Assignee: other.ID})
	verify := s.queueTicket(t, queueSeed{Subject: "Verify my guide profile", Category: "Guide Verification", Role: "guide"})
	closed := s.queueTicket(t, queueSeed{Subject: "Old question", Status: "closed"})
	all := []int64{refund, payout, login, moved, verify, closed}

	tests := []struct {
		name  string
		query string
		want  []int64
	}{
		{"All", "", all},
		{"Status", "status=open", []int64{refund, verify}},
		{"Category", "category=Billing", []int64{refund, payout}},
		{"CategoryAlias", "category=PAGOS_FACTURACION", []int64{refund, payout}},
		{"Role", "roleContext=guide", []int64{payout, verify}},
		{"Priority", "priority=urgent", []int64{login}},
		{"AssignedToMe", "assignee=me", []int64{payout}},
		{"Unassigned", "assignee=unassigned", []int64{refund, login, verify, closed}},
		{"Search", "q=payout", []int64{payout}},
		{"StatusAndCategory", "status=open&category=Billing", []int64{refund}},
		{"Everything", "status=in_progress&category=Billing&roleContext=guide&priority=high&assignee=me&q=guide", []int64{payout}},
		{"EmptyFormFields", "q=&status=&category=&roleContext=&priority=&assignee=&sort=", all},
		{"NothingMatches", "status=closed&category=Billing", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := me.queuePage(t, "/agent?"+tc.query)
			if got := queueIDs(t, d); !queueSameIDs(got, tc.want) {
				t.Fatalf("rows %v, want %v", got, tc.want)
			}
			if len(tc.want) == 0 && d.Find(`[data-testid="queue-empty"]`).Length() != 1 {
				t.Fatalf("an empty view says nothing about being empty")
			}
			q, _ := url.ParseQuery(tc.query)
			for name, sel := range map[string]string{"status": "#filter-status", "roleContext": "#filter-role", "priority": "#filter-priority", "assignee": "#filter-assignee"} {
				// No option marked selected shows the first, "any" ("").
				if got, want := d.Find(sel+" option[selected]").AttrOr("value", ""), q.Get(name); got != want {
					t.Errorf("%s shows %q selected, want %q", sel, got, want)
				}
			}
			if got, want := one(t, d, "#q").AttrOr("value", ""), q.Get("q"); got != want {
				t.Errorf("search box holds %q, want %q", got, want)
			}
		})
	}

	t.Run("CategoryShownByCanonicalName", func(t *testing.T) {
		d := me.queuePage(t, "/agent?category=pagos_facturacion")
		if got := one(t, d, "#filter-category option[selected]").AttrOr("value", ""); got != "Billing" {
			t.Fatalf("category select shows %q, want Billing", got)
		}
	})
	t.Run("ViewsCountAndMarkTheCurrent", func(t *testing.T) {
		d := me.queuePage(t, "/agent?status=created,open,in_progress&assignee=me")
		for key, want := range map[string]string{"mine": "1", "unassigned": "3", "open": "4", "closed": "1", "all": "6"} {
			if got := text(one(t, d, "#view-count-"+key)); got != want {
				t.Errorf("view %s counts %q, want %s", key, got, want)
			}
		}
		if got := one(t, d, `[data-testid="views"] a[aria-current="page"]`).AttrOr("data-view", ""); got != "mine" {
			t.Fatalf("current view is %q, want mine", got)
		}
		if got := text(one(t, d, "h1")); got != "Mine" {
			t.Errorf("heading %q, want the view's name", got)
		}
		link := one(t, d, `[data-testid="views"] a[data-view="unassigned"]`).AttrOr("href", "")
		if u, _ := url.Parse(link); u.Query().Get("assignee") != "unassigned" || u.Query().Get("status") != "created,open,in_progress" {
			t.Errorf("unassigned view links to %q", link)
		}
	})
	t.Run("RowShowsTheTicket", func(t *testing.T) {
		d := me.queuePage(t, "/agent?q=payout")
		row := one(t, d, `tr[data-testid="queue-row"]`)
		if got := one(t, d, `[data-testid="queue-requester"]`).AttrOr("title", ""); got != "Ana Martínez · Guide" {
			t.Errorf("requester's title %q, want the name and role", got)
		}
		for _, want := range []string{"#" + strconv.FormatInt(payout, 10), "Guide payout missing", "Ana Martínez", "Billing", "In progress", "High", me.User.Name} {
			if !strings.Contains(text(row), want) {
				t.Errorf("row %q lacks %q", text(row), want)
			}
		}
		if got := one(t, d, `a[data-testid="queue-subject"]`).AttrOr("href", ""); got != "/agent/tickets/"+strconv.FormatInt(payout, 10) {
			t.Errorf("subject links to %q", got)
		}
	})

	bad := []struct{ name, query string }{
		{"ErrPriority", "priority=whenever"},
		{"ErrAssignee", "assignee=bob"},
		{"ErrCategory", "category=Nope"},
		{"ErrStatus", "status=pending"},
		{"ErrCursor", "cursor=not-a-cursor"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			// The queue without that filter, saying it was left out.
			r := me.get(t, "/agent?"+tc.query)
			if r.StatusCode != http.StatusOK {
				t.Fatalf("status %d, want 200", r.StatusCode)
			}
			one(t, html(t, r), `[data-testid="queue-filter-problems"]`)
		})
	}
}

// The queue speaks the reader's language: labels, statuses, categories.
func TestQueueSpanish(t *testing.T) {
	s := newTestServer(t)
	me := s.signIn(t, db.RoleAgent)
	s.queueTicket(t, queueSeed{Subject: "Cobro doble", Category: "Billing"})
	d := me.queuePage(t, "/agent", "Accept-Language", "es-MX")
	row := text(one(t, d, `tr[data-testid="queue-row"]`))
	for _, want := range []string{"Pagos y facturación", "Abierto", "n.º"} {
		if !strings.Contains(row, want) {
			t.Errorf("row %q lacks %q", row, want)
		}
	}
	if got := text(one(t, d, "h1")); got != "Todos los tickets" {
		t.Errorf("heading %q", got)
	}
}

// A search shows the matching passage with the words marked, and every
// bit of what the requester typed stays text.
func TestQueueSearchSnippet(t *testing.T) {
	s := newTestServer(t)
	me := s.signIn(t, db.RoleAgent)
	subject := `<script>alert("pwned")</script> Refund please`
	id := s.queueTicket(t, queueSeed{Subject: subject, Message: "I want a refund for the tour <b>now</b> & today."})
	s.queueTicket(t, queueSeed{Subject: "Unrelated question", Message: "Where do we meet?"})

	r := me.get(t, "/agent?q=refund")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("status %d", r.StatusCode)
	}
	d := html(t, r)
	if got := queueIDs(t, d); !queueSameIDs(got, []int64{id}) {
		t.Fatalf("rows %v, want only %d", got, id)
	}
	marks := d.Find(`[data-testid="queue-snippet"] mark`)
	if marks.Length() == 0 {
		t.Fatalf("snippet %q has no <mark>", text(d.Find(`[data-testid="queue-snippet"]`)))
	}
	for i := range marks.Length() {
		if got := strings.ToLower(text(marks.Eq(i))); got != "refund" {
			t.Errorf("marked %q, want refund", got)
		}
	}
	if got := text(one(t, d, `a[data-testid="queue-subject"]`)); got != subject {
		t.Errorf("subject shows as %q, want the text %q", got, subject)
	}
	body := string(r.Body)
	for _, raw := range []string{"<script>alert", "<b>now</b>", "\x02", "\x03"} {
		if strings.Contains(body, raw) {
			t.Errorf("page contains %q unescaped", raw)
		}
	}
	if !strings.Contains(body, "&lt;script&gt;alert") {
		t.Errorf("page does not show the subject's markup as text")
	}
}

// Following "next page" links walks every ticket of the view once, in
// the view's order, whatever the sort.
func TestQueuePaging(t *testing.T) {
	s := newTestServer(t)
	me := s.signIn(t, db.RoleAgent)
	var ids []int64
	for i := range 7 {
		ids = append(ids, s.queueTicket(t, queueSeed{Subject: "Ticket " + strconv.Itoa(i), Category: "Booking"}))
	}
	// Touch some tickets so update order differs from creation order.
	for _, i := range []int{4, 1, 5} {
		s.setStatus(t, ids[i], "in_progress")
	}
	s.queueTicket(t, queueSeed{Subject: "Elsewhere", Category: "Billing"}) // outside the view
	booking, err := s.DB.FindCategory(t.Context(), "Booking")
	if err != nil {
		t.Fatal(err)
	}

	for _, sort := range []string{"", db.SortCreatedAsc, db.SortUpdatedDesc, db.SortUpdatedAsc} {
		t.Run("Sort"+sort, func(t *testing.T) {
			want, err := s.DB.ListTickets(t.Context(), db.TicketFilter{CategoryID: booking.ID, Sort: sort, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			var order []int64
			for _, tk := range want.Tickets {
				order = append(order, tk.ID)
			}
			if len(order) != len(ids) {
				t.Fatalf("the view holds %d tickets, want %d", len(order), len(ids))
			}
			path := "/agent?category=Booking&limit=3"
			if sort != "" {
				path += "&sort=" + url.QueryEscape(sort)
			}
			var got []int64
			for pages := 0; path != ""; pages++ {
				if pages > 5 {
					t.Fatalf("more pages than tickets")
				}
				d := me.queuePage(t, path)
				got = append(got, queueIDs(t, d)...)
				if pages > 0 && d.Find(`[data-testid="first-page"]`).Length() != 1 {
					t.Errorf("page %d has no link back to the first", pages+1)
				}
				path = d.Find(`a[data-testid="next-page"]`).AttrOr("href", "")
			}
			if !slices.Equal(got, order) {
				t.Fatalf("walked %v, want %v", got, order)
			}
		})
	}
}

// Only agents see the queue: anonymous people are sent to sign in,
// requesters are refused, and neither can change anything.
func TestQueueAccess(t *testing.T) {
	s := newTestServer(t)
	c := s.createTicket(t, nil)
	anon := s.newBrowser(t)
	tests := []struct {
		name, method, path string
		headers            []string
		want               int
	}{
		{"AnonymousQueue", "GET", "/agent?status=open", nil, http.StatusSeeOther},
		{"AnonymousPoll", "GET", "/agent/queue/poll?checked=0", nil, http.StatusSeeOther},
		{"AnonymousBulk", "POST", "/agent/bulk", nil, http.StatusSeeOther},
		{"AnonymousReports", "GET", "/agent/reports", nil, http.StatusSeeOther},
		{"RequesterQueue", "GET", "/agent", bearer(c.AccessToken), http.StatusForbidden},
		{"RequesterPoll", "GET", "/agent/queue/poll?checked=0", bearer(c.AccessToken), http.StatusForbidden},
		{"RequesterBulk", "POST", "/agent/bulk", bearer(c.AccessToken), http.StatusForbidden},
		{"RequesterReports", "GET", "/agent/reports", bearer(c.AccessToken), http.StatusForbidden},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var body *strings.Reader
			ct := ""
			if tc.method == "POST" {
				ct = "application/x-www-form-urlencoded"
				body = strings.NewReader(url.Values{"ids": {strconv.FormatInt(c.ID, 10)}, "status": {"closed"}, "csrf": {anon.csrf(t)}}.Encode())
			} else {
				body = strings.NewReader("")
			}
			r := anon.do(t, tc.method, tc.path, ct, body, tc.headers...)
			if r.StatusCode != tc.want {
				t.Fatalf("status %d, want %d", r.StatusCode, tc.want)
			}
			if tc.want == http.StatusSeeOther {
				if loc := r.Header.Get("Location"); !strings.HasPrefix(loc, "/agent/login?next=") {
					t.Fatalf("sent to %q, want the sign-in page", loc)
				}
			}
		})
	}
	if got := s.queueStatus(t, c.ID).Status; got != db.StatusOpen {
		t.Fatalf("ticket is %s after refused changes, want open", got)
	}
}
