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

// settingsMacroRoutes is the admins' macros page.
func (h *Handler) settingsMacroRoutes() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/agent/settings/macros", Access: web.Admin, Limited: false, Body: web.NoBody, Handler: h.settingsMacrosPage},
		{Method: "POST", Path: "/agent/settings/macros", Access: web.Admin, Limited: false, Body: web.FormBody, Handler: h.settingsAddMacro},
		{Method: "POST", Path: "/agent/settings/macros/:id", Access: web.Admin, Limited: false, Body: web.FormBody, Handler: h.settingsUpdateMacro},
		{Method: "POST", Path: "/agent/settings/macros/:id/delete", Access: web.Admin, Limited: false, Body: web.FormBody, Handler: h.settingsDeleteMacro},
	}
}

// macroFormFields are a macro form's inputs, in page order; the store's
// fields are the same but for the actions' "actions." prefix.
var macroFormFields = []string{"name", "body", "status", "priority", "assigneeId", "addTags"}

// settingsMacrosPage handles GET /agent/settings/macros; ?done= names the
// change just made (its words come from the catalogue, never the address).
func (h *Handler) settingsMacrosPage(c *fiber.Ctx) error {
	var notice string
	if done := c.Query("done"); done != "" && i18n.Has("macros.done."+done) {
		notice = web.PageLang(c).T("macros.done." + done)
	}
	return h.renderSettingsMacros(c, fiber.StatusOK, func(v *agent.SettingsMacros) { v.Notice = notice })
}

// settingsAddMacro handles POST /agent/settings/macros.
func (h *Handler) settingsAddMacro(c *fiber.Ctx) error {
	form, err := web.ReadForm(c)
	if err != nil {
		return err
	}
	in := macroFromForm(form)
	if _, err := h.DB.AddMacro(c.UserContext(), in); err != nil {
		return h.refuseMacroForm(c, err, 0, form)
	}
	return c.Redirect("/agent/settings/macros?done=added", fiber.StatusSeeOther)
}

// settingsUpdateMacro handles POST /agent/settings/macros/{id}: every
// field, as the form shows them all.
func (h *Handler) settingsUpdateMacro(c *fiber.Ctx) error {
	id, err := settingsParamID(c)
	if err != nil {
		return err
	}
	form, err := web.ReadForm(c)
	if err != nil {
		return err
	}
	in := macroFromForm(form)
	p := db.MacroPatch{Name: &in.Name, Body: &in.Body, Actions: &in.Actions}
	if _, err := h.DB.UpdateMacro(c.UserContext(), id, p); err != nil {
		return h.refuseMacroForm(c, err, id, form)
	}
	return c.Redirect("/agent/settings/macros?done=saved#macros-list-title", fiber.StatusSeeOther)
}

// settingsDeleteMacro handles POST /agent/settings/macros/{id}/delete.
func (h *Handler) settingsDeleteMacro(c *fiber.Ctx) error {
	id, err := settingsParamID(c)
	if err != nil {
		return err
	}
	if _, err := web.ReadForm(c); err != nil {
		return err
	}
	if err := h.DB.DeleteMacro(c.UserContext(), id); err != nil {
		if db.ErrorCode(err) == db.ENOTFOUND {
			return h.renderSettingsMacros(c, fiber.StatusNotFound, func(v *agent.SettingsMacros) {
				v.Errors = components.Errors{{Message: web.PageLang(c).T("macros.err.gone")}}
			})
		}
		return err
	}
	return c.Redirect("/agent/settings/macros?done=deleted", fiber.StatusSeeOther)
}

