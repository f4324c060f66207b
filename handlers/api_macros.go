package handlers

import (
	"encoding/json"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
)

// macroAPIRoutes is the macros API (CONTRACT §6): agents read the macros
// they apply, admins write them.
func (h *Handler) macroAPIRoutes() []Route {
	return []Route{
		{"GET", "/api/macros", Agent, false, NoBody, h.listMacros},
		{"POST", "/api/macros", Admin, false, JSONBody, h.createMacro},
		{"GET", "/api/macros/:id", Agent, false, NoBody, h.getMacro},
		{"PATCH", "/api/macros/:id", Admin, false, JSONBody, h.updateMacro},
		{"DELETE", "/api/macros/:id", Admin, false, NoBody, h.deleteMacro},
	}
}

// listMacros handles GET /api/macros: every macro, by name.
func (h *Handler) listMacros(c *fiber.Ctx) error {
	list, err := h.db.Macros(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(list)
}

// getMacro handles GET /api/macros/{id}.
func (h *Handler) getMacro(c *fiber.Ctx) error {
	id, err := ticketID(c, "id")
	if err != nil {
		return err
	}
	m, err := h.db.Macro(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(m)
}

// createMacro handles POST /api/macros: 201 with the macro and its
// Location; 422 naming each invalid field (an unknown placeholder in
// "body", an unknown status in "actions.status"), 409 for a name in use.
func (h *Handler) createMacro(c *fiber.Ctx) error {
	obj, err := readJSONObject(c)
	if err != nil {
		return err
	}
	f := jsonFields{obj: obj}
	in := db.MacroInput{Name: f.string("name"), Body: f.string("body")}
	if a := macroActionsJSON(&f); a != nil {
		in.Actions = *a
	}
	if err := f.v.Err(); err != nil {
		return err
	}
	m, err := h.db.AddMacro(c.UserContext(), in)
	if err != nil {
		return err
	}
	c.Location("/api/macros/" + strconv.FormatInt(m.ID, 10))
	return c.Status(fiber.StatusCreated).JSON(m)
}

// updateMacro handles PATCH /api/macros/{id}: any of name, body and
// actions (which, given, replace every action); 200 with the macro.
func (h *Handler) updateMacro(c *fiber.Ctx) error {
	id, err := ticketID(c, "id")
	if err != nil {
		return err
	}
	obj, err := readJSONObject(c)
	if err != nil {
		return err
	}
	f := jsonFields{obj: obj}
	p := db.MacroPatch{Name: f.stringPtr("name"), Body: f.stringPtr("body"), Actions: macroActionsJSON(&f)}
	if p.Name == nil && p.Body == nil && !f.has("actions") {
		f.v.Add("name", "give at least one of name, body, actions")
	}
	if err := f.v.Err(); err != nil {
		return err
	}
	m, err := h.db.UpdateMacro(c.UserContext(), id, p)
	if err != nil {
		return err
	}
	return c.JSON(m)
}

// deleteMacro handles DELETE /api/macros/{id}: 204.
func (h *Handler) deleteMacro(c *fiber.Ctx) error {
	id, err := ticketID(c, "id")
	if err != nil {
		return err
	}
	if err := h.db.DeleteMacro(c.UserContext(), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// knownMacroAction is the members "actions" may hold.
var knownMacroAction = map[string]bool{"status": true, "priority": true, "assigneeId": true, "addTags": true}

// macroActionsJSON reads the "actions" member: nil when absent, no
// actions when null. A member of the wrong type is a field error named
// "actions.<member>".
func macroActionsJSON(f *jsonFields) *db.MacroActions {
	raw, ok := f.obj["actions"]
	if !ok {
		return nil
	}
	out := &db.MacroActions{AddTags: []string{}}
	if string(raw) == "null" {
		return out
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		f.v.Add("actions", "must be an object with any of status, priority, assigneeId, addTags")
		return out
	}
	af := jsonFields{obj: obj}
	for key := range obj {
		if !knownMacroAction[key] {
			// Dropping it silently would save a macro that does less than asked.
			f.v.Add("actions."+key, "is not a macro action; use status, priority, assigneeId, addTags")
		}
	}
	if af.has("status") && string(obj["status"]) != "null" {
		out.Status = af.stringPtr("status")
	}
	if af.has("priority") && string(obj["priority"]) != "null" {
		out.Priority = af.stringPtr("priority")
	}
	if raw, ok := obj["assigneeId"]; ok && string(raw) != "null" {
		var id int64
		if err := json.Unmarshal(raw, &id); err != nil || id <= 0 {
			f.v.Add("actions.assigneeId", "must be an agent's id or null")
		} else {
			out.AssigneeID = &id
		}
	}
	if raw, ok := obj["addTags"]; ok && string(raw) != "null" {
		if err := json.Unmarshal(raw, &out.AddTags); err != nil || out.AddTags == nil {
			f.v.Add("actions.addTags", "must be an array of strings")
			out.AddTags = []string{}
		}
	}
	for _, fe := range af.v.Fields {
		f.v.Add("actions."+fe.Field, fe.Message)
	}
	return out
}
