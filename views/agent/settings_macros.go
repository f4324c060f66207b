package agent

import (
	"github.com/kinconecta/helpdesk/i18n"
	"github.com/kinconecta/helpdesk/views/components"
)

// SettingsMacros is /agent/settings/macros, for admins: every macro as a
// form to edit or delete, a form for a new one, and the placeholders with
// what each becomes on a sample ticket.
type SettingsMacros struct {
	Frame  FrameMeta
	Notice string
	// Errors are the refused form's messages, Field the id of its input
	// ("" for the whole change); Values what was typed, by input id.
	Errors components.Errors
	Values map[string]string
	// Refused is the input prefix of the refused form ("macro-new-",
	// "macro-12-"): that form comes back open with what was typed.
	Refused string

	Macros       []SettingsMacro
	Placeholders []MacroPlaceholder
	Statuses     []QueueOption
	Priorities   []QueueOption
	Agents       []QueueOption
}

// SettingsMacro is one macro as its edit form shows it. Status,
// Priority and AssigneeID are "" when the macro leaves them alone; Tags
// is comma-separated. Preview is the body filled for the sample ticket.
type SettingsMacro struct {
	ID         int64
	Name       string
	Body       string
	Status     string
	Priority   string
	AssigneeID string
	Tags       string
	Actions    []string
	Preview    string
}

// MacroPlaceholder is a placeholder and what it becomes on the sample.
type MacroPlaceholder struct {
	Token   string
	Meaning string
	Example string
}

func (s SettingsMacros) lang() i18n.Lang { return s.Frame.Lang }

// prefix is the input ids' prefix of a macro's form (0: the new one).
func macroPrefix(id int64) string {
	if id == 0 {
		return "macro-new-"
	}
	return "macro-" + macroIDString(id) + "-"
}

// value is what an input shows: what was typed when its form was
// refused, else the macro's own value.
func (s SettingsMacros) value(prefix, field, current string) string {
	if prefix == s.Refused {
		if v, ok := s.Values[prefix+field]; ok {
			return v
		}
	}
	return current
}

func (s SettingsMacros) errorFor(prefix, field string) string {
	return s.Errors.For(prefix + field)
}

func (s SettingsMacros) invalid(prefix, field string) bool { return s.errorFor(prefix, field) != "" }

func (s SettingsMacros) inputClass(prefix, field string) string {
	if s.invalid(prefix, field) {
		return "input input-error"
	}
	return "input"
}

func (s SettingsMacros) describedBy(prefix, field string, hint bool) string {
	ids := ""
	if hint {
		ids = prefix + field + "-hint"
	}
	if s.invalid(prefix, field) {
		if ids != "" {
			ids += " "
		}
		ids += prefix + field + "-error"
	}
	return ids
}
