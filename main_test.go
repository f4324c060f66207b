package main

// Process-level tests. They build the real helpdesk binary once and drive it
// the way operators and API clients do: real flags and environment, a real
// SQLite file under t.TempDir(), real HTTP on a loopback port and real
// signals. This file holds the harness and the shutdown test.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kinconecta/helpdesk/internal/pgtest"
)

// Bounds that keep every test finite even when the product misbehaves.
const (
	buildTimeout   = 3 * time.Minute
	readyTimeout   = 20 * time.Second
	exitTimeout    = 45 * time.Second // longer than serve's 30 s drain
	cliTimeout     = 30 * time.Second
	requestTimeout = 20 * time.Second
)

var (
	buildOnce sync.Once
	buildDir  string
	buildPath string
	buildErr  error
)

// TestMain removes the binary built for the tests and stops the PostgreSQL
// cluster (internal/pgtest) once they are done.
func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Stop()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// helpdeskBinary returns the path of the helpdesk binary, building it on
// first use. It is built without -race: the product is under test here, and
// a plain build starts and runs much faster than an instrumented one.
func helpdeskBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "helpdesk-bin-")
		if buildErr != nil {
			return
		}
		buildPath = filepath.Join(buildDir, "helpdesk")
		ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
		defer cancel()
		// go test puts its own go command first on PATH.
		out, err := exec.CommandContext(ctx, "go", "build", "-o", buildPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildPath
}

// childEnv is the test's environment without any HELPDESK_ variable, so the
// developer's own settings never leak into a test, plus extra (KEY=value).
func childEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "HELPDESK_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

// cliResult is how a finished command went.
type cliResult struct {
	Stdout, Stderr string
	Code           int
}

// runCLI runs the helpdesk binary to completion with args, env (KEY=value,
// added to childEnv) and stdin.
func runCLI(t testing.TB, env []string, stdin string, args ...string) cliResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cliTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, helpdeskBinary(t), args...)
	cmd.Env = childEnv(env...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := cliResult{Stdout: stdout.String(), Stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee) && ee.Exited():
		r.Code = ee.ExitCode()
	default:
		t.Fatalf("helpdesk %s: %v (stderr %q)", strings.Join(args, " "), err, r.Stderr)
	}
	return r
}

// lastLine is the last non-empty line of s, trimmed.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// mintAPIKey runs `helpdesk apikey create` on a data folder, with extra
// flags (--database-url URL), and returns the key from the last line of
// its output.
func mintAPIKey(t testing.TB, data, role string, extra ...string) string {
	t.Helper()
	args := append([]string{"apikey", "create", "--data", data, "--name", "process tests", "--role", role}, extra...)
	r := runCLI(t, nil, "", args...)
	if r.Code != 0 {
		t.Fatalf("apikey create: exit %d, stderr %q", r.Code, r.Stderr)
	}
	key := lastLine(r.Stdout)
	if !strings.HasPrefix(key, "hdk_") {
		t.Fatalf("apikey create: last line %q is not an hdk_ key; stdout %q", key, r.Stdout)
	}
	return key
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// syncBuffer is a bytes.Buffer safe for the child's output copier and the
// test reading it at the same time.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// server is a running `helpdesk serve` process.
type server struct {
	t    testing.TB
	Data string // its data folder
	Addr string // host:port it listens on
	URL  string // http://Addr
	Log  *syncBuffer

	cmd   *exec.Cmd
	done  chan struct{}
	state *os.ProcessState // set once done is closed
}

// launch starts `helpdesk serve args...` without waiting for it; url is
// where it is expected to answer. The process is killed at cleanup if it
// is still running.
func launch(t testing.TB, env []string, url string, args ...string) *server {
	t.Helper()
	s := &server{t: t, URL: url, Addr: strings.TrimPrefix(url, "http://"), Log: &syncBuffer{}, done: make(chan struct{})}
	s.cmd = exec.Command(helpdeskBinary(t), append([]string{"serve"}, args...)...)
	s.cmd.Env = childEnv(env...)
	s.cmd.Stdout, s.cmd.Stderr = s.Log, s.Log
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = s.cmd.Wait()
		s.state = s.cmd.ProcessState
		close(s.done)
	}()
	t.Cleanup(func() {
		select {
		case <-s.done:
		default:
			_ = s.cmd.Process.Kill()
			<-s.done
		}
	})
	return s
}

