package handlers

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/i18n"
)

func TestAgentTicketStatusChange(t *testing.T) {
	tests := []struct {
		name    string
		path    []string // moves made before the post
		to      string
		forge   bool
		status  int
		want    db.Status // the ticket's status afterwards
		problem string    // part of the refusal's message
	}{
		{"OKStart", nil, "in_progress", false, 303, db.StatusInProgress, ""},
		{"OKSkip", nil, "resolved", false, 303, db.StatusResolved, ""},
		{"OKReopen", []string{"resolved"}, "open", false, 303, db.StatusOpen, ""},
		{"OKClose", []string{"resolved"}, "closed", false, 303, db.StatusClosed, ""},
		{"OKCaseInsensitive", nil, "In Progress", false, 303, db.StatusInProgress, ""},
		{"OKPressedTwice", []string{"in_progress"}, "in_progress", false, 303, db.StatusInProgress, ""},
		{"ErrBackwards", []string{"in_progress"}, "created", false, 409, db.StatusInProgress, "can only move to: Resolved, Closed"},
		{"ErrClosedIsFinal", []string{"closed"}, "open", false, 409, db.StatusClosed, "closed is final"},
		{"ErrUnknownStatus", nil, "sideways", false, 422, db.StatusOpen, "status buttons"},
		{"ErrCSRF", nil, "in_progress", true, 403, db.StatusOpen, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestServer(t)
			c := s.createTicket(t, nil)
			for _, st := range tc.path {
				s.setStatus(t, c.ID, st)
			}
			before, _ := s.DB.Events(t.Context(), c.ID)
			b := s.signIn(t, db.RoleAgent)
			form := url.Values{"status": {tc.to}}
			if tc.to == "closed" {
				form.Set("confirm", "closed") // the close form's second step (TestAgentTicketCloseConfirm)
			}
			if tc.forge {
				form.Set("csrf", "forged")
			}
			r := b.postForm(t, ticketPath(c.ID, "status"), form)
			if r.StatusCode != tc.status {
				t.Fatalf("status %d, want %d; body %.300s", r.StatusCode, tc.status, r.Body)
			}
			tk, _ := s.DB.Ticket(t.Context(), c.ID, true)
			if tk.Status != tc.want {
				t.Fatalf("ticket is %s, want %s", tk.Status, tc.want)
			}
			after, _ := s.DB.Events(t.Context(), c.ID)
			changed := tc.status == http.StatusSeeOther && tc.name != "OKPressedTwice"
			if got, want := len(after)-len(before), map[bool]int{true: 1, false: 0}[changed]; got != want {
				t.Fatalf("%d events recorded, want %d", got, want)
			}
			if tc.problem != "" {
				if got := text(one(t, html(t, r), `[data-testid="ticket-problem"]`)); !strings.Contains(got, tc.problem) {
					t.Fatalf("problem %q, want it to say %q", got, tc.problem)
				}
			}
			if !changed {
				return
			}
			seeOther(t, r, c.ID)
			last := after[len(after)-1]
			if last.ActorType != "agent" || last.ActorName != b.User.Name || last.Field != "status" || last.To != string(tc.want) {
				t.Fatalf("event %+v, want %s's status change", last, b.User.Name)
			}
			d := b.workspace(t, c.ID)
			label := i18n.Lang("en").T("status." + string(tc.want))
			if got, want := text(one(t, d, `[data-testid="ticket-notice"]`)), "The status is now "+label+"."; got != want {
				t.Fatalf("notice %q, want %q", got, want)
			}
			history := texts(d, `[data-testid="event"] p`)
			if want := b.User.Name + " changed the status from " + i18n.Lang("en").T("status."+last.From) + " to " + label; history[len(history)-1] != want {
				t.Fatalf("history ends %q, want %q", history[len(history)-1], want)
			}
		})
	}
}

