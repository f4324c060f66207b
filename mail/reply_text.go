package mail

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"
)

// Where the quoted history of a reply begins, in the mailers requesters
// use. A line introducing a quote must hold a digit (a date) so that a
// sentence like "On Monday I wrote:" in the reply itself is kept.
var (
	introducesQuote = regexp.MustCompile(`(?i)^(on|el)\s.*\d.*(wrote|escribió|escribio)\s*:$`)
	quoteStartsHere = regexp.MustCompile(`(?i)^(-{2,}\s*(original message|mensaje original|forwarded message|mensaje reenviado)\s*-{2,}|_{20,})$`)
	headerBlockLine = regexp.MustCompile(`(?i)^(from|de):\s.+`)
	headerBlockNext = regexp.MustCompile(`(?i)^(sent|enviado|date|fecha):\s.+`)
)

// stripQuoted keeps what the requester wrote: quoted lines (">") go, and
// so does everything from the line that introduces the history ("On …
// wrote:", "El … escribió:", "-----Original Message-----", an Outlook
// "From:/Sent:" block) or from the signature separator ("-- ").
func stripQuoted(text string) string {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	var kept []string
	for i := 0; i < len(lines); i++ {
		line := strings.TrimRight(lines[i], " \t\r")
		trimmed := strings.TrimSpace(line)
		next := ""
		if i+1 < len(lines) {
			next = strings.TrimSpace(lines[i+1])
		}
		if introducesQuote.MatchString(trimmed) ||
			// Gmail wraps a long introduction over two lines.
			(i+1 < len(lines) && !strings.HasPrefix(next, ">") && introducesQuote.MatchString(trimmed+" "+next)) ||
			quoteStartsHere.MatchString(trimmed) ||
			(headerBlockLine.MatchString(trimmed) && headerBlockNext.MatchString(next)) ||
			line == "--" || line == "-- " || lines[i] == "-- " {
			break
		}
		if strings.HasPrefix(trimmed, ">") {
			continue
		}
		kept = append(kept, line)
	}
	return collapseBlankLines(kept)
}

// collapseBlankLines trims blank lines at both ends and keeps at most one
// between paragraphs (removing quotes leaves gaps).
func collapseBlankLines(lines []string) string {
	var out []string
	blank := false
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			blank = len(out) > 0
			continue
		}
		if blank {
			out = append(out, "")
			blank = false
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// unflow joins the soft line breaks of format=flowed text (RFC 3676): a
// line ending in a space continues on the next.
func unflow(text string, delsp bool) string {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	var b strings.Builder
	for i, l := range lines {
		if strings.HasPrefix(l, " ") {
			l = l[1:] // space-stuffing
		}
		soft := strings.HasSuffix(l, " ") && l != "-- "
		if soft && delsp {
			l = l[:len(l)-1]
		}
		b.WriteString(l)
		if !soft && i < len(lines)-1 {
			b.WriteString("\n")
		}
	}
	return b.String()
}

// htmlText is the readable text of an HTML reply: tags go, block elements
// break lines, and quoted history (blockquote, Gmail's quote container),
// scripts and styles are left out. html.Parse mends broken markup the way
// browsers do, so the walk below sees a proper tree.
func htmlText(src string) string {
	doc, err := html.Parse(strings.NewReader(src))
	if err != nil {
		return ""
	}
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			// Line breaks in the source are mere spaces in HTML.
			b.WriteString(strings.NewReplacer("\r", " ", "\n", " ").Replace(n.Data))
			return
		case html.ElementNode:
			switch n.Data {
			case "blockquote", "script", "style", "head", "title":
				return
			case "br":
				b.WriteString("\n")
				return
			}
			for _, a := range n.Attr {
				if a.Key == "class" && strings.Contains(a.Val, "gmail_quote") {
					return
				}
			}
		}
		block := n.Type == html.ElementNode && blockElement(n.Data)
		if block {
			b.WriteString("\n")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if block {
			b.WriteString("\n")
		}
	}
	walk(doc)
	lines := strings.Split(b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	return collapseBlankLines(lines)
}

func blockElement(tag string) bool {
	switch tag {
	case "p", "div", "li", "tr", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "hr":
		return true
	}
	return false
}
