// Package reply extracts what a person wrote from an emailed reply: quoted
// history, the client's "sent from my phone" lines and signatures go; the
// person's own text, including answers written between quoted lines,
// stays.
//
// It works in stages. Line endings are normalised; then, line by line, the
// earliest point where history starts is found, judged by what follows it
// (an "On … wrote:" line counts only above quoted text or a header block,
// so a sentence that merely looks like one is kept); quoted blocks are
// removed while the unquoted lines between them are kept; signatures and
// phone lines are stripped from the end of each kept block; and the rest
// is trimmed. The words clients use in each language are tables in
// patterns.go.
//
// Inline answers keep their context: when the person answers between
// quoted lines, the quoted paragraph right above each answer (up to three
// lines, never one holding a link) is kept as written, with its ">";
// unless the quote is our own notification (it holds a private tracking
// link), whose lines are never kept: then the answers stand alone.
package reply

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxIntroducerLines is how many lines a wrapped attribution may span:
// Gmail wraps at 78 columns, so a long name and address take three.
const maxIntroducerLines = 3

// contextLines is how much of the quote above an inline answer is kept.
const contextLines = 3

// Text returns what the person wrote in a plain-text reply, or "" when
// nothing of theirs remains (only quotes, signatures, or nothing at all).
// The result is never longer than body: it is made of body's own lines.
// Decode format=flowed text with DecodeFlowed first.
func Text(body string) string {
	return extract(splitText(body))
}

// line is one line of the reply, with what the HTML structure (if any)
// says about it.
type line struct {
	text   string // as written, without the line ending
	quoted bool   // a quote of an earlier message (">" or <blockquote>)
	cut    bool   // HTML: the structure says earlier messages start here
	rule   bool   // HTML: drawn right under a horizontal rule

	// Worked out once per line by prepare.
	norm     string // text prepared for matching (see normalize)
	header   bool   // a header line ("From: …", "Asunto: …")
	field    field  // which header, if header
	hasEmail bool   // the header's value holds an address
}

// splitText turns plain text into lines; a quote is a line that starts
// with ">", and ">" anywhere else is just text.
func splitText(body string) []line {
	body = strings.ReplaceAll(body, "\r\n", "\n")
	body = strings.ReplaceAll(body, "\r", "\n")
	parts := strings.Split(body, "\n")
	lines := make([]line, len(parts))
	for i, p := range parts {
		lines[i] = line{text: p, quoted: strings.HasPrefix(p, ">")}
	}
	return lines
}

// What the classification decides for each line.
type verdict uint8

const (
	keep      verdict = iota // the person's
	quote                    // a quoted line: removed, may give an answer its context
	history                  // an introducer, a header block or history below it: removed
	forwarded                // part of a forwarded message: kept
)

// extract runs the stages on lines.
func extract(lines []line) string {
	prepare(lines)
	v := classify(lines)
	segs := segments(lines, v)
	show := make([]bool, len(lines))
	for i, s := range segs {
		segs[i] = stripSignature(lines, s, show)
	}
	addContext(lines, v, segs, show)
	return assemble(lines, show)
}

// prepare works out once what the later stages ask of each line.
func prepare(lines []line) {
	for i := range lines {
		l := &lines[i]
		l.norm = normalize(l.text)
		if !l.quoted {
			l.field, l.header, l.hasEmail = headerLine(l.norm)
		}
	}
}

// headerLine reads "From: …", "*From:* …" or "De : …" with any label of
// headerNames: which field, and whether its value holds an address.
func headerLine(norm string) (f field, ok, hasEmail bool) {
	c := strings.IndexByte(norm, ':')
	if c <= 0 || c > 40 {
		return 0, false, false
	}
	label := strings.ToLower(strings.Trim(norm[:c], "*_ "))
	if f, ok = headerFields[label]; !ok {
		return 0, false, false
	}
	return f, true, emailRe.MatchString(norm[c+1:])
}

