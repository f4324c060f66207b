package agent

import (
	"strconv"
	"strings"

	"github.com/kinconecta/helpdesk/i18n"
	"github.com/kinconecta/helpdesk/views/components"
)

// Settings is the admins' pages: agents, API keys, categories and the
// notifications outbox, one page each, reached by the settings menu.
type Settings struct {
	Frame FrameMeta
	// Notice confirms the change the admin just made ("" for none).
	Notice string
	// Errors are the refused form's messages; Field is the id of the input
	// they belong to ("" for a refusal of the whole change).
	Errors components.Errors
	// Values is what the admin typed into the refused form, by input id,
	// so the form comes back as it was sent.
	Values map[string]string
	// Secret is a new API key or set-password link, shown on this one
	// response and never again.
	Secret *SettingsSecret

	// Section is the one section this page shows (Section* constants).
	Section string
	// Edit is the category whose edit form is open, 0 for none.
	Edit int64

	Agents     []SettingsAgent
	Keys       []SettingsKey
	Categories []SettingsCategory
	Pending    []SettingsNotification
	Failed     []SettingsNotification
}

// SettingsSecret is a credential to hand over: Kind is "key" or "link".
type SettingsSecret struct {
	Kind  string
	For   string // the key's name, or the agent's email
	Value string
}

// SettingsAgent is one agent or admin account.
type SettingsAgent struct {
	ID     int64
	Name   string
	Email  string
	Role   string // "agent" or "admin"
	Active bool
	Notify bool // gets an email for every new ticket
	Me     bool // the signed-in admin
}

// SettingsKey is one API key; only its first characters are known.
type SettingsKey struct {
	ID       int64
	Name     string
	Role     string
	Prefix   string
	Created  SettingsStamp
	LastUsed SettingsStamp // zero when never used; written at most once a minute
	Revoked  bool
	// CreatedVia is db.KeyFromSettings (Creator names the admin),
	// db.KeyFromCommand or db.KeyFromUnrecorded.
	CreatedVia string
	Creator    string
	// RevokedAt and RevokedReason (a db.Key* reason; "" when not recorded)
	// say when and why it stopped working; RevokedBy names the admin whose
	// action revoked it ("" when unknown).
	RevokedAt     SettingsStamp
	RevokedReason string
	RevokedBy     string
}

// keyState names a key's row state for tests and styling.
func keyState(k SettingsKey) string {
	if k.Revoked {
		return "revoked"
	}
	return "live"
}

// keyCreator says who made a key: an admin's name, or where else it came from.
func (s Settings) keyCreator(k SettingsKey) string {
	switch k.CreatedVia {
	case "settings":
		return k.Creator
	case "command":
		return s.lang().T("settings.keys.byCommand")
	}
	return s.lang().T("settings.keys.byUnrecorded")
}

// keyRevokedWhy is why a key stopped working, "" when that was not recorded.
func (s Settings) keyRevokedWhy(k SettingsKey) string {
	switch k.RevokedReason {
	case "revoked":
		if k.RevokedBy != "" {
			return s.lang().T("settings.keys.why.revokedBy", k.RevokedBy)
		}
		return s.lang().T("settings.keys.why.revoked")
	case "creator_deactivated":
		return s.lang().T("settings.keys.why.creatorDeactivated")
	case "creator_demoted":
		return s.lang().T("settings.keys.why.creatorDemoted")
	}
	return ""
}

// SettingsCategory is one ticket category as admins edit it.
type SettingsCategory struct {
	ID      int64
	Name    string
	NameES  string
	Aliases string // comma-separated, as the input takes them
	Retired bool
}

// SettingsNotification is one outbox row waiting or given up on.
type SettingsNotification struct {
	ID          int64
	Kind        string // db.Notify* kind
	TicketID    int64  // 0 when the ticket is gone
	Recipient   string
	Attempts    int
	LastError   string
	NextAttempt SettingsStamp
	// Status is the row's outbox status (db.Outbox*). A confirmation held
	// back by the sending limits ("suppressed") was never tried, so it is
	// shown as held back, and retrying it sends it past the limits.
	Status string
}

// heldBack reports whether the sending limits held the email back.
func (n SettingsNotification) heldBack() bool { return n.Status == "suppressed" }

// retryLabel names a failed row's button: a held-back email was never
// tried, and the button sends it past the limits.
func (s Settings) retryLabel(n SettingsNotification) string {
	if n.heldBack() {
		return s.lang().T("settings.outbox.sendAnyway")
	}
	return s.lang().T("settings.outbox.retry")
}

// SettingsStamp is an instant as the page shows it and as <time> carries it.
type SettingsStamp struct {
	Text string
	ISO  string
}

