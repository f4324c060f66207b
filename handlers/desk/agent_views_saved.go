package desk

import (
	"errors"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
	"github.com/kinconecta/helpdesk/i18n"
	"github.com/kinconecta/helpdesk/views/agent"
)

// viewsRoutes is saving, renaming and deleting the queue's saved views.
// Only signed-in agents have views: an API key is no one's.
func (h *Handler) viewsRoutes() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/agent/views", Access: web.Agent, Limited: false, Body: web.NoBody, Handler: h.viewsPage},
		{Method: "POST", Path: "/agent/views", Access: web.Agent, Limited: false, Body: web.FormBody, Handler: h.viewsSave},
		{Method: "POST", Path: "/agent/views/:id/rename", Access: web.Agent, Limited: false, Body: web.FormBody, Handler: h.viewsRename},
		{Method: "POST", Path: "/agent/views/:id/delete", Access: web.Agent, Limited: false, Body: web.FormBody, Handler: h.viewsDelete},
	}
}

// viewEditor is the signed-in agent as an editor of saved views.
func viewEditor(c *fiber.Ctx) (db.ViewEditor, error) {
	p := web.PrincipalOf(c)
	if p == nil || p.SessionID == "" {
		// Like assignee=me: an API key is no one, so it has no views.
		return db.ViewEditor{}, db.Errorf(db.EBADREQUEST, "saved views need a signed-in agent")
	}
	return db.ViewEditor{UserID: p.User.ID, Admin: p.Role == db.RoleAdmin}, nil
}

// viewsSave handles POST /agent/views: name, shared ("1" for everyone)
// and query, the queue address's filters as the page wrote them. The
// query is read by the queue's own parser, so a view saves only what the
// queue can show (400 otherwise: our form never sends that). A refused
// name comes back on the queue, at that view, with its message (422); a
// saved view opens (303).
func (h *Handler) viewsSave(c *fiber.Ctx) error {
	by, err := viewEditor(c)
	if err != nil {
		return err
	}
	name, shared := web.FormValue(c, "name"), web.FormValue(c, "shared") == "1"
	q, err := url.ParseQuery(web.FormValue(c, "query"))
	if err != nil {
		return db.Errorf(db.EBADREQUEST, "query is not a queue address")
	}
	q.Del("cursor")
	cats, err := h.DB.Categories(c.UserContext())
	if err != nil {
		return err
	}
	view, err := h.parseQueueView(c, q, cats)
	if err != nil {
		return err
	}
	query := savedQuery(view.params)
	if _, err := h.DB.SaveView(c.UserContext(), by.UserID, name, query, shared); err != nil {
		msg, ok := viewNameMessage(web.PageLang(c), err)
		if !ok {
			return err
		}
		return h.renderQueue(c, fiber.StatusUnprocessableEntity, q, func(v *agent.Queue) {
			v.Save = agent.QueueSave{Name: name, Shared: shared, Error: msg}
		})
	}
	return c.Redirect("/agent?"+query, fiber.StatusSeeOther)
}

// viewNameMessage words a refused view name or query for the form; ok is
// false for an error that is not about what was typed.
func viewNameMessage(lang i18n.Lang, err error) (string, bool) {
	var de *db.Error
	if !errors.As(err, &de) || len(de.Fields) == 0 {
		return "", false
	}
	switch fe := de.Fields[0]; {
	case fe.Field == "query":
		return lang.T("views.err.empty"), true
	case fe.Message == "is required":
		return lang.T("views.err.name"), true
	case fe.Message == "is already in use":
		return lang.T("views.err.taken"), true
	case de.Code == db.ECONFLICT:
		return lang.T("views.err.tooMany", lang.Number(db.MaxViewsAnOwner)), true
	}
	return lang.T("views.err.nameLong", lang.Number(db.MaxViewNameLen)), true
}

// viewsPage handles GET /agent/views: the saved views the agent sees,
// with rename and delete where they may.
func (h *Handler) viewsPage(c *fiber.Ctx) error {
	st := viewsState{status: fiber.StatusOK}
	switch c.Query("done") {
	case "renamed", "deleted":
		st.notice = web.PageLang(c).T("views.done." + c.Query("done"))
	}
	return h.renderViews(c, st)
}

// viewsState is what one answer of the views page adds to the list.
type viewsState struct {
	status int
	notice string
	editID int64
	name   string
	err    string
}

func (h *Handler) renderViews(c *fiber.Ctx, st viewsState) error {
	var by db.ViewEditor
	if p := web.PrincipalOf(c); p != nil && p.SessionID != "" {
		by = db.ViewEditor{UserID: p.User.ID, Admin: p.Role == db.RoleAdmin}
	}
	lang := web.PageLang(c)
	saved, err := h.DB.SavedViews(c.UserContext(), by.UserID)
	if err != nil {
		return err
	}
	page := agent.ViewsPage{Frame: h.frameMeta(c, lang.T("views.manage.title"), agent.NavQueue),
		Notice: st.notice, EditID: st.editID, Name: st.name, Error: st.err}
	for _, v := range saved {
		page.Views = append(page.Views, agent.SavedViewRow{ID: v.ID, Name: v.Name, URL: "/agent?" + v.Query,
			Shared: v.Shared, Owner: v.OwnerName, Mine: v.OwnerID == by.UserID,
			CanDelete: v.OwnerID == by.UserID || (by.Admin && v.Shared)})
	}
	return web.Render(c, st.status, agent.SavedViewsPage(page))
}

// viewsRename handles POST /agent/views/{id}/rename: the owner only (403
// for a shared view of someone else's, 404 for a personal one).
func (h *Handler) viewsRename(c *fiber.Ctx) error {
	by, err := viewEditor(c)
	if err != nil {
		return err
	}
	id, err := web.TicketID(c, "id")
	if err != nil {
		return err
	}
	name := web.FormValue(c, "name")
	if err := h.DB.RenameView(c.UserContext(), id, name, by); err != nil {
		msg, ok := viewNameMessage(web.PageLang(c), err)
		if !ok {
			return err
		}
		return h.renderViews(c, viewsState{status: fiber.StatusUnprocessableEntity, editID: id, name: name, err: msg})
	}
	return c.Redirect("/agent/views?done=renamed", fiber.StatusSeeOther)
}

// viewsDelete handles POST /agent/views/{id}/delete: the owner, or an
// admin for a shared view.
func (h *Handler) viewsDelete(c *fiber.Ctx) error {
	by, err := viewEditor(c)
	if err != nil {
		return err
	}
	id, err := web.TicketID(c, "id")
	if err != nil {
		return err
	}
	if err := h.DB.DeleteView(c.UserContext(), id, by); err != nil {
		return err
	}
	return c.Redirect("/agent/views?done=deleted", fiber.StatusSeeOther)
}
