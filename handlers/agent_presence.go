package handlers

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/views/agent"
)

// composerRoutes are the workspace's live parts: presence, its typing
// signal, and the composer's preview.
func (h *Handler) composerRoutes() []Route {
	return []Route{
		{"GET", "/agent/tickets/:id/presence", Agent, false, NoBody, h.presenceStream},
		{"POST", "/agent/tickets/:id/presence", Agent, false, FormBody, h.presenceTyping},
		{"POST", "/agent/tickets/:id/preview", Agent, false, FormBody, h.composerPreview},
		{"GET", "/agent/profile", Agent, false, NoBody, h.profilePage},
		{"POST", "/agent/profile", Agent, false, FormBody, h.profileSave},
		{"POST", "/agent/profile/password", Agent, false, FormBody, h.profilePassword},
		{"POST", "/agent/profile/sessions", Agent, false, FormBody, h.profileSessions},
	}
}

// The stream's timing. A comment every presencePing shows a closed tab
// (the write fails) and keeps proxies from timing the stream out; it is
// also when the stream looks in the store for messages that came by
// email. A stream ends itself after presenceMaxAge, inside the server's
// write timeout, and the browser's EventSource opens the next one after
// presenceRetry.
const (
	presenceMaxAge = 4 * time.Minute
	presenceRetry  = 3 * time.Second
)

// presencePing is a variable only so that tests can see a closed page
// leave without waiting 15 s; it is read when a stream opens.
var presencePing = 15 * time.Second

// presenceEvent is one "presence" event: the line already in the page's
// language, and the newest public message by someone else (0: none past
// what the page showed).
type presenceEvent struct {
	Text   string `json:"text"`
	Newest int64  `json:"newest"`
}

// presenceStream handles GET /agent/tickets/{id}/presence?seen={id}&tab={page id}: a
// server-sent event stream, one per open ticket page, that says who else
// is viewing or replying and when a public message newer than seen
// arrives. It ends when the page goes (at once when it says so, see
// presenceTyping), after presenceMaxAge, and at once
// when the server shuts down (fasthttp closes the context's Done), so an
// open page never holds up a graceful stop. 429 past an agent's streams.
func (h *Handler) presenceStream(c *fiber.Ctx) error {
	t, err := h.workspaceTicket(c)
	if err != nil {
		return err
	}
	me := presenceAgentOf(principal(c))
	seen, _ := strconv.ParseInt(c.Query("seen"), 10, 64)
	w, ok := h.presence.join(t.ID, me)
	if !ok {
		return fiber.NewError(fiber.StatusTooManyRequests, "too many open ticket pages")
	}
	left, forget := h.tabs.add(presenceTabKey{ticket: t.ID, agent: me.ID, tab: c.Query("tab")})
	lang := pageLang(c)
	done := c.Context().Done()
	store := h.db
	c.Set(fiber.HeaderContentType, "text/event-stream")
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("X-Accel-Buffering", "no") // proxies pass each event on at once
	c.Context().SetBodyStreamWriter(func(out *bufio.Writer) {
		defer h.presence.leave(w)
		defer forget()
		ping := time.NewTicker(presencePing)
		defer ping.Stop()
		end := time.NewTimer(presenceMaxAge)
		defer end.Stop()
		fmt.Fprintf(out, "retry: %d\n\n", presenceRetry.Milliseconds())
		last, stored := "", int64(0)
		for {
			st := h.presence.state(w)
			ev := presenceEvent{Text: agent.ViewersText(lang, viewersOf(st)), Newest: max(st.Newest, stored)}
			if ev.Newest <= seen {
				ev.Newest = 0
			}
			b, _ := json.Marshal(ev)
			if string(b) != last {
				last = string(b)
				fmt.Fprintf(out, "event: presence\ndata: %s\n\n", b)
			}
			if out.Flush() != nil {
				return // the page is gone
			}
			select {
			case <-done:
				return
			case <-left:
				return // the page said it leaves
			case <-end.C:
				return
			case <-w.wake:
			case <-ping.C:
				// Email replies reach the store without this process
				// hearing of them: look, once a ping.
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				if id, err := store.NewerPublicMessage(ctx, t.ID, seen, me.ID); err == nil && id > stored {
					stored = id
				}
				cancel()
				fmt.Fprint(out, ": ping\n\n")
			}
		}
	})
	return nil
}

func viewersOf(st presenceState) []agent.TicketViewer {
	out := make([]agent.TicketViewer, len(st.Viewers))
	for i, v := range st.Viewers {
		out[i] = agent.TicketViewer{Name: v.Name, Replying: v.Replying}
	}
	return out
}

// presenceTyping handles POST /agent/tickets/{id}/presence (state=replying
// or viewing): the page's word when its agent starts or stops typing. It
// is sent on those changes only, never on a timer per keystroke. With
// state=left and tab=<the stream's tab id> the page says it leaves (on
// pagehide, by beacon): that stream ends at once and the others on the
// ticket see the agent go. 204.
func (h *Handler) presenceTyping(c *fiber.Ctx) error {
	t, err := h.workspaceTicket(c)
	if err != nil {
		return err
	}
	state := formValue(c, "state")
	me := presenceAgentOf(principal(c)).ID
	if state == "left" {
		tab := formValue(c, "tab")
		if !validTabID(tab) {
			return db.Errorf(db.EINVALID, "tab must be the id the page gave its stream")
		}
		h.tabs.leave(presenceTabKey{ticket: t.ID, agent: me, tab: tab})
		return c.SendStatus(fiber.StatusNoContent)
	}
	if state != "replying" && state != "viewing" {
		return db.Errorf(db.EINVALID, "state must be replying, viewing or left")
	}
	h.presence.typing(t.ID, presenceAgentOf(principal(c)).ID, state == "replying")
	return c.SendStatus(fiber.StatusNoContent)
}

// presenceAgentOf is who p is on the presence line: a signed-in agent by
// their account's id; an API key (a program) by its own id, negated so it
// never passes for an account.
func presenceAgentOf(p *Principal) presenceAgent {
	if p.User.ID != 0 {
		return presenceAgent{ID: p.User.ID, Name: p.Actor.Name}
	}
	return presenceAgent{ID: -p.Actor.ID, Name: p.Actor.Name}
}

// authorOf is the agent account that wrote m, 0 for anyone else.
func authorOf(m db.Message) int64 {
	if m.AuthorID == nil {
		return 0
	}
	return *m.AuthorID
}
