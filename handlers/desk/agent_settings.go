package desk

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
	"github.com/kinconecta/helpdesk/i18n"
	"github.com/kinconecta/helpdesk/views/agent"
	"github.com/kinconecta/helpdesk/views/components"
)

// settingsRoutes is the admins' settings: agents, API keys, categories,
// outbox, one page each (/agent/settings is the agents' page).
func (h *Handler) settingsRoutes() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/agent/settings", Access: web.Admin, Limited: false, Body: web.NoBody, Handler: h.settingsPage},
		{Method: "GET", Path: "/agent/settings/agents", Access: web.Admin, Limited: false, Body: web.NoBody, Handler: h.settingsPage},
		{Method: "GET", Path: "/agent/settings/keys", Access: web.Admin, Limited: false, Body: web.NoBody, Handler: h.settingsPage},
		{Method: "GET", Path: "/agent/settings/categories", Access: web.Admin, Limited: false, Body: web.NoBody, Handler: h.settingsPage},
		{Method: "GET", Path: "/agent/settings/outbox", Access: web.Admin, Limited: false, Body: web.NoBody, Handler: h.settingsPage},
		{Method: "POST", Path: "/agent/settings/agents", Access: web.Admin, Limited: false, Body: web.FormBody, Handler: h.settingsAddAgent},
		{Method: "POST", Path: "/agent/settings/agents/:id/role", Access: web.Admin, Limited: false, Body: web.FormBody, Handler: h.settingsAgentRole},
		{Method: "POST", Path: "/agent/settings/agents/:id/active", Access: web.Admin, Limited: false, Body: web.FormBody, Handler: h.settingsAgentActive},
		{Method: "POST", Path: "/agent/settings/agents/:id/notify", Access: web.Admin, Limited: false, Body: web.FormBody, Handler: h.settingsAgentNotify},
		{Method: "POST", Path: "/agent/settings/agents/:id/password-link", Access: web.Admin, Limited: false, Body: web.FormBody, Handler: h.settingsPasswordLink},
		{Method: "POST", Path: "/agent/settings/keys", Access: web.Admin, Limited: false, Body: web.FormBody, Handler: h.settingsCreateKey},
		{Method: "POST", Path: "/agent/settings/keys/:id/revoke", Access: web.Admin, Limited: false, Body: web.FormBody, Handler: h.settingsRevokeKey},
		{Method: "POST", Path: "/agent/settings/categories", Access: web.Admin, Limited: false, Body: web.FormBody, Handler: h.settingsAddCategory},
		{Method: "POST", Path: "/agent/settings/categories/:id", Access: web.Admin, Limited: false, Body: web.FormBody, Handler: h.settingsUpdateCategory},
		{Method: "POST", Path: "/agent/settings/categories/:id/retire", Access: web.Admin, Limited: false, Body: web.FormBody, Handler: h.settingsRetireCategory},
		{Method: "POST", Path: "/agent/settings/categories/:id/move", Access: web.Admin, Limited: false, Body: web.FormBody, Handler: h.settingsMoveCategory},
		{Method: "POST", Path: "/agent/settings/notifications/:id/retry", Access: web.Admin, Limited: false, Body: web.FormBody, Handler: h.settingsRetryNotification},
	}
}

// settingsState is what one answer of the settings page adds to the
// lists: a confirmation, a refused form, or a secret shown once.
type settingsState struct {
	status int
	notice string
	errors components.Errors
	values map[string]string // what was typed, by input id
	secret *agent.SettingsSecret
	// edit is the category whose edit form is open (one at a time).
	edit int64
}

// settingsPage handles GET /agent/settings and its sections' pages. ?done=
// names the change a form just made; only known names show a message, and
// its text comes from the catalogue, never from the address. ?edit= opens
// one category's edit form.
func (h *Handler) settingsPage(c *fiber.Ctx) error {
	st := settingsState{status: fiber.StatusOK}
	if done := c.Query("done"); done != "" && i18n.Has("settings.done."+done) {
		st.notice = web.PageLang(c).T("settings.done." + done)
	}
	st.edit, _ = strconv.ParseInt(c.Query("edit"), 10, 64)
	return h.renderSettings(c, st)
}