// startServer starts `helpdesk serve` on data with a free loopback port and
// base URL, extra flags and env (KEY=value), and waits until it is ready. It
// tries another port if the one it picked was taken in the meantime.
func startServer(t testing.TB, data string, env []string, extra ...string) *server {
	t.Helper()
	for attempt := 1; ; attempt++ {
		addr := freeAddr(t)
		args := append([]string{"--data", data, "--addr", addr, "--base-url", "http://" + addr}, extra...)
		s := launch(t, env, "http://"+addr, args...)
		s.Data = data
		err := s.ready()
		if err == nil {
			return s
		}
		if attempt < 3 && strings.Contains(s.Log.String(), "address already in use") {
			continue
		}
		t.Fatalf("%v; log:\n%s", err, s.Log)
	}
}

// waitReady waits until the server is ready, failing the test if it exits
// first or takes too long.
func (s *server) waitReady() {
	s.t.Helper()
	if err := s.ready(); err != nil {
		s.t.Fatalf("%v; log:\n%s", err, s.Log)
	}
}

// ready waits until GET /readyz answers 200, or the process exits, or
// readyTimeout passes.
func (s *server) ready() error {
	client := &http.Client{Timeout: time.Second}
	defer client.CloseIdleConnections()
	deadline := time.Now().Add(readyTimeout)
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			return fmt.Errorf("server exited (%v) before it was ready", s.state)
		default:
		}
		if resp, err := client.Get(s.URL + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("server not ready after %v", readyTimeout)
}

// signal sends sig to the process.
func (s *server) signal(sig os.Signal) {
	s.t.Helper()
	if err := s.cmd.Process.Signal(sig); err != nil {
		s.t.Fatalf("signal %v: %v", sig, err)
	}
}

// wait waits for the process to end and returns its state.
func (s *server) wait() *os.ProcessState {
	s.t.Helper()
	select {
	case <-s.done:
		return s.state
	case <-time.After(exitTimeout):
		s.t.Fatalf("server still running %v after it was told to stop; log:\n%s", exitTimeout, s.Log)
		return nil
	}
}

// stop sends SIGTERM, waits, and fails the test unless the exit status is 0.
func (s *server) stop() {
	s.t.Helper()
	s.signal(syscall.SIGTERM)
	if st := s.wait(); st.ExitCode() != 0 {
		s.t.Fatalf("after SIGTERM: %v, want exit status 0; log:\n%s", st, s.Log)
	}
}

// kill ends the process with SIGKILL, as a crash or power cut would.
func (s *server) kill() {
	s.t.Helper()
	s.signal(syscall.SIGKILL)
	s.wait()
}

