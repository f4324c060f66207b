// Package handlers is the helpdesk's web layer: the JSON API and the pages.
// It is the only package that imports Fiber.
package handlers

import (
	"net/netip"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
	"github.com/valyala/fasthttp"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/filestore"
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
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client, for the sign-in throttles and the rate limit; empty
	// means the connection's own address is the client.
	TrustedProxies []netip.Prefix
}

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

// Handler holds what every handler shares.
type Handler struct {
	cfg      Config
	db       *db.DB
	files    *filestore.Store
	sessions *sqliteStore
	cookies  cookieNames
	// Failed sign-ins: per account and client address, per address, and
	// per account from anywhere (which only slows down, see agent_login.go).
	loginsByPair, loginsByAddress, loginsByAccount *throttle
	// presence is who has which ticket open (agent_presence.go).
	presence presenceHub
	// tabs finds a page's presence stream when the page says it leaves.
	tabs presenceTabs
}

// jsonBodyLimit bounds every JSON body, which is held in memory while it
// arrives (300 held bodies of 1 MiB took 653 MB). The largest of ours is a
// create with every field at its longest, its text written entirely as
// \uXXXX escapes (as Python's json.dumps does by default), and 20
// attachment references with 2,048-byte addresses and 255-character
// names: 135 KB; or a 10,000-emoji message, each escaped as a surrogate
// pair: 122 KB. TestJSONBodyLimitFits builds both.
const jsonBodyLimit = 160 << 10

// Timeouts around requests, besides the header and body ones of Config.
const (
	idleTimeout  = 60 * time.Second // between requests on a kept-alive connection
	writeTimeout = 5 * time.Minute  // a large download to a slow phone
)

// New builds the application with every route.
func New(cfg Config, store *db.DB, files *filestore.Store) *fiber.App {
	h := newHandler(cfg, store, files)
	app := fiber.New(fiber.Config{
		AppName:      "helpdesk",
		ErrorHandler: h.errorHandler,
		// Stream large bodies instead of buffering them, and leave multipart
		// parsing to us, so memory does not grow with upload size (MEASURED.md).
		// fasthttp then reads at most 8 KiB of a body, and of a longer one
		// only its first bytes (headerReceived), before the route has
		// decided whether it takes one.
		StreamRequestBody:            true,
		DisablePreParseMultipartForm: true,
		BodyLimit:                    jsonBodyLimit,
		// Request line and headers; fasthttp's 4 KiB default refuses a
		// legitimate long list query before any route sees it.
		ReadBufferSize: 16 << 10,
		ReadTimeout:    h.cfg.HeaderTimeout,
		WriteTimeout:   writeTimeout,
		IdleTimeout:    idleTimeout,
		// Routes are matched exactly as listed: which checks apply follows
		// from the matched route, and no other spelling of a path reaches it.
		CaseSensitive:         true,
		DisableStartupMessage: true,
	})
	srv := app.Server()
	srv.HeaderReceived = h.headerReceived
	srv.ContinueHandler = h.continueBody
	// fasthttp's parse errors quote the raw request (its cookies and
	// Authorization header) in their text.
	srv.SecureErrorLogMessage = true
	// Requests refused by the HTTP layer itself (headers too large, a
	// malformed request line or header) reach the error handler with no
	// path; mark them so it need not guess from one, and answer with a
	// generic detail per status: the parse error's own text is never shown.
	srv.ErrorHandler = func(fctx *fasthttp.RequestCtx, err error) {
		c := app.AcquireCtx(fctx)
		defer app.ReleaseCtx(c)
		fctx.SetUserValue(unparsedKey, true)
		if h.errorHandler(c, serverError(err)) != nil {
			fctx.SetStatusCode(fiber.StatusInternalServerError)
		}
	}
	srv.Handler = h.serveRequest(srv.Handler)
	app.Use(recover.New())
	app.Use(requestid.New())
	// Security headers first, so that refusals carry them too.
	h.useSecurityHeaders(app)
	app.Use(refuseAmbiguousFraming)
	app.Use(refuseContentEncoding)
	app.Use(h.authenticate)
	h.usePageMiddleware(app)
	limit := h.rateLimit()
	for _, r := range h.routes() {
		chain := []fiber.Handler{h.guard(r), h.acceptBody(r.Body)}
		if r.Body&MultipartBody != 0 {
			// The routes that add content (tickets, messages, files) are
			// refused below the free-space floor; deleting stays possible.
			chain = append(chain, h.refuseWhenFull)
		}
		if r.Limited {
			chain = append(chain, limit)
		}
		if csrf := h.csrfGuard(r); csrf != nil {
			chain = append(chain, csrf)
		}
		app.Add(r.Method, r.Path, append(chain, r.Handler)...)
		if r.Method == fiber.MethodGet {
			app.Add(fiber.MethodHead, r.Path, append(chain, r.Handler)...)
		}
	}
	return app
}

