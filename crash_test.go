package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// ledger records what the server acknowledged, which is exactly what it
// promised to keep.
type ledger struct {
	mu         sync.Mutex
	tickets    map[int64]string       // ticket id -> subject
	files      map[int64]ackedFile    // attachment id -> what it must hold
	unexpected []string               // answers or failures that should not happen
	byCycle    map[int]map[int64]bool // ticket ids acknowledged in each cycle
	cutOff     atomic.Int64           // requests that failed after the kill
}

// writerLimit bounds a writer that is never told to stop.
const writerLimit = 30 * time.Second

// ackedFile is an acknowledged attachment.
type ackedFile struct {
	TicketID int64
	Sum      [32]byte
}

func newLedger() *ledger {
	return &ledger{tickets: map[int64]string{}, files: map[int64]ackedFile{}, byCycle: map[int]map[int64]bool{}}
}

// ackTicket records an acknowledged create, with the files it carried,
// matched to the answer's attachments by their (unique) names.
func (l *ledger) ackTicket(cycle int, t apiTicket, sent []testFile) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.tickets[t.ID] = t.Subject
	if l.byCycle[cycle] == nil {
		l.byCycle[cycle] = map[int64]bool{}
	}
	l.byCycle[cycle][t.ID] = true
	return l.ackFiles(t.ID, t.Attachments, sent)
}

// ackUpload records acknowledged uploads to a ticket.
func (l *ledger) ackUpload(ticketID int64, atts []apiAttachment, sent []testFile) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.ackFiles(ticketID, atts, sent)
}

func (l *ledger) ackFiles(ticketID int64, atts []apiAttachment, sent []testFile) error {
	if len(atts) != len(sent) {
		return fmt.Errorf("ticket %d: sent %d files, the answer lists %d", ticketID, len(sent), len(atts))
	}
	byName := map[string]testFile{}
	for _, f := range sent {
		byName[f.Name] = f
	}
	for _, a := range atts {
		f, ok := byName[a.FileName]
		if !ok {
			return fmt.Errorf("ticket %d: the answer lists %q, which was not sent", ticketID, a.FileName)
		}
		l.files[a.ID] = ackedFile{TicketID: ticketID, Sum: f.Sum}
	}
	return nil
}

func (l *ledger) fail(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.unexpected = append(l.unexpected, fmt.Sprintf(format, args...))
}

func (l *ledger) counts() (tickets, files int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.tickets), len(l.files)
}

// ownTicket is a ticket a writer created, with the token that lets it add
// files.
type ownTicket struct {
	id    int64
	token string
	files int
}

// writerRun is one writer's share of a crash cycle.
type writerRun struct {
	client *http.Client
	base   string
	cycle  int
	writer int
	led    *ledger
	killed *atomic.Bool // set just before the server is killed
	stop   chan struct{}
}

// run creates tickets (JSON, and multipart with files) and adds files to
// its own tickets until told to stop (or, should the test never say so, for
// writerLimit). Any answer but 201, and any failure before the kill, is
// recorded as unexpected; failures after it are counted.
func (w writerRun) run() {
	rnd := rand.New(rand.NewPCG(uint64(w.cycle), uint64(w.writer)))
	var mine []ownTicket
	deadline := time.Now().Add(writerLimit)
	for n := 0; time.Now().Before(deadline); n++ {
		select {
		case <-w.stop:
			return
		default:
		}
		name := fmt.Sprintf("c%d-w%d-n%d", w.cycle, w.writer, n)
		files := make([]testFile, 1+rnd.IntN(2))
		for i := range files {
			files[i] = newTestFile(rnd, rnd.IntN(3), fmt.Sprintf("%s-f%d", name, i))
		}
		var r reply
		var err error
		switch op := n % 4; {
		case op == 3 && len(mine) > 0:
			own := &mine[rnd.IntN(len(mine))]
			if own.files+len(files) > 8 {
				continue
			}
			var atts []apiAttachment
			atts, r, err = uploadFiles(w.client, w.base, own.id, own.token, files)
			if err == nil && r.Status == http.StatusCreated {
				own.files += len(files)
				if err := w.led.ackUpload(own.id, atts, files); err != nil {
					w.led.fail("%s: %v", name, err)
				}
			}
		case op == 2:
			var t apiTicket
			t, r, err = createMultipart(w.client, w.base, "crash multipart "+name, files)
			if err == nil && r.Status == http.StatusCreated {
				mine = append(mine, ownTicket{id: t.ID, token: t.AccessToken, files: len(files)})
				if err := w.led.ackTicket(w.cycle, t, files); err != nil {
					w.led.fail("%s: %v", name, err)
				}
			}
		default:
			var t apiTicket
			t, r, err = createJSON(w.client, w.base, "crash json "+name)
			if err == nil && r.Status == http.StatusCreated {
				mine = append(mine, ownTicket{id: t.ID, token: t.AccessToken})
				if err := w.led.ackTicket(w.cycle, t, nil); err != nil {
					w.led.fail("%s: %v", name, err)
				}
			}
		}
		switch {
		case err != nil && !w.killed.Load():
			w.led.fail("%s failed before the kill: %v", name, err)
		case err != nil:
			w.led.cutOff.Add(1)
		case err == nil && r.Status != http.StatusCreated:
			w.led.fail("%s answered %d: %s", name, r.Status, r.Body)
		}
	}
}

