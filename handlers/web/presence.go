package web

import (
	"sort"
	"sync"
	"time"

	"github.com/kinconecta/helpdesk/db"
)

// PresenceHub keeps who has which ticket open, and the newest public
// message of each watched ticket, for the workspace's live line ("Lucía
// is replying") and its early send-guard warning. It is an interface so
// that several processes can later share one (issue 12); memoryHub is the
// in-process one.
type PresenceHub interface {
	// Join opens a watch of ticket by agent; nil and false when agent
	// already has MaxStreamsPerAgent open.
	Join(ticket int64, agent PresenceAgent) (*PresenceWatch, bool)
	// Leave ends w, whatever ended its stream.
	Leave(w *PresenceWatch)
	// Typing marks agent replying on ticket (or back to viewing), in
	// every one of their open watches of it.
	Typing(ticket, agentID int64, replying bool)
	// Posted tells the ticket's watchers of a new public message.
	Posted(ticket, messageID, authorID int64)
	// State is what w's page should show now.
	State(w *PresenceWatch) PresenceState
	// Open counts the streams open now.
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
// stream reads the state afresh) whenever what the page shows changed.
type PresenceWatch struct {
	Ticket int64
	Agent  PresenceAgent
	wake   chan struct{}
	// replyingUntil is guarded by the hub's lock.
	replyingUntil time.Time
}

// PresenceState is what a watch shows: the other agents on the ticket and
// the newest public message not written by the watcher.
type PresenceState struct {
	Viewers []PresenceViewer
	Newest  int64
}

type PresenceViewer struct {
	Name     string
	Replying bool
}

// memoryHub is the in-process PresenceHub.
type memoryHub struct {
	mu      sync.Mutex
	now     func() time.Time
	watches map[int64]map[*PresenceWatch]struct{}
	byAgent map[int64]int
	// newest is the newest public message of each watched ticket and
	// its author (0: a requester or the helpdesk).
	newest map[int64][2]int64
	total  int
}

func NewMemoryHub() *memoryHub {
	return &memoryHub{now: time.Now, watches: map[int64]map[*PresenceWatch]struct{}{},
		byAgent: map[int64]int{}, newest: map[int64][2]int64{}}
}

func (h *memoryHub) Join(ticket int64, agent PresenceAgent) (*PresenceWatch, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.byAgent[agent.ID] >= MaxStreamsPerAgent {
		return nil, false
	}
	w := &PresenceWatch{Ticket: ticket, Agent: agent, wake: make(chan struct{}, 1)}
	if h.watches[ticket] == nil {
		h.watches[ticket] = map[*PresenceWatch]struct{}{}
	}
	h.watches[ticket][w] = struct{}{}
	h.byAgent[agent.ID]++
	h.total++
	h.wakeLocked(ticket)
	return w, true
}

func (h *memoryHub) Leave(w *PresenceWatch) {
	h.mu.Lock()
	defer h.mu.Unlock()
	ws := h.watches[w.Ticket]
	if _, ok := ws[w]; !ok {
		return
	}
	delete(ws, w)
	if len(ws) == 0 {
		delete(h.watches, w.Ticket)
		delete(h.newest, w.Ticket)
	}
	if h.byAgent[w.Agent.ID]--; h.byAgent[w.Agent.ID] <= 0 {
		delete(h.byAgent, w.Agent.ID)
	}
	h.total--
	h.wakeLocked(w.Ticket)
}

func (h *memoryHub) Typing(ticket, agentID int64, replying bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	until := time.Time{}
	if replying {
		until = h.now().Add(replyingFor)
	}
	for w := range h.watches[ticket] {
		if w.Agent.ID == agentID {
			w.replyingUntil = until
		}
	}
	h.wakeLocked(ticket)
}

func (h *memoryHub) Posted(ticket, messageID, authorID int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.watches[ticket]) == 0 || h.newest[ticket][0] >= messageID {
		return
	}
	h.newest[ticket] = [2]int64{messageID, authorID}
	h.wakeLocked(ticket)
}

func (h *memoryHub) Open() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.total
}

// state is what w's page should show now.
func (h *memoryHub) State(w *PresenceWatch) PresenceState {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := h.now()
	seen := map[int64]int{}
	var s PresenceState
	for o := range h.watches[w.Ticket] {
		if o.Agent.ID == w.Agent.ID {
			continue
		}
		replying := o.replyingUntil.After(now)
		// One line per agent, however many tabs: replying if any is.
		if i, ok := seen[o.Agent.ID]; ok {
			s.Viewers[i].Replying = s.Viewers[i].Replying || replying
			continue
		}
		seen[o.Agent.ID] = len(s.Viewers)
		s.Viewers = append(s.Viewers, PresenceViewer{Name: o.Agent.Name, Replying: replying})
	}
	sortViewers(s.Viewers)
	if n := h.newest[w.Ticket]; n[1] != w.Agent.ID {
		s.Newest = n[0]
	}
	return s
}

// wakeLocked signals every watch of ticket; h.mu is held.
func (h *memoryHub) wakeLocked(ticket int64) {
	for w := range h.watches[ticket] {
		select {
		case w.wake <- struct{}{}:
		default: // a signal is already waiting
		}
	}
}

// sortViewers orders the line by name, so it does not reshuffle as
// streams come and go.
func sortViewers(v []PresenceViewer) {
	sort.Slice(v, func(i, j int) bool { return v[i].Name < v[j].Name })
}

// authorOf is the agent account that wrote m, 0 for anyone else.
func AuthorOf(m db.Message) int64 {
	if m.AuthorID == nil {
		return 0
	}
	return *m.AuthorID
}

// Wake is signalled whenever what w's page shows changed.
func (w *PresenceWatch) Wake() <-chan struct{} { return w.wake }
