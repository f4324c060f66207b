package reply

import (
	"bytes"
	"io"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// HTML returns what the person wrote in an HTML reply, for when the
// message has no usable text part. The structure speaks first: quotes
// (<blockquote>, Gmail's and Apple Mail's included) become quoted lines,
// the attribution containers of Gmail and Thunderbird go, and the marks
// where Outlook, Yahoo and Zimbra start the previous message end the
// person's part; the rest becomes text (paragraphs, line breaks, list
// items as "- " or "1. ", links as "text (url)" when the text is not the
// address) and the rules of Text apply to it. r must yield UTF-8; memory
// grows with the document, which the caller bounds. The only error is
// r's: markup nested deeper than the parser takes (512 elements) is read
// flat instead, keeping quotes and line breaks.
func HTML(r io.Reader) (string, error) {
	src, err := io.ReadAll(r)
	if err != nil {
		return "", err
	}
	var c converter
	if doc, err := html.Parse(bytes.NewReader(src)); err == nil {
		c.walk(doc)
	} else {
		c.flat(html.NewTokenizer(bytes.NewReader(src)))
	}
	c.endLine()
	return extract(c.lines), nil
}

// converter renders a parsed document into lines.
type converter struct {
	lines []line
	cur   strings.Builder
	// curQuoted and curStarted describe the line being written.
	curQuoted, curStarted bool
	space                 bool // a space is due before the next word

	depth int // <blockquote> nesting
	pre   int // <pre> nesting
	lists []list

	// Set by a mark in the structure, taken by the next line of text.
	pendingCut, pendingRule bool
	// A paragraph's blank line, written only if more text follows, so a
	// quote does not end with an empty quoted line.
	pendingBlank bool
}

type list struct {
	ordered bool
	n       int
}

// walk renders n and its children.
func (c *converter) walk(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		c.text(n.Data)
		return
	case html.DocumentNode:
		c.children(n)
		return
	case html.ElementNode:
	default:
		return // comments (Outlook's conditional ones included), doctype
	}
	if skipped(n) {
		return
	}
	if marksHistory(n) {
		// Outlook's reply header, Yahoo's and Zimbra's quote: the previous
		// message starts here (Text keeps it only if it is a forward).
		c.endLine()
		c.pendingCut = true
	}
	switch n.DataAtom {
	case atom.Br:
		c.lineBreak()
	case atom.Hr:
		c.endLine()
		c.pendingRule = true
	case atom.Blockquote:
		if isIndent(n) {
			c.block(n, false)
			return
		}
		c.endLine()
		c.depth++
		c.children(n)
		c.endLine()
		c.pendingBlank = false
		c.depth--
	case atom.P, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		// Outlook writes each line as a MsoNormal paragraph without margins.
		c.block(n, !hasClass(n, "MsoNormal"))
	case atom.Div:
		if outlookHeaderRule(n) {
			c.endLine()
			c.pendingRule = true
		}
		c.block(n, false)
	case atom.Pre:
		c.endLine()
		c.pre++
		c.children(n)
		c.pre--
		c.endLine()
	case atom.Ul, atom.Ol:
		c.endLine()
		c.lists = append(c.lists, list{ordered: n.DataAtom == atom.Ol})
		c.children(n)
		c.lists = c.lists[:len(c.lists)-1]
		c.endLine()
	case atom.Li:
		c.endLine()
		c.listMarker()
		c.children(n)
		c.endLine()
	case atom.Td, atom.Th:
		c.space = true
		c.children(n)
		c.space = true
	case atom.A:
		c.link(n)
	case atom.Img:
		// Pictures are attachments; their alt text is mostly file names.
	default:
		if isBlock(n.DataAtom) {
			c.block(n, false)
			return
		}
		c.children(n)
	}
}

// flat renders a document token by token, for when it cannot be parsed
// into a tree: text, line breaks, blocks and quotes, nothing else.
func (c *converter) flat(z *html.Tokenizer) {
	skip := 0 // inside <script>, <style>, <head> ...
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return
		}
		name, _ := z.TagName()
		a := atom.Lookup(name)
		switch tt {
		case html.TextToken:
			if skip == 0 {
				c.text(string(z.Text()))
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			switch {
			case a == atom.Script || a == atom.Style || a == atom.Head || a == atom.Title:
				if tt == html.StartTagToken {
					skip++
				}
			case a == atom.Br:
				c.lineBreak()
			case a == atom.Blockquote && tt == html.StartTagToken:
				c.endLine()
				c.depth++
			case a == atom.P || a == atom.Div || a == atom.Li || a == atom.Tr || a == atom.Hr || isBlock(a):
				c.endLine()
			}
		case html.EndTagToken:
			switch {
			case a == atom.Script || a == atom.Style || a == atom.Head || a == atom.Title:
				skip = max(skip-1, 0)
			case a == atom.Blockquote && c.depth > 0:
				c.endLine()
				c.depth--
			case a == atom.P || a == atom.Div || a == atom.Li || isBlock(a):
				c.endLine()
			}
		}
	}
}

