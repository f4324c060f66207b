package handlers

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/desk"
	"github.com/kinconecta/helpdesk/handlers/web"
)

// browserFrom is a browser whose connections come from source address ip
// (any of 127.0.0.0/8 reaches the loopback server), so one test can play
// callers at several addresses.
func (s *testServer) browserFrom(t *testing.T, ip string) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		return dialer.DialContext(ctx, network, addr)
	}}
	t.Cleanup(tr.CloseIdleConnections)
	return &browser{s: s, client: &http.Client{Jar: jar, Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Strangers cannot lock an agent out (issue 8): failures from one address
// lock that address out of that account (and, past a higher count, out of
// every account), but the right password from an address that has not
// been failing still signs in, even while the account is under attack
// from many addresses (it is only slowed down). Unknown accounts are
// throttled the same way, so the throttle tells nothing about which
// accounts exist.
func TestLoginThrottleCannotLockOut(t *testing.T) {
	s := newTestServer(t)
	u, err := s.DB.CreateUser(t.Context(), db.NewUser{Email: "marta@kinconecta.com", Name: "Marta", Role: db.RoleAgent, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	login := func(b *browser, email, password string) int {
		return b.postForm(t, "/agent/login", url.Values{"email": {email}, "password": {password}}).StatusCode
	}
	attacker := s.browserFrom(t, "127.0.0.2")
	for i := 0; i < 8; i++ {
		login(attacker, u.Email, "wrong wrong wrong")
	}
	if got := login(attacker, u.Email, "correct horse battery"); got != http.StatusTooManyRequests {
		t.Fatalf("the failing address with the right password: %d, want 429", got)
	}
	for i := 0; i < 8; i++ {
		login(attacker, "nobody@kinconecta.com", "wrong wrong wrong")
	}
	if got := login(attacker, "nobody@kinconecta.com", "wrong wrong wrong"); got != http.StatusTooManyRequests {
		t.Errorf("an unknown account from the failing address: %d, want 429 like a real one", got)
	}

	agent := s.browserFrom(t, "127.0.0.3")
	if got := login(agent, u.Email, "correct horse battery"); got != http.StatusSeeOther {
		t.Fatalf("the agent from another address: %d, want 303 (signed in)", got)
	}

	// A botnet: the account fails from many addresses (the attacker's
	// first desk.LoginPerPair failures counted), up to where every attempt on
	// it is slowed down.
	for i := 0; i < desk.LoginAccountSlow-desk.LoginPerPair; i++ {
		login(s.browserFrom(t, fmt.Sprintf("127.0.1.%d", 10+i)), u.Email, "wrong wrong wrong")
	}
	fresh := s.browserFrom(t, "127.0.0.4")
	if got := login(fresh, u.Email, "correct horse battery"); got != http.StatusSeeOther {
		t.Fatalf("the agent from a fresh address while the account is attacked: %d, want 303", got)
	}

	// One address spraying many accounts is refused across all of them.
	sprayer := s.browserFrom(t, "127.0.0.5")
	for i := 0; i < desk.LoginPerAddress; i++ {
		login(sprayer, "user"+string(rune('a'+i))+"@kinconecta.com", "wrong wrong wrong")
	}
	if got := login(sprayer, u.Email, "correct horse battery"); got != http.StatusTooManyRequests {
		t.Errorf("a spraying address with the right password: %d, want 429", got)
	}
}

// Concurrent guesses cannot outrun the throttles: each attempt is counted
// before its password is checked, so of a burst of 250 wrong passwords
// from one address at most the limit's number are checked (401), the rest
// refused (429), and the right password sent while the burst is refused
// does not sign in. Before, every guess of the burst was checked: the
// throttle counted failures only once bcrypt had finished.
func TestLoginBurstCannotOutrunThrottle(t *testing.T) {
	for _, tc := range []struct {
		name  string
		spray bool // a different account for each guess
		limit int
	}{
		{"Pair", false, desk.LoginPerPair},
		{"Address", true, desk.LoginPerAddress},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestServer(t)
			u, err := s.DB.CreateUser(t.Context(), db.NewUser{Email: "marta@kinconecta.com", Name: "Marta", Role: db.RoleAgent, Password: "correct horse battery"})
			if err != nil {
				t.Fatal(err)
			}
			b := s.browserFrom(t, "127.0.0.2")
			token := b.csrf(t)
			login := func(email, password string) (int, error) {
				form := url.Values{web.CSRFField: {token}, "email": {email}, "password": {password}}
				req, err := http.NewRequest("POST", s.URL+"/agent/login", strings.NewReader(form.Encode()))
				if err != nil {
					return 0, err
				}
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				resp, err := b.client.Do(req)
				if err != nil {
					return 0, err
				}
				resp.Body.Close()
				return resp.StatusCode, nil
			}
			const burst = 250
			var wg sync.WaitGroup
			var mu sync.Mutex
			counts := map[int]int{}
			refused := make(chan struct{})
			var once sync.Once
			for i := range burst {
				email := u.Email
				if tc.spray {
					email = fmt.Sprintf("user%d@kinconecta.com", i)
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					status, err := login(email, "wrong wrong wrong")
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					counts[status]++
					mu.Unlock()
					if status == http.StatusTooManyRequests {
						once.Do(func() { close(refused) })
					}
				}()
			}
			done := make(chan struct{})
			go func() { wg.Wait(); close(done) }()
			// The right password, while the burst is under way.
			select {
			case <-refused:
			case <-done:
			}
			right, err := login(u.Email, "correct horse battery")
			if err != nil {
				t.Fatal(err)
			}
			<-done
			if counts[http.StatusUnauthorized] > tc.limit {
				t.Errorf("%d of %d concurrent guesses were checked (401), want at most %d; answers %v",
					counts[http.StatusUnauthorized], burst, tc.limit, counts)
			}
			if got := counts[http.StatusUnauthorized] + counts[http.StatusTooManyRequests]; got != burst {
				t.Errorf("answers %v, want only 401 and 429", counts)
			}
			if right != http.StatusTooManyRequests {
				t.Errorf("the right password during the burst: %d, want 429", right)
			}
		})
	}
}
