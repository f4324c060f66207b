package desk

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
	"github.com/kinconecta/helpdesk/i18n"
	"github.com/kinconecta/helpdesk/views/agent"
)

// Merge candidates: the workspace's card lists a few, the merge page more.
const (
	mergeCardShown = 5
	mergePageShown = 20
	mergeQueryMax  = 200
)

// mergePage handles GET /agent/tickets/{id}/merge[?q=…][&into=T]: the
// requester's open tickets (narrowed by q, a number or part of a subject),
// and with into the preview of that merge, or why it cannot be done.
func (h *Handler) mergePage(c *fiber.Ctx) error {
	t, err := h.workspaceTicket(c)
	if err != nil {
		return err
	}
	v, err := h.mergeView(c, t, c.Query("q"))
	if err != nil {
		return err
	}
	if into := c.Query("into"); into != "" && !v.Closed {
		id, ok := parseTicketNumber(into)
		if !ok {
			v.Problem = web.PageLang(c).T("merge.err.into")
			return web.Render(c, fiber.StatusUnprocessableEntity, agent.MergePageView(v))
		}
		sum, err := h.DB.PreviewMerge(c.UserContext(), t.ID, id)
		if err != nil {
			return h.refuseMerge(c, v, id, sum, err)
		}
		v.Preview = mergePreviewView(web.PageLang(c), sum)
	}
	return web.Render(c, fiber.StatusOK, agent.MergePageView(v))
}

// mergeForm handles POST /agent/tickets/{id}/merge (into=T): the preview's
// confirmation. A merge done leads to the target with a notice; one
// refused comes back as the merge page with the reason (404, 409, 422).
func (h *Handler) mergeForm(c *fiber.Ctx) error {
	t, err := h.workspaceTicket(c)
	if err != nil {
		return err
	}
	id, ok := parseTicketNumber(web.FormValue(c, "into"))
	if !ok {
		v, err := h.mergeView(c, t, "")
		if err != nil {
			return err
		}
		v.Problem = web.PageLang(c).T("merge.err.into")
		return web.Render(c, fiber.StatusUnprocessableEntity, agent.MergePageView(v))
	}
	if _, err := h.DB.MergeTicket(c.UserContext(), t.ID, id, web.PrincipalOf(c).Actor); err != nil {
		// The preview reads both tickets as they are now, to say why.
		sum, _ := h.DB.PreviewMerge(c.UserContext(), t.ID, id)
		t, ferr := h.workspaceTicket(c)
		if ferr != nil {
			return ferr
		}
		v, verr := h.mergeView(c, t, "")
		if verr != nil {
			return verr
		}
		return h.refuseMerge(c, v, id, sum, err)
	}
	if err := h.putTicketNotice(c, ticketNotice{Ticket: id, Kind: "merged", Value: strconv.FormatInt(t.ID, 10)}); err != nil {
		return err
	}
	return c.Redirect(ticketBase(id), fiber.StatusSeeOther)
}

// parseTicketNumber reads a ticket number as people write it: "12", "#12".
func parseTicketNumber(s string) (int64, bool) {
	id, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(s), "#"), 10, 64)
	return id, err == nil && id > 0
}

// mergeView fills the merge page for ticket t with the candidates q finds.
func (h *Handler) mergeView(c *fiber.Ctx, t db.Ticket, q string) (agent.MergePage, error) {
	lang := web.PageLang(c)
	number := strconv.FormatInt(t.ID, 10)
	if len(q) > mergeQueryMax {
		q = q[:mergeQueryMax]
	}
	v := agent.MergePage{
		Frame: h.frameMeta(c, lang.T("merge.title", lang.T("ticket.number", number)), agent.NavNone),
		ID:    t.ID, Subject: t.Subject, Base: ticketBase(t.ID), Query: strings.TrimSpace(q),
		Closed: t.Status == db.StatusClosed,
	}
	switch {
	case t.MergedInto != nil:
		v.Problem = lang.T("merge.err.merged", lang.T("ticket.number", strconv.FormatInt(*t.MergedInto, 10)))
		return v, nil
	case v.Closed:
		v.Problem = lang.T("merge.err.sourceClosed")
		return v, nil
	}
	others, err := h.DB.MergeCandidates(c.UserContext(), t, v.Query, mergePageShown)
	if err != nil {
		return v, err
	}
	v.Candidates = mergeLinks(lang, others)
	return v, nil
}

