// Package agent is the agent desk's pages: sign-in, the queue, a ticket's
// workspace, reports and the admins' settings, all inside Frame.
package agent

import (
	"strings"
	"unicode"

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
	// Search ties the header's search box to a page's form (the queue's
	// filters); the zero value is a search form of its own.
	Search FrameSearch
}

// FrameSearch is the header search box on a page that owns it.
type FrameSearch struct {
	Form  string // the id of the form the box belongs to
	Value string
}

// deskHTMXConfig keeps htmx inside the Content-Security-Policy, as the
// site's layout does: no injected <style>, no eval, this origin only.
const deskHTMXConfig = `{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false,"selfRequestsOnly":true}`

const (
	deskSearchInput = "block h-9 w-full rounded-md border border-slate-400 bg-white px-3 text-sm text-slate-900 placeholder:text-slate-600 focus:border-teal-700 focus:outline-none focus:ring-2 focus:ring-teal-700/30"
	deskMenuItem    = "block rounded-lg px-3 py-2 text-slate-800 hover:bg-sand-100 hover:text-slate-900"
)

func (m FrameMeta) navClass(n Nav) string {
	if m.Active == n {
		return "inline-flex min-h-9 items-center whitespace-nowrap rounded-md bg-teal-700 px-2 text-sm font-semibold text-white sm:px-3"
	}
	return "inline-flex min-h-9 items-center whitespace-nowrap rounded-md px-2 text-sm font-medium text-slate-800 hover:bg-sand-100 hover:text-slate-900 sm:px-3"
}

// current marks the active section's link for screen readers; the others
// get no aria-current at all (an empty one is noise).
func (m FrameMeta) current(n Nav) templ.Attributes {
	if m.Active == n {
		return templ.Attributes{"aria-current": "page"}
	}
	return nil
}

// initials are the menu's avatar: the first letters of the first two
// words of the agent's name.
func (m FrameMeta) initials() string {
	var b strings.Builder
	for _, w := range strings.Fields(m.UserName) {
		for _, r := range w {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				b.WriteRune(unicode.ToUpper(r))
				break
			}
		}
		if b.Len() >= 2 && len([]rune(b.String())) >= 2 {
			break
		}
	}
	if b.Len() == 0 {
		return "?"
	}
	return b.String()
}
