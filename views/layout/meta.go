// Package layout is the frame every page is drawn in: head, header with
// the language switch, main landmark, footer.
package layout

import "github.com/kinconecta/helpdesk/i18n"

// Meta is what the layout needs to know about the page it wraps.
type Meta struct {
	Lang  i18n.Lang
	Title string // the page's own title, already in Lang
	// Path is the page's address without its query; the language switch
	// links back to it, so switching keeps the reader where they are.
	Path string
	// Private pages (a ticket's tracking page) ask search engines to keep
	// out: their address is the requester's only key.
	Private bool
	// Wide pages (the agent desk) use a wider column; the header and
	// footer follow it so their edges line up with the content.
	Wide bool
}

// width is the page column's width class.
func (m Meta) width() string {
	if m.Wide {
		return "max-w-6xl"
	}
	return "max-w-5xl"
}

// htmxConfig keeps htmx inside the Content-Security-Policy: no injected
// <style> element, no eval, requests to this origin only.
const htmxConfig = `{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false,"selfRequestsOnly":true}`

// switchURL is the language switch's link: the same page in the other
// language, remembered by the server in a cookie.
func (m Meta) switchURL() string {
	return m.Path + "?lang=" + string(m.Lang.Other())
}
