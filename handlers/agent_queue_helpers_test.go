package handlers

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/kinconecta/helpdesk/db"
)

// queueSeed is a ticket as the queue tests need it: created by a
// requester, then moved by an agent to its status, priority and assignee.
type queueSeed struct {
	Subject  string
	Message  string
	Role     string
	Category string
	Status   string // reached through the workflow; "" stays open
	Priority string // "" stays normal
	Assignee int64  // 0 stays unassigned
}

// queueTicket stores seed and returns the ticket's id.
func (s *testServer) queueTicket(t testing.TB, seed queueSeed) int64 {
	t.Helper()
	nt := db.NewTicket{
		RoleContext: seed.Role, FullName: "Ana Martínez", Email: "ana.martinez@example.com",
		Subject: seed.Subject, Category: seed.Category, Message: seed.Message,
	}
	if nt.RoleContext == "" {
		nt.RoleContext = "tourist"
	}
	if nt.Category == "" {
		nt.Category = "General Inquiry"
	}
	if nt.Message == "" {
		nt.Message = "Please help with " + seed.Subject
	}
	if seed.Status == "created" {
		nt.Status = "created"
	}
	tk, _, err := s.DB.CreateTicket(t.Context(), nt, db.Actor{Type: "requester", Name: nt.FullName})
	if err != nil {
		t.Fatal(err)
	}
	var p db.TicketPatch
	if seed.Priority != "" {
		p.Priority = &seed.Priority
	}
	if seed.Assignee != 0 {
		p.AssigneeID = &seed.Assignee
	}
	if p.Priority != nil || p.AssigneeID != nil {
		if _, err := s.DB.UpdateTicket(t.Context(), tk.ID, p, supportAgent); err != nil {
			t.Fatal(err)
		}
	}
	if seed.Status != "" && seed.Status != "created" && seed.Status != "open" {
		s.setStatus(t, tk.ID, seed.Status)
	}
	return tk.ID
}

// queueStatus is a ticket's status as stored.
func (s *testServer) queueStatus(t testing.TB, id int64) db.Ticket {
	t.Helper()
	tk, err := s.DB.Ticket(t.Context(), id, true)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// queuePage loads a queue address as b, expecting 200, and parses it.
func (b *browser) queuePage(t testing.TB, path string, headers ...string) *goquery.Document {
	t.Helper()
	r := b.do(t, "GET", path, "", nil, headers...)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %.300s", path, r.StatusCode, r.Body)
	}
	return html(t, r)
}

// queueIDs are the ticket ids of the rows a queue page lists, in order.
func queueIDs(t testing.TB, d *goquery.Document) []int64 {
	t.Helper()
	var ids []int64
	d.Find(`tr[data-testid="queue-row"]`).Each(func(_ int, s *goquery.Selection) {
		id, err := strconv.ParseInt(s.AttrOr("data-ticket", ""), 10, 64)
		if err != nil {
			t.Fatalf("row without a ticket id: %v", err)
		}
		ids = append(ids, id)
	})
	return ids
}

// queueSameIDs reports whether got and want hold the same ids, in any order.
func queueSameIDs(got, want []int64) bool {
	if len(got) != len(want) {
		return false
	}
	seen := map[int64]int{}
	for _, id := range want {
		seen[id]++
	}
	for _, id := range got {
		if seen[id] == 0 {
			return false
		}
		seen[id]--
	}
	return true
}