// Closing is final, so the workspace asks twice: "Close…" opens a
// disclosure that says what closing means, whose own form carries the
// confirmation; a close without it is refused with the confirmation open.
func TestAgentTicketCloseConfirm(t *testing.T) {
	t.Run("OfferedBehindASecondStep", func(t *testing.T) {
		s := newTestServer(t)
		c := s.createTicket(t, nil)
		b := s.signIn(t, db.RoleAgent)
		d := b.workspace(t, c.ID)
		confirm := one(t, d, `details[data-testid="close-confirm"]`)
		if _, open := confirm.Attr("open"); open {
			t.Fatal("the close confirmation is open before anyone asked to close")
		}
		if got := text(one(t, d, `details[data-testid="close-confirm"] > summary[data-testid="move"][data-status="closed"]`)); got != "Close…" {
			t.Errorf("the close step reads %q", got)
		}
		if got := text(confirm.Find("p")); !strings.Contains(got, "the requester can no longer reply") {
			t.Errorf("the confirmation says %q, want what closing means", got)
		}
		form := one(t, d, `details[data-testid="close-confirm"] form`)
		if got := form.Find(`input[name="confirm"]`).AttrOr("value", ""); got != "closed" {
			t.Errorf("the close form's confirm is %q", got)
		}
		if got := text(form.Find(`button[data-testid="confirm-close"]`)); got != "Close for good" {
			t.Errorf("the close button reads %q", got)
		}
		// No form outside the confirmation closes in one press.
		d.Find(`form input[name="status"][value="closed"]`).Each(func(_ int, in *goquery.Selection) {
			if in.Closest(`details[data-testid="close-confirm"]`).Length() == 0 {
				t.Error("a status form outside the confirmation closes the ticket")
			}
		})
	})
	tests := []struct {
		name    string
		confirm []string // the form's confirm values
		lang    string
		status  int
		want    db.Status
		problem string
	}{
		{"ErrUnconfirmed", nil, "en", 422, db.StatusOpen, "The ticket was not closed: closing is final"},
		{"ErrUnconfirmedES", nil, "es", 422, db.StatusOpen, "No se ha cerrado el ticket: cerrar es definitivo"},
		{"ErrConfirmedOtherwise", []string{"yes"}, "en", 422, db.StatusOpen, "closing is final"},
		{"OK", []string{"closed"}, "en", 303, db.StatusClosed, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestServer(t)
			c := s.createTicket(t, nil)
			b := s.signIn(t, db.RoleAgent)
			b.get(t, "/agent?lang="+tc.lang)
			before, _ := s.DB.Events(t.Context(), c.ID)
			r := b.postForm(t, ticketPath(c.ID, "status"), url.Values{"status": {"closed"}, "confirm": tc.confirm})
			if r.StatusCode != tc.status {
				t.Fatalf("status %d, want %d; body %.300s", r.StatusCode, tc.status, r.Body)
			}
			tk, _ := s.DB.Ticket(t.Context(), c.ID, true)
			if tk.Status != tc.want {
				t.Fatalf("ticket is %s, want %s", tk.Status, tc.want)
			}
			if tc.status == http.StatusSeeOther {
				seeOther(t, r, c.ID)
				if got := text(one(t, b.workspace(t, c.ID), `[data-testid="ticket-notice"]`)); got != "The status is now Closed." {
					t.Fatalf("notice %q", got)
				}
				return
			}
			if after, _ := s.DB.Events(t.Context(), c.ID); len(after) != len(before) {
				t.Fatalf("a refused close recorded %d events", len(after)-len(before))
			}
			d := html(t, r)
			if got := text(one(t, d, `[data-testid="ticket-problem"]`)); !strings.Contains(got, tc.problem) {
				t.Fatalf("problem %q, want it to say %q", got, tc.problem)
			}
			if _, open := one(t, d, `details[data-testid="close-confirm"]`).Attr("open"); !open {
				t.Fatal("the refusal does not show the confirmation open")
			}
		})
	}
}

// A refused form sent without a script is shown at the address it posted
// to; asking for that address again (a reload, the back button) leads
// back to the workspace, never to a 405.
func TestAgentTicketFormAddresses(t *testing.T) {
	s := newTestServer(t)
	c := s.createTicket(t, nil)
	b := s.signIn(t, db.RoleAgent)
	r := b.compose(t, c.ID, b.csrf(t), "", "  ")
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("compose without a body: %d, want 422", r.StatusCode)
	}
	tests := []struct{ sub, want string }{
		{"messages", ticketPath(c.ID) + "#compose"},
		{"status", ticketPath(c.ID)},
		{"details", ticketPath(c.ID)},
	}
	for _, tc := range tests {
		t.Run(tc.sub, func(t *testing.T) {
			r := b.get(t, ticketPath(c.ID, tc.sub))
			if r.StatusCode != http.StatusSeeOther {
				t.Fatalf("GET %s: %d, want 303", ticketPath(c.ID, tc.sub), r.StatusCode)
			}
			if got := r.Header.Get("Location"); got != tc.want {
				t.Fatalf("Location %q, want %q", got, tc.want)
			}
			if r := b.get(t, ticketPath(c.ID+1000, tc.sub)); r.StatusCode != http.StatusNotFound {
				t.Fatalf("another ticket's %s: %d, want 404", tc.sub, r.StatusCode)
			}
		})
	}
}

