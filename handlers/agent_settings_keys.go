package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/views/agent"
)

// settingsCreateKey handles POST /agent/settings/keys. The key is shown on
// this response only (200 with no-store, not a redirect: it must not travel
// in an address or wait in a session); the store keeps only its hash.
func (h *Handler) settingsCreateKey(c *fiber.Ctx) error {
	name, role := formValue(c, "name"), formValue(c, "role")
	k, secret, err := h.db.CreateAPIKey(c.UserContext(), name, role)
	if err != nil {
		return h.settingsRefusal(c, err, settingsPrefixed("key-"), map[string]string{"key-name": name, "key-role": role})
	}
	return h.renderSettings(c, settingsState{status: fiber.StatusOK, notice: pageLang(c).T("settings.created.key", k.Name),
		secret: &agent.SettingsSecret{Kind: "key", For: k.Name, Value: secret}})
}

// settingsRevokeKey handles POST /agent/settings/keys/{id}/revoke: the key
// stops working on the next request.
func (h *Handler) settingsRevokeKey(c *fiber.Ctx) error {
	id, err := settingsParamID(c)
	if err == nil {
		err = h.db.RevokeAPIKey(c.UserContext(), id)
	}
	if err != nil {
		return h.settingsRefusal(c, err, settingsPrefixed("key-"), nil)
	}
	return settingsDone(c, "keyRevoked", "api-keys")
}
