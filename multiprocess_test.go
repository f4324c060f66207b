package main

// The multi-process test (issue 12, CONTRACT §9): three `helpdesk serve`
// processes on one PostgreSQL database and one bucket, each with its own
// data folder and address, as behind a load balancer, with a real SMTP
// server for the notifications. Whatever process a request reaches, the
// helpdesk must behave as one.

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kinconecta/helpdesk/handlers/desk"
)

// TestMultiProcess runs its steps in order on one fleet: the later ones
// lean on what the earlier ones left (the tickets, the rate limit's
// window) and the last one kills a process.
func TestMultiProcess(t *testing.T) {
	const createRate = 20
	f := startFleet(t, 3, createRate)
	key := f.mintKey(t, "agent")
	client := newClient(t)

	var spread []apiTicket // the tickets of RequestsSpread, in order
	t.Run("RequestsSpread", func(t *testing.T) { spread = requestsSpread(t, f, client, key) })
	t.Run("NotificationsOnce", func(t *testing.T) { notificationsOnce(t, f, spread) })
	t.Run("RateLimitShared", func(t *testing.T) { rateLimitShared(t, f, client) })
	t.Run("SignInThrottleShared", func(t *testing.T) { signInThrottleShared(t, f) })
	t.Run("SessionShared", func(t *testing.T) { sessionShared(t, f) })
	t.Run("KillDuringCreates", func(t *testing.T) { killDuringCreates(t, f, client, key) })

	// Whatever still runs stops cleanly, exit status 0.
	for _, s := range f.Procs {
		select {
		case <-s.done:
		default:
			s.stop()
		}
	}
}

// spreadTickets is how many tickets RequestsSpread creates; every
// filesEvery-th carries a file, which must reach the bucket.
const (
	spreadTickets = 60
	filesEvery    = 6
)

// requesterEmail is the address of ticket i of a step: one per ticket, so
// that each confirmation has a recipient of its own (and no address meets
// --confirm-per-address).
func requesterEmail(step string, i int) string {
	return fmt.Sprintf("%s-%d@example.com", step, i)
}

// requestsSpread creates tickets round-robin over the processes with an
// agent key, some with a file, and reads each back from another process:
// by id with the key, by id with the ticket's access token, and its file
// byte for byte.
func requestsSpread(t *testing.T, f *fleet, client *http.Client, key string) []apiTicket {
	rnd := rand.New(rand.NewPCG(12, 3))
	n := len(f.Procs)
	sent := make([][]testFile, spreadTickets)
	for i := 0; i < spreadTickets; i += filesEvery {
		sent[i] = []testFile{newTestFile(rnd, i/filesEvery, fmt.Sprintf("voucher-%d", i))}
	}
	// Several clients at once, so that the processes' delivery workers
	// find the outbox busy and meet on its rows.
	tickets := make([]apiTicket, spreadTickets)
	failures := make([]string, spreadTickets)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range 2 * n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < spreadTickets; i = int(next.Add(1) - 1) {
				fields := ticketFields(fmt.Sprintf("Spread %d", i))
				fields["email"] = requesterEmail("spread", i)
				tk, r, err := createTicket(client, f.Procs[i%n].URL, key, fields, sent[i])
				switch {
				case err != nil || r.Status != http.StatusCreated:
					failures[i] = fmt.Sprintf("create %d on process %d: %v %d %s", i, i%n, err, r.Status, r.Body)
				case tk.AccessToken == "" || len(tk.Attachments) != len(sent[i]):
					failures[i] = fmt.Sprintf("create %d: no access token, or %d attachments for %d files: %+v", i, len(tk.Attachments), len(sent[i]), tk)
				}
				tickets[i] = tk
			}
		}()
	}
	wg.Wait()
	for _, f := range failures {
		if f != "" {
			t.Fatal(f)
		}
	}
	files := map[int64]testFile{}
	for i, tk := range tickets {
		if len(sent[i]) > 0 {
			files[tk.ID] = sent[i][0]
		}
	}
	ids := map[int64]bool{}
	for i, tk := range tickets {
		if ids[tk.ID] {
			t.Fatalf("ticket id %d given twice", tk.ID)
		}
		ids[tk.ID] = true
		other := f.Procs[(i+1)%n].URL
		if got := getTicket(t, client, other, tk.ID, key); got.Subject != tk.Subject {
			t.Fatalf("ticket %d by key from another process: subject %q, want %q", tk.ID, got.Subject, tk.Subject)
		}
		third := f.Procs[(i+2)%n].URL
		got := getTicket(t, client, third, tk.ID, tk.AccessToken)
		if got.Subject != tk.Subject {
			t.Fatalf("ticket %d by token from another process: subject %q, want %q", tk.ID, got.Subject, tk.Subject)
		}
		if file, ok := files[tk.ID]; ok {
			if len(got.Attachments) != 1 {
				t.Fatalf("ticket %d: %d attachments from another process, want 1", tk.ID, len(got.Attachments))
			}
			r := mustSend(t, client, "GET", other+attachmentPath(tk.ID, got.Attachments[0].ID), "", tk.AccessToken, nil)
			if r.Status != http.StatusOK || string(r.Body) != string(file.Data) {
				t.Fatalf("ticket %d's file from another process: %d, %d bytes, want the %d sent", tk.ID, r.Status, len(r.Body), len(file.Data))
			}
		}
	}
	// Every process lists them all: one database, not three.
	for p, s := range f.Procs {
		all, total := listAll(t, client, s.URL, key)
		if total != spreadTickets || len(all) != spreadTickets {
			t.Fatalf("process %d lists %d tickets (X-Total-Count %d), want %d", p, len(all), total, spreadTickets)
		}
	}
	return tickets
}