func TestAgentTicketDetails(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(t *testing.T, s *testServer, id int64, me db.User) url.Values
		status int
		check  func(t *testing.T, tk db.Ticket, me db.User)
		events []string // the fields changed, in order
		errAt  string   // the field a 422 puts its message beside
	}{
		{"OKAssignToMe", func(t *testing.T, s *testServer, id int64, me db.User) url.Values {
			return url.Values{"assigneeId": {itoaID(me.ID)}}
		}, 303, func(t *testing.T, tk db.Ticket, me db.User) {
			if tk.AssigneeID == nil || *tk.AssigneeID != me.ID {
				t.Fatalf("assignee %v, want %d", tk.AssigneeID, me.ID)
			}
		}, []string{"assignee"}, ""},
		{"OKPriorityAndCategory", func(t *testing.T, s *testServer, id int64, me db.User) url.Values {
			return url.Values{"assigneeId": {"0"}, "priority": {"urgent"}, "category": {"Billing"}}
		}, 303, func(t *testing.T, tk db.Ticket, me db.User) {
			if tk.Priority != "urgent" || tk.Category != "Billing" || tk.AssigneeID != nil {
				t.Fatalf("ticket %s %s %v", tk.Priority, tk.Category, tk.AssigneeID)
			}
		}, []string{"category", "priority"}, ""},
		{"OKUnassign", func(t *testing.T, s *testServer, id int64, me db.User) url.Values {
			assign(t, s, id, me.ID)
			return url.Values{"assigneeId": {"0"}, "priority": {"normal"}, "category": {"General Inquiry"}}
		}, 303, func(t *testing.T, tk db.Ticket, me db.User) {
			if tk.AssigneeID != nil {
				t.Fatalf("assignee %d, want nobody", *tk.AssigneeID)
			}
		}, []string{"assignee"}, ""},
		{"OKRetiredCategoryKept", func(t *testing.T, s *testServer, id int64, me db.User) url.Values {
			retire(t, s, "General Inquiry")
			return url.Values{"assigneeId": {"0"}, "priority": {"high"}, "category": {"General Inquiry"}}
		}, 303, func(t *testing.T, tk db.Ticket, me db.User) {
			if tk.Priority != "high" || tk.Category != "General Inquiry" {
				t.Fatalf("ticket %s %s", tk.Priority, tk.Category)
			}
		}, []string{"priority"}, ""},
		{"ErrInactiveAgent", func(t *testing.T, s *testServer, id int64, me db.User) url.Values {
			u, err := s.DB.CreateUser(t.Context(), db.NewUser{Email: "gone@kinconecta.com", Name: "Gone", Role: db.RoleAgent, Password: "correct horse battery"})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.DB.UpdateUser(t.Context(), u.ID, db.RoleAgent, false); err != nil {
				t.Fatal(err)
			}
			return url.Values{"assigneeId": {itoaID(u.ID)}, "priority": {"urgent"}}
		}, 422, nil, nil, "assigneeId"},
		{"ErrRetiredCategoryChosen", func(t *testing.T, s *testServer, id int64, me db.User) url.Values {
			retire(t, s, "Billing")
			return url.Values{"category": {"Billing"}}
		}, 422, nil, nil, "category"},
		{"ErrUnknownPriority", func(t *testing.T, s *testServer, id int64, me db.User) url.Values {
			return url.Values{"priority": {"whenever"}}
		}, 422, nil, nil, "priority"},
		{"ErrClosed", func(t *testing.T, s *testServer, id int64, me db.User) url.Values {
			s.setStatus(t, id, "closed")
			return url.Values{"priority": {"urgent"}}
		}, 409, nil, nil, ""},
		{"ErrCSRF", func(t *testing.T, s *testServer, id int64, me db.User) url.Values {
			return url.Values{"csrf": {"forged"}, "priority": {"urgent"}}
		}, 403, nil, nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestServer(t)
			c := s.createTicket(t, nil)
			b := s.signIn(t, db.RoleAgent)
			form := tc.setup(t, s, c.ID, b.User)
			before, _ := s.DB.Events(t.Context(), c.ID)
			r := b.postForm(t, ticketPath(c.ID, "details"), form)
			if r.StatusCode != tc.status {
				t.Fatalf("status %d, want %d; body %.300s", r.StatusCode, tc.status, r.Body)
			}
			after, _ := s.DB.Events(t.Context(), c.ID)
			var fields []string
			for _, e := range after[len(before):] {
				if e.ActorName != b.User.Name {
					t.Errorf("event %+v not by %s", e, b.User.Name)
				}
				fields = append(fields, e.Field)
			}
			if !slices.Equal(fields, tc.events) {
				t.Fatalf("changed %v, want %v", fields, tc.events)
			}
			if tc.errAt != "" {
				d := html(t, r)
				if one(t, d, "#"+tc.errAt).AttrOr("aria-invalid", "") != "true" || d.Find("#"+tc.errAt+"-error").Length() != 1 {
					t.Fatalf("no message beside %s", tc.errAt)
				}
			}
			if tc.status == http.StatusConflict {
				if got := text(one(t, html(t, r), `[data-testid="ticket-problem"]`)); !strings.Contains(got, "closed is final") {
					t.Fatalf("problem %q", got)
				}
			}
			if tc.check == nil {
				return
			}
			seeOther(t, r, c.ID)
			tk, _ := s.DB.Ticket(t.Context(), c.ID, true)
			tc.check(t, tk, b.User)
		})
	}
}

