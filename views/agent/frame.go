// Package agent is the agent desk's pages: sign-in, the queue, a ticket's
// workspace, reports and the admins' settings, all inside Frame.
package agent

import (
	"github.com/a-h/templ"

	"github.com/kinconecta/helpdesk/views/layout"
)

// Nav identifies the desk's sections for the navigation bar.
type Nav string

// The sections of the desk.
const (
	NavQueue    Nav = "queue"
	NavReports  Nav = "reports"
	NavSettings Nav = "settings"
	NavNone     Nav = ""
)

// FrameMeta is what every desk page shares: the layout's meta, who is
// signed in and the CSRF token for the sign-out form.
type FrameMeta struct {
	layout.Meta
	UserName string
	IsAdmin  bool
	CSRF     string
	Active   Nav
}

func (m FrameMeta) navClass(n Nav) string {
	if m.Active == n {
		return "rounded-md bg-teal-700 px-3 py-2 text-sm font-semibold text-white"
	}
	return "rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-sand-100 hover:text-slate-900"
}

// current marks the active section's link for screen readers; the others
// get no aria-current at all (an empty one is noise).
func (m FrameMeta) current(n Nav) templ.Attributes {
	if m.Active == n {
		return templ.Attributes{"aria-current": "page"}
	}
	return nil
}
