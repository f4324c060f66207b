package mail

import (
	"bufio"
	"fmt"
	"log/slog"
	"mime"
	netmail "net/mail"
	"strings"
	"unicode"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // every charset mail uses, for message.New
	"github.com/emersion/go-message/textproto"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/filestore"
	replytext "github.com/kinconecta/helpdesk/mail/reply"
)

// A received email is read once, as it arrives, by go-message: its
// multipart reader streams the parts and message.New undoes each part's
// transfer encoding and charset, so attachments go straight to disk and
// memory does not grow with the message. go-message bounds nothing in a
// header, so headerBudget (inbound_parts.go) does.

const (
	maxTextBytes = 1 << 20 // of one text part; replies are short
	maxTextTotal = 2 << 20 // of all text parts together
	maxParts     = 100
	maxDepth     = 8
)

// reply is what a received email says.
type reply struct {
	text      string // what the person wrote, quoted history and signatures removed
	uploads   []*filestore.Upload
	automatic bool // an autoresponder's, a bounce or list mail: not a person's
	// leftOut names every file or part that was not kept, and why, so that
	// nothing is dropped without telling anyone (CONTRACT §5).
	leftOut []leftOut
	// The header's facts: Message-ID (without angle brackets), From, and
	// Subject (decoded).
	messageID string
	from      netmail.Address
	subject   string
}

// leftOut is one file or part of an email that was not kept.
type leftOut struct {
	name   string // the file's name as sent, or a description of the part
	reason string // one of the leftOut* reasons
}

// Why a file or part was not kept; each is put into words, in the
// ticket's language, in the system message and the note to the sender.
const (
	leftOutType       = "type"       // not an accepted file type
	leftOutSize       = "size"       // over --max-file-mb
	leftOutQuota      = "quota"      // the ticket holds --max-files already
	leftOutUnreadable = "unreadable" // a part that could not be decoded
)

// parser walks a message's MIME tree once.
type parser struct {
	files        filestore.Files
	src          *stickyReader
	maxFileBytes int64
	room         int // attachments the ticket can still take
	log          *slog.Logger
	// stored are the files the ticket holds (its public ones), so that a
	// signature image sent again is not stored again (see signatureImage).
	stored []db.Attachment

	plain, html []string
	textBytes   int
	cids        map[string]bool // Content-IDs the HTML shows in place
	uploads     []*filestore.Upload
	leftOut     []leftOut
	parts       int
	unnamed     int                 // files without a name so far
	images      map[[32]byte]bool   // small inline images met in this message
	storedSums  map[string][32]byte // of stored images, by storage name
}

// parse reads the message. Its reply holds what was read even on error,
// so the caller can discard the files. The errors are the message's own
// (a bad header, the connection), the disk's, or our own; a part that
// cannot be read is not an error but a leftOut.
func (p *parser) parse() (reply, error) {
	budget := &headerBudget{r: p.src, maxBytes: maxTopHeaderBytes, maxLines: maxTopHeaderLines, inHeader: true}
	br := bufio.NewReader(budget)
	th, err := textproto.ReadHeader(br)
	if err != nil {
		if p.src.err != nil {
			return reply{}, p.src.err
		}
		return reply{}, fmt.Errorf("mail: bad header: %w", err)
	}
	h := message.Header{Header: th}
	rep := reply{messageID: headerMessageID(h.Get("Message-Id")), from: headerSender(h.Get("From")), subject: headerWords(h.Get("Subject"))}
	if isAutomatic(h) {
		rep.automatic = true
		return rep, nil
	}
	err = p.walk(h, br, 0, false)
	rep.uploads, rep.leftOut = p.uploads, p.leftOut
	rep.text = p.text()
	return rep, err
}

// text is what the person wrote: from the plain-text parts when they say
// anything, else from the HTML (some clients send an empty text/plain
// beside the real HTML).
func (p *parser) text() string {
	plain := strings.Join(p.plain, "\n")
	if strings.TrimSpace(plain) != "" || len(p.html) == 0 {
		return replytext.Text(plain)
	}
	text, _ := replytext.HTML(strings.NewReader(strings.Join(p.html, "\n"))) // a strings.Reader does not fail
	return text
}

// headerMessageID is the Message-ID without its angle brackets.
func headerMessageID(v string) string {
	v = strings.TrimSpace(v)
	if i := strings.IndexByte(v, '<'); i >= 0 {
		if j := strings.IndexByte(v[i:], '>'); j > 0 {
			return strings.TrimSpace(v[i+1 : i+j])
		}
	}
	return v
}

// headerSender reads From: the first address, its name decoded from any
// charset. Mailers write malformed Froms (a bare name with UTF-8, an
// unquoted comma); then the address in angle brackets, or the one word
// with an @, still counts.
func headerSender(v string) netmail.Address {
	parser := netmail.AddressParser{WordDecoder: &wordDecoder}
	if list, err := parser.ParseList(v); err == nil && len(list) > 0 {
		a := *list[0]
		a.Name = oneLine(a.Name) // net/mail decoded its words
		return a
	}
	v = headerWords(v)
	if i := strings.LastIndexByte(v, '<'); i >= 0 {
		if j := strings.IndexByte(v[i:], '>'); j > 0 {
			name := strings.Trim(strings.TrimSpace(v[:i]), `"' `)
			return netmail.Address{Name: name, Address: strings.TrimSpace(v[i+1 : i+j])}
		}
	}
	for _, w := range strings.Fields(v) {
		if strings.Contains(w, "@") {
			return netmail.Address{Address: strings.Trim(w, `<>"',;()`)}
		}
	}
	return netmail.Address{}
}

// wordDecoder reads encoded words (=?ISO-8859-1?Q?…?=) in any charset
// go-message knows.
var wordDecoder = mime.WordDecoder{CharsetReader: charsetReader}

// headerWords decodes a header's encoded words and makes it one line of
// valid UTF-8: a header in raw 8-bit is taken as Windows-1252, what
// mailers that send it mean.
func headerWords(v string) string {
	if d, err := wordDecoder.DecodeHeader(v); err == nil {
		v = d
	}
	return oneLine(v)
}

// oneLine makes header text one line of valid UTF-8, raw 8-bit bytes
// taken as Windows-1252.
func oneLine(v string) string {
	v = guessUTF8([]byte(v))
	v = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, v)
	return strings.Join(strings.Fields(v), " ")
}

// isAutomatic spots what no person wrote, which must never land in a
// thread nor be answered: autoresponders (RFC 3834 and the older
// conventions), bounces and read receipts (multipart/report, RFC 6522),
// and list mail (RFC 2369, RFC 2919). An empty return path, the other
// mark of a bounce, is the envelope's: the caller checks it.
func isAutomatic(h message.Header) bool {
	if v := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))); v != "" && !strings.HasPrefix(v, "no") {
		return true
	}
	for _, k := range []string{"X-Autoreply", "X-Autorespond", "X-Failed-Recipients", "List-Id", "List-Unsubscribe"} {
		if h.Has(k) {
			return true
		}
	}
	switch strings.ToLower(strings.TrimSpace(h.Get("Precedence"))) {
	case "bulk", "junk", "list", "auto_reply":
		return true
	}
	media, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
	return media == "multipart/report"
}
