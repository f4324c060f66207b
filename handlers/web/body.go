package web

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/kinconecta/helpdesk/db"
)

// errBodyTooLarge is what limitedReader returns past its limit.
var errBodyTooLarge = db.Errorf(db.ETOOLARGE, "request body too large")

// errBodyStalled answers a client that stopped sending its body, and
// errBodyTooSlow one that kept sending, but too little to ever finish
// (Config.BodyMinRate).
var (
	errBodyStalled = fiber.NewError(fiber.StatusRequestTimeout,
		"the request body stopped arriving; send it again")
	errBodyTooSlow = fiber.NewError(fiber.StatusRequestTimeout,
		"the request body arrived too slowly; send it again on a faster connection")
)

// bodyKey holds the request's one bodyReader.
const bodyKey = "body"

// requestBody returns the request body as a stream, bounded by limit bytes.
// Fiber streams large bodies (StreamRequestBody) and does not enforce
// BodyLimit on them, so every reader of a body goes through here.
func requestBody(c *fiber.Ctx, limit int64) io.Reader {
	return &limitedReader{r: bodyOf(c), left: limit}
}

// bodyOf is the request's one body reader, made before any route runs
// (serveRequest); a request without a body reads as empty.
func bodyOf(c *fiber.Ctx) io.Reader {
	if b, ok := c.Locals(bodyKey).(*bodyReader); ok {
		return b
	}
	return strings.NewReader("")
}

// bodyReader is the one reader of a request's body, however many readers
// of ours take turns on it. Before each read it sets the connection's read
// deadline: Config.BodyIdleTimeout from now, or sooner where the body's
// average rate since the request began would fall below
// Config.BodyMinRate once Config.BodyRateGrace has passed. It never reads
// past the declared length, and it remembers how much it read and whether
// it reached the end, so that finishBody knows whether the connection can
// carry another request.
type bodyReader struct {
	stream  io.Reader
	conn    net.Conn
	idle    time.Duration
	minRate int64 // bytes a second on average, after grace; 0 for none
	grace   time.Duration
	// pressed, when set, shortens grace to PressureTimeout while it
	// reports true (Config.UnderPressure).
	pressed func() bool
	start   time.Time
	left    int64 // declared bytes not yet read; -1 for a chunked body
	read    int64
	eof     bool
	err     error // sticky: a stall or a broken stream
}

func (h *Server) newBodyReader(fctx *fasthttp.RequestCtx) *bodyReader {
	s := fctx.RequestBodyStream()
	if s == nil {
		return nil
	}
	return &bodyReader{stream: s, conn: fctx.Conn(), idle: h.Config.BodyIdleTimeout,
		minRate: h.Config.BodyMinRate, grace: h.Config.BodyRateGrace, pressed: h.Config.UnderPressure, start: fctx.Time(),
		left: max(int64(fctx.Request.Header.ContentLength()), -1)}
}

// done reports whether the whole body has been read.
func (b *bodyReader) done() bool { return b.eof || b.left == 0 }

func (b *bodyReader) Read(p []byte) (int, error) {
	switch {
	case b.err != nil:
		return 0, b.err
	case b.done():
		b.eof = true
		return 0, io.EOF
	case len(p) == 0:
		return 0, nil
	}
	if b.left > 0 && int64(len(p)) > b.left {
		// fasthttp's stream would hand out bytes it read ahead of the
		// next request, and panic on the read after.
		p = p[:b.left]
	}
	deadline, byRate := b.deadline(time.Now())
	if b.conn != nil {
		_ = b.conn.SetReadDeadline(deadline)
	}
	n, err := b.stream.Read(p)
	b.read += int64(n)
	if b.left > 0 {
		b.left -= int64(n)
	}
	var ne net.Error
	switch {
	case err == io.EOF:
		b.eof = true
	case errors.As(err, &ne) && ne.Timeout():
		b.err = errBodyStalled
		if byRate {
			b.err = errBodyTooSlow
		}
		err = b.err
	case err != nil:
		b.err = err
	}
	return n, err
}

