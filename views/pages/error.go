package pages

import "github.com/kinconecta/helpdesk/views/layout"

// Error is the one error page, for every status outside the API.
type Error struct {
	Meta   layout.Meta
	Status int
	Title  string // in the page's language
	Text   string // what happened and what to do, in the page's language
	// Detail is the server's own explanation, shown when it helps (a limit
	// that was hit, say); RequestID identifies an internal error in the log.
	Detail    string
	RequestID string
}
