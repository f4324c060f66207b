package desk

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
	"github.com/kinconecta/helpdesk/views/agent"
	"github.com/kinconecta/helpdesk/views/components"
)

// queueBulk handles POST /agent/bulk: one status, assignee and/or tags change
// applied to each selected ticket on its own, each checked against the
// workflow, so some may be refused while the rest change. It answers 303
// back to the same queue view, whose next load shows what changed and
// why each refused ticket was refused; a form that cannot be applied at
// all (nothing selected, nothing to change, a close not confirmed)
// comes back with 422.
func (h *Handler) queueBulk(c *fiber.Ctx) error {
	form, err := web.ReadForm(c) // read and checked by the route's csrfGuard
	if err != nil {
		return err
	}
	back, _ := queueBack(form.Get("back"))
	ids, patch, sent, err := h.queueBulkChange(c, form)
	if err != nil {
		return err
	}
	if len(sent.Errors) > 0 {
		picked := map[int64]bool{}
		for _, id := range ids {
			picked[id] = true
		}
		return h.renderQueue(c, fiber.StatusUnprocessableEntity, back, func(v *agent.Queue) {
			v.Bulk = sent
			for i := range v.Rows {
				v.Rows[i].Checked = picked[v.Rows[i].ID]
			}
		})
	}
	results := h.DB.BulkUpdate(c.UserContext(), ids, patch, web.PrincipalOf(c).Actor)
	sum, err := h.queueSummarise(c, results, patch)
	if err != nil {
		return err
	}
	if err := h.putQueueOutcome(c, sum); err != nil {
		return err
	}
	to := "/agent"
	if len(back) > 0 {
		to += "?" + back.Encode()
	}
	return c.Redirect(to, fiber.StatusSeeOther)
}

// queueBulkChange reads the selected ids and the change to make, with a
// message beside each field that cannot be applied.
func (h *Handler) queueBulkChange(c *fiber.Ctx, form url.Values) ([]int64, db.TicketPatch, agent.QueueBulk, error) {
	lang := web.PageLang(c)
	sent := agent.QueueBulk{Status: form.Get("status"), Assignee: form.Get("assigneeId"),
		AddTags: form.Get("addTags"), RemoveTags: form.Get("removeTags")}
	var patch db.TicketPatch
	var ids []int64
	seen := map[int64]bool{}
	for _, s := range form["ids"] {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 || seen[id] {
			continue // not a ticket number: nothing a form of ours sends
		}
		seen[id] = true
		ids = append(ids, id)
	}
	switch {
	case len(ids) == 0:
		sent.Errors = append(sent.Errors, components.FieldError{Field: "bulk-ids", Message: lang.T("queue.bulk.errNone")})
	case len(ids) > web.MaxListLimit:
		sent.Errors = append(sent.Errors, components.FieldError{Field: "bulk-ids",
			Message: lang.T("queue.bulk.errTooMany", lang.Number(web.MaxListLimit))})
	}
	if sent.Status != "" {
		st, ok := db.ParseStatus(sent.Status)
		switch {
		case !ok:
			sent.Errors = append(sent.Errors, components.FieldError{Field: "bulk-status", Message: lang.T("queue.bulk.errStatus")})
		case st == db.StatusClosed && form.Get("confirm") != string(db.StatusClosed):
			// Closing is final: as in the workspace, it takes the
			// form's explicit confirmation, for every ticket selected.
			sent.Errors = append(sent.Errors, components.FieldError{Field: "bulk-status", Message: lang.T("queue.bulk.errConfirmClose")})
		default:
			s := string(st)
			patch.Status = &s
		}
	}
	if sent.Assignee != "" {
		// 0 unassigns; any other id must be an active account.
		id, err := strconv.ParseInt(sent.Assignee, 10, 64)
		valid := err == nil && id >= 0
		if valid && id != 0 {
			u, err := h.DB.User(c.UserContext(), id)
			if err != nil && db.ErrorCode(err) != db.ENOTFOUND {
				return nil, patch, sent, err
			}
			valid = err == nil && u.Active
		}
		if valid {
			patch.AssigneeID = &id
		} else {
			sent.Errors = append(sent.Errors, components.FieldError{Field: "bulk-assignee", Message: lang.T("queue.bulk.errAssignee")})
		}
	}
	for _, t := range []struct {
		text, input string
		into        *[]string
	}{{sent.AddTags, "bulk-add-tags", &patch.AddTags}, {sent.RemoveTags, "bulk-remove-tags", &patch.RemoveTags}} {
		if strings.TrimSpace(t.text) == "" {
			continue
		}
		tags, err := db.ValidateTags("tags", typedTags(t.text))
		if err != nil {
			sent.Errors = append(sent.Errors, components.FieldError{Field: t.input, Message: lang.T("views.bulk.errTags", lang.Number(db.MaxTagLen))})
			continue
		}
		*t.into = tags
	}
	if sent.Status == "" && sent.Assignee == "" && strings.TrimSpace(sent.AddTags) == "" && strings.TrimSpace(sent.RemoveTags) == "" {
		sent.Errors = append(sent.Errors, components.FieldError{Field: "bulk-status", Message: lang.T("queue.bulk.errNoChange")})
	}
	return ids, patch, sent, nil
}
