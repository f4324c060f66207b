package reply

import "testing"

// An answer written between the lines of our own notification keeps the
// person's words and none of ours: the notification's lines carry the
// conversation (already in the thread) and, somewhere, the requester's
// private link.
func TestContextNeverFromOurNotification(t *testing.T) {
	const link = "https://help.kinconecta.test/track/hdt_9fQm2LxVb7TzK1pR"
	for _, tc := range []struct{ name, in, want string }{
		{"LinkBelowAnswers", "" +
			"> Pablo (Kinconecta) wrote:\n" +
			"> Can you send the receipt?\n" +
			"Yes, attached.\n" +
			"> And the date of the tour?\n" +
			"Friday the 13th.\n" +
			"> See the conversation: " + link + "\n",
			"Yes, attached.\n\nFriday the 13th."},
		{"LinkAboveAnswers", "" +
			"> Your request #12: " + link + "\n" +
			">\n" +
			"> ¿Nos envía el recibo?\n" +
			"Sí, adjunto.\n" +
			"> Gracias\n",
			"Sí, adjunto."},
		{"LinkCutByRewrap", "" +
			"> Which guide was it?\n" +
			"Luis.\n" +
			"> See: https://help.kinconecta.test/track/hdt_9fQm2L\n" +
			"xVb7TzK1pR\n" +
			"> Kinconecta Support\n",
			"Luis."},
		{"NestedUnderIntroducer", "" +
			"On Tue, Mar 10, 2026 at 11:02 AM Kinconecta <soporte@kinconecta.test> wrote:\n" +
			"> Hi Ana,\n" +
			"> is the pickup at the hotel?\n" +
			"Yes, at the lobby.\n" +
			"> Reply above this line or open " + link + "\n",
			"Yes, at the lobby."},
		// Someone else's quote keeps its context, as before.
		{"OtherQuoteKeepsContext", "" +
			"> Is the pickup at the hotel?\n" +
			"Yes, at the lobby.\n" +
			"> Anything else?\n",
			"> Is the pickup at the hotel?\nYes, at the lobby."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Text(tc.in)
			if got != tc.want {
				t.Fatalf("Text(%q) =\n%q, want\n%q", tc.in, got, tc.want)
			}
			if trackLinkRe.MatchString(got) {
				t.Fatalf("a private tracking link survived: %q", got)
			}
		})
	}
}
