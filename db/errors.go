package db

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
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
	ESTORAGEFULL  = "storage_full" // the disk (or quota) holding the data folder is full
	EUNAVAILABLE  = "unavailable"  // out of a resource for a moment (file descriptors): try again shortly
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

// ErrStorageFull answers a write the disk had no room for. Its message
// names no path: the *os.PathError behind it would show clients where the
// server keeps its data.
var ErrStorageFull = &Error{Code: ESTORAGEFULL, Message: "The server's storage is full, so nothing was stored. Please try again later."}

// IsStorageFull reports whether err is a full disk or an exhausted quota:
// ENOSPC or EDQUOT from the file system, SQLITE_FULL from the database
// (SQLite reports its own ENOSPC that way), disk_full from PostgreSQL, or
// ErrStorageFull itself.
func IsStorageFull(err error) bool {
	var se *sqlite.Error
	var pe *pgconn.PgError
	switch {
	case err == nil:
		return false
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return true
	case errors.As(err, &se):
		// The low byte is the primary code; extended codes add bits above it.
		return se.Code()&0xff == sqlite3.SQLITE_FULL
	case errors.As(err, &pe):
		// disk_full; PostgreSQL's own out-of-space failures.
		return pe.Code == "53100"
	}
	return ErrorCode(err) == ESTORAGEFULL
}

// isUniqueViolation reports whether err is a UNIQUE constraint's refusal,
// from either engine (SQLITE_CONSTRAINT_UNIQUE or a primary key's; SQLSTATE
// 23505).
func isUniqueViolation(err error) bool {
	var se *sqlite.Error
	var pe *pgconn.PgError
	switch {
	case errors.As(err, &se):
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	case errors.As(err, &pe):
		return pe.Code == "23505"
	}
	return false
}

// ErrUnreachable answers a request the store could not serve because its
// database or bucket was out of reach (CONTRACT §9's engines run apart
// from us): an outage to wait out (503), not a fault to report.
var ErrUnreachable = &Error{Code: EUNAVAILABLE, Message: "The helpdesk cannot reach its storage right now. Please try again in a minute."}

// IsUnreachable reports whether err is the database or the bucket out of
// reach: a connection refused, lost or timed out (a *net.OpError, a
// failed PostgreSQL connect), or PostgreSQL refusing work as it shuts
// down or starts (SQLSTATE class 08, 57P01 to 57P03).
func IsUnreachable(err error) bool {
	var ce *pgconn.ConnectError
	var oe *net.OpError
	var pe *pgconn.PgError
	switch {
	case err == nil:
		return false
	case errors.As(err, &ce), errors.As(err, &oe), errors.Is(err, driver.ErrBadConn):
		return true
	case errors.As(err, &pe):
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03"
	}
	return false
}

// ErrUnavailable answers a request the server had no file descriptor for:
// a moment's overload, which passes as other requests finish. Like
// ErrStorageFull it names no path.
var ErrUnavailable = &Error{Code: EUNAVAILABLE, Message: "The server is too busy to open the file right now. Please try again in a few seconds."}

// IsOutOfDescriptors reports whether err is the process (EMFILE) or the
// system (ENFILE) running out of file descriptors, or ErrUnavailable.
func IsOutOfDescriptors(err error) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, syscall.EMFILE), errors.Is(err, syscall.ENFILE):
		return true
	}
	return ErrorCode(err) == EUNAVAILABLE
}

// storageFull turns a full disk into ErrStorageFull and leaves every
// other error as it is.
func storageFull(err error) error {
	if IsStorageFull(err) {
		return ErrStorageFull
	}
	return err
}
