package web

import (
	"net/netip"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/filestore"
)

// Defaults of the connection timeouts. Ten seconds is ample for any real
// client to send a few kilobytes of headers, and short enough that idle
// connections opened to exhaust the server's descriptors go in seconds,
// not minutes. Thirty seconds of silence in a body covers a phone moving
// between cells; an upload that stops for longer is let go (408).
const (
	DefaultHeaderTimeout   = 10 * time.Second
	DefaultBodyIdleTimeout = 30 * time.Second
)

// Defaults of the minimum body rate. 1 KiB/s averaged over at least a
// minute is below any network that carries a web page (a 2G phone does
// several times that), so it cuts only clients that send on purpose no
// faster than needed to keep a connection: a byte every 10 s was held for
// ever. The minute of grace covers a phone's connection setting up or
// changing cells at the start, and a body that is small never meets it.
const (
	DefaultBodyMinRate   = 1 << 10
	DefaultBodyRateGrace = time.Minute
)

// Config is what the web layer needs to know about its deployment.
type Config struct {
	BaseURL      string // absolute links: trackingUrl, emails
	MaxFileBytes int64  // largest attachment
	MaxFiles     int    // attachments per ticket
	CreateRate   int    // public creates and uploads per minute per address; 0 = no limit
	MinFreeBytes int64  // below this much free space in the data folder, refuse new content (507) and /readyz says 503; 0 = no floor
	// HeaderTimeout is how long a client has, from connecting (or from its
	// first byte on a kept-alive connection), to send a request's line and
	// headers; 0 means DefaultHeaderTimeout.
	HeaderTimeout time.Duration
	// BodyIdleTimeout is how long a body may go without a byte arriving;
	// 0 means DefaultBodyIdleTimeout. There is no total time: a slow but
	// steady upload may take as long as it needs, bounded by its size.
	BodyIdleTimeout time.Duration
	// BodyMinRate is the average rate, in bytes a second since the request
	// began, that a body must keep once BodyRateGrace has passed (408
	// otherwise): a body trickling a byte every few seconds would hold its
	// connection for ever under the idle timeout alone. 0 means none;
	// serve defaults it to DefaultBodyMinRate.
	BodyMinRate int64
	// BodyRateGrace is how long a body may take before BodyMinRate
	// applies; 0 means DefaultBodyRateGrace.
	BodyRateGrace time.Duration
	// UnderPressure reports whether the server holds nearly as many
	// connections as it may (connlimit.Listener.Pressed); while it does,
	// BodyMinRate applies after PressureTimeout instead of BodyRateGrace.
	// nil means never.
	UnderPressure func() bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client, for the sign-in throttles and the rate limit; empty
	// means the connection's own address is the client.
	TrustedProxies []netip.Prefix
}

// PressureTimeout is how long a slow client gets while the server is
// under pressure (Config.UnderPressure): to send its headers, to go
// silent, and before the body rate applies. Any client on a working
// network sends its headers in one packet and a body at well over
// 1 KiB/s from the start; those that do not are what fills the server.
const PressureTimeout = 5 * time.Second

// Server holds what every handler shares: the deployment's settings, the
// store, the files, the agents' sessions and who has which ticket open.
// The desk, the requester pages and the API embed it.
type Server struct {
	Config   Config
	DB       *db.DB
	Files    filestore.Files
	sessions *sqliteStore
	cookies  cookieNames
	// Presence is who has which ticket open (the desk's workspace; the
	// API tells it of new messages).
	Presence PresenceHub
	// table matches a request's headers to its route (route_match.go);
	// set by SetRoutes.
	table routeTable
}

// Timeouts around requests, besides the header and body ones of Config.
const (
	IdleTimeout  = 60 * time.Second // between requests on a kept-alive connection
	WriteTimeout = 5 * time.Minute  // a large download to a slow phone
)

// JSONBodyLimit bounds every JSON body, which is held in memory while it
// arrives (300 held bodies of 1 MiB took 653 MB). The largest of ours is a
// create with every field at its longest, its text written entirely as
// \uXXXX escapes (as Python's json.dumps does by default), and 20
// attachment references with 2,048-byte addresses and 255-character
// names: 135 KB; or a 10,000-emoji message, each escaped as a surrogate
// pair: 122 KB. TestJSONBodyLimitFits builds both.
const JSONBodyLimit = 160 << 10

// Route is one entry of the application's route list.
type Route struct {
	Method  string
	Path    string
	Access  Access
	Limited bool // public writes: rate-limited per client address
	Body    Body // what it accepts as a body, checked from the headers first
	Handler fiber.Handler
}

// NewServer fills cfg's unset timeouts with their defaults and opens the
// session store on store.
func NewServer(cfg Config, store *db.DB, files filestore.Files) *Server {
	if cfg.HeaderTimeout <= 0 {
		cfg.HeaderTimeout = DefaultHeaderTimeout
	}
	if cfg.BodyIdleTimeout <= 0 {
		cfg.BodyIdleTimeout = DefaultBodyIdleTimeout
	}
	if cfg.BodyRateGrace <= 0 {
		cfg.BodyRateGrace = DefaultBodyRateGrace
	}
	h := &Server{Config: cfg, DB: store, Files: files}
	h.cookies = newCookieNames(h.Secure())
	h.sessions = &sqliteStore{db: store, secure: h.Secure()}
	h.Presence = NewStoreHub(store)
	return h
}

// API reports whether r is part of the JSON API (problem+json answers,
// CSRF in a header), from the route list rather than a request's path.
func (r Route) API() bool { return strings.HasPrefix(r.Path, "/api/") }
