package desk

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
	"github.com/kinconecta/helpdesk/views/agent"
)

// ticketTagsRoutes is the workspace's tags and merge: the cards' forms,
// the tag suggestions and the merge page.
func (h *Handler) ticketTagsRoutes() []web.Route {
	return []web.Route{
		{Method: "POST", Path: "/agent/tickets/:id/tags", Access: web.Agent, Limited: false, Body: web.FormBody, Handler: h.ticketTags},
		{Method: "GET", Path: "/agent/tickets/:id/tags", Access: web.Agent, Limited: false, Body: web.NoBody, Handler: h.ticketFormAddress("#tags")},
		{Method: "GET", Path: "/agent/tags/suggestions", Access: web.Agent, Limited: false, Body: web.NoBody, Handler: h.tagSuggestions},
		{Method: "GET", Path: "/agent/tickets/:id/merge", Access: web.Agent, Limited: false, Body: web.NoBody, Handler: h.mergePage},
		{Method: "POST", Path: "/agent/tickets/:id/merge", Access: web.Agent, Limited: false, Body: web.FormBody, Handler: h.mergeForm},
	}
}

// ticketTags handles POST /agent/tickets/{id}/tags: add holds one or more
// tags (separated by commas or spaces), remove one tag, as the chips' and
// the add field's forms send them. A refused tag comes back beside the
// field with what was typed (422); a closed ticket as the page's problem
// (409).
func (h *Handler) ticketTags(c *fiber.Ctx) error {
	t, err := h.workspaceTicket(c)
	if err != nil {
		return err
	}
	sent := web.FormValue(c, "add")
	add := typedTags(sent)
	var remove []string
	if r := strings.TrimSpace(web.FormValue(c, "remove")); r != "" {
		remove = []string{r}
	}
	if len(add) == 0 && len(remove) == 0 {
		return c.Redirect(ticketBase(t.ID)+"#tags", fiber.StatusSeeOther)
	}
	_, err = h.DB.UpdateTicket(c.UserContext(), t.ID, db.TicketPatch{AddTags: add, RemoveTags: remove}, web.PrincipalOf(c).Actor)
	var de *db.Error
	switch {
	case err == nil:
	case errors.As(err, &de) && de.Code == db.EINVALID:
		lang := web.PageLang(c)
		problem := lang.T("ticketTags.err.invalid")
		if len(de.Fields) > 0 && de.Fields[0].Field == "tags" {
			problem = lang.T("ticketTags.err.tooMany")
		}
		return h.renderTicket(c, fiber.StatusUnprocessableEntity, t, func(v *agent.Ticket) {
			v.Tags.Value, v.Tags.Error = sent, problem
		})
	default:
		return h.refuseUpdate(c, t, err, nil)
	}
	if err := h.putTicketNotice(c, ticketNotice{Ticket: t.ID, Kind: "tags"}); err != nil {
		return err
	}
	return c.Redirect(ticketBase(t.ID)+"#tags", fiber.StatusSeeOther)
}

// typedTags reads tags as people type them into any of the desk's tag
// fields (a ticket's "Add tags", the queue's filter, the bulk bar):
// separated by commas or spaces, a leading '#' (as in chat apps) left
// out, empty parts dropped. Each tag is then checked by the store.
func typedTags(s string) []string {
	var tags []string
	for _, t := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
		if t = strings.TrimLeft(t, "#"); t != "" {
			tags = append(tags, t)
		}
	}
	return tags
}

// tagSuggestions handles GET /agent/tags/suggestions?q=PREFIX (or add=,
// the field's own name, as htmx sends it): the tags in use that start
// with the prefix, most used first, as <option> elements for the add
// field's datalist. The field may hold a list; the last word is the one
// being typed, and each option's value is the list completed with it. Loaded when the field is focused or typed in, not with the
// page: counting every tag in use is a scan of the tags table.
func (h *Handler) tagSuggestions(c *fiber.Ctx) error {
	typed := c.Query("q", c.Query("add"))
	// The words before the last stay in front of each option's value, so
	// picking one completes the list rather than replacing it.
	cut := strings.LastIndexAny(typed, ", \t") + 1
	lead, prefix := typed[:cut], typed[cut:]
	var out []agent.TagSuggestion
	if utf8.RuneCountInString(prefix) <= db.MaxTagLen && len(typed) <= 1000 {
		tags, err := h.DB.TagSuggestions(c.UserContext(), prefix)
		if err != nil {
			return err
		}
		for _, tc := range tags {
			out = append(out, agent.TagSuggestion{Tag: tc.Tag, Value: lead + tc.Tag, Count: tc.Count})
		}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return web.Render(c, fiber.StatusOK, agent.TagOptions(out))
}
