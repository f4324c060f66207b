package handlers

import (
	"net/http"
	"strings"
	"testing"
)

// An address with an invisible character, or a domain strict IDNA
// refuses, is refused with a message saying why (issue 8, re-tested):
// victim@EXA\u200dMPLE.com got a confirmation after victim@example.com
// had used up its five.
func TestCreateTicketInvisibleEmail(t *testing.T) {
	s := newTestServer(t)
	for _, tc := range []struct{ name, email, says string }{
		{"ErrZWJ", "victim@EXA\u200dMPLE.com", "U+200D"},
		{"ErrRLO", "vic\u202etim@example.com", "U+202E"},
		{"ErrZWSP", "vic\u200btim@example.com", "U+200B"},
		{"ErrSoftHyphen", "vic\u00adtim@example.com", "U+00AD"},
		{"ErrPunycode", "a@xn--.com", "domain"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := validTicket()
			body["email"] = tc.email
			r := s.postJSON(t, "/api/support-tickets", body)
			if got, want := r.StatusCode, http.StatusUnprocessableEntity; got != want {
				t.Fatalf("status = %d, want %d: %s", got, want, r.Body)
			}
			p := r.Problem(t)
			if len(p.Errors) != 1 || p.Errors[0].Field != "email" || !strings.Contains(p.Errors[0].Message, tc.says) {
				t.Fatalf("errors %+v: want one on email naming %q", p.Errors, tc.says)
			}
		})
	}
	if n := countTickets(t, s); n != 0 {
		t.Errorf("%d tickets stored", n)
	}
}
