package handlers

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/kinconecta/helpdesk/db"
)

// Macros through the API (CONTRACT §6): admins write them, agents read
// them; every bad input is problem+json naming the field, never a 500,
// and nothing is stored from a refused request.
func TestAPIMacros(t *testing.T) {
	s := newTestServer(t)
	ctx := t.Context()
	lucia, err := s.DB.CreateUser(ctx, db.NewUser{Email: "lucia@example.com", Name: "Lucía", Role: db.RoleAgent, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	gone, err := s.DB.CreateUser(ctx, db.NewUser{Email: "gone@example.com", Name: "Gone", Role: db.RoleAgent, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DB.UpdateUser(ctx, gone.ID, db.RoleAgent, false); err != nil {
		t.Fatal(err)
	}
	send := func(method, path, body, key string) response {
		ct := ""
		var r *strings.Reader
		if body != "" {
			ct, r = "application/json", strings.NewReader(body)
		} else {
			r = strings.NewReader("")
		}
		return s.do(t, method, path, ct, r, bearer(key)...)
	}

	r := send("POST", "/api/macros", `{"name":"Refund issued","body":"Hi {{requester.firstName}}, #{{ticket.id}} is refunded. {{agent.name}}",
		"actions":{"status":"Resolved","priority":"low","assigneeId":`+strconv.FormatInt(lucia.ID, 10)+`,"addTags":["Refund"]}}`, s.AdminKey)
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %s", r.StatusCode, r.Body)
	}
	var m db.Macro
	r.JSON(t, &m)
	if got, want := r.Header.Get("Location"), "/api/macros/"+strconv.FormatInt(m.ID, 10); got != want {
		t.Errorf("Location %q, want %q", got, want)
	}
	if m.Actions.Status == nil || *m.Actions.Status != "resolved" || !slices.Equal(m.Actions.AddTags, []string{"refund"}) ||
		m.Actions.AssigneeID == nil || *m.Actions.AssigneeID != lucia.ID {
		t.Errorf("actions %+v, want canonical", m.Actions)
	}
	path := "/api/macros/" + strconv.FormatInt(m.ID, 10)

	t.Run("AgentsRead", func(t *testing.T) {
		r := send("GET", "/api/macros", "", s.AgentKey)
		var list []db.Macro
		r.JSON(t, &list)
		if r.StatusCode != 200 || len(list) != 1 || list[0].Name != "Refund issued" {
			t.Fatalf("list: %d %s", r.StatusCode, r.Body)
		}
		if r := send("GET", path, "", s.AgentKey); r.StatusCode != 200 {
			t.Fatalf("get: %d %s", r.StatusCode, r.Body)
		}
		if r := send("POST", "/api/macros", `{"name":"x","body":"y"}`, s.AgentKey); r.StatusCode != http.StatusForbidden {
			t.Fatalf("agent create: %d, want 403", r.StatusCode)
		}
	})

	t.Run("BadInput", func(t *testing.T) {
		long := strings.Repeat("x", 41)
		for _, tc := range []struct {
			name, body string
			status     int
			field      string
		}{
			{"ErrDuplicateName", `{"name":"REFUND ISSUED","body":"x"}`, 409, "name"},
			{"ErrUnknownPlaceholder", `{"name":"a","body":"Call {{requester.phone}}"}`, 422, "body"},
			{"ErrPlaceholderTypo", `{"name":"a","body":"Hi {{requester.firstname}}"}`, 422, "body"},
			{"ErrNameMissing", `{"body":"x"}`, 422, "name"},
			{"ErrNameLong", `{"name":"` + strings.Repeat("n", 101) + `","body":"x"}`, 422, "name"},
			{"ErrBodyLong", `{"name":"a","body":"` + strings.Repeat("b", db.MaxMessageLen+1) + `"}`, 422, "body"},
			{"ErrNameType", `{"name":5,"body":"x"}`, 422, "name"},
			{"ErrUnknownStatus", `{"name":"a","body":"x","actions":{"status":"done"}}`, 422, "actions.status"},
			{"ErrStatusType", `{"name":"a","body":"x","actions":{"status":3}}`, 422, "actions.status"},
			{"ErrPriority", `{"name":"a","body":"x","actions":{"priority":"asap"}}`, 422, "actions.priority"},
			{"ErrInactiveAssignee", `{"name":"a","body":"x","actions":{"assigneeId":` + strconv.FormatInt(gone.ID, 10) + `}}`, 422, "actions.assigneeId"},
			{"ErrUnknownAssignee", `{"name":"a","body":"x","actions":{"assigneeId":99999}}`, 422, "actions.assigneeId"},
			{"ErrAssigneeType", `{"name":"a","body":"x","actions":{"assigneeId":"me"}}`, 422, "actions.assigneeId"},
			{"ErrTagTooLong", `{"name":"a","body":"x","actions":{"addTags":["` + long + `"]}}`, 422, "actions.addTags"},
			{"ErrTagsNotArray", `{"name":"a","body":"x","actions":{"addTags":"refund"}}`, 422, "actions.addTags"},
			{"ErrActionsType", `{"name":"a","body":"x","actions":[1]}`, 422, "actions"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := send("POST", "/api/macros", tc.body, s.AdminKey)
				if r.StatusCode != tc.status {
					t.Fatalf("%d, want %d: %s", r.StatusCode, tc.status, r.Body)
				}
				p := r.Problem(t)
				if len(p.Errors) == 0 || p.Errors[0].Field != tc.field {
					t.Fatalf("errors %+v, want one on %s", p.Errors, tc.field)
				}
			})
		}
		r := send("POST", "/api/macros", `{"name":"a","body":"{{requester.phone}} {{agent.nam}}"}`, s.AdminKey)
		if p := r.Problem(t); !strings.Contains(p.Errors[0].Message, `"{{requester.phone}}"`) || !strings.Contains(p.Errors[0].Message, `"{{agent.nam}}"`) {
			t.Errorf("placeholder message %q names neither", p.Errors[0].Message)
		}
		if r := send("POST", "/api/macros", `{"name":`, s.AdminKey); r.StatusCode != 400 {
			t.Errorf("malformed JSON: %d, want 400", r.StatusCode)
		}
		if list, _ := s.DB.Macros(ctx); len(list) != 1 {
			t.Fatalf("%d macros after refusals, want 1", len(list))
		}
	})

	t.Run("Patch", func(t *testing.T) {
		r := send("PATCH", path, `{"body":"Bye {{requester.name}}","actions":{"addTags":["a","b"]}}`, s.AdminKey)
		if r.StatusCode != 200 {
			t.Fatalf("patch: %d %s", r.StatusCode, r.Body)
		}
		var up db.Macro
		r.JSON(t, &up)
		if up.Name != "Refund issued" || up.Body != "Bye {{requester.name}}" || up.Actions.Status != nil || len(up.Actions.AddTags) != 2 {
			t.Errorf("patched %+v", up)
		}
		for _, tc := range []struct {
			name, path, body string
			status           int
		}{
			{"ErrEmpty", path, `{}`, 422},
			{"ErrPlaceholder", path, `{"body":"{{ticket.number}}"}`, 422},
			{"ErrTagTooLong", path, `{"actions":{"addTags":["` + strings.Repeat("t", 41) + `"]}}`, 422},
			{"ErrUnknownID", "/api/macros/99999", `{"name":"z"}`, 404},
			{"ErrMalformedID", "/api/macros/abc", `{"name":"z"}`, 400},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := send("PATCH", tc.path, tc.body, s.AdminKey)
				if r.StatusCode != tc.status {
					t.Fatalf("%d, want %d: %s", r.StatusCode, tc.status, r.Body)
				}
				r.Problem(t)
			})
		}
		if got, _ := s.DB.Macro(ctx, m.ID); got.Body != "Bye {{requester.name}}" {
			t.Errorf("refused patches changed the macro: %+v", got)
		}
	})

	t.Run("Delete", func(t *testing.T) {
		if r := send("DELETE", path, "", s.AgentKey); r.StatusCode != http.StatusForbidden {
			t.Fatalf("agent delete: %d, want 403", r.StatusCode)
		}
		if r := send("DELETE", path, "", s.AdminKey); r.StatusCode != http.StatusNoContent {
			t.Fatalf("delete: %d %s", r.StatusCode, r.Body)
		}
		r := send("DELETE", path, "", s.AdminKey)
		if r.StatusCode != http.StatusNotFound {
			t.Fatalf("second delete: %d, want 404", r.StatusCode)
		}
		r.Problem(t)
		if r := send("GET", path, "", s.AgentKey); r.StatusCode != http.StatusNotFound {
			t.Fatalf("get deleted: %d, want 404", r.StatusCode)
		}
	})
}