// Route is one entry of the application's route list.
type Route struct {
	Method  string
	Path    string
	Access  Access
	Limited bool // public writes: rate-limited per client address
	Body    Body // what it accepts as a body, checked from the headers first
	Handler fiber.Handler
}

// api reports whether r is part of the JSON API (problem+json answers,
// CSRF in a header), from the route list rather than a request's path.
func (r Route) api() bool { return strings.HasPrefix(r.Path, "/api/") }

// routes is every route the application serves, in one list, each with who
// may call it; tests walk this list so no route ships unguarded.
func (h *Handler) routes() []Route {
	routes := append(h.apiRoutes(), h.pageRoutes()...)
	routes = append(routes, h.macroAPIRoutes()...)
	return append(routes, h.agentRoutes()...)
}

// agentRoutes is the agent desk.
func (h *Handler) agentRoutes() []Route {
	routes := []Route{
		{"GET", "/agent/login", Anyone, false, NoBody, h.loginPage},
		{"POST", "/agent/login", Anyone, false, FormBody, h.login},
		{"POST", "/agent/logout", Anyone, false, FormBody, h.logout},
		{"GET", "/agent/set-password/:token", Anyone, false, NoBody, h.setPasswordPage},
		{"POST", "/agent/set-password/:token", Anyone, false, FormBody, h.setPassword},
	}
	for _, part := range [][]Route{h.queueRoutes(), h.ticketRoutes(), h.reportsRoutes(), h.settingsRoutes(), h.macroRoutes(), h.settingsMacroRoutes(), h.composerRoutes()} {
		routes = append(routes, part...)
	}
	routes = append(routes, h.ticketTagsRoutes()...)
	return routes
}

// apiRoutes is the JSON API.
func (h *Handler) apiRoutes() []Route {
	return []Route{
		{"GET", "/healthz", Anyone, false, NoBody, h.healthz},
		{"GET", "/readyz", Anyone, false, NoBody, h.readyz},
		{"GET", "/api/openapi.json", Anyone, false, NoBody, h.openAPI},

		{"POST", "/api/support-tickets", Anyone, true, JSONBody | MultipartBody, h.createTicket},
		{"GET", "/api/support-tickets", Agent, false, NoBody, h.listTickets},
		{"GET", "/api/support-tickets/:id", TicketHolder, false, NoBody, h.getTicket},
		{"PATCH", "/api/support-tickets/:id", Agent, false, JSONBody, h.updateTicket},
		{"DELETE", "/api/support-tickets/:id", Admin, false, NoBody, h.deleteTicket},

		{"POST", "/api/support-tickets/:id/attachments", TicketHolder, true, MultipartBody, h.uploadAttachments},
		{"GET", "/api/support-tickets/:id/attachments", TicketHolder, false, NoBody, h.listAttachments},
		{"GET", "/api/support-tickets/:id/attachments/:attachmentId", TicketHolder, false, NoBody, h.downloadAttachment},
		{"DELETE", "/api/support-tickets/:id/attachments/:attachmentId", Agent, false, NoBody, h.deleteAttachment},

		{"GET", "/api/support-tickets/:id/messages", TicketHolder, false, NoBody, h.listMessages},
		{"POST", "/api/support-tickets/:id/messages", TicketHolder, true, JSONBody | MultipartBody, h.postMessage},
		{"POST", "/api/support-tickets/:id/merge", Agent, false, JSONBody, h.mergeTicket},
	}
}

// Routes exposes the route list to tests in other packages.
func Routes(cfg Config, store *db.DB, files *filestore.Store) []Route {
	return newHandler(cfg, store, files).routes()
}

func newHandler(cfg Config, store *db.DB, files *filestore.Store) *Handler {
	if cfg.HeaderTimeout <= 0 {
		cfg.HeaderTimeout = DefaultHeaderTimeout
	}
	if cfg.BodyIdleTimeout <= 0 {
		cfg.BodyIdleTimeout = DefaultBodyIdleTimeout
	}
	if cfg.BodyRateGrace <= 0 {
		cfg.BodyRateGrace = DefaultBodyRateGrace
	}
	h := &Handler{cfg: cfg, db: store, files: files}
	h.cookies = newCookieNames(h.secure())
	h.sessions = &sqliteStore{db: store, secure: h.secure()}
	h.loginsByPair = newThrottle(loginPerPair, loginWindow)
	h.loginsByAddress = newThrottle(loginPerAddress, loginWindow)
	h.loginsByAccount = newThrottle(loginAccountSlow, loginWindow)
	h.presence = newMemoryHub()
	return h
}
