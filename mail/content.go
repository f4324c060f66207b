package mail

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/internal/richtext"
	"github.com/kinconecta/helpdesk/mail/templates"
)

// content writes what the email for n says. Requesters read it in their
// ticket's language; agents in the language of their outbox row.
func (c *composer) content(ctx context.Context, n db.Notification, t db.Ticket) (letter, error) {
	switch n.Kind {
	case db.NotifyTicketCreated, db.NotifyAgentReply, db.NotifyResolved, db.NotifyClosed:
		return c.toRequester(ctx, n, t)
	case db.NotifyNewTicket:
		return c.newTicket(t, wordsFor(n.Language), n.Language), nil
	case db.NotifyAssigned:
		return c.assigned(ctx, n, t)
	case db.NotifyRequesterReply:
		return c.requesterReply(ctx, n, t)
	case db.NotifyLeftOut, db.NotifyEmptyReply:
		return c.toSender(ctx, n, t)
	}
	return letter{}, permanent("unknown notification kind %q", n.Kind)
}

// toRequester writes the requester's emails. Each carries a private link
// minted now: tokens are kept only as hashes, so the email is the one
// place the token exists.
func (c *composer) toRequester(ctx context.Context, n db.Notification, t db.Ticket) (letter, error) {
	w := wordsFor(t.Language)
	e := templates.Email{Lang: lang(t.Language), Signature: w.Signature, Greeting: fmt.Sprintf(w.Greeting, headerText(t.FullName)),
		Footer: []string{w.PrivateLink}}
	var quote *templates.Quote
	var files *templates.Files
	if n.Kind == db.NotifyAgentReply {
		m, err := c.publicMessage(ctx, t.ID, n.MessageID)
		if err != nil {
			return letter{}, err
		}
		author := headerText(m.Author.Name)
		if m.ByAPIKey() {
			author = w.Signature
		}
		quote = &templates.Quote{Label: fmt.Sprintf(w.AgentReplyIntro, author, t.ID), Body: m.Body}
		if m.Format == db.FormatMarkdown {
			// The same renderer as the desk's page: the email shows what
			// the agent saw in the preview.
			quote.HTML = richtext.HTML(m.Body)
		}
		if len(m.Attachments) > 0 {
			files = &templates.Files{Label: w.AgentReplyFiles}
			for _, a := range m.Attachments {
				files.Names = append(files.Names, a.FileName)
			}
		}
		e.Preheader = fmt.Sprintf(w.AgentReplyPreheader, author, t.ID)
	}
	token, err := c.db.MintTicketToken(ctx, t.ID)
	if err != nil {
		return letter{}, err
	}
	track := c.baseURL + "/track/" + token
	replyHint := w.ReplyOnPage
	if c.replies != nil {
		replyHint = w.ReplyByEmail
	}
	see := templates.Button{Label: w.ConversationButton, URL: track, ID: "track-link"}

	var answers string
	switch n.Kind {
	case db.NotifyTicketCreated:
		// A ticket opened by email: the confirmation answers that email,
		// so the person's mail client shows the two together.
		if answers, err = c.db.OpeningEmail(ctx, t.ID); err != nil {
			return letter{}, err
		}
		e.Preheader = fmt.Sprintf(w.CreatedPreheader, t.ID)
		e.Intro = []string{w.CreatedIntro, fmt.Sprintf(w.CreatedNumber, t.ID)}
		quote = &templates.Quote{Label: w.YourMessage, Body: t.Message}
		e.Buttons = []templates.Button{{Label: w.FollowButton, URL: track, ID: "track-link"}}
		e.After = []string{replyHint}
	case db.NotifyAgentReply:
		e.Buttons = []templates.Button{see}
		e.After = []string{replyHint}
	case db.NotifyResolved:
		e.Preheader = fmt.Sprintf(w.ResolvedPreheader, t.ID)
		e.Intro = []string{fmt.Sprintf(w.ResolvedIntro, t.ID)}
		if t.Status == db.StatusResolved {
			// Links only lead to the page's buttons: a GET (or a mail
			// scanner following every link) must not change the ticket.
			e.Question = w.ResolvedQuestion
			e.Buttons = []templates.Button{
				{Label: w.SolvedButton, URL: track + "?answer=solved#resolution", ID: "solved-link"},
				{Label: w.ReopenButton, URL: track + "?answer=reopen#resolution", ID: "reopen-link"},
			}
			e.After = []string{w.ResolvedHow}
		} else {
			// Delivered late: the ticket moved on, so the question is moot.
			e.Intro = append(e.Intro, fmt.Sprintf(w.ResolvedMovedOn, w.Statuses[string(t.Status)]))
			e.Buttons = []templates.Button{{Label: w.SeeButton, URL: track, ID: "track-link"}}
		}
	case db.NotifyClosed:
		e.Preheader = fmt.Sprintf(w.ClosedPreheader, t.ID)
		e.Intro = []string{fmt.Sprintf(w.ClosedIntro, t.ID)}
		e.Buttons = []templates.Button{{Label: w.SeeButton, URL: track, ID: "track-link"}}
		e.After = []string{fmt.Sprintf(w.ClosedNew, c.baseURL+"/")}
	}
	e.Quote, e.Files = quote, files
	e.Details = ticketDetails(w, t)
	e.Title = subjectLine(t.ID, headerText(t.Subject))
	return letter{subject: e.Title, toName: t.FullName, requester: true, answers: answers, email: e}, nil
}

