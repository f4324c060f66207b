package db

import (
	"strings"
	"unicode"
)

// snippetOf picks a search result's passage from the columns given in
// order of preference (message, conversation, name, email): the first in
// which a word matched; "" when only the subject matched (the list shows
// it already). The passage is cut to the sentence holding the first match.
func snippetOf(columns ...string) string {
	for _, s := range columns {
		if strings.Contains(s, SnippetStart) {
			return matchingSentence(s)
		}
	}
	return ""
}

// matchingSentence trims a snippet to the sentence around its first
// marked word: from just after the sentence end before it ('.', '!', '?'
// followed by a space, or a line break) to the end of the sentence after
// it. A side not cut at a sentence end keeps the snippet's "…".
func matchingSentence(s string) string {
	first := strings.Index(s, SnippetStart)
	if first < 0 {
		return strings.TrimSpace(s)
	}
	start := 0
	for i := first - 1; i > 0; i-- {
		if s[i] == '\n' || (unicode.IsSpace(rune(s[i])) && strings.ContainsRune(".!?", rune(s[i-1]))) {
			start = i + 1
			break
		}
	}
	end := len(s)
	afterMark := first
	if j := strings.Index(s[first:], SnippetEnd); j >= 0 {
		afterMark = first + j + len(SnippetEnd)
	}
	for i := afterMark; i < len(s); i++ {
		if s[i] == '\n' {
			end = i
			break
		}
		if strings.ContainsRune(".!?", rune(s[i])) && (i+1 == len(s) || unicode.IsSpace(rune(s[i+1]))) {
			end = i + 1
			break
		}
	}
	out := strings.TrimSpace(s[start:end])
	if start > 0 {
		out = strings.TrimPrefix(out, "…")
	}
	return strings.Join(strings.Fields(out), " ")
}
