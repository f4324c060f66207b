package i18n

import (
	"testing"
	"time"
)

func TestMatch(t *testing.T) {
	tests := []struct {
		name, choice, accept string
		want                 Lang
	}{
		{"Nothing", "", "", EN},
		{"Spanish", "", "es", ES},
		{"SpanishRegion", "", "es-MX,es;q=0.9", ES},
		{"EnglishFirst", "", "en-US,es;q=0.8", EN},
		{"SpanishFirst", "", "es-ES,en;q=0.8", ES},
		{"Unsupported", "", "fr-FR,de;q=0.9", EN},
		{"UnsupportedThenSpanish", "", "fr-FR,es;q=0.5", ES},
		{"ChoiceWins", "en", "es", EN},
		{"ChoiceSpanish", "es", "en", ES},
		{"BadChoiceIgnored", "xx", "es", ES},
		{"ChoiceUpperCase", "ES", "en", ES},
		{"ChoiceRegion", "es-MX", "en", ES},
		{"ChoiceUnderscore", "es_MX", "en", ES},
		{"ChoiceLatinAmerica", "es-419", "en", ES},
		{"ChoiceEnglishRegion", "en-GB", "es", EN},
		{"ChoiceOtherLanguage", "fr-CA", "es-MX", ES},
		{"Garbage", "", ";;;q=", EN},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Match(tc.choice, tc.accept); got != tc.want {
				t.Fatalf("Match(%q, %q) = %q, want %q", tc.choice, tc.accept, got, tc.want)
			}
		})
	}
}

func TestFormats(t *testing.T) {
	day := time.Date(2026, 11, 27, 15, 4, 0, 0, time.UTC)
	sept := time.Date(2026, 9, 3, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name, got, want string
	}{
		{"DateEN", EN.Date(day), "Nov 27, 2026"},
		{"DateES", ES.Date(day), "27 nov 2026"},
		{"DateESSeptember", ES.Date(sept), "3 sept 2026"},
		{"DateTimeEN", EN.DateTime(day), "Nov 27, 2026, 15:04 UTC"},
		{"DateTimeES", ES.DateTime(day), "27 nov 2026, 15:04 UTC"},
		{"NumberEN", EN.Number(10000), "10,000"},
		{"NumberES", ES.Number(10000), "10.000"},
		{"NumberESFourDigits", ES.Number(1000), "1000"},
		{"NumberENFourDigits", EN.Number(1000), "1,000"},
		{"NumberMillion", ES.Number(1234567), "1.234.567"},
		{"NumberNegative", EN.Number(-1234), "-1,234"},
		{"NumberSmall", EN.Number(7), "7"},
		{"SizeBytes", EN.Size(512), "512 bytes"},
		{"SizeKB", EN.Size(1536), "1.5 KB"},
		{"SizeKBES", ES.Size(1536), "1,5 KB"},
		{"SizeWholeMB", EN.Size(10 << 20), "10 MB"},
		{"SizeMBES", ES.Size(2621440), "2,5 MB"},
		{"SpanSeconds", EN.Span(40 * time.Second), "under a minute"},
		{"SpanSecondsES", ES.Span(40 * time.Second), "menos de un minuto"},
		{"SpanMinutes", EN.Span(59*time.Minute + 59*time.Second), "59 min"},
		{"SpanHours", ES.Span(47 * time.Hour), "47 h"},
		{"SpanDays", EN.Span(49 * time.Hour), "2 days"},
		{"SpanDaysES", ES.Span(1500 * 24 * time.Hour), "1500 días"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Fatalf("%q, want %q", tc.got, tc.want)
			}
		})
	}
}
