package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"sync"
	"time"

	"github.com/kinconecta/helpdesk/db"
)

// The shared hub's timing. Each process polls the presence versions of
// the tickets it streams every presencePoll (one read per 50 tickets,
// none while it streams nothing), so a change made through another
// process shows within about a second; it keeps its streams' watches
// alive every presenceRefresh (one write), well inside db.PresenceTTL.
const (
	presencePoll    = time.Second
	presenceRefresh = 10 * time.Second
	// presenceTimeout bounds each of the hub's reads and writes.
	presenceTimeout = 5 * time.Second
)

// storeHub is the PresenceHub every process on one database shares: the
// watches live in the store (db/presence.go), and each process wakes its
// own streams when their ticket's presence version or newest message
// moved, which a poll of its streamed tickets finds, or at once when the
// change was made here.
type storeHub struct {
	db *db.DB

	mu      sync.Mutex
	watches map[int64]map[*PresenceWatch]struct{} // this process's streams, by ticket
	// seen is what the poll last found for each streamed ticket.
	seen    map[int64]db.PresenceVersion
	total   int
	polling bool // the poll's goroutine runs (while there are streams)
}

// NewStoreHub returns the shared hub over store.
func NewStoreHub(store *db.DB) PresenceHub {
	return &storeHub{db: store, watches: map[int64]map[*PresenceWatch]struct{}{}, seen: map[int64]db.PresenceVersion{}}
}

func presenceContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), presenceTimeout)
}

func (h *storeHub) Join(ticket int64, agent PresenceAgent, tab string) (*PresenceWatch, error) {
	b := make([]byte, 16)
	rand.Read(b)
	w := &PresenceWatch{Ticket: ticket, Agent: agent, key: hex.EncodeToString(b), wake: make(chan struct{}, 1)}
	ctx, cancel := presenceContext()
	defer cancel()
	version, err := h.db.PresenceJoin(ctx, db.PresenceJoin{Key: w.key, TicketID: ticket,
		AgentID: agent.ID, AgentName: agent.Name, Tab: tab}, MaxStreamsPerAgent)
	if err != nil {
		return nil, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.watches[ticket] == nil {
		h.watches[ticket] = map[*PresenceWatch]struct{}{}
	}
	h.watches[ticket][w] = struct{}{}
	h.total++
	h.changedLocked(ticket, version)
	if !h.polling {
		h.polling = true
		go h.poll()
	}
	return w, nil
}

func (h *storeHub) Leave(w *PresenceWatch) {
	h.mu.Lock()
	ws := h.watches[w.Ticket]
	_, ok := ws[w]
	if ok {
		delete(ws, w)
		h.total--
		if len(ws) == 0 {
			delete(h.watches, w.Ticket)
			delete(h.seen, w.Ticket)
		}
	}
	h.mu.Unlock()
	if !ok {
		return
	}
	ctx, cancel := presenceContext()
	defer cancel()
	_, version, err := h.db.PresenceLeave(ctx, w.key)
	if err != nil {
		// The watch expires on its own within db.PresenceTTL.
		slog.Debug("presence: unable to end a watch", "ticket", w.Ticket, "err", err)
		return
	}
	h.changed(w.Ticket, version)
}

func (h *storeHub) LeaveTab(ticket, agentID int64, tab string) error {
	ctx, cancel := presenceContext()
	defer cancel()
	version, err := h.db.PresenceLeaveTab(ctx, ticket, agentID, tab)
	if err != nil {
		return err
	}
	h.changed(ticket, version)
	return nil
}

func (h *storeHub) Typing(ticket, agentID int64, replying bool) {
	d := time.Duration(0)
	if replying {
		d = replyingFor
	}
	ctx, cancel := presenceContext()
	defer cancel()
	version, err := h.db.PresenceTyping(ctx, ticket, agentID, d)
	if err != nil {
		slog.Warn("presence: unable to mark typing", "ticket", ticket, "err", err)
		return
	}
	h.changed(ticket, version)
}

// Posted wakes this process's streams of ticket at once; the others' see
// the message at their next poll, as they see one that came by email.
func (h *storeHub) Posted(ticket, messageID, _ int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.watches[ticket]) == 0 {
		return
	}
	if s := h.seen[ticket]; s.Message < messageID {
		s.Message = messageID
		h.seen[ticket] = s
	}
	h.wakeLocked(ticket)
}

