package agent

import (
	"strconv"
	"strings"

	"github.com/kinconecta/helpdesk/i18n"
	"github.com/kinconecta/helpdesk/views/components"
)

// Ticket is /agent/tickets/{id}: one ticket's workspace, every text
// already in the page's language. Unlike the requester's page it carries
// agents' internal notes, so it is only ever built for agents.
type Ticket struct {
	Frame FrameMeta
	ID    int64
	Base  string // "/agent/tickets/{id}": where the page's forms post

	Subject      string
	Status       string // canonical, for the badge's colour
	StatusText   string
	Category     string
	Priority     string // canonical, for its emphasis
	PriorityText string
	Assignee     string // the assignee's name, "" when nobody has it
	Opened       Stamp
	Updated      Stamp

	Requester TicketRequester
	Thread    []TicketEntry
	Files     []TicketFile // every file of the ticket, for the side list
	History   []TicketEvent

	// Moves are the status changes the workflow allows from Status.
	Moves []TicketMove
	// Details is the assignment, priority and category form.
	Details TicketDetails
	// Compose is the reply and note form.
	Compose TicketCompose
	// Tags is the tags card; Merge the merge card, or where the ticket
	// was merged into.
	Tags  TicketTags
	Merge TicketMerge
	// Macros is the composer's macro picker (macro_picker.templ).
	Macros MacroPicker

	// Notice confirms the change just made; Problem says why a change was
	// refused (a stale page, a closed ticket). "" for none.
	Notice  string
	Problem string
	// ConfirmClose shows the close confirmation open: a close was sent
	// without it.
	ConfirmClose bool
}

// TicketRequester is the card about who sent the ticket.
type TicketRequester struct {
	Name     string
	Email    string
	Role     string
	Language string
	Others   []TicketLink // their other tickets, newest first
	More     bool         // they have more than Others shows
}

// TicketLink is another ticket as a link.
type TicketLink struct {
	ID         int64
	Subject    string
	Status     string
	StatusText string
	Opened     Stamp
}

// The kinds of thread entries.
const (
	EntryRequest   = "request"   // the ticket's own message
	EntryRequester = "requester" // a later message from the requester
	EntryReply     = "reply"     // an agent's public reply
	EntryNote      = "note"      // an agent's internal note
	EntrySystem    = "system"    // the helpdesk's own
)

// TicketEntry is one message of the thread.
type TicketEntry struct {
	ID     int64 // the message's id; 0 for the request itself
	Kind   string
	Author string
	// From is the sender's address when it is not the ticket's requester
	// (a spouse in CC answering by email), so agents see who wrote.
	From  string
	Body  string
	When  Stamp
	Files []TicketFile
	// Formatted marks an agent's message written with the composer's
	// formatting (internal/richtext); anything else is shown as written.
	Formatted bool
}

// TicketFile is an attachment as the desk offers it.
type TicketFile struct {
	Name     string
	URL      string
	Size     string
	Image    bool // a raster image: shown as a preview
	External bool // hosted elsewhere: a link out, naming its host
	Internal bool // attached to an internal note
}

// host is where an External file's link leads, as the desk names it.
func (f TicketFile) host() string { return components.LinkHost(f.URL) }

// TicketMove is a status the ticket may move to. Primary marks the usual
// next step, drawn as the main button.
type TicketMove struct {
	Value   string
	Label   string
	Primary bool
}

// TicketEvent is one line of the history.
type TicketEvent struct {
	Text string // "Marta changed the status from Open to In progress"
	When Stamp
}

// TicketDetails is the form that assigns the ticket and sets its priority
// and category. Values are the selects' current choices.
type TicketDetails struct {
	Assignee   string // a user id, "0" for unassigned
	Priority   string
	Category   string // canonical name
	Assignees  []QueueOption
	Priorities []QueueOption
	Categories []QueueOption
	// AssignMe is the signed-in agent's id when the ticket is not theirs
	// yet: the page then offers a one-press "assign to me".
	AssignMe string
	Errors   components.Errors
}

func (t Ticket) lang() i18n.Lang { return t.Frame.Lang }

// number is the ticket's number as people read it: "#12", "n.º 12".
func (t Ticket) number(id int64) string {
	return t.lang().T("ticket.number", strconv.FormatInt(id, 10))
}

func (t Ticket) closed() bool { return t.Status == "closed" }

// composeShown reports whether the reply form is on the page: always on
// an open ticket, and on a closed one only to give back refused text.
func (t Ticket) composeShown() bool {
	return !t.closed() || len(t.Compose.Errors) > 0
}

func (t Ticket) path(parts ...string) string {
	p := t.Base
	for _, s := range parts {
		p += "/" + s
	}
	return p
}

func (t Ticket) upload() components.Upload {
	return components.Upload{
		Lang: t.lang(), Name: "attachments", Label: t.lang().T("form.attachments"),
		Error: t.Compose.Errors.For("attachments"), MaxFileBytes: t.Compose.MaxFileBytes,
		MaxFiles: t.Compose.FilesLeft, Accept: t.Compose.Accept,
		DropTestID: "compose-dropzone", ListTestID: "compose-file-list",
	}
}

func (t Ticket) filesNote() string {
	if t.Compose.FilesNotKept {
		return t.lang().T("form.filesNotKept")
	}
	return ""
}

// entryLabel is the words beside an entry's author: what kind of message
// it is. Internal notes say so in words, not colour alone.
func (t Ticket) entryLabel(kind string) string {
	return t.lang().T("ticket.entry." + kind)
}

func entryClass(kind string) string {
	switch kind {
	case EntryNote:
		return "rounded-2xl border-2 border-dashed border-amber-500 bg-amber-50 p-5 shadow-sm sm:p-6"
	case EntryReply:
		return "card border-l-4 border-l-teal-600"
	case EntrySystem:
		return "card bg-sand-50"
	default:
		return "card"
	}
}

func entryAvatar(kind string) string {
	switch kind {
	case EntryNote:
		return "avatar bg-amber-200 text-amber-950"
	case EntryReply, EntrySystem:
		return "avatar bg-teal-700 text-white"
	default:
		return "avatar bg-sand-200 text-slate-900"
	}
}

func entryBadge(kind string) string {
	base := "inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-semibold "
	switch kind {
	case EntryNote:
		return base + "bg-amber-200 text-amber-950"
	case EntryReply:
		return base + "bg-teal-50 text-teal-900"
	default:
		return base + "bg-sand-100 text-slate-800"
	}
}

// ticketInitial is the letter in an author's avatar.
func ticketInitial(name string) string {
	for _, r := range name {
		return strings.ToUpper(string(r))
	}
	return "?"
}

// isClose reports whether a move closes the ticket, which is final and so
// takes a second step.
func (m TicketMove) isClose() bool { return m.Value == "closed" }

// moveClass styles a status button: the usual next step stands out.
func moveClass(primary bool) string {
	if primary {
		return "btn btn-primary w-full px-4 text-sm"
	}
	return "btn btn-secondary w-full px-4 text-sm"
}

// closeSummaryClass styles the "Close…" disclosure like the other status
// buttons, without the browser's disclosure triangle (the ellipsis says
// there is a next step).
func closeSummaryClass(primary bool) string {
	return moveClass(primary) + " cursor-pointer list-none md:w-auto [&::-webkit-details-marker]:hidden"
}

func checkedIf(value, current string) bool { return value == current }

// ticketURL is a ticket's workspace.
func ticketURL(id int64) string { return "/agent/tickets/" + strconv.FormatInt(id, 10) }
