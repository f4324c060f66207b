package i18n

import (
	"strconv"
	"strings"
	"time"
)

// Spanish month abbreviations as CLDR writes them ("sept", not "sep").
var monthsES = [...]string{"ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"}

// Date writes a day the way the language does: "Nov 27, 2026" in English,
// "27 nov 2026" in Spanish.
func (l Lang) Date(t time.Time) string {
	if l == ES {
		return strconv.Itoa(t.Day()) + " " + monthsES[t.Month()-1] + " " + strconv.Itoa(t.Year())
	}
	return t.Format("Jan 2, 2006")
}

// DateTime is Date with the 24-hour time in UTC, the zone the server
// renders in (the page's script shows the reader's own zone when it runs).
func (l Lang) DateTime(t time.Time) string {
	t = t.UTC()
	return l.Date(t) + ", " + t.Format("15:04") + " UTC"
}

// Number writes an integer with the language's grouping: "10,000" in
// English, "10.000" in Spanish, which leaves four-digit numbers ungrouped
// ("1000"), as the RAE and CLDR do.
func (l Lang) Number(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	sep := ","
	if l == ES {
		sep = "."
		if len(s) <= 4 {
			sep = ""
		}
	}
	if sep != "" {
		var b strings.Builder
		for i, r := range s {
			if i > 0 && (len(s)-i)%3 == 0 {
				b.WriteString(sep)
			}
			b.WriteRune(r)
		}
		s = b.String()
	}
	if neg {
		return "-" + s
	}
	return s
}

// Size writes a byte count for people: "512 bytes", "1.5 MB" in English,
// "1,5 MB" in Spanish. Units are powers of 1024, like the upload limits.
func (l Lang) Size(n int64) string {
	const unit = 1024
	if n < unit {
		return l.Number(n) + " bytes"
	}
	units := []string{"KB", "MB", "GB", "TB"}
	v := float64(n) / unit
	i := 0
	for v >= unit && i < len(units)-1 {
		v /= unit
		i++
	}
	s := strconv.FormatFloat(v, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	if l == ES {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s + " " + units[i]
}

// Span writes how long something has lasted, in its largest whole unit,
// as a queue's "waiting" column reads at a glance: "under a minute",
// "5 min", "3 h", "2 days" ("menos de un minuto", "5 min", "3 h",
// "2 días"). Rounding down keeps a promise of "less than" honest.
func (l Lang) Span(d time.Duration) string {
	switch {
	case d < time.Minute:
		if l == ES {
			return "menos de un minuto"
		}
		return "under a minute"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + " min"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + " h"
	}
	days := l.Number(int64(d / (24 * time.Hour)))
	if l == ES {
		return days + " días"
	}
	return days + " days"
}
