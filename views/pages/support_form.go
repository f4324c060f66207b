// Package pages holds one template per page with its typed view-model.
// Handlers fill the models; templates never reach the database.
package pages

import (
	"strconv"
	"strings"

	"github.com/kinconecta/helpdesk/i18n"
	"github.com/kinconecta/helpdesk/views/components"
	"github.com/kinconecta/helpdesk/views/layout"
)

// Option is one choice of a <select>.
type Option struct {
	Value string
	Label string
}

// SupportForm is the support form, blank or re-shown with what the person
// typed and what is wrong with it.
type SupportForm struct {
	Meta       layout.Meta
	CSRF       string
	Values     map[string]string // what the person typed, by field name
	Errors     components.Errors
	Categories []Option
	// FilesNotKept is set when files were sent with a refused form: they
	// are not kept, and the person must choose them again.
	FilesNotKept bool
	MaxFileBytes int64
	MaxFiles     int
	Accept       []string
	MaxMessage   int
}

// Roles are the requester roles in the order the form offers them.
var Roles = []string{"tourist", "guide", "guest"}

func (f SupportForm) lang() i18n.Lang { return f.Meta.Lang }

// value is what the person typed into a field.
func (f SupportForm) value(name string) string { return f.Values[name] }

func (f SupportForm) field(name, typ, autocomplete string) components.Field {
	return components.Field{
		Lang: f.lang(), Name: name, Type: typ, Autocomplete: autocomplete, Required: true,
		Label: f.lang().T("form." + name), Value: f.value(name), Error: f.Errors.For(name),
	}
}

func (f SupportForm) messageField() components.Field {
	fd := f.field("message", "textarea", "")
	fd.Rows = 7
	fd.Hint = f.lang().T("form.messageHint", f.lang().Number(int64(f.MaxMessage)))
	fd.Attrs = map[string]any{
		"data-counter":     strconv.Itoa(f.MaxMessage),
		"data-msg-left":    f.lang().T("form.charsLeft", "{n}"),
		"data-msg-over":    f.lang().T("form.charsOver", "{n}"),
		"data-number-lang": string(f.lang()),
	}
	return fd
}

func (f SupportForm) upload() components.Upload {
	return components.Upload{
		Lang: f.lang(), Name: "attachments", Label: f.lang().T("form.attachments"),
		Error: f.Errors.For("attachments"), MaxFileBytes: f.MaxFileBytes, MaxFiles: f.MaxFiles,
		Accept: f.Accept, DropTestID: "dropzone", ListTestID: "file-list",
	}
}

// roleID is a radio's id; the first carries the field's own name so the
// error summary's link lands on the group.
func roleID(i int, role string) string {
	if i == 0 {
		return "roleContext"
	}
	return "roleContext-" + role
}

func (f SupportForm) roleChecked(role string) bool { return f.value("roleContext") == role }

func (f SupportForm) filesNote() string {
	if f.FilesNotKept {
		return f.lang().T("form.filesNotKept")
	}
	return ""
}

func (f SupportForm) roleDescribedBy() string {
	if f.Errors.For("roleContext") != "" {
		return "roleContext-error"
	}
	return ""
}

func selectClass(hasError bool) string {
	if hasError {
		return "input input-error pr-10"
	}
	return "input pr-10"
}

// sameCategory selects the option a post named, in any case, as the
// server accepts it.
func sameCategory(posted, option string) bool { return strings.EqualFold(posted, option) }

func itoa(i int) string { return strconv.Itoa(i) }
