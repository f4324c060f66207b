package agent

import (
	"github.com/a-h/templ"

	"github.com/kinconecta/helpdesk/views/layout"
)

// Login is the sign-in page; Error is shown above the form when set.
type Login struct {
	Meta  layout.Meta
	CSRF  string
	Next  string // where to go after signing in
	Email string
	Error string
}

// errorAttrs ties the fields to the sign-in error, which is about both,
// so screen readers announce it with each.
func (p Login) errorAttrs() templ.Attributes {
	if p.Error == "" {
		return nil
	}
	return templ.Attributes{"aria-invalid": "true", "aria-describedby": "login-error"}
}

// SetPassword is the page a one-time set-password link opens.
type SetPassword struct {
	Meta  layout.Meta
	CSRF  string
	Token string
	Email string
	Error string
}