func mergeLinks(lang i18n.Lang, others []db.TicketSummary) []agent.TicketLink {
	var out []agent.TicketLink
	for _, o := range others {
		out = append(out, agent.TicketLink{ID: o.ID, Subject: o.Subject, Status: string(o.Status),
			StatusText: lang.T("status." + string(o.Status)), Opened: ticketDate(lang, o.CreatedAt.Time)})
	}
	return out
}

func mergePreviewView(lang i18n.Lang, sum db.MergeSummary) *agent.MergePreview {
	t := sum.Target
	return &agent.MergePreview{
		Target: agent.TicketLink{ID: t.ID, Subject: t.Subject, Status: string(t.Status),
			StatusText: lang.T("status." + string(t.Status)), Opened: ticketDate(lang, t.CreatedAt.Time)},
		Messages: sum.Messages, Notes: sum.Notes, Files: sum.Files, Events: sum.Events,
		Tags: sum.Tags, Added: sum.Added,
	}
}

// refuseMerge renders the merge page with why merging into id was
// refused, in words: sum holds the tickets as far as they were found.
// Anything but the store's refusals goes to the error handler.
func (h *Handler) refuseMerge(c *fiber.Ctx, v agent.MergePage, id int64, sum db.MergeSummary, err error) error {
	var de *db.Error
	if !errors.As(err, &de) {
		return err
	}
	lang := web.PageLang(c)
	num := func(id int64) string { return lang.T("ticket.number", strconv.FormatInt(id, 10)) }
	s, t := sum.Source, sum.Target
	status := fiber.StatusConflict
	switch {
	case de.Code == db.EINVALID:
		v.Problem, status = lang.T("merge.err.itself"), fiber.StatusUnprocessableEntity
	case de.Code == db.ENOTFOUND:
		v.Problem, status = lang.T("merge.err.notFound", num(id)), fiber.StatusNotFound
	case de.Code != db.ECONFLICT:
		return err
	case s.MergedInto != nil:
		v.Problem = lang.T("merge.err.merged", num(*s.MergedInto))
	case s.Status == db.StatusClosed:
		v.Problem = lang.T("merge.err.sourceClosed")
	case t.Status == db.StatusClosed:
		v.Problem = lang.T("merge.err.targetClosed", num(t.ID))
	case !strings.EqualFold(s.Email, t.Email):
		v.Problem = lang.T("merge.err.requester", num(t.ID), t.Email)
	default:
		v.Problem = lang.T("merge.err.tags")
	}
	return web.Render(c, status, agent.MergePageView(v))
}

// ticketMergeTags fills the workspace's tags and merge cards for t.
func (h *Handler) ticketMergeTags(c *fiber.Ctx, t db.Ticket, v *agent.Ticket) error {
	v.Tags.Tags = t.Tags
	if t.MergedInto != nil {
		v.Merge.MergedInto = *t.MergedInto
	}
	if t.Status == db.StatusClosed {
		return nil
	}
	others, err := h.DB.MergeCandidates(c.UserContext(), t, "", mergeCardShown)
	if err != nil {
		return err
	}
	v.Merge.Candidates = mergeLinks(web.PageLang(c), others)
	return nil
}

// mergeTagEventText words the history's tag and merge entries; ok is
// false for any other field.
func mergeTagEventText(lang i18n.Lang, e db.Event, who string) (string, bool) {
	num := func(id string) string { return lang.T("ticket.number", id) }
	switch e.Field {
	case "tags":
		from, to := splitList(e.From), splitList(e.To)
		added, removed := listMinus(to, from), listMinus(from, to)
		switch {
		case len(removed) == 0:
			return lang.T("ticket.history.tagsAdded", who, strings.Join(added, ", ")), true
		case len(added) == 0:
			return lang.T("ticket.history.tagsRemoved", who, strings.Join(removed, ", ")), true
		}
		return lang.T("ticket.history.tagsChanged", who, strings.Join(added, ", "), strings.Join(removed, ", ")), true
	case "mergedInto":
		return lang.T("ticket.history.mergedInto", who, num(e.To)), true
	case "mergedFrom":
		return lang.T("ticket.history.mergedFrom", who, num(e.From)), true
	}
	return "", false
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// listMinus is a's items that b lacks, in a's order.
func listMinus(a, b []string) []string {
	var out []string
	for _, x := range a {
		found := false
		for _, y := range b {
			found = found || x == y
		}
		if !found {
			out = append(out, x)
		}
	}
	return out
}
