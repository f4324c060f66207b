package components

import "testing"

func TestLinkHost(t *testing.T) {
	tests := []struct {
		name, url, want string
	}{
		{"Plain", "https://files.example.com/r/recibo.pdf", "files.example.com"},
		{"UpperCase", "https://Files.Example.COM/a.pdf", "files.example.com"},
		{"Port", "https://files.example.com:8443/a.pdf", "files.example.com:8443"},
		{"LookAlike", "https://p\u0430ypal.com/a.pdf", "xn--pypal-4ve.com"},
		{"Unicode", "https://bücher.example/a.pdf", "xn--bcher-kva.example"},
		{"IPv6", "https://[2001:db8::1]:443/a.pdf", "[2001:db8::1]:443"},
		{"UserInfoIsNotHost", "https://files.example.com@evil.example/a.pdf", "evil.example"},
		{"NoHost", "/api/support-tickets/1/attachments/2", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := LinkHost(tc.url); got != tc.want {
				t.Fatalf("LinkHost(%q) = %q, want %q", tc.url, got, tc.want)
			}
		})
	}
}
