package mail

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/filestore"
	"github.com/kinconecta/helpdesk/internal/connlimit"
)

// InboundConfig tunes the reply listener.
type InboundConfig struct {
	MaxMessageBytes int64         // a bigger message is refused with 552
	MaxFileBytes    int64         // per attachment, as for web uploads
	MaxFiles        int           // per ticket, as for web uploads
	RatePerMinute   float64       // messages and refused recipients per client address; 0 is no limit
	Burst           int           // how many may come at once before the rate applies
	Timeout         time.Duration // for each read and write of the conversation
	// Conns caps the connections the listener holds, in total and per
	// client address; the zero value caps nothing.
	Conns connlimit.Limits
	// MinFreeBytes is --min-free-mb: below it the listener refuses new
	// replies (452) as the web routes refuse new content; 0 for no floor.
	MinFreeBytes int64
	// SupportPerHour is how many tickets one sender may open by email to
	// the support address an hour; past it 451. 0 is no limit.
	SupportPerHour int
}

// DefaultSupportPerHour is SupportPerHour unless the confirmation limit
// per address is lower: a person writes to support a few times an hour at
// most, and an autoresponder that escaped detection, answering each
// confirmation, is stopped after five rounds.
const DefaultSupportPerHour = 5

// DefaultInboundConfig takes messages up to 25 MiB (what common providers
// send) and 60 a minute from one address; serve sets the file limits from
// its own flags.
func DefaultInboundConfig() InboundConfig {
	return InboundConfig{MaxMessageBytes: 25 << 20, MaxFileBytes: 10 << 20, MaxFiles: 20,
		RatePerMinute: 60, Burst: 20, Timeout: time.Minute}
}

// inbound is the SMTP listener that turns replies into thread messages
// and, when a support address is set, mail to it into new tickets. It
// only ever delivers to reply addresses of existing open tickets and to
// the support address, so it is no relay and cannot be used to send mail
// anywhere else.
type inbound struct {
	db      *db.DB
	files   filestore.Files
	cfg     InboundConfig
	baseURL string // the support form, named in refusals
	replies replyAddresses
	support string // the support address, lower case; "" when mail opens no tickets
	from    string // our own From address, lower case
	limit   *clientLimiter
	log     *slog.Logger
	server  *smtp.Server
	addr    net.Addr

	mu    sync.Mutex
	conns map[*smtp.Conn]bool
}

func newInbound(store *db.DB, files filestore.Files, c Config, replies replyAddresses, log *slog.Logger) *inbound {
	cfg := c.Inbound
	in := &inbound{db: store, files: files, cfg: cfg, baseURL: strings.TrimRight(c.BaseURL, "/"), replies: replies, log: log,
		support: c.SupportAddress, from: strings.ToLower(c.From.Address),
		limit: newClientLimiter(store, cfg.RatePerMinute, cfg.Burst, log), conns: map[*smtp.Conn]bool{}}
	s := smtp.NewServer(in)
	s.Domain = replies.domain
	s.MaxMessageBytes = cfg.MaxMessageBytes
	// Far above what content may carry: lineLimit refuses long content
	// lines itself, cleanly (see maxWireLine).
	s.MaxLineLength = maxWireLine
	s.MaxRecipients = 10
	s.EnableSMTPUTF8 = true // requesters' own addresses may be internationalised
	s.ReadTimeout, s.WriteTimeout = cfg.Timeout, cfg.Timeout
	s.ErrorLog = slogPrinter{log}
	in.server = s
	return in
}

// listen starts serving on addr ("127.0.0.1:2525", ":25").
func (in *inbound) listen(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("mail: unable to listen for replies on %s: %w", addr, err)
	}
	in.addr = ln.Addr()
	go func() {
		// Through connlimit, as the web server: a flood of connections
		// cannot use up the descriptors the database and the web server
		// need, and one client address cannot take them all.
		conns := connlimit.New(ln, in.cfg.Conns, in.log.With("listener", "smtp"))
		if err := in.server.Serve(conns); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
			in.log.Error("mail: reply listener stopped", "err", err)
		}
	}()
	return nil
}