// notificationsOnce waits until the sink holds the confirmation of each
// ticket of RequestsSpread, then a few seconds more: each requester got
// exactly one, the thread's root named after their ticket, and no
// Message-ID arrived twice, although three delivery workers polled one
// outbox.
func notificationsOnce(t *testing.T, f *fleet, tickets []apiTicket) {
	if len(tickets) != spreadTickets {
		t.Fatalf("RequestsSpread made %d tickets, want %d", len(tickets), spreadTickets)
	}
	want := map[string]int64{} // requester -> ticket id
	for i, tk := range tickets {
		want[requesterEmail("spread", i)] = tk.ID
	}
	count := func(msgs []sinkMessage) int {
		n := 0
		for _, m := range msgs {
			for _, to := range m.To {
				if _, ok := want[to]; ok {
					n++
				}
			}
		}
		return n
	}
	f.Sink.waitUntil(t, "a confirmation per ticket", func(m []sinkMessage) bool { return count(m) >= len(want) })
	// A second copy would come from another worker's poll (every second)
	// or a lease running out; three polls each is ample for the first.
	time.Sleep(3 * time.Second)
	msgs := f.Sink.messages()
	perRecipient := map[string]int{}
	seen := map[string]bool{}
	for _, m := range msgs {
		if m.MessageID == "" {
			t.Errorf("a message to %v has no Message-ID", m.To)
		}
		if seen[m.MessageID] {
			t.Errorf("Message-ID %s arrived twice", m.MessageID)
		}
		seen[m.MessageID] = true
		for _, to := range m.To {
			id, ok := want[to]
			if !ok {
				continue
			}
			perRecipient[to]++
			if root := fmt.Sprintf("<ticket-%d@", id); !strings.HasPrefix(m.MessageID, root) {
				t.Errorf("%s's message has Message-ID %s, want the root of ticket %d (%s…)", to, m.MessageID, id, root)
			}
		}
	}
	for to := range want {
		if got := perRecipient[to]; got != 1 {
			t.Errorf("%s got %d confirmations, want exactly 1", to, got)
		}
	}
}

