package reply

import "testing"

// Small rules, one case each; the client layouts are in testdata.
func TestTextRules(t *testing.T) {
	const link = "https://help.kinconecta.test/track/hdt_9fQm2LxVb7TzK1pR"
	for _, tc := range []struct{ name, in, want string }{
		{"Plain", "Thanks, that works.\n", "Thanks, that works."},
		{"Empty", "", ""},
		{"Blank", " \n\t\n\u00a0\n", ""},
		{"OnlyQuote", "> old\n>> older\n", ""},
		{"CRLF", "Yes.\r\n\r\n> old\r\n", "Yes."},
		{"CR", "Yes.\r\rNo.\r", "Yes.\n\nNo."},
		{"BlankLinesCollapsed", "\n\nOne.\n\n\n\nTwo.\n\n\n", "One.\n\nTwo."},
		{"TrailingSpacesTrimmed", "One.   \nTwo.\t\n", "One.\nTwo."},
		{"IndentKept", "Steps:\n    1. pay\n    2. print\n", "Steps:\n    1. pay\n    2. print"},

		// What looks like history but is the person's.
		{"SentenceWithColon", "On Monday I wrote: the tour was cancelled.\nPlease check.\n", "On Monday I wrote: the tour was cancelled.\nPlease check."},
		{"FromInText", "From: the hotel, I walked to the meeting point.\n", "From: the hotel, I walked to the meeting point."},
		{"TripHeaders", "Our trip:\nFrom: Cancún\nTo: Tulum\nDate: 12 May\n", "Our trip:\nFrom: Cancún\nTo: Tulum\nDate: 12 May"},
		{"RowWithoutHeaders", "Menu\n----------\nTacos\n", "Menu\n----------\nTacos"},
		{"AddressAndTimeNoVerb", "Write to the desk (desk@hotel.example) before 18:00:\nthey keep the bags.\n", "Write to the desk (desk@hotel.example) before 18:00:\nthey keep the bags."},
		{"WeakIntroducerAtEnd", "Thanks.\n\nOn Monday, 3 March, Luis wrote:\n", "Thanks.\n\nOn Monday, 3 March, Luis wrote:"},
		{"MidLineGreaterThan", "Kids -> half price, adults > 12 full.\n", "Kids -> half price, adults > 12 full."},

		// What is history.
		{"StrongIntroducerAtEnd", "Thanks.\n\nOn Tue, Mar 10, 2026 at 11:02 AM Luis <luis@kinconecta.test> wrote:\n", "Thanks."},
		{"NameAddressWrote", "Yes.\n\nLuis <luis@kinconecta.test> wrote:\n> old\n", "Yes."},
		{"Zoho", "Yes.\n\n---- On Tue, 10 Mar 2026 11:02:13 -0600 Luis <luis@kinconecta.test> wrote ----\n\n> old\n", "Yes."},
		{"GermanNameFirst", "Ja.\n\nLuis <luis@kinconecta.test> schrieb am Di., 10. März 2026, 11:02:\n> alt\n", "Ja."},
		{"AppleMailDutch", "Ja.\n\nOp 10 mrt. 2026 om 11:02 heeft Luis <luis@kinconecta.test> het volgende geschreven:\n\n> oud\n", "Ja."},
		{"ThunderbirdPolish", "Tak.\n\nW dniu 10.03.2026 o 11:02, Luis pisze:\n> stare\n", "Tak."},
		{"ThunderbirdPortugal", "Sim.\n\nA 10/03/26 11:02, Luis escreveu:\n> antigo\n", "Sim."},
		{"ThunderbirdSwedish", "Ja.\n\nDen 2026-03-10 kl. 11:02, skrev Luis:\n> gammalt\n", "Ja."},
		{"GmailFinnish", "Kyllä.\n\nti 10. maalisk. 2026 klo 11.02 Luis (luis@kinconecta.test) kirjoitti:\n> vanha\n", "Kyllä."},
		{"OutlookPolish", "Tak.\n\nOd: Luis <luis@kinconecta.test>\nWysłano: wtorek, 10 marca 2026 11:02\nDo: Ana\nTemat: RE: wycieczka\n\nstare " + link + "\n", "Tak."},
		{"OutlookSwedish", "Ja.\n\nFrån: Luis <luis@kinconecta.test>\nSkickat: den 10 mars 2026 11:02\nTill: Ana\nÄmne: SV: turen\n\ngammalt " + link + "\n", "Ja."},
		{"OutlookDanish", "Ja.\n\nFra: Luis <luis@kinconecta.test>\nSendt: 10. marts 2026 11:02\nTil: Ana\nEmne: SV: turen\n\ngammelt " + link + "\n", "Ja."},
		{"OutlookPortuguese", "Sim.\n\nDe: Luis <luis@kinconecta.test>\nEnviada em: terça-feira, 10 de março de 2026 11:02\nPara: Ana\nAssunto: RE: passeio\n\nantigo " + link + "\n", "Sim."},
		{"IntroducerThenHeaders", "Yes.\n\nOn Tue, Mar 10, 2026, Luis wrote:\n\nFrom: Luis\nSent: Tuesday\nSubject: tour\n\nold " + link + "\n", "Yes."},

		{"LineAboveIntroducerKept", "Thanks Luis\nOn Tue, Mar 10, 2026 at 11:02 AM Kinconecta <soporte@kinconecta.test> wrote:\n> old\n", "Thanks Luis"},
		{"LineAboveIntroducerKeptEs", "Gracias Luis\nEl mar, 10 mar 2026 a las 11:02, Kinconecta (<soporte@kinconecta.test>) escribió:\n> viejo\n", "Gracias Luis"},
		{"LineAboveIntroducerKeptSv", "Tack Luis\ntis 10 mars 2026 kl 11:02 skrev Kinconecta <soporte@kinconecta.test>:\n> gammalt\n", "Tack Luis"},

		// Inline answers and their context.
		{"InlineAnswers", "> Can you send the receipt?\nYes, attached.\n> And the date?\nFriday.\n", "> Can you send the receipt?\nYes, attached.\n> And the date?\nFriday."},
		{"ContextAtMostThreeLines", "> one\n> two\n> three\n> four\nAnswer.\n> more\n", "> two\n> three\n> four\nAnswer."},
		{"ContextStopsAtParagraph", "> first paragraph\n>\n> the question?\nAnswer.\n> more\n", "> the question?\nAnswer."},
		{"ContextAcrossEmptyQuote", "> the question?\n>\nAnswer.\n> more\n", "> the question?\n\nAnswer."},
		{"ContextNeverALink", "> See the conversation:\n> " + link + "\nIt says expired.\n> Kinconecta Support\n", "It says expired."},
		{"BottomPostNoContext", "On Tue, Mar 10, 2026 at 11:02 AM Luis <luis@kinconecta.test> wrote:\n> Question?\n\nMy answer.\n", "My answer."},
		{"TopPostNoContext", "My answer.\n\n> Question?\n", "My answer."},
		{"NestedQuoteContext", ">> old question?\n> older answer\nNew answer.\n> more\n", ">> old question?\n> older answer\nNew answer."},

		{"RewrappedLinkInQuote", "Thanks.\n\nOn Tue, Mar 10, 2026, Luis <luis@kinconecta.test> wrote:\n> See the conversation:\n" + link + "\n> Kinconecta Support\n", "Thanks."},
		{"RewrappedLinkTail", "Thanks.\n\n> See: https://help.kinconecta.test/track/hdt_9fQm2L\nxVb7TzK1pR\n> Kinconecta Support\n", "Thanks."},

		// Forwards.
		{"ForwardKeepsQuotedLinesAsSent", "Begin forwarded message:\n\n> From: Hotel <h@hotel.example>\n> Subject: booking\n>\n> See you.\n", "Begin forwarded message:\n\n> From: Hotel <h@hotel.example>\n> Subject: booking\n>\n> See you."},
		{"ForwardOfOurNotificationDropped", "Look at this.\n\n-------- Forwarded Message --------\nSubject: [Ticket #12]\nFrom: Kinconecta <soporte@kinconecta.test>\n\nSee the conversation:\n" + link + "\n", "Look at this."},
		{"OwnLinkKept", "My page " + link + " says closed.\n\n> old\n", "My page " + link + " says closed."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Text(tc.in); got != tc.want {
				t.Fatalf("Text(%q) =\n%q, want\n%q", tc.in, got, tc.want)
			}
		})
	}
}
