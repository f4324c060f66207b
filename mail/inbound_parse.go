package mail

import (
	"bufio"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"net/textproto"
	"strings"

	"golang.org/x/text/encoding/htmlindex"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/filestore"
)

// The standard library reads MIME well enough for replies (net/mail for the
// header, mime/multipart for the parts, mime for parameters and encoded
// words) and it streams: parts are read once, in order, and attachments go
// straight to disk, so memory does not grow with the message.

const (
	maxTextBytes = 1 << 20 // of one text part; replies are short
	maxParts     = 100
	maxDepth     = 8
)

// reply is what a received email says.
type reply struct {
	text      string
	uploads   []*filestore.Upload
	automatic bool // an autoresponder's, not a person's
}

// parser walks a message's MIME tree once.
type parser struct {
	files        *filestore.Store
	src          *stickyReader
	maxFileBytes int64
	room         int // attachments the ticket can still take
	log          *slog.Logger

	plain, html []string
	uploads     []*filestore.Upload
	parts       int
}

// parse reads the message. Its reply holds what was read even on error,
// so the caller can discard the files.
func (p *parser) parse() (reply, error) {
	msg, err := netmail.ReadMessage(bufio.NewReader(p.src))
	if err != nil {
		return reply{}, fmt.Errorf("mail: bad header: %w", err)
	}
	if isAutomatic(msg.Header) {
		return reply{automatic: true}, nil
	}
	err = p.walk(textproto.MIMEHeader(msg.Header), msg.Body, 0)
	rep := reply{uploads: p.uploads}
	switch {
	case len(p.plain) > 0:
		rep.text = strings.Join(p.plain, "\n")
	case len(p.html) > 0:
		rep.text = htmlText(p.html[0])
	}
	return rep, err
}

// walk handles one part: multiparts are descended into, the first text
// parts become the body, and everything else is offered as a file.
func (p *parser) walk(h textproto.MIMEHeader, body io.Reader, depth int) error {
	if p.parts++; p.parts > maxParts || depth > maxDepth {
		return errors.New("mail: too many parts")
	}
	media, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		media, params = "text/plain", map[string]string{}
	}
	disposition, dparams, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	if strings.HasPrefix(media, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			part, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("mail: bad multipart: %w", err)
			}
			if err := p.walk(part.Header, part, depth+1); err != nil {
				return err
			}
		}
	}
	content := transferDecoded(h.Get("Content-Transfer-Encoding"), body)
	name := fileName(dparams, params)
	inline := disposition != "attachment" && name == ""
	switch {
	case media == "text/plain" && inline:
		text, err := readText(content, params["charset"])
		if params["format"] == "flowed" {
			text = unflow(text, strings.EqualFold(params["delsp"], "yes"))
		}
		p.plain = append(p.plain, text)
		return err
	case media == "text/html" && inline:
		text, err := readText(content, params["charset"])
		p.html = append(p.html, text)
		return err
	}
	return p.attach(name, content)
}

// attach streams a file part into the store. Refused files (wrong type,
// too big, empty, or past the ticket's count) are skipped, not fatal; a
// full disk stops the message (db.ErrStorageFull).
func (p *parser) attach(name string, content io.Reader) error {
	if name == "" {
		name = "attachment"
	}
	if len(p.uploads) >= p.room {
		p.log.Info("mail: attachment skipped: the ticket holds no more files", "file", name)
		return nil
	}
	u, err := p.files.Receive(content, name, p.maxFileBytes)
	var readErr *filestore.ReadError
	switch {
	case err == nil:
		p.uploads = append(p.uploads, u)
		return nil
	case p.src.err != nil:
		return p.src.err // the message itself failed, the size limit above all
	case db.IsStorageFull(err):
		return err // our disk, not the file: the whole reply must wait
	case errors.As(err, &readErr):
		p.log.Info("mail: attachment skipped: badly encoded", "file", name, "err", err)
		return nil
	case db.ErrorCode(err) != db.EINTERNAL:
		p.log.Info("mail: attachment skipped", "file", name, "err", err)
		return nil
	}
	return err
}

// transferDecoded undoes base64 and quoted-printable; 7bit, 8bit and
// binary need nothing.
func transferDecoded(encoding string, r io.Reader) io.Reader {
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "base64":
		return base64.NewDecoder(base64.StdEncoding, r) // skips line breaks itself
	case "quoted-printable":
		return quotedprintable.NewReader(r)
	}
	return r
}

// readText reads at most maxTextBytes of a text part and makes it UTF-8.
func readText(r io.Reader, charset string) (string, error) {
	if charset != "" && !strings.EqualFold(charset, "utf-8") && !strings.EqualFold(charset, "us-ascii") {
		if enc, err := htmlindex.Get(charset); err == nil {
			r = enc.NewDecoder().Reader(r)
		}
	}
	b, err := io.ReadAll(io.LimitReader(r, maxTextBytes))
	text := strings.ToValidUTF8(string(b), "\uFFFD")
	return strings.ReplaceAll(text, "\x00", ""), err
}

// wordDecoder reads encoded words (=?UTF-8?Q?…?=) in any charset we know.
var wordDecoder = mime.WordDecoder{CharsetReader: func(charset string, r io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(charset)
	if err != nil {
		return nil, err
	}
	return enc.NewDecoder().Reader(r), nil
}}

// fileName is the part's file name from Content-Disposition or, as older
// mailers put it, Content-Type's name parameter.
func fileName(disposition, contentType map[string]string) string {
	name := disposition["filename"]
	if name == "" {
		name = contentType["name"]
	}
	if decoded, err := wordDecoder.DecodeHeader(name); err == nil {
		name = decoded
	}
	return strings.TrimSpace(name)
}

// isAutomatic spots autoresponders (RFC 3834 and the older conventions),
// whose messages must not land in a thread.
func isAutomatic(h netmail.Header) bool {
	if v := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))); v != "" && !strings.HasPrefix(v, "no") {
		return true
	}
	if h.Get("X-Autoreply") != "" || h.Get("X-Autorespond") != "" {
		return true
	}
	switch strings.ToLower(strings.TrimSpace(h.Get("Precedence"))) {
	case "bulk", "junk", "list", "auto_reply":
		return true
	}
	return false
}
