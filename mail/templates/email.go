// Package templates lays out notification emails: one view-model, Email,
// rendered as HTML by templ (email.templ) and as plain text (Text), so the
// two parts of a message always say the same thing.
package templates

import (
	"html/template"
	"strings"
)

// Email is what one notification says, in the order it says it. Every
// string is already in the reader's language; user text is plain text and
// is escaped in the HTML.
type Email struct {
	Lang      string // "en" or "es", for <html lang>
	Title     string // the subject
	Preheader string // the line inboxes show after the subject
	Greeting  string
	Intro     []string // paragraphs before the quote
	Quote     *Quote   // a message from the thread, shown as written
	Files     *Files
	Details   []Detail
	Question  string   // asked just above the buttons
	Buttons   []Button // links; the first is the primary action
	After     []string // paragraphs after the buttons
	Signature string
	Footer    []string // small print
}

// Quote is a message from the thread. HTML, when set, is Body already
// rendered by internal/richtext (an agent's formatted reply): the HTML
// part shows it, the text part shows Body, its readable source.
type Quote struct {
	Label string
	Body  string
	HTML  template.HTML
}

// Files lists attachment names under a label.
type Files struct {
	Label string
	Names []string
}

// Detail is one labelled fact about the ticket.
type Detail struct {
	Label string
	Value string
}

// Button is a link drawn as a button. URL is one we built from the
// configured base URL, never user input.
type Button struct {
	Label string
	URL   string
	ID    string // a stable name for tests and for people reading the source
}

// lines splits text for rendering with explicit line breaks, which every
// mail client honours (white-space: pre-wrap is not).
func lines(text string) []string {
	return strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
}
