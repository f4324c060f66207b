package db

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kinconecta/helpdesk/internal/pgtest"
)

// engines opens, for each engine, a fresh store and returns a function
// that opens another handle on the same database, as a second helpdesk
// process would (SQLite: nil, one process at a time).
func engines(t *testing.T) map[string]func() *DB {
	t.Helper()
	url := ""
	return map[string]func() *DB{
		"SQLite": nil,
		"PostgreSQL": func() *DB {
			if url == "" {
				url = pgtest.URL(t)
			}
			d, err := OpenPostgres(url)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { d.Close() })
			return d
		},
	}
}

// eachEngine runs test on a fresh store of each engine, whichever
// HELPDESK_TEST_DATABASE names (engine_test.go); another is nil on SQLite,
// else it opens a second handle on the store's database.
func eachEngine(t *testing.T, test func(t *testing.T, d *DB, another func() *DB)) {
	for _, name := range []string{"SQLite", "PostgreSQL"} {
		t.Run(name, func(t *testing.T) {
			another := engines(t)[name]
			var d *DB
			if another != nil {
				d = another()
			} else {
				var err error
				if d, err = Open(t.TempDir()); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { d.Close() })
			}
			test(t, d, another)
		})
	}
}

// queueConfirmations queues n confirmations, the i-th to email(i), one
// write each (as n tickets would), and returns their ids in order. The
// rows belong to no ticket: claiming needs none.
func queueConfirmations(t *testing.T, d *DB, n int, email func(i int) string) []int64 {
	t.Helper()
	var ids []int64
	for i := range n {
		var id int64
		err := d.write(context.Background(), func(tx *Tx) error {
			now := Time{d.now()}
			return tx.QueryRow(`INSERT INTO outbox (kind, recipient, language, next_attempt_at, created_at)
				VALUES (?, ?, 'en', ?, ?) RETURNING id`, NotifyTicketCreated, email(i), now, now).Scan(&id)
		})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

func claimIDs(c Claim) []int64 {
	var ids []int64
	for _, n := range c.Rows {
		ids = append(ids, n.ID)
	}
	return ids
}

// TestClaimDueLeases: a claim takes the oldest due rows and hides them
// from the next claim until its lease ends; a row sent is never claimed
// again, a row whose worker never finished is, once the lease is over.
func TestClaimDueLeases(t *testing.T) {
	eachEngine(t, func(t *testing.T, d *DB, _ func() *DB) {
		ctx := context.Background()
		clock := newFakeClock(d)
		ids := queueConfirmations(t, d, 3, func(i int) string { return fmt.Sprintf("ana%d@example.com", i) })
		const lease = 2 * time.Minute

		first, err := d.ClaimDue(ctx, 2, lease, ConfirmLimits{})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := claimIDs(first), ids[:2]; !slices.Equal(got, want) || first.Picked != 2 {
			t.Fatalf("first claim = %v (picked %d), want %v", got, first.Picked, want)
		}
		if got, want := first.Until.Time, clock.now().Add(lease); !got.Equal(want) {
			t.Fatalf("lease until %v, want %v", got, want)
		}
		for _, n := range first.Rows {
			if !n.NextAttemptAt.Equal(first.Until.Time) || !n.Claimed || !n.ThreadRoot {
				t.Fatalf("claimed row = %+v: want leased until %v, claimed, the thread's root", n, first.Until)
			}
		}
		second, err := d.ClaimDue(ctx, 2, lease, ConfirmLimits{})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := claimIDs(second), ids[2:]; !slices.Equal(got, want) {
			t.Fatalf("second claim = %v, want %v", got, want)
		}
		if none, err := d.ClaimDue(ctx, 2, lease, ConfirmLimits{}); err != nil || none.Picked != 0 {
			t.Fatalf("third claim = %+v, %v; want nothing while the leases last", none, err)
		}

		// The first worker sends one row and dies; the second sends its row.
		if err := d.MarkSent(ctx, ids[0]); err != nil {
			t.Fatal(err)
		}
		if err := d.MarkSent(ctx, ids[2]); err != nil {
			t.Fatal(err)
		}
		clock.add(lease - time.Second)
		if early, err := d.ClaimDue(ctx, 2, lease, ConfirmLimits{}); err != nil || early.Picked != 0 {
			t.Fatalf("claim before the lease ends = %+v, %v; want nothing", early, err)
		}
		clock.add(time.Second)
		again, err := d.ClaimDue(ctx, 2, lease, ConfirmLimits{})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := claimIDs(again), ids[1:2]; !slices.Equal(got, want) {
			t.Fatalf("claim after the lease = %v, want the unfinished row %v", got, want)
		}
		if n := again.Rows[0]; n.Attempts != 0 || !n.ThreadRoot {
			t.Fatalf("reclaimed row = %+v: want no attempt counted, still the thread's root", n)
		}
	})
}

// TestRenewAndReleaseLease: the worker holding a lease renews or releases
// it; once the lease is another's (it ran out and the row was claimed
// again), neither touches the row.
func TestRenewAndReleaseLease(t *testing.T) {
	eachEngine(t, func(t *testing.T, d *DB, _ func() *DB) {
		ctx := context.Background()
		clock := newFakeClock(d)
		ids := queueConfirmations(t, d, 2, func(i int) string { return fmt.Sprintf("ana%d@example.com", i) })
		const lease = time.Minute

		c, err := d.ClaimDue(ctx, 2, lease, ConfirmLimits{})
		if err != nil || c.Picked != 2 {
			t.Fatalf("claim = %+v, %v", c, err)
		}
		clock.add(50 * time.Second)
		until, kept, err := d.RenewLease(ctx, ids, c.Until, lease)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(kept, ids) || !until.Equal(clock.now().Add(lease)) {
			t.Fatalf("renewed %v until %v, want %v until %v", kept, until, ids, clock.now().Add(lease))
		}
		// The old lease's end no longer names this worker's lease.
		if _, stale, err := d.RenewLease(ctx, ids, c.Until, lease); err != nil || len(stale) != 0 {
			t.Fatalf("renewing a lease already renewed kept %v (%v), want none", stale, err)
		}

		// The lease runs out; another worker claims the rows.
		clock.add(lease)
		other, err := d.ClaimDue(ctx, 2, lease, ConfirmLimits{})
		if err != nil || !slices.Equal(claimIDs(other), ids) {
			t.Fatalf("other worker's claim = %+v, %v", other, err)
		}
		if _, lost, err := d.RenewLease(ctx, ids, until, lease); err != nil || len(lost) != 0 {
			t.Fatalf("the first worker renewed %v (%v) of rows another holds", lost, err)
		}
		if err := d.ReleaseLease(ctx, ids, until); err != nil {
			t.Fatal(err)
		}
		if c, err := d.ClaimDue(ctx, 2, lease, ConfirmLimits{}); err != nil || c.Picked != 0 {
			t.Fatalf("after a stale release, claim = %+v, %v; want nothing", c, err)
		}
		// The holder releases one row: it is due at once.
		if err := d.ReleaseLease(ctx, ids[1:], other.Until); err != nil {
			t.Fatal(err)
		}
		back, err := d.ClaimDue(ctx, 2, lease, ConfirmLimits{})
		if err != nil || !slices.Equal(claimIDs(back), ids[1:]) {
			t.Fatalf("after the release, claim = %+v, %v; want %v", back, err, ids[1:])
		}
	})
}

// TestClaimDueBadInput: a claim of nothing, or for no time, is a
// programming error.
func TestClaimDueBadInput(t *testing.T) {
	d := mustOpen(t)
	for _, tc := range []struct {
		name  string
		limit int
		lease time.Duration
	}{{"NoRows", 0, time.Minute}, {"NoLease", 10, 0}} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := d.ClaimDue(context.Background(), tc.limit, tc.lease, ConfirmLimits{}); ErrorCode(err) != EINVALID {
				t.Fatalf("err = %v, want EINVALID", err)
			}
		})
	}
}

