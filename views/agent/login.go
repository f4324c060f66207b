package agent

import "github.com/kinconecta/helpdesk/views/layout"

// Login is the sign-in page; Error is shown above the form when set.
type Login struct {
	Meta  layout.Meta
	CSRF  string
	Next  string // where to go after signing in
	Email string
	Error string
}

// SetPassword is the page a one-time set-password link opens.
type SetPassword struct {
	Meta  layout.Meta
	CSRF  string
	Token string
	Email string
	Error string
}