// TestCrashKeepsAcknowledgedWrites kills the server with SIGKILL while eight
// writers are creating tickets and uploading files, restarts it on the same
// data folder, and checks that everything acknowledged survived intact: each
// ticket with its subject, each file byte for byte; that no row names a
// missing file and no file lacks a row; and that no temporary file is left.
// It repeats the cycle on the same folder, checking everything acknowledged
// so far each time.
func TestCrashKeepsAcknowledgedWrites(t *testing.T) {
	const (
		cycles  = 3
		writers = 8
	)
	data := t.TempDir()
	key := mintAPIKey(t, data, "agent")
	env := []string{"HELPDESK_CREATE_RATE=0"}
	led := newLedger()
	rnd := rand.New(rand.NewPCG(1, 2))

	for cycle := range cycles {
		s := startServer(t, data, env)
		client := newClient(t)
		var killed atomic.Bool
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				writerRun{client: client, base: s.URL, cycle: cycle, writer: w, led: led, killed: &killed, stop: stop}.run()
			}()
		}

		// Kill only once some writes (with files) are acknowledged, so the
		// cycle always has something to lose, then at a random moment while
		// the writers are still busy.
		before, beforeFiles := led.counts()
		for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			n, f := led.counts()
			if n >= before+20 && f >= beforeFiles+10 {
				break
			}
			if time.Now().After(deadline) {
				close(stop)
				wg.Wait()
				t.Fatalf("cycle %d: only %d tickets and %d files acknowledged in 15 s; unexpected: %q; log:\n%s",
					cycle, n-before, f-beforeFiles, led.unexpected, s.Log)
			}
		}
		time.Sleep(time.Duration(100+rnd.IntN(600)) * time.Millisecond)
		killed.Store(true)
		s.kill()
		close(stop)
		wg.Wait()
		if len(led.unexpected) > 0 {
			t.Fatalf("cycle %d: unexpected answers while writing:\n%q\nlog:\n%s", cycle, led.unexpected, s.Log)
		}
		n, f := led.counts()
		t.Logf("cycle %d: killed after %d tickets and %d files acknowledged (%d and %d in all); %d requests failed after the kill",
			cycle, n-before, f-beforeFiles, n, f, led.cutOff.Swap(0))

		s = startServer(t, data, env)
		verifyAcknowledged(t, client, s, key, led, cycle)
		if cycle == cycles-1 {
			client.CloseIdleConnections()
			s.stop()
		} else {
			s.kill() // an idle crash is a crash too
		}
	}
}

