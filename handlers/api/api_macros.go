package api

import (
	"encoding/json"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
)

// macroAPIRoutes is the macros API (CONTRACT §6): agents read the macros
// they apply, admins write them.
func (h *Handler) macroAPIRoutes() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/api/macros", Access: web.Agent, Limited: false, Body: web.NoBody, Handler: h.listMacros},
		{Method: "POST", Path: "/api/macros", Access: web.Admin, Limited: false, Body: web.JSONBody, Handler: h.createMacro},
		{Method: "GET", Path: "/api/macros/:id", Access: web.Agent, Limited: false, Body: web.NoBody, Handler: h.getMacro},
		{Method: "PATCH", Path: "/api/macros/:id", Access: web.Admin, Limited: false, Body: web.JSONBody, Handler: h.updateMacro},
		{Method: "DELETE", Path: "/api/macros/:id", Access: web.Admin, Limited: false, Body: web.NoBody, Handler: h.deleteMacro},
	}
}

// listMacros handles GET /api/macros: every macro, by name.
func (h *Handler) listMacros(c *fiber.Ctx) error {
	list, err := h.DB.Macros(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(list)
}

// getMacro handles GET /api/macros/{id}.
func (h *Handler) getMacro(c *fiber.Ctx) error {
	id, err := web.TicketID(c, "id")
	if err != nil {
		return err
	}
	m, err := h.DB.Macro(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(m)
}

// createMacro handles POST /api/macros: 201 with the macro and its
// Location; 422 naming each invalid field (an unknown placeholder in
// "body", an unknown status in "actions.status"), 409 for a name in use.
func (h *Handler) createMacro(c *fiber.Ctx) error {
	obj, err := web.ReadJSONObject(c)
	if err != nil {
		return err
	}
	f := web.JSONFields{Object: obj}
	in := db.MacroInput{Name: f.String("name"), Body: f.String("body")}
	if a := macroActionsJSON(&f); a != nil {
		in.Actions = *a
	}
	if err := f.Invalid.Err(); err != nil {
		return err
	}
	m, err := h.DB.AddMacro(c.UserContext(), in)
	if err != nil {
		return err
	}
	c.Location("/api/macros/" + strconv.FormatInt(m.ID, 10))
	return c.Status(fiber.StatusCreated).JSON(m)
}

// updateMacro handles PATCH /api/macros/{id}: any of name, body and
// actions (which, given, replace every action); 200 with the macro.
func (h *Handler) updateMacro(c *fiber.Ctx) error {
	id, err := web.TicketID(c, "id")
	if err != nil {
		return err
	}
	obj, err := web.ReadJSONObject(c)
	if err != nil {
		return err
	}
	f := web.JSONFields{Object: obj}
	p := db.MacroPatch{Name: f.StringPtr("name"), Body: f.StringPtr("body"), Actions: macroActionsJSON(&f)}
	if p.Name == nil && p.Body == nil && !f.Has("actions") {
		f.Invalid.Add("name", "give at least one of name, body, actions")
	}
	if err := f.Invalid.Err(); err != nil {
		return err
	}
	m, err := h.DB.UpdateMacro(c.UserContext(), id, p)
	if err != nil {
		return err
	}
	return c.JSON(m)
}

// deleteMacro handles DELETE /api/macros/{id}: 204.
func (h *Handler) deleteMacro(c *fiber.Ctx) error {
	id, err := web.TicketID(c, "id")
	if err != nil {
		return err
	}
	if err := h.DB.DeleteMacro(c.UserContext(), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// knownMacroAction is the members "actions" may hold.
var knownMacroAction = map[string]bool{"status": true, "priority": true, "assigneeId": true, "addTags": true}

// macroActionsJSON reads the "actions" member: nil when absent, no
// actions when null. A member of the wrong type is a field error named
// "actions.<member>".
func macroActionsJSON(f *web.JSONFields) *db.MacroActions {
	raw, ok := f.Object["actions"]
	if !ok {
		return nil
	}
	out := &db.MacroActions{AddTags: []string{}}
	if string(raw) == "null" {
		return out
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		f.Invalid.Add("actions", "must be an object with any of status, priority, assigneeId, addTags")
		return out
	}
	af := web.JSONFields{Object: obj}
	for key := range obj {
		if !knownMacroAction[key] {
			// Dropping it silently would save a macro that does less than asked.
			f.Invalid.Add("actions."+key, "is not a macro action; use status, priority, assigneeId, addTags")
		}
	}
	if af.Has("status") && string(obj["status"]) != "null" {
		out.Status = af.StringPtr("status")
	}
	if af.Has("priority") && string(obj["priority"]) != "null" {
		out.Priority = af.StringPtr("priority")
	}
	if raw, ok := obj["assigneeId"]; ok && string(raw) != "null" {
		var id int64
		if err := json.Unmarshal(raw, &id); err != nil || id <= 0 {
			f.Invalid.Add("actions.assigneeId", "must be an agent's id or null")
		} else {
			out.AssigneeID = &id
		}
	}
	if raw, ok := obj["addTags"]; ok && string(raw) != "null" {
		if err := json.Unmarshal(raw, &out.AddTags); err != nil || out.AddTags == nil {
			f.Invalid.Add("actions.addTags", "must be an array of strings")
			out.AddTags = []string{}
		}
	}
	for _, fe := range af.Invalid.Fields {
		f.Invalid.Add("actions."+fe.Field, fe.Message)
	}
	return out
}
