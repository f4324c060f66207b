package desk

import (
	"strings"

	"github.com/kinconecta/helpdesk/db"
)

// bulkFieldRefusal names what a ticket of a bulk change refused, from the
// store's field errors, rather than the store's generic "Some fields are
// not valid.": too many tags, an assignee who is not an active agent, a
// tag that is no tag; anything else as "field message".
func bulkFieldRefusal(de *db.Error) (why, detail string) {
	if len(de.Fields) == 0 {
		return "other", de.Message
	}
	fe := de.Fields[0]
	switch {
	case fe.Field == "tags" || fe.Field == "addTags" && strings.Contains(fe.Message, "at most"):
		return "tags", ""
	case fe.Field == "assigneeId":
		return "assignee", ""
	case fe.Field == "addTags" || fe.Field == "removeTags":
		return "tagRule", ""
	}
	return "other", fe.Field + " " + fe.Message
}
