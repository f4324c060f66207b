package db

import (
	"strings"
	"testing"
)

// TestValidEmail: a requester has a mailbox on a domain. Address literals
// and bare IP addresses name a machine, not a domain, and are refused;
// IDN domains (in any normal form, or punycode), +tags and dots stay valid.
func TestValidEmail(t *testing.T) {
	for _, tc := range []struct {
		name  string
		email string
		want  bool
	}{
		{"OK", "ana@example.com", true},
		{"OKDots", "ana.maria.martinez@mail.example.co.uk", true},
		{"OKTag", "ana+tours@example.com", true},
		{"OKHyphenDigits", "ana-1@ex-ample2.com", true},
		{"OKIDN", "victim@exämple.com", true},
		{"OKIDNDecomposed", "victim@exa\u0308mple.com", true},
		{"OKPunycode", "victim@xn--exmple-cua.com", true},
		{"OKPunycodeTLD", "ana@example.xn--p1ai", true},
		{"OKNonASCIILocal", "josé@example.com", true},
		{"OKDigitsInDomain", "ana@123.example.com", true},
		{"ErrAddressLiteral", "victim@[93.184.216.34]", false},
		{"ErrAddressLiteralIPv6", "victim@[IPv6:2001:db8::1]", false},
		{"ErrBareIP", "victim@93.184.216.34", false},
		{"ErrNumericTLD", "victim@example.123", false},
		{"ErrNoDot", "ana@localhost", false},
		{"ErrTrailingDot", "ana@example.com.", false},
		{"ErrDisplayName", "Ana <ana@example.com>", false},
		{"ErrNoLocal", "@example.com", false},
		{"ErrSpace", "ana maria@example.com", false},
		{"ErrZWJInDomain", "victim@EXA\u200dMPLE.com", false},
		{"ErrZWSPInDomain", "victim@exa\u200bmple.com", false},
		{"ErrZWSPInLocal", "vic\u200btim@example.com", false},
		{"ErrSoftHyphenInLocal", "vic\u00adtim@example.com", false},
		{"ErrRLOInLocal", "vic\u202etim@example.com", false},
		{"ErrBOM", "\ufeffvictim@example.com", false},
		{"ErrVariationSelector", "victim\ufe0f@example.com", false},
		{"ErrHangulFiller", "victim\u3164@example.com", false},
		{"ErrInvalidPunycode", "a@xn--.com", false},
		{"ErrInvalidPunycodeLabel", "a@xn--a.com", false},
		{"ErrUnderscoreDomain", "a@mail_server.example.com", false},
		{"OKLabel63", "a@" + strings.Repeat("b", 63) + ".com", true},
		{"ErrLabel64", "a@" + strings.Repeat("b", 64) + ".com", false},
		{"OKLocal64", strings.Repeat("a", 64) + "@example.com", true},
		{"ErrLocal65", strings.Repeat("a", 65) + "@example.com", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ValidEmail(tc.email); got != tc.want {
				t.Fatalf("ValidEmail(%+q) = %v, want %v", tc.email, got, tc.want)
			}
		})
	}
}
