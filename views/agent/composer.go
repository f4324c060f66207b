package agent

import (
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/kinconecta/helpdesk/i18n"
	"github.com/kinconecta/helpdesk/views/components"
)

// TicketCompose is the reply and note form, re-shown with what was typed
// when it was refused.
type TicketCompose struct {
	Body string
	// Internal is the chosen audience: "true" for an internal note,
	// anything else the requester. A public reply is the default; a note
	// is one click (or Alt+N) away, and the whole form turns amber and
	// its button says "Add internal note" while it is chosen.
	Internal     string
	Errors       components.Errors
	FilesNotKept bool
	MaxFileBytes int64
	FilesLeft    int
	Accept       []string

	// Seen is the id of the newest message on the page (0: only the
	// request), sent back with the form for the send guard.
	Seen int64
	// Stale is the message that arrived since the agent opened the
	// ticket, when the guard refused the send; nil otherwise.
	Stale *TicketEntry
	// Then are the statuses the agent may set in the same action as
	// sending ("Send and mark as Resolved").
	Then []TicketMove
	// Signature is the agent's signature, added below public replies.
	Signature string
	// DraftKey names the drafts the page keeps in the browser, per ticket
	// and per agent ("draft:7:12"; the audience is added by the script).
	DraftKey string
	// Viewers are the other agents on the ticket as the page was made;
	// the page script keeps the line current.
	Viewers []TicketViewer
}

// TicketViewer is another agent with the ticket open.
type TicketViewer struct {
	Name     string
	Replying bool
}

// note reports whether the form is set to an internal note.
func (c TicketCompose) note() bool { return c.Internal == "true" }

// composeClass frames the form in the notes' amber while "internal note"
// is chosen, in the browser (the :has selector) without a script.
const composeClass = "group card space-y-4 border-2 has-[#internal-note:checked]:border-amber-500 has-[#internal-note:checked]:bg-amber-50"

// signatureHTML is the signature as it will look below a reply.
func (t Ticket) signatureHTML() templ.Component {
	return components.RichText(t.Compose.Signature)
}

// entryBody is an agent's formatted message, rendered by the one
// renderer the email uses too. Other messages are shown as written.
func entryBody(e TicketEntry) templ.Component { return components.RichText(e.Body) }

// richClass styles rendered text: the subset's lists, links and code.
const richClass = components.RichTextClass

func (t Ticket) seenValue() string { return strconv.FormatInt(t.Compose.Seen, 10) }

// presenceURL is the ticket's live presence stream, and where the page
// says whether its agent is typing.
func (t Ticket) presenceURL() string { return t.path("presence") }

// viewersText is the presence line as the page is made: "" for nobody.
func (t Ticket) viewersText() string {
	return ViewersText(t.lang(), t.Compose.Viewers)
}

// ViewersText words who else has the ticket open, in lang: "Lucía is
// replying · Marta is viewing"; "" for nobody. The live stream sends the
// same words, so the line reads alike before and after the script runs.
func ViewersText(lang i18n.Lang, viewers []TicketViewer) string {
	var parts []string
	for _, v := range viewers {
		key := "composer.viewing"
		if v.Replying {
			key = "composer.replying"
		}
		parts = append(parts, lang.T(key, v.Name))
	}
	return strings.Join(parts, " · ")
}

func (t Ticket) bodyField() components.Field {
	return components.Field{
		Lang: t.lang(), Name: "body", Type: "textarea", Rows: 7, Required: true,
		Label: t.lang().T("ticket.compose.body"), Hint: t.lang().T("composer.formatHint"),
		Value: t.Compose.Body, Error: t.Compose.Errors.For("body"),
		Attrs: templ.Attributes{"data-composer-body": true},
	}
}