// verifyAcknowledged checks a restarted server against the ledger: every
// ticket listed, every acknowledged ticket found by id with its subject,
// every attachment of every ticket downloadable, acknowledged ones byte for
// byte, as many files on disk as attachment rows, and no temporary files.
func verifyAcknowledged(t *testing.T, client *http.Client, s *server, key string, led *ledger, cycle int) {
	t.Helper()
	led.mu.Lock()
	defer led.mu.Unlock()

	tickets, total := listAll(t, client, s.URL, key)
	if total != len(tickets) {
		t.Errorf("X-Total-Count %d, but the pages hold %d tickets", total, len(tickets))
	}
	listed := map[int64]bool{}
	rows := 0
	for _, tk := range tickets {
		listed[tk.ID] = true
		if want, ok := led.tickets[tk.ID]; ok && tk.Subject != want {
			t.Errorf("ticket %d: subject %q, want %q", tk.ID, tk.Subject, want)
		}
		for _, a := range tk.Attachments {
			rows++
			r := mustSend(t, client, "GET", s.URL+attachmentPath(tk.ID, a.ID), "", key, nil)
			if r.Status != http.StatusOK {
				t.Errorf("ticket %d attachment %d (%s): %d %s; a row without its file", tk.ID, a.ID, a.FileName, r.Status, r.Body)
				continue
			}
			if int64(len(r.Body)) != a.FileSize {
				t.Errorf("ticket %d attachment %d: %d bytes, fileSize says %d", tk.ID, a.ID, len(r.Body), a.FileSize)
			}
			if want, ok := led.files[a.ID]; ok {
				if want.TicketID != tk.ID {
					t.Errorf("attachment %d is on ticket %d, was acknowledged on %d", a.ID, tk.ID, want.TicketID)
				}
				if sha256.Sum256(r.Body) != want.Sum {
					t.Errorf("ticket %d attachment %d: bytes differ from those acknowledged", tk.ID, a.ID)
				}
			}
		}
	}
	lost := 0
	for id := range led.tickets {
		if !listed[id] {
			lost++
			if lost <= 10 {
				t.Errorf("acknowledged ticket %d (%q) is missing after the restart", id, led.tickets[id])
			}
		}
	}
	listedFiles := map[int64]bool{}
	for _, tk := range tickets {
		for _, a := range tk.Attachments {
			listedFiles[a.ID] = true
		}
	}
	for id, f := range led.files {
		if !listedFiles[id] {
			t.Errorf("acknowledged attachment %d of ticket %d is missing after the restart", id, f.TicketID)
		}
	}

	// Each ticket of this cycle, fetched by id as an API client would.
	for id := range led.byCycle[cycle] {
		r := mustSend(t, client, "GET", s.URL+"/api/support-tickets/"+strconv.FormatInt(id, 10), "", key, nil)
		var tk apiTicket
		if r.Status != http.StatusOK || json.Unmarshal(r.Body, &tk) != nil {
			t.Errorf("GET ticket %d: %d %s", id, r.Status, bytes.TrimSpace(r.Body))
			continue
		}
		if tk.Subject != led.tickets[id] {
			t.Errorf("GET ticket %d: subject %q, want %q", id, tk.Subject, led.tickets[id])
		}
	}

	files, temp := storedFiles(t, s.Data)
	if len(temp) > 0 {
		t.Errorf("attachments/tmp holds %d files after restart: %v", len(temp), temp)
	}
	if len(files) != rows {
		t.Errorf("%d files in attachments/, %d attachment rows: orphan files survived the start-up sweep", len(files), rows)
	}
	if t.Failed() {
		t.Fatalf("cycle %d: %d of %d acknowledged tickets lost; log:\n%s", cycle, lost, len(led.tickets), s.Log)
	}
}

// TestConcurrentCreates sends 200 JSON creates at once to the real binary:
// each answers 201 with its own id, and the list holds exactly those 200.
func TestConcurrentCreates(t *testing.T) {
	const n = 200
	data := t.TempDir()
	key := mintAPIKey(t, data, "agent")
	s := startServer(t, data, []string{"HELPDESK_CREATE_RATE=0"})
	client := newClient(t)

	type result struct {
		id     int64
		status int
		err    error
	}
	results := make([]result, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			tk, r, err := createJSON(client, s.URL, fmt.Sprintf("concurrent %d", i))
			results[i] = result{tk.ID, r.Status, err}
		}()
	}
	close(start)
	wg.Wait()

	ids := map[int64]bool{}
	for i, r := range results {
		if r.err != nil || r.status != http.StatusCreated {
			t.Fatalf("create %d: status %d, err %v", i, r.status, r.err)
		}
		if ids[r.id] {
			t.Fatalf("id %d answered twice", r.id)
		}
		ids[r.id] = true
	}

	r := mustSend(t, client, "GET", s.URL+"/api/support-tickets?limit=200", "", key, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("list: %d %s", r.Status, r.Body)
	}
	if got, want := r.Header.Get("X-Total-Count"), strconv.Itoa(n); got != want {
		t.Fatalf("X-Total-Count %q, want %q", got, want)
	}
	var listed []apiTicket
	if err := json.Unmarshal(r.Body, &listed); err != nil {
		t.Fatal(err)
	}
	if got, want := len(listed), n; got != want {
		t.Fatalf("the list holds %d tickets, want %d", got, want)
	}
	for _, tk := range listed {
		if !ids[tk.ID] {
			t.Fatalf("the list holds ticket %d, which no create answered", tk.ID)
		}
	}
	// An unused connection the client pooled would hold up the drain; see
	// TestSigtermWithIdleConnection.
	client.CloseIdleConnections()
	s.stop()
}
