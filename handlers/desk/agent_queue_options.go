package desk

import (
	"strconv"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/i18n"
	"github.com/kinconecta/helpdesk/views/agent"
)

// The choices the queue's selects offer, each labelled in the page's
// language and valued as the API spells it.

func queuePriorityLabel(lang i18n.Lang, p db.Priority) string {
	if p == "" {
		return ""
	}
	return lang.T("queue.priority." + string(p))
}

func queueStatusOptions(lang i18n.Lang) []agent.QueueOption {
	var out []agent.QueueOption
	for _, s := range db.Statuses {
		out = append(out, agent.QueueOption{Value: string(s), Label: lang.T("status." + string(s))})
	}
	return out
}

// queueCategoryOptions offers every category, retired ones marked: old tickets
// keep them and agents still look for those.
func queueCategoryOptions(lang i18n.Lang, cats []db.Category) []agent.QueueOption {
	var out []agent.QueueOption
	for _, c := range cats {
		label := c.Label(string(lang))
		if c.Retired {
			label = lang.T("queue.retired", label)
		}
		out = append(out, agent.QueueOption{Value: c.Name, Label: label})
	}
	return out
}

func queueRoleOptions(lang i18n.Lang) []agent.QueueOption {
	var out []agent.QueueOption
	for _, r := range db.Roles {
		out = append(out, agent.QueueOption{Value: string(r), Label: lang.T("role." + string(r))})
	}
	return out
}

func queuePriorityOptions(lang i18n.Lang) []agent.QueueOption {
	var out []agent.QueueOption
	for _, p := range db.Priorities {
		out = append(out, agent.QueueOption{Value: string(p), Label: queuePriorityLabel(lang, p)})
	}
	return out
}

// queueAgentOptions are the active accounts tickets can be assigned to, the
// signed-in agent marked.
func queueAgentOptions(lang i18n.Lang, users []db.User, me int64) []agent.QueueOption {
	var out []agent.QueueOption
	for _, u := range users {
		if !u.Active {
			continue
		}
		label := u.Name
		if u.ID == me {
			label = lang.T("queue.bulk.me", u.Name)
		}
		out = append(out, agent.QueueOption{Value: strconv.FormatInt(u.ID, 10), Label: label})
	}
	return out
}
