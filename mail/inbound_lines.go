package mail

import (
	"bytes"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"

	"github.com/emersion/go-smtp"
)

// maxLineLength bounds a line of the reply listener's conversation, in
// bytes without its CR LF: go-smtp's default, twice RFC 5321's 1,000
// octets (§4.5.3.1.6), since real senders exceed the standard.
const maxLineLength = 2000

// maxEarlyBytes bounds what a client may send between DATA and our
// answer to it, which RFC 2920 says it must not do at all.
const maxEarlyBytes = 64 << 10

// guardListener hands go-smtp connections that limit command lines and
// leave message content alone (lineGuard).
type guardListener struct{ net.Listener }

func (l guardListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &lineGuard{Conn: c}, nil
}

// The conversation as lineGuard follows it.
const (
	guardCommand = iota // lines are commands, at most maxLineLength
	guardAnswer         // DATA was read; go-smtp's answer says what follows
	guardData           // message content, up to the end-of-data line
	guardChunk          // a BDAT chunk: a count of bytes
)

// lineGuard limits command lines, and only command lines. go-smtp's own
// limit (Server.MaxLineLength) applies to message content as well, where a
// line over it makes its reader fail for good and drop what it had read:
// the end of the message is never reached, the sender, still writing,
// never reads our answer, and retries for days. With go-smtp's limit off,
// this reader under it follows the conversation exactly as go-smtp reads
// it (command lines; after an accepted DATA the content up to the
// end-of-data line; after a BDAT command its chunk) and limits only
// command lines. It hands a command line up only once it is complete, so
// one over the limit is dropped whole and go-smtp gets its own
// ErrTooLongLine instead: it answers 500 and hangs up as before, having
// run every command before it and none cut short, and no client can make
// it buffer an endless line. Long lines in content are the session's to
// judge (lineLimit). It sits under go-smtp, so it must stay under any
// TLS layer added later.
//
// It mirrors go-smtp v0.25's parseCmd, handleBdat and dataReader.
type lineGuard struct {
	net.Conn

	mu      sync.Mutex
	state   int
	ready   []byte // read and judged, to hand up
	line    []byte // the command line so far, held back until complete
	length  int    // its length without CR
	early   []byte // read in guardAnswer, judged when the answer is known
	owed    int    // replies go-smtp owes for the command lines handed up
	before  int    // in guardAnswer: replies due before the one to DATA
	head    []byte // the start of the reply line being written
	chunk   uint64 // bytes left in a BDAT chunk
	dot     int    // the end-of-data state machine, as go-smtp's dataReader
	refused bool
	err     error // the connection's, handed up after ready
	buf     [4096]byte
}

func (g *lineGuard) Read(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for {
		switch {
		case len(g.ready) > 0:
			n := copy(p, g.ready)
			g.ready = g.ready[n:]
			return n, nil
		case g.refused:
			return 0, smtp.ErrTooLongLine
		case g.err != nil:
			err := g.err
			g.err = nil
			return 0, err
		}
		// Unlocked while waiting: go-smtp may answer meanwhile.
		g.mu.Unlock()
		n, err := g.Conn.Read(g.buf[:])
		g.mu.Lock()
		g.scan(g.buf[:n])
		g.err = err
	}
}

// Write passes go-smtp's replies through and watches for the one to DATA:
// 354 starts the content, anything else means the client's next line is
// a command again. With pipelining (RFC 2920) the guard may have seen
// DATA while go-smtp still owes replies to the commands before it, so it
// counts replies: one final line ("250 ", not "250-") per command line.
func (g *lineGuard) Write(p []byte) (int, error) {
	g.mu.Lock()
	for _, c := range p {
		if len(g.head) < 4 {
			g.head = append(g.head, c)
		}
		if c == '\n' {
			g.reply(g.head)
			g.head = g.head[:0]
		}
	}
	g.mu.Unlock()
	return g.Conn.Write(p)
}

