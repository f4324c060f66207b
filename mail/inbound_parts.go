package mail

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/charset"
	"github.com/emersion/go-message/textproto"
	"golang.org/x/net/html"
	htmlcharset "golang.org/x/net/html/charset"
	"golang.org/x/text/encoding/charmap"

	replytext "github.com/kinconecta/helpdesk/mail/reply"
)

// walk handles one part: multiparts are descended into, the text parts
// become the body, and everything else is offered as a file. related says
// the part sits in a multipart/related, where a part with a Content-ID is
// shown in place by the HTML beside it.
func (p *parser) walk(h message.Header, body io.Reader, depth int, related bool) error {
	if p.parts++; p.parts > maxParts || depth > maxDepth {
		p.leaveUnreadable(h)
		return errStopWalk
	}
	media, params := mediaType(h.Get("Content-Type"))
	if media == "" {
		media = "text/plain" // RFC 2045's default
	}
	disposition, _ := mediaType(h.Get("Content-Disposition"))
	if strings.HasPrefix(media, "multipart/") {
		return p.multipart(media, params, body, depth)
	}
	name := partFileName(h)
	if disposition != "attachment" && name == "" && (media == "text/plain" || media == "text/html") {
		return p.textPart(h, media, params, body)
	}
	// The charset applies to text we read, not to files, which are stored
	// byte for byte: only the transfer encoding is undone.
	fh := h.Copy()
	fh.Set("Content-Type", "application/octet-stream")
	e, err := message.New(fh, body)
	if err != nil {
		p.leaveUnreadable(h) // an encoding nobody uses (x-uuencode)
		return nil
	}
	cid := contentID(h.Get("Content-Id"))
	inline := disposition == "inline" || cid != "" && (related || p.cids[cid])
	_, err = p.file(attachment{name: name, declared: media, inline: inline, unpack: true, body: e.Body})
	return err
}

// errStopWalk ends the walk once the message has more parts than we
// read; what was read is kept, and the rest is named as left out.
var errStopWalk = errors.New("mail: too many parts")