// SettingsRoles are the account roles, in the order the selects offer them.
var SettingsRoles = []string{"agent", "admin"}

func (s Settings) lang() i18n.Lang { return s.Frame.Lang }

// value is what the admin typed into the input with id, or def when the
// page is not answering a refused form.
func (s Settings) value(id, def string) string {
	if v, ok := s.Values[id]; ok {
		return v
	}
	return def
}

// SettingsInput describes one labelled input of a settings form. ID is
// unique on the page (many forms share field names); Name is what the
// form posts.
type SettingsInput struct {
	Lang     i18n.Lang
	ID       string
	Name     string
	Label    string
	Hint     string
	Value    string
	Error    string
	Type     string // "text" or "email"
	Max      int    // maxlength; 0 for none
	Required bool
}

func (s Settings) input(id, name, label, def string) SettingsInput {
	return SettingsInput{Lang: s.lang(), ID: id, Name: name, Label: s.lang().T(label),
		Value: s.value(id, def), Error: s.Errors.For(id), Type: "text", Required: true}
}

func (f SettingsInput) describedBy() string {
	switch {
	case f.Hint != "" && f.Error != "":
		return f.ID + "-hint " + f.ID + "-error"
	case f.Hint != "":
		return f.ID + "-hint"
	case f.Error != "":
		return f.ID + "-error"
	}
	return ""
}

func (f SettingsInput) inputClass() string {
	if f.Error != "" {
		return "input input-error"
	}
	return "input"
}

func (f SettingsInput) maxLength() string { return strconv.Itoa(f.Max) }

// settingsAgentInput is the id of an input belonging to one agent's row.
func settingsAgentInput(id int64, field string) string {
	return "agent-" + strconv.FormatInt(id, 10) + "-" + field
}

// CategoryInputID is the id of an input of one category's edit form; the
// handler names its errors with it.
func CategoryInputID(id int64, field string) string {
	return "cat-" + strconv.FormatInt(id, 10) + "-" + field
}

// AgentRoleID is the id of one agent's role select.
func AgentRoleID(id int64) string { return settingsAgentInput(id, "role") }

func settingsPath(parts ...string) string {
	p := "/agent/settings"
	for _, s := range parts {
		p += "/" + s
	}
	return p
}

func settingsItoa(id int64) string { return strconv.FormatInt(id, 10) }

func settingsBool(b bool) string { return strconv.FormatBool(b) }

// roleLabel is a role's name in the page's language.
func (s Settings) roleLabel(role string) string { return s.lang().T("settings.role." + role) }

// kindLabel is a notification kind in the page's language.
func (s Settings) kindLabel(kind string) string {
	key := "settings.kind." + kind
	if i18n.Has(key) {
		return s.lang().T(key)
	}
	return kind
}

// count is a number in the page's language.
func (s Settings) count(n int) string { return s.lang().Number(int64(n)) }

// The looks the settings forms share. Row actions are smaller than the
// requester pages' buttons but keep the 44 px touch target.
const (
	settingsButton     = "inline-flex min-h-11 items-center justify-center rounded-full border border-slate-400 bg-white px-4 text-sm font-semibold text-slate-800 hover:border-teal-700 hover:text-teal-800"
	settingsDanger     = "inline-flex min-h-11 items-center justify-center rounded-full border border-red-700 bg-white px-4 text-sm font-semibold text-red-800 hover:bg-red-50"
	settingsSubmit     = "btn btn-primary"
	settingsTable      = "min-w-full divide-y divide-sand-200 text-left text-sm"
	settingsTh         = "px-3 py-2 font-semibold text-slate-900"
	settingsTd         = "px-3 py-2 align-top text-slate-800"
	settingsBadge      = "rounded-full bg-sand-100 px-2 py-0.5 text-xs font-medium text-slate-800"
	settingsBadgeOn    = "rounded-full bg-teal-50 px-2 py-0.5 text-xs font-medium text-teal-800"
	settingsBadgeOff   = "rounded-full bg-red-50 px-2 py-0.5 text-xs font-medium text-red-800"
	settingsSection    = "space-y-5 rounded-xl border border-sand-200 bg-white p-4 sm:p-5"
	settingsSectionH2  = "text-xl font-bold text-slate-900"
	settingsSubheading = "text-lg font-bold text-slate-900"
)

