package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/views/agent"
)

// settingsCategoryForm reads a category form; aliases come as one
// comma-separated input, which the store trims and upper-cases.
func settingsCategoryForm(c *fiber.Ctx) (db.CategoryInput, map[string]string) {
	in := db.CategoryInput{Name: formValue(c, "name"), NameES: formValue(c, "nameEs"),
		Aliases: strings.Split(formValue(c, "aliases"), ",")}
	typed := map[string]string{"name": in.Name, "nameEs": in.NameES, "aliases": formValue(c, "aliases")}
	return in, typed
}

// settingsTyped keys what was typed by input id.
func settingsTyped(typed map[string]string, inputID func(string) string) map[string]string {
	out := make(map[string]string, len(typed))
	for k, v := range typed {
		out[inputID(k)] = v
	}
	return out
}

// settingsAddCategory handles POST /agent/settings/categories: the new
// category goes to the end of the support form's list.
func (h *Handler) settingsAddCategory(c *fiber.Ctx) error {
	in, typed := settingsCategoryForm(c)
	if _, err := h.db.AddCategory(c.UserContext(), in); err != nil {
		ids := settingsPrefixed("cat-")
		return h.settingsRefusal(c, err, ids, settingsTyped(typed, ids))
	}
	return settingsDone(c, "categoryAdded", "categories")
}

// settingsUpdateCategory handles POST /agent/settings/categories/{id}:
// tickets point at the category, so they show its new name.
func (h *Handler) settingsUpdateCategory(c *fiber.Ctx) error {
	in, typed := settingsCategoryForm(c)
	id, err := settingsParamID(c)
	if err == nil {
		err = h.db.UpdateCategory(c.UserContext(), id, in)
	}
	if err != nil {
		ids := func(field string) string { return agent.CategoryInputID(id, field) }
		return h.settingsRefusal(c, err, ids, settingsTyped(typed, ids))
	}
	return settingsDone(c, "categorySaved", "categories")
}

// settingsRetireCategory handles POST /agent/settings/categories/{id}/retire
// with retired=true (off the support form; old tickets keep it) or false.
func (h *Handler) settingsRetireCategory(c *fiber.Ctx) error {
	retired, err := settingsBool(c, "retired")
	if err != nil {
		return err
	}
	id, err := settingsParamID(c)
	if err == nil {
		err = h.db.RetireCategory(c.UserContext(), id, retired)
	}
	if err != nil {
		return h.settingsRefusal(c, err, settingsPrefixed("cat-"), nil)
	}
	if retired {
		return settingsDone(c, "categoryRetired", "categories")
	}
	return settingsDone(c, "categoryRestored", "categories")
}
