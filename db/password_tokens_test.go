package db

import (
	"testing"
)

// TestPasswordLinkInactiveAccount: a set-password link never sets the
// password of an account that is turned off, whichever came first. A link
// made before the deactivation is deleted with it, so turning the account
// back on does not revive it; a link that exists while the account is off
// (made by a settings page opened before someone turned it off) is refused.
func TestPasswordLinkInactiveAccount(t *testing.T) {
	for _, tc := range []struct {
		name          string
		linkFirst     bool
		reactivate    bool // and try the link again
		wantLinkAfter bool // the link works once the account is back on
	}{
		{"LinkThenDeactivate", true, true, false},
		{"DeactivateThenLink", false, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := mustOpen(t)
			ctx := t.Context()
			ana, err := d.CreateUser(ctx, NewUser{Email: "ana@kinconecta.test", Name: "Ana", Role: RoleAgent, Password: "old password 123"})
			if err != nil {
				t.Fatal(err)
			}
			hash := func() string {
				t.Helper()
				var h string
				if err := d.read.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = ?`, ana.ID).Scan(&h); err != nil {
					t.Fatal(err)
				}
				return h
			}
			before := hash()
			var token string
			link := func() {
				t.Helper()
				if token, err = d.CreatePasswordToken(ctx, ana.ID); err != nil {
					t.Fatal(err)
				}
			}
			if tc.linkFirst {
				link()
			}
			if err := d.UpdateUser(ctx, ana.ID, RoleAgent, false); err != nil {
				t.Fatal(err)
			}
			if !tc.linkFirst {
				link()
			}

			if _, err := d.PasswordTokenUser(ctx, token); ErrorCode(err) != ENOTFOUND {
				t.Fatalf("the link's page opens for an inactive account: %v", err)
			}
			if _, err := d.UsePasswordToken(ctx, token, "new password 456"); ErrorCode(err) != ENOTFOUND {
				t.Fatalf("UsePasswordToken on an inactive account = %v, want ENOTFOUND", err)
			}
			if hash() != before {
				t.Fatal("the link changed an inactive account's password")
			}

			if err := d.UpdateUser(ctx, ana.ID, RoleAgent, true); err != nil {
				t.Fatal(err)
			}
			_, err = d.UsePasswordToken(ctx, token, "new password 456")
			if got := err == nil; got != tc.wantLinkAfter {
				t.Fatalf("after reactivation the link works = %v (%v), want %v", got, err, tc.wantLinkAfter)
			}
			want := "old password 123"
			if tc.wantLinkAfter {
				want = "new password 456"
			}
			if _, err := d.Authenticate(ctx, "ana@kinconecta.test", want); err != nil {
				t.Fatalf("signing in with %q: %v", want, err)
			}
		})
	}
}
