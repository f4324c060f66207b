package desk

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
	"github.com/kinconecta/helpdesk/i18n"
	"github.com/kinconecta/helpdesk/views/agent"
)

// otherTicketsShown is how many of the requester's other tickets the card
// lists; one more is read to know whether there are more.
const otherTicketsShown = 10

// ticketView fills the workspace's view-model for t, which must carry all
// its files (db.Ticket with internal ones).
func (h *Handler) ticketView(c *fiber.Ctx, t db.Ticket) (agent.Ticket, error) {
	ctx := c.UserContext()
	lang := web.PageLang(c)
	msgs, err := h.DB.Messages(ctx, t.ID, true)
	if err != nil {
		return agent.Ticket{}, err
	}
	events, err := h.DB.Events(ctx, t.ID)
	if err != nil {
		return agent.Ticket{}, err
	}
	users, err := h.DB.Users(ctx)
	if err != nil {
		return agent.Ticket{}, err
	}
	cats, err := h.DB.Categories(ctx)
	if err != nil {
		return agent.Ticket{}, err
	}
	others, err := h.DB.RequesterTickets(ctx, t.Email, t.ID, otherTicketsShown+1)
	if err != nil {
		return agent.Ticket{}, err
	}
	names := map[string]string{}
	for _, u := range users {
		names[strconv.FormatInt(u.ID, 10)] = u.Name
	}
	number := strconv.FormatInt(t.ID, 10)
	base := ticketBase(t.ID)
	v := agent.Ticket{
		Frame: h.frameMeta(c, lang.T("ticket.title", number, t.Subject), agent.NavNone),
		ID:    t.ID, Base: base,
		Subject: t.Subject, Status: string(t.Status), StatusText: lang.T("status." + string(t.Status)),
		Category: web.CategoryLabel(t, lang), Priority: string(t.Priority), PriorityText: priorityLabel(lang, string(t.Priority)),
		Opened: ticketStamp(lang, t.CreatedAt.Time), Updated: ticketStamp(lang, t.UpdatedAt.Time),
		Requester: agent.TicketRequester{
			Name: t.FullName, Email: t.Email,
			Role:     labelOr(lang, "role."+string(t.RoleContext), string(t.RoleContext)),
			Language: labelOr(lang, "ticket.lang."+t.Language, t.Language),
		},
		Moves:   ticketMoves(lang, t.Status),
		Details: ticketDetailsView(lang, t, users, cats, web.PrincipalOf(c).User.ID),
		Compose: agent.TicketCompose{
			MaxFileBytes: h.Config.MaxFileBytes,
			FilesLeft:    max(h.Config.MaxFiles-len(t.Attachments), 0),
			Accept:       db.AllowedTypes,
		},
	}
	if t.AssigneeID != nil {
		v.Assignee = labelFor(names, assigneeValue(t.AssigneeID), lang.T("ticket.unknownAgent"))
	}
	for i, o := range others {
		if i == otherTicketsShown {
			v.Requester.More = true
			break
		}
		v.Requester.Others = append(v.Requester.Others, agent.TicketLink{
			ID: o.ID, Subject: o.Subject, Status: string(o.Status),
			StatusText: lang.T("status." + string(o.Status)), Opened: ticketDate(lang, o.CreatedAt.Time),
		})
	}
	v.Thread, v.Files = ticketThread(lang, t, msgs)
	if err := h.ticketMergeTags(c, t, &v); err != nil {
		return agent.Ticket{}, err
	}
	if err := h.composeView(c, t, msgs, &v); err != nil {
		return agent.Ticket{}, err
	}
	catLabels := map[string]string{}
	for _, c := range cats {
		catLabels[c.Name] = c.Label(string(lang))
	}
	for _, e := range events {
		v.History = append(v.History, agent.TicketEvent{
			Text: ticketEventText(lang, e, names, catLabels),
			When: ticketStamp(lang, e.CreatedAt.Time),
		})
	}
	return v, nil
}

// ticketThread is the request followed by every message, and every file
// of the ticket in the order it arrived, each marked when it belongs to
// an internal note.
func ticketThread(lang i18n.Lang, t db.Ticket, msgs []db.Message) ([]agent.TicketEntry, []agent.TicketFile) {
	base := ticketBase(t.ID)
	internal := map[int64]bool{}
	for _, m := range msgs {
		internal[m.ID] = m.Internal
	}
	var files []agent.TicketFile
	first := agent.TicketEntry{Kind: agent.EntryRequest, Author: t.FullName, Body: t.Message,
		When: ticketStamp(lang, t.CreatedAt.Time)}
	for _, a := range t.Attachments {
		f := ticketFileView(lang, base, a, a.MessageID != nil && internal[*a.MessageID])
		files = append(files, f)
		if a.MessageID == nil {
			first.Files = append(first.Files, f)
		}
	}
	thread := []agent.TicketEntry{first}
	for _, m := range msgs {
		e := agent.TicketEntry{ID: m.ID, Kind: agent.EntryRequester, Author: m.Author.Name, Body: m.Body,
			When:      ticketStamp(lang, m.CreatedAt.Time),
			Formatted: m.Format == db.FormatMarkdown && m.Author.Type == db.AuthorAgent}
		switch {
		case m.Internal:
			e.Kind = agent.EntryNote
		case m.Author.Type == db.AuthorAgent:
			e.Kind = agent.EntryReply
		case m.Author.Type == db.AuthorSystem:
			e.Kind = agent.EntrySystem
		}
		if e.Author == "" {
			e.Author = lang.T("ticket.entry." + e.Kind)
		}
		if e.Kind == agent.EntryRequester && m.Author.Email != "" && !strings.EqualFold(m.Author.Email, t.Email) {
			e.From = m.Author.Email
		}
		for _, a := range m.Attachments {
			e.Files = append(e.Files, ticketFileView(lang, base, a, m.Internal))
		}
		thread = append(thread, e)
	}
	return thread, files
}

