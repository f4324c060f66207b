package main

import (
	"bytes"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestCLIUsageErrors runs commands with unknown flags and bad values, from
// flags and from the environment: each ends with exit status 2, exactly one
// line on stderr, nothing on stdout, and no data folder created.
func TestCLIUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		env  []string
		args []string
	}{
		{"UnknownFlag", nil, []string{"serve", "--bogus"}},
		{"UnknownFlagDefaultCommand", nil, []string{"--bogus"}},
		{"UnknownFlagUserAdd", nil, []string{"user", "add", "--bogus"}},
		{"UnknownFlagAPIKeyCreate", nil, []string{"apikey", "create", "--bogus"}},
		{"UnknownFlagBackup", nil, []string{"backup", "--bogus", "somewhere"}},
		{"UnknownCommand", nil, []string{"frobnicate"}},
		{"UnknownSubcommand", nil, []string{"user", "delete"}},
		{"MaxFileMBNotANumber", nil, []string{"serve", "--max-file-mb", "abc"}},
		{"MaxFileMBZero", nil, []string{"serve", "--max-file-mb", "0"}},
		{"MaxFilesZero", nil, []string{"serve", "--max-files", "0"}},
		{"CreateRateNegative", nil, []string{"serve", "--create-rate", "-1"}},
		{"BaseURLNotHTTP", nil, []string{"serve", "--base-url", "ftp://x"}},
		{"BaseURLWithoutHost", nil, []string{"serve", "--base-url", "http://"}},
		{"ServeArgument", nil, []string{"serve", "extra"}},
		{"EnvMaxFilesNotANumber", []string{"HELPDESK_MAX_FILES=abc"}, []string{"serve"}},
		{"EnvMaxFileMBZero", []string{"HELPDESK_MAX_FILE_MB=0"}, []string{"serve"}},
		{"EnvCreateRateNotANumber", []string{"HELPDESK_CREATE_RATE=lots"}, []string{"serve"}},
		{"EnvBaseURLNotHTTP", []string{"HELPDESK_BASE_URL=ftp://x"}, []string{"serve"}},
		{"BackupWithoutDir", nil, []string{"backup"}},
		{"APIKeyWithoutName", nil, []string{"apikey", "create"}},
		{"APIKeyBadRole", nil, []string{"apikey", "create", "--name", "svc", "--role", "root"}},
		{"UserAddWithoutEmail", nil, []string{"user", "add", "--name", "Ana"}},
		{"UserAddBadRole", nil, []string{"user", "add", "--email", "ana@example.com", "--name", "Ana", "--role", "boss"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data := filepath.Join(t.TempDir(), "data")
			// Should a bad value slip through, serve must not take :8080.
			env := append([]string{"HELPDESK_DATA=" + data, "HELPDESK_ADDR=127.0.0.1:0"}, tt.env...)
			r := runCLI(t, env, "correct horse battery staple\n", tt.args...)
			if r.Code != 2 {
				t.Fatalf("exit status %d, want 2; stderr %q", r.Code, r.Stderr)
			}
			if !strings.HasSuffix(r.Stderr, "\n") || strings.Count(r.Stderr, "\n") != 1 || strings.TrimSpace(r.Stderr) == "" {
				t.Fatalf("stderr %q, want exactly one line", r.Stderr)
			}
			if r.Stdout != "" {
				t.Fatalf("stdout %q, want nothing", r.Stdout)
			}
			if _, err := os.Stat(data); err == nil {
				t.Fatalf("the data folder was created despite the usage error")
			}
		})
	}
}

