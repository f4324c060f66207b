package connlimit

import (
	"net/netip"
	"testing"
)

// TestClient checks the exported client identity, which the web layer's
// throttles key on: the same as the connection caps count by.
func TestClient(t *testing.T) {
	for _, tt := range []struct{ name, ip, want string }{
		{"IPv4", "192.0.2.7", "192.0.2.7"},
		{"IPv4Mapped", "::ffff:192.0.2.7", "192.0.2.7"},
		{"IPv6", "2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"},
		{"IPv6SameSlash64", "2001:db8:1:2:ffff::9", "2001:db8:1:2::/64"},
		{"IPv6Zone", "fe80::1%eth0", "fe80::/64"},
		{"Loopback6", "::1", "::/64"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := Client(netip.MustParseAddr(tt.ip)); got != tt.want {
				t.Fatalf("Client(%s) = %q, want %q", tt.ip, got, tt.want)
			}
		})
	}
}
