package desk

import "github.com/kinconecta/helpdesk/db"

// A page names its presence stream (the stream's tab parameter), so
// that it can say it leaves (state=left, sent by navigator.sendBeacon on
// pagehide) and the others on the ticket see it go at once rather than
// when its stream's process finds the connection gone. The beacon may
// reach another process than the stream: the leave goes through the
// store (web.PresenceHub.LeaveTab).

// maxTabIDLen bounds the page's own id for its stream.
const maxTabIDLen = db.MaxPresenceTabLen

// validTabID reports whether id is one a page makes: 1 to 40 letters,
// digits, '-' or '_'.
func validTabID(id string) bool {
	if id == "" || len(id) > maxTabIDLen {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}
