package desk

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
	"github.com/kinconecta/helpdesk/views/agent"
)

// queueParams are the address parameters that make a queue view, besides
// the cursor. They are the list API's names, plus priority and assignee.
var queueParams = []string{"q", "status", "category", "roleContext", "awaiting", "tag", "priority", "assignee", "sort", "limit"}

// queueView is a queue address understood: the filter for the store, the
// form's values, and the address's own parameters for building links.
type queueView struct {
	filter db.TicketFilter
	form   agent.QueueFilter
	params url.Values // the view's parameters without the cursor
}

// parseQueueView reads a queue address. The list API's parameters are read
// by the API's own parser, so the page and the API accept the same values;
// a value that cannot be read is a 400, as in the API.
func (h *Handler) parseQueueView(c *fiber.Ctx, q url.Values, cats []db.Category) (queueView, error) {
	v := queueView{params: url.Values{}}
	list := url.Values{}
	for _, name := range queueParams {
		for _, val := range q[name] {
			if val = strings.TrimSpace(val); val != "" {
				v.params.Add(name, val)
				if name != "priority" && name != "assignee" {
					list.Add(name, val)
				}
			}
		}
	}
	if cur := q.Get("cursor"); cur != "" {
		list.Set("cursor", cur)
	}
	f, err := web.ParseListQuery(list, func(name string) (int64, error) {
		cat, err := h.DB.FindCategory(c.UserContext(), name)
		return cat.ID, err
	})
	if err != nil {
		return v, err
	}
	var bad db.Invalid
	if s := v.params.Get("priority"); s != "" {
		p, ok := db.ParsePriority(s)
		if !ok {
			bad.Add("priority", "must be low, normal, high or urgent")
		}
		f.Priority = p
	}
	switch v.params.Get("assignee") {
	case "":
	case "me":
		// An API key has no "me"; only a signed-in agent has tickets.
		me := web.PrincipalOf(c).User.ID
		if me == 0 {
			bad.Add("assignee", "me needs a signed-in agent")
		}
		f.AssigneeID = &me
	case "unassigned":
		none := int64(0)
		f.AssigneeID = &none
	default:
		bad.Add("assignee", "must be me or unassigned")
	}
	if len(bad.Fields) > 0 {
		return v, &db.Error{Code: db.EBADREQUEST, Message: "Some query parameters are not valid.", Fields: bad.Fields}
	}
	v.filter = f
	v.form = agent.QueueFilter{
		Query:    f.Query,
		Role:     string(f.Role),
		Priority: string(f.Priority),
		Assignee: v.params.Get("assignee"),
		Awaiting: f.Awaiting,
		Tag:      strings.Join(f.Tags, ","),
	}
	switch {
	case len(f.Statuses) == 1:
		v.form.Status = string(f.Statuses[0])
	case len(f.Statuses) > 1:
		var sts []string
		for _, st := range f.Statuses {
			sts = append(sts, string(st))
		}
		v.form.Status = strings.Join(sts, ",")
	}
	if f.Sort != db.SortCreatedDesc {
		v.form.Sort = f.Sort
	}
	for _, cat := range cats {
		if cat.ID == f.CategoryID {
			// Links, saved views and the current view's match use the
			// canonical name, whichever alias or case the address had.
			v.form.Category = cat.Name
			v.params.Set("category", cat.Name)
		}
	}
	return v, nil
}

// url is the view's address with some parameters replaced ("" removes one).
func (v queueView) url(path string, set ...string) string {
	p := url.Values{}
	for k, vals := range v.params {
		p[k] = append([]string(nil), vals...)
	}
	for i := 0; i+1 < len(set); i += 2 {
		if set[i+1] == "" {
			p.Del(set[i])
		} else {
			p.Set(set[i], set[i+1])
		}
	}
	if len(p) == 0 {
		return path
	}
	return path + "?" + p.Encode()
}

// hidden lists the parameters the filter form has no input for, so that
// submitting it keeps them.
func (v queueView) hidden() []agent.QueueParam {
	var out []agent.QueueParam
	for _, val := range v.params["limit"] {
		out = append(out, agent.QueueParam{Name: "limit", Value: val})
	}
	return out
}

// queueBack turns the bulk form's return address into a queue address:
// only /agent with its query survives, so the redirect cannot leave the
// queue, let alone the site.
func queueBack(back string) (url.Values, bool) {
	u, err := url.Parse(back)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Path != "/agent" {
		return url.Values{}, false
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return url.Values{}, false
	}
	return q, true
}
