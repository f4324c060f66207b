package main

// The harness of the multi-process tests: a real SMTP server that keeps
// what it is sent, several `helpdesk serve` processes on one PostgreSQL
// database and one bucket, and the requests an API client and a browser
// make to them.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	netmail "net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/emersion/go-smtp"

	"github.com/kinconecta/helpdesk/internal/pgtest"
	"github.com/kinconecta/helpdesk/internal/s3test"
)

// sinkMessage is one message the SMTP sink accepted.
type sinkMessage struct {
	From      string
	To        []string
	MessageID string // the Message-ID header, brackets and all
	Subject   string
}

// smtpSink is a real SMTP server (go-smtp) on loopback that accepts every
// message and keeps its envelope and headers, as a receiving server would.
type smtpSink struct {
	Addr   string
	server *smtp.Server

	mu   sync.Mutex
	msgs []sinkMessage
}

// startSMTPSink listens on a free loopback port until the test ends.
func startSMTPSink(t testing.TB) *smtpSink {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpSink{Addr: ln.Addr().String()}
	s.server = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &sinkSession{sink: s}, nil
	}))
	s.server.Domain = "mx.sink.test"
	s.server.ReadTimeout, s.server.WriteTimeout = 10*time.Second, 10*time.Second
	s.server.MaxMessageBytes = 1 << 20
	go s.server.Serve(ln)
	t.Cleanup(func() { s.server.Close() })
	return s
}

// URL is the sink as --smtp-url.
func (s *smtpSink) URL() string { return "smtp+insecure://" + s.Addr }

// messages is what arrived so far, in order.
func (s *smtpSink) messages() []sinkMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]sinkMessage(nil), s.msgs...)
}

