package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/kinconecta/helpdesk/handlers/web"
)

// The tracking page's room for files, and the limit a requester meets,
// count only the files the requester can see: counting the files of
// agents' internal notes would tell the requester they exist. Internal
// notes' files have a room of their own.
func TestTrackFilesLeftIgnoresInternalFiles(t *testing.T) {
	s := newTestServer(t, func(c *web.Config) { c.MaxFiles = 5 })
	c, track := s.trackedTicket(t, nil)
	ticket := "/api/support-tickets/" + strconv.FormatInt(c.ID, 10)
	upload := func(cred string, n int) response {
		t.Helper()
		var parts []part
		for i := range n {
			parts = append(parts, part{Name: "file", FileName: "receipt" + strconv.Itoa(i) + ".txt", Value: textBytes})
		}
		body, ct := multipartBody(t, parts...)
		return s.do(t, "POST", ticket+"/attachments", ct, body, bearer(cred)...)
	}
	note := func(n int) response {
		t.Helper()
		parts := []part{{Name: "body", Value: "Card ending 4242 checked"}, {Name: "internal", Value: "true"}}
		for i := range n {
			parts = append(parts, part{Name: "attachments", FileName: "bank" + strconv.Itoa(i) + ".txt", Value: textBytes})
		}
		body, ct := multipartBody(t, parts...)
		return s.do(t, "POST", ticket+"/messages", ct, body, bearer(s.AgentKey)...)
	}
	room := func() string {
		t.Helper()
		d := html(t, s.newBrowser(t).get(t, track))
		if d.Find(`[data-testid="reply-dropzone"]`).Length() == 0 {
			return "none"
		}
		v, _ := d.Find(`[data-testid="reply-dropzone"]`).Attr("data-max-files")
		return v
	}

	if r := upload(c.AccessToken, 2); r.StatusCode != http.StatusCreated {
		t.Fatalf("requester upload: %d %s", r.StatusCode, r.Body)
	}
	if r := note(3); r.StatusCode != http.StatusCreated {
		t.Fatalf("internal note with files: %d %s", r.StatusCode, r.Body)
	}
	if got := room(); got != "3" {
		t.Fatalf("the tracking page offers room for %s files, want 3 (5 less the 2 the requester sees)", got)
	}
	if r := upload(c.AccessToken, 3); r.StatusCode != http.StatusCreated {
		t.Fatalf("requester filling the room the page offered: %d %s", r.StatusCode, r.Body)
	}
	if got := room(); got != "none" {
		t.Errorf("a full ticket still offers room for %s files", got)
	}
	r := upload(c.AccessToken, 1)
	if r.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("requester past the limit: %d %s, want 413", r.StatusCode, r.Body)
	}
	if p := r.Problem(t); !strings.Contains(p.Detail, "it has 5") {
		t.Errorf("the refusal %q counts files the requester cannot see", p.Detail)
	}
	// Internal notes' files have their own room: 3 used, 2 left.
	if r := note(2); r.StatusCode != http.StatusCreated {
		t.Fatalf("internal files within their room: %d %s", r.StatusCode, r.Body)
	}
	if r := note(1); r.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("internal files past their room: %d %s, want 413", r.StatusCode, r.Body)
	}
}
