package agent

import (
	"net/url"
	"slices"
	"strconv"

	"github.com/kinconecta/helpdesk/i18n"
)

// TicketMerge is the workspace's merge card: the ticket this one was
// merged into (0 when none), or the requester's other open tickets it
// could be merged into.
type TicketMerge struct {
	MergedInto int64
	Candidates []TicketLink
}

// MergePage is /agent/tickets/{id}/merge: find the ticket to merge into,
// see what would move, and confirm. Every step is a plain GET or POST
// form; with a script the search narrows the list as the agent types.
type MergePage struct {
	Frame   FrameMeta
	ID      int64
	Subject string
	Base    string // the ticket's workspace

	Query      string
	Candidates []TicketLink
	// Preview is what merging into the chosen ticket moves; nil until one
	// is chosen, or when the merge would be refused (Problem says why).
	Preview *MergePreview
	Problem string
	// Closed: the ticket itself is closed or merged, and merges into nothing.
	Closed bool
}

// MergePreview is what a merge would move, and where.
type MergePreview struct {
	Target          TicketLink
	Messages, Notes int
	Files, Events   int
	Tags            []string // the target's tags afterwards
	Added           []string // of Tags, those the merge brings
}

func (p MergePage) lang() i18n.Lang { return p.Frame.Lang }

func (p MergePage) number(id int64) string {
	return p.lang().T("ticket.number", strconv.FormatInt(id, 10))
}

func (p MergePage) previewURL(id int64) string {
	u := p.Base + "/merge?into=" + strconv.FormatInt(id, 10)
	if p.Query != "" {
		u += "&q=" + url.QueryEscape(p.Query)
	}
	return u
}

func isAdded(tag string, added []string) bool { return slices.Contains(added, tag) }
