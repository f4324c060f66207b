package handlers

import (
	"errors"
	"io"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
)

// Body is what a route accepts as its request body. It is decided from the
// request's headers (type, encoding, length) before a byte of the body is
// read, so a body nobody asked for costs nothing: no parsing, no inflating,
// no temporary files (issue 8: c.FormValue let fasthttp buffer a whole
// multipart body, gzip-inflated, before the CSRF check ran).
type Body uint8

// The kinds of body a route may accept; a route may take several.
const (
	NoBody        Body = 0
	FormBody      Body = 1 << iota // application/x-www-form-urlencoded, at most formBodyLimit
	JSONBody                       // application/json (UTF-8), at most jsonBodyLimit
	MultipartBody                  // multipart/form-data, streamed under the upload limits
)

// formBodyLimit bounds every urlencoded form: the largest of ours is the
// queue's bulk form, a page of ticket ids with a few fields.
const formBodyLimit = 64 << 10

// errNoBody refuses a body on a route that takes none.
var errNoBody = db.Errorf(db.ETOOLARGE, "this request takes no body")

// refuseContentEncoding answers 415 to a request body sent compressed (or
// in any coding but identity). No route of ours takes one: inflating is
// how a few kilobytes on the wire become gigabytes in memory and /tmp.
func refuseContentEncoding(c *fiber.Ctx) error {
	for _, coding := range strings.Split(string(c.Request().Header.Peek(fiber.HeaderContentEncoding)), ",") {
		if coding = strings.TrimSpace(coding); coding != "" && !strings.EqualFold(coding, "identity") {
			return db.Errorf(db.EUNSUPPORTED, "Content-Encoding %q is not accepted: send the body uncompressed", coding)
		}
	}
	return c.Next()
}

// acceptBody refuses, from the headers alone, a body the route does not
// take: 415 for a type it does not read, 413 for a length over the limit
// of that type (a chunked body of unknown length is read through the same
// limit instead).
func (h *Handler) acceptBody(b Body) fiber.Handler {
	maxMultipart := h.maxMultipartBody()
	return func(c *fiber.Ctx) error {
		c.Locals(bodyIdleKey, h.cfg.BodyIdleTimeout)
		// -1: chunked, so of unknown length; -2: no body at all.
		n := int64(c.Request().Header.ContentLength())
		if b == NoBody {
			if n > 0 || n == -1 {
				return errNoBody
			}
			return c.Next()
		}
		mt, params := mediaType(c)
		var limit int64
		switch {
		case mt == fiber.MIMEApplicationForm && b&FormBody != 0:
			limit = formBodyLimit
		case mt == fiber.MIMEApplicationJSON && b&JSONBody != 0:
			if cs := params["charset"]; cs != "" && !strings.EqualFold(cs, "utf-8") {
				return db.Errorf(db.EUNSUPPORTED, "send JSON in UTF-8, not %q", cs)
			}
			limit = jsonBodyLimit
		case mt == fiber.MIMEMultipartForm && b&MultipartBody != 0:
			if params["boundary"] == "" {
				return db.Errorf(db.EUNSUPPORTED, "a multipart/form-data body needs a boundary")
			}
			limit = maxMultipart
		default:
			return db.Errorf(db.EUNSUPPORTED, "send %s", b)
		}
		if n > limit {
			return errBodyTooLarge
		}
		return c.Next()
	}
}

// String names the media types of b, for the 415 answer.
func (b Body) String() string {
	var types []string
	for _, t := range []struct {
		kind Body
		name string
	}{{JSONBody, fiber.MIMEApplicationJSON}, {MultipartBody, fiber.MIMEMultipartForm}, {FormBody, fiber.MIMEApplicationForm}} {
		if b&t.kind != 0 {
			types = append(types, t.name)
		}
	}
	if len(types) == 0 {
		return "no body"
	}
	return strings.Join(types, " or ")
}

// maxMultipartBody is the largest multipart body the upload limits allow:
// every file at its largest, with room for each part's headers, and the
// text fields.
func (h *Handler) maxMultipartBody() int64 {
	return int64(h.cfg.MaxFiles)*(h.cfg.MaxFileBytes+4096) + maxParts*maxFieldBytes
}

const formKey = "form"

// readForm reads the urlencoded form of a FormBody route (at most
// formBodyLimit bytes, through our own limits, never the query string)
// and keeps it for formValue.
func readForm(c *fiber.Ctx) (url.Values, error) {
	if f, ok := c.Locals(formKey).(url.Values); ok {
		return f, nil
	}
	body, err := io.ReadAll(requestBody(c, formBodyLimit))
	if err != nil {
		return nil, readFailure(err)
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, db.Errorf(db.EBADREQUEST, "malformed form")
	}
	c.Locals(formKey, form)
	return form, nil
}

// formValue is a field of the form readForm read; "" on a request without
// one. Query parameters never count: a value that changes something comes
// from the body.
func formValue(c *fiber.Ctx, name string) string {
	f, _ := c.Locals(formKey).(url.Values)
	return f.Get(name)
}

// readFailure turns a failure to read the client's body into its answer:
// the limit (413), a stalled client (408), or a malformed request (400).
func readFailure(err error) error {
	switch {
	case errors.Is(err, errBodyTooLarge):
		return errBodyTooLarge
	case errors.Is(err, errBodyStalled):
		return errBodyStalled
	}
	return db.Errorf(db.EBADREQUEST, "unable to read the request body")
}