// waitUntil polls the messages (at most 45 s) until done says they are
// complete, and returns them; it fails the test with what arrived if
// they never are.
func (s *smtpSink) waitUntil(t testing.TB, what string, done func([]sinkMessage) bool) []sinkMessage {
	t.Helper()
	deadline := time.Now().Add(45 * time.Second)
	for {
		got := s.messages()
		if done(got) {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("SMTP sink: still waiting for %s after 45 s; %d messages arrived", what, len(got))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

type sinkSession struct {
	sink *smtpSink
	from string
	to   []string
}

func (s *sinkSession) Mail(from string, _ *smtp.MailOptions) error { s.from = from; return nil }

func (s *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *sinkSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "not a message: " + err.Error()}
	}
	m := sinkMessage{From: s.from, To: append([]string(nil), s.to...),
		MessageID: msg.Header.Get("Message-Id"), Subject: msg.Header.Get("Subject")}
	s.sink.mu.Lock()
	s.sink.msgs = append(s.sink.msgs, m)
	s.sink.mu.Unlock()
	return nil
}

func (s *sinkSession) Reset()        { s.from, s.to = "", nil }
func (s *sinkSession) Logout() error { return nil }

// fleet is several helpdesk processes sharing one PostgreSQL database and
// one bucket, as behind a load balancer; each has its own data folder and
// address.
type fleet struct {
	DatabaseURL string
	FilesURL    string
	Sink        *smtpSink
	Procs       []*server
	CreateRate  int
}

// startFleet starts n `helpdesk serve` processes at once on a fresh
// database (so they meet on its first migration and on creating the first
// admin) and waits until each is ready.
func startFleet(t *testing.T, n, createRate int) *fleet {
	t.Helper()
	f := &fleet{
		DatabaseURL: pgtest.URL(t),
		FilesURL:    s3test.Start(t).URL("helpdesk"),
		Sink:        startSMTPSink(t),
		CreateRate:  createRate,
	}
	for range n {
		addr := freeAddr(t)
		s := launch(t, nil, "http://"+addr,
			"--data", t.TempDir(), "--addr", addr, "--base-url", "http://"+addr,
			"--database-url", f.DatabaseURL, "--files-url", f.FilesURL,
			"--smtp-url", f.Sink.URL(), "--create-rate", strconv.Itoa(createRate))
		f.Procs = append(f.Procs, s)
	}
	for _, s := range f.Procs {
		s.waitReady()
	}
	return f
}

// adminPassword is the one-time password of the first admin: exactly one
// process of the fleet must have made the account and printed it.
func (f *fleet) adminPassword(t testing.TB) string {
	t.Helper()
	re := regexp.MustCompile(`msg="first start: created an admin account[^"]*" email=\S+ password=("(?:[^"\\]|\\.)*"|\S+)`)
	var found []string
	for _, s := range f.Procs {
		if m := re.FindStringSubmatch(s.Log.String()); m != nil {
			p := m[1]
			if uq, err := strconv.Unquote(p); err == nil {
				p = uq
			}
			found = append(found, p)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d processes printed a first admin password, want exactly 1", len(found))
	}
	return found[0]
}

// mintKey mints an API key on the fleet's database with the CLI.
func (f *fleet) mintKey(t testing.TB, role string) string {
	t.Helper()
	r := runCLI(t, nil, "", "apikey", "create", "--data", t.TempDir(), "--database-url", f.DatabaseURL, "--name", "multi-process tests", "--role", role)
	if r.Code != 0 {
		t.Fatalf("apikey create: exit %d, stderr %q", r.Code, r.Stderr)
	}
	key := lastLine(r.Stdout)
	if !strings.HasPrefix(key, "hdk_") {
		t.Fatalf("apikey create: last line %q is not an hdk_ key", key)
	}
	return key
}

// addAgent creates an agent account with password on the fleet's database
// with the CLI.
func (f *fleet) addAgent(t testing.TB, email, name, password string) {
	t.Helper()
	r := runCLI(t, nil, password+"\n", "user", "add", "--data", t.TempDir(), "--database-url", f.DatabaseURL, "--email", email, "--name", name)
	if r.Code != 0 {
		t.Fatalf("user add: exit %d, stderr %q", r.Code, r.Stderr)
	}
}

// createTicket posts a create to base with auth ("" for the public) and
// fields, as multipart with files when there are any, else as JSON, and
// decodes a 201 answer.
func createTicket(client *http.Client, base, auth string, fields map[string]string, files []testFile) (apiTicket, reply, error) {
	if len(files) > 0 {
		ct, body := multipartBody(fields, "attachments", files)
		return decodeCreated(send(client, "POST", base+"/api/support-tickets", ct, auth, bytes.NewReader(body)))
	}
	body, _ := json.Marshal(fields)
	return decodeCreated(send(client, "POST", base+"/api/support-tickets", "application/json", auth, bytes.NewReader(body)))
}

// getTicket reads a ticket with auth (an API key or its access token) and
// fails the test unless it answers 200 with that ticket.
func getTicket(t testing.TB, client *http.Client, base string, id int64, auth string) apiTicket {
	t.Helper()
	r := mustSend(t, client, "GET", fmt.Sprintf("%s/api/support-tickets/%d", base, id), "", auth, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("GET ticket %d from %s: %d %s", id, base, r.Status, r.Body)
	}
	var tk apiTicket
	if err := json.Unmarshal(r.Body, &tk); err != nil || tk.ID != id {
		t.Fatalf("GET ticket %d from %s: %v: %s", id, base, err, r.Body)
	}
	return tk
}

// browser is one person's browser: its own cookies, which it sends to any
// of the fleet's processes (they share one host, 127.0.0.1, as behind a
// load balancer they share one name), and no redirects followed.
type browser struct {
	client *http.Client
	jar    *cookiejar.Jar
}

func newBrowser(t testing.TB) *browser {
	jar, _ := cookiejar.New(nil)
	c := newClient(t)
	c.Jar = jar
	return &browser{client: c, jar: jar}
}

// get fetches base+path and returns the answer and its body.
func (b *browser) get(t testing.TB, base, path string) (*http.Response, string) {
	t.Helper()
	resp, err := b.client.Get(base + path)
	if err != nil {
		t.Fatalf("GET %s%s: %v", base, path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s%s: %v", base, path, err)
	}
	return resp, string(body)
}

// postForm posts form to base+path with the browser's CSRF token (the
// cookie's value, which forms repeat) and returns the status.
func (b *browser) postForm(t testing.TB, base, path string, form url.Values) *http.Response {
	t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", b.cookie(t, base, "helpdesk_csrf"))
	resp, err := b.client.PostForm(base+path, form)
	if err != nil {
		t.Fatalf("POST %s%s: %v", base, path, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// cookie is the value of the browser's cookie name for base; it fails the
// test when there is none.
func (b *browser) cookie(t testing.TB, base, name string) string {
	t.Helper()
	u, _ := url.Parse(base)
	for _, c := range b.jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	t.Fatalf("the browser holds no %s cookie for %s", name, base)
	return ""
}

// openLogin loads the sign-in page from base, which sets the CSRF cookie,
// and checks the form's token is that cookie's.
func (b *browser) openLogin(t testing.TB, base string) {
	t.Helper()
	resp, body := b.get(t, base, "/agent/login")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s/agent/login: %d", base, resp.StatusCode)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	token, _ := doc.Find(`[data-testid="login-form"] input[name="csrf"]`).Attr("value")
	if token == "" || token != b.cookie(t, base, "helpdesk_csrf") {
		t.Fatalf("the sign-in form's token %q is not its cookie's", token)
	}
}

// signIn posts the sign-in form to base and returns the status.
func (b *browser) signIn(t testing.TB, base, email, password string) int {
	t.Helper()
	return b.postForm(t, base, "/agent/login", url.Values{"email": {email}, "password": {password}}).StatusCode
}
