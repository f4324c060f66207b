package desk

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
	"github.com/kinconecta/helpdesk/views/agent"
)

// queueNewCap is where the count of new tickets stops: past it the notice
// says "more than", and the poll stops counting.
const queueNewCap = 99

// queuePoll handles GET /agent/queue/poll, which the queue page calls every
// few seconds. Its address is the view's plus what was counted so far:
// checked, the newest ticket id already looked at, and n, the new tickets
// found that match the view. The tabs' counts come from the trigger-kept
// table; the view's filters run only when a ticket newer than checked
// exists, and then only over the tickets after it. The views' counts are
// those of the side bar (viewLinks): the status ones from the same table,
// the others capped.
func (h *Handler) queuePoll(c *fiber.Ctx) error {
	ctx := c.UserContext()
	lang := web.PageLang(c)
	q, err := url.ParseQuery(string(c.Request().URI().QueryString()))
	if err != nil {
		return db.Errorf(db.EBADREQUEST, "malformed query string")
	}
	q.Del("cursor") // new tickets are counted over the whole view
	cats, err := h.DB.Categories(ctx)
	if err != nil {
		return err
	}
	view, err := h.parseQueueView(c, q, cats)
	if err != nil {
		return err
	}
	checked, err1 := strconv.ParseInt(q.Get("checked"), 10, 64)
	shown, err2 := strconv.Atoi(q.Get("n"))
	if err1 != nil || checked < 0 {
		return db.Errorf(db.EBADREQUEST, "checked must be a ticket id")
	}
	if err2 != nil || shown < 0 {
		shown = 0
	}
	found := shown
	if found <= queueNewCap {
		newest, err := h.DB.MaxTicketID(ctx)
		if err != nil {
			return err
		}
		if newest > checked {
			f := view.filter
			f.Sort, f.After, f.Limit = db.SortCreatedAsc, &db.Cursor{ID: checked}, queueNewCap+1-found
			page, err := h.DB.ListTickets(ctx, f)
			if err != nil {
				return err
			}
			found += len(page.Tickets)
			checked = newest
			if n := len(page.Tickets); n > 0 && page.Tickets[n-1].ID > checked {
				checked = page.Tickets[n-1].ID // created after newest was read
			}
		}
	}
	views, err := h.deskViews(c, lang)
	if err != nil {
		return err
	}
	links, err := h.viewLinks(c, lang, views, view.params, cats)
	if err != nil {
		return err
	}
	p := agent.QueuePoll{
		URL: view.url("/agent/queue/poll", "checked", strconv.FormatInt(checked, 10), "n", strconv.Itoa(found)),
	}
	for _, l := range links {
		p.Counts = append(p.Counts, agent.QueueView{Key: l.Key, Count: l.Count})
	}
	if found != shown {
		n := &agent.QueueNotice{Show: lang.T("queue.new.show"), ShowURL: view.url("/agent")}
		switch {
		case found > queueNewCap:
			n.Text = lang.T("queue.new.lots", lang.Number(queueNewCap))
		case found == 1:
			n.Text = lang.T("queue.new.one")
		default:
			n.Text = lang.T("queue.new.many", lang.Number(int64(found)))
		}
		p.Notice = n
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return web.Render(c, fiber.StatusOK, agent.QueuePollAnswer(p))
}
