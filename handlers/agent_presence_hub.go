package handlers

import (
	"sort"
	"sync"
	"time"
)

// presenceHub keeps who has which ticket open, and the newest public
// message of each watched ticket, for the workspace's live line ("Lucía
// is replying") and its early send-guard warning. It is an interface so
// that several processes can later share one (issue 12); memoryHub is the
// in-process one.
type presenceHub interface {
	// join opens a watch of ticket by agent; nil and false when agent
	// already has maxStreamsPerAgent open.
	join(ticket int64, agent presenceAgent) (*presenceWatch, bool)
	// leave ends w, whatever ended its stream.
	leave(w *presenceWatch)
	// typing marks agent replying on ticket (or back to viewing), in
	// every one of their open watches of it.
	typing(ticket, agentID int64, replying bool)
	// posted tells the ticket's watchers of a new public message.
	posted(ticket, messageID, authorID int64)
	// state is what w's page should show now.
	state(w *presenceWatch) presenceState
	// open counts the streams open now.
	open() int
}

// presenceAgent is who watches: an agent's id and name as signed in.
type presenceAgent struct {
	ID   int64
	Name string
}

// maxStreamsPerAgent bounds one agent's open streams (one per open
// ticket page): a few dozen tabs, not a loop opening them without end.
const maxStreamsPerAgent = 20

// replyingFor is how long "replying" holds without a word from the page:
// the script says so again while the agent keeps typing, and says
// "viewing" when they stop; a page that went quiet falls back to viewing.
const replyingFor = 30 * time.Second

// presenceWatch is one open stream: one agent's page of one ticket.
// wake is signalled (never blocking: one pending signal is enough, the
// stream reads the state afresh) whenever what the page shows changed.
type presenceWatch struct {
	ticket int64
	agent  presenceAgent
	wake   chan struct{}
	// replyingUntil is guarded by the hub's lock.
	replyingUntil time.Time
}

// presenceState is what a watch shows: the other agents on the ticket and
// the newest public message not written by the watcher.
type presenceState struct {
	Viewers []presenceViewer
	Newest  int64
}

type presenceViewer struct {
	Name     string
	Replying bool
}

// memoryHub is the in-process presenceHub.
type memoryHub struct {
	mu      sync.Mutex
	now     func() time.Time
	watches map[int64]map[*presenceWatch]struct{}
	byAgent map[int64]int
	// newest is the newest public message of each watched ticket and
	// its author (0: a requester or the helpdesk).
	newest map[int64][2]int64
	total  int
}

func newMemoryHub() *memoryHub {
	return &memoryHub{now: time.Now, watches: map[int64]map[*presenceWatch]struct{}{},
		byAgent: map[int64]int{}, newest: map[int64][2]int64{}}
}

func (h *memoryHub) join(ticket int64, agent presenceAgent) (*presenceWatch, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.byAgent[agent.ID] >= maxStreamsPerAgent {
		return nil, false
	}
	w := &presenceWatch{ticket: ticket, agent: agent, wake: make(chan struct{}, 1)}
	if h.watches[ticket] == nil {
		h.watches[ticket] = map[*presenceWatch]struct{}{}
	}
	h.watches[ticket][w] = struct{}{}
	h.byAgent[agent.ID]++
	h.total++
	h.wakeLocked(ticket)
	return w, true
}

func (h *memoryHub) leave(w *presenceWatch) {
	h.mu.Lock()
	defer h.mu.Unlock()
	ws := h.watches[w.ticket]
	if _, ok := ws[w]; !ok {
		return
	}
	delete(ws, w)
	if len(ws) == 0 {
		delete(h.watches, w.ticket)
		delete(h.newest, w.ticket)
	}
	if h.byAgent[w.agent.ID]--; h.byAgent[w.agent.ID] <= 0 {
		delete(h.byAgent, w.agent.ID)
	}
	h.total--
	h.wakeLocked(w.ticket)
}

func (h *memoryHub) typing(ticket, agentID int64, replying bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	until := time.Time{}
	if replying {
		until = h.now().Add(replyingFor)
	}
	for w := range h.watches[ticket] {
		if w.agent.ID == agentID {
			w.replyingUntil = until
		}
	}
	h.wakeLocked(ticket)
}

func (h *memoryHub) posted(ticket, messageID, authorID int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.watches[ticket]) == 0 || h.newest[ticket][0] >= messageID {
		return
	}
	h.newest[ticket] = [2]int64{messageID, authorID}
	h.wakeLocked(ticket)
}

func (h *memoryHub) open() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.total
}

// state is what w's page should show now.
func (h *memoryHub) state(w *presenceWatch) presenceState {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := h.now()
	seen := map[int64]int{}
	var s presenceState
	for o := range h.watches[w.ticket] {
		if o.agent.ID == w.agent.ID {
			continue
		}
		replying := o.replyingUntil.After(now)
		// One line per agent, however many tabs: replying if any is.
		if i, ok := seen[o.agent.ID]; ok {
			s.Viewers[i].Replying = s.Viewers[i].Replying || replying
			continue
		}
		seen[o.agent.ID] = len(s.Viewers)
		s.Viewers = append(s.Viewers, presenceViewer{Name: o.agent.Name, Replying: replying})
	}
	sortViewers(s.Viewers)
	if n := h.newest[w.ticket]; n[1] != w.agent.ID {
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
func sortViewers(v []presenceViewer) {
	sort.Slice(v, func(i, j int) bool { return v[i].Name < v[j].Name })
}
