package desk

import (
	"strconv"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/i18n"
)

// passwordMessage words the store's refusal of a new password in lang:
// too short (counted in characters) or past bcrypt's 72 bytes, said as
// bytes with what that means for accented letters. ok is false for any
// other message.
func passwordMessage(lang i18n.Lang, msg string) (string, bool) {
	switch msg {
	case db.PasswordTooShort:
		return lang.T("password.err.short", strconv.Itoa(db.MinPasswordLen)), true
	case db.PasswordTooLong:
		return lang.T("password.err.long", strconv.Itoa(db.MaxPasswordBytes), strconv.Itoa(db.MaxPasswordBytes/2)), true
	}
	return "", false
}
