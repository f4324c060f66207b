package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/desk"
)

// A right password does not buy the attacker a fast guess (issue 8,
// re-tested): the account-wide slowdown kept only its threshold's count
// of attempts, so the right password's own attempt pushed out a failure,
// and giving it back left one too few; the next wrong guess skipped the
// 2 s wait.
func TestLoginSlowdownSurvivesSuccess(t *testing.T) {
	s := newTestServer(t)
	u, err := s.DB.CreateUser(t.Context(), db.NewUser{Email: "marta@kinconecta.com", Name: "Marta", Role: db.RoleAgent, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	login := func(ip, password string) (int, time.Duration) {
		start := time.Now()
		r := s.browserFrom(t, ip).postForm(t, "/agent/login", url.Values{"email": {u.Email}, "password": {password}})
		return r.StatusCode, time.Since(start)
	}
	// Ten failures from ten addresses: below every per-address limit.
	for i := range desk.LoginAccountSlow {
		if got, _ := login(fmt.Sprintf("127.0.0.%d", 10+i), "wrong wrong wrong"); got != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i, got)
		}
	}
	if got, took := login("127.0.0.30", "correct horse battery"); got != http.StatusSeeOther || took < desk.LoginSlowdown {
		t.Fatalf("the right password: %d after %v, want 303 after at least %v", got, took, desk.LoginSlowdown)
	}
	for i := range 3 {
		if got, took := login(fmt.Sprintf("127.0.0.%d", 31+i), "wrong wrong wrong"); got != http.StatusUnauthorized || took < desk.LoginSlowdown {
			t.Fatalf("wrong guess %d after a right password: %d after %v, want 401 after at least %v", i, got, took, desk.LoginSlowdown)
		}
	}
}
