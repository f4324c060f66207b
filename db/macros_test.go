package db

import (
	"context"
	"slices"
	"strings"
	"testing"
)

func TestUnknownPlaceholders(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       []string
	}{
		{"OK", "Hi {{requester.firstName}}, about #{{ticket.id}} ({{ticket.subject}}): {{agent.name}} / {{requester.name}}", nil},
		{"Unknown", "Call {{requester.phone}} or {{requester.phone}}", []string{"{{requester.phone}}"}},
		{"Typo", "Hi {{requester.firstname}}", []string{"{{requester.firstname}}"}},
		{"Spaces", "Hi {{ agent.name }}", []string{"{{ agent.name }}"}},
		{"Unclosed", "Hi {{agent.name\nbye", []string{"{{agent.name"}},
		{"Triple", "{{{ticket.id}}}", []string{"{{{ticket.id}}"}},
		{"NoBraces", "a } b { c }}", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := UnknownPlaceholders(tc.body); !slices.Equal(got, tc.want) {
				t.Fatalf("UnknownPlaceholders(%q) = %q, want %q", tc.body, got, tc.want)
			}
		})
	}
}

func TestFillMacro(t *testing.T) {
	mc := MacroContext{RequesterName: "  Ana María Martínez", TicketID: 42, Subject: "Why {{agent.name}}?", AgentName: "Lucía {{ticket.id}}"}
	got := FillMacro("Hola {{requester.firstName}} ({{requester.name}}), #{{ticket.id}} «{{ticket.subject}}» — {{agent.name}}", mc)
	want := "Hola Ana (  Ana María Martínez), #42 «Why {{agent.name}}?» — Lucía {{ticket.id}}"
	if got != want {
		t.Fatalf("FillMacro = %q, want %q (values are never filled in turn)", got, want)
	}
}

