package desk

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
	"github.com/kinconecta/helpdesk/views/agent"
)

// settingsCreateKey handles POST /agent/settings/keys. The key is shown on
// this response only (200 with no-store, not a redirect: it must not travel
// in an address or wait in a session); the store keeps only its hash.
func (h *Handler) settingsCreateKey(c *fiber.Ctx) error {
	name, role := web.FormValue(c, "name"), web.FormValue(c, "role")
	// The key is recorded as the signed-in admin's, so it dies with their
	// rights (db.UpdateUserBy); one made with an admin API key answers to
	// whoever that key answers to.
	var k db.APIKey
	var secret string
	var err error = db.Errorf(db.EFORBIDDEN, "only an admin account or an admin API key creates API keys")
	switch p := web.PrincipalOf(c); {
	case p == nil:
	case p.SessionID != "":
		k, secret, err = h.DB.CreateAPIKeyBy(c.UserContext(), name, role, p.User.ID)
	case p.Actor.Type == "apikey":
		k, secret, err = h.DB.CreateAPIKeyWithKey(c.UserContext(), name, role, p.Actor.ID)
	}
	if err != nil {
		return h.settingsRefusal(c, err, settingsPrefixed("key-"), map[string]string{"key-name": name, "key-role": role})
	}
	return h.renderSettings(c, settingsState{status: fiber.StatusOK, notice: web.PageLang(c).T("settings.created.keyUnnamed"), // the label below names it
		secret: &agent.SettingsSecret{Kind: "key", For: k.Name, Value: secret}})
}

// settingsRevokeKey handles POST /agent/settings/keys/{id}/revoke: the key
// stops working on the next request.
func (h *Handler) settingsRevokeKey(c *fiber.Ctx) error {
	id, err := settingsParamID(c)
	if err == nil {
		err = h.DB.RevokeAPIKey(c.UserContext(), id, settingsActorID(c))
	}
	if err != nil {
		return h.settingsRefusal(c, err, settingsPrefixed("key-"), nil)
	}
	return settingsDone(c, "keyRevoked", "api-keys")
}

// settingsActorID is the signed-in account making a settings change, 0
// when the caller is no account (an API key).
func settingsActorID(c *fiber.Ctx) int64 {
	if p := web.PrincipalOf(c); p != nil && p.SessionID != "" {
		return p.User.ID
	}
	return 0
}
