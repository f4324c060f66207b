package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
)

// errBodyTooLarge is what limitedReader returns past its limit.
var errBodyTooLarge = db.Errorf(db.ETOOLARGE, "request body too large")

// requestBody returns the request body as a stream, bounded by limit bytes.
// Fiber streams large bodies (StreamRequestBody) and does not enforce
// BodyLimit on them, so every reader of a body goes through here.
func requestBody(c *fiber.Ctx, limit int64) io.Reader {
	var r io.Reader
	if s := c.Context().RequestBodyStream(); s != nil {
		r = s
	} else {
		r = bytes.NewReader(c.Body())
	}
	return &limitedReader{r: r, left: limit}
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

// maxDrainBytes bounds how much of a refused body is read and thrown away.
const maxDrainBytes = 64 << 20

// drainBody reads (up to a bound) and throws away what is left of a refused
// request's body. Closing a connection with unread bytes makes the kernel
// reset it, and a client still sending would see "connection reset" instead
// of the answer ("file too large"); past the bound the connection closes.
func drainBody(c *fiber.Ctx) {
	s := c.Context().RequestBodyStream()
	if s == nil {
		return
	}
	if _, err := io.CopyN(io.Discard, s, maxDrainBytes); err != io.EOF {
		c.Context().SetConnectionClose() // more left than we will read
	}
}

// refuseLargeForms answers 413 to an urlencoded form larger than the body
// limit (or of unknown length). Such bodies are streamed, and reading one through c.FormValue
// would pull all of it into memory; no form of ours is that large.
func refuseLargeForms(c *fiber.Ctx) error {
	if n := c.Request().Header.ContentLength(); n > jsonBodyLimit || n == -1 {
		if mt, _ := mediaType(c); mt == "application/x-www-form-urlencoded" {
			return errBodyTooLarge
		}
	}
	return c.Next()
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
		if errors.Is(err, errBodyTooLarge) {
			return nil, err
		}
		return nil, db.Errorf(db.EBADREQUEST, "unable to read body")
	}
	// encoding/json would quietly turn invalid UTF-8 into U+FFFD.
	if !utf8.Valid(body) {
		return nil, db.Errorf(db.EINVALID, "the body is not valid UTF-8")
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
