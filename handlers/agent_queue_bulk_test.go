package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
)

// queueBulkForm is the bulk form's post: the tickets, the change, the way back.
func queueBulkForm(back string, ids []int64, fields ...string) url.Values {
	v := url.Values{"back": {back}}
	for _, id := range ids {
		v.Add("ids", strconv.FormatInt(id, 10))
	}
	for i := 0; i+1 < len(fields); i += 2 {
		v.Set(fields[i], fields[i+1])
	}
	return v
}

// A bulk change applies to every ticket the workflow allows, refuses the
// rest one by one, and returns to the same view with a summary naming
// each refusal, shown once.
func TestQueueBulk(t *testing.T) {
	s := newTestServer(t)
	me := s.signIn(t, db.RoleAgent)
	fresh1 := s.queueTicket(t, queueSeed{Subject: "First", Status: "created"})
	fresh2 := s.queueTicket(t, queueSeed{Subject: "Second", Status: "created"})
	closed := s.queueTicket(t, queueSeed{Subject: "Done and dusted", Status: "closed"})
	back := "/agent?category=General+Inquiry&sort=createdAt"

	t.Run("PartialFailure", func(t *testing.T) {
		r := me.postForm(t, "/agent/bulk", queueBulkForm(back, []int64{fresh1, closed, fresh2}, "status", "open"))
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("status %d, want 303: %.300s", r.StatusCode, r.Body)
		}
		loc := r.Header.Get("Location")
		if got, _ := url.Parse(loc); got.Path != "/agent" || got.Query().Get("category") != "General Inquiry" || got.Query().Get("sort") != "createdAt" {
			t.Fatalf("back to %q, want the same view %q", loc, back)
		}
		for id, want := range map[int64]db.Status{fresh1: db.StatusOpen, fresh2: db.StatusOpen, closed: db.StatusClosed} {
			if got := s.queueStatus(t, id).Status; got != want {
				t.Errorf("ticket %d is %s, want %s", id, got, want)
			}
		}
		d := me.queuePage(t, loc)
		if got := text(one(t, d, `[data-testid="queue-done"]`)); got != "2 tickets updated." {
			t.Errorf("summary %q", got)
		}
		refused := one(t, d, `[data-testid="queue-refused"]`)
		if got, want := text(refused), "#"+strconv.FormatInt(closed, 10)+": cannot move from Closed to Open"; got != want {
			t.Errorf("refusals %q, want %q", got, want)
		}
		again := me.queuePage(t, loc)
		if n := again.Find(`[data-testid="queue-done"], [data-testid="queue-refused"]`).Length(); n != 0 {
			t.Errorf("the summary shows again on the next load")
		}
	})

	t.Run("AssignToMe", func(t *testing.T) {
		r := me.postForm(t, "/agent/bulk", queueBulkForm("/agent", []int64{fresh1, closed}, "assigneeId", strconv.FormatInt(me.User.ID, 10)))
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/agent" {
			t.Fatalf("status %d to %q", r.StatusCode, r.Header.Get("Location"))
		}
		if got := s.queueStatus(t, fresh1).AssigneeID; got == nil || *got != me.User.ID {
			t.Errorf("ticket %d assigned to %v, want %d", fresh1, got, me.User.ID)
		}
		if got := s.queueStatus(t, closed).AssigneeID; got != nil {
			t.Errorf("closed ticket assigned to %d", *got)
		}
		d := me.queuePage(t, "/agent?lang=es")
		// The summary is put into words by the page that shows it.
		if got, want := text(one(t, d, `[data-testid="queue-refused"]`)), "n.º "+strconv.FormatInt(closed, 10)+": un ticket cerrado no se puede cambiar"; got != want {
			t.Errorf("refusal %q, want %q", got, want)
		}
		if got := text(one(t, d, `[data-testid="queue-done"]`)); got != "1 ticket actualizado." {
			t.Errorf("summary %q", got)
		}
		d = me.queuePage(t, "/agent?assignee=me&lang=en")
		if got := queueIDs(t, d); !queueSameIDs(got, []int64{fresh1}) {
			t.Errorf("my tickets %v, want %d", got, fresh1)
		}
	})

	t.Run("Unassign", func(t *testing.T) {
		me.postForm(t, "/agent/bulk", queueBulkForm("/agent", []int64{fresh1}, "assigneeId", "0"))
		if got := s.queueStatus(t, fresh1).AssigneeID; got != nil {
			t.Errorf("still assigned to %d", *got)
		}
	})

	invalid := []struct {
		name   string
		form   url.Values
		errors []string
	}{
		{"ErrNothingSelected", queueBulkForm(back, nil, "status", "resolved"), []string{"Select at least one ticket."}},
		{"ErrNoChange", queueBulkForm(back, []int64{fresh2}), []string{"Choose a new status or who to assign them to."}},
		{"ErrStatus", queueBulkForm(back, []int64{fresh2}, "status", "done"), []string{"Choose a status from the list."}},
		{"ErrAssignee", queueBulkForm(back, []int64{fresh2}, "assigneeId", "9999"), []string{"Choose an active agent from the list."}},
		{"ErrCloseUnconfirmed", queueBulkForm(back, []int64{fresh2}, "status", "closed"), []string{"Closing is final"}},
		{"ErrCloseConfirmedOtherwise", queueBulkForm(back, []int64{fresh2}, "status", "closed", "confirm", "yes"), []string{"Closing is final"}},
	}
	for _, tc := range invalid {
		t.Run(tc.name, func(t *testing.T) {
			r := me.postForm(t, "/agent/bulk", tc.form)
			if r.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", r.StatusCode)
			}
			d := html(t, r)
			summary := text(one(t, d, `[data-testid="error-summary"]`))
			for _, e := range tc.errors {
				if !strings.Contains(summary, e) {
					t.Errorf("errors %q lack %q", summary, e)
				}
			}
			// The form comes back as sent: the view, the selection.
			for _, id := range tc.form["ids"] {
				if _, ok := d.Find(`input[name="ids"][value="` + id + `"]`).Attr("checked"); !ok {
					t.Errorf("ticket %s is no longer selected", id)
				}
			}
			if got := one(t, d, `input[name="back"]`).AttrOr("value", ""); got != back {
				t.Errorf("back is %q, want %q", got, back)
			}
			if got := s.queueStatus(t, fresh2).Status; got != db.StatusOpen {
				t.Errorf("ticket changed to %s by a refused form", got)
			}
		})
	}

	t.Run("FormOffersTheConfirmation", func(t *testing.T) {
		box := one(t, html(t, me.get(t, "/agent")), `form[data-testid="bulk-form"] input[type="checkbox"][name="confirm"]`)
		if v, _ := box.Attr("value"); v != "closed" {
			t.Fatalf("the bulk form's confirmation sends %q, want closed", v)
		}
	})
	t.Run("CloseConfirmed", func(t *testing.T) {
		r := me.postForm(t, "/agent/bulk", queueBulkForm("/agent", []int64{fresh1}, "status", "closed", "confirm", "closed"))
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("status %d, want 303: %.300s", r.StatusCode, r.Body)
		}
		if got := s.queueStatus(t, fresh1).Status; got != db.StatusClosed {
			t.Fatalf("ticket is %s, want closed", got)
		}
	})

	t.Run("BackStaysInTheQueue", func(t *testing.T) {
		for _, evil := range []string{"https://evil.example/agent", "//evil.example/agent", "/agent/settings", "/track/x"} {
			r := me.postForm(t, "/agent/bulk", queueBulkForm(evil, []int64{fresh2}, "status", "in_progress"))
			if loc := r.Header.Get("Location"); loc != "/agent" {
				t.Errorf("back %q sent to %q, want /agent", evil, loc)
			}
		}
	})
}

