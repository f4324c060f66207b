package portal

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
	"github.com/kinconecta/helpdesk/i18n"
	"github.com/kinconecta/helpdesk/views/components"
	"github.com/kinconecta/helpdesk/views/pages"
)

// trackPage handles GET /track/{token}: the requester's page.
func (h *Handler) trackPage(c *fiber.Ctx) error {
	tt, err := h.trackedTicket(c)
	if err != nil {
		return err
	}
	t, err := h.trackView(c, tt)
	if err != nil {
		return err
	}
	t.Sent = sentShown(c.Query("sent"), t)
	return web.Render(c, fiber.StatusOK, pages.TrackPage(t))
}

// What the requester just did, as the redirect after their form tells the
// page (?sent=…) so that the page can confirm it. The address carries only
// which of these it was, nothing the requester typed.
const (
	sentReply    = "reply"
	sentClosed   = "closed"
	sentReopened = "reopened"
)

// sentShown is the confirmation the page shows for ?sent=: only one the
// ticket as it is now still bears out, so a link or a reload never claims
// what is no longer true (a "closed" confirmation on a ticket that is not
// closed by its requester, "reopened" on one resolved again since).
func sentShown(sent string, t pages.Track) string {
	switch sent {
	case sentReply:
		return sent
	case sentClosed:
		if t.Status == string(db.StatusClosed) && t.ClosedByRequester {
			return sent
		}
	case sentReopened:
		if t.Status == string(db.StatusOpen) || t.Status == string(db.StatusInProgress) {
			return sent
		}
	}
	return ""
}

// sentTo is the tracking page's address confirming what was just done.
func (t tracked) sentTo(what string) string { return t.base() + "?sent=" + what }

// trackReplyForm handles GET /track/{token}/reply. A refused reply sent
// without a script is shown at the form's address; reloading it or
// coming back to it later asks for that address with GET, which leads to
// the reply form on the page rather than to a 405.
func (h *Handler) trackReplyForm(c *fiber.Ctx) error {
	tt, err := h.trackedTicket(c)
	if err != nil {
		return err
	}
	return c.Redirect(tt.base()+"#reply", fiber.StatusSeeOther)
}

// tracked is the ticket a tracking address names.
type tracked struct {
	token  string
	ticket db.Ticket // with the files a requester may see, none of internal notes
}

// base is the tracking page's path, where its forms post.
func (t tracked) base() string { return "/track/" + t.token }

// trackedTicket resolves the token in the address. An unknown token is a
// plain 404, the same as any address that leads nowhere.
func (h *Handler) trackedTicket(c *fiber.Ctx) (tracked, error) {
	token := c.Params("token")
	if !strings.HasPrefix(token, db.TicketTokenPrefix) {
		return tracked{}, db.Errorf(db.ENOTFOUND, "not found")
	}
	id, err := h.DB.TicketIDByToken(c.UserContext(), token)
	if err != nil {
		return tracked{}, err
	}
	t, err := h.DB.Ticket(c.UserContext(), id, false)
	if err != nil {
		return tracked{}, err
	}
	return tracked{token: token, ticket: t}, nil
}

// trackView fills the tracking page's view-model. It reads the thread
// without internal notes: what is not loaded cannot leak.
func (h *Handler) trackView(c *fiber.Ctx, tt tracked) (pages.Track, error) {
	ctx := c.UserContext()
	t := tt.ticket
	lang := web.PageLang(c)
	msgs, err := h.DB.Messages(ctx, t.ID, false)
	if err != nil {
		return pages.Track{}, err
	}
	// The history tells which states the ticket really went through, and
	// who closed it; of it only statuses and actor types reach the page.
	events, err := h.DB.Events(ctx, t.ID)
	if err != nil {
		return pages.Track{}, err
	}
	var visited []string
	closedByRequester := false
	for _, e := range events {
		if e.Field != "status" {
			continue
		}
		visited = append(visited, e.To)
		if e.To == string(db.StatusClosed) {
			closedByRequester = e.ActorType == "requester"
		}
	}
	// The requester's room counts only the files they can see (the store
	// counts internal notes' files apart): counting the agents' private
	// files in would tell of them.
	filesLeft := max(h.Config.MaxFiles-len(t.Attachments), 0)
	number := strconv.FormatInt(t.ID, 10)
	v := pages.Track{
		Meta:              web.PageMeta(c, lang.T("track.title", number)),
		CSRF:              h.CSRFToken(c),
		Base:              tt.base(),
		TrackingURL:       h.TrackingURL(tt.token),
		Number:            t.ID,
		Subject:           t.Subject,
		Category:          web.CategoryLabel(t, lang),
		Status:            string(t.Status),
		Opened:            pageTime(lang, t.CreatedAt.Time, false),
		Steps:             components.StepsFor(lang, string(t.Status), visited),
		ClosedByRequester: closedByRequester,
		Awaiting:          t.Status == db.StatusCreated || t.Status == db.StatusOpen,
		MaxFileBytes:      h.Config.MaxFileBytes,
		FilesLeft:         filesLeft,
		Accept:            db.AllowedTypes,
	}
	// The request itself opens the conversation, with the files sent with
	// it (or added later through the API, which belong to no message).
	first := pages.Message{Author: t.FullName, Body: t.Message, When: pageTime(lang, t.CreatedAt.Time, true), Kind: "you"}
	for _, a := range t.Attachments {
		if a.MessageID == nil {
			first.Files = append(first.Files, trackFileView(lang, tt, a))
		}
	}
	v.Thread = append(v.Thread, first)
	for _, m := range msgs {
		if m.Internal {
			continue // Messages(…, false) leaves them out; never rely on one guard
		}
		pm := pages.Message{Author: m.Author.Name, Body: m.Body, When: pageTime(lang, m.CreatedAt.Time, true), Kind: "you"}
		switch m.Author.Type {
		case db.AuthorAgent:
			pm.Kind, pm.Formatted = "agent", m.Format == db.FormatMarkdown
			v.Awaiting = false // support has answered
			if pm.Author == "" || m.ByAPIKey() {
				pm.Author = lang.T("track.support")
			}
		case db.AuthorSystem:
			// The helpdesk's own note (a file left out): not an answer.
			pm.Kind, pm.Author = "system", lang.T("track.helpdesk")
		default:
			// Someone else on the requester's side (a spouse in CC writing
			// by email) is named, not called "you".
			if m.Author.Email != "" && !strings.EqualFold(m.Author.Email, t.Email) {
				pm.Kind = "other"
			}
		}
		for _, a := range m.Attachments {
			pm.Files = append(pm.Files, trackFileView(lang, tt, a))
		}
		v.Thread = append(v.Thread, pm)
	}
	return v, nil
}

func pageTime(lang i18n.Lang, t time.Time, withTime bool) pages.Time {
	text := lang.Date(t.UTC())
	if withTime {
		text = lang.DateTime(t)
	}
	return pages.Time{Text: text, ISO: t.UTC().Format(time.RFC3339)}
}

// trackFileView links a file through the tracking page's own file route,
// which serves only this ticket's public files.
func trackFileView(lang i18n.Lang, tt tracked, a db.Attachment) pages.File {
	f := pages.File{Name: a.FileName, Size: lang.Size(a.FileSize)}
	if a.StorageName == "" {
		f.URL, f.External = a.FileURL, true
		return f
	}
	f.URL = tt.base() + "/files/" + strconv.FormatInt(a.ID, 10)
	f.Image = web.InlineTypes[a.MimeType]
	return f
}