// rateLimitShared sends public creates from one client address to the
// processes in turn: the limit's allowance is one, counted in the
// database, so the (limit+1)th is refused whichever process gets it, and
// so is every later one, on each process. An agent is not the public.
func rateLimitShared(t *testing.T, f *fleet, client *http.Client) {
	n := len(f.Procs)
	for i := range f.CreateRate {
		fields := ticketFields(fmt.Sprintf("Public %d", i))
		fields["email"] = requesterEmail("public", i)
		_, r, err := createTicket(client, f.Procs[i%n].URL, "", fields, nil)
		if err != nil || r.Status != http.StatusCreated {
			t.Fatalf("public create %d of %d on process %d: %v %d %s", i+1, f.CreateRate, i%n, err, r.Status, r.Body)
		}
		if got, want := r.Header.Get("X-RateLimit-Remaining"), fmt.Sprint(f.CreateRate-i-1); got != want {
			t.Fatalf("public create %d on process %d: X-RateLimit-Remaining %q, want %q (the count of all processes)", i+1, i%n, got, want)
		}
	}
	for p := range n {
		fields := ticketFields("One too many")
		fields["email"] = requesterEmail("over", p)
		_, r, err := createTicket(client, f.Procs[(f.CreateRate+p)%n].URL, "", fields, nil)
		if err != nil || r.Status != http.StatusTooManyRequests {
			t.Fatalf("public create past the limit on process %d: %v %d %s, want 429", (f.CreateRate+p)%n, err, r.Status, r.Body)
		}
		if r.Header.Get("Retry-After") == "" {
			t.Errorf("429 on process %d without Retry-After", (f.CreateRate+p)%n)
		}
	}
}

// signInThrottleShared fails to sign in to one account from one address,
// each attempt on the next process, each from a fresh sign-in page: after
// desk.LoginPerPair failures over all processes, the right password is
// refused too, on every process, although none saw that many.
func signInThrottleShared(t *testing.T, f *fleet) {
	const email, password = "marta@kinconecta.test", "correct horse battery staple"
	f.addAgent(t, email, "Marta Gómez", password)
	n := len(f.Procs)
	if desk.LoginPerPair <= n {
		t.Fatalf("desk.LoginPerPair is %d: with %d processes one of them alone would reach it", desk.LoginPerPair, n)
	}
	for i := range desk.LoginPerPair {
		b := newBrowser(t)
		b.openLogin(t, f.Procs[i%n].URL)
		if got := b.signIn(t, f.Procs[(i+1)%n].URL, email, "wrong wrong wrong"); got != http.StatusUnauthorized {
			t.Fatalf("wrong password %d on process %d: %d, want 401", i+1, (i+1)%n, got)
		}
	}
	for p, s := range f.Procs {
		b := newBrowser(t)
		b.openLogin(t, s.URL)
		if got := b.signIn(t, s.URL, email, password); got != http.StatusTooManyRequests {
			t.Errorf("the right password on process %d after %d failures over %d processes: %d, want 429", p, desk.LoginPerPair, n, got)
		}
	}
}

// sessionShared signs the first admin in on one process (its one-time
// password printed by the one process that made it), uses the session on
// the others, and signs out on another: the session ends everywhere.
func sessionShared(t *testing.T, f *fleet) {
	const admin = "admin@helpdesk.local" // serve's --admin-email default
	a, b, c := f.Procs[0].URL, f.Procs[1].URL, f.Procs[2].URL

	stranger := newBrowser(t)
	if resp, _ := stranger.get(t, b, "/agent"); resp.StatusCode != http.StatusSeeOther && resp.StatusCode != http.StatusFound {
		t.Fatalf("GET /agent without a session: %d, want a redirect to sign in", resp.StatusCode)
	}

	br := newBrowser(t)
	br.openLogin(t, a)
	if got := br.signIn(t, a, admin, f.adminPassword(t)); got != http.StatusSeeOther {
		t.Fatalf("sign in on process 0: %d, want 303", got)
	}
	for p, base := range []string{b, c} {
		resp, body := br.get(t, base, "/agent")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `data-testid="queue"`) {
			t.Fatalf("GET /agent on process %d with process 0's session: %d, queue shown %v", p+1, resp.StatusCode, strings.Contains(body, `data-testid="queue"`))
		}
	}
	if resp := br.postForm(t, c, "/agent/logout", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out on process 2: %d, want 303", resp.StatusCode)
	}
	for p, base := range []string{a, b} {
		if resp, body := br.get(t, base, "/agent"); resp.StatusCode == http.StatusOK || strings.Contains(body, `data-testid="queue"`) {
			t.Fatalf("GET /agent on process %d after signing out on process 2: %d, still the desk", p, resp.StatusCode)
		}
	}
}

