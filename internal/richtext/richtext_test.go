package richtext

import (
	"strings"
	"testing"
)

func TestHTML(t *testing.T) {
	for _, tt := range []struct {
		name, src string
		want      []string // each must appear
		not       []string // none may appear
	}{
		{"Paragraphs", "One.\n\nTwo.", []string{"<p>One.</p>", "<p>Two.</p>"}, nil},
		{"LineBreak", "Marta\nSupport", []string{"Marta<br>"}, nil},
		{"Bold", "a **big** deal", []string{"<strong>big</strong>"}, nil},
		{"List", "- one\n- two", []string{"<ul>", "<li>one</li>"}, nil},
		{"OrderedList", "1. one\n2. two", []string{"<ol>"}, nil},
		{"Code", "run `make` now\n\n```\nx < y\n```", []string{"<code>make</code>", "<pre><code>x &lt; y"}, nil},
		{"Link", "[docs](https://example.com/a?b=1)", []string{`<a href="https://example.com/a?b=1" rel="noopener nofollow">docs</a>`}, nil},
		{"Mailto", "[write](mailto:help@example.com)", []string{`href="mailto:help@example.com"`}, nil},
		{"BareURL", "see https://example.com/x.", []string{`<a href="https://example.com/x" rel="noopener nofollow">`}, nil},
		{"BareWWW", "see www.example.com today", []string{`href="http://www.example.com" rel="noopener nofollow"`}, nil},
		{"ErrJavascriptLink", "[x](javascript:alert(1))", []string{"x"}, []string{"<a", "javascript"}},
		{"ErrDataLink", "[x](data:text/html,hi)", nil, []string{"<a"}},
		{"ErrRelativeLink", "[x](/agent/settings)", nil, []string{"<a"}},
		{"ErrAutolinkScheme", "<javascript:alert(1)>", nil, []string{"<a"}},
		{"ErrRawHTML", "<script>alert(1)</script> <b onclick=x>hi</b>", []string{"&lt;script&gt;", "&lt;b onclick=x&gt;"}, []string{"<script", "<b "}},
		{"ErrImage", "![alt text](https://evil.example/x.png)", []string{"alt text"}, []string{"<img"}},
		{"ErrHeading", "# Big", []string{"<p># Big</p>"}, []string{"<h1"}},
		{"ErrQuote", "> quoted", []string{"&gt; quoted"}, []string{"<blockquote"}},
		{"ErrAttributeEscape", `[x](https://e.com/"onmouseover="a)`, nil, []string{`"onmouseover`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := string(HTML(tt.src))
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("HTML(%q) = %q, want it to contain %q", tt.src, got, w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(got, n) {
					t.Errorf("HTML(%q) = %q, must not contain %q", tt.src, got, n)
				}
			}
		})
	}
}

func TestPlain(t *testing.T) {
	if got, want := string(Plain("a <b>\nc")), "a &lt;b&gt;<br>\nc"; got != want {
		t.Fatalf("Plain = %q, want %q", got, want)
	}
}
