package desk

import "github.com/gofiber/fiber/v2"

// settingsRetryNotification handles POST /agent/settings/notifications/{id}/retry:
// a failed email goes back to the queue with a fresh count of attempts.
func (h *Handler) settingsRetryNotification(c *fiber.Ctx) error {
	id, err := settingsParamID(c)
	if err == nil {
		err = h.DB.RetryNotification(c.UserContext(), id)
	}
	if err != nil {
		return h.settingsRefusal(c, err, settingsPrefixed("notification-"), nil)
	}
	return settingsDone(c, "retried", "outbox")
}
