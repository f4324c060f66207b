package desk

import (
	"bufio"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
	"github.com/kinconecta/helpdesk/views/agent"
)

// composerRoutes are the workspace's live parts: presence, its typing
// signal, and the composer's preview.
func (h *Handler) composerRoutes() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/agent/tickets/:id/presence", Access: web.Agent, Limited: false, Body: web.NoBody, Handler: h.presenceStream},
		{Method: "POST", Path: "/agent/tickets/:id/presence", Access: web.Agent, Limited: false, Body: web.FormBody, Handler: h.presenceTyping},
		{Method: "POST", Path: "/agent/tickets/:id/preview", Access: web.Agent, Limited: false, Body: web.FormBody, Handler: h.composerPreview},
		{Method: "GET", Path: "/agent/profile", Access: web.Agent, Limited: false, Body: web.NoBody, Handler: h.profilePage},
		{Method: "POST", Path: "/agent/profile", Access: web.Agent, Limited: false, Body: web.FormBody, Handler: h.profileSave},
		{Method: "POST", Path: "/agent/profile/password", Access: web.Agent, Limited: false, Body: web.FormBody, Handler: h.profilePassword},
		{Method: "POST", Path: "/agent/profile/sessions", Access: web.Agent, Limited: false, Body: web.FormBody, Handler: h.profileSessions},
	}
}

// The stream's timing. A comment every PresencePing shows a closed tab
// (the write fails) and keeps proxies from timing the stream out. A
// stream ends itself after presenceMaxAge, inside the server's
// write timeout, and the browser's EventSource opens the next one after
// presenceRetry.
const (
	presenceMaxAge = 4 * time.Minute
	presenceRetry  = 3 * time.Second
)

// PresencePing is a variable only so that tests can see a closed page
// leave without waiting 15 s; it is read when a stream opens.
var PresencePing = 15 * time.Second

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
// arrives (by any way in: the desk, the API, email; through any process,
// see web.PresenceHub). It ends when the page goes (within a second when
// it says so, through any process, see presenceTyping), after
// presenceMaxAge, and at once
// when the server shuts down (fasthttp closes the context's Done), so an
// open page never holds up a graceful stop. 429 past an agent's streams.
func (h *Handler) presenceStream(c *fiber.Ctx) error {
	t, err := h.workspaceTicket(c)
	if err != nil {
		return err
	}
	me := presenceAgentOf(web.PrincipalOf(c))
	seen, _ := strconv.ParseInt(c.Query("seen"), 10, 64)
	tab := c.Query("tab")
	if !validTabID(tab) {
		tab = "" // an older page's stream: it ends when its connection is found gone
	}
	w, err := h.Presence.Join(t.ID, me, tab)
	if err != nil {
		return err // 429 past the agent's streams
	}
	lang := web.PageLang(c)
	done := c.Context().Done()
	c.Set(fiber.HeaderContentType, "text/event-stream")
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("X-Accel-Buffering", "no") // proxies pass each event on at once
	// Paced without a minimum rate: the pings keep a reading page's
	// connection, and one that reads nothing is let go (web.Server.StreamWriter).
	h.StreamWriter(c, func(out *bufio.Writer) {
		defer h.Presence.Leave(w)
		ping := time.NewTicker(PresencePing)
		defer ping.Stop()
		end := time.NewTimer(presenceMaxAge)
		defer end.Stop()
		fmt.Fprintf(out, "retry: %d\n\n", presenceRetry.Milliseconds())
		last := ""
		// The state is read when the hub wakes the stream: a change on
		// the ticket, through any process. A ping reads it only while it
		// shows someone replying, which runs out without a change when
		// their page goes quiet.
		var st web.PresenceState
		for read := true; ; {
			if read {
				st = h.Presence.State(w)
				if st.Gone {
					return // the page said it leaves, through this process or another
				}
				ev := presenceEvent{Text: agent.ViewersText(lang, viewersOf(st)), Newest: st.Newest}
				if ev.Newest <= seen {
					ev.Newest = 0
				}
				b, _ := json.Marshal(ev)
				if string(b) != last {
					last = string(b)
					fmt.Fprintf(out, "event: presence\ndata: %s\n\n", b)
				}
			}
			if out.Flush() != nil {
				return // the page is gone
			}
			select {
			case <-done:
				return
			case <-end.C:
				return
			case <-w.Wake():
				read = true
			case <-ping.C:
				read = slices.ContainsFunc(st.Viewers, func(v web.PresenceViewer) bool { return v.Replying })
				fmt.Fprint(out, ": ping\n\n")
			}
		}
	}, false)
	return nil
}

func viewersOf(st web.PresenceState) []agent.TicketViewer {
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
	state := web.FormValue(c, "state")
	me := presenceAgentOf(web.PrincipalOf(c)).ID
	if state == "left" {
		tab := web.FormValue(c, "tab")
		if !validTabID(tab) {
			return db.Errorf(db.EINVALID, "tab must be the id the page gave its stream")
		}
		if err := h.Presence.LeaveTab(t.ID, me, tab); err != nil {
			return err
		}
		return c.SendStatus(fiber.StatusNoContent)
	}
	if state != "replying" && state != "viewing" {
		return db.Errorf(db.EINVALID, "state must be replying, viewing or left")
	}
	h.Presence.Typing(t.ID, me, state == "replying")
	return c.SendStatus(fiber.StatusNoContent)
}

// presenceAgentOf is who p is on the presence line: a signed-in agent by
// their account's id; an API key (a program) by its own id, negated so it
// never passes for an account.
func presenceAgentOf(p *web.Principal) web.PresenceAgent {
	if p.User.ID != 0 {
		return web.PresenceAgent{ID: p.User.ID, Name: p.Actor.Name}
	}
	return web.PresenceAgent{ID: -p.Actor.ID, Name: p.Actor.Name}
}
