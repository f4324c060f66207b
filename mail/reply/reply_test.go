package reply

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Each email in testdata (written for these tests, one per client layout
// and language) has its expected result in NAME.want.txt. The extension
// says how it arrives: NAME.txt is a text part, NAME.flowed.txt and
// NAME.flowed-delsp.txt are format=flowed (DelSp=no / yes), NAME.html is
// an HTML part.
func TestTestdata(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "*"))
	if err != nil {
		t.Fatal(err)
	}
	cases := 0
	for _, path := range paths {
		file := filepath.Base(path)
		if strings.HasSuffix(file, ".want.txt") || strings.HasPrefix(file, ".") {
			continue
		}
		name, kind, _ := strings.Cut(file, ".")
		cases++
		t.Run(name, func(t *testing.T) {
			in := readFile(t, path)
			want := strings.TrimSuffix(readFile(t, filepath.Join("testdata", name+".want.txt")), "\n")
			var got string
			switch kind {
			case "txt":
				got = Text(in)
			case "flowed.txt":
				got = Text(DecodeFlowed(in, false))
			case "flowed-delsp.txt":
				got = Text(DecodeFlowed(in, true))
			case "html":
				var err error
				if got, err = HTML(strings.NewReader(in)); err != nil {
					t.Fatal(err)
				}
			default:
				t.Fatalf("unknown kind of test email %q", file)
			}
			if got != want {
				t.Fatalf("got:\n%s\n---- want:\n%s\n----", got, want)
			}
			if trackLinkRe.MatchString(got) {
				t.Fatalf("a private tracking link survived:\n%s", got)
			}
		})
	}
	if cases < 50 {
		t.Fatalf("only %d test emails found", cases)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
