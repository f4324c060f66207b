package mail

import (
	"strings"
	"testing"
)

// TestSupportInvisibleSender: an email to the support address from an
// address with an invisible character opens no ticket and is refused
// (550 5.1.7), so no confirmation goes to a spelling of someone else's
// inbox the limits would count apart (issue 8, re-tested).
func TestSupportInvisibleSender(t *testing.T) {
	d := supportDesk(t)
	d.start(t)
	for _, from := range []string{"victim@EXA\u200dMPLE.com", "vic\u202etim@example.com", "a@xn--.com"} {
		raw := "From: " + from + "\nTo: " + testSupport + "\nSubject: Help\nMessage-ID: <" + strings.ReplaceAll(from, "@", ".") + "@mail.example.com>\n\nPlease help.\n"
		err := deliver(t, d, "bounce@example.com", testSupport, raw)
		if err == nil || !strings.Contains(err.Error(), "550") {
			t.Errorf("From %+q: %v, want a 550 refusal", from, err)
		}
	}
	if got := emailTickets(t, d); len(got) != 0 {
		t.Fatalf("%d tickets opened", len(got))
	}
}
