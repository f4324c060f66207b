// Package portal is the requester's side in the browser: the support form
// at / and the tracking page of a ticket, reached by the secret in its
// address, with its replies, files, and closing or reopening.
//
// It is separate from the desk and the API because its callers are the
// public, holding no account: every route is open to anyone, and a
// tracking page checks its own token. What the parts share is
// handlers/web; this package imports no other part.
package portal
