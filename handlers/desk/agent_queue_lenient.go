package desk

import (
	"errors"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
	"github.com/kinconecta/helpdesk/i18n"
)

// lenientQueueView reads a queue address as the page shows it: the tag
// box is tidied as "Add tags" takes tags (commas or spaces between them,
// a leading '#' and empty ones ignored), then each parameter that still
// cannot be read is left out and worded in the page's language, so a
// mistyped filter shows the queue with a message beside it instead of an
// error page. Errors that are not about the address are returned.
func (h *Handler) lenientQueueView(c *fiber.Ctx, q url.Values, cats []db.Category) (queueView, []string, error) {
	q = tidyQueueTags(q)
	var problems []string
	// Each round drops at least one parameter; a bound keeps a bug from looping.
	for range len(queueParams) + 2 {
		view, err := h.parseQueueView(c, q, cats)
		var de *db.Error
		if err == nil || !errors.As(err, &de) || de.Code != db.EBADREQUEST || len(de.Fields) == 0 {
			return view, problems, err
		}
		next := url.Values{}
		for k, vals := range q {
			next[k] = vals
		}
		for _, fe := range de.Fields {
			if _, gone := next[fe.Field]; !gone {
				continue
			}
			problems = append(problems, queueFilterProblem(web.PageLang(c), fe.Field, strings.Join(next[fe.Field], ", ")))
			next.Del(fe.Field)
		}
		if len(next) == len(q) {
			return view, problems, err
		}
		q = next
	}
	return queueView{}, problems, db.Errorf(db.EBADREQUEST, "malformed query string")
}

// tidyQueueTags returns q with its tag filter written as the list API
// takes it: tags separated by commas, none empty, no leading '#'.
func tidyQueueTags(q url.Values) url.Values {
	raw, ok := q["tag"]
	if !ok {
		return q
	}
	var tags []string
	for _, v := range raw {
		tags = append(tags, typedTags(v)...)
	}
	out := url.Values{}
	for k, vals := range q {
		out[k] = vals
	}
	out.Del("tag")
	if len(tags) > 0 {
		out.Set("tag", strings.Join(tags, ","))
	}
	return out
}

// queueFilterProblem words, in lang, a filter left out of the view: which
// one, what it said, and what it takes.
func queueFilterProblem(lang i18n.Lang, param, value string) string {
	value = web.Truncate(value, 60)
	switch param {
	case "tag", "status", "sort", "category", "priority", "assignee", "awaiting", "roleContext", "limit", "q":
		return lang.T("queue.err.filter."+param, value)
	case "cursor":
		return lang.T("queue.err.filter.cursor")
	}
	return lang.T("queue.err.filter", param, value)
}
