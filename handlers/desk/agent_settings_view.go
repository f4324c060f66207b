package desk

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
	"github.com/kinconecta/helpdesk/i18n"
	"github.com/kinconecta/helpdesk/views/agent"
)

// settingsOutboxRows is how many pending and failed emails the page lists
// of each; a longer queue means the mail server is down, which the first
// hundred already show.
const settingsOutboxRows = 100

// renderSettings draws the settings page with every section's current
// lists and what st adds to them.
func (h *Handler) renderSettings(c *fiber.Ctx, st settingsState) error {
	ctx := c.UserContext()
	lang := web.PageLang(c)
	users, err := h.DB.Users(ctx)
	if err != nil {
		return err
	}
	watchers, err := h.DB.NewTicketWatchers(ctx)
	if err != nil {
		return err
	}
	keys, err := h.DB.APIKeys(ctx)
	if err != nil {
		return err
	}
	cats, err := h.DB.Categories(ctx)
	if err != nil {
		return err
	}
	pending, err := h.DB.Notifications(ctx, "pending", settingsOutboxRows)
	if err != nil {
		return err
	}
	failed, err := h.DB.Notifications(ctx, "failed", settingsOutboxRows)
	if err != nil {
		return err
	}
	var me int64
	if p := web.PrincipalOf(c); p != nil && p.SessionID != "" {
		me = p.User.ID
	}
	s := agent.Settings{
		Frame:   h.frameMeta(c, lang.T("settings.title"), agent.NavSettings),
		Notice:  st.notice,
		Errors:  st.errors,
		Values:  st.values,
		Secret:  st.secret,
		Section: settingsSectionOf(c.Path()),
		Edit:    st.edit,
		Pending: settingsNotifications(lang, pending),
		Failed:  settingsNotifications(lang, failed),
	}
	if st.secret != nil {
		// The secret is in this page only: no one may keep a copy.
		c.Set(fiber.HeaderCacheControl, "no-store")
		c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	}
	for _, u := range users {
		s.Agents = append(s.Agents, agent.SettingsAgent{ID: u.ID, Name: u.Name, Email: u.Email, Role: u.Role,
			Active: u.Active, Notify: watchers[u.ID], Me: u.ID == me})
	}
	for _, k := range keys {
		row := agent.SettingsKey{ID: k.ID, Name: k.Name, Role: k.Role, Prefix: k.Prefix,
			Created: settingsStamp(lang, k.CreatedAt), Revoked: k.Revoked,
			CreatedVia: k.CreatedVia, Creator: k.CreatorName, RevokedReason: k.RevokedReason, RevokedBy: k.RevokedByName}
		if k.LastUsedAt.Valid {
			row.LastUsed = settingsStamp(lang, k.LastUsedAt.Time)
		}
		if k.RevokedAt.Valid {
			row.RevokedAt = settingsStamp(lang, k.RevokedAt.Time)
		}
		s.Keys = append(s.Keys, row)
	}
	for _, cat := range cats {
		s.Categories = append(s.Categories, agent.SettingsCategory{ID: cat.ID, Name: cat.Name, NameES: cat.NameES,
			Aliases: strings.Join(cat.Aliases, ", "), Retired: cat.Retired})
	}
	if st.status == 0 {
		st.status = fiber.StatusOK
	}
	return web.Render(c, st.status, agent.SettingsPage(s))
}

func settingsNotifications(lang i18n.Lang, ns []db.Notification) []agent.SettingsNotification {
	out := make([]agent.SettingsNotification, 0, len(ns))
	for _, n := range ns {
		out = append(out, agent.SettingsNotification{ID: n.ID, Kind: n.Kind, TicketID: n.TicketID,
			Recipient: n.Recipient, Attempts: n.Attempts, LastError: n.LastError,
			NextAttempt: settingsStamp(lang, n.NextAttemptAt), Status: n.Status})
	}
	return out
}

func settingsStamp(lang i18n.Lang, t db.Time) agent.SettingsStamp {
	return agent.SettingsStamp{Text: lang.DateTime(t.Time), ISO: t.UTC().Format(time.RFC3339)}
}
