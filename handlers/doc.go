// Package handlers assembles the helpdesk's web layer, the only part that
// imports Fiber: New builds the application from the route lists of the
// JSON API (handlers/api), the requester's pages (handlers/portal) and the
// agent desk (handlers/desk), with the server-level middleware (security
// headers, framing and content-encoding refusals, connection handling, the
// page language) around them, and serves the static files. What the parts
// share lives in handlers/web; they never import each other.
//
// The tests here run the whole application over real HTTP, whichever part
// they exercise.
package handlers