// deadline is when the next byte must have arrived, and whether the
// minimum rate, rather than the idle timeout, sets it: the body must
// average minRate from its start once grace has passed, so with read bytes
// in, it may take until start + read/minRate (the time they "pay for"),
// and at least until start + grace. Like Apache's mod_reqtimeout MinRate,
// this ends a trickle (a byte every few seconds holds a connection for
// ever under the idle timeout alone) but never a slow steady upload.
func (b *bodyReader) deadline(now time.Time) (time.Time, bool) {
	idle := now.Add(b.idle)
	if b.minRate <= 0 {
		return idle, false
	}
	paid := time.Duration(b.read/b.minRate)*time.Second +
		time.Duration(b.read%b.minRate)*time.Second/time.Duration(b.minRate)
	grace := b.grace
	if b.pressed != nil && b.pressed() {
		grace = min(grace, PressureTimeout)
	}
	byRate := b.start.Add(max(grace, paid))
	if byRate.Before(idle) {
		return byRate, true
	}
	return idle, false
}

// limitedReader fails with errBodyTooLarge once more than its limit is read,
// unlike io.LimitReader, which would silently truncate.
type limitedReader struct {
	r    io.Reader
	left int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, errBodyTooLarge
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return n, errBodyTooLarge
	}
	return n, err
}

// What is left of a body when its request is answered: a small rest is
// read before answering, which keeps the connection; a larger one is read,
// at most maxDrainBytes and for at most lingerTime, after the answer has
// gone out (a lingering close), each read waiting at most lingerIdle.
const (
	syncDrainBytes = 64 << 10
	maxDrainBytes  = 64 << 20
	lingerIdle     = 2 * time.Second
	lingerTime     = 30 * time.Second
)

// serveRequest wraps the application's fasthttp handler: it gives each
// request its one body reader, and after the application has answered,
// by whatever path (a route, a refusal in a middleware, the error handler,
// Fiber's own answers such as the one to an unknown method), it disposes
// of the body the answer left unread (finishBody).
func (h *Server) ServeRequest(next fasthttp.RequestHandler) fasthttp.RequestHandler {
	return func(fctx *fasthttp.RequestCtx) {
		if b := h.newBodyReader(fctx); b != nil {
			fctx.SetUserValue(bodyKey, b)
		}
		next(fctx)
		finishBody(fctx)
	}
}

// finishBody makes sure that, once a request is answered, its body has
// been read to its end or the connection carries no further request.
// fasthttp parses whatever follows the bytes read as the next request on
// the connection, so an unread body ending in a complete request would
// be run as one (request smuggling: a route that redirects to sign-in, or
// refuses a type, without reading what was sent).
//
// A rest of at most syncDrainBytes (declared, or a chunked body ending
// within them) that keeps arriving is read now and thrown away, and the
// connection kept. Otherwise the answer goes out at once and the connection closes after
// it, once the client has stopped sending, as nginx's lingering close
// does: closing a connection with unread bytes makes the kernel reset it,
// and a client still sending would see "connection reset" instead of the
// answer ("file too large"). A request whose length is ambiguous
// (framingError) has no knowable end: it always closes.
func finishBody(fctx *fasthttp.RequestCtx) {
	if framingError(&fctx.Request.Header) != nil {
		answerThenLinger(fctx)
		return
	}
	b, _ := fctx.UserValue(bodyKey).(*bodyReader)
	switch {
	case b == nil || b.done():
		return
	case b.err != nil:
		// A client that stalled, or a body that broke off: waiting for
		// the rest would only stall again.
		fctx.SetConnectionClose()
		return
	case b.left <= syncDrainBytes:
		// A client that stops sending (to wait for this answer) is
		// waited for only as long as a lingering close would.
		b.idle = lingerIdle
		_, _ = io.CopyN(io.Discard, b, syncDrainBytes+1)
		if b.done() {
			return
		}
	}
	answerThenLinger(fctx)
}

// answerThenLinger writes the answer and closes the connection after it,
// with a lingering close. fasthttp closes a Connection: close response's
// connection at once, so the answer is written here, by hand.
func answerThenLinger(fctx *fasthttp.RequestCtx) {
	fctx.HijackSetNoResponse(true)
	fctx.Hijack(func(conn net.Conn) {
		fctx.Response.SetConnectionClose()
		_ = conn.SetWriteDeadline(time.Now().Add(WriteTimeout))
		w := bufio.NewWriter(conn)
		if fctx.Response.Write(w) == nil && w.Flush() == nil {
			lingerClose(conn)
		}
	})
}