// macroFromForm reads a macro form: an empty select leaves that field
// alone; tags are separated by commas or spaces.
func macroFromForm(form map[string][]string) db.MacroInput {
	get := func(name string) string {
		if v := form[name]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	in := db.MacroInput{Name: get("name"), Body: get("body"), Actions: db.MacroActions{AddTags: []string{}}}
	if s := get("status"); s != "" {
		in.Actions.Status = &s
	}
	if s := get("priority"); s != "" {
		in.Actions.Priority = &s
	}
	if s := get("assigneeId"); s != "" {
		// A malformed id is no agent's: the store says so on the field.
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			id = -1
		}
		in.Actions.AssigneeID = &id
	}
	in.Actions.AddTags = strings.FieldsFunc(get("addTags"), func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
	return in
}

// refuseMacroForm shows the page again with the refused form open, what
// was typed kept and each message beside its input (422; a name in use is
// one more thing to fix in the form); a macro deleted meanwhile is a
// message at the top (404).
func (h *Handler) refuseMacroForm(c *fiber.Ctx, err error, id int64, form map[string][]string) error {
	var de *db.Error
	if !errors.As(err, &de) {
		return err
	}
	lang := web.PageLang(c)
	prefix := "macro-new-"
	if id != 0 {
		prefix = "macro-" + strconv.FormatInt(id, 10) + "-"
	}
	values := map[string]string{}
	for _, f := range macroFormFields {
		if v := form[f]; len(v) > 0 {
			values[prefix+f] = v[0]
		}
	}
	status := fiber.StatusUnprocessableEntity
	var errs components.Errors
	switch {
	case len(de.Fields) > 0:
		for _, f := range macroFormFields {
			for _, fe := range de.Fields {
				if strings.TrimPrefix(fe.Field, "actions.") == f {
					errs = append(errs, components.FieldError{Field: prefix + f, Message: macroFieldMessage(lang, f, fe, values[prefix+"body"])})
				}
			}
		}
	case de.Code == db.ENOTFOUND:
		status, errs = fiber.StatusNotFound, components.Errors{{Message: lang.T("macros.err.gone")}}
	case de.Code == db.ECONFLICT:
		status, errs = fiber.StatusConflict, components.Errors{{Message: de.Message}}
	default:
		return err
	}
	return h.renderSettingsMacros(c, status, func(v *agent.SettingsMacros) {
		v.Errors, v.Values, v.Refused = errs, values, prefix
	})
}

// macroFieldMessage words a refused macro field in lang. body is what
// was typed, to name its unknown placeholders.
func macroFieldMessage(lang i18n.Lang, field string, fe db.FieldError, body string) string {
	m := fe.Message
	switch {
	case m == "is already in use":
		return lang.T("macros.err.nameTaken")
	case m == "is required":
		return lang.T("macros.err.required")
	case strings.HasPrefix(m, "must be at most "):
		max := db.MaxMacroNameLen
		if field == "body" {
			max = db.MaxMessageLen
		}
		return lang.T("err.tooLong", lang.Number(int64(max)))
	case strings.HasPrefix(m, "unknown placeholder"):
		var names []string
		for _, p := range db.UnknownPlaceholders(strings.TrimSpace(body)) {
			names = append(names, strconv.Quote(p))
		}
		return lang.T("macros.err.placeholder", strings.Join(names, ", "), strings.Join(db.MacroPlaceholders, " "))
	case field == "assigneeId":
		return lang.T("macros.err.assignee")
	case field == "addTags":
		return lang.T("macros.err.tagRule", strconv.Itoa(db.MaxTagsATicket))
	case m == db.MacroClosesReason:
		return lang.T("macros.err.closes")
	case field == "status" || field == "priority":
		return lang.T("macros.err.choice")
	}
	return web.FieldMessage(lang, fe)
}

// renderSettingsMacros draws the macros page; adjust adds what this
// answer has (a notice, a refused form).
func (h *Handler) renderSettingsMacros(c *fiber.Ctx, status int, adjust func(*agent.SettingsMacros)) error {
	ctx := c.UserContext()
	lang := web.PageLang(c)
	list, err := h.DB.Macros(ctx)
	if err != nil {
		return err
	}
	users, err := h.DB.Users(ctx)
	if err != nil {
		return err
	}
	me := web.PrincipalOf(c).Actor.Name
	sample := db.MacroContext{RequesterName: lang.T("macros.sample.name"), TicketID: 1234, Subject: lang.T("macros.sample.subject"), AgentName: me}
	v := agent.SettingsMacros{Frame: h.frameMeta(c, lang.T("macros.title"), agent.NavSettings)}
	for _, ph := range db.MacroPlaceholders {
		key := strings.Trim(ph, "{}")
		v.Placeholders = append(v.Placeholders, agent.MacroPlaceholder{
			Token: ph, Meaning: lang.T("macros.ph." + key), Example: db.FillMacro(ph, sample),
		})
	}
	// Never closed: closing takes its own confirmation (db.MacroClosesReason).
	for _, st := range []db.Status{db.StatusOpen, db.StatusInProgress, db.StatusResolved} {
		v.Statuses = append(v.Statuses, agent.QueueOption{Value: string(st), Label: lang.T("status." + string(st))})
	}
	for _, p := range db.Priorities {
		v.Priorities = append(v.Priorities, agent.QueueOption{Value: string(p), Label: priorityLabel(lang, string(p))})
	}
	names := map[int64]string{}
	for _, u := range users {
		names[u.ID] = u.Name
		if u.Active {
			v.Agents = append(v.Agents, agent.QueueOption{Value: strconv.FormatInt(u.ID, 10), Label: u.Name})
		}
	}
	for _, m := range list {
		sm := agent.SettingsMacro{ID: m.ID, Name: m.Name, Body: m.Body, Tags: strings.Join(m.Actions.AddTags, ", "),
			Preview: db.FillMacro(m.Body, sample)}
		a := m.Actions
		if a.Status != nil {
			sm.Status = *a.Status
			sm.Actions = append(sm.Actions, lang.T("macros.action.status", lang.T("status."+*a.Status)))
		}
		if a.Priority != nil {
			sm.Priority = *a.Priority
			sm.Actions = append(sm.Actions, lang.T("macros.action.priority", priorityLabel(lang, *a.Priority)))
		}
		if a.AssigneeID != nil {
			sm.AssigneeID = strconv.FormatInt(*a.AssigneeID, 10)
			name, ok := names[*a.AssigneeID]
			if !ok {
				name = lang.T("ticket.unknownAgent")
			}
			sm.Actions = append(sm.Actions, lang.T("macros.action.assign", name))
		}
		if len(a.AddTags) > 0 {
			sm.Actions = append(sm.Actions, lang.T("macros.action.tags", strings.Join(a.AddTags, ", ")))
		}
		v.Macros = append(v.Macros, sm)
	}
	if adjust != nil {
		adjust(&v)
	}
	return web.Render(c, status, agent.SettingsMacrosPage(v))
}
