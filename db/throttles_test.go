package db

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeClock is a clock tests move by hand, shared by several handles.
type fakeClock struct{ ns atomic.Int64 }

func newFakeClock(ds ...*DB) *fakeClock {
	c := &fakeClock{}
	c.ns.Store(time.Date(2026, 3, 10, 11, 0, 0, 0, time.UTC).UnixNano())
	for _, d := range ds {
		d.Now = c.now
	}
	return c
}

func (c *fakeClock) now() time.Time       { return time.Unix(0, c.ns.Load()).UTC() }
func (c *fakeClock) add(dt time.Duration) { c.ns.Add(int64(dt)) }
func countRows(t *testing.T, d *DB, table string) int {
	t.Helper()
	var n int
	if err := d.read.QueryRowContext(t.Context(), `SELECT count(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A sliding window: max attempts within the window, then a refusal that
// says how long until the oldest leaves it; an attempt given back frees
// its place, and a reset frees them all.
func TestThrottleReserve(t *testing.T) {
	d := mustOpen(t)
	clock := newFakeClock(d)
	ctx := t.Context()
	const window = 15 * time.Minute
	var ids []int64
	for i := range 3 {
		id, _, ok, err := d.ThrottleReserve(ctx, "login-pair", "a:ana ip:192.0.2.1", 3, window)
		if err != nil || !ok {
			t.Fatalf("attempt %d: ok %v, %v", i, ok, err)
		}
		ids = append(ids, id)
		clock.add(time.Minute)
	}
	_, wait, ok, err := d.ThrottleReserve(ctx, "login-pair", "a:ana ip:192.0.2.1", 3, window)
	if err != nil || ok {
		t.Fatalf("4th attempt: ok %v, %v; want refused", ok, err)
	}
	if want := window - 3*time.Minute; wait != want {
		t.Errorf("wait %v, want %v (the oldest attempt leaves the window)", wait, want)
	}
	// Another key and another scope have allowances of their own.
	if _, _, ok, err := d.ThrottleReserve(ctx, "login-pair", "a:ana ip:192.0.2.2", 3, window); err != nil || !ok {
		t.Errorf("another key: ok %v, %v", ok, err)
	}
	if _, _, ok, err := d.ThrottleReserve(ctx, "login-address", "a:ana ip:192.0.2.1", 3, window); err != nil || !ok {
		t.Errorf("another scope: ok %v, %v", ok, err)
	}

	if err := d.ThrottleGiveBack(ctx, "login-pair", "a:ana ip:192.0.2.1", ids[1]); err != nil {
		t.Fatal(err)
	}
	if _, _, ok, err := d.ThrottleReserve(ctx, "login-pair", "a:ana ip:192.0.2.1", 3, window); err != nil || !ok {
		t.Fatalf("after giving one back: ok %v, %v", ok, err)
	}
	if _, _, ok, _ := d.ThrottleReserve(ctx, "login-pair", "a:ana ip:192.0.2.1", 3, window); ok {
		t.Fatal("full again, yet allowed")
	}
	// The oldest attempt leaves the window: one place frees.
	clock.add(window - 3*time.Minute + time.Second)
	if _, _, ok, err := d.ThrottleReserve(ctx, "login-pair", "a:ana ip:192.0.2.1", 3, window); err != nil || !ok {
		t.Fatalf("once the oldest left the window: ok %v, %v", ok, err)
	}
	if err := d.ThrottleReset(ctx, "login-pair", "a:ana ip:192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, _, ok, err := d.ThrottleReserve(ctx, "login-pair", "a:ana ip:192.0.2.1", 3, window); err != nil || !ok {
			t.Fatalf("after a reset, attempt %d: ok %v, %v", i, ok, err)
		}
	}
}

// A slowdown never refuses and tells how many attempts came before,
// keeping only its keep newest per key.
func TestThrottleTake(t *testing.T) {
	d := mustOpen(t)
	clock := newFakeClock(d)
	ctx := t.Context()
	const keep, window = 4, 15 * time.Minute
	var last int64
	for i := range 10 {
		id, before, err := d.ThrottleTake(ctx, "login-account", "a:ana", keep, window)
		if err != nil {
			t.Fatal(err)
		}
		if want := min(i, keep); before != want {
			t.Errorf("attempt %d: before %d, want %d", i, before, want)
		}
		last = id
		clock.add(time.Second)
	}
	if got := countRows(t, d, "throttle_attempts"); got != keep {
		t.Errorf("%d rows kept for one key, want %d", got, keep)
	}
	if err := d.ThrottleGiveBack(ctx, "login-account", "a:ana", last); err != nil {
		t.Fatal(err)
	}
	if _, before, _ := d.ThrottleTake(ctx, "login-account", "a:ana", keep, window); before != keep-1 {
		t.Errorf("after a give-back: before %d, want %d", before, keep-1)
	}
	clock.add(window)
	if _, before, _ := d.ThrottleTake(ctx, "login-account", "a:ana", keep, window); before != 0 {
		t.Errorf("a window later: before %d, want 0", before)
	}
}

// A fixed window, as Fiber's limiter kept it: refused hits count, the
// window ends a window after the first hit, and the next hit starts
// another.
func TestRateHit(t *testing.T) {
	d := mustOpen(t)
	clock := newFakeClock(d)
	ctx := t.Context()
	for i := 1; i <= 5; i++ {
		hits, resetIn, err := d.RateHit(ctx, "create", "192.0.2.1", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if hits != i {
			t.Errorf("hit %d counted as %d", i, hits)
		}
		if want := time.Minute - time.Duration(i-1)*10*time.Second; resetIn != want {
			t.Errorf("hit %d: resets in %v, want %v", i, resetIn, want)
		}
		clock.add(10 * time.Second)
	}
	if hits, _, _ := d.RateHit(ctx, "create", "192.0.2.2", time.Minute); hits != 1 {
		t.Errorf("another client: %d hits, want 1", hits)
	}
	clock.add(10 * time.Second) // a minute after the first hit
	hits, resetIn, err := d.RateHit(ctx, "create", "192.0.2.1", time.Minute)
	if err != nil || hits != 1 || resetIn != time.Minute {
		t.Errorf("a new window: %d hits, resets in %v, %v; want 1, 1m0s", hits, resetIn, err)
	}
}

// Two handles on one database file (two processes, as far as the store
// can tell) count against the same allowances, and a burst over both
// passes no more attempts than the limit.
func TestThrottlesSharedAcrossHandles(t *testing.T) {
	ds := openHandles(t, 2)
	newFakeClock(ds[0], ds[1])
	ctx := t.Context()

	for i := 1; i <= 4; i++ {
		hits, _, err := ds[i%2].RateHit(ctx, "create", "192.0.2.1", time.Minute)
		if err != nil || hits != i {
			t.Fatalf("hit %d on handle %d: counted %d, %v", i, i%2, hits, err)
		}
	}

	const max, burst = 5, 60
	var wg sync.WaitGroup
	var allowed atomic.Int32
	errs := make(chan error, burst)
	for i := range burst {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, ok, err := ds[i%2].ThrottleReserve(ctx, "login-pair", "a:ana ip:192.0.2.1", max, 15*time.Minute)
			if err != nil {
				errs <- err
			}
			if ok {
				allowed.Add(1)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if got := allowed.Load(); got != max {
		t.Errorf("%d of %d attempts over two handles allowed, want %d", got, burst, max)
	}
	_, before, err := ds[0].ThrottleTake(ctx, "login-pair", "a:ana ip:192.0.2.1", 2*max, 15*time.Minute)
	if err != nil || before != max {
		t.Errorf("the other handle sees %d attempts, %v; want %d", before, err, max)
	}
}

// Dead rows go: each write deletes a few of any key's, so a flood of
// distinct keys cannot grow them, and SweepThrottles deletes the rest.
func TestThrottlesSwept(t *testing.T) {
	d := mustOpen(t)
	clock := newFakeClock(d)
	ctx := t.Context()
	const flood = 40
	for i := range flood {
		key := "ip:192.0.2." + string(rune('a'+i%26)) + strings.Repeat("x", i/26)
		if _, _, _, err := d.ThrottleReserve(ctx, "login-address", key, 3, time.Minute); err != nil {
			t.Fatal(err)
		}
		if _, _, err := d.RateHit(ctx, "create", key, time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	clock.add(2 * time.Minute)
	// A second flood of fresh keys, once the first is dead: each write
	// deletes more dead rows than it adds.
	for i := range flood {
		key := "ip:198.51.100." + string(rune('a'+i%26)) + strings.Repeat("y", i/26)
		if _, _, _, err := d.ThrottleReserve(ctx, "login-address", key, 3, time.Minute); err != nil {
			t.Fatal(err)
		}
		if _, _, err := d.RateHit(ctx, "create", key, time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	for _, table := range []string{"throttle_attempts", "rate_limits"} {
		if got := countRows(t, d, table); got != flood {
			t.Errorf("%s: %d rows after the second flood, want %d (the first one's swept)", table, got, flood)
		}
	}
	clock.add(2 * time.Minute)
	n, err := d.SweepThrottles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2*flood {
		t.Errorf("swept %d rows, want %d", n, 2*flood)
	}
	for _, table := range []string{"throttle_attempts", "rate_limits"} {
		if got := countRows(t, d, table); got != 0 {
			t.Errorf("%s: %d rows after the sweep, want 0", table, got)
		}
	}
}

// Keys are bounded: a long one is stored as its hash, and two long keys
// that differ only past the bound are still two keys.
func TestThrottleLongKeys(t *testing.T) {
	d := mustOpen(t)
	newFakeClock(d)
	ctx := context.Background()
	long := strings.Repeat("a", 5000)
	for _, key := range []string{long + "1", long + "2"} {
		if _, _, ok, err := d.ThrottleReserve(ctx, "login-pair", key, 1, time.Minute); err != nil || !ok {
			t.Fatalf("first attempt of a long key: ok %v, %v", ok, err)
		}
	}
	if _, _, ok, _ := d.ThrottleReserve(ctx, "login-pair", long+"1", 1, time.Minute); ok {
		t.Error("a long key's second attempt allowed past max 1")
	}
	var longest int
	if err := d.read.QueryRowContext(ctx, `SELECT max(length(key_name)) FROM throttle_attempts`).Scan(&longest); err != nil {
		t.Fatal(err)
	}
	if longest > MaxThrottleKeyLen {
		t.Errorf("a stored key of %d bytes, want at most %d", longest, MaxThrottleKeyLen)
	}
	if _, _, _, err := d.ThrottleReserve(ctx, "", "k", 1, time.Minute); ErrorCode(err) != EINVALID {
		t.Errorf("an empty scope: %v, want %s", err, EINVALID)
	}
}
