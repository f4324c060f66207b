// Package handlers assembles the helpdesk's web layer, the only part that
// imports Fiber: New builds the application from the route lists of the
// agent desk, the requester pages and the JSON API, with the server-level
// middleware (security headers, framing and content-encoding refusals,
// connection handling, the page language) around them. What those parts
// share lives in handlers/web.
package handlers
