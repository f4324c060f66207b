package reply

import "testing"

func TestDecodeFlowed(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		delSp    bool
		want     string
	}{
		{"Fixed", "One.\nTwo.", false, "One.\nTwo."},
		{"Soft", "This is a long \nline.\nNext.", false, "This is a long line.\nNext."},
		{"CRLF", "a \r\nb\r\n", false, "a b\n"},
		{"DelSp", "Longw \nord.", true, "Longword."},
		{"DelSpNo", "Long \nword.", false, "Long word."},
		{"QuotedJoined", "> one \n> two\n", false, "> one two\n"},
		{"NestedJoined", ">> one \n>>two\n", false, ">> one two\n"},
		{"QuotedNotJoinedToReply", "> Can we move it to \n> Friday? \nYes, Friday.", false, "> Can we move it to Friday? \nYes, Friday."},
		{"ReplyNotJoinedToQuote", "I think \n> quoted", false, "I think \n> quoted"},
		{"DepthChange", "> a \n>> b", false, "> a \n>> b"},
		{"Stuffed", " From here\n", false, "From here\n"},
		{"StuffedQuoteMarkKept", " >not a quote\n", false, " >not a quote\n"},
		{"QuotedStuffed", "> > not nested\n", false, "> > not nested\n"},
		{"SignatureNotSoft", "Thanks.\n-- \nAna", false, "Thanks.\n-- \nAna"},
		{"QuotedSignatureNotSoft", "> -- \n> Ana", false, "> -- \n> Ana"},
		{"EmptyQuoted", ">\n> a", false, ">\n> a"},
		{"SoftAtEnd", "last \n", false, "last \n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := DecodeFlowed(tc.in, tc.delSp); got != tc.want {
				t.Fatalf("DecodeFlowed(%q, %v) = %q, want %q", tc.in, tc.delSp, got, tc.want)
			}
		})
	}
}

// A stuffed ">" is the person's, not a quote: after decoding, Text keeps it.
func TestDecodeFlowedStuffingSurvivesText(t *testing.T) {
	in := "Group size:\n >20 people is fine?\n"
	if got, want := Text(DecodeFlowed(in, false)), "Group size:\n >20 people is fine?"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
