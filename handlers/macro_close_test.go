package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/kinconecta/helpdesk/db"
)

// A macro never closes a ticket: closing is final and takes its own
// two-step confirmation, which one keystroke would skip. The API and the
// settings page refuse "closed" on actions.status with the reason; a
// macro saved before that rule warns in the composer and is refused on
// send, with nothing written. An unknown action is refused, not dropped.
func TestMacroNeverCloses(t *testing.T) {
	s := newTestServer(t)
	ctx := t.Context()
	send := func(body string) response {
		return s.do(t, "POST", "/api/macros", "application/json", strings.NewReader(body), bearer(s.AdminKey)...)
	}

	t.Run("ErrAPIClosed", func(t *testing.T) {
		r := send(`{"name":"Close it","body":"Bye","actions":{"status":"closed"}}`)
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%d, want 422: %s", r.StatusCode, r.Body)
		}
		p := r.Problem(t)
		if len(p.Errors) != 1 || p.Errors[0].Field != "actions.status" || !strings.Contains(p.Errors[0].Message, "confirmation") {
			t.Fatalf("errors %+v, want actions.status with the reason", p.Errors)
		}
	})
	t.Run("ErrAPIUnknownAction", func(t *testing.T) {
		r := send(`{"name":"Foo","body":"Bye","actions":{"foo":1}}`)
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%d, want 422: %s", r.StatusCode, r.Body)
		}
		if p := r.Problem(t); len(p.Errors) != 1 || p.Errors[0].Field != "actions.foo" {
			t.Fatalf("errors %+v, want actions.foo", p.Errors)
		}
	})
	if list, _ := s.DB.Macros(ctx); len(list) != 0 {
		t.Fatalf("%d macros stored by refused requests", len(list))
	}

	admin := s.signIn(t, db.RoleAdmin)
	t.Run("ErrSettingsClosed", func(t *testing.T) {
		d := html(t, admin.get(t, "/agent/settings/macros"))
		if n := d.Find(`#macro-new-status option[value="closed"]`).Length(); n != 0 {
			t.Errorf("the status choice offers closed")
		}
		r := admin.postForm(t, "/agent/settings/macros", url.Values{"name": {"Close it"}, "body": {"Bye"}, "status": {"closed"}})
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%d, want 422", r.StatusCode)
		}
		if got := text(one(t, html(t, r), `#macro-new-status-error`)); !strings.Contains(got, "cannot close a ticket") {
			t.Errorf("error %q", got)
		}
	})

	t.Run("ErrLegacyMacroSend", func(t *testing.T) {
		resolved := "resolved"
		m, err := s.DB.AddMacro(ctx, db.MacroInput{Name: "Old close", Body: "Bye", Actions: db.MacroActions{Status: &resolved}})
		if err != nil {
			t.Fatal(err)
		}
		// As saved before closing was refused to macros.
		if err := s.DB.ExecUnchecked(ctx, `UPDATE macros SET status = 'closed' WHERE id = ?`, m.ID); err != nil {
			t.Fatal(err)
		}
		c := s.createTicket(t, map[string]any{"subject": "Close me"})
		b := s.signIn(t, db.RoleAgent)
		mid := strconv.FormatInt(m.ID, 10)
		r := b.get(t, ticketPath(c.ID, "macros", mid))
		if !strings.Contains(string(r.Body), "closing takes its own confirmation") {
			t.Errorf("preview does not warn: %s", r.Body)
		}
		before, _ := s.DB.Messages(ctx, c.ID, true)
		r = b.postMultipart(t, ticketPath(c.ID, "messages"), formParts(b.csrf(t), map[string]string{
			"body": "Bye", "internal": "false", "macroId": mid, "macroVersion": strconv.FormatInt(m.Version, 10)}))
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("send: %d, want 422", r.StatusCode)
		}
		if !strings.Contains(text(html(t, r).Find(`form#compose`)), "closing takes its own confirmation") {
			t.Error("no message about the closing macro")
		}
		after, _ := s.DB.Messages(ctx, c.ID, true)
		if len(after) != len(before) || s.apiTicket(t, c.ID).Status == "closed" {
			t.Fatal("a refused send wrote something")
		}
	})
}

// The staged macro warns, before sending, when its tags would take the
// ticket past 20 (as the preview and the page without script show it).
func TestMacroStagedTagOverflow(t *testing.T) {
	s := newTestServer(t)
	ctx := t.Context()
	c := s.createTicket(t, map[string]any{"subject": "Tagged"})
	var tags []string
	for i := range db.MaxTagsATicket - 1 {
		tags = append(tags, "t"+strconv.Itoa(i))
	}
	if _, err := s.DB.UpdateTicket(ctx, c.ID, db.TicketPatch{AddTags: tags}, db.Actor{Type: "system", Name: "test"}); err != nil {
		t.Fatal(err)
	}
	fits, err := s.DB.AddMacro(ctx, db.MacroInput{Name: "One more", Body: "x", Actions: db.MacroActions{AddTags: []string{"t0", "new"}}})
	if err != nil {
		t.Fatal(err)
	}
	over, err := s.DB.AddMacro(ctx, db.MacroInput{Name: "Two more", Body: "x", Actions: db.MacroActions{AddTags: []string{"new", "newer"}}})
	if err != nil {
		t.Fatal(err)
	}
	b := s.signIn(t, db.RoleAgent)
	for _, tc := range []struct {
		name string
		m    db.Macro
		warn bool
	}{{"Fits", fits, false}, {"Overflows", over, true}} {
		t.Run(tc.name, func(t *testing.T) {
			r := b.get(t, ticketPath(c.ID, "macros", strconv.FormatInt(tc.m.ID, 10)))
			if got := strings.Contains(string(r.Body), "would hold 21 tags, more than 20"); got != tc.warn {
				t.Errorf("warning %v, want %v: %s", got, tc.warn, r.Body)
			}
			r = b.postMultipart(t, ticketPath(c.ID, "macro"), formParts(b.csrf(t), map[string]string{
				"body": "", "internal": "false", "macro": strconv.FormatInt(tc.m.ID, 10)}))
			warned := html(t, r).Find(`[data-testid="macro-warning"]`).Length() > 0
			if warned != tc.warn {
				t.Errorf("page without script warns %v, want %v", warned, tc.warn)
			}
		})
	}
}