// The details form tells the truth about a ticket whose category was
// retired or whose assignee's account was turned off, and offers "assign
// to me" only when the ticket is not the reader's already.
func TestAgentTicketDetailsForm(t *testing.T) {
	s := newTestServer(t)
	c := s.createTicket(t, nil)
	b := s.signIn(t, db.RoleAgent)
	gone, err := s.DB.CreateUser(t.Context(), db.NewUser{Email: "gone@kinconecta.com", Name: "Gone Agent", Role: db.RoleAgent, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	assign(t, s, c.ID, gone.ID)
	if err := s.DB.UpdateUser(t.Context(), gone.ID, db.RoleAgent, false); err != nil {
		t.Fatal(err)
	}
	retire(t, s, "General Inquiry")

	d := b.workspace(t, c.ID)
	if got := text(one(t, d, `#assigneeId option[selected]`)); got != "Gone Agent (account off)" {
		t.Fatalf("assignee shown as %q", got)
	}
	if got := text(one(t, d, `#category option[selected]`)); got != "General Inquiry (retired)" {
		t.Fatalf("category shown as %q", got)
	}
	if got := text(one(t, d, `#assigneeId option[value="`+itoaID(b.User.ID)+`"]`)); got != b.User.Name+" (me)" {
		t.Fatalf("own option %q", got)
	}
	if d.Find(`#category option[value="General Inquiry"]`).Length() != 1 {
		t.Fatal("the retired category is offered more than once")
	}
	one(t, d, `[data-testid="assign-me-form"]`)

	// Saving the form untouched changes nothing and refuses nothing.
	before, _ := s.DB.Events(t.Context(), c.ID)
	r := b.postForm(t, ticketPath(c.ID, "details"), url.Values{
		"assigneeId": {itoaID(gone.ID)}, "priority": {"normal"}, "category": {"General Inquiry"}})
	seeOther(t, r, c.ID)
	if after, _ := s.DB.Events(t.Context(), c.ID); len(after) != len(before) {
		t.Fatalf("an untouched form recorded %d events", len(after)-len(before))
	}

	seeOther(t, b.postForm(t, ticketPath(c.ID, "details"), url.Values{"assigneeId": {itoaID(b.User.ID)}}), c.ID)
	d = b.workspace(t, c.ID)
	if d.Find(`[data-testid="assign-me-form"]`).Length() != 0 {
		t.Fatal("offers to assign the ticket to the agent who has it")
	}
	history := texts(d, `[data-testid="event"] p`)
	if want := b.User.Name + " reassigned the ticket from Gone Agent to " + b.User.Name; history[len(history)-1] != want {
		t.Fatalf("history ends %q, want %q", history[len(history)-1], want)
	}
}

func itoaID(id int64) string { return strconv.FormatInt(id, 10) }

// assign gives the ticket to user as the test's support agent would.
func assign(t *testing.T, s *testServer, ticketID, user int64) {
	t.Helper()
	if _, err := s.DB.UpdateTicket(t.Context(), ticketID, db.TicketPatch{AssigneeID: &user}, supportAgent); err != nil {
		t.Fatal(err)
	}
}

// retire takes a category out of use.
func retire(t *testing.T, s *testServer, name string) {
	t.Helper()
	cat, err := s.DB.FindCategory(t.Context(), name)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DB.RetireCategory(t.Context(), cat.ID, true); err != nil {
		t.Fatal(err)
	}
}
