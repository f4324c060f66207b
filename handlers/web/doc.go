// Package web is the small core that the desk, the requester pages and the
// JSON API share: the Server every handler embeds (settings, store, files,
// sessions, presence), the Route, Access and Body types of the route lists,
// errors (problem+json for the API, an error page for the pages), who is
// calling (bearer keys, agent sessions, CSRF), page rendering and language,
// request bodies (JSON, forms, multipart uploads, their limits), the rate
// limit and the storage-full refusal, and the ticket, message and file
// operations more than one of them performs.
//
// It is separate so that each part's package holds only that part's routes
// and handlers, and imports this one, never another part.
package web
