package handlers

import (
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/desk"
	"github.com/kinconecta/helpdesk/handlers/web"
)

// The client a request counts against (sign-in throttles, the rate limit)
// is the one the connection caps use, IPv6 by /64, and behind a trusted
// proxy the address X-Forwarded-For names, read from its right end past
// every trusted hop: the entries further left were written by the client.
func TestClientKey(t *testing.T) {
	proxies, err := web.ParseTrustedProxies("127.0.0.9, 10.0.0.0/8,fd00::/8")
	if err != nil {
		t.Fatal(err)
	}
	h := newHandler(web.Config{TrustedProxies: proxies}, nil, nil)
	app := fiber.New()
	for _, tc := range []struct {
		name, peer string
		xff        []string
		want       string
	}{
		{"IPv4", "192.0.2.1", nil, "192.0.2.1"},
		{"IPv6By64", "2001:db8:1:2:aaaa::1", nil, "2001:db8:1:2::/64"},
		{"IPv4MappedIPv6", "::ffff:192.0.2.1", nil, "192.0.2.1"},
		{"UntrustedPeerHeaderIgnored", "192.0.2.1", []string{"203.0.113.7"}, "192.0.2.1"},
		{"TrustedProxy", "127.0.0.9", []string{"203.0.113.7"}, "203.0.113.7"},
		{"TrustedProxyIPv6Client", "127.0.0.9", []string{"2001:db8:5::77"}, "2001:db8:5::/64"},
		{"ClientWrittenEntriesIgnored", "127.0.0.9", []string{"198.51.100.1, 203.0.113.7"}, "203.0.113.7"},
		{"SeveralHops", "127.0.0.9", []string{"198.51.100.1, 203.0.113.7, 10.1.2.3"}, "203.0.113.7"},
		{"SeveralHeaders", "127.0.0.9", []string{"198.51.100.1", "203.0.113.7, 10.1.2.3"}, "203.0.113.7"},
		{"IPv6ProxyHop", "127.0.0.9", []string{"203.0.113.7, fd00::5"}, "203.0.113.7"},
		{"WithPort", "127.0.0.9", []string{"203.0.113.7:4711"}, "203.0.113.7"},
		{"AllTrusted", "127.0.0.9", []string{"10.0.0.1, 10.0.0.2"}, "10.0.0.1"},
		{"Garbage", "127.0.0.9", []string{"203.0.113.7, not-an-address"}, "127.0.0.9"},
		{"GarbageLeft", "127.0.0.9", []string{"not-an-address, 203.0.113.7"}, "203.0.113.7"},
		{"Empty", "127.0.0.9", []string{""}, "127.0.0.9"},
		{"NoHeader", "127.0.0.9", nil, "127.0.0.9"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var req fasthttp.Request
			req.SetRequestURI("/agent/login")
			for _, v := range tc.xff {
				req.Header.Add("X-Forwarded-For", v)
			}
			var fctx fasthttp.RequestCtx
			fctx.Init(&req, &net.TCPAddr{IP: net.ParseIP(tc.peer), Port: 4242}, nil)
			c := app.AcquireCtx(&fctx)
			defer app.ReleaseCtx(c)
			if got := h.ClientKey(c); got != tc.want {
				t.Errorf("clientKey = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestParseTrustedProxies(t *testing.T) {
	for in, want := range map[string]string{
		"":                              "[]",
		"10.0.0.0/8":                    "[10.0.0.0/8]",
		" 10.1.2.3/8 , 192.0.2.1 ":      "[10.0.0.0/8 192.0.2.1/32]",
		"2001:db8::1/64,::ffff:1.2.3.4": "[2001:db8::/64 1.2.3.4/32]",
	} {
		got, err := web.ParseTrustedProxies(in)
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		b, _ := json.Marshal(got)
		if s := strings.ReplaceAll(strings.ReplaceAll(string(b), `"`, ""), ",", " "); s != want && !(want == "[]" && s == "null") {
			t.Errorf("%q: %s, want %s", in, s, want)
		}
	}
	for _, in := range []string{"10.0.0.0/33", "proxy.example.com", "10.0.0.0/8,,x"} {
		if _, err := web.ParseTrustedProxies(in); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

// Behind a reverse proxy every connection comes from the proxy; with the
// proxy trusted, X-Forwarded-For names the client for the rate limit and
// the sign-in throttles, so one client's failures do not lock out the
// others, nor one client's creates use up everyone's. From any other peer
// the header counts for nothing. Before, every client behind the proxy
// shared the proxy's allowance.
func TestTrustedProxyNamesTheClient(t *testing.T) {
	s := newTestServer(t, func(c *web.Config) {
		c.CreateRate = 1
		c.TrustedProxies, _ = web.ParseTrustedProxies("127.0.0.9")
	})
	proxy := s.browserFrom(t, "127.0.0.9")
	stranger := s.browserFrom(t, "127.0.0.10")
	body, _ := json.Marshal(validTicket())
	create := func(b *browser, xff string) int {
		return b.do(t, "POST", "/api/support-tickets", "application/json", strings.NewReader(string(body)), "X-Forwarded-For", xff).StatusCode
	}
	for _, step := range []struct {
		name string
		b    *browser
		xff  string
		want int
	}{
		{"FirstClient", proxy, "203.0.113.7", http.StatusCreated},
		{"FirstClientAgain", proxy, "203.0.113.7", http.StatusTooManyRequests},
		{"SecondClient", proxy, "203.0.113.8", http.StatusCreated},
		{"FirstClientForgingAnEntry", proxy, "198.51.100.1, 203.0.113.7", http.StatusTooManyRequests},
		{"IPv6Client", proxy, "2001:db8:1::1", http.StatusCreated},
		{"IPv6SameSlash64", proxy, "2001:db8:1::2", http.StatusTooManyRequests},
		{"IPv6OtherSlash64", proxy, "2001:db8:2::1", http.StatusCreated},
		{"Stranger", stranger, "203.0.113.20", http.StatusCreated},
		{"StrangerClaimingAnother", stranger, "203.0.113.21", http.StatusTooManyRequests},
	} {
		if got := create(step.b, step.xff); got != step.want {
			t.Errorf("%s (X-Forwarded-For: %s): %d, want %d", step.name, step.xff, got, step.want)
		}
	}

	u, err := s.DB.CreateUser(t.Context(), db.NewUser{Email: "marta@kinconecta.com", Name: "Marta", Role: db.RoleAgent, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	login := func(xff, password string) int {
		form := url.Values{web.CSRFField: {proxy.csrf(t)}, "email": {u.Email}, "password": {password}}
		return proxy.do(t, "POST", "/agent/login", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()),
			"X-Forwarded-For", xff).StatusCode
	}
	for i := 0; i < desk.LoginPerPair; i++ {
		login("203.0.113.50", "wrong wrong wrong")
	}
	if got := login("203.0.113.50", "correct horse battery"); got != http.StatusTooManyRequests {
		t.Errorf("the failing client behind the proxy: %d, want 429", got)
	}
	if got := login("203.0.113.51", "correct horse battery"); got != http.StatusSeeOther {
		t.Errorf("another client behind the same proxy: %d, want 303 (signed in)", got)
	}
}