// close stops taking connections and lets conversations in progress end;
// after grace it cuts the ones still open (a sender that did not get its
// 250 sends again later, so nothing is lost).
func (in *inbound) close(grace time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := in.server.Shutdown(ctx); err == nil {
		return
	}
	in.mu.Lock()
	for c := range in.conns {
		c.Close()
	}
	in.mu.Unlock()
}

// NewSession starts a conversation with a client (smtp.Backend), at its
// first HELO or EHLO.
func (in *inbound) NewSession(c *smtp.Conn) (smtp.Session, error) {
	if len(c.Hostname()) > maxDomainLength {
		return nil, errDomainTooLong
	}
	in.mu.Lock()
	in.conns[c] = true
	in.mu.Unlock()
	host := c.Conn().RemoteAddr().String()
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return &session{in: in, conn: c, client: host}, nil
}

// session is one client's conversation: MAIL, RCPT, DATA, and again.
type session struct {
	in       *inbound
	conn     *smtp.Conn
	client   string // the client's IP address, for the rate limit
	from     string
	ticketID int64
	support  bool   // to the support address: the message opens a ticket
	lang     string // the ticket's, for refusals the person will read
}

var (
	errRateLimited = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 7, 1},
		Message: "Too much mail from your address; try again later"}
	errNoMailbox = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1},
		Message: "No such mailbox"}
	errOneTicket = &smtp.SMTPError{Code: 452, EnhancedCode: smtp.EnhancedCode{4, 5, 3},
		Message: "One ticket per message; send the rest separately"}
	errTryLater = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0},
		Message: "Temporary problem on our side; try again later"}
	errUnreadable = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 6, 0},
		Message: "The message could not be read"}
	// errStorageFull is temporary: the sender's server keeps the reply and
	// sends it again once an admin has made room.
	errStorageFull = &smtp.SMTPError{Code: 452, EnhancedCode: smtp.EnhancedCode{4, 3, 1},
		Message: "Insufficient system storage; try again later"}
	errPathTooLong = &smtp.SMTPError{Code: 501, EnhancedCode: smtp.EnhancedCode{5, 1, 7},
		Message: "Path too long"}
	errDomainTooLong = &smtp.SMTPError{Code: 501, EnhancedCode: smtp.EnhancedCode{5, 5, 2},
		Message: "Domain name too long"}
)

// RFC 5321's limits (§4.5.3.1): a reverse or forward path of 256 octets,
// a domain of 255. go-smtp reads lines of up to maxWireLine, so the
// arguments we keep are held to these.
const (
	maxPathLength   = 256
	maxDomainLength = 255
)

// closedRefusal refuses a reply to a closed ticket. The sender's server
// mails the text back to the person, so it is in the ticket's language and
// names where to write instead.
func (in *inbound) closedRefusal(lang string) *smtp.SMTPError {
	return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1},
		Message: fmt.Sprintf(wordsFor(lang).ClosedRefusal, in.baseURL+"/")}
}

// longLineRefusal refuses a message with a line over maxLineLength,
// permanently: the sender's server bounces it to the person at once
// rather than retrying a message that can never pass.
func longLineRefusal(lang string) *smtp.SMTPError {
	return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0},
		Message: fmt.Sprintf(wordsFor(lang).LongLineRefusal, maxLineLength)}
}

// Mail starts a message; each one costs the client a token. Below the
// free-space floor it is refused before the client sends anything.
func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if !s.in.limit.allow(s.client) {
		return errRateLimited
	}
	if len(from) > maxPathLength {
		return errPathTooLong
	}
	if low, free := s.in.storageLow(); low {
		s.in.log.Warn("mail: refused a reply: the data folder is below its free-space floor (--min-free-mb)",
			"remote", s.conn.Conn().RemoteAddr().String(), "free_bytes", free, "floor_bytes", s.in.cfg.MinFreeBytes)
		return errStorageFull
	}
	s.from, s.ticketID, s.support, s.lang = from, 0, false, ""
	return nil
}

