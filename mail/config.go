// Package mail sends the helpdesk's notifications and takes requesters'
// replies by email. Outgoing mail is rendered from the transactional outbox
// by one worker goroutine per process, which claims its rows with a lease
// (db.ClaimDue), so any number of processes send each email once; incoming
// replies arrive on
// an optional built-in SMTP listener and join the ticket's thread.
package mail

import (
	"fmt"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/kinconecta/helpdesk/db"
)

// DefaultFrom is the From address when none is configured.
const DefaultFrom = "Kinconecta Soporte <soporte@localhost>"

// The defaults of --confirm-per-address and --confirm-per-domain
// (ConfirmLimits, per hour). 5 an address: a person rarely opens more
// than a handful of requests in an hour, and past that the tickets are
// still stored and their tracking links still shown after the create. 300
// a domain: a few large providers (gmail.com, outlook.com, …) carry most
// requesters' mail, and 300 new tickets an hour from one of them, 7,200 a
// day, is more than a helpdesk's agents answer, so real requesters do not
// meet it; yet it caps what a stranger can send into any one
// organisation's domain.
const (
	DefaultConfirmPerAddress = 5
	DefaultConfirmPerDomain  = 300
)

// ConfirmLimits caps ticket-created confirmations per recipient address
// and per recipient domain an hour; see db.ConfirmLimits.
type ConfirmLimits = db.ConfirmLimits

// Settings is the mail configuration as the command line gives it.
type Settings struct {
	SMTPURL     string // where to send; empty sends nothing and rows wait in the outbox
	From        string // the From header, "Name <address>" or a bare address
	Listen      string // the inbound SMTP listener's address; empty turns it off
	ReplyDomain string // the domain of reply addresses; empty means the host of BaseURL
	BaseURL     string // absolute base of the links in emails

	ConfirmPerAddress int // confirmations an hour to one address; 0 turns the limit off
	ConfirmPerDomain  int // confirmations an hour to one domain; 0 turns the limit off

	// SupportAddress is where an email opens a new ticket; empty opens
	// none. It needs Listen.
	SupportAddress string
}

// Config is validated Settings, plus the tunables tests change.
type Config struct {
	Server      *Server // nil when sending is not configured
	From        *netmail.Address
	Listen      string
	ReplyDomain string // empty when the listener is off: emails then carry no Reply-To
	BaseURL     string
	Confirm     ConfirmLimits
	// SupportAddress is the bare address (lower case) whose mail opens
	// new tickets; empty when none does.
	SupportAddress string

	Worker  WorkerConfig
	Inbound InboundConfig
}

// Server is an SMTP server to send through, parsed from --smtp-url.
type Server struct {
	Host     string
	Port     int
	Security string // "starttls" (when offered), "starttls-required", "tls" (implicit) or "none"
	User     string
	Password string
	Auth     gomail.SMTPAuthType // empty: choose from what the server offers
}

// ParseConfig validates s. Its errors are one line naming the flag.
func ParseConfig(s Settings) (Config, error) {
	c := Config{Listen: s.Listen, BaseURL: strings.TrimRight(s.BaseURL, "/"),
		Worker: DefaultWorkerConfig(), Inbound: DefaultInboundConfig()}
	base, err := url.Parse(c.BaseURL)
	if err != nil || base.Hostname() == "" {
		return c, fmt.Errorf("invalid --base-url %q", s.BaseURL)
	}
	switch {
	case s.ConfirmPerAddress < 0:
		return c, fmt.Errorf("invalid --confirm-per-address %d: want 0 (no limit) or more", s.ConfirmPerAddress)
	case s.ConfirmPerDomain < 0:
		return c, fmt.Errorf("invalid --confirm-per-domain %d: want 0 (no limit) or more", s.ConfirmPerDomain)
	}
	c.Confirm = ConfirmLimits{PerAddress: s.ConfirmPerAddress, PerDomain: s.ConfirmPerDomain}
	if s.SMTPURL != "" {
		if c.Server, err = ParseServerURL(s.SMTPURL); err != nil {
			return c, err
		}
	}
	if c.From, err = parseFrom(s.From); err != nil {
		return c, err
	}
	if c.Listen == "" {
		if s.SupportAddress != "" {
			return c, fmt.Errorf("--support-address needs --smtp-listen: mail reaches the helpdesk only through its listener")
		}
		// Without the listener nobody takes replies: emails carry no
		// reply address and point to the tracking page instead.
		return c, nil
	}
	c.ReplyDomain = strings.ToLower(strings.TrimSpace(s.ReplyDomain))
	if c.ReplyDomain == "" {
		c.ReplyDomain = strings.ToLower(base.Hostname())
	}
	if !validDomain(c.ReplyDomain) {
		return c, fmt.Errorf("invalid --reply-domain %q: want a domain name such as support.example.com", c.ReplyDomain)
	}
	if s.SupportAddress != "" {
		if c.SupportAddress, err = parseSupportAddress(s.SupportAddress); err != nil {
			return c, err
		}
	}
	// Tickets opened by email count against the confirmation limit of
	// their sender too: a sender held below it by the listener always
	// gets the confirmation, which is their only copy of the tracking link.
	c.Inbound.SupportPerHour = DefaultSupportPerHour
	if c.Confirm.PerAddress > 0 {
		c.Inbound.SupportPerHour = min(c.Inbound.SupportPerHour, c.Confirm.PerAddress)
	}
	return c, nil
}

