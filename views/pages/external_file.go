package pages

import (
	"github.com/kinconecta/helpdesk/views/components"
	"github.com/kinconecta/helpdesk/views/layout"
)

// ExternalFile is shown where one of our file addresses names a file
// hosted elsewhere (a reference given when the ticket was created):
// instead of sending the reader on from our origin, it says where the
// link leads and lets them decide.
type ExternalFile struct {
	Meta layout.Meta
	Name string // the file's name, as the uploader gave it
	URL  string // where it is hosted (https, checked when stored)
	Back string // the page the file belongs to
}

func (f ExternalFile) host() string { return components.LinkHost(f.URL) }
