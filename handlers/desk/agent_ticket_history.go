package desk

import (
	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/i18n"
)

// ticketEventText puts one recorded change into a sentence in lang:
// "Marta changed the status from Open to In progress". The history keeps
// canonical values (a status, a category's name, an agent's id), so the
// words are chosen when the page is read, in the reader's language.
// agents maps user ids to names; categories maps canonical names to labels.
func ticketEventText(lang i18n.Lang, e db.Event, agents, categories map[string]string) string {
	who := e.ActorName
	switch {
	case e.ActorType == "apikey":
		who = lang.T("ticket.history.viaKey", e.ActorName)
	case who == "":
		who = lang.T("ticket.history.system")
	}
	if text, ok := mergeTagEventText(lang, e, who); ok {
		return text
	}
	switch e.Field {
	case "status":
		to := labelOr(lang, "status."+e.To, e.To)
		if e.From == "" {
			return lang.T("ticket.history.created", who, to)
		}
		return lang.T("ticket.history.status", who, labelOr(lang, "status."+e.From, e.From), to)
	case "priority":
		return lang.T("ticket.history.priority", who, priorityLabel(lang, e.From), priorityLabel(lang, e.To))
	case "category":
		return lang.T("ticket.history.category", who, labelFor(categories, e.From, e.From), labelFor(categories, e.To, e.To))
	case "assignee":
		unknown := lang.T("ticket.unknownAgent")
		switch {
		case e.From == "":
			return lang.T("ticket.history.assigned", who, labelFor(agents, e.To, unknown))
		case e.To == "":
			return lang.T("ticket.history.unassigned", who, labelFor(agents, e.From, unknown))
		}
		return lang.T("ticket.history.reassigned", who, labelFor(agents, e.From, unknown), labelFor(agents, e.To, unknown))
	}
	return lang.T("ticket.history.other", who, e.Field, e.From, e.To)
}
