package db

import (
	"strconv"
	"strings"
)

// bindDollar rewrites a query written with SQLite's placeholders (? for the
// next argument, ?N for the N-th) into PostgreSQL's ($N), so both engines
// run one text. Question marks inside string literals, quoted identifiers
// and comments are left alone. The shared SQL never uses PostgreSQL's own
// ? operators (jsonb), so a bare ? is always a placeholder.
func bindDollar(query string) string {
	if !strings.ContainsRune(query, '?') {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 8)
	next := 1
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '\'' || c == '"':
			j := closingQuote(query, i)
			b.WriteString(query[i:j])
			i = j - 1
		case c == '-' && strings.HasPrefix(query[i:], "--"):
			j := strings.IndexByte(query[i:], '\n')
			if j < 0 {
				j = len(query) - i
			}
			b.WriteString(query[i : i+j])
			i += j - 1
		case c == '?':
			j := i + 1
			for j < len(query) && query[j] >= '0' && query[j] <= '9' {
				j++
			}
			b.WriteByte('$')
			if j > i+1 {
				b.WriteString(query[i+1 : j])
			} else {
				b.WriteString(strconv.Itoa(next))
				next++
			}
			i = j - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// closingQuote returns the index just past the literal or identifier that
// opens at query[i]; a doubled quote inside it is an escaped quote.
func closingQuote(query string, i int) int {
	q := query[i]
	for j := i + 1; j < len(query); j++ {
		if query[j] == q {
			if j+1 < len(query) && query[j+1] == q {
				j++
				continue
			}
			return j + 1
		}
	}
	return len(query)
}
