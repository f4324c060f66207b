package mail

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	netmail "net/mail"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	gomail "github.com/wneessen/go-mail"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/mail/templates"
)

// composer turns an outbox row into an email at delivery time, from the
// ticket as it is now, so a delayed email never shows stale content.
type composer struct {
	db      *db.DB
	baseURL string
	from    *netmail.Address
	domain  string          // of the From address, for Message-IDs
	replies *replyAddresses // nil when replies by email are off
	now     func() time.Time
}

// permanentError is a failure no retry can fix: the row is failed at once.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

func permanent(format string, args ...any) error {
	return permanentError{fmt.Errorf(format, args...)}
}

// isPermanent reports whether err says retrying is pointless.
func isPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// letter is an email's content before it becomes a message.
type letter struct {
	subject   string
	toName    string
	requester bool // to the requester: replies by email go to the ticket
	// answers is the Message-ID (without brackets) of the person's email
	// this one answers; "" for none.
	answers string
	email   templates.Email
}

// compose builds the message for n.
func (c *composer) compose(ctx context.Context, n db.Notification) (*gomail.Msg, error) {
	t, err := c.db.Ticket(ctx, n.TicketID, false)
	if db.ErrorCode(err) == db.ENOTFOUND {
		return nil, permanent("ticket %d no longer exists", n.TicketID)
	}
	if err != nil {
		return nil, err
	}
	l, err := c.content(ctx, n, t)
	if err != nil {
		return nil, err
	}
	return c.message(ctx, n, t, l)
}

// message wraps a letter in headers. Every address header is a
// net/mail.Address, written by go-mail, whose String quotes or encodes the
// display name as RFC 5322 and RFC 2047 require (a name like
// Ana "La Güera, built into a string by hand, broke the header and the
// email was never sent), or, where that is not enough, as encoded-words
// of our own (setAddress). User text in headers goes through headerText,
// and the subject through subjectHeader.
func (c *composer) message(ctx context.Context, n db.Notification, t db.Ticket, l letter) (*gomail.Msg, error) {
	m := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	setAddress(m, gomail.HeaderFrom, c.from)
	setAddress(m, gomail.HeaderTo, &netmail.Address{Name: headerText(l.toName), Address: n.Recipient})
	m.Subject(subjectHeader(l.subject))
	// CONTRACT §5, Threading: the requester's first email is the root;
	// every other email answers it. Both ids are fixed per row, so a
	// retry carries the Message-ID of the try it repeats.
	root := threadID(t.ID, c.domain)
	if n.ThreadRoot {
		m.SetMessageIDWithValue(root)
	} else {
		m.SetMessageIDWithValue(messageID(n.ID, t.ID, c.domain))
		m.SetGenHeader(gomail.HeaderInReplyTo, "<"+root+">")
		m.SetGenHeader(gomail.HeaderReferences, "<"+root+">")
	}
	if id := cleanMessageID(l.answers); id != "" {
		// An answer to the person's own email (a ticket opened by mail):
		// it comes first in the chain, the thread's root after it.
		refs := "<" + id + ">"
		if !n.ThreadRoot {
			refs += " <" + root + ">"
		}
		m.SetGenHeader(gomail.HeaderInReplyTo, "<"+id+">")
		m.SetGenHeader(gomail.HeaderReferences, refs)
	}
	if l.requester && c.replies != nil && t.Status != db.StatusClosed {
		// A closed ticket takes no replies (they bounce with 550): an
		// answer to its email goes to our From instead, which, as the
		// support address, opens a new ticket.
		setAddress(m, gomail.HeaderReplyTo, &netmail.Address{Name: c.from.Name, Address: c.replies.For(t.ID)})
	}
	m.SetDateWithValue(c.now())
	// RFC 3834: out-of-office robots must not answer us (and Outlook's
	// own header says the same to Exchange).
	m.SetGenHeader("Auto-Submitted", "auto-generated")
	m.SetGenHeader(gomail.HeaderXAutoResponseSuppress, "All")

	var html bytes.Buffer
	if err := templates.HTML(l.email).Render(ctx, &html); err != nil {
		return nil, fmt.Errorf("mail: unable to render: %w", err)
	}
	m.SetBodyString(gomail.TypeTextPlain, l.email.Text())
	m.AddAlternativeString(gomail.TypeTextHTML, html.String())
	return m, nil
}

// setAddress writes field (From, To or Reply-To) of m as a. go-mail
// writes it through Address.String when that is safe (plainName); when it
// is not, the display name is written entirely as encoded-words
// (encodedAddress), in a field of our own, so every reader decodes
// exactly the name. go-mail still needs the addresses for the SMTP
// envelope: the recipient goes in as a Bcc, which go-mail never writes
// into the message, and the sender as the envelope sender, which
// envelopeOnly keeps out of the message.
func setAddress(m *gomail.Msg, field gomail.AddrHeader, a *netmail.Address) {
	if plainName(a) {
		m.SetAddrHeaderFromMailAddress(field, a)
		return
	}
	m.SetGenHeaderPreformatted(gomail.Header(field), encodedAddress(a))
	bare := &netmail.Address{Address: a.Address}
	switch field {
	case gomail.HeaderTo:
		m.BccMailAddress(bare)
	case gomail.HeaderFrom:
		m.EnvelopeFromMailAddress(bare)
		gomail.WithMiddleware(envelopeOnly{})(m)
	}
}