// storageLow reports whether the data folder is below MinFreeBytes, with
// the free bytes measured (see filestore.Store.BelowFloor).
func (in *inbound) storageLow() (bool, int64) {
	low, free, _ := in.files.BelowFloor(in.cfg.MinFreeBytes, false)
	return low, free
}

// Rcpt accepts only a correctly signed reply address of an open ticket,
// or the support address. Refusals cost a token too, which slows anyone
// guessing addresses. A message goes to one ticket, or opens one: other
// recipients are refused with a temporary 452, and the sender's server
// sends them a copy of their own.
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.in.support != "" && strings.EqualFold(to, s.in.support) {
		if s.ticketID != 0 {
			return errOneTicket
		}
		s.support = true
		return nil
	}
	id, ok := s.in.replies.TicketID(to)
	if !ok {
		s.in.limit.allow(s.client)
		return errNoMailbox
	}
	if s.support || s.ticketID != 0 && s.ticketID != id {
		return errOneTicket
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	t, err := s.in.db.Ticket(ctx, id, false)
	switch {
	case db.ErrorCode(err) == db.ENOTFOUND:
		s.in.limit.allow(s.client)
		return errNoMailbox
	case err != nil:
		s.in.log.Warn("mail: unable to check a reply address", "ticket", id, "err", err)
		return errTryLater
	case t.Status == db.StatusClosed:
		return s.in.closedRefusal(t.Language)
	}
	s.ticketID, s.lang = id, t.Language
	return nil
}

// Data reads the message and adds it to the ticket's thread, or opens a
// ticket with it.
func (s *session) Data(r io.Reader) error {
	conn, timeout := s.conn.Conn(), s.in.cfg.Timeout
	lines := &lineLimit{r: idleDeadline{r: r, conn: conn, timeout: timeout}}
	// ticketID is 0 for the support address: the message opens a ticket.
	err := s.in.receive(s.ticketID, s.from, conn.RemoteAddr().String(), lines)
	if lines.over {
		// The remote address, never the content: the message is not ours
		// to keep.
		s.in.log.Warn("mail: refused a message with a line over the limit", "remote", conn.RemoteAddr().String(),
			"ticket", s.ticketID, "limit", maxLineLength)
		err = longLineRefusal(s.lang)
	}
	if err != nil && timeout > 0 {
		// go-smtp reads the rest of a refused message off the wire before
		// answering: give a big one time to arrive.
		conn.SetReadDeadline(time.Now().Add(5 * timeout))
	}
	return err
}

// idleDeadline pushes the connection's read deadline forward on every
// read. go-smtp sets it once per command, which would cut off a large
// message on a slow link however steadily it flows; this bounds only the
// silences.
type idleDeadline struct {
	r       io.Reader
	conn    net.Conn
	timeout time.Duration
}

func (d idleDeadline) Read(p []byte) (int, error) {
	if d.timeout > 0 {
		d.conn.SetReadDeadline(time.Now().Add(d.timeout))
	}
	return d.r.Read(p)
}

// Reset forgets the message in progress.
func (s *session) Reset() { s.from, s.ticketID, s.support, s.lang = "", 0, false, "" }

// Logout ends the conversation.
func (s *session) Logout() error {
	s.in.mu.Lock()
	delete(s.in.conns, s.conn)
	s.in.mu.Unlock()
	return nil
}

// slogPrinter lets go-smtp's connection errors reach our log.
type slogPrinter struct{ log *slog.Logger }

// Printf logs at debug level: these are clients' broken connections.
func (p slogPrinter) Printf(format string, v ...any) {
	p.log.Debug("mail: smtp: " + fmt.Sprintf(format, v...))
}

// Println is Printf without a format.
func (p slogPrinter) Println(v ...any) { p.log.Debug("mail: smtp: " + fmt.Sprint(v...)) }
