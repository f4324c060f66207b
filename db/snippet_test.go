package db

import (
	"strings"
	"testing"
)

// A search's snippet is the sentence that matched in the message or the
// conversation, never a repeat of the subject (issue 11).
func TestSnippetShowsMatchingSentence(t *testing.T) {
	d := mustOpen(t)
	tk := mustTicket(t, d, "Refund for the kayak tour",
		"Hello team. I booked the kayak tour last week and it was cancelled! Please send the money back.")
	subjectOnly := mustTicket(t, d, "Lost passport", "Nothing else to say")
	tests := []struct {
		name, query string
		id          int64
		want        string // "" for no snippet
	}{
		{"OK", "kayak", tk.ID, "I booked the " + SnippetStart + "kayak" + SnippetEnd + " tour last week and it was cancelled!"},
		{"LaterSentence", "money", tk.ID, "Please send the " + SnippetStart + "money" + SnippetEnd + " back."},
		{"SubjectOnly", "passport", subjectOnly.ID, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, page := searchIDs(t, d, TicketFilter{Query: tc.query, Snippets: true})
			got, ok := page.Snippets[tc.id]
			if tc.want == "" {
				if ok {
					t.Fatalf("snippet %q, want none (the subject shows the match)", got)
				}
				return
			}
			if got != tc.want {
				t.Fatalf("snippet %q, want %q", got, tc.want)
			}
			if strings.Contains(got, "Refund for") {
				t.Errorf("snippet %q repeats the subject", got)
			}
		})
	}
}

func TestMatchingSentence(t *testing.T) {
	m := func(w string) string { return SnippetStart + w + SnippetEnd }
	tests := []struct{ name, in, want string }{
		{"Middle", "…end of one. The " + m("kayak") + " left. Next one…", "The " + m("kayak") + " left."},
		{"NoEndKeepsEllipsis", "…so the " + m("kayak") + " was late…", "…so the " + m("kayak") + " was late…"},
		{"LineBreak", "Hi\nThe " + m("pier") + " is closed\nBye", "The " + m("pier") + " is closed"},
		{"DecimalNotAnEnd", "It cost 3.50 for the " + m("kayak") + ".", "It cost 3.50 for the " + m("kayak") + "."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := matchingSentence(tc.in); got != tc.want {
				t.Fatalf("matchingSentence(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
