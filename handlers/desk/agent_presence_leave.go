package desk

import (
	"sync"
)

// presenceTabs finds a page's stream by the id the page gave it (the
// stream's tab parameter), so that the page can say it leaves
// (state=left, sent by navigator.sendBeacon on pagehide) and the others
// on the ticket hear it at once, rather than at the next ping that finds
// the connection gone. The zero value is ready to use.
type presenceTabs struct {
	mu   sync.Mutex
	open map[presenceTabKey]chan struct{}
}

// presenceTabKey names one page's stream: an agent's tab on a ticket.
type presenceTabKey struct {
	ticket, agent int64
	tab           string
}

// maxTabIDLen bounds the page's own id for its stream.
const maxTabIDLen = 40

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

// add registers a stream and returns the channel closed when its page
// leaves, and the function that unregisters it; a stream without a valid
// tab id gets a nil channel (it ends when its connection is found gone).
// A second stream under the same key (a reconnect) takes the key over.
func (p *presenceTabs) add(k presenceTabKey) (<-chan struct{}, func()) {
	if !validTabID(k.tab) {
		return nil, func() {}
	}
	ch := make(chan struct{})
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.open == nil {
		p.open = map[presenceTabKey]chan struct{}{}
	}
	p.open[k] = ch
	return ch, func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.open[k] == ch {
			delete(p.open, k)
		}
	}
}

// leave ends the stream of k, if it is open.
func (p *presenceTabs) leave(k presenceTabKey) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if ch, ok := p.open[k]; ok {
		close(ch)
		delete(p.open, k)
	}
}
