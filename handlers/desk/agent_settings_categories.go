package desk

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
	"github.com/kinconecta/helpdesk/views/agent"
)

// settingsCategoryForm reads a category form; aliases come as one
// comma-separated input, which the store trims and upper-cases.
func settingsCategoryForm(c *fiber.Ctx) (db.CategoryInput, map[string]string) {
	in := db.CategoryInput{Name: web.FormValue(c, "name"), NameES: web.FormValue(c, "nameEs"),
		Aliases: strings.Split(web.FormValue(c, "aliases"), ",")}
	typed := map[string]string{"name": in.Name, "nameEs": in.NameES, "aliases": web.FormValue(c, "aliases")}
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
// category goes just before "Other" (db.AddCategory), or last.
func (h *Handler) settingsAddCategory(c *fiber.Ctx) error {
	in, typed := settingsCategoryForm(c)
	if _, err := h.DB.AddCategory(c.UserContext(), in); err != nil {
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
		err = h.DB.UpdateCategory(c.UserContext(), id, in)
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
		err = h.DB.RetireCategory(c.UserContext(), id, retired)
	}
	if err != nil {
		return h.settingsRefusal(c, err, settingsPrefixed("cat-"), nil)
	}
	if retired {
		return settingsDone(c, "categoryRetired", "categories")
	}
	return settingsDone(c, "categoryRestored", "categories")
}

// settingsMoveCategory handles POST /agent/settings/categories/{id}/move
// with by=-1 (up) or 1 (down): the order of the support form's list and of
// the desk's filter.
func (h *Handler) settingsMoveCategory(c *fiber.Ctx) error {
	by, err := strconv.Atoi(web.FormValue(c, "by"))
	if err != nil || (by != -1 && by != 1) {
		return db.Errorf(db.EBADREQUEST, "by must be -1 or 1")
	}
	id, err := settingsParamID(c)
	if err == nil {
		err = h.DB.MoveCategory(c.UserContext(), id, by)
	}
	if err != nil {
		return h.settingsRefusal(c, err, settingsPrefixed("cat-"), nil)
	}
	return settingsDone(c, "categoryMoved", "categories")
}
