package db

import (
	"fmt"
	"unicode/utf8"
)

// MaxPasswordBytes is bcrypt's limit: it reads no further than 72 bytes
// of UTF-8, and refuses more. An unaccented letter is one byte, an
// accented one ("ñ", "é") two, so the limit is no number of characters.
const MaxPasswordBytes = 72

// The password rule's messages, as PasswordProblem gives them; pages
// word them in their language by comparing with these.
var (
	PasswordTooShort = fmt.Sprintf("must be at least %d characters", MinPasswordLen)
	PasswordTooLong  = fmt.Sprintf("must be at most %d bytes: about %d accented letters or %d unaccented ones (bcrypt's limit)",
		MaxPasswordBytes, MaxPasswordBytes/2, MaxPasswordBytes)
)

// PasswordProblem says what is wrong with a new password, "" when
// nothing: at least MinPasswordLen characters (counted as characters, so
// "ñ" is one), at most MaxPasswordBytes bytes.
func PasswordProblem(password string) string {
	switch {
	case utf8.RuneCountInString(password) < MinPasswordLen:
		return PasswordTooShort
	case len(password) > MaxPasswordBytes:
		return PasswordTooLong
	}
	return ""
}
