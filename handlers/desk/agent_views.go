package desk

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
	"github.com/kinconecta/helpdesk/i18n"
	"github.com/kinconecta/helpdesk/views/agent"
)

// The queue's views (CONTRACT §6 "Views"): the built-in ones and the
// saved ones, each a queue address with its count. A view is its filters
// and nothing else, so a saved view is exactly a bookmark of the queue.

// openStatuses is the "All open" view's status list: what still needs work.
const openStatuses = "created,open,in_progress"

// deskView is one entry of the views side bar.
type deskView struct {
	key    string // "mine", "open", "saved-12": the count's element id
	label  string
	params url.Values
	saved  *db.SavedView
}

// builtinViews are the views every agent has, in the side bar's order.
func builtinViews(lang i18n.Lang) []deskView {
	v := func(key string, kv ...string) deskView {
		p := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			p.Set(kv[i], kv[i+1])
		}
		return deskView{key: key, label: lang.T("views." + key), params: p}
	}
	return []deskView{
		v("mine", "assignee", "me", "status", openStatuses),
		v("unassigned", "assignee", "unassigned", "status", openStatuses),
		v("awaiting", "awaiting", "agent", "status", openStatuses),
		v("open", "status", openStatuses),
		v("resolved", "status", "resolved"),
		v("closed", "status", "closed"),
		v("all"),
	}
}

// viewKey is what identifies a view among the queue's addresses: its
// filters without the order, the page size or the cursor.
func viewKey(params url.Values) string {
	p := url.Values{}
	for k, vals := range params {
		switch k {
		case "sort", "limit", "cursor", "live", "checked", "n":
			continue
		}
		p[k] = vals
	}
	return p.Encode()
}

// savedQuery is a view's address as it is saved: its filters and order.
func savedQuery(params url.Values) string {
	p := url.Values{}
	for k, vals := range params {
		if k != "limit" {
			p[k] = vals
		}
	}
	return p.Encode()
}

// deskViews lists the built-in views and the saved ones the signed-in
// agent sees.
func (h *Handler) deskViews(c *fiber.Ctx, lang i18n.Lang) ([]deskView, error) {
	views := builtinViews(lang)
	p := web.PrincipalOf(c)
	if p == nil || p.User.ID == 0 {
		return views, nil // an API key has no saved views
	}
	saved, err := h.DB.SavedViews(c.UserContext(), p.User.ID)
	if err != nil {
		return nil, err
	}
	for i := range saved {
		params, err := url.ParseQuery(saved[i].Query)
		if err != nil {
			params = url.Values{}
		}
		views = append(views, deskView{key: "saved-" + strconv.FormatInt(saved[i].ID, 10),
			label: saved[i].Name, params: params, saved: &saved[i]})
	}
	return views, nil
}

// viewLinks counts each view and marks the one the address shows. Views
// by status alone are counted from the trigger-kept table; the others
// count through their index, capped (queueCountCap: "1,000+"). A saved
// view whose filters no longer parse (a category since renamed) shows no
// count rather than failing the page.
func (h *Handler) viewLinks(c *fiber.Ctx, lang i18n.Lang, views []deskView, current url.Values, cats []db.Category) ([]agent.QueueView, error) {
	counts, err := h.DB.StatusCounts(c.UserContext())
	if err != nil {
		return nil, err
	}
	here := viewKey(current)
	out := make([]agent.QueueView, 0, len(views))
	for _, v := range views {
		link := agent.QueueView{Key: v.key, Label: v.label, URL: "/agent", Current: viewKey(v.params) == here}
		if q := savedQuery(v.params); q != "" {
			link.URL += "?" + q
		}
		if v.saved != nil {
			link.ID, link.Shared, link.Saved = v.saved.ID, v.saved.Shared, true
			link.Owner = v.saved.OwnerName
		}
		n, capped, ok, err := h.viewCount(c, v.params, counts, cats)
		if err != nil {
			return nil, err
		}
		if ok {
			link.Count = lang.Number(int64(n))
			if capped {
				link.Count = lang.T("views.countMore", lang.Number(int64(n)))
			}
		}
		out = append(out, link)
	}
	return out, nil
}

// viewCount counts what a view's filters select; ok is false when the
// filters cannot be read.
func (h *Handler) viewCount(c *fiber.Ctx, params url.Values, counts map[db.Status]int, cats []db.Category) (n int, capped, ok bool, err error) {
	onlyStatus := true
	for k := range params {
		if k != "status" && k != "sort" {
			onlyStatus = false
		}
	}
	if onlyStatus {
		sts := db.Statuses
		if s := params.Get("status"); s != "" {
			sts = nil
			for _, part := range strings.Split(s, ",") {
				st, good := db.ParseStatus(part)
				if !good {
					return 0, false, false, nil
				}
				sts = append(sts, st)
			}
		}
		for _, st := range sts {
			n += counts[st]
		}
		return n, false, true, nil
	}
	view, err := h.parseQueueView(c, params, cats)
	if err != nil {
		if db.ErrorCode(err) == db.EBADREQUEST {
			return 0, false, false, nil
		}
		return 0, false, false, err
	}
	f := view.filter
	f.Limit, f.After, f.CountCap, f.Snippets, f.Prefix = 1, nil, queueCountCap, false, false
	page, err := h.DB.ListTickets(c.UserContext(), f)
	if err != nil {
		return 0, false, false, err
	}
	return page.Total, page.TotalCapped, true, nil
}