// newClient is an HTTP client for one test, its idle connections closed at
// cleanup.
func newClient(t testing.TB) *http.Client {
	tr := &http.Transport{MaxIdleConnsPerHost: 256, DisableCompression: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Timeout: requestTimeout, Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// reply is a finished HTTP exchange.
type reply struct {
	Status int
	Header http.Header
	Body   []byte
}

// send performs a request. A transport failure (or a body cut short) is
// returned as an error, never as a test failure: crash tests expect them.
func send(client *http.Client, method, url, contentType, auth string, body io.Reader) (reply, error) {
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		return reply{}, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if auth != "" {
		req.Header.Set("Authorization", "Bearer "+auth)
	}
	resp, err := client.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return reply{}, err
	}
	return reply{Status: resp.StatusCode, Header: resp.Header, Body: b}, nil
}

// mustSend is send for requests that must get an answer.
func mustSend(t testing.TB, client *http.Client, method, url, contentType, auth string, body io.Reader) reply {
	t.Helper()
	r, err := send(client, method, url, contentType, auth, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	return r
}

// apiTicket is the part of a ticket these tests look at.
type apiTicket struct {
	ID          int64           `json:"id"`
	Subject     string          `json:"subject"`
	AccessToken string          `json:"accessToken"`
	Attachments []apiAttachment `json:"attachments"`
}

// apiAttachment is the part of an attachment these tests look at.
type apiAttachment struct {
	ID       int64  `json:"id"`
	TicketID int64  `json:"ticketId"`
	FileName string `json:"fileName"`
	FileSize int64  `json:"fileSize"`
}

// testFile is an attachment to upload and the digest it must keep.
type testFile struct {
	Name string
	Data []byte
	Sum  [32]byte
}

// newTestFile makes a small file of one of the accepted kinds (0 PNG,
// 1 PDF, 2 plain text), with random content so every file's digest differs.
func newTestFile(rnd *rand.Rand, kind int, name string) testFile {
	var b []byte
	switch kind % 3 {
	case 0:
		b = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR")
		for range 200 + rnd.IntN(1800) {
			b = append(b, byte(rnd.Uint32()))
		}
		name += ".png"
	case 1:
		b = []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
		for range 100 + rnd.IntN(900) {
			b = strconv.AppendUint(b, rnd.Uint64(), 36)
			b = append(b, '\n')
		}
		name += ".pdf"
	default:
		for range 20 + rnd.IntN(200) {
			b = append(b, "lorem ipsum dolor sit amet "[rnd.IntN(27)])
			b = strconv.AppendUint(b, rnd.Uint64(), 36)
			b = append(b, ' ')
		}
		b = append(b, '\n')
		name += ".txt"
	}
	return testFile{Name: name, Data: b, Sum: sha256.Sum256(b)}
}

// ticketFields is a valid create body for subject.
func ticketFields(subject string) map[string]string {
	return map[string]string{
		"roleContext": "tourist",
		"fullName":    "Ana Martinez",
		"email":       "ana.martinez@example.com",
		"subject":     subject,
		"category":    "General Inquiry",
		"message":     "What is your cancellation policy for tours booked less than 24 hours in advance?",
		"status":      "open",
	}
}

// multipartBody encodes fields and files (as parts named fileField).
func multipartBody(fields map[string]string, fileField string, files []testFile) (string, []byte) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	for _, f := range files {
		w, _ := mw.CreateFormFile(fileField, f.Name)
		_, _ = w.Write(f.Data)
	}
	_ = mw.Close()
	return mw.FormDataContentType(), buf.Bytes()
}

// createJSON posts a JSON create and decodes a 201 answer.
func createJSON(client *http.Client, base, subject string) (apiTicket, reply, error) {
	body, _ := json.Marshal(ticketFields(subject))
	return decodeCreated(send(client, "POST", base+"/api/support-tickets", "application/json", "", bytes.NewReader(body)))
}

// createMultipart posts a multipart create with files and decodes a 201
// answer.
func createMultipart(client *http.Client, base, subject string, files []testFile) (apiTicket, reply, error) {
	ct, body := multipartBody(ticketFields(subject), "attachments", files)
	return decodeCreated(send(client, "POST", base+"/api/support-tickets", ct, "", bytes.NewReader(body)))
}

func decodeCreated(r reply, err error) (apiTicket, reply, error) {
	var t apiTicket
	if err != nil || r.Status != http.StatusCreated {
		return t, r, err
	}
	if err := json.Unmarshal(r.Body, &t); err != nil {
		return t, r, fmt.Errorf("create answer is not a ticket: %v: %s", err, r.Body)
	}
	return t, r, nil
}

// uploadFiles posts files to a ticket with its access token and decodes a
// 201 answer.
func uploadFiles(client *http.Client, base string, id int64, token string, files []testFile) ([]apiAttachment, reply, error) {
	ct, body := multipartBody(nil, "file", files)
	r, err := send(client, "POST", fmt.Sprintf("%s/api/support-tickets/%d/attachments", base, id), ct, token, bytes.NewReader(body))
	var atts []apiAttachment
	if err != nil || r.Status != http.StatusCreated {
		return nil, r, err
	}
	if err := json.Unmarshal(r.Body, &atts); err != nil {
		return nil, r, fmt.Errorf("upload answer is not a list of attachments: %v: %s", err, r.Body)
	}
	return atts, r, nil
}

// attachmentPath is where the API serves an attachment's bytes.
func attachmentPath(ticketID, id int64) string {
	return fmt.Sprintf("/api/support-tickets/%d/attachments/%d", ticketID, id)
}

// listAll walks GET /api/support-tickets page by page with an API key and
// returns every ticket and the X-Total-Count of the first page.
func listAll(t testing.TB, client *http.Client, base, key string) ([]apiTicket, int) {
	t.Helper()
	var all []apiTicket
	total := -1
	next := "/api/support-tickets?limit=200"
	for page := 0; next != ""; page++ {
		if page > 10000 {
			t.Fatal("the list's next links never end")
		}
		r := mustSend(t, client, "GET", base+next, "", key, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", next, r.Status, r.Body)
		}
		var tickets []apiTicket
		if err := json.Unmarshal(r.Body, &tickets); err != nil {
			t.Fatalf("GET %s: %v: %s", next, err, r.Body)
		}
		all = append(all, tickets...)
		if total < 0 {
			n, err := strconv.Atoi(r.Header.Get("X-Total-Count"))
			if err != nil {
				t.Fatalf("X-Total-Count %q: %v", r.Header.Get("X-Total-Count"), err)
			}
			total = n
		}
		next = nextLink(r.Header.Get("Link"))
	}
	return all, total
}

// nextLink extracts the target of rel="next" from a Link header.
func nextLink(h string) string {
	for _, l := range strings.Split(h, ",") {
		target, params, ok := strings.Cut(strings.TrimSpace(l), ";")
		if ok && strings.Contains(params, `rel="next"`) {
			return strings.Trim(strings.TrimSpace(target), "<>")
		}
	}
	return ""
}

// storedFiles lists the regular files in a data folder's attachments
// folder, and those in its temporary folder.
func storedFiles(t testing.TB, data string) (files, temp []string) {
	t.Helper()
	dir := filepath.Join(data, "attachments")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() {
			files = append(files, e.Name())
		}
	}
	tmp, err := os.ReadDir(filepath.Join(dir, "tmp"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	for _, e := range tmp {
		temp = append(temp, e.Name())
	}
	return files, temp
}

// TestSigtermDrains sends SIGTERM while an upload is still arriving: the
// listener closes at once, the upload still completes with 201, the process
// exits 0 and logs that it drained, and nothing answers afterwards.
func TestSigtermDrains(t *testing.T) {
	// Browsers and curl send a Content-Length; streaming API clients send
	// chunked bodies, whose last chunk comes after the closing boundary.
	for _, tc := range []struct {
		name    string
		chunked bool
	}{{"ContentLength", false}, {"Chunked", true}} {
		t.Run(tc.name, func(t *testing.T) { sigtermDrains(t, tc.chunked) })
	}
}

// sigtermDrains is TestSigtermDrains for one way of sending the body.
func sigtermDrains(t *testing.T, chunked bool) {
	data := t.TempDir()
	s := startServer(t, data, []string{"HELPDESK_CREATE_RATE=0"})
	client := newClient(t)
	ticket, r, err := createJSON(client, s.URL, "slow upload")
	if err != nil || r.Status != http.StatusCreated {
		t.Fatalf("create: %v %d %s", err, r.Status, r.Body)
	}

	// The whole body is known in advance (so it can carry a Content-Length);
	// it is sent slowly, a piece at a time.
	chunk := bytes.Repeat([]byte("the upload that outlives SIGTERM\n"), 32)
	sent := bytes.Repeat(chunk, 20)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	part, err := mw.CreateFormFile("file", "slow.txt")
	if err != nil {
		t.Fatal(err)
	}
	part.Write(sent)
	mw.Close()
	pr, pw := io.Pipe()
	req, err := http.NewRequest("POST", fmt.Sprintf("%s/api/support-tickets/%d/attachments", s.URL, ticket.ID), pr)
	if err != nil {
		t.Fatal(err)
	}
	if !chunked {
		req.ContentLength = int64(body.Len())
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+ticket.AccessToken)
	type outcome struct {
		reply
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		resp, err := client.Do(req)
		if err != nil {
			done <- outcome{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		done <- outcome{reply{Status: resp.StatusCode, Body: b}, err}
	}()
	defer pw.Close() // unblocks the request if the test fails early

	pieces := bytes.NewReader(body.Bytes())
	write := func() {
		t.Helper()
		if _, err := io.CopyN(pw, pieces, int64(len(chunk))); err != nil && err != io.EOF {
			t.Fatalf("writing the upload: %v", err)
		}
		time.Sleep(100 * time.Millisecond) // a slow client
	}
	// The client's transport buffers 4 KiB before its first write to the
	// socket: send more than that, so the request has reached the server
	// (and is in flight there) before the signal.
	for range 8 {
		write()
	}

	s.signal(syscall.SIGTERM)
	// Hold the upload open until the server has demonstrably begun shutting
	// down: new connections are refused while ours is still in flight.
	dialer := net.Dialer{Timeout: time.Second}
	for deadline := time.Now().Add(10 * time.Second); ; {
		c, err := dialer.Dial("tcp", s.Addr)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatalf("still accepting connections 10 s after SIGTERM; log:\n%s", s.Log)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for pieces.Len() > 0 {
		write()
	}
	pw.Close()

	var o outcome
	select {
	case o = <-done:
	case <-time.After(exitTimeout):
		t.Fatalf("the upload never finished; log:\n%s", s.Log)
	}
	if o.err != nil {
		t.Fatalf("in-flight upload failed after SIGTERM: %v; log:\n%s", o.err, s.Log)
	}
	if o.Status != http.StatusCreated {
		t.Fatalf("in-flight upload answered %d %s, want 201", o.Status, o.Body)
	}
	var atts []apiAttachment
	if err := json.Unmarshal(o.Body, &atts); err != nil || len(atts) != 1 {
		t.Fatalf("upload answer %s: %v", o.Body, err)
	}
	if got, want := atts[0].FileSize, int64(len(sent)); got != want {
		t.Fatalf("stored %d bytes, sent %d", got, want)
	}

	if st := s.wait(); st.ExitCode() != 0 {
		t.Fatalf("after SIGTERM: %v, want exit status 0; log:\n%s", st, s.Log)
	}
	log := s.Log.String()
	for _, want := range []string{"draining", "stopped"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	if strings.Contains(log, "did not drain") {
		t.Errorf("log says a request was cut off:\n%s", log)
	}
	if _, err := (&http.Client{Timeout: 2 * time.Second}).Get(s.URL + "/healthz"); err == nil {
		t.Fatal("a request after exit was answered")
	}

	// The upload is durable: a restart serves the same bytes.
	s2 := startServer(t, data, nil)
	r = mustSend(t, client, "GET", s2.URL+attachmentPath(ticket.ID, atts[0].ID), "", ticket.AccessToken, nil)
	if r.Status != http.StatusOK || !bytes.Equal(r.Body, sent) {
		t.Fatalf("after restart the upload answers %d with %d bytes, want 200 with the %d sent", r.Status, len(r.Body), len(sent))
	}
	s2.stop()
}

// TestSigtermWithIdleConnection sends SIGTERM while a client holds a
// connection it has not sent anything on yet, as browsers' speculative
// preconnects and proxies' connection pools do. No request is in flight,
// so there is nothing to drain: the server must not wait on that
// connection until its drain deadline and report a request cut off.
func TestSigtermWithIdleConnection(t *testing.T) {
	s := startServer(t, t.TempDir(), nil)
	conn, err := net.Dial("tcp", s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	time.Sleep(100 * time.Millisecond) // let the server accept it

	s.signal(syscall.SIGTERM)
	if st := s.wait(); st.ExitCode() != 0 {
		t.Fatalf("after SIGTERM: %v, want exit status 0; log:\n%s", st, s.Log)
	}
	if log := s.Log.String(); strings.Contains(log, "did not drain") {
		t.Fatalf("an unused connection held up shutdown until the drain deadline:\n%s", log)
	}
}
