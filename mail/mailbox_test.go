package mail

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// mailbox is the tests' mail server: a real go-smtp server on loopback
// that records every message it accepts, as a receiving server would.
type mailbox struct {
	addr   string
	server *smtp.Server
	reject map[string]bool // recipients refused with 550

	mu   sync.Mutex
	msgs []received
}

// received is one accepted message.
type received struct {
	From   string
	To     []string
	Raw    []byte
	Header netmail.Header
	Text   string
	HTML   string
}

// Get returns a header with encoded words decoded.
func (r received) Get(name string) string {
	v, err := new(mime.WordDecoder).DecodeHeader(r.Header.Get(name))
	if err != nil {
		return r.Header.Get(name)
	}
	return v
}

// startMailbox listens on addr ("127.0.0.1:0" for any free port).
func startMailbox(t *testing.T, addr string) *mailbox {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("mailbox: %v", err)
	}
	m := &mailbox{addr: ln.Addr().String(), reject: map[string]bool{}}
	m.server = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &mailboxSession{box: m}, nil
	}))
	m.server.Domain = "mx.example.test"
	m.server.ReadTimeout, m.server.WriteTimeout = 10*time.Second, 10*time.Second
	go m.server.Serve(ln)
	t.Cleanup(m.close)
	return m
}

func (m *mailbox) close() { m.server.Close() }

// messages returns what arrived so far, in order.
func (m *mailbox) messages() []received {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]received(nil), m.msgs...)
}

// waitFor waits (at most 30 s, for a loaded machine) until n messages
// have arrived.
func (m *mailbox) waitFor(t *testing.T, n int) []received {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		got := m.messages()
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("mailbox: %d messages arrived, want %d", len(got), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

type mailboxSession struct {
	box  *mailbox
	from string
	to   []string
}

func (s *mailboxSession) Mail(from string, _ *smtp.MailOptions) error { s.from = from; return nil }

func (s *mailboxSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.box.reject[to] {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user"}
	}
	s.to = append(s.to, to)
	return nil
}

func (s *mailboxSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	rec, err := parseReceived(raw)
	if err != nil {
		return err
	}
	rec.From, rec.To = s.from, s.to
	s.box.mu.Lock()
	s.box.msgs = append(s.box.msgs, rec)
	s.box.mu.Unlock()
	return nil
}

func (s *mailboxSession) Reset()        { s.from, s.to = "", nil }
func (s *mailboxSession) Logout() error { return nil }

// parseReceived reads a multipart/alternative notification into its
// header, text and HTML.
func parseReceived(raw []byte) (received, error) {
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return received{}, err
	}
	rec := received{Raw: raw, Header: msg.Header}
	media, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || media != "multipart/alternative" {
		return received{}, errors.New("not multipart/alternative: " + msg.Header.Get("Content-Type"))
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			return rec, nil
		}
		if err != nil {
			return received{}, err
		}
		var body io.Reader = p
		if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			body = quotedprintable.NewReader(p)
		}
		b, err := io.ReadAll(body)
		if err != nil {
			return received{}, err
		}
		switch t, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type")); t {
		case "text/plain":
			rec.Text = string(b)
		case "text/html":
			rec.HTML = string(b)
		}
	}
}
