package agent

import (
	"slices"
	"testing"
)

// Snippets split at the store's markers; text outside them is never
// marked, and stray or unbalanced markers never reach the page.
func TestQueueSnippet(t *testing.T) {
	const s, e = "\x02", "\x03"
	tests := []struct {
		name string
		in   string
		want []QueueSnippetPart
	}{
		{"Plain", "no match here", []QueueSnippetPart{{Text: "no match here"}}},
		{"OneMatch", "a " + s + "refund" + e + " please", []QueueSnippetPart{{Text: "a "}, {Text: "refund", Mark: true}, {Text: " please"}}},
		{"AtStartAndEnd", s + "tour" + e + " and " + s + "Tour" + e, []QueueSnippetPart{{Text: "tour", Mark: true}, {Text: " and "}, {Text: "Tour", Mark: true}}},
		{"Markup", "<b>" + s + "x" + e + "</b>", []QueueSnippetPart{{Text: "<b>"}, {Text: "x", Mark: true}, {Text: "</b>"}}},
		{"Unclosed", "a " + s + "refund", []QueueSnippetPart{{Text: "a "}, {Text: "refund", Mark: true}}},
		{"StrayEnd", "a" + e + "b", []QueueSnippetPart{{Text: "ab"}}},
		{"EmptyMark", "a" + s + e + "b", []QueueSnippetPart{{Text: "a"}, {Text: "b"}}},
		{"Empty", "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := QueueSnippet(tc.in, s, e); !slices.Equal(got, tc.want) {
				t.Fatalf("QueueSnippet(%q) = %+v, want %+v", tc.in, got, tc.want)
			}
		})
	}
}
