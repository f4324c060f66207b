package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/kinconecta/helpdesk/db"
)

// apiTicket fetches a ticket through the API with the agent key.
func (s *testServer) apiTicket(t *testing.T, id int64) db.Ticket {
	t.Helper()
	r := s.do(t, "GET", "/api/support-tickets/"+strconv.FormatInt(id, 10), "", nil, bearer(s.AgentKey)...)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("get ticket: %d %s", r.StatusCode, r.Body)
	}
	var tk db.Ticket
	r.JSON(t, &tk)
	return tk
}

func awaitingOf(tk db.Ticket) string {
	if tk.Awaiting == nil {
		return "null"
	}
	return *tk.Awaiting
}

// The conversation loop (CONTRACT §5): who is waiting follows the last
// public message, a requester's reply reopens a resolved ticket as the
// requester's change and reaches the assignee, internal notes change
// nothing, and a closed ticket waits on nobody.
func TestConversationLoop(t *testing.T) {
	s := newTestServer(t)
	assignee, err := s.DB.CreateUser(t.Context(), db.NewUser{Email: "lucia@kinconecta.com", Name: "Lucía", Role: db.RoleAgent, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	c := s.createTicket(t, nil)
	base := "/api/support-tickets/" + strconv.FormatInt(c.ID, 10)
	tk := s.apiTicket(t, c.ID)
	if awaitingOf(tk) != db.AwaitingAgent || !tk.LastMessageAt.Equal(tk.CreatedAt.Time) {
		t.Fatalf("new ticket: awaiting %s, lastMessageAt %v (created %v)", awaitingOf(tk), tk.LastMessageAt, tk.CreatedAt)
	}
	if r := s.do(t, "PATCH", base, "application/json", strings.NewReader(`{"assigneeId":`+strconv.FormatInt(assignee.ID, 10)+`}`), bearer(s.AgentKey)...); r.StatusCode != http.StatusOK {
		t.Fatalf("assign: %d %s", r.StatusCode, r.Body)
	}

	post := func(body string, internal bool, who string) {
		t.Helper()
		in := `{"body":"` + body + `","internal":` + strconv.FormatBool(internal) + `}`
		if r := s.do(t, "POST", base+"/messages", "application/json", strings.NewReader(in), bearer(who)...); r.StatusCode != http.StatusCreated {
			t.Fatalf("post %q: %d %s", body, r.StatusCode, r.Body)
		}
	}
	post("We are checking with the guide.", false, s.AgentKey)
	if tk = s.apiTicket(t, c.ID); awaitingOf(tk) != db.AwaitingRequester {
		t.Errorf("after the agent's answer: awaiting %s, want requester", awaitingOf(tk))
	}
	answered := tk.LastMessageAt
	post("Refund approved by finance.", true, s.AgentKey)
	if tk = s.apiTicket(t, c.ID); awaitingOf(tk) != db.AwaitingRequester || !tk.LastMessageAt.Equal(answered.Time) {
		t.Errorf("an internal note changed the conversation: awaiting %s, lastMessageAt %v", awaitingOf(tk), tk.LastMessageAt)
	}
	listed := func(awaiting string) bool {
		r := s.do(t, "GET", "/api/support-tickets?awaiting="+awaiting+"&sort=lastMessageAt", "", nil, bearer(s.AgentKey)...)
		var page []db.Ticket
		r.JSON(t, &page)
		for _, p := range page {
			if p.ID == c.ID {
				return true
			}
		}
		return false
	}
	if listed("agent") || !listed("requester") {
		t.Errorf("awaiting filter: in agent list %v, in requester list %v", listed("agent"), listed("requester"))
	}

	s.setStatus(t, c.ID, "resolved")
	post("It is not solved: the refund never arrived.", false, c.AccessToken)
	tk = s.apiTicket(t, c.ID)
	if tk.Status != db.StatusOpen || awaitingOf(tk) != db.AwaitingAgent {
		t.Fatalf("requester reply on a resolved ticket: status %s, awaiting %s; want open, agent", tk.Status, awaitingOf(tk))
	}
	events, err := s.DB.Events(t.Context(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if last := events[len(events)-1]; last.Field != "status" || last.From != "resolved" || last.To != "open" || last.ActorType != "requester" {
		t.Errorf("the reopening is recorded as %+v, want status resolved→open by the requester", last)
	}
	notices := 0
	for _, n := range settingsNotificationsFor(t, s, "pending", c.ID) {
		if n.Kind == db.NotifyRequesterReply && n.Recipient == assignee.Email && n.MessageID != 0 {
			notices++
		}
	}
	if notices != 1 {
		t.Errorf("%d requester-reply notices to the assignee, want 1", notices)
	}
	if !listed("agent") {
		t.Error("the ticket is not listed as awaiting an agent")
	}

	s.setStatus(t, c.ID, "closed")
	if tk = s.apiTicket(t, c.ID); tk.Awaiting != nil {
		t.Errorf("closed ticket awaiting %s, want null", awaitingOf(tk))
	}
}

// A requester's reply from the tracking page reopens a resolved ticket
// too, and an unassigned ticket's reply goes to the agents who asked for
// new-ticket emails.
func TestTrackReplyReopensResolved(t *testing.T) {
	s := newTestServer(t)
	watcher, err := s.DB.CreateUser(t.Context(), db.NewUser{Email: "watch@kinconecta.com", Name: "Watch", Role: db.RoleAgent, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DB.SetNotifyNewTickets(t.Context(), watcher.ID, true); err != nil {
		t.Fatal(err)
	}
	c, page := s.trackedTicket(t, nil)
	s.setStatus(t, c.ID, "resolved")
	b := s.newBrowser(t)
	b.get(t, page)
	r := b.postMultipart(t, page+"/reply", []part{{Name: "csrf", Value: b.csrf(t)}, {Name: "body", Value: "Sigue sin funcionar."}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("reply: %d %s", r.StatusCode, r.Body)
	}
	tk := s.apiTicket(t, c.ID)
	if tk.Status != db.StatusOpen || awaitingOf(tk) != db.AwaitingAgent {
		t.Fatalf("status %s awaiting %s, want open, agent", tk.Status, awaitingOf(tk))
	}
	found := false
	for _, n := range settingsNotificationsFor(t, s, "pending", c.ID) {
		found = found || n.Kind == db.NotifyRequesterReply && n.Recipient == watcher.Email
	}
	if !found {
		t.Error("no requester-reply notice to the agent who asked for new-ticket emails")
	}
}

// The queue shows who each ticket waits on, and for how long when it is
// us; it filters on it and sorts by the longest wait.
func TestQueueShowsWaiting(t *testing.T) {
	s := newTestServer(t)
	s.createTicket(t, map[string]any{"subject": "Nobody answered me"})
	answered := s.createTicket(t, map[string]any{"subject": "Answered already"})
	if _, err := s.DB.AddMessage(t.Context(), answered.ID, db.NewMessage{Body: "Done: refunded."}, supportAgent, 5); err != nil {
		t.Fatal(err)
	}
	b := s.signIn(t, db.RoleAgent)
	doc := html(t, b.get(t, "/agent?lang=es"))
	rows := map[string]string{}
	doc.Find(`[data-testid="queue-row"]`).Each(func(_ int, row *goquery.Selection) {
		w := row.Find(`[data-testid="queue-waiting"]`)
		rows[text(row.Find(`[data-testid="queue-subject"]`))] = w.AttrOr("data-waiting", "") + " " + text(w)
	})
	if got := rows["Nobody answered me"]; got != "agent Espera: ahora" {
		t.Errorf("unanswered ticket shows %q, want it waiting on us with how long", got)
	}
	if got := rows["Answered already"]; got != "requester Del solicitante" {
		t.Errorf("answered ticket shows %q, want waiting on the requester", got)
	}
	doc = html(t, b.get(t, "/agent?awaiting=agent&sort=lastMessageAt"))
	var subjects []string
	doc.Find(`[data-testid="queue-subject"]`).Each(func(_ int, a *goquery.Selection) { subjects = append(subjects, text(a)) })
	if len(subjects) != 1 || subjects[0] != "Nobody answered me" {
		t.Errorf("awaiting=agent lists %v, want only the unanswered ticket", subjects)
	}
	if v, _ := one(t, doc, `#filter-awaiting option[selected]`).Attr("value"); v != "agent" {
		t.Errorf("the filter shows %q selected, want agent", v)
	}
}
