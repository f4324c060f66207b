package reply

import (
	"strings"
	"testing"
)

func TestHTML(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"Paragraphs", "<p>One</p><p>Two <b>bold</b></p>", "One\n\nTwo bold"},
		{"Breaks", "<div>a<br>b</div>", "a\nb"},
		{"GmailBlankLine", "<div>Hi</div><div><br></div><div>Thanks</div>", "Hi\n\nThanks"},
		{"TrailingBreakInBlock", "<div>Hi<br></div><div>Thanks</div>", "Hi\nThanks"},
		{"SourceNewlinesAreSpaces", "<p>one\ntwo</p>", "one two"},
		{"Entities", "<p>caf&eacute; &lt;b&gt;</p>", "café <b>"},
		{"ScriptStyleHidden", "<style>p{}</style><script>alert(1)</script><div style=\"display: none\">pre</div><p>Hi</p>", "Hi"},
		{"Broken", "<p>unclosed <b>tags", "unclosed tags"},
		{"LinkTextDiffers", `<a href="https://x.example/a">the menu</a>`, "the menu (https://x.example/a)"},
		{"LinkTextIsURL", `<a href="https://x.example/">x.example</a>`, "x.example"},
		{"MailtoLink", `<a href="mailto:ana@example.com">ana@example.com</a>`, "ana@example.com"},
		{"ImageLinkNoText", `<p>Hi</p><a href="https://x.example"><img src="cid:logo"></a>`, "Hi"},
		{"UnorderedList", "<ul><li>a</li><li>b</li></ul>", "- a\n- b"},
		{"OrderedList", "<ol><li>a</li><li>b</li></ol>", "1. a\n2. b"},
		{"QuoteDropped", "<p>Yes</p><blockquote><p>old</p></blockquote>", "Yes"},
		{"GmailIndentKept", `<blockquote style="margin:0 0 0 40px;border:none;padding:0px">mine</blockquote>`, "mine"},
		{"GmailAttrDropsInAnyLanguage", `<p>Danke</p><div class="gmail_quote"><div class="gmail_attr">Unbekannte Zeile ohne Datum:</div><blockquote class="gmail_quote">alt</blockquote></div>`, "Danke"},
		{"OnlyQuote", "<blockquote>old</blockquote>", ""},
		{"Empty", "", ""},
		{"GmailForwardKept", `<div dir="ltr"><br><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">---------- Forwarded message ---------<br>From: <strong class="gmail_sendername" dir="auto">Hotel</strong> <span dir="auto">&lt;h@hotel.example&gt;</span><br>Date: Mon, Mar 9, 2026 at 6:40 PM<br>Subject: Booking<br>To: &lt;ana@example.com&gt;<br></div><br><br><div>Dear Ana, confirmed.</div></div></div>`,
			"---------- Forwarded message ---------\nFrom: Hotel <h@hotel.example>\nDate: Mon, Mar 9, 2026 at 6:40 PM\nSubject: Booking\nTo: <ana@example.com>\n\nDear Ana, confirmed."},
		{"AppleForwardKept", `<div>Look.</div><div><br><div>Begin forwarded message:</div><br><blockquote type="cite"><div><b>From: </b>Hotel &lt;h@hotel.example&gt;<br></div><div><b>Subject: </b>Booking<br></div><br><div>Dear Ana, confirmed.</div></blockquote></div>`,
			"Look.\n\nBegin forwarded message:\n\n> From: Hotel <h@hotel.example>\n> Subject: Booking\n>\n> Dear Ana, confirmed."},
		{"YahooByStructure", `<div>OK</div><div id="ydp3f2ayahoo_quoted_0123" class="ydp3f2ayahoo_quoted"><div>2026年3月10日 11:02 Luis さんは書きました:</div><div>old text</div></div>`, "OK"},
		{"DecorativeRuleKept", "<p>Plan</p><hr><p>From: the hotel we walk.</p>", "Plan\n\nFrom: the hotel we walk."},
		{"TooDeepReadFlat", "<p>mine</p>" + strings.Repeat("<div>", 600) + "deep<blockquote>old</blockquote>", "mine\ndeep"},
		{"HTMLGreaterThanIsText", "<p>&gt; not a quote</p><blockquote>old</blockquote>", "> not a quote"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := HTML(strings.NewReader(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("HTML(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