// TestCLIFlagsBeatEnvironment starts the server configured by the
// environment alone, then by the environment and flags that contradict it:
// the environment is read, and each flag wins over its variable (listen
// address, base URL, largest file).
func TestCLIFlagsBeatEnvironment(t *testing.T) {
	big := testFile{Name: "big.txt", Data: bytes.Repeat([]byte("one and a half megabytes of text\n"), 1536*1024/33)}
	tests := []struct {
		name      string
		withFlags bool
	}{
		{"EnvironmentAlone", false},
		{"FlagsWin", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			envAddr, flagAddr := freeAddr(t), freeAddr(t)
			for flagAddr == envAddr {
				flagAddr = freeAddr(t)
			}
			env := []string{
				"HELPDESK_CREATE_RATE=0",
				"HELPDESK_ADDR=" + envAddr,
				"HELPDESK_BASE_URL=http://env.example",
				"HELPDESK_MAX_FILE_MB=1",
				"HELPDESK_DATA=" + t.TempDir(),
			}
			var args []string
			want := struct {
				addr, other, baseURL string
				bigStatus            int
			}{envAddr, flagAddr, "http://env.example", http.StatusRequestEntityTooLarge}
			if tt.withFlags {
				args = []string{"--addr", flagAddr, "--base-url", "http://flag.example", "--max-file-mb", "2"}
				want.addr, want.other, want.baseURL, want.bigStatus = flagAddr, envAddr, "http://flag.example", http.StatusCreated
			}
			s := launch(t, env, "http://"+want.addr, args...)
			s.waitReady()
			if c, err := net.DialTimeout("tcp", want.other, time.Second); err == nil {
				c.Close()
				t.Fatalf("something listens on %s too", want.other)
			}

			client := newClient(t)
			tk, r, err := createJSON(client, s.URL, "flags and environment")
			if err != nil || r.Status != http.StatusCreated {
				t.Fatalf("create: %v %d %s", err, r.Status, r.Body)
			}
			var created struct {
				TrackingURL string `json:"trackingUrl"`
			}
			if err := json.Unmarshal(r.Body, &created); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(created.TrackingURL, want.baseURL+"/track/hdt_") {
				t.Errorf("trackingUrl %q, want it under %s", created.TrackingURL, want.baseURL)
			}
			_, r, err = uploadFiles(client, s.URL, tk.ID, tk.AccessToken, []testFile{big})
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != want.bigStatus {
				t.Errorf("a 1.5 MiB upload answered %d, want %d: %s", r.Status, want.bigStatus, r.Body)
			}
			client.CloseIdleConnections()
			s.stop()
		})
	}

	t.Run("Data", func(t *testing.T) {
		envData, flagData := t.TempDir(), t.TempDir()
		r := runCLI(t, []string{"HELPDESK_DATA=" + envData}, "", "apikey", "create", "--name", "svc", "--data", flagData)
		if r.Code != 0 {
			t.Fatalf("exit %d: %s", r.Code, r.Stderr)
		}
		if _, err := os.Stat(filepath.Join(flagData, "helpdesk.db")); err != nil {
			t.Errorf("no database in the --data folder: %v", err)
		}
		if _, err := os.Stat(filepath.Join(envData, "helpdesk.db")); err == nil {
			t.Errorf("a database was made in HELPDESK_DATA although --data was given")
		}
	})
}

// TestCLIUserAdd creates agent accounts with the password on standard
// input, in order on one data folder: a good one prints the new id alone,
// a short password or a taken or invalid email is refused with exit 1 and
// one line naming the problem.
func TestCLIUserAdd(t *testing.T) {
	data := t.TempDir()
	tests := []struct {
		name      string
		email     string
		role      string
		stdin     string
		wantCode  int
		wantInErr string
	}{
		{"OK", "ana.martinez@example.com", "agent", "correct horse battery staple\n", 0, ""},
		{"Admin", "lead@example.com", "admin", "another long passphrase\n", 0, ""},
		{"NoTrailingNewline", "luis@example.com", "agent", "no newline at the end", 0, ""},
		{"ShortPassword", "short@example.com", "agent", "short\n", 1, "password"},
		{"TakenEmail", "ana.martinez@example.com", "agent", "correct horse battery staple\n", 1, "email"},
		{"InvalidEmail", "not-an-email", "agent", "correct horse battery staple\n", 1, "email"},
		{"NoPassword", "empty@example.com", "agent", "", 2, "standard input"},
	}
	ids := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, nil, tt.stdin, "user", "add", "--data", data,
				"--email", tt.email, "--name", "Test "+tt.name, "--role", tt.role)
			if r.Code != tt.wantCode {
				t.Fatalf("exit %d, want %d; stdout %q stderr %q", r.Code, tt.wantCode, r.Stdout, r.Stderr)
			}
			if tt.wantCode != 0 {
				if strings.Count(r.Stderr, "\n") != 1 || !strings.Contains(r.Stderr, tt.wantInErr) {
					t.Fatalf("stderr %q, want one line mentioning %q", r.Stderr, tt.wantInErr)
				}
				return
			}
			id, err := strconv.ParseInt(strings.TrimSpace(r.Stdout), 10, 64)
			if err != nil || id <= 0 || strings.Count(r.Stdout, "\n") != 1 {
				t.Fatalf("stdout %q, want the new id alone", r.Stdout)
			}
			if ids[r.Stdout] {
				t.Fatalf("id %d printed twice", id)
			}
			ids[r.Stdout] = true
		})
	}
}

