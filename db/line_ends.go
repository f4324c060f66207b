package db

import "strings"

// lineEnds turns "\r\n" and a lone "\r" into "\n".
var lineEnds = strings.NewReplacer("\r\n", "\n", "\r", "\n")

// normalizeLineEnds returns s with every line ending in "\n", as the
// multi-line fields are stored.
func normalizeLineEnds(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	return lineEnds.Replace(s)
}