// toSender writes the one email about an email the listener could not
// keep whole (NotifyLeftOut) or that had nothing left once its quotes were
// set aside (NotifyEmptyReply). It goes to the email's sender, who may be
// someone else than the requester (a spouse in CC): only the requester's
// copy carries the private tracking link and the ticket's details. Both
// can answer it, as they answered before.
func (c *composer) toSender(ctx context.Context, n db.Notification, t db.Ticket) (letter, error) {
	w := wordsFor(t.Language)
	e := templates.Email{Lang: lang(t.Language), Signature: w.Signature, Greeting: w.GreetingNoName}
	requester := strings.EqualFold(n.Recipient, t.Email)
	name := ""
	if requester {
		name = t.FullName
		e.Greeting = fmt.Sprintf(w.Greeting, headerText(name))
	}
	title := w.EmptySubject
	e.Intro = []string{fmt.Sprintf(w.EmptyIntro, t.ID)}
	e.After = []string{w.EmptyAgain}
	if n.Kind == db.NotifyLeftOut {
		m, err := c.systemMessage(ctx, t.ID, n.MessageID)
		if err != nil {
			return letter{}, err
		}
		title = w.LeftOutSubject
		e.Intro = []string{fmt.Sprintf(w.LeftOutIntro, t.ID)}
		e.Quote = &templates.Quote{Label: w.LeftOutLabel, Body: m.Body}
		e.After = []string{w.LeftOutAgain}
	}
	e.Preheader = e.Intro[0]
	if requester {
		token, err := c.db.MintTicketToken(ctx, t.ID)
		if err != nil {
			return letter{}, err
		}
		e.Buttons = []templates.Button{{Label: w.SeeButton, URL: c.baseURL + "/track/" + token, ID: "track-link"}}
		e.Details = ticketDetails(w, t)
		e.Footer = []string{w.PrivateLink}
	}
	e.Title = subjectLine(t.ID, title)
	return letter{subject: e.Title, toName: name, requester: true, email: e}, nil
}

// systemMessage finds the public system message a notice is about.
func (c *composer) systemMessage(ctx context.Context, ticketID, messageID int64) (db.Message, error) {
	msgs, err := c.db.Messages(ctx, ticketID, false)
	if err != nil {
		return db.Message{}, err
	}
	for _, m := range msgs {
		if m.ID == messageID && m.Author.Type == db.AuthorSystem {
			return m, nil
		}
	}
	return db.Message{}, permanent("message %d is not a system message on ticket %d", messageID, ticketID)
}

// publicMessage finds the agent's reply among the messages a requester may
// see, so an internal note can never be mailed, whatever the outbox says.
func (c *composer) publicMessage(ctx context.Context, ticketID, messageID int64) (db.Message, error) {
	msgs, err := c.db.Messages(ctx, ticketID, false)
	if err != nil {
		return db.Message{}, err
	}
	for _, m := range msgs {
		if m.ID == messageID && !m.Internal && m.Author.Type == db.AuthorAgent {
			return m, nil
		}
	}
	return db.Message{}, permanent("message %d is not a public agent reply on ticket %d", messageID, ticketID)
}

// newTicket tells an agent who asked for it that a ticket arrived.
func (c *composer) newTicket(t db.Ticket, w *words, code string) letter {
	e := c.agentEmail(t, w, code)
	e.Greeting = w.GreetingNoName
	e.Intro = []string{fmt.Sprintf(w.NewTicketIntro, headerText(t.FullName), t.Email, w.Roles[string(t.RoleContext)])}
	e.Title = subjectLine(t.ID, fmt.Sprintf(w.NewTicketSubject, headerText(t.Subject)))
	return letter{subject: e.Title, email: e}
}

