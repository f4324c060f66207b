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
	"github.com/kinconecta/helpdesk/views/components"
)

// macroRoutes is applying macros in a ticket's workspace: the preview the
// picker's script reads, and the Apply of the picker without a script.
// Sending goes through the composer's own post, which carries the staged
// macro (storeComposed).
func (h *Handler) macroRoutes() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/agent/tickets/:id/macros/:macroId", Access: web.Agent, Limited: false, Body: web.NoBody, Handler: h.macroPreview},
		{Method: "POST", Path: "/agent/tickets/:id/macro", Access: web.Agent, Limited: false, Body: web.MultipartBody, Handler: h.macroApply},
		{Method: "GET", Path: "/agent/tickets/:id/macro", Access: web.Agent, Limited: false, Body: web.NoBody, Handler: h.ticketFormAddress("#compose")},
	}
}

// stagedKey holds, for the answer being built, the macro the composer's
// form staged (a *stagedMacro), so the page drawn again shows it staged.
const stagedKey = "stagedMacro"

// stagedMacro is the macro a composer post carries: its id and the
// version the agent was shown.
type stagedMacro struct{ ID, Version int64 }

// stageMacro reads the staged macro of a composer post (macroId,
// macroVersion) and keeps it for the page drawn in answer; nil for none.
// Malformed values stage nothing: only a hand-made post sends them.
func stageMacro(c *fiber.Ctx, values map[string]string) *stagedMacro {
	id, err1 := strconv.ParseInt(values["macroId"], 10, 64)
	version, err2 := strconv.ParseInt(values["macroVersion"], 10, 64)
	if err1 != nil || err2 != nil || id <= 0 || version <= 0 {
		c.Locals(stagedKey, nil)
		return nil
	}
	s := &stagedMacro{ID: id, Version: version}
	c.Locals(stagedKey, s)
	return s
}

// macroPreview handles GET /agent/tickets/{id}/macros/{macroId}: the
// macro's body filled in for this ticket and the signed-in agent, and
// what sending with it will do, as JSON for the picker's script.
func (h *Handler) macroPreview(c *fiber.Ctx) error {
	t, err := h.workspaceTicket(c)
	if err != nil {
		return err
	}
	id, err := web.TicketID(c, "macroId")
	if err != nil {
		return err
	}
	m, err := h.DB.Macro(c.UserContext(), id)
	if err != nil {
		return err
	}
	staged, err := h.stagedView(c, t, m)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{
		"id": m.ID, "version": m.Version, "name": m.Name, "body": fillMacro(c, t, m),
		"actions": staged.Actions, "warnings": staged.Warnings,
	})
}

// macroApply handles POST /agent/tickets/{id}/macro, the picker's Apply
// without a script: the workspace again, the composer as it was sent with
// the picked macro's filled body added to the reply and the macro staged
// (or, with macroClear, unstaged). Files chosen are not kept (they are
// never stored here) and the page says so. Nothing is written.
func (h *Handler) macroApply(c *fiber.Ctx) error {
	t, err := h.workspaceTicket(c)
	if err != nil {
		return err
	}
	form, readErr := h.ReadMultipart(c, "attachments", h.Config.MaxFiles)
	hadFiles := len(form.Files) > 0
	form.Discard()
	if errors.Is(readErr, web.ErrCSRF) {
		return readErr
	}
	sent := agent.TicketCompose{Body: form.Values["body"], Internal: form.Values["internal"]}
	stageMacro(c, form.Values)
	status := fiber.StatusOK
	var problem string
	switch pick := form.Values["macro"]; {
	case form.Values["macroClear"] != "":
		c.Locals(stagedKey, nil)
	case pick == "":
		c.Locals(stagedKey, nil)
	default:
		id, _ := strconv.ParseInt(pick, 10, 64)
		m, err := h.DB.Macro(c.UserContext(), id)
		switch {
		case db.ErrorCode(err) == db.ENOTFOUND:
			status, problem = fiber.StatusUnprocessableEntity, web.PageLang(c).T("macros.err.gone")
			c.Locals(stagedKey, nil)
		case err != nil:
			return err
		default:
			sent.Body = appendReply(sent.Body, fillMacro(c, t, m))
			c.Locals(stagedKey, &stagedMacro{ID: m.ID, Version: m.Version})
		}
	}
	return h.renderTicket(c, status, t, func(v *agent.Ticket) {
		v.Compose.Body, v.Compose.Internal, v.Compose.FilesNotKept = sent.Body, sent.Internal, hadFiles
		v.Macros.Error = problem
	})
}

// appendReply adds a macro's text to what the agent had written, after a
// blank line.
func appendReply(typed, macro string) string {
	if strings.TrimSpace(typed) == "" {
		return macro
	}
	return strings.TrimRight(typed, " \t\r\n") + "\n\n" + macro
}

// fillMacro is m's body with its placeholders filled for ticket t and
// the signed-in agent.
func fillMacro(c *fiber.Ctx, t db.Ticket, m db.Macro) string {
	return db.FillMacro(m.Body, db.MacroContext{
		RequesterName: t.FullName, TicketID: t.ID, Subject: t.Subject, AgentName: web.PrincipalOf(c).Actor.Name,
	})
}

