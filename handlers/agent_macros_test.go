package handlers

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/kinconecta/helpdesk/db"
)

// Applying a macro in the workspace: the preview fills the placeholders
// for this ticket and agent and words the actions; Apply without a
// script shows the page with the reply filled and the macro staged;
// sending applies the reply and the actions together, and a send with a
// macro that changed since it was picked does nothing at all.
func TestAgentMacros(t *testing.T) {
	s := newTestServer(t)
	ctx := t.Context()
	c := s.createTicket(t, map[string]any{"fullName": "Ana María Martínez", "subject": "Why {{agent.name}}?"})
	b := s.signIn(t, db.RoleAgent)
	resolved := "resolved"
	m, err := s.DB.AddMacro(ctx, db.MacroInput{Name: "Refund issued",
		Body:    "Hi {{requester.firstName}}, about #{{ticket.id}} «{{ticket.subject}}». {{agent.name}}",
		Actions: db.MacroActions{Status: &resolved, AddTags: []string{"refund"}}})
	if err != nil {
		t.Fatal(err)
	}
	want := "Hi Ana, about #" + strconv.FormatInt(c.ID, 10) + " «Why {{agent.name}}?». " + b.User.Name
	mid := strconv.FormatInt(m.ID, 10)

	t.Run("Preview", func(t *testing.T) {
		r := b.get(t, ticketPath(c.ID, "macros", mid))
		if r.StatusCode != 200 {
			t.Fatalf("preview: %d %s", r.StatusCode, r.Body)
		}
		var p struct {
			ID, Version int64
			Body        string
			Actions     []string
		}
		if err := json.Unmarshal(r.Body, &p); err != nil {
			t.Fatal(err)
		}
		if p.Body != want || p.Version != m.Version || !slices.Equal(p.Actions, []string{"status → Resolved", "add tags: refund"}) {
			t.Fatalf("preview %+v, want body %q", p, want)
		}
		if r := b.get(t, ticketPath(c.ID, "macros", "99999")); r.StatusCode != http.StatusNotFound {
			t.Fatalf("unknown macro: %d, want 404", r.StatusCode)
		}
	})

	t.Run("ApplyWithoutScript", func(t *testing.T) {
		r := b.postMultipart(t, ticketPath(c.ID, "macro"), formParts(b.csrf(t), map[string]string{
			"body": "Thanks for waiting.", "internal": "false", "macro": mid}))
		if r.StatusCode != 200 {
			t.Fatalf("apply: %d %.300s", r.StatusCode, r.Body)
		}
		d := html(t, r)
		if got := one(t, d, `textarea[name="body"]`).Text(); got != "Thanks for waiting.\n\n"+want {
			t.Errorf("composer %q", got)
		}
		if v, _ := one(t, d, `input[name="macroId"]`).Attr("value"); v != mid {
			t.Errorf("macroId %q, want %s", v, mid)
		}
		if got := text(one(t, d, `[data-testid="macro-actions"]`)); got != "On send: status → Resolved · add tags: refund" {
			t.Errorf("staged %q", got)
		}
		if n := len(s.apiTicket(t, c.ID).Tags); n != 0 {
			t.Error("Apply changed the ticket")
		}
	})

	send := func(version int64, body string) response {
		return b.postMultipart(t, ticketPath(c.ID, "messages"), formParts(b.csrf(t), map[string]string{
			"body": body, "internal": "false", "macroId": mid, "macroVersion": strconv.FormatInt(version, 10)}))
	}
	count := func() int {
		list, err := s.DB.Messages(ctx, c.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		return len(list)
	}
	before := count()

	t.Run("ErrChanged", func(t *testing.T) {
		r := send(m.Version+1, want)
		if r.StatusCode != http.StatusConflict {
			t.Fatalf("stale macro: %d, want 409", r.StatusCode)
		}
		d := html(t, r)
		if !strings.Contains(text(d.Find(`[data-testid="error-summary"], [role="alert"]`)), "changed or deleted after you picked it") {
			t.Errorf("no message about the changed macro: %.500s", text(d.Find("form#compose")))
		}
		if got := one(t, d, `textarea[name="body"]`).Text(); got != want {
			t.Errorf("typed text lost: %q", got)
		}
		if v, _ := one(t, d, `input[name="macroId"]`).Attr("value"); v != "" {
			t.Errorf("a changed macro stays staged: %q", v)
		}
		if count() != before || s.apiTicket(t, c.ID).Status == "resolved" {
			t.Fatal("a refused send wrote something")
		}
	})

	t.Run("Send", func(t *testing.T) {
		seeOther(t, send(m.Version, want), c.ID)
		got := s.apiTicket(t, c.ID)
		if got.Status != "resolved" || !slices.Equal(got.Tags, []string{"refund"}) {
			t.Fatalf("ticket %s %q, want resolved with the tag", got.Status, got.Tags)
		}
		list, _ := s.DB.Messages(ctx, c.ID, true)
		if len(list) != before+1 || list[len(list)-1].Body != want {
			t.Fatalf("messages %d, last %q", len(list), list[len(list)-1].Body)
		}
	})
}