// ticketFileView links a stored file through the workspace's own file
// route; a reference is a link to where it is hosted.
func ticketFileView(lang i18n.Lang, base string, a db.Attachment, internal bool) agent.TicketFile {
	f := agent.TicketFile{Name: a.FileName, Size: lang.Size(a.FileSize), Internal: internal}
	if a.StorageName == "" {
		f.URL, f.External = a.FileURL, true
		return f
	}
	f.URL = base + "/files/" + strconv.FormatInt(a.ID, 10)
	f.Image = web.InlineTypes[a.MimeType]
	return f
}

// ticketMoves are the workflow's allowed moves from s, the next state in
// order (the usual step) marked primary.
func ticketMoves(lang i18n.Lang, s db.Status) []agent.TicketMove {
	var moves []agent.TicketMove
	next := ""
	for i, st := range db.Statuses {
		if st == s && i+1 < len(db.Statuses) {
			next = string(db.Statuses[i+1])
		}
	}
	for _, st := range s.Next() {
		moves = append(moves, agent.TicketMove{Value: string(st), Label: lang.T("status." + string(st)), Primary: string(st) == next})
	}
	return moves
}

// ticketDetailsView fills the assignment form: active agents (the current
// assignee too when their account is off, so the select tells the truth),
// the priorities, and the categories in use plus the ticket's own when it
// has been retired.
func ticketDetailsView(lang i18n.Lang, t db.Ticket, users []db.User, cats []db.Category, me int64) agent.TicketDetails {
	d := agent.TicketDetails{Assignee: assigneeValue(t.AssigneeID), Priority: string(t.Priority), Category: t.Category}
	d.Assignees = []agent.QueueOption{{Value: "0", Label: lang.T("ticket.assignee.none")}}
	meActive := false
	for _, u := range users {
		id := strconv.FormatInt(u.ID, 10)
		label := u.Name
		switch {
		case !u.Active && id != d.Assignee:
			continue
		case !u.Active:
			label = lang.T("ticket.assignee.inactive", u.Name)
		case u.ID == me:
			label = lang.T("ticket.assignee.me", u.Name)
			meActive = true
		}
		d.Assignees = append(d.Assignees, agent.QueueOption{Value: id, Label: label})
	}
	if me := strconv.FormatInt(me, 10); meActive && me != d.Assignee {
		d.AssignMe = me
	}
	for _, p := range db.Priorities {
		d.Priorities = append(d.Priorities, agent.QueueOption{Value: string(p), Label: priorityLabel(lang, string(p))})
	}
	for _, c := range cats {
		switch {
		case c.Retired && c.Name == t.Category:
			d.Categories = append(d.Categories, agent.QueueOption{Value: c.Name, Label: lang.T("ticket.category.retired", c.Label(string(lang)))})
		case !c.Retired:
			d.Categories = append(d.Categories, agent.QueueOption{Value: c.Name, Label: c.Label(string(lang))})
		}
	}
	return d
}

func priorityLabel(lang i18n.Lang, p string) string {
	return labelOr(lang, "queue.priority."+p, p)
}

// labelOr is the catalogue's text for key, or fallback for a value the
// catalogue does not know (a status a later version adds).
func labelOr(lang i18n.Lang, key, fallback string) string {
	if i18n.Has(key) {
		return lang.T(key)
	}
	return fallback
}

func labelFor(m map[string]string, key, fallback string) string {
	if v, ok := m[key]; ok {
		return v
	}
	return fallback
}

func ticketStamp(lang i18n.Lang, t time.Time) agent.Stamp {
	return agent.Stamp{Text: lang.DateTime(t), ISO: t.UTC().Format(time.RFC3339)}
}

func ticketDate(lang i18n.Lang, t time.Time) agent.Stamp {
	return agent.Stamp{Text: lang.Date(t.UTC()), ISO: t.UTC().Format(time.RFC3339)}
}

// assigneeValue is the assignee select's value for id: "0" for nobody.
func assigneeValue(id *int64) string {
	if id == nil {
		return "0"
	}
	return strconv.FormatInt(*id, 10)
}
