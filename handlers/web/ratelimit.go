package web

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/internal/connlimit"
)

// rateLimitWindow is the rate limit's window: Config.CreateRate is per
// minute.
const rateLimitWindow = time.Minute

// RateLimit limits public creates and uploads per client (ClientKey) to
// Config.CreateRate a minute, counted in the database (db.RateHit) so that
// the limit holds across every process sharing it. Agents are not the
// public and are not limited. It answers as Fiber's in-memory limiter did:
// a fixed window from a client's first request, refused requests counted
// too, 429 with Retry-After (whole seconds until the window ends), and
// X-RateLimit-Limit, -Remaining and -Reset on the requests it lets through.
func (h *Server) RateLimit() fiber.Handler {
	return func(c *fiber.Ctx) error {
		limit := h.Config.CreateRate
		if limit <= 0 || PrincipalOf(c).IsAgent() {
			return c.Next()
		}
		hits, resetIn, err := h.DB.RateHit(c.UserContext(), "create", h.ClientKey(c), rateLimitWindow)
		if db.IsStorageFull(err) || c.UserContext().Err() != nil {
			// A full disk has its own answer (507); a client gone needs none.
			return err
		}
		if err != nil {
			// Fail open: the limit guards against floods, and a store that
			// cannot count is no reason to refuse an honest client. The
			// request's own writes meet the same store and answer for it.
			slog.Warn("rate limit: unable to count a request; letting it through", "route", c.Route().Path, "err", err)
			return c.Next()
		}
		reset := strconv.Itoa(int((resetIn + time.Second - 1) / time.Second))
		if hits > limit {
			c.Set(fiber.HeaderRetryAfter, reset)
			return db.Errorf(db.ERATELIMITED, "too many requests from your address; at most %d a minute", limit)
		}
		err = c.Next()
		c.Set("X-RateLimit-Limit", strconv.Itoa(limit))
		c.Set("X-RateLimit-Remaining", strconv.Itoa(limit-hits))
		c.Set("X-RateLimit-Reset", reset)
		return err
	}
}

// clientKey names the client a request counts against in the sign-in
// throttles and the rate limit: the same identity the connection caps use
// (an IPv4 address, an IPv6 /64: one IPv6 host commonly holds a whole /64
// and would otherwise get a fresh allowance per address), of the address
// clientAddr finds.
func (h *Server) ClientKey(c *fiber.Ctx) string {
	return connlimit.Client(h.clientAddr(c))
}

// clientAddr is the client's address: the connection's peer, or, when the
// peer is one of Config.TrustedProxies, the address X-Forwarded-For names
// for it. The header is read from its right end, where each proxy appends
// the address it received the request from, past every trusted proxy, to
// the first address no trusted proxy vouches for: entries to its left were
// written by the client, who could write anything. (Fiber's c.IP() with a
// ProxyHeader takes the leftmost entry, or the header's raw text, so a
// client behind a proxy could name itself at will.)
func (h *Server) clientAddr(c *fiber.Ctx) netip.Addr {
	peer := addrOf(c.Context().RemoteIP().String())
	if !h.trusted(peer) {
		return peer
	}
	var hops [][]byte
	for _, v := range c.Request().Header.PeekAll(fiber.HeaderXForwardedFor) {
		hops = append(hops, bytes.Split(v, []byte(","))...)
	}
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a := addrOf(string(bytes.TrimSpace(hops[i])))
		if !a.IsValid() {
			// Not an address: what the last trusted hop received from
			// is all that is known.
			break
		}
		client = a
		if !h.trusted(a) {
			break
		}
	}
	return client
}

// trusted reports whether a is one of Config.TrustedProxies.
func (h *Server) trusted(a netip.Addr) bool {
	for _, p := range h.Config.TrustedProxies {
		if a.IsValid() && p.Contains(a) {
			return true
		}
	}
	return false
}

// addrOf parses an address as X-Forwarded-For carries it, alone or with a
// port ("192.0.2.1:4711", "[2001:db8::1]:4711"), unmapped from IPv6 when it
// is an IPv4 one; the zero Addr when it is none.
func addrOf(s string) netip.Addr {
	a, err := netip.ParseAddr(s)
	if err != nil {
		ap, perr := netip.ParseAddrPort(s)
		if perr != nil {
			return netip.Addr{}
		}
		a = ap.Addr()
	}
	return a.Unmap().WithZone("")
}

// ParseTrustedProxies reads a comma-separated list of CIDR ranges or
// single addresses (--trusted-proxies); empty is none.
func ParseTrustedProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range strings.Split(list, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			a, aerr := netip.ParseAddr(s)
			if aerr != nil {
				return nil, fmt.Errorf("%q is neither a CIDR range nor an address", s)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), max(p.Bits()-96, 0))
		}
		out = append(out, p.Masked())
	}
	return out, nil
}
