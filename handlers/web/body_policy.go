package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"
	"mime"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

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
	FormBody      Body = 1 << iota // application/x-www-form-urlencoded, at most FormBodyLimit
	JSONBody                       // application/json (UTF-8), at most JSONBodyLimit
	MultipartBody                  // multipart/form-data, streamed under the upload limits
)

// FormBodyLimit bounds every urlencoded form: the largest of ours is the
// queue's bulk form, a page of 200 ticket ids (about 2.5 KB) with the
// queue's address (its search at most 200 bytes, encoded twice).
const FormBodyLimit = 16 << 10

// errNoBody refuses a body on a route that takes none.
var errNoBody = db.Errorf(db.ETOOLARGE, "this request takes no body")

// RefuseContentEncoding answers 415 to a request body sent compressed (or
// in any coding but identity). No route of ours takes one: inflating is
// how a few kilobytes on the wire become gigabytes in memory and /tmp.
func RefuseContentEncoding(c *fiber.Ctx) error {
	if coding := contentCoding(c.Request().Header.Peek(fiber.HeaderContentEncoding)); coding != "" {
		return db.Errorf(db.EUNSUPPORTED, "Content-Encoding %q is not accepted: send the body uncompressed", coding)
	}
	return c.Next()
}

// contentCoding is the first coding of a Content-Encoding value other
// than identity, "" when there is none.
func contentCoding(v []byte) string {
	for _, coding := range strings.Split(string(v), ",") {
		if coding = strings.TrimSpace(coding); coding != "" && !strings.EqualFold(coding, "identity") {
			return coding
		}
	}
	return ""
}

// RefuseAmbiguousFraming answers 400 to a request whose body has no single
// certain end (framingError), before anything reads it; finishBody then
// closes the connection.
func RefuseAmbiguousFraming(c *fiber.Ctx) error {
	if err := framingError(&c.Request().Header); err != nil {
		return err
	}
	return c.Next()
}

// framingError reports a request whose body length could be read two ways:
// several Content-Length headers (fasthttp keeps the last), Content-Length
// together with Transfer-Encoding (fasthttp goes by the latter), a
// Transfer-Encoding other than exactly chunked (fasthttp takes any value
// but identity for chunked, and "identity" for none), or a header folded
// onto the next line. A proxy in front that reads the length the other
// way would see the end of one request where we see another's start: the
// classic request smuggling. RFC 9112 §6.3 tells a server to refuse such
// a request and close the connection. It looks at the raw header lines,
// as received, since the parsed header keeps only one reading of them.
func framingError(hdr *fasthttp.RequestHeader) error {
	var lengths, codings int
	for line := range headerLines(hdr) {
		if line[0] == ' ' || line[0] == '\t' {
			return errFraming("a header line is folded onto the next (obsolete line folding)")
		}
		name, value, _ := bytes.Cut(line, []byte(":"))
		switch {
		case bytes.EqualFold(name, []byte(fiber.HeaderContentLength)):
			lengths++
		case bytes.EqualFold(name, []byte(fiber.HeaderTransferEncoding)):
			codings++
			if !bytes.EqualFold(bytes.Trim(value, " \t"), []byte("chunked")) {
				return errFraming("Transfer-Encoding must be exactly chunked")
			}
		}
	}
	switch {
	case lengths > 1:
		return errFraming("several Content-Length headers")
	case codings > 1:
		return errFraming("several Transfer-Encoding headers")
	case lengths > 0 && codings > 0:
		return errFraming("both Content-Length and Transfer-Encoding")
	case codings > 0 && !hdr.IsHTTP11():
		return errFraming("Transfer-Encoding in an HTTP/1.0 request")
	}
	return nil
}

// headerLines yields a request's header lines as received (the parsed
// header keeps only one reading of them), without their line endings, up
// to the blank line that ends them; never an empty one.
func headerLines(hdr *fasthttp.RequestHeader) iter.Seq[[]byte] {
	return func(yield func([]byte) bool) {
		raw := hdr.RawHeaders()
		for len(raw) > 0 {
			line := raw
			if i := bytes.IndexByte(raw, '\n'); i >= 0 {
				line, raw = raw[:i], raw[i+1:]
			} else {
				raw = nil
			}
			line = bytes.TrimSuffix(line, []byte("\r"))
			if len(line) == 0 || !yield(line) {
				return
			}
		}
	}
}

func errFraming(why string) error {
	return db.Errorf(db.EBADREQUEST, "the length of the request body is ambiguous: %s; the connection is closed", why)
}

// PreReadBytes is the most fasthttp reads of a body before any handler
// runs (readBodyWithStreaming): min(Content-Length, 8 KiB).
const PreReadBytes = 8 << 10