// classify decides, line by line, what is the person's and what is history.
func classify(lines []line) []verdict {
	v := make([]verdict, len(lines))
	inHistory := false // a quote or an introducer was seen above
	for i := 0; i < len(lines); {
		l := lines[i]
		if l.cut {
			endHistory(lines, v, i)
			return v
		}
		if l.quoted {
			v[i] = quote
			inHistory = true
			i++
			continue
		}
		if l.norm == "" {
			i++
			continue
		}
		if inHistory && (trackLinkRe.MatchString(l.text) || continuesTrackLink(lines, i)) {
			// A client that rewraps quotes may leave part of a quoted line
			// unquoted; a private link there is still ours.
			v[i] = history
			i++
			continue
		}
		if forwardedRe.MatchString(l.norm) {
			keepForwarded(lines, v, i)
			return v
		}
		end, rest := startsHistory(lines, i)
		switch {
		case rest:
			endHistory(lines, v, i)
			return v
		case end > i:
			// An introducer above a quote: the quote goes line by line,
			// so what the person wrote between quoted lines stays.
			for j := i; j < end; j++ {
				v[j] = history
			}
			i, inHistory = end, true
		default:
			i++
		}
	}
	return v
}

// startsHistory says whether lines[i] starts quoted history. It returns
// the end of the introducing lines and whether everything from i on is
// history (an Outlook header block above an unquoted message, say).
// end == i means no history starts here.
func startsHistory(lines []line, i int) (end int, rest bool) {
	text := lines[i].norm
	switch {
	case originalMessageRe.MatchString(text):
		// Unmistakable on its own; a header block below belongs with it.
		end = i + 1
		if j := nextNonBlank(lines, end); j < len(lines) && !lines[j].quoted {
			if e, ok := headerBlock(lines, j, true); ok {
				end = e
			}
		}
		return end, !quotedNext(lines, end)
	case ruleRe.MatchString(text):
		// A row of dashes or underscores is history only above a header block.
		j := nextNonBlank(lines, i+1)
		if j < len(lines) && !lines[j].quoted {
			if e, ok := headerBlock(lines, j, true); ok {
				return e, !quotedNext(lines, e)
			}
		}
		return i, false
	}
	if e, ok := headerBlock(lines, i, lines[i].rule); ok {
		return e, !quotedNext(lines, e)
	}
	if e, strong := introducerAt(lines, i); e > i {
		j := nextNonBlank(lines, e)
		switch {
		case j < len(lines) && lines[j].quoted:
			return e, false
		case j < len(lines) && isHeaderBlock(lines, j):
			return e, true
		case strong:
			return e, true
		}
	}
	return i, false
}

// endHistory marks everything from start on as history. When nothing
// of the person's stands above it, the message is a forward without a
// comment (Outlook forwards in the layout it replies in), so it is kept:
// that is what the person sends us.
func endHistory(lines []line, v []verdict, start int) {
	if nextNonBlank(lines, 0) >= start {
		keepForwarded(lines, v, start)
		return
	}
	for j := start; j < len(lines); j++ {
		v[j] = history
	}
}

// keepForwarded keeps a forwarded message from start to the end, as sent,
// unless it carries a private tracking link: then it is our own
// notification (or quotes it), and none of it may be stored.
func keepForwarded(lines []line, v []verdict, start int) {
	verdictAll := forwarded
	for j := start; j < len(lines); j++ {
		if trackLinkRe.MatchString(lines[j].text) {
			verdictAll = history
			break
		}
	}
	for j := start; j < len(lines); j++ {
		v[j] = verdictAll
	}
}

// continuesTrackLink reports whether lines[i] is one word that finishes a
// tracking link the quoted line above was cut in.
func continuesTrackLink(lines []line, i int) bool {
	if i == 0 || !lines[i-1].quoted || strings.ContainsAny(lines[i].norm, " ") {
		return false
	}
	words := strings.Fields(lines[i-1].norm)
	return len(words) > 0 && trackLinkRe.MatchString(words[len(words)-1])
}

// quotedNext reports whether the first non-blank line from i is quoted.
func quotedNext(lines []line, i int) bool {
	j := nextNonBlank(lines, i)
	return j < len(lines) && lines[j].quoted
}

func nextNonBlank(lines []line, i int) int {
	for i < len(lines) && lines[i].norm == "" && !lines[i].quoted {
		i++
	}
	return i
}

// isHeaderBlock reports whether a header block starts at i, as it does
// below an introducer or a rule (so one From line and one other suffice).
func isHeaderBlock(lines []line, i int) bool {
	_, ok := headerBlock(lines, i, true)
	return ok
}

