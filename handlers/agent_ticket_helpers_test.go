package handlers

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// ticketPath is a ticket's workspace, plus any sub-path ("status", "files/3").
func ticketPath(id int64, sub ...string) string {
	p := "/agent/tickets/" + strconv.FormatInt(id, 10)
	for _, s := range sub {
		p += "/" + s
	}
	return p
}

// workspace loads a ticket's workspace, failing unless it answers 200.
func (b *browser) workspace(t testing.TB, id int64, headers ...string) *goquery.Document {
	t.Helper()
	r := b.do(t, "GET", ticketPath(id), "", nil, headers...)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %.300s", ticketPath(id), r.StatusCode, r.Body)
	}
	return html(t, r)
}

// compose posts the workspace's reply form: internal is "true", "false"
// or "" (no choice made), followed by files.
func (b *browser) compose(t testing.TB, id int64, csrf, internal, body string, files ...part) response {
	t.Helper()
	values := map[string]string{"body": body}
	if internal != "" {
		values["internal"] = internal
	}
	return b.postMultipart(t, ticketPath(id, "messages"), formParts(csrf, values, files...))
}

// attachToTicket adds a file to the ticket through the API, as a file of
// the request itself (no message).
func (s *testServer) attachToTicket(t testing.TB, id int64, name, content string) {
	t.Helper()
	body, ct := multipartBody(t, part{Name: "file", FileName: name, Value: content})
	r := s.do(t, "POST", "/api/support-tickets/"+strconv.FormatInt(id, 10)+"/attachments", ct, body, bearer(s.AgentKey)...)
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("attach %s: %d %s", name, r.StatusCode, r.Body)
	}
}

// seeOther checks that r redirects (303) to the ticket's workspace.
func seeOther(t testing.TB, r response, id int64) {
	t.Helper()
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("status %d, want 303; body %.400s", r.StatusCode, r.Body)
	}
	if got, want := r.Header.Get("Location"), ticketPath(id); got != want {
		t.Fatalf("Location %q, want %q", got, want)
	}
}

// texts is the collapsed text of every element sel matches.
func texts(d *goquery.Document, sel string) []string {
	var out []string
	d.Find(sel).Each(func(_ int, s *goquery.Selection) { out = append(out, text(s)) })
	return out
}
