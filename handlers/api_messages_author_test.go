package handlers

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/kinconecta/helpdesk/db"
)

// TestMessageAuthorEmail: each message names its author's address where
// it is known (CONTRACT §5, Email in), and a requester never sees an
// agent's.
func TestMessageAuthorEmail(t *testing.T) {
	s := newTestServer(t)
	c := s.createTicket(t, nil)
	base := "/api/support-tickets/" + strconv.FormatInt(c.ID, 10) + "/messages"
	ctx := context.Background()
	u, err := s.DB.CreateUser(ctx, db.NewUser{Email: "pablo@kinconecta.com", Name: "Pablo", Role: db.RoleAgent, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.AddMessage(ctx, c.ID, db.NewMessage{Body: "Yes, within 24 hours."},
		db.Actor{Type: "agent", ID: u.ID, Name: u.Name}, 20); err != nil {
		t.Fatal(err)
	}
	r := s.do(t, "POST", base, "application/json", strings.NewReader(`{"body":"Thanks!"}`), bearer(c.AccessToken)...)
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("requester reply: %d %s", r.StatusCode, r.Body)
	}
	type author struct {
		Type  string  `json:"type"`
		Email *string `json:"email"`
	}
	for _, tc := range []struct {
		name string
		who  []string
		want []string // per message; "-" for no email field
	}{
		{"Agent", bearer(s.AgentKey), []string{"pablo@kinconecta.com", "ana.martinez@example.com"}},
		{"Requester", bearer(c.AccessToken), []string{"-", "ana.martinez@example.com"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := s.do(t, "GET", base, "", nil, tc.who...)
			if r.StatusCode != http.StatusOK {
				t.Fatalf("list: %d %s", r.StatusCode, r.Body)
			}
			var msgs []struct {
				Author author `json:"author"`
			}
			r.JSON(t, &msgs)
			if len(msgs) != len(tc.want) {
				t.Fatalf("%d messages, want %d", len(msgs), len(tc.want))
			}
			for i, m := range msgs {
				got := "-"
				if m.Author.Email != nil {
					got = *m.Author.Email
				}
				if got != tc.want[i] {
					t.Errorf("%s message: author email %q, want %q", m.Author.Type, got, tc.want[i])
				}
			}
		})
	}
}
