package db

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// strictDomains is IDNA as a registry applies it (UTS #46 with the
// hyphen, joiner and bidi rules, letters, digits and hyphens only, DNS
// lengths): a domain it refuses is one no mailbox is reached at, such as
// invalid punycode (xn--.com) or a 64-letter label.
var strictDomains = idna.New(idna.MapForLookup(), idna.BidiRule(), idna.ValidateLabels(true),
	idna.StrictDomainName(true), idna.VerifyDNSLength(true), idna.CheckHyphens(true), idna.CheckJoiners(true))

// maxLocalPartLen is RFC 5321's limit on an address's local part, in bytes.
const maxLocalPartLen = 64

// emailTrouble says what, beyond its syntax (ValidEmail), makes an address
// no mailbox's, or "" when nothing does: a character that shows as
// nothing or reorders what follows (format characters such as U+200B,
// U+200D, U+00AD, U+202E, and every other default-ignorable code point),
// which makes one inbox look like many (victim@EXA\u200dMPLE.com passed
// the confirmation limits of victim@example.com, issue 8 re-test); a
// local part over 64 bytes; or a domain strict IDNA refuses.
func emailTrouble(s string) string {
	if !utf8.ValidString(s) {
		return "must be valid UTF-8"
	}
	for _, r := range s {
		if invisible(r) {
			return "must not contain invisible or direction-changing characters (" + fmt.Sprintf("U+%04X", r) + ")"
		}
	}
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return "must be a valid email address"
	}
	if at > maxLocalPartLen {
		return "must have at most 64 bytes before the @"
	}
	if _, err := strictDomains.ToASCII(s[at+1:]); err != nil {
		return "must have a valid internet domain after the @"
	}
	return ""
}

// invisible reports a control character or a default-ignorable code
// point (Unicode's DerivedCoreProperties: format characters, variation
// selectors, Hangul fillers and the rest), bidi controls included.
func invisible(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) ||
		unicode.In(r, unicode.Other_Default_Ignorable_Code_Point, unicode.Variation_Selector, unicode.Bidi_Control) ||
		r == utf8.RuneError
}
