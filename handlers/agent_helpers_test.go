package handlers

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
)

// browser is a cookie-keeping HTTP client signed in (or not) to the desk,
// as a person's browser would be.
type browser struct {
	s      *testServer
	client *http.Client
	User   db.User
}

// newBrowser returns a client with an empty cookie jar.
func (s *testServer) newBrowser(t testing.TB) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{s: s, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// signIn creates an account with role and signs a new browser in as it.
func (s *testServer) signIn(t testing.TB, role string) *browser {
	t.Helper()
	email := role + "-" + strings.ToLower(randomSuffix()) + "@kinconecta.com"
	u, err := s.DB.CreateUser(t.Context(), db.NewUser{Email: email, Name: "Agent " + role, Role: role, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	b := s.newBrowser(t)
	r := b.postForm(t, "/agent/login", url.Values{"email": {email}, "password": {"correct horse battery"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d %s", r.StatusCode, r.Body)
	}
	b.User = u
	return b
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf returns the browser's CSRF token, loading the sign-in page for it
// the first time (any page with a form sets it).
func (b *browser) csrf(t testing.TB) string {
	t.Helper()
	u, _ := url.Parse(b.s.URL)
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == web.CSRFCookie {
			return c.Value
		}
	}
	r := b.get(t, "/agent/login")
	m := csrfInput.FindStringSubmatch(string(r.Body))
	if m == nil {
		t.Fatalf("no CSRF field on the sign-in page")
	}
	return m[1]
}

// get fetches a page.
func (b *browser) get(t testing.TB, path string) response {
	t.Helper()
	return b.do(t, "GET", path, "", nil)
}

// postForm posts an urlencoded form, adding the CSRF token unless the
// form already has a "csrf" value.
func (b *browser) postForm(t testing.TB, path string, form url.Values) response {
	t.Helper()
	if _, ok := form[web.CSRFField]; !ok {
		form.Set(web.CSRFField, b.csrf(t))
	}
	return b.do(t, "POST", path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
}

// do sends a request with the browser's cookies.
func (b *browser) do(t testing.TB, method, path, contentType string, body io.Reader, headers ...string) response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, b.s.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := b.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{Response: resp, Body: data}
}

// accounts numbers the accounts tests create, so their emails differ.
var accounts atomic.Int64

func randomSuffix() string { return strconv.FormatInt(accounts.Add(1), 10) }