// notifyLabel is the new-ticket email toggle's text: to turn it on or
// off, for the signed-in admin ("me") or for someone else (by name).
func (s Settings) notifyLabel(a SettingsAgent, on bool) string {
	switch {
	case a.Me && on:
		return s.lang().T("settings.agents.notifyMeOn")
	case a.Me:
		return s.lang().T("settings.agents.notifyMeOff")
	case on:
		return s.lang().T("settings.agents.notifyOn", a.Name)
	}
	return s.lang().T("settings.agents.notifyOff", a.Name)
}

// agentInput is an input of the add-agent form.
func (s Settings) agentInput(field, label, typ string, max int) SettingsInput {
	f := s.input("agent-"+field, field, label, "")
	f.Type, f.Max = typ, max
	return f
}

// keyInput is the new API key's name.
func (s Settings) keyInput() SettingsInput {
	f := s.input("key-name", "name", "settings.keys.name", "")
	f.Hint, f.Max = s.lang().T("settings.keys.nameHint"), 120
	return f
}

// categoryInputs are a category form's inputs; prefix keeps each form's
// ids apart ("cat" for the new one, "cat-<id>" for the others).
func (s Settings) categoryInputs(prefix string, c SettingsCategory) []SettingsInput {
	name := s.input(prefix+"-name", "name", "settings.categories.name", c.Name)
	es := s.input(prefix+"-nameEs", "nameEs", "settings.categories.nameEs", c.NameES)
	aliases := s.input(prefix+"-aliases", "aliases", "settings.categories.aliases", c.Aliases)
	name.Max, es.Max = 80, 80
	aliases.Required = false
	if prefix == "cat" {
		// Once is enough: the rows above are read with the new one's hint.
		aliases.Hint = s.lang().T("settings.categories.aliasesHint")
	}
	return []SettingsInput{name, es, aliases}
}

// The settings sections, each a page of its own.
const (
	SectionAgents     = "agents"
	SectionKeys       = "keys"
	SectionCategories = "categories"
	SectionOutbox     = "outbox"
	// SectionMacros is served by its own handler (settings_macros.templ).
	SectionMacros = "macros"
)

// SettingsSection is one entry of the settings menu.
type SettingsSection struct {
	Key, Label, URL string
}

// SettingsSections lists the settings pages in the menu's order.
func SettingsSections(lang i18n.Lang) []SettingsSection {
	return []SettingsSection{
		{SectionAgents, lang.T("settings.agents"), "/agent/settings"},
		{SectionCategories, lang.T("settings.categories"), "/agent/settings/categories"},
		{SectionMacros, lang.T("settings.nav.macros"), "/agent/settings/macros"},
		{SectionKeys, lang.T("settings.keys"), "/agent/settings/keys"},
		{SectionOutbox, lang.T("settings.outbox"), "/agent/settings/outbox"},
	}
}

// editing reports whether a category's edit form is open: asked for, or
// refused and shown again with its messages.
func (s Settings) editing(c SettingsCategory) bool {
	if s.Edit == c.ID {
		return true
	}
	prefix := CategoryInputID(c.ID, "")
	for _, e := range s.Errors {
		if strings.HasPrefix(e.Field, prefix) {
			return true
		}
	}
	return false
}

// adding reports whether the add-category form came back refused.
func (s Settings) adding() bool {
	for _, e := range s.Errors {
		if e.Field == "cat-name" || e.Field == "cat-nameEs" || e.Field == "cat-aliases" {
			return true
		}
	}
	return false
}

func settingsMenuClass(current bool) string {
	if current {
		return "flex min-h-9 items-center rounded-md bg-teal-700 px-3 text-sm font-semibold text-white"
	}
	return "flex min-h-9 items-center rounded-md px-3 text-sm font-medium text-slate-800 hover:bg-sand-100 hover:text-slate-900"
}

// Row actions of the lists: compact, with a 36 px target.
const (
	settingsSmall       = "inline-flex min-h-9 items-center justify-center rounded-md border border-slate-400 bg-white px-3 text-sm font-semibold text-slate-800 hover:border-teal-700 hover:text-teal-800"
	settingsSmallDanger = "inline-flex min-h-9 items-center justify-center rounded-md border border-red-700 bg-white px-3 text-sm font-semibold text-red-800 hover:bg-red-50"
	settingsIcon        = "inline-flex h-9 w-9 items-center justify-center rounded-md border border-slate-400 bg-white text-base font-bold text-slate-800 hover:border-teal-700 hover:text-teal-800"
)

// canMove reports whether category i can move by one place: not past the
// end, and not across the line between active and retired categories.
func (s Settings) canMove(i, by int) bool {
	j := i + by
	return j >= 0 && j < len(s.Categories) && s.Categories[j].Retired == s.Categories[i].Retired
}

func moveTestID(by int) string {
	if by < 0 {
		return "category-up"
	}
	return "category-down"
}