// multipart walks the parts of a multipart body in order.
func (p *parser) multipart(media string, params map[string]string, body io.Reader, depth int) error {
	boundary := params["boundary"]
	if boundary == "" {
		p.leavePart(media, leftOutUnreadable)
		return nil
	}
	budget := &headerBudget{r: body, boundary: []byte("--" + boundary), maxBytes: maxPartHeaderBytes, maxLines: maxPartHeaderLines}
	mr := textproto.NewMultipartReader(budget, boundary)
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return nil
		}
		switch {
		case err != nil && p.src.err != nil:
			return p.src.err
		case err != nil && strings.HasSuffix(err.Error(), "EOF"):
			// The message ends without its closing boundary, as some
			// mailers write it: every part was read to its end.
			return nil
		case err != nil:
			// A broken structure (a header over its budget, a line
			// where a boundary belongs): what came before it is kept.
			p.leavePart(media, leftOutUnreadable)
			return nil
		}
		err = p.walk(message.Header{Header: part.Header}, lastPart{part}, depth+1, media == "multipart/related")
		if err == errStopWalk && depth > 0 {
			return err
		}
		if err == errStopWalk {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// lastPart reads a part to its end where the message ends without the
// closing boundary: go-message calls that io.ErrUnexpectedEOF, but the
// SMTP transaction ended cleanly, so the part is whole as sent.
type lastPart struct{ r io.Reader }

func (l lastPart) Read(b []byte) (int, error) {
	n, err := l.r.Read(b)
	if err == io.ErrUnexpectedEOF {
		err = io.EOF
	}
	return n, err
}

// textPart reads a text/plain or text/html part of the body, made UTF-8.
func (p *parser) textPart(h message.Header, media string, params map[string]string, body io.Reader) error {
	room := min(maxTextBytes, maxTextTotal-p.textBytes)
	if room <= 0 {
		return nil
	}
	e, err := message.New(h, body)
	if err != nil && !message.IsUnknownCharset(err) {
		p.leavePart(media, leftOutUnreadable)
		return nil
	}
	// message.New decoded the charset the part names. Without one, with
	// "us-ascii" (which 8-bit mailers write whatever they send) or with
	// one nobody knows, the bytes are as sent and their charset is
	// guessed; what says UTF-8 is UTF-8, a bad byte or two aside.
	cs := strings.ToLower(strings.TrimSpace(params["charset"]))
	declared := err == nil && cs != "" && cs != "us-ascii" && cs != "ascii"
	b, err := io.ReadAll(io.LimitReader(e.Body, int64(room)))
	if err != nil {
		if p.src.err != nil {
			return p.src.err
		}
		p.leavePart(media, leftOutUnreadable) // what was read is kept
	}
	p.textBytes += len(b)
	var text string
	switch {
	case declared:
		text = validUTF8(string(b))
	case media == "text/html":
		text = htmlToUTF8(b)
	default:
		text = guessUTF8(b)
	}
	if media == "text/html" {
		p.noteContentIDs(text)
		p.html = append(p.html, text)
		return nil
	}
	if strings.EqualFold(params["format"], "flowed") {
		text = replytext.DecodeFlowed(text, strings.EqualFold(params["delsp"], "yes"))
	}
	p.plain = append(p.plain, text)
	return nil
}

// htmlToUTF8 decodes an HTML part whose header names no charset: by its
// own <meta charset> or <meta http-equiv="Content-Type">, else as UTF-8
// when it is, else as Windows-1252.
func htmlToUTF8(b []byte) string {
	if label := metaCharset(b); label != "" {
		if enc, _ := htmlcharset.Lookup(label); enc != nil {
			if d, err := enc.NewDecoder().Bytes(b); err == nil {
				return validUTF8(string(d))
			}
		}
	}
	return guessUTF8(b)
}

// metaCharset finds the charset an HTML document declares in its head.
// Unlike the HTML standard's prescan (1,024 bytes), it reads the whole
// head: Outlook writes pages of styles before its <meta>.
func metaCharset(b []byte) string {
	z := html.NewTokenizer(bytes.NewReader(b))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			switch string(name) {
			case "body":
				return ""
			case "meta":
				var cs, equiv, content string
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					switch strings.ToLower(string(k)) {
					case "charset":
						cs = string(v)
					case "http-equiv":
						equiv = string(v)
					case "content":
						content = string(v)
					}
				}
				if cs != "" {
					return strings.TrimSpace(cs)
				}
				if strings.EqualFold(equiv, "content-type") {
					if _, params, err := mime.ParseMediaType(content); err == nil && params["charset"] != "" {
						return params["charset"]
					}
				}
			}
		}
	}
}

// cidRef finds the images an HTML part shows from the message itself.
var cidRef = regexp.MustCompile(`(?i)\bcid:([^"'\s<>)]+)`)

// noteContentIDs remembers the Content-IDs html shows in place.
func (p *parser) noteContentIDs(html string) {
	for _, m := range cidRef.FindAllStringSubmatch(html, -1) {
		if p.cids == nil {
			p.cids = map[string]bool{}
		}
		id := m[1]
		if u, err := url.PathUnescape(id); err == nil {
			id = u
		}
		p.cids[strings.ToLower(id)] = true
	}
}

// contentID is a Content-ID without its angle brackets, in lower case.
func contentID(v string) string {
	return strings.ToLower(headerMessageID(v))
}