// TestCLIAPIKeyCreate mints a key before the server ever ran: it is printed
// alone on the last line with the hdk_ prefix, and a server started
// afterwards accepts it, and refuses a key that differs from it.
func TestCLIAPIKeyCreate(t *testing.T) {
	data := t.TempDir()
	r := runCLI(t, nil, "", "apikey", "create", "--data", data, "--name", "svc")
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	key := lastLine(r.Stdout)
	if !regexp.MustCompile(`^hdk_[A-Za-z0-9_-]{20,}$`).MatchString(key) {
		t.Fatalf("last line %q is not an hdk_ key alone; stdout %q", key, r.Stdout)
	}

	s := startServer(t, data, nil)
	client := newClient(t)
	tests := []struct {
		name string
		key  string
		want int
	}{
		{"MintedKey", key, http.StatusOK},
		{"AlteredKey", key[:len(key)-1] + map[bool]string{true: "B", false: "A"}[strings.HasSuffix(key, "A")], http.StatusUnauthorized},
		{"NoKey", "", http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustSend(t, client, "GET", s.URL+"/api/support-tickets", "", tt.key, nil)
			if r.Status != tt.want {
				t.Fatalf("GET /api/support-tickets: %d, want %d: %s", r.Status, tt.want, r.Body)
			}
		})
	}
	client.CloseIdleConnections()
	s.stop()
}

// TestCLIFirstStartAdmin checks the first-start admin: a first start on an
// empty folder logs the admin's email and a one-time password and creates
// that account; a second start logs no password; and a folder that already
// has an account (made with user add) gets no admin and no password.
func TestCLIFirstStartAdmin(t *testing.T) {
	passwordRe := regexp.MustCompile(`password=(\S+)`)

	t.Run("FirstAndSecondStart", func(t *testing.T) {
		data := t.TempDir()
		s := startServer(t, data, []string{"HELPDESK_ADMIN_EMAIL=boss@example.com"})
		s.stop()
		log := s.Log.String()
		m := passwordRe.FindStringSubmatch(log)
		if m == nil || len(m[1]) < 10 {
			t.Fatalf("first start logged no one-time password:\n%s", log)
		}
		if !strings.Contains(log, "email=boss@example.com") {
			t.Fatalf("first start did not log the admin's email:\n%s", log)
		}
		password := m[1]

		s = startServer(t, data, []string{"HELPDESK_ADMIN_EMAIL=boss@example.com"})
		s.stop()
		if log := s.Log.String(); strings.Contains(log, password) || passwordRe.MatchString(log) {
			t.Fatalf("second start logged a password:\n%s", log)
		}
		r := runCLI(t, nil, "correct horse battery staple\n", "user", "add", "--data", data,
			"--email", "boss@example.com", "--name", "Impostor", "--role", "admin")
		if r.Code != 1 {
			t.Fatalf("adding the logged admin's email again: exit %d, want 1 (the account exists); stderr %q", r.Code, r.Stderr)
		}
	})

	t.Run("AfterUserAdd", func(t *testing.T) {
		data := t.TempDir()
		r := runCLI(t, nil, "correct horse battery staple\n", "user", "add", "--data", data,
			"--email", "lead@example.com", "--name", "Lead", "--role", "admin")
		if r.Code != 0 {
			t.Fatalf("user add: exit %d: %s", r.Code, r.Stderr)
		}
		s := startServer(t, data, nil)
		s.stop()
		if log := s.Log.String(); passwordRe.MatchString(log) {
			t.Fatalf("a start with an account already there logged a password:\n%s", log)
		}
	})
}

