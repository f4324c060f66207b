// Package api is the JSON API under /api (and the health probes): tickets,
// their messages and files, merging, macros, and the OpenAPI document that
// describes them. Its callers are programs holding a bearer key (or a
// ticket's access token), so it answers problem+json and never a page.
//
// It is separate from the desk and the requester pages so that a file's
// package says who calls it; what all three share is handlers/web, and
// this package imports no other part.
package api