// killDuringCreates runs creates from several clients against every
// process, kills one with SIGKILL while they run and keeps going on the
// others: every create that was answered 201 is there afterwards, read
// from a survivor. Creates cut off by the kill may or may not have been
// kept.
func killDuringCreates(t *testing.T, f *fleet, client *http.Client, key string) {
	const (
		workers  = 6
		killAt   = 20 // acknowledged creates before the kill
		finishAt = 60 // acknowledged creates before the workers stop
		maxTries = 400
	)
	victim := f.Procs[len(f.Procs)-1]
	survivors := f.Procs[:len(f.Procs)-1]
	var (
		mu       sync.Mutex
		acked    []apiTicket
		byVictim int // of acked, those the victim answered
		cutOff   int // transport errors: the kill's
		refused  []string
		tries    atomic.Int64
		dead     atomic.Bool
		killed   = make(chan struct{})
		finished = make(chan struct{})
		kill     sync.Once
		finish   sync.Once
		wg       sync.WaitGroup
	)
	stopWorkers := func() { finish.Do(func() { close(finished) }) }
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; ; j++ {
				select {
				case <-finished:
					return
				default:
				}
				i := tries.Add(1)
				if i > maxTries {
					return
				}
				procs := f.Procs
				if dead.Load() {
					procs = survivors
				}
				fields := ticketFields(fmt.Sprintf("Crash %d", i))
				fields["email"] = requesterEmail("crash", int(i))
				to := procs[(w+j)%len(procs)]
				tk, r, err := createTicket(client, to.URL, key, fields, nil)
				mu.Lock()
				switch {
				case err != nil:
					cutOff++
				case r.Status == http.StatusCreated:
					acked = append(acked, tk)
					if to == victim {
						byVictim++
					}
					if len(acked) == killAt {
						kill.Do(func() { close(killed) })
					}
					if len(acked) == finishAt {
						stopWorkers()
					}
				default:
					refused = append(refused, fmt.Sprintf("%d %s", r.Status, r.Body))
				}
				mu.Unlock()
			}
		}()
	}
	select {
	case <-killed:
	case <-time.After(30 * time.Second):
		stopWorkers()
		wg.Wait()
		t.Fatalf("%d creates acknowledged in 30 s, want %d before the kill", len(acked), killAt)
	}
	_ = victim.cmd.Process.Kill()
	<-victim.done
	dead.Store(true)
	wg.Wait()

	if len(refused) > 0 {
		t.Fatalf("%d creates refused (not cut off): %v", len(refused), refused[:min(len(refused), 3)])
	}
	if len(acked) < finishAt {
		t.Fatalf("only %d creates acknowledged in %d tries, want %d", len(acked), maxTries, finishAt)
	}
	if byVictim == 0 {
		t.Fatal("the killed process acknowledged no create before the kill: nothing of it to look for")
	}
	t.Logf("%d creates acknowledged (%d by the killed process), %d cut off by the kill", len(acked), byVictim, cutOff)
	listed, _ := listAll(t, client, survivors[0].URL, key)
	have := map[int64]bool{}
	for _, tk := range listed {
		have[tk.ID] = true
	}
	for i, tk := range acked {
		if !have[tk.ID] {
			t.Errorf("acknowledged ticket %d (%q) is not listed after the kill", tk.ID, tk.Subject)
			continue
		}
		if got := getTicket(t, client, survivors[i%len(survivors)].URL, tk.ID, tk.AccessToken); got.Subject != tk.Subject {
			t.Errorf("ticket %d after the kill: subject %q, want %q", tk.ID, got.Subject, tk.Subject)
		}
	}
	ids := make([]int64, 0, len(acked))
	for _, tk := range acked {
		ids = append(ids, tk.ID)
	}
	slices.Sort(ids)
	if len(slices.Compact(ids)) != len(acked) {
		t.Fatal("an id was acknowledged for two creates")
	}
}