// validUTF8 mends text meant as UTF-8: a bad byte becomes U+FFFD, and
// NULs go.
func validUTF8(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

// guessUTF8 reads bytes whose charset nobody named: UTF-8 when they are,
// else Windows-1252 (a superset of ISO-8859-1), what mailers that send
// 8-bit text without saying so mean.
func guessUTF8(b []byte) string {
	if !utf8.Valid(b) {
		if d, err := charmap.Windows1252.NewDecoder().Bytes(b); err == nil {
			b = d
		}
	}
	return validUTF8(string(b))
}

// charsetReader decodes any charset go-message knows into UTF-8.
func charsetReader(label string, r io.Reader) (io.Reader, error) {
	return charset.Reader(label, r)
}

// mediaType parses a Content-Type or Content-Disposition: the type in
// lower case and its parameters. A type with a broken parameter keeps
// its type (Go's parser returns it with ErrInvalidMediaParameter).
func mediaType(v string) (string, map[string]string) {
	t, params, err := mime.ParseMediaType(v)
	if err != nil && !errors.Is(err, mime.ErrInvalidMediaParameter) {
		// "text/plain charset=utf-8": the type is the first word.
		t = strings.ToLower(strings.TrimSpace(v))
		if i := strings.IndexAny(t, "; \t"); i >= 0 {
			t = t[:i]
		}
		params = nil
	}
	if params == nil {
		params = map[string]string{}
	}
	return t, params
}

// leaveUnreadable names a part that cannot be read in leftOut: by its
// file name, else by its type.
func (p *parser) leaveUnreadable(h message.Header) {
	if name := partFileName(h); name != "" {
		p.leave(name, leftOutUnreadable)
		return
	}
	t, _ := mediaType(h.Get("Content-Type"))
	if t == "" {
		t = "text/plain"
	}
	p.leavePart(t, leftOutUnreadable)
}

// partFileName is the part's file name, decoded to UTF-8 from whatever
// mailers send: Content-Disposition's filename or, as older mailers put
// it, Content-Type's name; RFC 2231 (filename*=iso-8859-1”Factura%20a%F1o.pdf,
// continuations filename*0*=…; filename*1*=…) in any charset; RFC 2047
// encoded words (Outlook's "=?iso-8859-1?Q?Factura_a=F1o.pdf?="); raw
// 8-bit bytes as Windows-1252.
func partFileName(h message.Header) string {
	name := headerParam(h.Get("Content-Disposition"), "filename")
	if name == "" {
		name = headerParam(h.Get("Content-Type"), "name")
	}
	return strings.TrimSpace(headerWords(name))
}

// headerParam reads one parameter of a header value, leniently: quoted or
// not, with spaces where mailers leave them, and RFC 2231's extended and
// continued forms in any charset, which win over a plain value.
func headerParam(v, key string) string {
	var plain string
	var segs []string // by continuation number
	var ext []bool
	extended := ""
	for _, field := range splitParams(v) {
		k, val, ok := strings.Cut(field, "=")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		val = unquote(strings.TrimSpace(val))
		switch {
		case k == key:
			plain = val
		case k == key+"*":
			extended = val
		case strings.HasPrefix(k, key+"*"):
			num, star := strings.CutSuffix(k[len(key)+1:], "*")
			n := 0
			if _, err := fmt.Sscanf(num, "%d", &n); err != nil || n < 0 || n > 100 || fmt.Sprint(n) != num {
				continue
			}
			for len(segs) <= n {
				segs, ext = append(segs, ""), append(ext, false)
			}
			segs[n], ext[n] = val, star
		}
	}
	if extended != "" {
		if s, ok := decode2231(extended); ok {
			return s
		}
	}
	if len(segs) > 0 {
		// The first segment, if extended, names the charset of all the
		// extended ones.
		cs := ""
		if ext[0] {
			if c, _, ok := strings.Cut(segs[0], "'"); ok {
				cs = c
			}
		}
		var raw []byte
		for i, s := range segs {
			switch {
			case ext[i] && i == 0:
				_, rest, _ := strings.Cut(s, "'")
				_, rest, _ = strings.Cut(rest, "'")
				raw = append(raw, percentDecode(rest)...)
			case ext[i]:
				raw = append(raw, percentDecode(s)...)
			default:
				raw = append(raw, s...)
			}
		}
		if s, ok := decodeCharset(raw, cs); ok {
			return s
		}
	}
	return plain
}

// decode2231 decodes charset'language'percent-encoded-text.
func decode2231(v string) (string, bool) {
	cs, v, ok := strings.Cut(v, "'")
	if !ok {
		return "", false
	}
	if _, v, ok = strings.Cut(v, "'"); !ok {
		return "", false
	}
	return decodeCharset(percentDecode(v), cs)
}

// decodeCharset makes b UTF-8 from charset cs ("" for UTF-8 or unknown).
func decodeCharset(b []byte, cs string) (string, bool) {
	switch strings.ToLower(cs) {
	case "utf-8":
		return validUTF8(string(b)), true
	case "", "us-ascii":
		return guessUTF8(b), true
	}
	r, err := charset.Reader(cs, bytes.NewReader(b))
	if err != nil {
		return guessUTF8(b), true
	}
	d, err := io.ReadAll(r)
	if err != nil {
		return "", false
	}
	return validUTF8(string(d)), true
}

// percentDecode undoes %XX; a broken escape is kept as written.
func percentDecode(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if b, ok := unhex(s[i+1], s[i+2]); ok {
				out = append(out, b)
				i += 2
				continue
			}
		}
		out = append(out, s[i])
	}
	return out
}

