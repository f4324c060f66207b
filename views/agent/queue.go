package agent

import (
	"strconv"
	"strings"

	"github.com/kinconecta/helpdesk/i18n"
	"github.com/kinconecta/helpdesk/views/components"
)

// Queue is /agent: the tickets a view selects, with everything the view is
// made of in its address, so it can be bookmarked and shared.
type Queue struct {
	Frame FrameMeta
	// Filter is the view as the filter form shows it.
	Filter QueueFilter
	// Hidden are the address's parameters the form has no input for (the
	// page size), carried so that applying filters keeps them.
	Hidden []QueueParam
	Tabs   []QueueTab

	Statuses   []QueueOption // for the status filter and the bulk change
	Categories []QueueOption
	Roles      []QueueOption
	Priorities []QueueOption
	Agents     []QueueOption // active agents, for the bulk assignment

	Rows      []QueueRow
	Total     int
	TotalMore bool   // more than Total match: the count stopped there
	NextURL   string // "" on the last page
	FirstURL  string // set past the first page
	// Back is this view's address, where the bulk form returns to.
	Back string
	// PollURL is where the page asks, every few seconds, for fresh counts
	// and whether new tickets match the view.
	PollURL string

	// Outcome reports the bulk change just made, nil when there was none.
	Outcome *QueueOutcome
	// Bulk is the refused bulk form as it was sent, with its errors.
	Bulk QueueBulk
}

// QueueFilter is the filter form's values, as the address carries them.
type QueueFilter struct {
	Query    string
	Status   string
	Category string // canonical name
	Role     string
	Priority string
	Assignee string // "", "me" or "unassigned"
	Awaiting string // "", "agent" or "requester"
	Sort     string // the API's sort values; "" is newest first
}

// QueueParam is one name=value pair of an address.
type QueueParam struct{ Name, Value string }

// QueueOption is one choice of a select: its value and its label.
type QueueOption struct{ Value, Label string }

// QueueTab is one status tab (Status "" is every status) with its count.
type QueueTab struct {
	Status  string
	Label   string
	Count   string // formatted for the page's language
	URL     string
	Current bool
}

// QueueRow is one ticket of the list, every text in the page's language.
type QueueRow struct {
	ID           int64
	Subject      string
	Snippet      []QueueSnippetPart // the matching passage of a search, nil otherwise
	Requester    string
	Role         string
	Category     string
	Status       string // canonical, for the badge's colour
	StatusText   string
	Priority     string // canonical, for its emphasis
	PriorityText string
	Assignee     string // "" when nobody has it
	// Waiting says who the conversation waits on, and for how long when
	// it is us ("Waiting on us · 3 h"); "" on closed tickets.
	Waiting   string
	WaitingUs bool
	Updated   Stamp
	Checked   bool // selected in a refused bulk form
}

// Stamp is an instant as the page shows it and as <time> carries it.
type Stamp struct {
	Text string
	ISO  string
}

// QueueOutcome is the summary of a bulk change, already in the page's
// language: how many tickets changed, and why each refused one was not.
type QueueOutcome struct {
	Done    string
	Refused string // the heading of the list below; "" when none was refused
	Reasons []string
}

// QueueBulk is the bulk form as sent, re-shown with its errors.
type QueueBulk struct {
	Status   string
	Assignee string
	Errors   components.Errors
}

func (q Queue) lang() i18n.Lang { return q.Frame.Lang }

// number is a ticket number as people read it: "#12", "n.º 12".
func (q Queue) number(id int64) string {
	return q.lang().T("queue.number", strconv.FormatInt(id, 10))
}

func (q Queue) total() string {
	if q.TotalMore {
		return q.lang().T("queue.total.more", q.lang().Number(int64(q.Total)))
	}
	if q.Total == 1 {
		return q.lang().T("queue.total.one")
	}
	return q.lang().T("queue.total", q.lang().Number(int64(q.Total)))
}

// filtered reports whether any filter besides the status tab is set.
func (q Queue) filtered() bool {
	f := q.Filter
	return f.Query != "" || f.Category != "" || f.Role != "" || f.Priority != "" || f.Assignee != "" || f.Sort != ""
}

// QueueSnippetPart is a run of a search snippet, Mark set on matched words.
type QueueSnippetPart struct {
	Text string
	Mark bool
}

