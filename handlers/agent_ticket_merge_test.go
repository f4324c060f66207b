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
)

// Tags on the workspace: chips, adding several at once, removing one,
// refusals beside the field with what was typed, suggestions as datalist
// options, and the history in words.
func TestDeskTags(t *testing.T) {
	s := newTestServer(t)
	b := s.signIn(t, "agent")
	tk := s.createTicket(t, nil)
	other := s.createTicket(t, nil)
	if _, err := s.DB.UpdateTicket(t.Context(), other.ID, db.TicketPatch{Tags: &[]string{"refund", "vip"}}, supportAgent); err != nil {
		t.Fatal(err)
	}
	tagsOf := func() []string {
		var out []string
		b.workspace(t, tk.ID).Find(`[data-testid="tag"]`).Each(func(_ int, sel *goquery.Selection) {
			out = append(out, sel.AttrOr("data-tag", ""))
		})
		return out
	}
	r := b.postForm(t, ticketPath(tk.ID, "tags"), url.Values{"add": {"Refund, late-guide #vip"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != ticketPath(tk.ID)+"#tags" {
		t.Fatalf("add: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if got, want := tagsOf(), []string{"late-guide", "refund", "vip"}; !slices.Equal(got, want) {
		t.Errorf("chips %q, want %q", got, want)
	}
	r = b.postForm(t, ticketPath(tk.ID, "tags"), url.Values{"remove": {"vip"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove: %d", r.StatusCode)
	}
	doc := b.workspace(t, tk.ID)
	if got := doc.Find(`[data-testid="ticket-notice"]`).Text(); !strings.Contains(got, "tags were saved") {
		t.Errorf("notice %q", got)
	}
	history := doc.Find(`[data-testid="history"]`).Text()
	for _, want := range []string{"added tags: late-guide, refund, vip", "removed tags: vip"} {
		if !strings.Contains(history, want) {
			t.Errorf("history lacks %q: %s", want, history)
		}
	}

	t.Run("ErrInvalid", func(t *testing.T) {
		r := b.postForm(t, ticketPath(tk.ID, "tags"), url.Values{"add": {"ok, no/slash"}})
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%d, want 422", r.StatusCode)
		}
		d := html(t, r)
		if d.Find(`[data-testid="tag-error"]`).Length() != 1 || d.Find(`#tag-add`).AttrOr("value", "") != "ok, no/slash" {
			t.Errorf("refusal not shown beside the field with what was typed")
		}
		if got, want := tagsOf(), []string{"late-guide", "refund"}; !slices.Equal(got, want) {
			t.Errorf("a refused add changed the tags: %q", got)
		}
	})
	t.Run("ErrTooMany", func(t *testing.T) {
		many := make([]string, 19)
		for i := range many {
			many[i] = "t" + strconv.Itoa(i)
		}
		r := b.postForm(t, ticketPath(tk.ID, "tags"), url.Values{"add": {strings.Join(many, " ")}})
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "at most 20 tags") {
			t.Fatalf("%d, want 422 naming the limit", r.StatusCode)
		}
	})
	t.Run("Suggestions", func(t *testing.T) {
		r := b.get(t, "/agent/tags/suggestions?add="+url.QueryEscape("late-guide, RE"))
		if r.StatusCode != http.StatusOK {
			t.Fatalf("%d", r.StatusCode)
		}
		d := html(t, r)
		if got := d.Find("option").AttrOr("value", ""); got != "late-guide, refund" {
			t.Errorf("option value %q, want the list completed: %s", got, r.Body)
		}
		if n := d.Find("option").Length(); n != 1 {
			t.Errorf("%d options for prefix re, want 1 (refund)", n)
		}
		if r := b.get(t, "/agent/tags/suggestions?q="+strings.Repeat("x", 5000)); r.StatusCode != http.StatusOK {
			t.Errorf("a long query: %d, want 200 with no options", r.StatusCode)
		}
		if r := s.newBrowser(t).get(t, "/agent/tags/suggestions?q=re"); r.StatusCode != http.StatusSeeOther {
			t.Errorf("signed out: %d, want a redirect to sign in", r.StatusCode)
		}
	})
	t.Run("ErrClosed", func(t *testing.T) {
		s.setStatus(t, other.ID, "closed")
		r := b.postForm(t, ticketPath(other.ID, "tags"), url.Values{"remove": {"vip"}})
		if r.StatusCode != http.StatusConflict {
			t.Fatalf("%d, want 409", r.StatusCode)
		}
		if html(t, r).Find(`[data-testid="tag-remove"]`).Length() != 0 {
			t.Errorf("a closed ticket offers to remove tags")
		}
	})
}

// Merging from the desk: the card lists the requester's open tickets, the
// page previews what moves, a refusal says why with nothing changed, and
// a merge leads to the target with a notice; the source then says where
// it went, and its tracking link shows the target.
func TestDeskMerge(t *testing.T) {
	s := newTestServer(t)
	b := s.signIn(t, "agent")
	source, track := s.trackedTicket(t, map[string]any{"subject": "Boat tour refund"})
	target := s.createTicket(t, map[string]any{"subject": "Still waiting for my refund"})
	stranger := s.createTicket(t, map[string]any{"email": "bob@example.com"})
	s.attachToTicket(t, source.ID, "receipt.txt", textBytes)
	if _, err := s.DB.UpdateTicket(t.Context(), source.ID, db.TicketPatch{Tags: &[]string{"boat"}}, supportAgent); err != nil {
		t.Fatal(err)
	}
	doc := b.workspace(t, source.ID)
	if got := doc.Find(`[data-testid="merge-candidate"]`).AttrOr("href", ""); got != ticketPath(source.ID, "merge")+"?into="+strconv.FormatInt(target.ID, 10) {
		t.Errorf("merge card candidate %q, want the target's preview", got)
	}

	r := b.get(t, ticketPath(source.ID, "merge")+"?q=waiting")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("merge page: %d", r.StatusCode)
	}
	if n := html(t, r).Find(`[data-testid="merge-preview-link"]`).Length(); n != 1 {
		t.Errorf("search 'waiting' lists %d tickets, want 1", n)
	}
	r = b.get(t, ticketPath(source.ID, "merge")+"?into="+strconv.FormatInt(target.ID, 10))
	d := html(t, r)
	if got := d.Find(`[data-testid="merge-files"]`).Text(); !strings.Contains(got, "1") {
		t.Errorf("preview files %q", got)
	}
	if got := d.Find(`[data-testid="merge-tags"]`).Text(); !strings.Contains(got, "boat") || !strings.Contains(got, "new") {
		t.Errorf("preview tags %q", got)
	}

	before := func() string {
		a, _ := s.DB.Ticket(t.Context(), source.ID, true)
		z, _ := s.DB.Ticket(t.Context(), target.ID, true)
		return a.UpdatedAt.String() + string(a.Status) + z.UpdatedAt.String() + strconv.Itoa(len(z.Attachments))
	}
	want := before()
	for _, tc := range []struct {
		name   string
		into   string
		status int
		text   string
	}{
		{"ErrOtherRequester", strconv.FormatInt(stranger.ID, 10), http.StatusConflict, "bob@example.com"},
		{"ErrItself", strconv.FormatInt(source.ID, 10), http.StatusUnprocessableEntity, "itself"},
		{"ErrUnknown", "#99999", http.StatusNotFound, "99999"},
		{"ErrNotANumber", "soon", http.StatusUnprocessableEntity, "by its number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := b.postForm(t, ticketPath(source.ID, "merge"), url.Values{"into": {tc.into}})
			if r.StatusCode != tc.status {
				t.Fatalf("%d, want %d", r.StatusCode, tc.status)
			}
			if got := html(t, r).Find(`[data-testid="merge-problem"]`).Text(); !strings.Contains(got, tc.text) {
				t.Errorf("problem %q lacks %q", got, tc.text)
			}
			if before() != want {
				t.Errorf("a refused merge changed the tickets")
			}
		})
	}

	r = b.postForm(t, ticketPath(source.ID, "merge"), url.Values{"into": {strconv.FormatInt(target.ID, 10)}})
	seeOther(t, r, target.ID)
	doc = b.workspace(t, target.ID)
	if got := doc.Find(`[data-testid="ticket-notice"]`).Text(); !strings.Contains(got, "#"+strconv.FormatInt(source.ID, 10)+" was merged into this ticket") {
		t.Errorf("notice %q", got)
	}
	if got := doc.Find(`[data-testid="history"]`).Text(); !strings.Contains(got, "merged #"+strconv.FormatInt(source.ID, 10)+" into this ticket") {
		t.Errorf("target history lacks the merge: %s", got)
	}
	doc = b.workspace(t, source.ID)
	if got := doc.Find(`[data-testid="merged-link"]`).AttrOr("href", ""); got != ticketPath(target.ID) {
		t.Errorf("merged source links to %q, want the target", got)
	}
	if doc.Find(`[data-testid="merge-card"]`).Length() != 0 {
		t.Errorf("a merged ticket offers to merge again")
	}
	r = s.newBrowser(t).get(t, track)
	if r.StatusCode != http.StatusOK || !strings.Contains(string(r.Body), "Still waiting for my refund") {
		t.Errorf("the source's tracking link: %d, want the target's page", r.StatusCode)
	}
	if r := b.get(t, ticketPath(source.ID, "merge")); r.StatusCode != http.StatusOK ||
		!strings.Contains(html(t, r).Find(`[data-testid="merge-problem"]`).Text(), "already merged") {
		t.Errorf("the merge page of a merged ticket: %d", r.StatusCode)
	}
}
