package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/kinconecta/helpdesk/handlers/web"
)

// Every response carries the security headers: pages, the API, errors and
// static files.
func TestSecurityHeaders(t *testing.T) {
	s := newTestServer(t)
	c, page := s.trackedTicket(t, nil)
	b := s.newBrowser(t)
	tests := []struct {
		name, method, path string
		status             int
	}{
		{"Form", "GET", "/", 200},
		{"Track", "GET", page, 200},
		{"NotFoundPage", "GET", "/no-such-page", 404},
		{"Static", "GET", "/static/css/app.css", 200},
		{"API", "GET", "/api/openapi.json", 200},
		{"APINotFound", "GET", "/api/support-tickets/999999", 404},
		{"APITicket", "GET", "/api/support-tickets/" + strconv.FormatInt(c.ID, 10), 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := b.do(t, tc.method, tc.path, "", nil, bearer(c.AccessToken)...)
			if r.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", r.StatusCode, tc.status)
			}
			csp := r.Header.Get("Content-Security-Policy")
			for _, want := range []string{"default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("CSP %q lacks %q", csp, want)
				}
			}
			if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
				t.Errorf("CSP allows inline code: %q", csp)
			}
			if got := r.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options %q", got)
			}
			if got := r.Header.Get("Referrer-Policy"); got == "" || got == "unsafe-url" {
				t.Errorf("Referrer-Policy %q", got)
			}
			if got := r.Header.Get("X-Frame-Options"); got != "DENY" {
				t.Errorf("X-Frame-Options %q", got)
			}
		})
	}
}

// The Content-Security-Policy forbids inline script, so the pages must
// have none: no <script> without src, no on* attributes, no style
// attributes or elements.
func TestPagesHaveNoInlineCode(t *testing.T) {
	s := newTestServer(t)
	c, page := s.trackedTicket(t, nil)
	s.setStatus(t, c.ID, "resolved")
	b := s.newBrowser(t)
	badForm := b.postMultipart(t, "/", formParts(b.formToken(t, "/"), map[string]string{}))
	tests := []struct {
		name string
		r    response
	}{
		{"Form", b.get(t, "/")},
		{"FormWithErrors", badForm},
		{"Track", b.get(t, page)},
		{"Error", b.get(t, "/nope")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := html(t, tc.r)
			if n := d.Find("script:not([src]), style, [style]").Length(); n != 0 {
				t.Fatalf("%d inline scripts or styles", n)
			}
			d.Find("*").Each(func(_ int, e *goquery.Selection) {
				for _, a := range e.Nodes[0].Attr {
					if strings.HasPrefix(strings.ToLower(a.Key), "on") {
						t.Errorf("<%s %s> is an inline event handler", e.Nodes[0].Data, a.Key)
					}
				}
			})
			one(t, d, `a.skip-link[href="#main"]`)
			one(t, d, "header")
			one(t, d, "main#main")
			one(t, d, "footer")
		})
	}
}

func TestCookies(t *testing.T) {
	tests := []struct {
		name       string
		baseURL    string
		wantSecure bool
	}{
		{"HTTP", "http://helpdesk.test", false},
		{"HTTPS", "https://help.kinconecta.com", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestServer(t, func(c *web.Config) { c.BaseURL = tc.baseURL })
			r := s.newBrowser(t).get(t, "/?lang=es")
			if len(r.Cookies()) < 2 {
				t.Fatalf("cookies %v, want the CSRF and language cookies", r.Cookies())
			}
			for _, c := range r.Cookies() {
				if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure != tc.wantSecure {
					t.Errorf("cookie %s: HttpOnly=%v SameSite=%v Secure=%v", c.Name, c.HttpOnly, c.SameSite, c.Secure)
				}
			}
			if got := r.Header.Get("Strict-Transport-Security") != ""; got != tc.wantSecure {
				t.Errorf("HSTS sent: %v", got)
			}
		})
	}
}
