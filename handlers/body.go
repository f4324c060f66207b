package handlers

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
)

// errBodyTooLarge is what limitedReader returns past its limit.
var errBodyTooLarge = db.Errorf(db.ETOOLARGE, "request body too large")

// bodyIdleKey holds the request's Config.BodyIdleTimeout for idleReader.
const bodyIdleKey = "bodyIdle"

// errBodyStalled answers a client that stopped sending its body.
var errBodyStalled = fiber.NewError(fiber.StatusRequestTimeout,
	"the request body stopped arriving; send it again")

// requestBody returns the request body as a stream, bounded by limit bytes.
// Fiber streams large bodies (StreamRequestBody) and does not enforce
// BodyLimit on them, so every reader of a body goes through here.
func requestBody(c *fiber.Ctx, limit int64) io.Reader {
	return &limitedReader{r: bodyStream(c), left: limit}
}

// bodyStream is the body as it arrives, each read under the route's idle
// timeout (Config.BodyIdleTimeout).
func bodyStream(c *fiber.Ctx) io.Reader {
	s := c.Context().RequestBodyStream()
	if s == nil {
		return bytes.NewReader(c.Body())
	}
	idle, ok := c.Locals(bodyIdleKey).(time.Duration)
	if !ok {
		idle = DefaultBodyIdleTimeout // a refusal before the route's checks
	}
	return &idleReader{r: s, conn: c.Context().Conn(), idle: idle}
}

// idleReader moves the connection's read deadline forward before every
// read, turning the server's total read deadline into an idle one.
type idleReader struct {
	r    io.Reader
	conn net.Conn
	idle time.Duration
}

func (i *idleReader) Read(p []byte) (int, error) {
	if i.conn != nil {
		_ = i.conn.SetReadDeadline(time.Now().Add(i.idle))
	}
	n, err := i.r.Read(p)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return n, errBodyStalled
	}
	return n, err
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

// What is left of a refused body: a small rest is read before answering,
// which keeps the connection; a larger one is read, at most maxDrainBytes,
// after the answer has gone out (a lingering close), each read waiting at
// most lingerIdle.
const (
	syncDrainBytes = 64 << 10
	maxDrainBytes  = 64 << 20
	lingerIdle     = 2 * time.Second
)

// releaseBody disposes of what is left of a refused request's body.
// Closing a connection with unread bytes makes the kernel reset it, and a
// client still sending would see "connection reset" instead of the answer
// ("file too large"). A rest declared no larger than syncDrainBytes is
// read now and the connection kept. A larger or unknown one is not waited
// for: the answer goes out at once, and the connection closes after it,
// once the client has stopped sending (or sent maxDrainBytes more), what
// it sends in between read and thrown away, as nginx's lingering close
// does, so the answer arrives whole.
func releaseBody(c *fiber.Ctx) {
	if c.Context().RequestBodyStream() == nil {
		return
	}
	if n := c.Request().Header.ContentLength(); n >= 0 && n <= syncDrainBytes {
		if _, err := io.CopyN(io.Discard, bodyStream(c), syncDrainBytes+1); err == io.EOF {
			return
		}
	}
	// fasthttp closes a Connection: close response's connection at once,
	// so the answer is written here, after the handler, by hand.
	fctx := c.Context()
	fctx.HijackSetNoResponse(true)
	fctx.Hijack(func(conn net.Conn) {
		fctx.Response.SetConnectionClose()
		_ = conn.SetWriteDeadline(time.Now().Add(writeTimeout))
		w := bufio.NewWriter(conn)
		if fctx.Response.Write(w) == nil && w.Flush() == nil {
			lingerClose(conn)
		}
	})
}

// lingerClose reads and throws away what a client still sends after its
// answer, until it stops or maxDrainBytes; the connection closes after.
func lingerClose(conn net.Conn) {
	buf := make([]byte, 32<<10)
	for read := 0; read < maxDrainBytes; {
		_ = conn.SetReadDeadline(time.Now().Add(lingerIdle))
		n, err := conn.Read(buf)
		if err != nil {
			return
		}
		read += n
	}
}

// mediaType is the request's Content-Type without parameters, lowercased.
func mediaType(c *fiber.Ctx) (string, map[string]string) {
	mt, params, err := mime.ParseMediaType(string(c.Request().Header.ContentType()))
	if err != nil {
		return "", nil
	}
	return mt, params
}

// readJSONObject reads a JSON object body of at most jsonBodyLimit bytes
// into its raw members, so each field can be checked for its type and
// reported by name.
func readJSONObject(c *fiber.Ctx) (map[string]json.RawMessage, error) {
	if mt, _ := mediaType(c); mt != "application/json" {
		return nil, db.Errorf(db.EUNSUPPORTED, "send application/json")
	}
	body, err := io.ReadAll(requestBody(c, jsonBodyLimit))
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

// jsonFields pulls typed values out of a raw JSON object, collecting a field
// error for each value of the wrong type.
type jsonFields struct {
	obj map[string]json.RawMessage
	v   db.Invalid
}

// has reports whether the member is present (null counts as present).
func (f *jsonFields) has(name string) bool {
	_, ok := f.obj[name]
	return ok
}

// string returns a string member; absent or null is "".
func (f *jsonFields) string(name string) string {
	raw, ok := f.obj[name]
	if !ok || string(raw) == "null" {
		return ""
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		f.v.Add(name, "must be a string")
		return ""
	}
	return s
}

// stringPtr returns a string member, nil when absent.
func (f *jsonFields) stringPtr(name string) *string {
	if !f.has(name) {
		return nil
	}
	s := f.string(name)
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
