package web

import (
	"errors"
	"log/slog"
	"net"
	"net/http"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/requestid"
	"github.com/valyala/fasthttp"

	"github.com/kinconecta/helpdesk/db"
)

// StatusOf maps each domain error code to its one HTTP status.
var StatusOf = map[string]int{
	db.EBADREQUEST:   fiber.StatusBadRequest,
	db.EUNAUTHORIZED: fiber.StatusUnauthorized,
	db.EFORBIDDEN:    fiber.StatusForbidden,
	db.ENOTFOUND:     fiber.StatusNotFound,
	db.ECONFLICT:     fiber.StatusConflict,
	db.ETOOLARGE:     fiber.StatusRequestEntityTooLarge,
	db.EUNSUPPORTED:  fiber.StatusUnsupportedMediaType,
	db.EINVALID:      fiber.StatusUnprocessableEntity,
	db.ERATELIMITED:  fiber.StatusTooManyRequests,
	db.EINTERNAL:     fiber.StatusInternalServerError,
	db.ESTORAGEFULL:  fiber.StatusInsufficientStorage,
	db.EUNAVAILABLE:  fiber.StatusServiceUnavailable,
}

// Problem is an RFC 9457 problem details document.
type Problem struct {
	Type      string          `json:"type"`
	Title     string          `json:"title"`
	Status    int             `json:"status"`
	Detail    string          `json:"detail,omitempty"`
	Errors    []db.FieldError `json:"errors,omitempty"`
	Allowed   []string        `json:"allowed,omitempty"`
	RequestID string          `json:"requestId,omitempty"`
}

// problemFor turns any error into a Problem. Errors that are not domain
// errors are internal: logged in full, shown only as "Internal error" with
// the request id so a report can be matched to the log.
func problemFor(c *fiber.Ctx, err error) Problem {
	var de *db.Error
	var fe *fiber.Error
	p := Problem{Type: "about:blank"}
	if db.IsOutOfDescriptors(err) {
		// A file could not be opened for want of a descriptor: a moment's
		// overload the client may retry (503, Retry-After), not a fault.
		slog.Warn("request refused: out of file descriptors", "method", c.Method(), "route", c.Route().Path, "err", err)
		err = db.ErrUnavailable
	}
	if db.IsUnreachable(err) {
		// The database or the bucket is down or restarting: /readyz says
		// so too; the client may retry (503) once it is back.
		slog.Warn("request refused: storage out of reach", "method", c.Method(), "route", c.Route().Path, "err", err)
		err = db.ErrUnreachable
	}
	switch {
	case errors.As(err, &de):
		p.Status = StatusOf[de.Code]
		p.Detail, p.Errors, p.Allowed = de.Message, de.Fields, de.Allowed
	case errors.As(err, &fe):
		p.Status = fe.Code
		p.Detail = fe.Message
	default:
		p.Status = fiber.StatusInternalServerError
	}
	if p.Status == 0 {
		p.Status = fiber.StatusInternalServerError
	}
	p.Title = http.StatusText(p.Status)
	// A full disk (507) and a moment without descriptors (503) are
	// operating conditions with their own clear message, not faults to
	// hide behind a reference.
	if p.Status >= 500 && p.Status != fiber.StatusInsufficientStorage && p.Status != fiber.StatusServiceUnavailable {
		p.RequestID, _ = c.Locals(requestid.ConfigDefault.ContextKey).(string)
		slog.Error("request failed", "id", p.RequestID, "method", c.Method(), "route", c.Route().Path, "err", err)
		p.Detail = "Internal error. Reference: " + p.RequestID
	}
	return p
}

// retryAfterBusy is the Retry-After of a 503, in seconds: descriptors come
// back as soon as other requests finish.
const retryAfterBusy = "5"

// UnparsedKey marks a request the HTTP layer refused before parsing it.
const UnparsedKey = "unparsed"

// serverError is the answer to a request the HTTP layer refused before
// any route saw it. Its detail is generic, per status: the parse error's
// text may quote the request itself, cookies and Authorization included.
func ServerError(err error) error {
	var ne net.Error
	switch {
	case errors.As(err, new(*fasthttp.ErrSmallBuffer)):
		return fiber.NewError(fiber.StatusRequestHeaderFieldsTooLarge, "the request line and headers are too large")
	case errors.As(err, &ne) && ne.Timeout():
		return fiber.NewError(fiber.StatusRequestTimeout, "the request did not arrive in time")
	case errors.Is(err, fasthttp.ErrBodyTooLarge):
		return errBodyTooLarge
	}
	return fiber.NewError(fiber.StatusBadRequest, "the request could not be parsed as HTTP/1.1")
}

// errorHandler is the one place errors become responses: problem+json under
// /api, the error page elsewhere. What is left of the request's body is
// seen to after it (finishBody).
func (h *Server) ErrorHandler(c *fiber.Ctx, err error) error {
	p := problemFor(c, err)
	switch p.Status {
	case fiber.StatusServiceUnavailable:
		c.Set(fiber.HeaderRetryAfter, retryAfterBusy)
	case fiber.StatusUnauthorized:
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="helpdesk"`)
	case fiber.StatusMethodNotAllowed:
		// Fiber sets Allow itself.
	}
	// A request refused before its request line was parsed (headers too
	// large: 431) has no path to tell an API call from a page; problem+json
	// reads well enough in a browser and is what an API client needs.
	if isAPIPath(c.Path()) || c.Locals(UnparsedKey) == true {
		c.Status(p.Status)
		c.Set(fiber.HeaderContentType, "application/problem+json")
		c.Response().ResetBody()
		return c.JSON(p, "application/problem+json")
	}
	return h.pageError(c, p)
}
