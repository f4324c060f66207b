// Package desk is the agent desk under /agent: signing in (with its
// throttles), the queue with its views and bulk changes, the ticket
// workspace (replies, notes, status, details, files, tags, merging,
// macros, who else is on the ticket), reports, settings and the profile.
//
// It is separate from the requester's pages and the API because its
// callers are agents in a browser session: every route but signing in
// needs one, and forms carry a CSRF token. What the parts share is
// handlers/web; this package imports no other part.
package desk
