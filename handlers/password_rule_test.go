package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/kinconecta/helpdesk/db"
)

// The password rule counts characters for its minimum and bytes for
// bcrypt's maximum, and says so: 50 "ñ" (100 bytes) are refused as too
// many bytes, not as "10 to 72 characters"; 10 "ñ" are long enough.
func TestPasswordRuleWording(t *testing.T) {
	s := newTestServer(t)
	b := s.signIn(t, db.RoleAgent)
	cases := []struct {
		name, password, lang string
		status               int
		want                 string
	}{
		{"ErrAccentedTooLong", strings.Repeat("ñ", 50), "en", http.StatusUnprocessableEntity, "at most 72 bytes, which is about 36 accented letters"},
		{"ErrAccentedTooLongSpanish", strings.Repeat("ñ", 50), "es", http.StatusUnprocessableEntity, "como máximo 72 bytes, unas 36 letras acentuadas"},
		{"ErrShort", "ñññññññññ", "en", http.StatusUnprocessableEntity, "at least 10 characters"},
		{"TenAccented", strings.Repeat("ñ", 10), "en", http.StatusSeeOther, ""},
	}
	current := "correct horse battery"
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := b.postForm(t, "/agent/profile/password?lang="+tc.lang, url.Values{"current": {current}, "password": {tc.password}})
			if r.StatusCode != tc.status {
				t.Fatalf("%d, want %d", r.StatusCode, tc.status)
			}
			if tc.want != "" {
				if got := text(one(t, html(t, r), "#password-error")); !strings.Contains(got, tc.want) {
					t.Errorf("message %q, want %q", got, tc.want)
				}
			} else {
				current = tc.password
			}
		})
	}

	t.Run("SetPasswordLink", func(t *testing.T) {
		nu, err := s.DB.CreateUser(t.Context(), db.NewUser{Email: "nuevo@kinconecta.com", Name: "Nuevo", Role: db.RoleAgent, Password: db.RandomPassword()})
		if err != nil {
			t.Fatal(err)
		}
		token, err := s.DB.CreatePasswordToken(t.Context(), nu.ID)
		if err != nil {
			t.Fatal(err)
		}
		r := s.newBrowser(t).postForm(t, "/agent/set-password/"+token, url.Values{"password": {strings.Repeat("ñ", 50)}})
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "about 36 accented letters") {
			t.Fatalf("%d: %.400s", r.StatusCode, r.Body)
		}
	})

	t.Run("Store", func(t *testing.T) {
		_, err := s.DB.CreateUser(t.Context(), db.NewUser{Email: "cli@kinconecta.com", Name: "CLI", Role: db.RoleAgent, Password: strings.Repeat("ñ", 50)})
		var de *db.Error
		if db.ErrorCode(err) != db.EINVALID || !errors.As(err, &de) || !strings.Contains(de.Fields[0].Message, "72 bytes") {
			t.Fatalf("create: %v", err)
		}
	})
}
