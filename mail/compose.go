package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	netmail "net/mail"
	"strconv"
	"strings"
	"time"
	"unicode"

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
	email     templates.Email
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

// message wraps a letter in headers. Everything user-typed that reaches a
// header goes through headerText, and go-mail encodes what is left.
func (c *composer) message(ctx context.Context, n db.Notification, t db.Ticket, l letter) (*gomail.Msg, error) {
	m := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	m.FromMailAddress(c.from)
	if err := m.AddToFormat(headerText(l.toName), n.Recipient); err != nil {
		return nil, permanent("bad recipient %q: %v", n.Recipient, err)
	}
	m.Subject(headerText(l.subject))
	m.SetMessageIDWithValue(messageID(n.ID, t.ID, c.domain))
	root := "<" + threadID(t.ID, c.domain) + ">"
	m.SetGenHeader(gomail.HeaderInReplyTo, root)
	m.SetGenHeader(gomail.HeaderReferences, root)
	if l.requester && c.replies != nil {
		if err := m.ReplyToFormat(c.from.Name, c.replies.For(t.ID)); err != nil {
			return nil, permanent("bad reply address: %v", err)
		}
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

// messageID is unique per outbox row and the same on every attempt, so a
// retry after a crash that followed the server's acceptance carries the
// same Message-ID and the receiving side can drop the duplicate.
func messageID(outboxID, ticketID int64, domain string) string {
	return "n-" + strconv.FormatInt(outboxID, 10) + ".ticket-" + strconv.FormatInt(ticketID, 10) + "@" + domain
}

// threadID is the ticket's root Message-ID: every email about the ticket
// answers it, so mail clients group them into one conversation.
func threadID(ticketID int64, domain string) string {
	return "ticket-" + strconv.FormatInt(ticketID, 10) + "@" + domain
}

// headerText makes user text safe for one header line: control characters
// (CR and LF above all, which would start a new header) become spaces.
func headerText(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// subjectLine is "[Ticket #12] …", the same in every language so that
// people's mail filters keep working.
func subjectLine(ticketID int64, text string) string {
	return "[Ticket #" + strconv.FormatInt(ticketID, 10) + "] " + text
}
