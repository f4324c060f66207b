package web

import (
	"sort"
	"time"

	"github.com/kinconecta/helpdesk/db"
)

// PresenceHub keeps who has which ticket open, and the newest public
// message of each watched ticket, for the workspace's live line ("Lucía
// is replying") and its early send-guard warning. Its one implementation,
// storeHub (presence_store.go), keeps them in the database, so that every
// helpdesk process on it shares them (issue 12).
type PresenceHub interface {
	// Join opens a watch of ticket by agent, from the page that calls
	// its stream tab ("" for none). A db.ERATELIMITED error when agent
	// already has MaxStreamsPerAgent open, on any process.
	Join(ticket int64, agent PresenceAgent, tab string) (*PresenceWatch, error)
	// Leave ends w, whatever ended its stream.
	Leave(w *PresenceWatch)
	// LeaveTab ends agentID's watches of ticket opened by the page tab,
	// whichever process streams them: the page's leave beacon. Their
	// State reports Gone. EINVALID for an empty or overlong tab.
	LeaveTab(ticket, agentID int64, tab string) error
	// Typing marks agent replying on ticket (or back to viewing), in
	// every one of their open watches of it.
	Typing(ticket, agentID int64, replying bool)
	// Posted tells the ticket's watchers of a new public message.
	Posted(ticket, messageID, authorID int64)
	// State is what w's page should show now.
	State(w *PresenceWatch) PresenceState
	// Open counts the streams this process has open now.
	Open() int
}

// PresenceAgent is who watches: an agent's id and name as signed in.
type PresenceAgent struct {
	ID   int64
	Name string
}

// MaxStreamsPerAgent bounds one agent's open streams (one per open
// ticket page): a few dozen tabs, not a loop opening them without end.
const MaxStreamsPerAgent = 20

// replyingFor is how long "replying" holds without a word from the page:
// the script says so again while the agent keeps typing, and says
// "viewing" when they stop; a page that went quiet falls back to viewing.
const replyingFor = 30 * time.Second

// PresenceWatch is one open stream: one agent's page of one ticket.
// wake is signalled (never blocking: one pending signal is enough, the
// stream reads the state afresh) whenever what the page shows may have
// changed. A PresenceWatch that was never joined (no key) reads a
// ticket's state for a page being drawn.
type PresenceWatch struct {
	Ticket int64
	Agent  PresenceAgent
	key    string // its row in the store (db.PresenceJoin)
	wake   chan struct{}
	// last is the state read last, shown again when a read fails; only
	// the stream's goroutine reads the state of its watch.
	last PresenceState
}

// PresenceState is what a watch shows: the other agents on the ticket and
// the newest public message not written by the watcher. Gone reports that
// the watch itself has ended: its page said it leaves (through any
// process), or its process stopped keeping it alive; its stream ends.
type PresenceState struct {
	Viewers []PresenceViewer
	Newest  int64
	Gone    bool
}

type PresenceViewer struct {
	Name     string
	Replying bool
}

// sortViewers orders the line by name, so it does not reshuffle as
// streams come and go.
func sortViewers(v []PresenceViewer) {
	sort.Slice(v, func(i, j int) bool { return v[i].Name < v[j].Name })
}

// AuthorOf is the agent account that wrote m, 0 for anyone else.
func AuthorOf(m db.Message) int64 {
	if m.AuthorID == nil {
		return 0
	}
	return *m.AuthorID
}

// Wake is signalled whenever what w's page shows changed.
func (w *PresenceWatch) Wake() <-chan struct{} { return w.wake }
