package web

import (
	"errors"
	"strconv"
	"strings"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/i18n"
	"github.com/kinconecta/helpdesk/views/components"
)

// fieldMaxLen is each text field's limit, for messages about long input.
var fieldMaxLen = map[string]int{
	"fullName": db.MaxNameLen, "email": db.MaxEmailLen, "subject": db.MaxSubjectLen,
	"category": db.MaxSubjectLen, "message": db.MaxMessageLen, "body": db.MaxMessageLen,
}

// formErrors turns a refusal into messages beside the form's fields, in
// the page's language and the order of fields, and the status to answer
// with. ok is false for errors that are not about the input: those go to
// the error page.
func (h *Server) FormErrors(lang i18n.Lang, err error, order []string) (errs components.Errors, status int, ok bool) {
	var de *db.Error
	if !errors.As(err, &de) {
		return nil, 0, false
	}
	status = StatusOf[de.Code]
	if len(de.Fields) > 0 {
		for _, name := range order {
			for _, fe := range de.Fields {
				if fe.Field == name {
					errs = append(errs, components.FieldError{Field: name, Message: FieldMessage(lang, fe)})
				}
			}
		}
		for _, fe := range de.Fields {
			if !contains(order, fe.Field) {
				errs = append(errs, components.FieldError{Message: FieldMessage(lang, fe)})
			}
		}
		return errs, status, true
	}
	if msg := h.fileMessage(lang, de); msg != "" {
		return components.Errors{{Field: "attachments", Message: msg}}, status, true
	}
	return nil, 0, false
}

// fieldMessage says what is wrong with a field in lang. The store writes
// its messages in English for API clients; each one the forms can meet
// has its own wording here, and the tests post every one of them.
func FieldMessage(lang i18n.Lang, fe db.FieldError) string {
	m := fe.Message
	switch {
	case m == "is required" && i18n.Has("err.required."+fe.Field):
		return lang.T("err.required." + fe.Field)
	case strings.HasPrefix(m, "must be at most ") || m == "is too long":
		if max, ok := fieldMaxLen[fe.Field]; ok {
			return lang.T("err.tooLong", lang.Number(int64(max)))
		}
	case m == "must be a valid email address":
		return lang.T("err.email")
	case m == "is not a known category":
		return lang.T("err.category")
	case m == "must be tourist, guide or guest":
		return lang.T("err.role")
	case m == "must be valid UTF-8 text" || m == "must not contain NUL characters" || m == "must not contain control characters":
		return lang.T("err.text")
	}
	return lang.T("err.invalid", fe.Field+" "+m)
}

// fileMessage words a refused upload: the store names the file in quotes
// ("x.exe" is not an accepted file type), which is all the page needs.
func (h *Server) fileMessage(lang i18n.Lang, de *db.Error) string {
	name := quotedName(de.Message)
	switch {
	case de == errBodyTooLarge:
		return lang.T("upload.tooBig")
	case de.Code == db.EUNSUPPORTED && name != "":
		return lang.T("upload.badType", name)
	case de.Code == db.EINVALID && name != "":
		return lang.T("upload.empty", name)
	case de.Code == db.ETOOLARGE && name != "":
		return lang.T("upload.tooLarge", name, lang.Size(h.Config.MaxFileBytes))
	case de.Code == db.ETOOLARGE && strings.HasPrefix(de.Message, "a ticket holds"):
		return lang.T("track.filesFull", strconv.Itoa(h.Config.MaxFiles))
	case de.Code == db.ETOOLARGE && strings.HasPrefix(de.Message, "at most"):
		return lang.T("upload.tooMany", strconv.Itoa(h.Config.MaxFiles))
	case de.Code == db.ETOOLARGE:
		return lang.T("upload.tooBig")
	case de.Code == db.EBADREQUEST:
		return lang.T("upload.unreadable")
	}
	return ""
}

// quotedName is the first Go-quoted string in s, "" when there is none.
func quotedName(s string) string {
	i := strings.IndexByte(s, '"')
	if i < 0 {
		return ""
	}
	q, err := strconv.QuotedPrefix(s[i:])
	if err != nil {
		return ""
	}
	name, _ := strconv.Unquote(q)
	return name
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