// TestClaimDueTwoProcesses: workers of two processes claiming at once
// from one PostgreSQL database never take the same row, and between them
// take every row; the confirmation limit holds across them.
func TestClaimDueTwoProcesses(t *testing.T) {
	ctx := context.Background()
	open := engines(t)["PostgreSQL"]
	a, b := open(), open()
	const rows, perAddress = 120, 3
	// Four addresses: each may get perAddress confirmations an hour.
	queueConfirmations(t, a, rows, func(i int) string { return fmt.Sprintf("ana%d@example.com", i%4) })
	lim := ConfirmLimits{PerAddress: perAddress}

	var mu sync.Mutex
	got := map[int64]int{}
	picked := 0
	var wg sync.WaitGroup
	for w := range 6 {
		d := []*DB{a, b}[w%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				c, err := d.ClaimDue(ctx, 7, time.Hour, lim)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				picked += c.Picked
				for _, n := range c.Rows {
					got[n.ID]++
				}
				mu.Unlock()
				if c.Picked == 0 {
					return
				}
			}
		}()
	}
	wg.Wait()
	if picked != rows {
		t.Fatalf("the workers picked %d rows, want each of %d once", picked, rows)
	}
	for id, n := range got {
		if n != 1 {
			t.Errorf("row %d claimed %d times", id, n)
		}
	}
	if len(got) != 4*perAddress {
		t.Fatalf("%d confirmations let through, want %d (%d for each of 4 addresses)", len(got), 4*perAddress, perAddress)
	}
	suppressed, err := a.Notifications(ctx, OutboxFailed, rows+1)
	if err != nil || len(suppressed) != rows-4*perAddress {
		t.Fatalf("%d rows suppressed (%v), want %d", len(suppressed), err, rows-4*perAddress)
	}
}

// TestConfirmLimitOutOfOrder: workers of two processes claim
// confirmations out of the order they were created; an older one claimed
// after newer ones still counts them, so no hour gets past the limit.
func TestConfirmLimitOutOfOrder(t *testing.T) {
	eachEngine(t, func(t *testing.T, d *DB, _ func() *DB) {
		ctx := context.Background()
		clock := newFakeClock(d)
		for range 4 {
			queueConfirmations(t, d, 1, func(int) string { return "ana@example.com" })
			clock.add(10 * time.Minute)
		}
		rows, err := d.Notifications(ctx, OutboxPending, 10) // newest first
		if err != nil || len(rows) != 4 {
			t.Fatalf("rows = %+v, %v", rows, err)
		}
		var through []int64
		for _, n := range rows {
			out, err := d.ClaimNotifications(ctx, []Notification{n}, ConfirmLimits{PerAddress: 2})
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range out {
				through = append(through, o.ID)
			}
		}
		if want := []int64{rows[0].ID, rows[1].ID}; !slices.Equal(through, want) {
			t.Fatalf("let through %v, want the two claimed first %v", through, want)
		}
	})
}
