package reply

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on what passes for a signature below a delimiter. "-- " is the
// standard delimiter (RFC 3676), so a longer block below it still counts;
// a bare "--" is also a plain separator in text, so the block below it
// must be short and read like a name card, not like sentences.
const (
	maxSignatureLines     = 15
	maxBareSignatureLines = 6
	maxContactLines       = 5
)

// stripSignature marks as shown the lines of s that the person wrote:
// phone-app lines ("Sent from my iPhone") go wherever they are, then a
// signature below a delimiter, then a contact block (name, title, phone)
// under a closing. It returns what is left of s. A forwarded message is
// shown as sent.
func stripSignature(lines []line, s segment, show []bool) segment {
	kept := make([]int, 0, s.end-s.start)
	for i := s.start; i < s.end; i++ {
		if !s.forwarded && isMobileSignature(lines[i].norm) {
			continue
		}
		kept = append(kept, i)
	}
	if !s.forwarded {
		kept = cutDelimitedSignature(lines, kept)
		kept = trimBlankIndexes(lines, kept)
		kept = cutContactBlock(lines, kept)
		kept = trimBlankIndexes(lines, kept)
	}
	for _, i := range kept {
		show[i] = true
	}
	if len(kept) == 0 {
		return segment{start: s.start, end: s.start, forwarded: s.forwarded}
	}
	return segment{start: kept[0], end: kept[len(kept)-1] + 1, forwarded: s.forwarded}
}

// isMobileSignature reports whether a whole line is what a phone or mail
// app adds ("Sent from my iPhone", "Enviado desde Outlook para Android").
func isMobileSignature(norm string) bool {
	return norm != "" && utf8.RuneCountInString(norm) <= 100 && mobileSignatureRe.MatchString(norm)
}

// cutDelimitedSignature drops a signature delimiter and what follows it,
// when what follows is a signature. The topmost such delimiter wins; one
// pass from the bottom counts what lies below each line.
func cutDelimitedSignature(lines []line, kept []int) []int {
	cut := len(kept)
	below, prose := 0, false
	for k := len(kept) - 1; k >= 0; k-- {
		l := &lines[kept[k]]
		text := strings.TrimRight(l.text, "\t")
		strong := text == "-- "
		if (strong || strings.TrimSpace(text) == "--") &&
			((strong && below <= maxSignatureLines) || (!strong && below <= maxBareSignatureLines && !prose)) {
			cut = k
		}
		if l.norm != "" {
			below++
			prose = prose || isProse(l.norm)
		}
	}
	return kept[:cut]
}

// isProse reports whether a line reads like a sentence rather than a name,
// a title or an address.
func isProse(norm string) bool {
	words := len(strings.Fields(norm))
	last, _ := utf8.DecodeLastRuneInString(norm)
	switch {
	case words >= 10:
		return true
	case (last == '?' || last == '!') && words >= 2:
		return true
	case last == '.' && words >= 4:
		return true
	}
	return false
}

// cutContactBlock drops a name-and-phone block at the end of kept when a
// closing ("Saludos,", "Regards") stands right above it. Without one, a
// name and a number may be what the person tells us ("call the driver:
// Carlos, +52 …"), so they stay.
func cutContactBlock(lines []line, kept []int) []int {
	b := len(kept)
	phones := 0
	for b > 0 {
		norm := lines[kept[b-1]].norm
		if norm == "" || closingRe.MatchString(norm) {
			break
		}
		switch {
		case isPhoneLine(norm):
			phones++
		case isContactLine(norm):
		default:
			return kept
		}
		b--
	}
	if phones == 0 || len(kept)-b > maxContactLines {
		return kept
	}
	// The closing may sit one blank line above the block.
	c := b - 1
	if c >= 0 && lines[kept[c]].norm == "" {
		c--
	}
	if c < 0 || !closingRe.MatchString(lines[kept[c]].norm) {
		return kept
	}
	return kept[:b]
}

// isPhoneLine reports whether a line is a phone number, perhaps after a
// short label ("Tel.:", "Móvil", "WhatsApp").
func isPhoneLine(norm string) bool {
	start := strings.IndexFunc(norm, func(r rune) bool { return r == '+' || r == '(' || unicode.IsDigit(r) })
	if start < 0 || start > 20 {
		return false
	}
	for _, r := range norm[:start] {
		if !unicode.IsLetter(r) && !strings.ContainsRune(" .:/|-", r) {
			return false
		}
	}
	digits := 0
	for _, r := range norm[start:] {
		switch {
		case unicode.IsDigit(r):
			digits++
		case strings.ContainsRune(" +()-./|", r):
		default:
			return false
		}
	}
	return digits >= 7 && digits <= 20
}

// isContactLine reports whether a line could be part of a name card: a
// name, a title, a company, an address, a web or mail address.
func isContactLine(norm string) bool {
	words := len(strings.Fields(norm))
	if (emailRe.MatchString(norm) || urlRe.MatchString(norm)) && words <= 5 {
		return true
	}
	if words > 6 || utf8.RuneCountInString(norm) > 60 {
		return false
	}
	first, _ := utf8.DecodeRuneInString(norm)
	last, _ := utf8.DecodeLastRuneInString(norm)
	return (unicode.IsUpper(first) || unicode.IsDigit(first)) && !strings.ContainsRune(".,:;!?", last)
}

// trimBlankIndexes drops blank lines at both ends of kept.
func trimBlankIndexes(lines []line, kept []int) []int {
	for len(kept) > 0 && lines[kept[0]].norm == "" {
		kept = kept[1:]
	}
	for len(kept) > 0 && lines[kept[len(kept)-1]].norm == "" {
		kept = kept[:len(kept)-1]
	}
	return kept
}
