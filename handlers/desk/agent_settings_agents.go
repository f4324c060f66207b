package desk

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
	"github.com/kinconecta/helpdesk/views/agent"
)

// settingsInactiveLink refuses a set-password link for a turned-off
// account: it could set a password but never sign in.
const settingsInactiveLink = "reactivate the account before sending it a password link"

// settingsAddAgent handles POST /agent/settings/agents. The account starts
// with a random password nobody knows; the admin hands over a one-time
// link with which the new agent chooses their own.
func (h *Handler) settingsAddAgent(c *fiber.Ctx) error {
	in := db.NewUser{Name: web.FormValue(c, "name"), Email: strings.TrimSpace(web.FormValue(c, "email")),
		Role: web.FormValue(c, "role"), Password: db.RandomPassword()}
	u, err := h.DB.CreateUser(c.UserContext(), in)
	if err != nil {
		return h.settingsRefusal(c, err, settingsPrefixed("agent-"), map[string]string{
			"agent-name": in.Name, "agent-email": in.Email, "agent-role": in.Role})
	}
	return h.settingsHandOver(c, u, "settings.created.agent")
}

// settingsPasswordLink handles POST /agent/settings/agents/{id}/password-link:
// a new one-time link for an agent who forgot their password. The old
// password keeps working until the link is used.
func (h *Handler) settingsPasswordLink(c *fiber.Ctx) error {
	u, err := h.settingsUser(c)
	if err == nil && !u.Active {
		err = db.Errorf(db.ECONFLICT, settingsInactiveLink)
	}
	if err != nil {
		return h.settingsRefusal(c, err, settingsPrefixed("agent-"), nil)
	}
	return h.settingsHandOver(c, u, "settings.created.link")
}

// settingsHandOver shows a new set-password link on this response only
// (200, not a redirect: the link must not travel in an address or stay in
// a session). The store keeps only its hash.
func (h *Handler) settingsHandOver(c *fiber.Ctx, u db.User, notice string) error {
	token, err := h.DB.CreatePasswordToken(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	link := strings.TrimRight(h.Config.BaseURL, "/") + "/agent/set-password/" + token
	return h.renderSettings(c, settingsState{status: fiber.StatusOK, notice: web.PageLang(c).T(notice, u.Email),
		secret: &agent.SettingsSecret{Kind: "link", For: u.Email, Value: link}})
}

// settingsAgentRole handles POST /agent/settings/agents/{id}/role.
func (h *Handler) settingsAgentRole(c *fiber.Ctx) error {
	role := web.FormValue(c, "role")
	u, err := h.settingsUser(c)
	var revoked int64
	if err == nil {
		revoked, err = h.DB.UpdateUserBy(c.UserContext(), u.ID, role, u.Active, settingsActorID(c))
	}
	if err != nil {
		return h.settingsRefusal(c, err, func(string) string { return agent.AgentRoleID(u.ID) },
			map[string]string{agent.AgentRoleID(u.ID): role})
	}
	if revoked > 0 {
		return settingsDone(c, "roleKeys", "agents")
	}
	return settingsDone(c, "role", "agents")
}

// settingsAgentActive handles POST /agent/settings/agents/{id}/active:
// turning an account off ends its sessions and revokes the API keys it
// made, at once (the store does both).
func (h *Handler) settingsAgentActive(c *fiber.Ctx) error {
	active, err := settingsBool(c, "active")
	if err != nil {
		return err
	}
	u, err := h.settingsUser(c)
	var revoked int64
	if err == nil {
		revoked, err = h.DB.UpdateUserBy(c.UserContext(), u.ID, u.Role, active, settingsActorID(c))
	}
	if err != nil {
		return h.settingsRefusal(c, err, settingsPrefixed("agent-"), nil)
	}
	switch {
	case active:
		return settingsDone(c, "reactivated", "agents")
	case revoked > 0:
		return settingsDone(c, "deactivatedKeys", "agents")
	}
	return settingsDone(c, "deactivated", "agents")
}

// settingsAgentNotify handles POST /agent/settings/agents/{id}/notify: an
// email to the agent for every new ticket, or not.
func (h *Handler) settingsAgentNotify(c *fiber.Ctx) error {
	on, err := settingsBool(c, "notify")
	if err != nil {
		return err
	}
	u, err := h.settingsUser(c)
	if err == nil {
		err = h.DB.SetNotifyNewTickets(c.UserContext(), u.ID, on)
	}
	if err != nil {
		return h.settingsRefusal(c, err, settingsPrefixed("agent-"), nil)
	}
	if on {
		return settingsDone(c, "notifyOn", "agents")
	}
	return settingsDone(c, "notifyOff", "agents")
}

// settingsUser is the account named by the address's :id.
func (h *Handler) settingsUser(c *fiber.Ctx) (db.User, error) {
	id, err := settingsParamID(c)
	if err != nil {
		return db.User{}, err
	}
	return h.DB.User(c.UserContext(), id)
}
