package mail

import (
	"strings"
	"testing"
)

func TestReplyAddresses(t *testing.T) {
	r := replyAddresses{key: []byte("0123456789abcdef0123456789abcdef"), domain: "help.example.com"}
	other := replyAddresses{key: []byte("another key, another desk......."), domain: "help.example.com"}
	addr := r.For(12)
	if !strings.HasPrefix(addr, "reply+12.") || !strings.HasSuffix(addr, "@help.example.com") {
		t.Fatalf("For(12) = %q", addr)
	}
	local, _, _ := strings.Cut(addr, "@")
	for _, tc := range []struct {
		name, addr string
		want       int64
	}{
		{"OK", addr, 12},
		{"OKUpperCase", strings.ToUpper(addr), 12},
		{"ErrOtherKey", other.For(12), 0},
		{"ErrOtherTicket", strings.Replace(addr, "+12.", "+13.", 1), 0},
		{"ErrLeadingZero", strings.Replace(addr, "+12.", "+012.", 1), 0},
		{"ErrNoMAC", "reply+12@help.example.com", 0},
		{"ErrShortMAC", local[:len(local)-1] + "@help.example.com", 0},
		{"ErrOtherDomain", local + "@example.com", 0},
		{"ErrNoAt", local, 0},
		{"ErrNegative", "reply+-1.abc@help.example.com", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id, ok := r.TicketID(tc.addr)
			if got := map[bool]int64{true: id}[ok]; got != tc.want {
				t.Fatalf("TicketID(%q) = %d, %v; want %d", tc.addr, id, ok, tc.want)
			}
		})
	}
}
