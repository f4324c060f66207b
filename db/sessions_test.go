package db

import (
	"testing"
	"time"
)

// Upkeep deletes sessions past their end and dead throttle rows, and
// keeps what is still alive.
func TestUpkeepDeletesExpired(t *testing.T) {
	d := mustOpen(t)
	clock := newFakeClock(d)
	ctx := t.Context()
	u, err := d.CreateUser(ctx, NewUser{Email: "ana@kinconecta.com", Name: "Ana", Role: RoleAgent, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	old, live := NewSessionID(), NewSessionID()
	if err := d.SaveSession(ctx, old, u.ID, []byte("{}"), clock.now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := d.SaveSession(ctx, live, u.ID, []byte("{}"), clock.now().Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := d.RateHit(ctx, "create", "192.0.2.1", time.Minute); err != nil {
		t.Fatal(err)
	}
	clock.add(2 * time.Hour)
	if err := d.upkeep(ctx); err != nil {
		t.Fatal(err)
	}
	count := func(query string) int {
		var n int
		if err := d.read.QueryRow(query).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(`SELECT count(*) FROM sessions`); n != 1 {
		t.Errorf("%d sessions after upkeep, want the live one", n)
	}
	if _, _, err := d.SessionByID(ctx, live); err != nil {
		t.Errorf("the live session: %v", err)
	}
	if n := count(`SELECT count(*) FROM rate_limits`); n != 0 {
		t.Errorf("%d rate-limit windows after upkeep, want 0", n)
	}
}
