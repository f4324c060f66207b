package desk

import (
	"github.com/kinconecta/helpdesk/handlers/web"
)

// Handler serves the agent desk over the shared server.
type Handler struct {
	*web.Server
	// Failed sign-ins: per account and client address, per address, and
	// per account from anywhere (which only slows down, see agent_login.go).
	loginsByPair, loginsByAddress, loginsByAccount *throttle
}

// New returns the desk's handlers over s, with its sign-in throttles kept
// in s.DB (shared by every process on that database).
func New(s *web.Server) *Handler {
	h := &Handler{Server: s}
	h.loginsByPair = newThrottle(s.DB, "login-pair", loginPerPair, loginWindow)
	h.loginsByAddress = newThrottle(s.DB, "login-address", loginPerAddress, loginWindow)
	h.loginsByAccount = newSlowdown(s.DB, "login-account", loginAccountSlow, loginWindow)
	return h
}

// Routes is the agent desk's route list: signing in, the queue and its
// views, the ticket workspace, reports, settings, macros and the profile.
func (h *Handler) Routes() []web.Route {
	routes := []web.Route{
		{Method: "GET", Path: "/agent/login", Access: web.Anyone, Limited: false, Body: web.NoBody, Handler: h.loginPage},
		{Method: "POST", Path: "/agent/login", Access: web.Anyone, Limited: false, Body: web.FormBody, Handler: h.login},
		{Method: "POST", Path: "/agent/logout", Access: web.Anyone, Limited: false, Body: web.FormBody, Handler: h.logout},
		{Method: "GET", Path: "/agent/set-password/:token", Access: web.Anyone, Limited: false, Body: web.NoBody, Handler: h.setPasswordPage},
		{Method: "POST", Path: "/agent/set-password/:token", Access: web.Anyone, Limited: false, Body: web.FormBody, Handler: h.setPassword},
	}
	for _, part := range [][]web.Route{h.queueRoutes(), h.ticketRoutes(), h.reportsRoutes(), h.settingsRoutes(), h.macroRoutes(), h.settingsMacroRoutes(), h.composerRoutes()} {
		routes = append(routes, part...)
	}
	routes = append(routes, h.ticketTagsRoutes()...)
	return routes
}

// The sign-in limits (see agent_login.go), for the tests that reach them
// through the whole application.
const (
	LoginPerPair     = loginPerPair
	LoginPerAddress  = loginPerAddress
	LoginAccountSlow = loginAccountSlow
	LoginSlowdown    = loginSlowdown
)