// settingsDone answers a successful form: 303 back to its section's page,
// so a reload does not post again.
func settingsDone(c *fiber.Ctx, done, section string) error {
	return c.Redirect(settingsSectionPath(section)+"?done="+done, fiber.StatusSeeOther)
}

// settingsSectionOf names the section a settings address belongs to, so
// a refused form comes back on its own section's page.
func settingsSectionOf(path string) string {
	rest := strings.TrimPrefix(strings.TrimPrefix(path, "/agent/settings"), "/")
	switch first, _, _ := strings.Cut(rest, "/"); first {
	case "keys", "api-keys":
		return agent.SectionKeys
	case "categories":
		return agent.SectionCategories
	case "outbox", "notifications":
		return agent.SectionOutbox
	}
	return agent.SectionAgents
}

// settingsSectionPath is a section's page.
func settingsSectionPath(section string) string {
	switch s := settingsSectionOf("/agent/settings/" + section); s {
	case agent.SectionAgents:
		return "/agent/settings"
	default:
		return "/agent/settings/" + s
	}
}

// settingsRefusal re-renders the page for a change the store refused:
// invalid fields get their messages beside the inputs (422, what was typed
// kept); a broken rule, such as demoting the last admin, or a thing that is
// gone, becomes a message at the top (409, 404). inputID names the input
// of each of the store's fields. Anything else is a real error.
func (h *Handler) settingsRefusal(c *fiber.Ctx, err error, inputID func(field string) string, values map[string]string) error {
	var de *db.Error
	if !errors.As(err, &de) {
		return err
	}
	lang := web.PageLang(c)
	st := settingsState{values: values}
	switch {
	case len(de.Fields) > 0:
		// A name already in use is a conflict to the API, but to a person
		// filling a form it is one more thing to fix in it.
		st.status = fiber.StatusUnprocessableEntity
		fields := slices.Clone(de.Fields)
		slices.SortStableFunc(fields, func(a, b db.FieldError) int {
			return settingsFieldOrder(a.Field) - settingsFieldOrder(b.Field)
		})
		for _, fe := range fields {
			st.errors = append(st.errors, components.FieldError{Field: inputID(fe.Field), Message: settingsFieldMessage(lang, fe)})
		}
	case de.Code == db.ECONFLICT || de.Code == db.ENOTFOUND:
		st.status = web.StatusOf[de.Code]
		st.errors = components.Errors{{Message: settingsRuleMessage(lang, de)}}
	default:
		return err
	}
	return h.renderSettings(c, st)
}

// settingsFieldOrder ranks the store's fields in the order every settings
// form shows them, so the error summary reads top to bottom like the form.
func settingsFieldOrder(field string) int {
	order := []string{"name", "email", "nameEs", "aliases", "role"}
	if i := slices.Index(order, field); i >= 0 {
		return i
	}
	return len(order)
}

// settingsParamID reads the :id of a settings form's address, written one
// way like every id (ticketID); a malformed one names nothing, like an id
// that does not exist.
func settingsParamID(c *fiber.Ctx) (int64, error) {
	return web.TicketID(c, "id")
}

// settingsBool reads a toggle form's hidden true/false. Only a hand-made
// post can send anything else.
func settingsBool(c *fiber.Ctx, name string) (bool, error) {
	v, err := strconv.ParseBool(web.FormValue(c, name))
	if err != nil {
		return false, db.Errorf(db.EBADREQUEST, "%s must be true or false", name)
	}
	return v, nil
}

// settingsPrefixed names the inputs of a form whose ids are its fields with a prefix.
func settingsPrefixed(prefix string) func(string) string {
	return func(field string) string { return prefix + field }
}
