package handlers

import (
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/kinconecta/helpdesk/static"
)

func TestStaticAssets(t *testing.T) {
	s := newTestServer(t)
	b := s.newBrowser(t)
	css := static.URL("css/app.css")
	tests := []struct {
		name, path, cache, ctype string
		status                   int
	}{
		{"Hashed", css, "public, max-age=31536000, immutable", "text/css", 200},
		{"HashedScript", static.URL("js/app.js"), "public, max-age=31536000, immutable", "text/javascript", 200},
		{"PinnedHtmx", static.URL("vendor/htmx.min.js"), "public, max-age=31536000, immutable", "text/javascript", 200},
		{"Unhashed", "/static/css/app.css", "no-cache", "text/css", 200},
		{"OldHash", "/static/css/app.000000000000.css", "no-cache", "text/css", 200},
		{"ErrUnknown", "/static/css/nope.css", "", "", 404},
		{"ErrTraversal", "/static/../go.mod", "", "", 404},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := b.get(t, tc.path)
			if r.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", r.StatusCode, tc.status)
			}
			if tc.status != 200 {
				return
			}
			if got := r.Header.Get("Cache-Control"); got != tc.cache {
				t.Errorf("Cache-Control %q, want %q", got, tc.cache)
			}
			if got := r.Header.Get("Content-Type"); !strings.HasPrefix(got, tc.ctype) {
				t.Errorf("Content-Type %q, want %s", got, tc.ctype)
			}
			if len(r.Body) == 0 {
				t.Error("empty body")
			}
		})
	}
	t.Run("PagesLinkHashedURLs", func(t *testing.T) {
		d := html(t, b.get(t, "/"))
		if got := one(t, d, `link[rel="stylesheet"]`).AttrOr("href", ""); got != css {
			t.Fatalf("stylesheet %q, want %q", got, css)
		}
		d.Find("script").Each(func(_ int, sc *goquery.Selection) {
			if src := sc.AttrOr("src", ""); !strings.HasPrefix(src, "/static/") {
				t.Errorf("script from %q, not from /static/", src)
			}
		})
	})
}

func TestErrorPage(t *testing.T) {
	s := newTestServer(t)
	tests := []struct {
		name     string
		headers  []string
		wantLang string
		layout   bool
		title    string
	}{
		{"English", nil, "en", true, "Page not found"},
		{"Spanish", []string{"Accept-Language", "es"}, "es", true, "Página no encontrada"},
		{"HtmxPartial", []string{"HX-Request", "true"}, "", false, "Page not found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := s.newBrowser(t).do(t, "GET", "/no/such/page", "", nil, tc.headers...)
			if r.StatusCode != http.StatusNotFound {
				t.Fatalf("status %d", r.StatusCode)
			}
			d := html(t, r)
			if got := d.Find("main#main").Length() == 1; got != tc.layout {
				t.Fatalf("in the layout: %v, want %v", got, tc.layout)
			}
			if tc.layout {
				if got := one(t, d, "html").AttrOr("lang", ""); got != tc.wantLang {
					t.Errorf("lang %q", got)
				}
			}
			if got := text(one(t, d, `[data-testid="error-page"] h1`)); got != tc.title {
				t.Errorf("title %q, want %q", got, tc.title)
			}
		})
	}
}
