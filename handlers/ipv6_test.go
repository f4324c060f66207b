package handlers

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/filestore"
	"github.com/kinconecta/helpdesk/handlers/desk"
	"github.com/kinconecta/helpdesk/handlers/web"
)

// netns is a network namespace of its own, entered by one goroutine
// locked to its thread: sockets made there (the server's listener, the
// clients' connections) live in it, wherever they are used from, so a test
// can give loopback any addresses without touching the host's network.
type netns struct {
	dials chan nsDial
	ln    net.Listener
}

type nsDial struct {
	local, remote string
	reply         chan net.Conn
}

// newNetns makes the namespace with lo up and addrs on it, and a listener
// on listen; it skips the test where namespaces cannot be made (not root).
func newNetns(t *testing.T, listen string, addrs ...string) *netns {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root for a network namespace")
	}
	ipTool, err := exec.LookPath("ip")
	if err != nil {
		t.Skip("needs the ip tool")
	}
	ns := &netns{dials: make(chan nsDial)}
	ready := make(chan error)
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	go func() {
		// Never unlocked: the thread ends with the goroutine, and its
		// namespace with it.
		runtime.LockOSThread()
		if err := syscall.Unshare(syscall.CLONE_NEWNET); err != nil {
			ready <- err
			return
		}
		cmds := [][]string{{"link", "set", "lo", "up"}}
		for _, a := range addrs {
			cmds = append(cmds, []string{"-6", "addr", "add", a + "/64", "dev", "lo", "nodad"})
		}
		for _, args := range cmds {
			if out, err := exec.Command(ipTool, args...).CombinedOutput(); err != nil {
				ready <- &os.PathError{Op: strings.Join(args, " "), Path: string(out), Err: err}
				return
			}
		}
		if ns.ln, err = net.Listen("tcp", listen); err != nil {
			ready <- err
			return
		}
		ready <- nil
		for {
			select {
			case <-stop:
				return
			case d := <-ns.dials:
				dialer := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(d.local)}, Timeout: 10 * time.Second}
				c, err := dialer.Dial("tcp", d.remote)
				if err != nil {
					t.Errorf("dial from %s: %v", d.local, err)
				}
				d.reply <- c
			}
		}
	}()
	if err := <-ready; err != nil {
		t.Skipf("no network namespace here: %v", err)
	}
	return ns
}

// client is an HTTP client whose connections come from local, inside ns.
func (ns *netns) client(t *testing.T, local string) *http.Client {
	jar, _ := cookiejar.New(nil)
	tr := &http.Transport{DialContext: func(ctx context.Context, _, addr string) (net.Conn, error) {
		d := nsDial{local: local, remote: addr, reply: make(chan net.Conn)}
		ns.dials <- d
		if c := <-d.reply; c != nil {
			return c, nil
		}
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: os.ErrNotExist}
	}}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Jar: jar, Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// One IPv6 host holds a whole /64: its addresses share one allowance in
// the sign-in throttles and the rate limit, as they do under the
// connection caps; another /64 is another client. Before, each address of
// the /64 got guesses and creates of its own.
func TestIPv6ClientIsItsSlash64(t *testing.T) {
	ns := newNetns(t, "[2001:db8:1::1]:0", "2001:db8:1::1", "2001:db8:1::2", "2001:db8:1::3", "2001:db8:2::1")
	dir := t.TempDir()
	store, err := db.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	files, err := filestore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	app := New(web.Config{BaseURL: "http://helpdesk.test", MaxFileBytes: 1 << 20, MaxFiles: 5, CreateRate: 1}, store, files)
	go app.Listener(ns.ln)
	t.Cleanup(func() {
		_ = app.ShutdownWithTimeout(5 * time.Second)
		store.Close()
	})
	base := "http://" + ns.ln.Addr().String()
	u, err := store.CreateUser(t.Context(), db.NewUser{Email: "marta@kinconecta.com", Name: "Marta", Role: db.RoleAgent, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	do := func(c *http.Client, method, path, contentType, body string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	login := func(from, password string) int {
		c := ns.client(t, from)
		var token string
		for _, k := range do(c, "GET", "/agent/login", "", "").Cookies() {
			if k.Name == web.CSRFCookie {
				token = k.Value
			}
		}
		form := url.Values{web.CSRFField: {token}, "email": {u.Email}, "password": {password}}
		return do(c, "POST", "/agent/login", "application/x-www-form-urlencoded", form.Encode()).StatusCode
	}
	for i := 0; i < desk.LoginPerPair; i++ {
		login("2001:db8:1::2", "wrong wrong wrong")
	}
	if got := login("2001:db8:1::3", "correct horse battery"); got != http.StatusTooManyRequests {
		t.Errorf("the right password from another address of the failing /64: %d, want 429", got)
	}
	if got := login("2001:db8:2::1", "correct horse battery"); got != http.StatusSeeOther {
		t.Errorf("the right password from another /64: %d, want 303 (signed in)", got)
	}

	body, _ := json.Marshal(validTicket())
	for _, step := range []struct {
		from string
		want int
	}{
		{"2001:db8:1::2", http.StatusCreated},
		{"2001:db8:1::3", http.StatusTooManyRequests},
		{"2001:db8:2::1", http.StatusCreated},
	} {
		if got := do(ns.client(t, step.from), "POST", "/api/support-tickets", "application/json", string(body)).StatusCode; got != step.want {
			t.Errorf("create from %s: %d, want %d", step.from, got, step.want)
		}
	}
}
