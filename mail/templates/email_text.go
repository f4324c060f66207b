package templates

import "strings"

// Text is the plain-text part: the same content as the HTML, with each
// link written out in full so it works in any client.
func (e Email) Text() string {
	var b strings.Builder
	para := func(s string) {
		if s != "" {
			b.WriteString(s)
			b.WriteString("\n\n")
		}
	}
	para(e.Greeting)
	for _, p := range e.Intro {
		para(p)
	}
	if e.Quote != nil {
		// Some labels are sentences that end in their own colon
		// ("Lucía answered your request #2:").
		b.WriteString(strings.TrimSuffix(e.Quote.Label, ":") + ":\n\n")
		for _, l := range lines(e.Quote.Body) {
			b.WriteString("    " + l + "\n")
		}
		b.WriteString("\n")
	}
	if e.Files != nil && len(e.Files.Names) > 0 {
		b.WriteString(e.Files.Label + ":\n")
		for _, n := range e.Files.Names {
			b.WriteString("  - " + n + "\n")
		}
		b.WriteString("\n")
	}
	for _, d := range e.Details {
		b.WriteString(d.Label + ": " + d.Value + "\n")
	}
	if len(e.Details) > 0 {
		b.WriteString("\n")
	}
	para(e.Question)
	for _, btn := range e.Buttons {
		b.WriteString(btn.Label + ":\n" + btn.URL + "\n\n")
	}
	for _, p := range e.After {
		para(p)
	}
	para(e.Signature)
	if len(e.Footer) > 0 {
		b.WriteString("-- \n")
		for _, f := range e.Footer {
			b.WriteString(f + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}
