// Package handlers is the helpdesk's web layer: the JSON API and the pages.
// It is the only package that imports Fiber.
package handlers

import (
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
}

// jsonBodyLimit bounds every JSON body.
const jsonBodyLimit = 1 << 20

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
		// fasthttp then reads at most 8 KiB of a body before the route has
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
	// Once the headers are in, the body's first bytes get the idle timeout
	// (fasthttp reads up to 8 KiB before the handler); later reads move the
	// deadline themselves (idleReader).
	app.Server().HeaderReceived = func(*fasthttp.RequestHeader) fasthttp.RequestConfig {
		return fasthttp.RequestConfig{ReadTimeout: h.cfg.BodyIdleTimeout}
	}
	// Requests refused by the HTTP layer itself (headers too large, a
	// malformed request line) reach the error handler with no path; mark
	// them so it need not guess from one.
	serverError := app.Server().ErrorHandler
	app.Server().ErrorHandler = func(fctx *fasthttp.RequestCtx, err error) {
		fctx.SetUserValue(unparsedKey, true)
		serverError(fctx, err)
	}
	app.Use(recover.New())
	app.Use(requestid.New())
	// Security headers first, so that refusals carry them too.
	h.useSecurityHeaders(app)
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
	for _, part := range [][]Route{h.queueRoutes(), h.ticketRoutes(), h.reportsRoutes(), h.settingsRoutes()} {
		routes = append(routes, part...)
	}
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
	h := &Handler{cfg: cfg, db: store, files: files}
	h.cookies = newCookieNames(h.secure())
	h.sessions = &sqliteStore{db: store, secure: h.secure()}
	h.loginsByPair = newThrottle(loginPerPair, loginWindow)
	h.loginsByAddress = newThrottle(loginPerAddress, loginWindow)
	h.loginsByAccount = newThrottle(loginAccountSlow, loginWindow)
	return h
}