func (c *converter) children(n *html.Node) {
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		c.walk(ch)
	}
}

// block renders a block element on lines of its own, with a blank line
// around it for a paragraph.
func (c *converter) block(n *html.Node, paragraph bool) {
	c.endLine()
	if paragraph {
		c.blankLine()
	}
	c.children(n)
	c.endLine()
	if paragraph {
		c.blankLine()
	}
}

// link renders an anchor as its text, followed by the address in brackets
// when the text does not already say it.
func (c *converter) link(n *html.Node) {
	c.children(n)
	href := strings.TrimSpace(attr(n, "href"))
	lower := strings.ToLower(href)
	if href == "" || strings.HasPrefix(href, "#") || strings.HasPrefix(lower, "javascript:") || strings.HasPrefix(lower, "cid:") {
		return
	}
	text := strings.Join(strings.Fields(textContent(n)), " ")
	if text == "" || sameAddress(text, href) {
		return
	}
	c.text(" (" + href + ")")
}

// sameAddress reports whether a link's text is its address, give or take
// the scheme, "mailto:" and a final slash.
func sameAddress(text, href string) bool {
	strip := func(s string) string {
		s = strings.ToLower(s)
		for _, p := range []string{"mailto:", "tel:", "https://", "http://"} {
			s = strings.TrimPrefix(s, p)
		}
		return strings.TrimSuffix(s, "/")
	}
	return strip(text) == strip(href)
}

func (c *converter) listMarker() {
	if len(c.lists) == 0 {
		c.write("- ")
		return
	}
	l := &c.lists[len(c.lists)-1]
	indent := strings.Repeat("  ", len(c.lists)-1)
	if l.ordered {
		l.n++
		c.write(indent + strconv.Itoa(l.n) + ". ")
		return
	}
	c.write(indent + "- ")
}

// text writes character data: white space collapses, as a browser shows
// it, except inside <pre>.
func (c *converter) text(s string) {
	if c.pre > 0 {
		for i, part := range strings.Split(s, "\n") {
			if i > 0 {
				c.lineBreak()
			}
			c.write(part)
		}
		return
	}
	for _, r := range s {
		if r == '\u00a0' {
			// A no-break space is content: Outlook's blank lines are
			// paragraphs holding one.
			r = ' '
		} else if unicode.IsSpace(r) {
			c.space = true
			continue
		}
		if c.space && c.curStarted && !strings.HasSuffix(c.cur.String(), " ") {
			c.cur.WriteByte(' ')
		}
		c.space = false
		c.start()
		c.cur.WriteRune(r)
	}
}

// start starts the current line if it is not started yet.
func (c *converter) start() {
	if !c.curStarted {
		c.flushBlank()
		c.curStarted = true
		c.curQuoted = c.depth > 0
	}
}

// flushBlank writes the blank line a paragraph asked for.
func (c *converter) flushBlank() {
	if c.pendingBlank {
		c.pendingBlank = false
		c.curQuoted = c.depth > 0
		c.emit()
	}
}

// write appends to the current line, starting it if need be.
func (c *converter) write(s string) {
	if s == "" {
		return
	}
	c.start()
	c.cur.WriteString(s)
}

// lineBreak ends the current line, even an empty one (<br>).
func (c *converter) lineBreak() {
	if !c.curStarted {
		c.flushBlank()
		c.curQuoted = c.depth > 0
	}
	c.emit()
}

// endLine ends the current line if anything is on it.
func (c *converter) endLine() {
	if c.curStarted {
		c.emit()
	}
}

// blankLine asks for a blank line before the next text, unless the last
// line is blank already.
func (c *converter) blankLine() {
	if n := len(c.lines); n == 0 || strings.TrimLeft(c.lines[n-1].text, "> ") == "" {
		return
	}
	c.pendingBlank = true
}

// emit closes the current line. Quoted lines carry ">" per level, as a
// plain-text client would write them, so the context kept above an
// inline answer reads as a quote.
func (c *converter) emit() {
	// Leading spaces are indentation (lists, <pre>, no-break spaces).
	text := strings.TrimRightFunc(c.cur.String(), unicode.IsSpace)
	l := line{text: text, quoted: c.curQuoted}
	if l.quoted {
		prefix := strings.Repeat(">", c.depth)
		if text != "" {
			prefix += " "
		}
		l.text = prefix + text
	}
	// A mark in the structure belongs to the next line with words on it;
	// a rule only matters above a header block, which is never quoted.
	if text != "" {
		l.cut, c.pendingCut = c.pendingCut, false
		if !l.quoted {
			l.rule, c.pendingRule = c.pendingRule, false
		}
	}
	c.lines = append(c.lines, l)
	c.cur.Reset()
	c.curStarted, c.curQuoted, c.space = false, false, false
}

