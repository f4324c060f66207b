package db

import (
	"errors"
	"fmt"
)

// Error codes the store returns; the web layer maps each to one HTTP status.
const (
	ECONFLICT     = "conflict"     // the change does not fit the current state
	EINTERNAL     = "internal"     // a bug or an unavailable resource
	EINVALID      = "invalid"      // input that fails validation
	ENOTFOUND     = "not_found"    // no such thing (or not visible to the caller)
	EFORBIDDEN    = "forbidden"    // known caller, not allowed
	ETOOLARGE     = "too_large"    // over a size or count limit
	EUNSUPPORTED  = "unsupported"  // a media or file type we do not take
	EUNAUTHORIZED = "unauthorized" // no or bad credentials
	EBADREQUEST   = "bad_request"  // malformed request or parameter
	ERATELIMITED  = "rate_limited" // too many requests
)

// FieldError names one invalid input field.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is a domain error: a code, a message for people, and the fields at
// fault when the input was invalid. Allowed lists the valid next states of a
// refused status change.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
	Allowed []string
}

func (e *Error) Error() string { return e.Message }

// Errorf builds an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, EINTERNAL when it is no *Error.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// Invalid collects field errors while validating input.
type Invalid struct{ Fields []FieldError }

// Add records a problem with field.
func (v *Invalid) Add(field, message string) {
	v.Fields = append(v.Fields, FieldError{Field: field, Message: message})
}

// Err returns nil when nothing was added, an EINVALID *Error otherwise.
func (v *Invalid) Err() error {
	if len(v.Fields) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "Some fields are not valid.", Fields: v.Fields}
}
