package i18n

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every string is in both languages, and differs between them unless it
// is the same word in both ("Error:").
func TestCatalogComplete(t *testing.T) {
	for key, pair := range catalog {
		t.Run(key, func(t *testing.T) {
			if strings.TrimSpace(pair[0]) == "" || strings.TrimSpace(pair[1]) == "" {
				t.Fatalf("missing a language: %q", pair)
			}
			if strings.Count(pair[0], "%") != strings.Count(pair[1], "%") {
				t.Fatalf("the languages take different arguments: %q", pair)
			}
		})
	}
}

// literalKey finds T("key") calls with a literal key.
var literalKey = regexp.MustCompile(`\.T\("([A-Za-z0-9_.]+)"`)

// Every literal key the templates and page handlers use is in the
// catalogue, so no page shows a raw key.
func TestCatalogHasUsedKeys(t *testing.T) {
	var files []string
	for _, glob := range []string{"../views/*/*.templ", "../views/*/*.go", "../handlers/page_*.go"} {
		m, err := filepath.Glob(glob)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 5 {
		t.Fatalf("found only %d source files; has the layout moved?", len(files))
	}
	used := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_templ.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range literalKey.FindAllStringSubmatch(string(b), -1) {
			if strings.HasSuffix(m[1], ".") {
				continue // a prefix completed at run time: TestCatalogHasBuiltKeys
			}
			used++
			if !Has(m[1]) {
				t.Errorf("%s uses %q, which the catalogue lacks", f, m[1])
			}
		}
	}
	if used < 50 {
		t.Fatalf("found only %d keys in use", used)
	}
}

// Keys built at run time from a value must exist for every value.
func TestCatalogHasBuiltKeys(t *testing.T) {
	var keys []string
	for _, s := range []string{"created", "open", "in_progress", "resolved", "closed"} {
		keys = append(keys, "status."+s, "track.about."+s)
	}
	for _, r := range []string{"tourist", "guide", "guest"} {
		keys = append(keys, "role."+r, "role."+r+".hint")
	}
	for _, f := range []string{"roleContext", "fullName", "email", "category", "subject", "message", "body"} {
		keys = append(keys, "err.required."+f)
	}
	for _, s := range []string{"reply", "closed", "reopened"} {
		keys = append(keys, "track.sent."+s)
	}
	for _, e := range []string{"default", "csrf", "400", "403", "404", "405", "409", "413", "415", "429", "500", "503", "507"} {
		keys = append(keys, "error."+e+".title", "error."+e+".text")
	}
	for _, k := range keys {
		if !Has(k) {
			t.Errorf("missing %q", k)
		}
	}
}

func TestT(t *testing.T) {
	tests := []struct {
		name string
		lang Lang
		key  string
		args []any
		want string
	}{
		{"English", EN, "form.submit", nil, "Send request"},
		{"Spanish", ES, "form.submit", nil, "Enviar solicitud"},
		{"Arguments", ES, "track.number", []any{"42"}, "Ticket n.º 42"},
		{"MissingKeyShowsItself", EN, "no.such.key", nil, "no.such.key"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.lang.T(tc.key, tc.args...); got != tc.want {
				t.Fatalf("%q, want %q", got, tc.want)
			}
		})
	}
}

func TestRegisterRefusesDuplicates(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("a key registered twice did not panic")
		}
	}()
	addStrings(map[string][2]string{"form.submit": {"x", "y"}})
}