// headerReceived configures each request once its headers are in. The
// body's first bytes get the idle timeout (later reads move the deadline
// themselves: bodyReader). A body declared longer than PreReadBytes is
// pre-read only up to its first bytes: fasthttp would otherwise wait for
// 8 KiB before any route could refuse, from the headers, what it will not
// take (a client declaring gigabytes and sending three bytes waited for
// the idle timeout instead of getting 413). With a request body limit of
// one byte, fasthttp reads what has arrived (at least two bytes) and
// streams the rest. What it reads is at most its body buffer (8 KiB,
// the largest pre-read it ever makes), so never past the end of such a
// body into the next request.
func (h *Server) HeaderReceived(hdr *fasthttp.RequestHeader) fasthttp.RequestConfig {
	rc := fasthttp.RequestConfig{ReadTimeout: h.Config.BodyIdleTimeout}
	if hdr.ContentLength() > PreReadBytes {
		rc.MaxRequestBodySize = 1
	}
	return rc
}

// continueBody answers "Expect: 100-continue": the client sends its body
// only once told to, so a body no route would take is refused (417) from
// its headers, and never sent. fasthttp keeps the connection after a 417
// (and then skips the handler of every later request on it), so the
// connection closes.
func (h *Server) ContinueBody(hdr *fasthttp.RequestHeader) bool {
	if h.takenByNoRoute(hdr) {
		hdr.SetConnectionClose()
		return false
	}
	return true
}

// takenByNoRoute reports, from its headers, a request body the route it
// reaches would refuse: an ambiguous length, a Content-Encoding, no route
// for its method and path, or a type or length that route does not take
// (so a 100 MB multipart body to the sign-in form, or 1 MB of JSON to a
// route that takes 160 KiB, is never asked for).
func (h *Server) takenByNoRoute(hdr *fasthttp.RequestHeader) bool {
	n := int64(hdr.ContentLength())
	if n == 0 || n == -2 {
		return false
	}
	if framingError(hdr) != nil || contentCoding(hdr.Peek(fiber.HeaderContentEncoding)) != "" {
		return true
	}
	b, found := h.table.match(string(hdr.Method()), requestPath(hdr))
	mt, params, _ := mime.ParseMediaType(string(hdr.ContentType()))
	limit, ok := h.bodyLimit(b, strings.ToLower(mt), params)
	return !found || !ok || n > limit
}

// acceptBody refuses, from the headers alone, a body the route does not
// take: 415 for a type it does not read, 413 for a length over the limit
// of that type (a chunked body of unknown length is read through the same
// limit instead).
func (h *Server) AcceptBody(b Body) fiber.Handler {
	maxMultipart := h.MaxMultipartBody()
	tooLarge := db.Errorf(db.ETOOLARGE, "%s: at most %d files of %s each", errBodyTooLarge.Message,
		h.Config.MaxFiles, sizeLimit(h.Config.MaxFileBytes))
	return func(c *fiber.Ctx) error {
		// -1: chunked, so of unknown length; -2: no body at all.
		n := int64(c.Request().Header.ContentLength())
		if b == NoBody {
			if n > 0 || n == -1 {
				return errNoBody
			}
			return c.Next()
		}
		mt, params := MediaType(c)
		var limit int64
		switch {
		case mt == fiber.MIMEApplicationForm && b&FormBody != 0:
			limit = FormBodyLimit
		case mt == fiber.MIMEApplicationJSON && b&JSONBody != 0:
			if cs := params["charset"]; cs != "" && !strings.EqualFold(cs, "utf-8") {
				return db.Errorf(db.EUNSUPPORTED, "send JSON in UTF-8, not %q", cs)
			}
			limit = JSONBodyLimit
		case mt == fiber.MIMEMultipartForm && b&MultipartBody != 0:
			if params["boundary"] == "" {
				return db.Errorf(db.EUNSUPPORTED, "a multipart/form-data body needs a boundary")
			}
			if n > maxMultipart {
				return tooLarge
			}
			return c.Next()
		default:
			return db.Errorf(db.EUNSUPPORTED, "send %s", b)
		}
		if n > limit {
			return db.Errorf(db.ETOOLARGE, "%s: at most %d KiB", errBodyTooLarge.Message, limit>>10)
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

// MaxMultipartBody is the largest multipart body the upload limits allow:
// every file at its largest, with room for each part's headers, and the
// text fields.
func (h *Server) MaxMultipartBody() int64 {
	return int64(h.Config.MaxFiles)*(h.Config.MaxFileBytes+4096) + MaxFieldBytes + maxPartOverhead
}

// sizeLimit writes a size limit as the file store does ("10 MB").
func sizeLimit(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d KB", n>>10)
}

const formKey = "form"

// readForm reads the urlencoded form of a FormBody route (at most
// FormBodyLimit bytes, through our own limits, never the query string)
// and keeps it for formValue.
func ReadForm(c *fiber.Ctx) (url.Values, error) {
	if f, ok := c.Locals(formKey).(url.Values); ok {
		return f, nil
	}
	body, err := io.ReadAll(requestBody(c, FormBodyLimit))
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
func FormValue(c *fiber.Ctx, name string) string {
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
	case errors.Is(err, errBodyTooSlow):
		return errBodyTooSlow
	}
	return db.Errorf(db.EBADREQUEST, "unable to read the request body")
}
