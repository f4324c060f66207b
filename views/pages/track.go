package pages

import (
	"strings"

	"github.com/kinconecta/helpdesk/i18n"
	"github.com/kinconecta/helpdesk/views/components"
	"github.com/kinconecta/helpdesk/views/layout"
)

// Track is the requester's view of one ticket. It carries only what the
// requester may see: public messages and their files, never agents' notes.
type Track struct {
	Meta        layout.Meta
	CSRF        string
	Base        string // "/track/<token>": where the page's forms post
	TrackingURL string // the absolute address, for the requester to keep
	Number      int64
	Subject     string
	Category    string // in the page's language
	Status      string // canonical status
	Opened      Time
	Steps       []components.Step
	Thread      []Message
	// Awaiting is set while support has not answered yet: the page then
	// confirms the request arrived.
	Awaiting bool
	// Sent is what the requester just did, for the page to confirm:
	// "reply", "closed" or "reopened"; "" for nothing.
	Sent string
	// ClosedByRequester is set when the requester closed the ticket
	// ("this solved it"), not support: only then does the page thank them.
	ClosedByRequester bool

	// The reply form, re-shown with what was typed when it was refused.
	Reply        string
	Errors       components.Errors
	FilesNotKept bool
	MaxFileBytes int64
	FilesLeft    int // how many more files the ticket takes
	Accept       []string
}

// Time is an instant as the page shows it, with its machine-readable form
// for <time datetime> (which the script re-renders in the reader's zone).
type Time struct {
	Text string
	ISO  string
}

// Message is one entry of the conversation; the first is the request itself.
type Message struct {
	Author string
	// Kind is who wrote it, as the page tells them apart: "you" (the
	// requester), "other" (someone else writing by email on the
	// requester's side, such as a spouse in CC), "agent", or "system" (the
	// helpdesk's own notes, such as a file that was left out).
	Kind string
	Body string
	// Formatted marks an agent's reply written with the desk composer's
	// formatting (internal/richtext), rendered as the agent previewed it.
	Formatted bool
	When      Time
	Files     []File
}

// File is an attachment the requester may open.
type File struct {
	Name     string
	URL      string
	Size     string
	Image    bool // shown as a thumbnail
	External bool // hosted elsewhere: a plain link out, naming its host
}

// host is where an External file's link leads, as the page names it.
func (f File) host() string { return components.LinkHost(f.URL) }

func (t Track) lang() i18n.Lang { return t.Meta.Lang }

func (t Track) resolved() bool { return t.Status == "resolved" }
func (t Track) closed() bool   { return t.Status == "closed" }

func (t Track) replyField() components.Field {
	return components.Field{
		Lang: t.lang(), Name: "body", Type: "textarea", Rows: 5, Required: true,
		Label: t.lang().T("track.replyLabel"), Value: t.Reply, Error: t.Errors.For("body"),
	}
}

func (t Track) upload() components.Upload {
	return components.Upload{
		Lang: t.lang(), Name: "attachments", Label: t.lang().T("form.attachments"),
		Error: t.Errors.For("attachments"), MaxFileBytes: t.MaxFileBytes, MaxFiles: t.FilesLeft,
		Accept: t.Accept, DropTestID: "reply-dropzone", ListTestID: "reply-file-list",
	}
}

func (t Track) filesNote() string {
	if t.FilesNotKept {
		return t.lang().T("form.filesNotKept")
	}
	return ""
}

// sentText confirms what the requester just did.
func (t Track) sentText() string { return t.lang().T("track.sent." + t.Sent) }

// closedText says who closed the ticket: thanks for the requester's own
// confirmation, and plainly when support closed it without one.
func (t Track) closedText() string {
	if t.ClosedByRequester {
		return t.lang().T("track.closedText")
	}
	return t.lang().T("track.closedBySupport")
}

// statusText is a sentence about where the ticket stands.
func (t Track) statusText() string { return t.lang().T("track.about." + t.Status) }

// initial is the letter in a message's avatar.
func initial(name string) string {
	for _, r := range name {
		return strings.ToUpper(string(r))
	}
	return "?"
}

// authorType is the message's data-author: agent, system or requester.
func authorType(kind string) string {
	if kind == "agent" || kind == "system" {
		return kind
	}
	return "requester"
}

func messageClass(kind string) string {
	switch kind {
	case "agent":
		return "card border-l-4 border-l-teal-600"
	case "system":
		return "card border-dashed bg-sand-50"
	}
	return "card"
}

func avatarClass(kind string) string {
	switch kind {
	case "agent":
		return "avatar bg-teal-700 text-white"
	case "system":
		return "avatar bg-sand-200 text-slate-800"
	}
	return "avatar bg-amber-100 text-amber-900"
}