// headerBlock finds the header block of a previous message starting at
// lines[i]: "From:/Sent:/To:/Subject:" in any order and language. Under a
// rule or an introducer (relaxed), a From line and one other suffice. On
// its own it must leave no doubt, so that a traveller's "From: Cancún /
// To: Tulum" stays: From, Sent and Subject, or From with an address and
// one other.
func headerBlock(lines []line, i int, relaxed bool) (end int, ok bool) {
	if lines[i].quoted || !lines[i].header {
		return i, false
	}
	var seen [fieldReplyTo + 1]bool
	count := 0
	fromHasAddress := false
	j := i
	for ; j < len(lines) && j < i+12; j++ {
		l := &lines[j]
		if l.quoted || l.norm == "" {
			break
		}
		if !l.header {
			// A long address list wraps onto an indented line.
			if count > 0 && (strings.HasPrefix(l.text, " ") || strings.HasPrefix(l.text, "\t")) && !seen[fieldSubject] {
				continue
			}
			break
		}
		if l.field == fieldFrom && l.hasEmail {
			fromHasAddress = true
		}
		seen[l.field] = true
		count++
	}
	if count < 2 || !seen[fieldFrom] {
		return i, false
	}
	if relaxed || (seen[fieldSent] && seen[fieldSubject]) || fromHasAddress {
		return j, true
	}
	return i, false
}

// introducerAt matches an attribution ("On … wrote:") starting at
// lines[i], on one line or wrapped over up to three. It returns the line
// after it (i when none) and whether it is strong: written in words we
// know, with an address and a time, it starts history even when what
// follows is not quoted (Yahoo quotes without ">").
func introducerAt(lines []line, i int) (end int, strong bool) {
	return introducerFrom(lines, i, false)
}

// introducerFrom is introducerAt; nested is set when it asks whether the
// lines below a first line make an introducer on their own.
func introducerFrom(lines []line, i int, nested bool) (end int, strong bool) {
	var joined strings.Builder
	for k := 0; k < maxIntroducerLines && i+k < len(lines); k++ {
		l := lines[i+k]
		if l.quoted || l.norm == "" || len(l.norm) > 400 {
			break
		}
		text := l.norm
		if k > 0 {
			// A wrapped introducer never breaks after a sentence.
			if r, _ := utf8.DecodeLastRuneInString(lines[i+k-1].norm); strings.ContainsRune(".!?:", r) {
				break
			}
			joined.WriteByte(' ')
		}
		joined.WriteString(text)
		if !strings.HasSuffix(text, ":") && !strings.HasSuffix(text, "-") {
			continue // every introducer ends with ":" (Zoho's with dashes)
		}
		cand := joined.String()
		if !strings.ContainsAny(cand, "0123456789@") {
			continue // every introducer has a date or an address
		}
		cand = bracketSpaces.Replace(cand)
		named := introducerRe.MatchString(cand)
		if !named && !bareIntroRe.MatchString(cand) {
			continue
		}
		if k > 0 && (nested || !wrappedAddress(lines[i].norm, lines[i+1].norm)) {
			// Some rows start with anything ("Name <addr> wrote:"): when
			// the lines below make an introducer on their own, line i is
			// the person's ("Thanks Luis") and not part of it.
			if e, _ := introducerFrom(lines, i+1, true); e == i+k+1 {
				return i, false
			}
		}
		return i + k + 1, named && emailRe.MatchString(cand) && timeRe.MatchString(cand)
	}
	return i, false
}

// wrappedAddress reports whether a line break falls at the start of an
// address in angle brackets: Gmail breaks "Name <addr> wrote:" and "Name
// (<addr>) escribió:" there when the address is long (ours are). The
// second line alone ("<addr> wrote:") would read as a whole introducer,
// but nobody's own sentence ends in "<" and no name starts with one.
func wrappedAddress(first, next string) bool {
	return strings.HasSuffix(first, "<") || strings.HasSuffix(first, "(") ||
		strings.HasPrefix(next, "<") || strings.HasPrefix(next, "(<")
}

// bracketSpaces mends an address that Gmail wrapped after its "<".
var bracketSpaces = strings.NewReplacer("< ", "<", " >", ">", "( ", "(", " )", ")")