// QueueSnippet splits a snippet at the store's markers around matched
// words. Each part is rendered as text (escaped by templ) and the marked
// ones wrapped in <mark>: escaping first, then marking, so nothing a
// requester typed becomes markup.
func QueueSnippet(s, start, end string) []QueueSnippetPart {
	var parts []QueueSnippetPart
	for s != "" {
		i := strings.Index(s, start)
		if i < 0 {
			parts = append(parts, QueueSnippetPart{Text: strings.ReplaceAll(s, end, "")})
			break
		}
		if i > 0 {
			parts = append(parts, QueueSnippetPart{Text: strings.ReplaceAll(s[:i], end, "")})
		}
		s = s[i+len(start):]
		j := strings.Index(s, end)
		if j < 0 {
			j = len(s)
		}
		if marked := strings.ReplaceAll(s[:j], start, ""); marked != "" {
			parts = append(parts, QueueSnippetPart{Text: marked, Mark: true})
		}
		s = s[min(j+len(end), len(s)):]
	}
	return parts
}

// waitingClass sets a ticket waiting on us apart from one waiting on the
// requester: the first needs someone, the second does not.
func waitingClass(us bool) string {
	if us {
		return "mt-1 block text-xs font-semibold text-amber-900"
	}
	return "mt-1 block text-xs text-slate-700"
}

// statusBadge colours a status; every pair keeps a contrast above 4.5:1.
func statusBadge(status string) string {
	base := "inline-flex whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-semibold "
	switch status {
	case "created":
		return base + "bg-sky-50 text-sky-900 ring-1 ring-sky-200"
	case "open":
		return base + "bg-amber-50 text-amber-900 ring-1 ring-amber-200"
	case "in_progress":
		return base + "bg-teal-50 text-teal-900 ring-1 ring-teal-200"
	case "resolved":
		return base + "bg-emerald-50 text-emerald-900 ring-1 ring-emerald-200"
	default:
		return base + "bg-slate-100 text-slate-800 ring-1 ring-slate-300"
	}
}

// queueOutcomeClass marks a bulk summary green when everything changed, amber
// when some tickets were refused.
func queueOutcomeClass(refused bool) string {
	if refused {
		return "card space-y-2 border-l-4 border-l-amber-500"
	}
	return "card space-y-2 border-l-4 border-l-emerald-600"
}

func priorityClass(p string) string {
	switch p {
	case "urgent":
		return "font-bold text-red-800"
	case "high":
		return "font-semibold text-amber-900"
	default:
		return "text-slate-700"
	}
}

func queueTabClass(current bool) string {
	if current {
		return "inline-flex min-h-11 items-center gap-2 rounded-full bg-teal-700 px-4 text-sm font-semibold text-white"
	}
	return "inline-flex min-h-11 items-center gap-2 rounded-full border border-sand-300 bg-white px-4 text-sm font-medium text-slate-800 hover:border-teal-700 hover:text-teal-800"
}

func queueTabCountClass(current bool) string {
	if current {
		return "rounded-full bg-teal-900 px-2 text-xs font-bold tabular-nums text-white"
	}
	return "rounded-full bg-sand-100 px-2 text-xs font-bold tabular-nums text-slate-800"
}

// selectedIf marks the option whose value is the current one.
func selectedIf(value, current string) bool { return value == current }

// queueCountID is the id of a tab's count, which the live poll replaces.
func queueCountID(status string) string {
	if status == "" {
		return "queue-count-all"
	}
	return "queue-count-" + strings.ReplaceAll(status, "_", "-")
}

// sorts are the orders the sort select offers; newest first is the
// default, so its value is empty and leaves the address clean.
func (q Queue) sorts() []QueueOption {
	l := q.lang()
	return []QueueOption{
		{Value: "", Label: l.T("queue.sort.newest")},
		{Value: "createdAt", Label: l.T("queue.sort.oldest")},
		{Value: "-updatedAt", Label: l.T("queue.sort.updated")},
		{Value: "updatedAt", Label: l.T("queue.sort.stale")},
		{Value: "lastMessageAt", Label: l.T("queue.sort.waiting")},
	}
}

// keys are the keyboard shortcuts static/js/queue.js handles.
func (q Queue) keys() []QueueOption {
	l := q.lang()
	return []QueueOption{
		{Value: "/", Label: l.T("queue.keys.search")},
		{Value: "j", Label: l.T("queue.keys.next")},
		{Value: "k", Label: l.T("queue.keys.prev")},
		{Value: "Enter", Label: l.T("queue.keys.open")},
		{Value: "x", Label: l.T("queue.keys.select")},
		{Value: "?", Label: l.T("queue.keys.help")},
	}
}
