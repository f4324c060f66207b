package mail

import "testing"

func TestStripQuoted(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"OK", "Thanks, that works.\n", "Thanks, that works."},
		{"Gmail", "Thanks!\n\nOn Tue, Mar 10, 2026 at 11:00 AM Kinconecta Soporte <soporte@kinconecta.test> wrote:\n> Hi Ana,\n> old\n", "Thanks!"},
		{"GmailWrapped", "Thanks!\n\nOn Tue, Mar 10, 2026 at 11:00 AM Kinconecta Soporte <\nsoporte@kinconecta.test> wrote:\n\n> old\n", "Thanks!"},
		{"GmailSpanish", "¡Gracias!\n\nEl mar, 10 mar 2026 a las 11:00, Kinconecta Soporte (<soporte@kinconecta.test>) escribió:\n> Hola\n", "¡Gracias!"},
		{"Outlook", "See attached.\n\n-----Original Message-----\nFrom: Kinconecta Soporte\nSent: Tuesday\n\nold text\n", "See attached."},
		{"OutlookSpanish", "Adjunto.\n\n-----Mensaje original-----\nDe: Kinconecta\n", "Adjunto."},
		{"OutlookHeaderBlock", "Done.\n\n________________________________\nFrom: Kinconecta Soporte <soporte@kinconecta.test>\nSent: Tuesday, March 10, 2026 11:00\nTo: Ana\n\nold\n", "Done."},
		{"OutlookHeaderBlockBare", "Listo.\n\nDe: Kinconecta Soporte <soporte@kinconecta.test>\nEnviado: martes, 10 de marzo de 2026 11:00\nPara: Ana\n", "Listo."},
		{"InlineAnswers", "> Can you send the receipt?\nYes, attached.\n> And the date?\nFriday.\n", "Yes, attached.\nFriday."},
		{"Signature", "Thanks.\n-- \nAna Martínez\n+52 55 1234 5678\n", "Thanks."},
		{"SentenceKept", "On Monday I wrote: the tour was cancelled.\nPlease check.\n", "On Monday I wrote: the tour was cancelled.\nPlease check."},
		{"FromInTextKept", "From: the hotel, I walked to the meeting point.\n", "From: the hotel, I walked to the meeting point."},
		{"BlankLinesCollapsed", "\n\nOne.\n\n\n\nTwo.\n\n\n", "One.\n\nTwo."},
		{"OnlyQuote", "> old\n>> older\n", ""},
		{"CRLF", "Yes.\r\n\r\n> old\r\n", "Yes."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := stripQuoted(tc.in); got != tc.want {
				t.Fatalf("stripQuoted(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestHTMLText(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"Paragraphs", "<p>One</p><p>Two <b>bold</b></p>", "One\n\nTwo bold"},
		{"Breaks", "<div>a<br>b</div>", "a\nb"},
		{"SourceNewlinesAreSpaces", "<p>one\ntwo</p>", "one two"},
		{"Entities", "<p>caf&eacute; &lt;b&gt;</p>", "café <b>"},
		{"QuotesDropped", "<p>Yes</p><blockquote><p>old</p></blockquote><div class=\"gmail_quote\">older</div>", "Yes"},
		{"ScriptDropped", "<style>p{}</style><script>alert(1)</script><p>Hi</p>", "Hi"},
		{"Broken", "<p>unclosed <b>tags", "unclosed tags"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := htmlText(tc.in); got != tc.want {
				t.Fatalf("htmlText(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestUnflow(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		delsp    bool
		want     string
	}{
		{"Soft", "This is a long \nline.\nNext.", false, "This is a long line.\nNext."},
		{"DelSp", "Long\u0020\nword.", true, "Longword."},
		{"Stuffed", " >not a quote\n", false, ">not a quote\n"},
		{"SignatureKept", "Thanks.\n-- \nAna", false, "Thanks.\n-- \nAna"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := unflow(tc.in, tc.delsp); got != tc.want {
				t.Fatalf("unflow(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