func unhex(a, b byte) (byte, bool) {
	h := func(c byte) (byte, bool) {
		switch {
		case c >= '0' && c <= '9':
			return c - '0', true
		case c >= 'a' && c <= 'f':
			return c - 'a' + 10, true
		case c >= 'A' && c <= 'F':
			return c - 'A' + 10, true
		}
		return 0, false
	}
	x, ok1 := h(a)
	y, ok2 := h(b)
	return x<<4 | y, ok1 && ok2
}

// splitParams splits a header value at the semicolons outside quotes;
// the first field is the type.
func splitParams(v string) []string {
	var fields []string
	var cur strings.Builder
	quoted, escaped := false, false
	for _, r := range v {
		switch {
		case escaped:
			escaped = false
		case quoted && r == '\\':
			escaped = true
		case r == '"':
			quoted = !quoted
		case r == ';' && !quoted:
			fields = append(fields, cur.String())
			cur.Reset()
			continue
		}
		cur.WriteRune(r)
	}
	fields = append(fields, cur.String())
	if len(fields) > 0 {
		fields = fields[1:]
	}
	return fields
}

// unquote removes a quoted string's quotes and backslashes.
func unquote(s string) string {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return s
	}
	s = s[1 : len(s)-1]
	var b strings.Builder
	escaped := false
	for _, r := range s {
		if r == '\\' && !escaped {
			escaped = true
			continue
		}
		escaped = false
		b.WriteRune(r)
	}
	return b.String()
}

// Header budgets: go-message keeps every header field it reads, at about
// 90 bytes of memory per byte of short header lines, with no bound. Real
// headers are far below these (a long Received chain is some 30 KiB).
const (
	maxTopHeaderBytes  = 512 << 10
	maxTopHeaderLines  = 5000
	maxPartHeaderBytes = 64 << 10
	maxPartHeaderLines = 500
)

// errHeaderTooBig refuses a header block over its budget.
var errHeaderTooBig = errors.New("mail: a header is too large")

// headerBudget bounds the header blocks of a message, or of the parts of
// one multipart (the lines after each line that starts with boundary, up
// to the blank line), in bytes and lines, before go-message reads them.
type headerBudget struct {
	r                  io.Reader
	boundary           []byte // "--" + boundary; nil for the message's own header
	maxBytes, maxLines int

	inHeader bool
	midLine  bool   // the next byte continues a line
	prefix   []byte // the current line's first bytes, to spot the boundary
	lineLen  int
	bytes    int
	lines    int
	err      error
}

func (h *headerBudget) Read(b []byte) (int, error) {
	if h.err != nil {
		return 0, h.err
	}
	n, err := h.r.Read(b)
	if h.boundary == nil && !h.inHeader {
		return n, err // the message's header is read: the rest is the multiparts' to watch
	}
	for i := 0; i < n; i++ {
		c := b[i]
		if !h.midLine {
			h.midLine, h.lineLen, h.prefix = true, 0, h.prefix[:0]
		}
		h.lineLen++
		if len(h.prefix) < len(h.boundary)+2 {
			h.prefix = append(h.prefix, c)
		}
		if h.inHeader {
			if h.bytes++; h.bytes > h.maxBytes {
				h.err = errHeaderTooBig
				return i, h.err
			}
		}
		if c != '\n' {
			continue
		}
		h.midLine = false
		switch {
		case h.boundary != nil && bytes.HasPrefix(h.prefix, h.boundary):
			// A part's header follows its boundary line; none follows
			// the closing one ("--boundary--").
			closing := bytes.HasSuffix(h.prefix, []byte("--")) && len(h.prefix) == len(h.boundary)+2
			h.inHeader, h.bytes, h.lines = !closing, 0, 0
		case h.inHeader && h.lineLen <= 2: // "\r\n" or "\n": the header ends
			h.inHeader = false
		case h.inHeader:
			if h.lines++; h.lines > h.maxLines {
				h.err = errHeaderTooBig
				return i + 1, h.err
			}
		}
	}
	return n, err
}
