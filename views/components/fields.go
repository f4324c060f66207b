// Package components holds the pieces pages share: form fields with their
// error messages, the error summary, the file uploader, the status steps.
package components

import (
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/kinconecta/helpdesk/i18n"
)

// FieldError is a message about one form field, already in the page's
// language. Field is the id of the input it links to ("" for a problem
// with the form as a whole).
type FieldError struct {
	Field   string
	Message string
}

// Errors is a form's field errors in the order the fields appear.
type Errors []FieldError

// For returns the message for a field, "" when it has none.
func (e Errors) For(field string) string {
	for _, fe := range e {
		if fe.Field == field {
			return fe.Message
		}
	}
	return ""
}

// Field describes a labelled text input or textarea.
type Field struct {
	Lang         i18n.Lang
	Name         string // the API's field name, also the element id
	Label        string
	Hint         string
	Value        string
	Error        string
	Type         string // "text", "email"; "textarea" for a textarea
	Autocomplete string
	Required     bool
	Rows         int
	Attrs        templ.Attributes // extra attributes, e.g. for the script's counter
}

// describedBy lists the ids of the hint and the error so screen readers
// read both with the field.
func (f Field) describedBy() string {
	var ids []string
	if f.Hint != "" {
		ids = append(ids, f.Name+"-hint")
	}
	if f.Error != "" {
		ids = append(ids, f.Name+"-error")
	}
	return strings.Join(ids, " ")
}

// inputClass is the input's look, red-bordered while it has an error.
func inputClass(hasError bool) string {
	if hasError {
		return "input input-error"
	}
	return "input"
}

// rows is a textarea's height in lines, 6 unless set.
func rows(n int) string {
	if n <= 0 {
		n = 6
	}
	return strconv.Itoa(n)
}