func TestMacros(t *testing.T) {
	d := mustOpen(t)
	ctx := context.Background()
	lucia, err := d.CreateUser(ctx, NewUser{Email: "lucia@example.com", Name: "Lucía Pérez", Role: RoleAgent, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	gone, err := d.CreateUser(ctx, NewUser{Email: "gone@example.com", Name: "Gone", Role: RoleAgent, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.UpdateUser(ctx, gone.ID, RoleAgent, false); err != nil {
		t.Fatal(err)
	}
	str := func(s string) *string { return &s }
	id := func(i int64) *int64 { return &i }

	m, err := d.AddMacro(ctx, MacroInput{Name: " Refund done ", Body: "Hi {{requester.firstName}}, refunded.",
		Actions: MacroActions{Status: str("Resolved"), Priority: str("LOW"), AssigneeID: &lucia.ID, AddTags: []string{"Refund", "vip", "refund"}}})
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != "Refund done" || *m.Actions.Status != "resolved" || *m.Actions.Priority != "low" || !slices.Equal(m.Actions.AddTags, []string{"refund", "vip"}) {
		t.Fatalf("stored %+v %+v, want trimmed name and canonical actions", m, m.Actions)
	}

	t.Run("Invalid", func(t *testing.T) {
		long := strings.Repeat("x", MaxMacroNameLen+1)
		many := make([]string, MaxTagsATicket+1)
		for i := range many {
			many[i] = "t" + strings.Repeat("x", i)
		}
		for _, tc := range []struct {
			name  string
			in    MacroInput
			field string
		}{
			{"ErrNameEmpty", MacroInput{Name: " ", Body: "x"}, "name"},
			{"ErrNameLong", MacroInput{Name: long, Body: "x"}, "name"},
			{"ErrBodyLong", MacroInput{Name: "a", Body: strings.Repeat("x", MaxMessageLen+1)}, "body"},
			{"ErrPlaceholder", MacroInput{Name: "a", Body: "{{requester.phone}}"}, "body"},
			{"ErrStatus", MacroInput{Name: "a", Body: "x", Actions: MacroActions{Status: str("done")}}, "actions.status"},
			{"ErrStatusCreated", MacroInput{Name: "a", Body: "x", Actions: MacroActions{Status: str("created")}}, "actions.status"},
			{"ErrPriority", MacroInput{Name: "a", Body: "x", Actions: MacroActions{Priority: str("asap")}}, "actions.priority"},
			{"ErrAssigneeInactive", MacroInput{Name: "a", Body: "x", Actions: MacroActions{AssigneeID: &gone.ID}}, "actions.assigneeId"},
			{"ErrAssigneeUnknown", MacroInput{Name: "a", Body: "x", Actions: MacroActions{AssigneeID: id(999)}}, "actions.assigneeId"},
			{"ErrTagLong", MacroInput{Name: "a", Body: "x", Actions: MacroActions{AddTags: []string{strings.Repeat("t", MaxTagLen+1)}}}, "actions.addTags"},
			{"ErrTagsMany", MacroInput{Name: "a", Body: "x", Actions: MacroActions{AddTags: many}}, "actions.addTags"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := d.AddMacro(ctx, tc.in)
				e, ok := err.(*Error)
				if !ok || e.Code != EINVALID || len(e.Fields) != 1 || e.Fields[0].Field != tc.field {
					t.Fatalf("err %#v, want EINVALID on %s", err, tc.field)
				}
			})
		}
		if _, err := d.AddMacro(ctx, MacroInput{Name: "REFUND DONE", Body: "x"}); ErrorCode(err) != ECONFLICT {
			t.Fatalf("same name in other case: %v, want ECONFLICT", err)
		}
		if list, _ := d.Macros(ctx); len(list) != 1 {
			t.Fatalf("%d macros after refusals, want 1", len(list))
		}
	})

	t.Run("Update", func(t *testing.T) {
		other, err := d.AddMacro(ctx, MacroInput{Name: "Other", Body: "x"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.UpdateMacro(ctx, other.ID, MacroPatch{Name: str("refund DONE")}); ErrorCode(err) != ECONFLICT {
			t.Fatalf("rename onto another's name: %v, want ECONFLICT", err)
		}
		up, err := d.UpdateMacro(ctx, other.ID, MacroPatch{Body: str("{{agent.name}} here"), Actions: &MacroActions{AddTags: []string{"x"}}})
		if err != nil {
			t.Fatal(err)
		}
		if up.Name != "Other" || up.Body != "{{agent.name}} here" || up.Actions.Status != nil || up.Version != other.Version+1 {
			t.Fatalf("updated %+v, want the name kept, body and actions replaced, version counted", up)
		}
		if _, err := d.UpdateMacro(ctx, 999, MacroPatch{Body: str("x")}); ErrorCode(err) != ENOTFOUND {
			t.Fatalf("unknown id: %v", err)
		}
		if err := d.DeleteMacro(ctx, other.ID); err != nil {
			t.Fatal(err)
		}
		if err := d.DeleteMacro(ctx, other.ID); ErrorCode(err) != ENOTFOUND {
			t.Fatalf("second delete: %v", err)
		}
	})

	t.Run("Reply", func(t *testing.T) {
		agent := Actor{Type: "agent", ID: lucia.ID, Name: lucia.Name}
		tk, _, err := d.CreateTicket(ctx, NewTicket{RoleContext: "tourist", FullName: "Ana Martínez", Email: "ana@example.com",
			Subject: "Refund", Category: "Billing", Message: "refund"}, Actor{Type: "requester", Name: "Ana"})
		if err != nil {
			t.Fatal(err)
		}
		msgs := func() int {
			list, err := d.Messages(ctx, tk.ID, true)
			if err != nil {
				t.Fatal(err)
			}
			return len(list)
		}
		before := msgs()
		if _, _, err := d.ReplyWithMacro(ctx, tk.ID, NewMessage{Body: "hi"}, m.ID, m.Version+1, agent, 20); err != ErrMacroChanged {
			t.Fatalf("stale version: %v, want ErrMacroChanged", err)
		}
		if _, _, err := d.ReplyWithMacro(ctx, tk.ID, NewMessage{Body: " "}, m.ID, m.Version, agent, 20); ErrorCode(err) != EINVALID {
			t.Fatalf("empty body: %v", err)
		}
		// An assignee deactivated after the macro was saved: nothing at all is written.
		mg, err := d.AddMacro(ctx, MacroInput{Name: "Hand over", Body: "x", Actions: MacroActions{AssigneeID: &lucia.ID, Status: str("resolved")}})
		if err != nil {
			t.Fatal(err)
		}
		if err := d.UpdateUser(ctx, lucia.ID, RoleAgent, false); err != nil {
			t.Fatal(err)
		}
		if _, _, err := d.ReplyWithMacro(ctx, tk.ID, NewMessage{Body: "hi"}, mg.ID, mg.Version, agent, 20); ErrorCode(err) != EINVALID {
			t.Fatalf("inactive assignee: %v, want EINVALID", err)
		}
		if err := d.UpdateUser(ctx, lucia.ID, RoleAgent, true); err != nil {
			t.Fatal(err)
		}
		// A move the workflow forbids is found inside the transaction,
		// after the reply was written: the reply goes too.
		inProgress := "in_progress"
		if _, err := d.UpdateTicket(ctx, tk.ID, TicketPatch{Status: &inProgress}, agent); err != nil {
			t.Fatal(err)
		}
		mo, err := d.AddMacro(ctx, MacroInput{Name: "Reopen", Body: "x", Actions: MacroActions{Status: str("open"), AddTags: []string{"back"}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := d.ReplyWithMacro(ctx, tk.ID, NewMessage{Body: "hi"}, mo.ID, mo.Version, agent, 20); ErrorCode(err) != ECONFLICT {
			t.Fatalf("in_progress to open: %v, want ECONFLICT", err)
		}
		if n := msgs(); n != before {
			t.Fatalf("%d messages after refusals, want %d: nothing half-written", n, before)
		}
		if got, _ := d.Ticket(ctx, tk.ID, true); len(got.Tags) != 0 || got.Status != StatusInProgress {
			t.Fatalf("ticket after refusals %+v, want unchanged", got)
		}

		msg, after, err := d.ReplyWithMacro(ctx, tk.ID, NewMessage{Body: "Hi Ana, refunded."}, m.ID, m.Version, agent, 20)
		if err != nil {
			t.Fatal(err)
		}
		if msg.Body != "Hi Ana, refunded." || after.Status != StatusResolved || after.Priority != "low" ||
			after.AssigneeID == nil || *after.AssigneeID != lucia.ID || !slices.Equal(after.Tags, []string{"refund", "vip"}) {
			t.Fatalf("after: %+v %+v", msg, after)
		}
		stored, err := d.Ticket(ctx, tk.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		if stored.Status != StatusResolved || !slices.Equal(stored.Tags, []string{"refund", "vip"}) || msgs() != before+1 {
			t.Fatalf("stored %+v", stored)
		}

		// A macro never closes (closing takes its own confirmation); on a
		// ticket closed by hand, the next reply with a macro changes nothing.
		if _, err := d.AddMacro(ctx, MacroInput{Name: "Close", Body: "bye", Actions: MacroActions{Status: str("closed")}}); ErrorCode(err) != EINVALID {
			t.Fatalf("closing macro: %v, want EINVALID", err)
		}
		if _, err := d.UpdateTicket(ctx, tk.ID, TicketPatch{Status: str("closed")}, agent); err != nil {
			t.Fatal(err)
		}
		if _, _, err := d.ReplyWithMacro(ctx, tk.ID, NewMessage{Body: "again"}, m.ID, m.Version, agent, 20); ErrorCode(err) != ECONFLICT {
			t.Fatalf("closed ticket: %v, want ECONFLICT", err)
		}
		if n := msgs(); n != before+1 {
			t.Fatalf("%d messages, want %d", n, before+1)
		}
	})
}