// macroPicker is the composer's picker for ticket t: every macro, and the
// one the form being answered staged, if it still exists as it was shown.
func (h *Handler) macroPicker(c *fiber.Ctx, t db.Ticket) (agent.MacroPicker, error) {
	p := agent.MacroPicker{Lang: web.PageLang(c), TicketPath: ticketBase(t.ID)}
	list, err := h.DB.Macros(c.UserContext())
	if err != nil {
		return p, err
	}
	for _, m := range list {
		p.Options = append(p.Options, agent.MacroOption{ID: m.ID, Name: m.Name})
		if s, _ := c.Locals(stagedKey).(*stagedMacro); s != nil && s.ID == m.ID && s.Version == m.Version {
			staged, err := h.stagedView(c, t, m)
			if err != nil {
				return p, err
			}
			p.Staged = &staged
		}
	}
	return p, nil
}

// stagedView words what sending with m will do to ticket t, and warns
// of actions that cannot apply to it as it is now (a status move the
// workflow forbids, an assignee no longer active): sending would be
// refused, so the agent hears it before.
func (h *Handler) stagedView(c *fiber.Ctx, t db.Ticket, m db.Macro) (agent.MacroStaged, error) {
	lang := web.PageLang(c)
	s := agent.MacroStaged{ID: m.ID, Version: m.Version, Name: m.Name, Actions: []string{}, Warnings: []string{}}
	a := m.Actions
	if a.Status != nil {
		to := lang.T("status." + *a.Status)
		s.Actions = append(s.Actions, lang.T("macros.action.status", to))
		if db.Status(*a.Status) == db.StatusClosed {
			s.Warnings = append(s.Warnings, lang.T("macros.err.closesSend"))
		} else if st := db.Status(*a.Status); st != t.Status && !t.Status.CanMoveTo(st) {
			s.Warnings = append(s.Warnings, lang.T("macros.warn.status", lang.T("status."+string(t.Status)), to))
		}
	}
	if a.Priority != nil {
		s.Actions = append(s.Actions, lang.T("macros.action.priority", priorityLabel(lang, *a.Priority)))
	}
	if a.AssigneeID != nil {
		u, err := h.DB.User(c.UserContext(), *a.AssigneeID)
		switch {
		case db.ErrorCode(err) == db.ENOTFOUND:
			u.Name = lang.T("ticket.unknownAgent")
		case err != nil:
			return s, err
		}
		s.Actions = append(s.Actions, lang.T("macros.action.assign", u.Name))
		if !u.Active {
			s.Warnings = append(s.Warnings, lang.T("macros.warn.assignee", u.Name))
		}
	}
	if len(a.AddTags) > 0 {
		s.Actions = append(s.Actions, lang.T("macros.action.tags", strings.Join(a.AddTags, ", ")))
		if n := tagsAfter(t.Tags, a.AddTags); n > db.MaxTagsATicket {
			s.Warnings = append(s.Warnings, lang.T("macros.warn.tags", strconv.Itoa(n), strconv.Itoa(db.MaxTagsATicket)))
		}
	}
	return s, nil
}

// storeComposed stores a composer post: with a staged macro, the reply
// and the macro's actions in one transaction (db.ReplyWithMacro), else
// the reply alone (storeMessage). Files are kept only if it all is.
func (h *Handler) storeComposed(c *fiber.Ctx, ticketID int64, in db.NewMessage, form *web.MultipartForm) (db.Message, error) {
	s := stageMacro(c, form.Values)
	if s == nil {
		return h.StoreMessage(c, ticketID, in, form)
	}
	if err := form.Keep(); err != nil {
		return db.Message{}, err
	}
	m, _, err := h.DB.ReplyWithMacro(c.UserContext(), ticketID, in, s.ID, s.Version, web.PrincipalOf(c).Actor, h.Config.MaxFiles)
	if err != nil {
		form.Discard()
	}
	return m, err
}

// macroComposeErrors words, for the composer, a send refused because of
// its staged macro: the macro changed since it was picked (it is then
// unstaged, to be picked again), its status move is not one this ticket
// can make, its assignee is no longer active, or its tags would be too
// many. ok is false for every other refusal, which the composer words
// itself.
func macroComposeErrors(c *fiber.Ctx, lang i18n.Lang, err error) (errs components.Errors, status int, ok bool) {
	if s, _ := c.Locals(stagedKey).(*stagedMacro); s == nil {
		return nil, 0, false
	}
	var de *db.Error
	if !errors.As(err, &de) {
		return nil, 0, false
	}
	var msg string
	switch {
	case de == db.ErrMacroCloses:
		msg = lang.T("macros.err.closesSend")
	case de == db.ErrMacroChanged:
		c.Locals(stagedKey, nil)
		msg = lang.T("macros.err.changed")
	case de.Code == db.ECONFLICT && len(de.Allowed) > 0:
		allowed := make([]string, len(de.Allowed))
		for i, a := range de.Allowed {
			allowed[i] = lang.T("status." + a)
		}
		msg = lang.T("macros.err.status", strings.Join(allowed, ", "))
	case de.Code == db.EINVALID && len(de.Fields) > 0 && de.Fields[0].Field == "assigneeId":
		msg = lang.T("macros.err.assignee")
	case de.Code == db.EINVALID && len(de.Fields) > 0 && de.Fields[0].Field == "tags":
		msg = lang.T("macros.err.tags", strconv.Itoa(db.MaxTagsATicket))
	default:
		return nil, 0, false
	}
	return components.Errors{{Message: msg}}, web.StatusOf[de.Code], true
}
