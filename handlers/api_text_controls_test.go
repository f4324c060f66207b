package handlers

import (
	"net/http"
	"strings"
	"testing"
)

// TestCreateTicketControlCharacters: through the real server, a name or
// subject with a control character (ESC, a C1 control, a line break
// inside it) answers 422 naming the field, and an address literal is not
// an email address; a message keeps its tabs and line breaks.
func TestCreateTicketControlCharacters(t *testing.T) {
	s := newTestServer(t)
	for _, tc := range []struct {
		name      string
		field     string
		value     string
		wantField string // "" for a created ticket
	}{
		{"ErrNameESC", "fullName", "\x1b[31mKinconecta Security\x1b[0m", "fullName"},
		{"ErrNameC1", "fullName", "Ana\u009b2J", "fullName"},
		{"ErrSubjectESC", "subject", "Pago \x1b]8;;https://evil.example\x1b\\aquí", "subject"},
		{"ErrSubjectLineBreak", "subject", "Help\r\nBcc: evil@example.com", "subject"},
		{"ErrEmailAddressLiteral", "email", "victim@[93.184.216.34]", "email"},
		{"OKMessageTabsAndLines", "message", "Hola,\r\n\tuna línea\n\nAdiós", ""},
		{"OKTrimmedSubject", "subject", "\tReembolso\n", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := validTicket()
			body[tc.field] = tc.value
			r := s.postJSON(t, "/api/support-tickets", body)
			if tc.wantField == "" {
				if r.StatusCode != http.StatusCreated {
					t.Fatalf("status = %d, want 201: %s", r.StatusCode, r.Body)
				}
				return
			}
			if got, want := r.StatusCode, http.StatusUnprocessableEntity; got != want {
				t.Fatalf("status = %d, want %d: %s", got, want, r.Body)
			}
			found := false
			for _, fe := range r.Problem(t).Errors {
				found = found || fe.Field == tc.wantField
			}
			if !found {
				t.Fatalf("errors %s do not name %q", strings.TrimSpace(string(r.Body)), tc.wantField)
			}
		})
	}
}