// reply notes a reply line that starts with head.
func (g *lineGuard) reply(head []byte) {
	if len(head) < 4 || head[3] == '-' {
		return
	}
	start := bytes.HasPrefix(head, []byte("354"))
	g.owed = max(g.owed-1, 0)
	switch {
	case g.state == guardAnswer && g.before > 0:
		g.before--
	case g.state == guardAnswer:
		early := g.early
		g.early, g.state = nil, guardCommand
		if start {
			g.state, g.dot = guardData, dotBeginLine
			g.owed++ // the reply to the content
		}
		g.scan(early)
	case start:
		// Content is starting where the guard saw no DATA: it no longer
		// knows what the client's lines are, so it lets none through.
		g.refused = true
	}
}

// scan follows b through the conversation, moving what may be handed up
// to ready.
func (g *lineGuard) scan(b []byte) {
	for i := 0; i < len(b); i++ {
		switch g.state {
		case guardAnswer:
			// go-smtp reads nothing before answering DATA.
			if len(g.early)+len(b)-i > maxEarlyBytes {
				g.refused = true
				return
			}
			g.early = append(g.early, b[i:]...)
			return
		case guardChunk:
			k := int(min(uint64(len(b)-i), g.chunk))
			g.ready = append(g.ready, b[i:i+k]...)
			if g.chunk -= uint64(k); g.chunk == 0 {
				g.state = guardCommand
			}
			i += k - 1
			continue
		case guardData:
			g.ready = append(g.ready, b[i])
			if g.dot = nextDot(g.dot, b[i]); g.dot == dotEOF {
				g.state = guardCommand
			}
			continue
		}
		if g.refused {
			return
		}
		g.line = append(g.line, b[i])
		switch b[i] {
		case '\n':
			g.ready = append(g.ready, g.line...)
			line := strings.TrimRight(string(g.line), "\r\n")
			g.line, g.length = g.line[:0], 0
			g.owed++
			g.command(line)
		case '\r':
			// Not counted: a line's length is without its CR LF.
		default:
			if g.length++; g.length > maxLineLength {
				g.refused, g.line = true, nil
				return
			}
		}
	}
}

// command notes what a complete command line makes come next.
func (g *lineGuard) command(line string) {
	cmd, arg := parseCommand(line)
	switch {
	case cmd == "DATA" && arg == "":
		g.state, g.before = guardAnswer, g.owed-1
	case cmd == "BDAT":
		// handleBdat reads the chunk whatever it answers, once its
		// arguments parse: a size, and LAST or nothing.
		args := strings.Fields(arg)
		if len(args) == 0 || len(args) > 2 || len(args) == 2 && !strings.EqualFold(args[1], "LAST") {
			return
		}
		if size, err := strconv.ParseUint(args[0], 10, 32); err == nil && size > 0 {
			g.state, g.chunk = guardChunk, size
		}
	}
}

// parseCommand splits a line into command and argument as go-smtp's
// parseCmd does; cmd is "" for a line it refuses.
func parseCommand(line string) (cmd, arg string) {
	switch l := len(line); {
	case strings.HasPrefix(strings.ToUpper(line), "STARTTLS"):
		return "STARTTLS", ""
	case l < 4 || l == 5:
		return "", ""
	case l == 4:
		return strings.ToUpper(line), ""
	case line[4] != ' ':
		return "", ""
	}
	return strings.ToUpper(line[:4]), strings.TrimSpace(line[5:])
}

// The states of go-smtp's dataReader, which ends a message at a line
// holding a single dot: CR LF . CR LF, and nothing else.
const (
	dotBeginLine = iota
	dotDot
	dotDotCR
	dotCR
	dotData
	dotEOF
)

func nextDot(state int, c byte) int {
	switch state {
	case dotBeginLine:
		switch c {
		case '.':
			return dotDot
		case '\r':
			return dotCR
		}
	case dotDot:
		if c == '\r' {
			return dotDotCR
		}
	case dotDotCR:
		if c == '\n' {
			return dotEOF
		}
	case dotCR:
		if c == '\n' {
			return dotBeginLine
		}
	case dotData:
		if c == '\r' {
			return dotCR
		}
	}
	return dotData
}

// lineLimit reads a message's content and fails with errLineTooLong at
// the first line over maxLineLength (counted as lineGuard counts).
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
		default:
			if l.n++; l.n > maxLineLength {
				l.over = true
				return i, errLineTooLong
			}
		}
	}
	return n, err
}