// parseSupportAddress accepts a bare address with a domain
// (help@kinconecta.com); the listener compares it without case.
func parseSupportAddress(s string) (string, error) {
	bad := fmt.Errorf("invalid --support-address %q: want a bare address such as help@example.com", s)
	a, err := netmail.ParseAddress(strings.TrimSpace(s))
	if err != nil || a.Name != "" || strings.ContainsAny(s, "\r\n") {
		return "", bad
	}
	if _, domain, _ := strings.Cut(a.Address, "@"); !validDomain(domain) {
		return "", bad
	}
	return strings.ToLower(a.Address), nil
}

// parseFrom accepts "Name <address>" or a bare address. Local domains like
// localhost are allowed, since the default must work out of the box.
func parseFrom(s string) (*netmail.Address, error) {
	if s == "" {
		s = DefaultFrom
	}
	a, err := netmail.ParseAddress(s)
	if err != nil || strings.ContainsAny(s, "\r\n") {
		return nil, fmt.Errorf("invalid --mail-from %q: want \"Name <address@domain>\"", s)
	}
	if _, domain, _ := strings.Cut(a.Address, "@"); !validDomain(domain) {
		return nil, fmt.Errorf("invalid --mail-from %q: the address needs a domain", s)
	}
	if !readsBack(a) {
		// golang/go#80592: Go writes such a name so that readers fail.
		return nil, fmt.Errorf("invalid --mail-from %q: a name with both a backslash and non-ASCII letters cannot be written; drop the backslash", s)
	}
	return a, nil
}

// ParseServerURL reads smtp://user:pass@host:port (STARTTLS when the server
// offers it, port 587), smtps://… (implicit TLS, port 465) and
// smtp+insecure://host:port (no TLS at all, port 25: for a relay on the
// same host or a test server). The query may say tls=required (refuse a
// server without STARTTLS) and auth=plain|login|cram-md5|scram-sha-256|….
// The user and password are percent-encoded, as in any URL.
func ParseServerURL(raw string) (*Server, error) {
	bad := func(why string) error { return fmt.Errorf("invalid --smtp-url: %s", why) }
	u, err := url.Parse(raw)
	if err != nil {
		// url's error repeats the URL, password and all: never print it.
		return nil, bad("not a URL like smtp://user:password@host:587")
	}
	s := &Server{Host: u.Hostname()}
	switch u.Scheme {
	case "smtp":
		s.Security, s.Port = "starttls", 587
	case "smtps":
		s.Security, s.Port = "tls", 465
	case "smtp+insecure":
		s.Security, s.Port = "none", 25
	default:
		return nil, bad("the scheme must be smtp, smtps or smtp+insecure")
	}
	if s.Host == "" {
		return nil, bad("no host")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, bad("the port must be 1 to 65535")
		}
		s.Port = n
	}
	if u.Path != "" && u.Path != "/" {
		return nil, bad("a path means nothing here")
	}
	if u.User != nil {
		s.User = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	for key, values := range u.Query() {
		v := strings.ToLower(values[len(values)-1])
		switch {
		case key == "tls" && v == "required" && s.Security == "starttls":
			s.Security = "starttls-required"
		case key == "auth":
			if err := s.Auth.UnmarshalString(v); err != nil || s.Auth == gomail.SMTPAuthCustom {
				return nil, bad("unknown auth " + strconv.Quote(v))
			}
		default:
			return nil, bad("unknown option " + strconv.Quote(key+"="+v))
		}
	}
	return s, nil
}

// clientOptions are the go-mail options that reach s.
func (s *Server) clientOptions(timeout time.Duration) []gomail.Option {
	opts := []gomail.Option{gomail.WithPort(s.Port), gomail.WithTimeout(timeout)}
	switch s.Security {
	case "tls":
		opts = append(opts, gomail.WithSSL())
	case "starttls":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case "starttls-required":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if s.User == "" {
		return append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthNoAuth))
	}
	auth := s.Auth
	switch {
	case auth != "":
	case s.Security == "none":
		// The operator chose a plain connection: let the password cross it.
		auth = gomail.SMTPAuthPlainNoEnc
	default:
		auth = gomail.SMTPAuthAutoDiscover
	}
	return append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(s.User), gomail.WithPassword(s.Password))
}

// validDomain accepts host names: letters, digits, hyphens and dots.
func validDomain(d string) bool {
	if d == "" || len(d) > 253 || strings.HasPrefix(d, ".") || strings.HasSuffix(d, ".") {
		return false
	}
	for _, label := range strings.Split(d, ".") {
		if label == "" || len(label) > 63 || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}
