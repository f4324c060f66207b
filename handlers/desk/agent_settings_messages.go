package desk

import (
	"fmt"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/i18n"
)

// settingsFieldMessage words a refused settings field in the page's
// language. The store writes English for API clients; each message these
// forms can meet has its own wording, the rest fall back to the store's.
func settingsFieldMessage(lang i18n.Lang, fe db.FieldError) string {
	var max int
	switch m := fe.Message; {
	case m == "is required" && i18n.Has("settings.err.required."+fe.Field):
		return lang.T("settings.err.required." + fe.Field)
	case m == "is already in use" && i18n.Has("settings.err.inUse."+fe.Field):
		return lang.T("settings.err.inUse." + fe.Field)
	case m == "must be agent or admin":
		return lang.T("settings.err.role")
	case m == "must be a valid email address":
		return lang.T("err.email")
	case m == "each alias is one word of at most 60 characters":
		return lang.T("settings.err.aliases")
	case m == "must be valid UTF-8 text" || m == "must not contain NUL characters" || m == "must not contain control characters":
		return lang.T("err.text")
	case settingsScanf(m, "must be at most %d characters", &max):
		return lang.T("err.tooLong", lang.Number(int64(max)))
	}
	return lang.T("err.invalid", fe.Field+" "+fe.Message)
}

// settingsScanf reports whether s matches format, filling args.
func settingsScanf(s, format string, args ...any) bool {
	n, err := fmt.Sscanf(s, format, args...)
	return err == nil && n == len(args)
}

// settingsRuleMessage words a change refused as a whole: a rule that keeps
// the desk usable, or an item that is gone (a stale page, a second click).
func settingsRuleMessage(lang i18n.Lang, de *db.Error) string {
	switch {
	case de.Message == "the last active admin must stay an active admin":
		return lang.T("settings.err.lastAdmin")
	case de.Message == "the last active category cannot be retired":
		return lang.T("settings.err.lastCategory")
	case de.Message == settingsInactiveLink:
		return lang.T("settings.err.inactiveLink")
	case de.Code == db.ENOTFOUND:
		return lang.T("settings.err.gone")
	}
	return lang.T("settings.err.conflict", de.Message)
}