// lingerClose reads and throws away what a client still sends after its
// answer, until it stops, or has sent maxDrainBytes, or lingerTime has
// passed (a client trickling a byte a second would otherwise hold the
// connection for ever); the connection closes after.
func lingerClose(conn net.Conn) {
	buf := make([]byte, 32<<10)
	end := time.Now().Add(lingerTime)
	for read := 0; read < maxDrainBytes; {
		deadline := time.Now().Add(lingerIdle)
		if deadline.After(end) {
			deadline = end
		}
		_ = conn.SetReadDeadline(deadline)
		n, err := conn.Read(buf)
		if err != nil {
			return
		}
		read += n
	}
}

// mediaType is the request's Content-Type without parameters, lowercased.
func MediaType(c *fiber.Ctx) (string, map[string]string) {
	mt, params, err := mime.ParseMediaType(string(c.Request().Header.ContentType()))
	if err != nil {
		return "", nil
	}
	return mt, params
}

// readJSONObject reads a JSON object body of at most JSONBodyLimit bytes
// into its raw members, so each field can be checked for its type and
// reported by name.
func ReadJSONObject(c *fiber.Ctx) (map[string]json.RawMessage, error) {
	if mt, _ := MediaType(c); mt != "application/json" {
		return nil, db.Errorf(db.EUNSUPPORTED, "send application/json")
	}
	body, err := io.ReadAll(requestBody(c, JSONBodyLimit))
	if err != nil {
		return nil, readFailure(err)
	}
	// encoding/json would quietly turn invalid UTF-8 into U+FFFD.
	if !utf8.Valid(body) {
		return nil, db.Errorf(db.EINVALID, "the body is not valid UTF-8")
	}
	// It would also turn an escaped lone surrogate ("\ud800") into U+FFFD:
	// text the client did not send.
	if hasLoneSurrogate(body) {
		return nil, db.Errorf(db.EINVALID, `the body escapes a lone UTF-16 surrogate (such as "\ud800"), which is no character`)
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil || obj == nil {
		return nil, db.Errorf(db.EBADREQUEST, "the body is not a JSON object")
	}
	return obj, nil
}

// JSONFields pulls typed values out of a raw JSON object, collecting a field
// error for each value of the wrong type.
type JSONFields struct {
	Object  map[string]json.RawMessage
	Invalid db.Invalid
}

// has reports whether the member is present (null counts as present).
func (f *JSONFields) Has(name string) bool {
	_, ok := f.Object[name]
	return ok
}

// string returns a string member; absent or null is "".
func (f *JSONFields) String(name string) string {
	raw, ok := f.Object[name]
	if !ok || string(raw) == "null" {
		return ""
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		f.Invalid.Add(name, "must be a string")
		return ""
	}
	return s
}

// stringPtr returns a string member, nil when absent.
func (f *JSONFields) StringPtr(name string) *string {
	if !f.Has(name) {
		return nil
	}
	s := f.String(name)
	return &s
}

// hasLoneSurrogate reports whether a JSON text has a \u escape of a UTF-16
// surrogate (U+D800–U+DFFF) that is not a high one followed at once by an
// escaped low one: such an escape names no character (RFC 8259 §8.2).
func hasLoneSurrogate(body []byte) bool {
	inString := false
	for i := 0; i < len(body); i++ {
		switch b := body[i]; {
		case b == '"':
			inString = !inString
		case b == '\\' && inString && i+1 < len(body):
			if body[i+1] != 'u' {
				i++ // a one-letter escape, such as \" or \\
				continue
			}
			r, ok := hex4(body, i+2)
			switch {
			case !ok || r < 0xD800 || r > 0xDFFF:
			case r >= 0xDC00:
				return true // a low surrogate with no high one before it
			default:
				low, ok := rune(0), false
				if i+7 < len(body) && body[i+6] == '\\' && body[i+7] == 'u' {
					low, ok = hex4(body, i+8)
				}
				if !ok || low < 0xDC00 || low > 0xDFFF {
					return true
				}
				i += 6
			}
			i += 5
		}
	}
	return false
}

// hex4 reads the four hex digits of a \u escape starting at body[at].
func hex4(body []byte, at int) (rune, bool) {
	if at+4 > len(body) {
		return 0, false
	}
	var r rune
	for _, c := range body[at : at+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}
