// Package handlers is the helpdesk's web layer: the JSON API and the pages.
// It is the only package that imports Fiber.
package handlers

import (
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/filestore"
)

// Config is what the web layer needs to know about its deployment.
type Config struct {
	BaseURL      string // absolute links: trackingUrl, emails
	MaxFileBytes int64  // largest attachment
	MaxFiles     int    // attachments per ticket
	CreateRate   int    // public creates and uploads per minute per address; 0 = no limit
}

// Handler holds what every handler shares.
type Handler struct {
	cfg      Config
	db       *db.DB
	files    *filestore.Store
	sessions *sqliteStore
	// Failed sign-ins, per account and per client address.
	loginsByAccount, loginsByAddress *throttle
}

// jsonBodyLimit bounds every non-multipart body. Bodies larger than this are
// streamed by Fiber (StreamRequestBody) and read through our own limits.
const jsonBodyLimit = 1 << 20

// New builds the application with every route.
func New(cfg Config, store *db.DB, files *filestore.Store) *fiber.App {
	h := newHandler(cfg, store, files)
	app := fiber.New(fiber.Config{
		AppName:      "helpdesk",
		ErrorHandler: h.errorHandler,
		// Stream large bodies instead of buffering them, and leave multipart
		// parsing to us, so memory does not grow with upload size (MEASURED.md).
		StreamRequestBody:            true,
		DisablePreParseMultipartForm: true,
		BodyLimit:                    jsonBodyLimit,
		// Request line and headers; fasthttp's 4 KiB default refuses a
		// legitimate long list query before any route sees it.
		ReadBufferSize:        16 << 10,
		ReadTimeout:           5 * time.Minute,
		WriteTimeout:          5 * time.Minute,
		IdleTimeout:           2 * time.Minute,
		DisableStartupMessage: true,
	})
	app.Use(recover.New())
	app.Use(requestid.New())
	// Security headers first, so that refusals carry them too.
	h.useSecurityHeaders(app)
	app.Use(refuseLargeForms)
	app.Use(h.authenticate)
	h.usePageMiddleware(app)
	limit := h.rateLimit()
	for _, r := range h.routes() {
		chain := []fiber.Handler{h.guard(r.Access)}
		if r.Limited {
			chain = append(chain, limit)
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
	Handler fiber.Handler
}

// routes is every route the application serves, in one list, each with who
// may call it; tests walk this list so no route ships unguarded.
func (h *Handler) routes() []Route {
	routes := append(h.apiRoutes(), h.pageRoutes()...)
	return append(routes, h.agentRoutes()...)
}

// agentRoutes is the agent desk.
func (h *Handler) agentRoutes() []Route {
	routes := []Route{
		{"GET", "/agent/login", Anyone, false, h.loginPage},
		{"POST", "/agent/login", Anyone, false, h.login},
		{"POST", "/agent/logout", Anyone, false, h.logout},
		{"GET", "/agent/set-password/:token", Anyone, false, h.setPasswordPage},
		{"POST", "/agent/set-password/:token", Anyone, false, h.setPassword},
	}
	for _, part := range [][]Route{h.queueRoutes(), h.ticketRoutes(), h.reportsRoutes(), h.settingsRoutes()} {
		routes = append(routes, part...)
	}
	return routes
}

// apiRoutes is the JSON API.
func (h *Handler) apiRoutes() []Route {
	return []Route{
		{"GET", "/healthz", Anyone, false, h.healthz},
		{"GET", "/readyz", Anyone, false, h.readyz},
		{"GET", "/api/openapi.json", Anyone, false, h.openAPI},

		{"POST", "/api/support-tickets", Anyone, true, h.createTicket},
		{"GET", "/api/support-tickets", Agent, false, h.listTickets},
		{"GET", "/api/support-tickets/:id", TicketHolder, false, h.getTicket},
		{"PATCH", "/api/support-tickets/:id", Agent, false, h.updateTicket},
		{"DELETE", "/api/support-tickets/:id", Admin, false, h.deleteTicket},

		{"POST", "/api/support-tickets/:id/attachments", TicketHolder, true, h.uploadAttachments},
		{"GET", "/api/support-tickets/:id/attachments", TicketHolder, false, h.listAttachments},
		{"GET", "/api/support-tickets/:id/attachments/:attachmentId", TicketHolder, false, h.downloadAttachment},
		{"DELETE", "/api/support-tickets/:id/attachments/:attachmentId", Agent, false, h.deleteAttachment},

		{"GET", "/api/support-tickets/:id/messages", TicketHolder, false, h.listMessages},
		{"POST", "/api/support-tickets/:id/messages", TicketHolder, true, h.postMessage},
	}
}

// Routes exposes the route list to tests in other packages.
func Routes(cfg Config, store *db.DB, files *filestore.Store) []Route {
	return newHandler(cfg, store, files).routes()
}

func newHandler(cfg Config, store *db.DB, files *filestore.Store) *Handler {
	h := &Handler{cfg: cfg, db: store, files: files}
	h.sessions = &sqliteStore{db: store, secure: h.secure()}
	h.loginsByAccount = newThrottle(loginPerAccount, loginWindow)
	h.loginsByAddress = newThrottle(loginPerAddress, loginWindow)
	return h
}