// TestBackupWhileWriting runs `helpdesk backup` while the server runs and
// writers create tickets and upload files. The backup folder is a data
// folder: a second server started on it holds every ticket acknowledged
// before the backup began, byte-identical files, and a file for every
// attachment row. A second backup into the same folder is refused.
func TestBackupWhileWriting(t *testing.T) {
	data := t.TempDir()
	key := mintAPIKey(t, data, "agent")
	env := []string{"HELPDESK_CREATE_RATE=0"}
	s := startServer(t, data, env)
	client := newClient(t)

	before := newLedger()
	rnd := rand.New(rand.NewPCG(7, 7))
	for i := range 24 {
		name := "before-" + strconv.Itoa(i)
		files := []testFile{newTestFile(rnd, i, name+"-a"), newTestFile(rnd, i+1, name+"-b")}
		var tk apiTicket
		var r reply
		var err error
		if i%2 == 0 {
			files = nil
			tk, r, err = createJSON(client, s.URL, "backup "+name)
		} else {
			tk, r, err = createMultipart(client, s.URL, "backup "+name, files)
		}
		if err != nil || r.Status != http.StatusCreated {
			t.Fatalf("create %s: %v %d %s", name, err, r.Status, r.Body)
		}
		if err := before.ackTicket(0, tk, files); err != nil {
			t.Fatal(err)
		}
		if i%3 == 0 {
			more := []testFile{newTestFile(rnd, i+2, name+"-c")}
			atts, r, err := uploadFiles(client, s.URL, tk.ID, tk.AccessToken, more)
			if err != nil || r.Status != http.StatusCreated {
				t.Fatalf("upload to %s: %v %d %s", name, err, r.Status, r.Body)
			}
			if err := before.ackUpload(tk.ID, atts, more); err != nil {
				t.Fatal(err)
			}
		}
	}

	during := newLedger()
	var notKilled atomic.Bool
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			writerRun{client: client, base: s.URL, cycle: 1, writer: w, led: during, killed: &notKilled, stop: stop}.run()
		}()
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if n, _ := during.counts(); n >= 10 {
			break
		}
		if time.Now().After(deadline) {
			close(stop)
			wg.Wait()
			t.Fatalf("the writers got nothing acknowledged; unexpected: %q", during.unexpected)
		}
	}
	dir := filepath.Join(t.TempDir(), "backup")
	r := runCLI(t, nil, "", "backup", "--data", data, dir)
	close(stop)
	wg.Wait()
	if r.Code != 0 {
		t.Fatalf("backup: exit %d: %s", r.Code, r.Stderr)
	}
	if len(during.unexpected) > 0 {
		t.Fatalf("unexpected answers while the backup ran: %q", during.unexpected)
	}
	n, f := during.counts()
	t.Logf("backup: %s; %d tickets and %d files acknowledged while writers ran", strings.TrimSpace(r.Stdout), n, f)

	again := runCLI(t, nil, "", "backup", "--data", data, dir)
	if again.Code == 0 || strings.Count(again.Stderr, "\n") != 1 {
		t.Fatalf("a second backup into the same folder: exit %d, stderr %q; want a one-line refusal", again.Code, again.Stderr)
	}
	client.CloseIdleConnections()
	s.stop()

	restored := startServer(t, dir, env)
	verifyAcknowledged(t, client, restored, key, before, 0)
	client.CloseIdleConnections()
	restored.stop()
}

// signInWorks signs in through the desk's form, as a person would, and
// reports whether the password was accepted.
func signInWorks(t *testing.T, s *server, email, password string) bool {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Jar: jar, Timeout: requestTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	defer client.CloseIdleConnections()
	resp, err := client.Get(s.URL + "/agent/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF field on the sign-in page")
	}
	resp, err = client.PostForm(s.URL+"/agent/login", url.Values{"csrf": {string(m[1])}, "email": {email}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusSeeOther
}

// TestCLIUserResetPassword is the way back in for a lost password: the
// new one is printed alone on the last line and signs in, the old one
// stops working, and an unknown email is one line and exit 1.
func TestCLIUserResetPassword(t *testing.T) {
	data := t.TempDir()
	if r := runCLI(t, nil, "correct horse battery staple\n", "user", "add", "--data", data,
		"--email", "lead@example.com", "--name", "Lead", "--role", "admin"); r.Code != 0 {
		t.Fatalf("user add: exit %d: %s", r.Code, r.Stderr)
	}
	s := startServer(t, data, nil)
	r := runCLI(t, nil, "", "user", "reset-password", "--data", data, "--email", "LEAD@example.com")
	if r.Code != 0 {
		t.Fatalf("reset-password: exit %d: %s", r.Code, r.Stderr)
	}
	password := lastLine(r.Stdout)
	if len(password) < 16 || strings.ContainsAny(password, " :") {
		t.Fatalf("last line %q is not a password alone; stdout %q", password, r.Stdout)
	}
	if !signInWorks(t, s, "lead@example.com", password) {
		t.Error("the new password does not sign in")
	}
	if signInWorks(t, s, "lead@example.com", "correct horse battery staple") {
		t.Error("the old password still signs in")
	}
	r = runCLI(t, nil, "", "user", "reset-password", "--data", data, "--email", "nobody@example.com")
	if r.Code != 1 || strings.Count(r.Stderr, "\n") != 1 || !strings.Contains(r.Stderr, "nobody@example.com") {
		t.Errorf("unknown email: exit %d, stderr %q; want 1 and one line naming it", r.Code, r.Stderr)
	}
	s.stop()
}
