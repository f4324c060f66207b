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
	// Views are the side bar: the built-in views, then the saved ones,
	// each with its count; Title is the current view's name ("" when the
	// filters match none).
	Views []QueueView
	Title string
	// SaveQuery is the current filters as a saved view keeps them; Save
	// is the save form as it was sent, when it was refused.
	SaveQuery string
	Save      QueueSave

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

	// FilterProblems word the address's filters that could not be read
	// and were left out of the view.
	FilterProblems []string

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
	Tag      string // comma-separated tags, all required
	Sort     string // the API's sort values; "" is newest first
}

// QueueView is one entry of the views side bar.
type QueueView struct {
	Key     string // the count's element id suffix: "mine", "saved-12"
	Label   string
	URL     string
	Count   string // formatted; "" when it cannot be counted
	Current bool
	Saved   bool
	ID      int64 // a saved view's id
	Shared  bool
	Owner   string // a saved view's owner's name
}

// QueueSave is the refused "save this view" form.
type QueueSave struct {
	Name   string
	Shared bool
	Error  string
}

// QueueParam is one name=value pair of an address.
type QueueParam struct{ Name, Value string }

// QueueOption is one choice of a select: its value and its label.
type QueueOption struct{ Value, Label string }

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
	Tags         []string
	// Waiting is since when the requester has waited for us (zero when
	// the ticket waits on nobody); WaitingOn is "agent", "requester" or
	// "" (closed).
	Waiting   Stamp
	WaitingOn string
	Updated   Stamp
	Checked   bool // selected in a refused bulk form
}

// Stamp is an instant as the page shows it ("3 min", "yesterday"), in
// full for its title, and as <time> carries it.
type Stamp struct {
	Text  string
	Title string
	ISO   string
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
	Status     string
	Assignee   string
	AddTags    string
	RemoveTags string
	Errors     components.Errors
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
	return f.Query != "" || f.Category != "" || f.Role != "" || f.Priority != "" || f.Assignee != "" || f.Sort != "" ||
		f.Awaiting != "" || f.Tag != ""
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
		return "space-y-1 rounded-xl border border-sand-200 border-l-4 border-l-amber-500 bg-white px-3 py-2 text-sm"
	}
	return "space-y-1 rounded-xl border border-sand-200 border-l-4 border-l-emerald-600 bg-white px-3 py-2 text-sm"
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

// selectedIf marks the option whose value is the current one.
func selectedIf(value, current string) bool { return value == current }

// viewCountID is the id of a view's count, which the live poll replaces.
func viewCountID(key string) string { return "view-count-" + key }

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

// Compact controls for the desk: 36 px high, small text, so a filter bar
// is one line and a list row is one line.
const (
	deskControl = "block h-9 rounded-md border border-slate-400 bg-white px-2 text-sm text-slate-900 focus:border-teal-700 focus:outline-none focus:ring-2 focus:ring-teal-700/30"
	deskButton  = "inline-flex min-h-9 cursor-pointer items-center justify-center gap-1.5 rounded-md border border-slate-400 bg-white px-3 text-sm font-semibold text-slate-800 hover:border-teal-700 hover:text-teal-800"
	deskPrimary = "inline-flex min-h-9 cursor-pointer items-center justify-center gap-1.5 rounded-md bg-teal-700 px-3 text-sm font-semibold text-white hover:bg-teal-800"
)

// heading is the current view's name, or "Queue" for filters no view has.
func (q Queue) heading() string {
	if q.Title != "" {
		return q.Title
	}
	return q.lang().T("queue.title")
}

func (q Queue) hasSaved() bool {
	for _, v := range q.Views {
		if v.Saved {
			return true
		}
	}
	return false
}

// statusOptions are the status filter's choices: every open status at
// once, then each status.
func (q Queue) statusOptions() []QueueOption {
	return append([]QueueOption{{Value: "created,open,in_progress", Label: q.lang().T("views.open")}}, q.Statuses...)
}

// advanced reports whether a filter folded into "More filters" is set, so
// the disclosure opens to show it.
func (q Queue) advanced() bool { return q.advancedCount() > 0 }

func (q Queue) advancedCount() int {
	n := 0
	for _, v := range []string{q.Filter.Category, q.Filter.Role, q.Filter.Priority, q.Filter.Awaiting, q.Filter.Sort} {
		if v != "" {
			n++
		}
	}
	return n
}

func viewLinkClass(current bool) string {
	if current {
		return "flex min-h-9 items-center gap-2 rounded-md bg-teal-700 px-2 text-sm font-semibold text-white"
	}
	return "flex min-h-9 items-center gap-2 rounded-md px-2 text-sm font-medium text-slate-800 hover:bg-sand-100 hover:text-slate-900"
}

func viewCountClass(current bool) string {
	if current {
		return "shrink-0 text-xs font-bold tabular-nums text-white"
	}
	return "shrink-0 text-xs font-semibold tabular-nums text-slate-700"
}