// plainName reports whether Address.String writes a so that every reader
// sees its name. It does not when:
//
//   - the name holds "=?": Address.String puts an ASCII name in quotes,
//     and lenient readers (Python's email package with policy.default,
//     for one) decode encoded-words even there, so a name typed as
//     "=?utf-8?b?4oCuS2luY29uZWN0YSBTZWN1cml0eQ==?=" would show them
//     "\u202eKinconecta Security", with the very right-to-left override
//     headerText removes (the rule subjectHeader follows for subjects);
//   - it does not read back: Go Q-encodes a non-ASCII name that contains
//     a backslash with the backslash left bare, which RFC 2047 §5(3)
//     forbids in a phrase and ParseAddress itself refuses (golang/go#80592).
func plainName(a *netmail.Address) bool {
	return !strings.Contains(a.Name, "=?") && readsBack(a)
}

// encodedAddress is a as a name-addr whose display name is all
// encoded-words, one per folded line.
func encodedAddress(a *netmail.Address) string {
	words := strings.ReplaceAll(encodedWords(a.Name), " ", "\r\n ")
	return words + "\r\n " + (&netmail.Address{Address: a.Address}).String()
}

// envelopeOnly keeps the envelope sender out of the message. go-mail
// writes the envelope sender as the From field when a message has no From
// address of its own, which it lacks when setAddress wrote From itself;
// two From fields would follow. The client reads the envelope sender
// (GetSender) before it writes the message, where this runs.
type envelopeOnly struct{}

func (envelopeOnly) Handle(m *gomail.Msg) *gomail.Msg {
	if len(m.GetAddrHeader(gomail.HeaderFrom)) == 0 {
		_ = m.SetAddrHeader(gomail.HeaderEnvelopeFrom)
	}
	return m
}

func (envelopeOnly) Type() gomail.MiddlewareType { return "kinconecta-envelope-only" }

// readsBack reports whether a, as Address.String writes it, parses back
// to the same name and address.
func readsBack(a *netmail.Address) bool {
	back, err := netmail.ParseAddress(a.String())
	return err == nil && back.Name == a.Name && back.Address == a.Address
}

// messageID is unique per outbox row and the same on every attempt, so a
// retry after a crash that followed the server's acceptance carries the
// same Message-ID and the receiving side can drop the duplicate.
func messageID(outboxID, ticketID int64, domain string) string {
	return "n-" + strconv.FormatInt(outboxID, 10) + ".ticket-" + strconv.FormatInt(ticketID, 10) + "@" + domain
}

// threadID is the ticket's root Message-ID: the requester's first email
// carries it and every other email about the ticket answers it, so mail
// clients group them into one conversation.
func threadID(ticketID int64, domain string) string {
	return "ticket-" + strconv.FormatInt(ticketID, 10) + "@" + domain
}

// headerText makes user text fit for one header line and for the short
// lines of an email (names, subjects). Control characters and line or
// paragraph separators (CR and LF above all, which would start a new
// header) become spaces; invisible format characters go, bidi controls
// above all: U+202E in a name can make the address beside it read
// backwards. The zero-width joiner and non-joiner stay, as Persian and
// Indic names and emoji need them and they reorder nothing (the same rule
// as db.CleanFileName).
func headerText(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\u200C', r == '\u200D':
			return r
		case unicode.IsControl(r), unicode.Is(unicode.Zl, r), unicode.Is(unicode.Zp, r):
			return ' '
		case unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// subjectHeader is the Subject field for text. go-mail encodes non-ASCII
// text as RFC 2047 encoded-words, but leaves printable ASCII as it is, and
// so does mime.WordEncoder under it: a subject typed as
// "=?utf-8?b?…?=" would reach the reader decoded, as words the sender
// never typed. Text containing "=?" is therefore encoded whole, so
// decoding gives back exactly the typed text.
func subjectHeader(text string) string {
	if !strings.Contains(text, "=?") {
		return text
	}
	return encodedWords(text)
}

// encodedWords writes text as UTF-8 "B" encoded-words (RFC 2047 §4.1),
// unconditionally: the standard library's encoder has no way to force
// encoding of ASCII. Each word holds whole characters (§5: a character
// must not be split between words) and at most 36 bytes, which keeps a
// word at 60 characters, within §2's 75 and within go-mail's folding
// width, so "Subject: " and a word fit on one line. Decoders drop the
// space between adjacent encoded-words (§6.2).
func encodedWords(text string) string {
	const maxBytes = 36
	var words []string
	for text != "" {
		n := 0
		for n < len(text) {
			_, size := utf8.DecodeRuneInString(text[n:])
			if n+size > maxBytes && n > 0 {
				break
			}
			n += size
		}
		words = append(words, "=?UTF-8?B?"+base64.StdEncoding.EncodeToString([]byte(text[:n]))+"?=")
		text = text[n:]
	}
	return strings.Join(words, " ")
}

// subjectLine is "[Ticket #12] …", the same in every language so that
// people's mail filters keep working.
func subjectLine(ticketID int64, text string) string {
	// Trimmed: a header's trailing space does not survive transport.
	return strings.TrimRight("[Ticket #"+strconv.FormatInt(ticketID, 10)+"] "+text, " ")
}
