package handlers

import (
	"net/netip"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
	"github.com/valyala/fasthttp"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/filestore"
	"github.com/kinconecta/helpdesk/handlers/api"
	"github.com/kinconecta/helpdesk/handlers/desk"
	"github.com/kinconecta/helpdesk/handlers/portal"
	"github.com/kinconecta/helpdesk/handlers/web"
)

// Config is what the web layer needs to know about its deployment
// (web.Config: main sets it, every part reads it).
type Config = web.Config

// Route is one entry of the application's route list (web.Route).
type Route = web.Route

// Defaults of the connection timeouts and the minimum body rate, for main.
const (
	DefaultHeaderTimeout   = web.DefaultHeaderTimeout
	DefaultBodyIdleTimeout = web.DefaultBodyIdleTimeout
	DefaultBodyMinRate     = web.DefaultBodyMinRate
	DefaultBodyRateGrace   = web.DefaultBodyRateGrace
	// PressureTimeout is what slow clients get under pressure (web.PressureTimeout).
	PressureTimeout = web.PressureTimeout
)

// ParseTrustedProxies reads the TRUSTED_PROXIES setting (web.ParseTrustedProxies).
func ParseTrustedProxies(list string) ([]netip.Prefix, error) { return web.ParseTrustedProxies(list) }

// Handler is the application: the shared server and, over it, the JSON
// API, the requester's pages and the agent desk.
type Handler struct {
	*web.Server
	api    *api.Handler
	portal *portal.Handler
	desk   *desk.Handler
}

func newHandler(cfg Config, store *db.DB, files filestore.Files) *Handler {
	s := web.NewServer(cfg, store, files)
	return &Handler{Server: s, api: api.New(s), portal: portal.New(s), desk: desk.New(s)}
}

// New builds the application with every route.
func New(cfg Config, store *db.DB, files filestore.Files) *fiber.App {
	h := newHandler(cfg, store, files)
	h.SetRoutes(h.routes())
	app := fiber.New(fiber.Config{
		AppName:      "helpdesk",
		ErrorHandler: h.ErrorHandler,
		// Stream large bodies instead of buffering them, and leave multipart
		// parsing to us, so memory does not grow with upload size (MEASURED.md).
		// fasthttp then reads at most 8 KiB of a body, and of a longer one
		// only its first bytes (headerReceived), before the route has
		// decided whether it takes one.
		StreamRequestBody:            true,
		DisablePreParseMultipartForm: true,
		BodyLimit:                    web.JSONBodyLimit,
		// Request line and headers; fasthttp's 4 KiB default refuses a
		// legitimate long list query before any route sees it.
		ReadBufferSize: 16 << 10,
		ReadTimeout:    h.Config.HeaderTimeout,
		WriteTimeout:   web.WriteTimeout,
		IdleTimeout:    web.IdleTimeout,
		// Routes are matched exactly as listed: which checks apply follows
		// from the matched route, and no other spelling of a path reaches it.
		CaseSensitive:         true,
		DisableStartupMessage: true,
	})
	srv := app.Server()
	srv.HeaderReceived = h.HeaderReceived
	srv.ContinueHandler = h.ContinueBody
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
		fctx.SetUserValue(web.UnparsedKey, true)
		web.SetSecurityHeaders(c, h.Secure())
		if h.ErrorHandler(c, web.ServerError(err)) != nil {
			fctx.SetStatusCode(fiber.StatusInternalServerError)
		}
	}
	srv.Handler = h.ServeRequest(h.ScreenRequest(app, srv.Handler))
	app.Use(recover.New())
	app.Use(requestid.New())
	// Security headers first, so that refusals carry them too.
	h.UseSecurityHeaders(app)
	app.Use(web.RefuseAmbiguousFraming)
	app.Use(web.RefuseContentEncoding)
	app.Use(h.Authenticate)
	h.usePageMiddleware(app)
	limit := h.RateLimit()
	for _, r := range h.routes() {
		chain := []fiber.Handler{h.Guard(r), h.AcceptBody(r.Body)}
		if r.Body&web.MultipartBody != 0 {
			// The routes that add content (tickets, messages, files) are
			// refused below the free-space floor; deleting stays possible.
			chain = append(chain, h.RefuseWhenFull)
		}
		if r.Limited {
			chain = append(chain, limit)
		}
		if csrf := h.CSRFGuard(r); csrf != nil {
			chain = append(chain, csrf)
		}
		app.Add(r.Method, r.Path, append(chain, r.Handler)...)
		if r.Method == fiber.MethodGet {
			app.Add(fiber.MethodHead, r.Path, append(chain, r.Handler)...)
		}
	}
	return app
}

// routes is every route the application serves, in one list, each with who
// may call it; tests walk this list so no route ships unguarded.
func (h *Handler) routes() []web.Route {
	routes := append(h.api.Routes(), h.portal.Routes()...)
	routes = append(routes, staticRoutes()...)
	return append(routes, h.desk.Routes()...)
}

// Routes exposes the route list to tests in other packages.
func Routes(cfg Config, store *db.DB, files filestore.Files) []Route {
	return newHandler(cfg, store, files).routes()
}
