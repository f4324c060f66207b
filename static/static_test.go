package static

import (
	"strings"
	"testing"
)

func TestURLAndLookup(t *testing.T) {
	for _, name := range []string{"css/app.css", "js/app.js", "vendor/htmx.min.js", "img/favicon.svg"} {
		t.Run(name, func(t *testing.T) {
			u := URL(name)
			if !strings.HasPrefix(u, Prefix) || u == Prefix+name {
				t.Fatalf("URL(%q) = %q, want a hashed name under %s", name, u, Prefix)
			}
			a, fresh := Lookup(strings.TrimPrefix(u, Prefix))
			if a == nil || a.Name != name || !fresh {
				t.Fatalf("Lookup(%q) = %v, %v", u, a, fresh)
			}
			if a, fresh := Lookup(name); a == nil || fresh {
				t.Fatalf("the plain name must resolve, not fresh: %v %v", a, fresh)
			}
		})
	}
	if a, _ := Lookup("css/nope.css"); a != nil {
		t.Fatal("found an asset that does not exist")
	}
}

// The stylesheet is built (not the Tailwind source) and htmx is the
// minified release copy.
func TestBuiltAssets(t *testing.T) {
	css, _ := Lookup("css/app.css")
	if strings.Contains(string(css.Body), "@tailwind") || !strings.Contains(string(css.Body), ".card{") {
		t.Fatal("app.css is not the built stylesheet")
	}
	js, _ := Lookup("vendor/htmx.min.js")
	if !strings.Contains(string(js.Body), "htmx") || strings.Count(string(js.Body), "\n") > 5 {
		t.Fatal("vendor/htmx.min.js is not the minified htmx release")
	}
}
