package mail

import (
	"io"

	"github.com/emersion/go-smtp"
)

// maxLineLength bounds a line of a reply's content, in bytes without its
// CR LF: go-smtp's default, twice RFC 5321's 1,000 octets (§4.5.3.1.6),
// since real senders exceed the standard. Past it a message is read to
// its end and refused once (lineLimit, longLineRefusal).
const maxLineLength = 2000

// maxWireLine is go-smtp's own line limit (Server.MaxLineLength), which it
// applies to command lines and DATA content alike: a line over it makes
// go-smtp's reader fail for good, so it answers 500 and hangs up. It is
// far above maxLineLength so that content lines are judged by lineLimit,
// which reads the message to its end and answers a clean 554 the sender
// reads, rather than by go-smtp, which would cut the message off while
// the sender is still writing it (the sender sees a broken connection and
// retries for days). Command lines need no tighter bound: MAIL and the
// first HELO or EHLO refuse an over-long argument with a 5xx
// (maxPathLength, maxDomainLength), RCPT refuses anything but a signed
// reply address, unknown commands get 500, and the conversation goes on.
//
// Past maxWireLine the conversation ends: a command line gets 500, and in
// DATA content go-smtp stops reading the rest of a message we already
// refused at maxLineLength, answers our 554 and hangs up, so a sender
// still writing may see a reset instead of the 554 and try again later
// until its queue gives up. That is acceptable: no real mail carries a
// line of 64 KiB (RFC 5322 allows 998 characters, and relays fold or break
// lines at 998 to 2,048), while the bound keeps what one connection can
// make the listener buffer near 100 KiB (measured: 1.6 times the line for
// a command line held just short of the bound), about 10 MiB at the
// listener's connection cap (InboundConfig.Conns). BDAT chunks are never
// read by lines, so there lineLimit alone applies.
const maxWireLine = 64 << 10

// lineLimit reads a message's content and fails with errLineTooLong at
// the first line over maxLineLength.
type lineLimit struct {
	r    io.Reader
	n    int
	over bool
}

// errLineTooLong stops the parser; the session answers in the ticket's
// language.
var errLineTooLong = &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "Line too long"}

func (l *lineLimit) Read(p []byte) (int, error) {
	if l.over {
		return 0, errLineTooLong
	}
	n, err := l.r.Read(p)
	for i, c := range p[:n] {
		switch c {
		case '\n':
			l.n = 0
		case '\r':
			// Not counted: a line's length is without its CR LF.
		default:
			if l.n++; l.n > maxLineLength {
				l.over = true
				return i, errLineTooLong
			}
		}
	}
	return n, err
}
