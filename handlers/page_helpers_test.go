package handlers

import (
	"bytes"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/kinconecta/helpdesk/db"
)

// html parses a page, failing the test when it is not one.
func html(t testing.TB, r response) *goquery.Document {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Fatalf("Content-Type = %q, want text/html; body %.300s", ct, r.Body)
	}
	d, err := goquery.NewDocumentFromReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// one returns the single element sel matches, failing otherwise.
func one(t testing.TB, d *goquery.Document, sel string) *goquery.Selection {
	t.Helper()
	s := d.Find(sel)
	if s.Length() != 1 {
		t.Fatalf("%q matches %d elements, want 1", sel, s.Length())
	}
	return s
}

// text is an element's text with runs of white space collapsed.
func text(s *goquery.Selection) string { return strings.Join(strings.Fields(s.Text()), " ") }

// formToken loads page in the browser and returns the form's CSRF token,
// checking that it matches the cookie the page set.
func (b *browser) formToken(t testing.TB, page string, headers ...string) string {
	t.Helper()
	r := b.do(t, "GET", page, "", nil, headers...)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", page, r.StatusCode)
	}
	token, _ := one(t, html(t, r), `form input[name="csrf"]`).First().Attr("value")
	if token == "" || token != b.csrf(t) {
		t.Fatalf("form token %q does not match the cookie %q", token, b.csrf(t))
	}
	return token
}

// supportValues is a valid support form post, before any change.
func supportValues() map[string]string {
	return map[string]string{
		"roleContext": "guide",
		"fullName":    "Ana Martínez",
		"email":       "ana.martinez@example.com",
		"category":    "Booking",
		"subject":     "Tour cancelled by the guide",
		"message":     "My tour for 12 March was cancelled.\nCan I get a refund?",
	}
}

// formParts builds a multipart post from values (keys in sorted order, so
// failures repeat) followed by files.
func formParts(csrf string, values map[string]string, files ...part) []part {
	parts := []part{{Name: "csrf", Value: csrf}}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		parts = append(parts, part{Name: k, Value: values[k]})
	}
	return append(parts, files...)
}

// postMultipart posts parts as multipart/form-data with the browser's cookies.
func (b *browser) postMultipart(t testing.TB, path string, parts []part, headers ...string) response {
	t.Helper()
	body, ct := multipartBody(t, parts...)
	return b.do(t, "POST", path, ct, body, headers...)
}

// trackedTicket creates a ticket through the API and returns it with the
// tracking page's path.
func (s *testServer) trackedTicket(t testing.TB, fields map[string]any) (created, string) {
	t.Helper()
	c := s.createTicket(t, fields)
	return c, "/track/" + c.AccessToken
}

// supportAgent is the actor tests use for agents' messages and status changes.
var supportAgent = db.Actor{Type: "agent", Name: "Marta from support"}

// setStatus moves a ticket as an agent would.
func (s *testServer) setStatus(t testing.TB, id int64, status string) {
	t.Helper()
	if _, err := s.DB.UpdateTicket(t.Context(), id, db.TicketPatch{Status: &status}, supportAgent); err != nil {
		t.Fatalf("set status %s: %v", status, err)
	}
}
