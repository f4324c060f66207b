// Package richtext renders the small formatting subset agents may use in
// the desk composer: paragraphs, line breaks, lists, links, bold and
// italic, inline code and code blocks. It is one renderer for the ticket
// page and the notification email, so both show the same thing.
//
// The source is Markdown (CommonMark, through goldmark) cut down to that
// subset: headings, quotes, rules, tables, images and raw HTML are not
// parsed as such (their characters stay text, escaped); a link leads only
// to http, https or mailto, and carries rel="noopener nofollow"; anything
// else is its text alone. Requesters' messages are never rendered here:
// they stay plain text.
package richtext

import (
	"bytes"
	"html/template"
	"net/url"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// linkRel is every link's rel: the target learns nothing of the page
// (noopener) and gains no ranking from the helpdesk (nofollow).
const linkRel = "noopener nofollow"

// allowedSchemes are the schemes a link may use.
var allowedSchemes = map[string]bool{"http": true, "https": true, "mailto": true}

var md = newMarkdown()

func newMarkdown() goldmark.Markdown {
	blocks := []util.PrioritizedValue{
		util.Prioritized(parser.NewListParser(), 300),
		util.Prioritized(parser.NewListItemParser(), 400),
		util.Prioritized(parser.NewCodeBlockParser(), 500),
		util.Prioritized(parser.NewFencedCodeBlockParser(), 700),
		util.Prioritized(parser.NewParagraphParser(), 1000),
	}
	// No raw HTML parser: "<b>" stays the text "<b>".
	inlines := []util.PrioritizedValue{
		util.Prioritized(parser.NewCodeSpanParser(), 100),
		util.Prioritized(parser.NewLinkParser(), 200),
		util.Prioritized(parser.NewAutoLinkParser(), 300),
		util.Prioritized(parser.NewEmphasisParser(), 500),
	}
	p := parser.NewParser(
		parser.WithBlockParsers(blocks...),
		parser.WithInlineParsers(inlines...),
		parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...),
		parser.WithASTTransformers(util.Prioritized(safeLinks{}, 100)),
	)
	// Agents write a line break where they mean one (a signature's
	// lines), as in an email.
	m := goldmark.New(goldmark.WithRendererOptions(html.WithHardWraps()))
	m.SetParser(p)
	// Bare addresses ("https://…", "www.…") become links too.
	extension.NewLinkify(extension.WithLinkifyAllowedProtocols([]string{"http:", "https:", "mailto:"})).Extend(m)
	return m
}

// HTML renders src, the stored source of an agent's message, as HTML safe
// to place in a page or an email. A source that cannot be rendered (it
// never happens with goldmark, which accepts any text) comes back as
// escaped text with line breaks.
func HTML(src string) template.HTML {
	var b bytes.Buffer
	if err := md.Convert([]byte(src), &b); err != nil {
		return Plain(src)
	}
	return template.HTML(strings.TrimSpace(b.String()))
}

// Plain renders text as written: escaped, its line breaks kept.
func Plain(text string) template.HTML {
	esc := template.HTMLEscapeString(strings.ReplaceAll(text, "\r\n", "\n"))
	return template.HTML(strings.ReplaceAll(esc, "\n", "<br>\n"))
}

// safeLinks rewrites the parsed document to the subset: links to other
// schemes (javascript:, data:, relative paths) and images become their
// text; bare "www." links gain http://; every link gets rel.
type safeLinks struct{}

func (safeLinks) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	source := reader.Source()
	var replace, autolinks []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch v := n.(type) {
		case *ast.Image:
			replace = append(replace, v)
		case *ast.Link:
			if !allowed(string(v.Destination)) {
				replace = append(replace, v)
				return ast.WalkContinue, nil
			}
			v.SetAttributeString("rel", []byte(linkRel))
		case *ast.AutoLink:
			autolinks = append(autolinks, v)
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	// The tree is changed once the walk is over, not under its feet.
	for _, n := range replace {
		unwrap(n, source)
	}
	for _, n := range autolinks {
		absoluteLink(n.(*ast.AutoLink), source)
	}
}

// absoluteLink replaces an autolink by an ordinary link with its address
// made absolute, so that "www.example.com" never becomes a path on the
// helpdesk; one with a scheme not allowed becomes its text.
func absoluteLink(a *ast.AutoLink, source []byte) {
	dest := string(a.URL(source))
	lower := strings.ToLower(dest)
	switch {
	case a.AutoLinkType == ast.AutoLinkEmail && !strings.HasPrefix(lower, "mailto:"):
		dest = "mailto:" + dest
	case strings.HasPrefix(lower, "www."):
		dest = "http://" + dest
	}
	if !allowed(dest) {
		unwrap(a, source)
		return
	}
	link := ast.NewLink()
	link.Destination = []byte(dest)
	link.AppendChild(link, ast.NewString(a.Label(source)))
	link.SetAttributeString("rel", []byte(linkRel))
	a.Parent().ReplaceChild(a.Parent(), a, link)
}

// unwrap puts n's children (a link's or image's text) in its place.
func unwrap(n ast.Node, source []byte) {
	parent := n.Parent()
	if parent == nil {
		return
	}
	if a, ok := n.(*ast.AutoLink); ok {
		parent.ReplaceChild(parent, n, ast.NewString(a.Label(source)))
		return
	}
	for c := n.FirstChild(); c != nil; {
		next := c.NextSibling()
		parent.InsertBefore(parent, n, c)
		c = next
	}
	parent.RemoveChild(parent, n)
}

// allowed reports whether dest is an absolute link with an allowed scheme.
func allowed(dest string) bool {
	u, err := url.Parse(strings.TrimSpace(dest))
	if err != nil {
		return false
	}
	scheme := strings.ToLower(u.Scheme)
	return allowedSchemes[scheme] && (scheme == "mailto" || u.Host != "")
}