// normalize prepares a line for matching: Unicode spaces (the no-break
// space Outlook puts before a French colon) become plain spaces, invisible
// marks go, runs of spaces become one, the ends are trimmed, and "："
// becomes ":".
func normalize(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\u200e' || r == '\u200f' ||
			r == '\ufeff' || r == '\u2060':
			continue
		case unicode.IsSpace(r) || r == '\u00a0' || r == '\u202f':
			space = true
			continue
		case r == '：':
			r = ':'
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// segment is a run of lines [start, end) that is kept, between removed
// lines: the person's own text, or a message they forward.
type segment struct {
	start, end int
	forwarded  bool
}

// segments groups the kept lines; blank lines join the block they sit in.
func segments(lines []line, v []verdict) []segment {
	var segs []segment
	start := -1
	for i := 0; i <= len(lines); i++ {
		if start >= 0 && (i == len(lines) || v[i] != v[start]) {
			segs = append(segs, trimBlank(lines, segment{start, i, v[start] == forwarded}))
			start = -1
		}
		if i < len(lines) && start < 0 && (v[i] == keep || v[i] == forwarded) {
			start = i
		}
	}
	return segs
}

// trimBlank drops blank lines at both ends of s.
func trimBlank(lines []line, s segment) segment {
	for s.start < s.end && lines[s.start].norm == "" {
		s.start++
	}
	for s.end > s.start && lines[s.end-1].norm == "" {
		s.end--
	}
	return s
}

// addContext keeps, above each inline answer, the quoted paragraph it
// answers. An answer is inline when the person's text sits between quoted
// lines; a reply written only below the whole quote (bottom-posting) needs
// no context. A quoted line holding a link is never kept, and when the
// quote is our own notification (a private tracking link anywhere in it)
// none of its lines are: they are ours, not the person's, and the thread
// already holds them. The answers themselves stay.
func addContext(lines []line, v []verdict, segs []segment, show []bool) {
	if quotesOurNotification(lines, v) {
		return
	}
	var nonEmpty []segment
	for _, s := range segs {
		if s.end > s.start {
			nonEmpty = append(nonEmpty, s)
		}
	}
	inline := false
	for _, s := range nonEmpty {
		if quoteBefore(lines, v, s.start) >= 0 && quoteAfter(lines, v, s.end) {
			inline = true
			break
		}
	}
	if !inline {
		return
	}
	for _, s := range nonEmpty {
		q := quoteBefore(lines, v, s.start)
		for q >= 0 && v[q] == quote && strings.TrimLeft(lines[q].norm, "> ") == "" {
			q-- // an empty quoted line between the question and the answer
		}
		for n := 0; q >= 0 && n < contextLines && v[q] == quote; n, q = n+1, q-1 {
			body := strings.TrimLeft(lines[q].norm, "> ")
			if body == "" || urlRe.MatchString(lines[q].text) || trackLinkRe.MatchString(lines[q].text) {
				break
			}
			show[q] = true
		}
	}
}

// quotesOurNotification reports whether the quoted history holds a
// private tracking link (whole, or cut by a client that rewrapped it):
// then the quote is a notification of ours. A reply quotes one message,
// so its quoted lines are one block.
func quotesOurNotification(lines []line, v []verdict) bool {
	for i, l := range lines {
		if v[i] != quote && v[i] != history {
			continue
		}
		if trackLinkRe.MatchString(l.text) || continuesTrackLink(lines, i) {
			return true
		}
	}
	return false
}

// quoteBefore is the index of the quoted line right above i (blank lines
// aside), or -1.
func quoteBefore(lines []line, v []verdict, i int) int {
	for j := i - 1; j >= 0; j-- {
		if v[j] == quote {
			return j
		}
		if lines[j].norm != "" {
			return -1
		}
	}
	return -1
}

// quoteAfter reports whether quoted lines follow from i on, before any
// other history.
func quoteAfter(lines []line, v []verdict, i int) bool {
	for j := i; j < len(lines); j++ {
		switch v[j] {
		case quote:
			return true
		case history:
			return false
		}
	}
	return false
}

// assemble writes the shown lines in order. Where lines were removed, at
// most one blank line stands for them, so the result is never longer than
// the input.
func assemble(lines []line, show []bool) string {
	var b strings.Builder
	gap, wrote := false, false
	for i, l := range lines {
		if !show[i] || l.norm == "" {
			gap = true
			continue
		}
		if wrote {
			b.WriteByte('\n')
			if gap {
				b.WriteByte('\n')
			}
		}
		b.WriteString(strings.TrimRightFunc(l.text, unicode.IsSpace))
		wrote, gap = true, false
	}
	return b.String()
}
