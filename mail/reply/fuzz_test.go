package reply

import (
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// trackToken is a private link as the fuzz checks it, written apart from
// the package's own pattern so that a mistake there shows here.
var trackToken = regexp.MustCompile(`/track/hdt_[A-Za-z0-9_-]*`)

// FuzzText checks, for any input, that Text does not panic, never grows
// the text, and never lets through a private tracking link that was only
// ever in quoted lines.
func FuzzText(f *testing.F) {
	seedFromTestdata(f, ".txt")
	f.Add("> https://h.test/track/hdt_abc\nok")
	f.Add("a\n> q\nb\n> https://h.test/track/hdt_x\nc\n> r")
	f.Add("--\n>\n-- \n>>")
	f.Fuzz(func(t *testing.T, in string) {
		out := Text(in)
		if len(out) > len(in) {
			t.Fatalf("output longer than input: %q -> %q", in, out)
		}
		unquoted := map[string]bool{}
		for _, l := range strings.Split(strings.ReplaceAll(in, "\r", "\n"), "\n") {
			if !strings.HasPrefix(l, ">") {
				for _, tok := range trackToken.FindAllString(l, -1) {
					unquoted[tok] = true
				}
			}
		}
		for _, tok := range trackToken.FindAllString(out, -1) {
			if !unquoted[tok] {
				t.Fatalf("tracking link %q from a quote survived: %q -> %q", tok, in, out)
			}
		}
	})
}

// FuzzHTML checks that HTML does not panic on any document, and that a
// tracking link inside a <blockquote> never survives, whatever text the
// person and the quote hold.
func FuzzHTML(f *testing.F) {
	f.Add("<p>ok</p>", "Thanks", "On Tue, Mar 10, 2026 at 11:02 AM X <x@y.test> wrote:")
	f.Add("<blockquote>", "From: a@b.test\nSent: today", "> -- \n")
	for _, p := range testdataPaths(f, ".html") {
		f.Add(readSeed(f, p), "", "")
	}
	f.Fuzz(func(t *testing.T, doc, mine, quoted string) {
		if _, err := HTML(strings.NewReader(doc)); err != nil {
			t.Fatal(err)
		}
		in := "<div>" + html.EscapeString(mine) + "</div><blockquote>" + html.EscapeString(quoted) +
			`<a href="https://h.test/track/hdt_secret">link</a></blockquote>`
		out, err := HTML(strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(out, "hdt_secret") && !strings.Contains(mine, "hdt_secret") {
			t.Fatalf("tracking link from a quote survived: %q -> %q", in, out)
		}
	})
}

func seedFromTestdata(f *testing.F, ext string) {
	for _, p := range testdataPaths(f, ext) {
		f.Add(readSeed(f, p))
	}
}

// testdataPaths lists the test emails ending in ext (not the results).
func testdataPaths(f *testing.F, ext string) []string {
	paths, err := filepath.Glob(filepath.Join("testdata", "*"+ext))
	if err != nil {
		f.Fatal(err)
	}
	var emails []string
	for _, p := range paths {
		if !strings.HasSuffix(p, ".want.txt") {
			emails = append(emails, p)
		}
	}
	return emails
}

func readSeed(f *testing.F, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	return string(b)
}