// A bulk post without the form's token changes nothing.
func TestQueueBulkCSRF(t *testing.T) {
	s := newTestServer(t)
	me := s.signIn(t, db.RoleAgent)
	id := s.queueTicket(t, queueSeed{Subject: "Keep me open"})
	tests := []struct {
		name    string
		token   string
		headers []string
	}{
		{"ErrMissing", "", nil},
		{"ErrWrong", strings.Repeat("x", 43), nil},
		{"ErrCrossSite", "", []string{"Sec-Fetch-Site", "cross-site"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			form := queueBulkForm("/agent", []int64{id}, "status", "closed", "confirm", "closed", "assigneeId", strconv.FormatInt(me.User.ID, 10))
			token := tc.token
			if token == "" && tc.headers != nil {
				token = me.csrf(t) // the right token, from the wrong site
			}
			form.Set(web.CSRFField, token)
			r := me.do(t, "POST", "/agent/bulk", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()), tc.headers...)
			if r.StatusCode != http.StatusForbidden {
				t.Fatalf("status %d, want 403", r.StatusCode)
			}
			tk := s.queueStatus(t, id)
			if tk.Status != db.StatusOpen || tk.AssigneeID != nil {
				t.Fatalf("ticket changed: %s, assignee %v", tk.Status, tk.AssigneeID)
			}
		})
	}
}