func (h *storeHub) Open() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.total
}

// State reads w's ticket from the store: one line per other agent,
// replying if any of their pages is; on a failed read, what it read last.
func (h *storeHub) State(w *PresenceWatch) PresenceState {
	ctx, cancel := presenceContext()
	defer cancel()
	p, err := h.db.PresenceOf(ctx, w.Ticket, w.Agent.ID)
	if err != nil {
		slog.Warn("presence: unable to read a ticket's watches", "ticket", w.Ticket, "err", err)
		return w.last
	}
	s := PresenceState{Newest: p.Newest, Gone: w.key != ""}
	seen := map[int64]int{}
	for _, o := range p.Watchers {
		if o.Key == w.key {
			s.Gone = false
		}
		if o.AgentID == w.Agent.ID {
			continue
		}
		if i, ok := seen[o.AgentID]; ok {
			s.Viewers[i].Replying = s.Viewers[i].Replying || o.Replying
			continue
		}
		seen[o.AgentID] = len(s.Viewers)
		s.Viewers = append(s.Viewers, PresenceViewer{Name: o.AgentName, Replying: o.Replying})
	}
	sortViewers(s.Viewers)
	w.last = s
	return s
}

// changed wakes this process's streams of ticket after a change made here
// raised its version to version (0: nothing changed).
func (h *storeHub) changed(ticket, version int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.changedLocked(ticket, version)
}

func (h *storeHub) changedLocked(ticket, version int64) {
	if version == 0 || len(h.watches[ticket]) == 0 {
		return
	}
	if s := h.seen[ticket]; s.Version < version {
		s.Version = version
		h.seen[ticket] = s
	}
	h.wakeLocked(ticket)
}

// wakeLocked signals every stream of ticket; h.mu is held.
func (h *storeHub) wakeLocked(ticket int64) {
	for w := range h.watches[ticket] {
		select {
		case w.wake <- struct{}{}:
		default: // a signal is already waiting
		}
	}
}

// poll runs while this process has streams: every presencePoll it reads
// the versions of their tickets and wakes the streams of those that
// moved; every presenceRefresh it keeps their watches alive. It returns
// once the last stream has left.
func (h *storeHub) poll() {
	tick := time.NewTicker(presencePoll)
	defer tick.Stop()
	lastRefresh := time.Now()
	failing := false
	for range tick.C {
		h.mu.Lock()
		if h.total == 0 {
			h.polling = false
			h.mu.Unlock()
			return
		}
		tickets := make([]int64, 0, len(h.watches))
		for t := range h.watches {
			tickets = append(tickets, t)
		}
		var keys []string
		if time.Since(lastRefresh) >= presenceRefresh {
			for _, ws := range h.watches {
				for w := range ws {
					keys = append(keys, w.key)
				}
			}
		}
		h.mu.Unlock()

		ctx, cancel := presenceContext()
		if keys != nil {
			lastRefresh = time.Now()
			if err := h.db.PresenceRefresh(ctx, keys); err != nil {
				slog.Warn("presence: unable to keep watches alive", "err", err)
			}
		}
		versions, err := h.db.PresenceVersions(ctx, tickets)
		cancel()
		if err != nil {
			if !failing {
				slog.Warn("presence: unable to poll", "err", err)
			}
			failing = true
			continue
		}
		failing = false
		h.mu.Lock()
		for _, t := range tickets {
			if len(h.watches[t]) == 0 {
				continue
			}
			if v := versions[t]; v != h.seen[t] {
				h.seen[t] = v
				h.wakeLocked(t)
			}
		}
		h.mu.Unlock()
	}
}
