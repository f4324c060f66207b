package components

import (
	"net/url"
	"strings"

	"golang.org/x/net/idna"
)

// LinkHost is the host a link to a file hosted elsewhere leads to, as the
// reader should see it before following it: lower case, with any port, and
// an internationalised name in its ASCII (xn--) form, so that a look-alike
// such as "pаypal.com" with a Cyrillic "а" cannot pass for the real one.
// A URL without a host gives "".
func LinkHost(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return ""
	}
	host := strings.ToLower(u.Hostname())
	if ascii, err := idna.Lookup.ToASCII(host); err == nil {
		host = ascii
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]" // an IPv6 address
	}
	if port := u.Port(); port != "" {
		host += ":" + port
	}
	return host
}