// skipped reports whether an element shows nothing of the person's: no
// text (head, scripts, styles, hidden parts such as a preheader), a
// signature the client marks as such, or the attribution line Gmail and
// Thunderbird put above a quote (dropped by structure, so it goes in any
// language). A Gmail attribution that opens a forward stays.
func skipped(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Head, atom.Script, atom.Style, atom.Title, atom.Template, atom.Noscript,
		atom.Object, atom.Svg, atom.Iframe, atom.Button, atom.Input, atom.Select, atom.Textarea:
		return true
	}
	if _, ok := attrOK(n, "hidden"); ok {
		return true
	}
	style := compactStyle(n)
	if strings.Contains(style, "display:none") || strings.Contains(style, "mso-hide:all") {
		return true
	}
	switch attr(n, "id") {
	case "Signature", "ms-outlook-mobile-signature", "AppleMailSignature", "ymail_android_signature":
		return true
	}
	if hasClass(n, "gmail_signature") || hasClass(n, "moz-signature") || hasClass(n, "moz-cite-prefix") {
		return true
	}
	if hasClass(n, "gmail_attr") {
		return !forwardedRe.MatchString(normalize(firstLine(n)))
	}
	return false
}

// marksHistory reports whether the previous message starts at n: Outlook
// (on the web, new and for Mac) and Yahoo wrap it or mark its start,
// Zimbra draws a marked rule above it.
func marksHistory(n *html.Node) bool {
	switch attr(n, "id") {
	case "appendonsend", "divRplyFwdMsg", "OLK_SRC_BODY_SECTION", "mail-editor-reference-message-container", "zwchr":
		return true
	}
	// Yahoo prefixes its names ("ydp3f2ayahoo_quoted_0123").
	if strings.Contains(attr(n, "id"), "yahoo_quoted") || strings.Contains(attr(n, "class"), "yahoo_quoted") {
		return true
	}
	return n.DataAtom == atom.Hr && attr(n, "data-marker") == "__DIVIDER__"
}

// outlookHeaderRule reports whether n is the bordered box Outlook for
// Windows draws above the header block of the message replied to.
func outlookHeaderRule(n *html.Node) bool {
	s := compactStyle(n)
	return strings.Contains(s, "border:none") && strings.Contains(s, "border-top:solid")
}

// isIndent reports whether a <blockquote> is the person's indentation
// (Gmail's indent button draws no border) rather than a quote.
func isIndent(n *html.Node) bool {
	if attr(n, "type") == "cite" || hasClass(n, "gmail_quote") {
		return false
	}
	return strings.Contains(compactStyle(n), "border:none")
}

func isBlock(a atom.Atom) bool {
	switch a {
	case atom.Address, atom.Article, atom.Aside, atom.Center, atom.Dd, atom.Details, atom.Dl, atom.Dt,
		atom.Fieldset, atom.Figcaption, atom.Figure, atom.Footer, atom.Form, atom.Header, atom.Main,
		atom.Nav, atom.Section, atom.Summary, atom.Table, atom.Tr, atom.Tbody, atom.Thead, atom.Tfoot,
		atom.Caption:
		return true
	}
	return false
}

func attr(n *html.Node, key string) string {
	v, _ := attrOK(n, key)
	return v
}

func attrOK(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && strings.EqualFold(a.Key, key) {
			return a.Val, true
		}
	}
	return "", false
}

func hasClass(n *html.Node, class string) bool {
	for _, c := range strings.Fields(attr(n, "class")) {
		if c == class {
			return true
		}
	}
	return false
}

// compactStyle is the style attribute in lower case without spaces, so
// "display: none" and "display:none" read alike.
func compactStyle(n *html.Node) string {
	return strings.ToLower(strings.Join(strings.Fields(attr(n, "style")), ""))
}

// textContent is all the text under n.
func textContent(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// firstLine is the text of n up to its first line break or block.
func firstLine(n *html.Node) string {
	var b strings.Builder
	done := false
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil && !done; c = c.NextSibling {
			switch {
			case c.Type == html.TextNode:
				b.WriteString(c.Data)
			case c.Type == html.ElementNode && (c.DataAtom == atom.Br || c.DataAtom == atom.Div || c.DataAtom == atom.P):
				if strings.TrimSpace(b.String()) != "" {
					done = true
					return
				}
				walk(c)
			default:
				walk(c)
			}
		}
	}
	walk(n)
	return b.String()
}
