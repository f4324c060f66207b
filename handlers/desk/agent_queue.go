package desk

import (
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
	"github.com/kinconecta/helpdesk/i18n"
	"github.com/kinconecta/helpdesk/views/agent"
)

// queueRoutes is the queue: /agent, its live parts and bulk changes.
// queueCountCap is where the queue stops counting a view's tickets and
// says "more than": counting every match of a broad search over a million
// tickets costs tens of ms, and nobody pages through a thousand.
const queueCountCap = 1000

func (h *Handler) queueRoutes() []web.Route {
	return append([]web.Route{
		{Method: "GET", Path: "/agent", Access: web.Agent, Limited: false, Body: web.NoBody, Handler: h.queuePage},
		{Method: "GET", Path: "/agent/queue/poll", Access: web.Agent, Limited: false, Body: web.NoBody, Handler: h.queuePoll},
		{Method: "POST", Path: "/agent/bulk", Access: web.Agent, Limited: false, Body: web.FormBody, Handler: h.queueBulk},
	}, h.viewsRoutes()...)
}

// queuePage handles GET /agent.
func (h *Handler) queuePage(c *fiber.Ctx) error {
	q, err := url.ParseQuery(string(c.Request().URI().QueryString()))
	if err != nil {
		return db.Errorf(db.EBADREQUEST, "malformed query string")
	}
	if c.Query("live") == "1" && utf8.RuneCountInString(strings.TrimSpace(q.Get("q"))) == 1 {
		// One letter typed: as a prefix it would match most words (the
		// costliest query there is) and tell nobody anything. No Content
		// leaves the results on the page as they are (htmx swaps nothing).
		return c.SendStatus(fiber.StatusNoContent)
	}
	outcome, err := h.takeQueueOutcome(c)
	if err != nil {
		return err
	}
	return h.renderQueue(c, fiber.StatusOK, q, func(v *agent.Queue) { v.Outcome = outcome })
}

// renderQueue renders the queue view the address q names; adjust fills
// what a particular answer adds (a bulk outcome, a refused bulk form).
func (h *Handler) renderQueue(c *fiber.Ctx, status int, q url.Values, adjust func(*agent.Queue)) error {
	ctx := c.UserContext()
	lang := web.PageLang(c)
	cats, err := h.DB.Categories(ctx)
	if err != nil {
		return err
	}
	view, problems, err := h.lenientQueueView(c, q, cats)
	if err != nil {
		return err
	}
	// Read the newest id before the list, so a ticket created in between
	// is announced by the poll rather than missed.
	newest, err := h.DB.MaxTicketID(ctx)
	if err != nil {
		return err
	}
	f := view.filter
	f.CountCap = queueCountCap
	// live=1 comes from the search box while someone types (htmx): only
	// then does the last word match as a prefix. Links never carry it.
	f.Prefix = c.Query("live") == "1"
	f.Snippets = true
	page, err := h.DB.ListTickets(ctx, f)
	if err != nil {
		return err
	}
	views, err := h.deskViews(c, lang)
	if err != nil {
		return err
	}
	links, err := h.viewLinks(c, lang, views, view.params, cats)
	if err != nil {
		return err
	}
	users, err := h.DB.Users(ctx)
	if err != nil {
		return err
	}

	v := agent.Queue{
		Frame:          h.frameMeta(c, lang.T("queue.title"), agent.NavQueue),
		Filter:         view.form,
		Hidden:         view.hidden(),
		Views:          links,
		SaveQuery:      savedQuery(view.params),
		Statuses:       queueStatusOptions(lang),
		Categories:     queueCategoryOptions(lang, cats),
		Roles:          queueRoleOptions(lang),
		Priorities:     queuePriorityOptions(lang),
		Agents:         queueAgentOptions(lang, users, web.PrincipalOf(c).User.ID),
		Total:          page.Total,
		TotalMore:      page.TotalCapped,
		Back:           view.url("/agent", "cursor", q.Get("cursor")),
		PollURL:        view.url("/agent/queue/poll", "checked", strconv.FormatInt(newest, 10)),
		FilterProblems: problems,
	}
	if page.Next != nil {
		v.NextURL = view.url("/agent", "cursor", web.EncodeCursor(view.filter.Sort, *page.Next))
	}
	if view.filter.After != nil {
		v.FirstURL = view.url("/agent")
	}
	// A refused bulk form is answered from /agent/bulk: the language
	// switch must still lead back to the queue.
	v.Frame.Path = "/agent"
	v.Frame.Search = agent.FrameSearch{Form: "queue-filters", Value: view.form.Query}
	for _, l := range links {
		if l.Current {
			v.Title = l.Label
			break
		}
	}
	names := map[int64]string{}
	for _, u := range users {
		names[u.ID] = u.Name
	}
	for _, t := range page.Tickets {
		v.Rows = append(v.Rows, queueRowView(lang, t, names, page.Snippets, time.Now()))
	}
	if adjust != nil {
		adjust(&v)
	}
	return web.Render(c, status, agent.QueuePage(v))
}

// queueRowView is one ticket as the list shows it.
func queueRowView(lang i18n.Lang, t db.Ticket, names map[int64]string, snippets map[int64]string, now time.Time) agent.QueueRow {
	r := agent.QueueRow{
		ID: t.ID, Subject: t.Subject, Requester: t.FullName,
		Role:     lang.T("role." + string(t.RoleContext)),
		Category: web.CategoryLabel(t, lang),
		Status:   string(t.Status), StatusText: lang.T("status." + string(t.Status)),
		Priority: string(t.Priority), PriorityText: queuePriorityLabel(lang, t.Priority),
		Updated: relativeStamp(lang, t.UpdatedAt.Time, now),
		Tags:    t.Tags,
	}
	if t.Awaiting != nil {
		r.WaitingOn = *t.Awaiting
		if r.WaitingOn == db.AwaitingAgent {
			r.Waiting = relativeStamp(lang, t.LastMessageAt.Time, now)
		}
	}
	if t.AssigneeID != nil {
		r.Assignee = names[*t.AssigneeID]
	}
	if s, ok := snippets[t.ID]; ok {
		r.Snippet = agent.QueueSnippet(s, db.SnippetStart, db.SnippetEnd)
	}
	return r
}
