package db

import (
	"strings"
	"testing"
)

// A name shortened to MaxFileNameLen keeps its extension: the stem is cut.
func TestCleanFileNameKeepsExtension(t *testing.T) {
	stem := strings.Repeat("Comprobante de pago de la reserva ", 10)
	for _, tc := range []struct{ name, in, want string }{
		{"Short", "recibo.pdf", "recibo.pdf"},
		{"LongPDF", stem + ".pdf", strings.TrimSpace(stem[:MaxFileNameLen-4]) + ".pdf"},
		{"LongMultibyte", strings.Repeat("ñ", 300) + ".heic", strings.Repeat("ñ", MaxFileNameLen-5) + ".heic"},
		{"LongNoExtension", strings.Repeat("a", 300), strings.Repeat("a", MaxFileNameLen)},
		{"LongEndingIsText", strings.Repeat("a", 250) + ". and then more words", strings.Repeat("a", 250) + ". and"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := CleanFileName(tc.in)
			if got != tc.want {
				t.Fatalf("CleanFileName(%d chars) = %q, want %q", len(tc.in), got, tc.want)
			}
			if n := len([]rune(got)); n > MaxFileNameLen {
				t.Fatalf("%d characters", n)
			}
		})
	}
}

// HEIC and HEIF photos are accepted types (iPhones take them).
func TestAllowedTypesHEIC(t *testing.T) {
	for _, mime := range []string{"image/heic", "image/heif"} {
		if !IsAllowedType(mime) {
			t.Errorf("%s is refused", mime)
		}
	}
	if IsAllowedType("image/heic-sequence") || IsAllowedType("image/svg+xml") {
		t.Error("a type outside AllowedTypes is accepted")
	}
}