// assigned tells an agent a ticket is now theirs.
func (c *composer) assigned(ctx context.Context, n db.Notification, t db.Ticket) (letter, error) {
	w := wordsFor(n.Language)
	e := c.agentEmail(t, w, n.Language)
	name := ""
	if t.AssigneeID != nil {
		// Greet by name only if the ticket is still theirs.
		if u, err := c.db.User(ctx, *t.AssigneeID); err == nil && u.Email == n.Recipient {
			name = u.Name
		}
	}
	e.Greeting = w.GreetingNoName
	if name != "" {
		e.Greeting = fmt.Sprintf(w.Greeting, headerText(name))
	}
	e.Intro = []string{fmt.Sprintf(w.AssignedIntro, t.ID, headerText(t.FullName))}
	e.Title = subjectLine(t.ID, fmt.Sprintf(w.AssignedSubject, headerText(t.Subject)))
	return letter{subject: e.Title, toName: name, email: e}, nil
}

// requesterReply tells the assignee (or, on an unassigned ticket, the
// agents who asked for new-ticket emails) what the requester wrote, quoted
// in full, with its file names (CONTRACT §5).
func (c *composer) requesterReply(ctx context.Context, n db.Notification, t db.Ticket) (letter, error) {
	m, err := c.requesterMessage(ctx, t.ID, n.MessageID)
	if err != nil {
		return letter{}, err
	}
	w := wordsFor(n.Language)
	e := c.agentEmail(t, w, n.Language)
	e.Greeting = w.GreetingNoName
	e.Intro = []string{fmt.Sprintf(w.ReplyIntro, headerText(m.Author.Name), t.ID)}
	if reopened, err := c.reopenedBy(ctx, t.ID, m); err != nil {
		return letter{}, err
	} else if reopened {
		e.Intro = append(e.Intro, w.ReplyReopened)
	}
	e.Quote = &templates.Quote{Label: w.LabelMessage, Body: m.Body}
	if len(m.Attachments) > 0 {
		e.Files = &templates.Files{Label: w.ReplyFiles}
		for _, a := range m.Attachments {
			e.Files.Names = append(e.Files.Names, a.FileName)
		}
	}
	e.Title = subjectLine(t.ID, fmt.Sprintf(w.ReplySubject, headerText(t.Subject)))
	return letter{subject: e.Title, email: e}, nil
}

// requesterMessage finds the requester's public message the notice is
// about.
func (c *composer) requesterMessage(ctx context.Context, ticketID, messageID int64) (db.Message, error) {
	msgs, err := c.db.Messages(ctx, ticketID, false)
	if err != nil {
		return db.Message{}, err
	}
	for _, m := range msgs {
		if m.ID == messageID && m.Author.Type == db.AuthorRequester {
			return m, nil
		}
	}
	return db.Message{}, permanent("message %d is not a requester's message on ticket %d", messageID, ticketID)
}

// reopenedBy reports whether m reopened a resolved ticket: the history
// records that move, by the requester, at the instant of m.
func (c *composer) reopenedBy(ctx context.Context, ticketID int64, m db.Message) (bool, error) {
	events, err := c.db.Events(ctx, ticketID)
	if err != nil {
		return false, err
	}
	for _, e := range events {
		if e.Field == "status" && e.From == string(db.StatusResolved) && e.ActorType == "requester" &&
			e.CreatedAt.Equal(m.CreatedAt.Time) {
			return true, nil
		}
	}
	return false, nil
}

// agentEmail is what both agent emails share: the request, its facts and
// a link into the agents' side (no private requester link).
func (c *composer) agentEmail(t db.Ticket, w *words, code string) templates.Email {
	details := append([]templates.Detail{{Label: w.LabelRequester, Value: headerText(t.FullName) + " <" + t.Email + ">"}},
		ticketDetails(w, t)...)
	details = append(details, templates.Detail{Label: w.LabelPriority, Value: w.Priorities[string(t.Priority)]})
	return templates.Email{
		Lang: lang(code), Signature: w.Signature, Details: details,
		Quote:   &templates.Quote{Label: w.LabelMessage, Body: t.Message},
		Buttons: []templates.Button{{Label: w.OpenButton, URL: c.baseURL + "/agent/tickets/" + strconv.FormatInt(t.ID, 10), ID: "agent-link"}},
		Footer:  []string{w.AgentFooter},
	}
}

// ticketDetails are the facts every email lists.
func ticketDetails(w *words, t db.Ticket) []templates.Detail {
	category := t.Category
	if w == &spanish && t.CategoryES != "" {
		category = t.CategoryES
	}
	return []templates.Detail{
		{Label: w.LabelTicket, Value: "#" + strconv.FormatInt(t.ID, 10)},
		{Label: w.LabelSubject, Value: headerText(t.Subject)},
		{Label: w.LabelCategory, Value: category},
		{Label: w.LabelStatus, Value: w.Statuses[string(t.Status)]},
	}
}

func lang(code string) string {
	if _, ok := catalogs[code]; ok {
		return code
	}
	return "en"
}
