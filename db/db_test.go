package db

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"testing"
)

// mustOpen opens a fresh database on the engine under test (engine_test.go).
func mustOpen(tb testing.TB) *DB {
	tb.Helper()
	d, err := openAt(testPlace(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { d.Close() })
	return d
}

func TestStatusNext(t *testing.T) {
	tests := []struct {
		from Status
		want string
	}{
		{StatusCreated, "open in_progress resolved closed"},
		{StatusOpen, "in_progress resolved closed"},
		{StatusInProgress, "resolved closed"},
		{StatusResolved, "open in_progress closed"},
		{StatusClosed, ""},
	}
	for _, tc := range tests {
		t.Run(string(tc.from), func(t *testing.T) {
			var got []string
			for _, s := range tc.from.Next() {
				got = append(got, string(s))
			}
			if strings.Join(got, " ") != tc.want {
				t.Errorf("Next() = %v, want %s", got, tc.want)
			}
		})
	}
	for _, in := range []string{"In Progress", "IN_PROGRESS", "in-progress", " in_progress "} {
		if s, ok := ParseStatus(in); !ok || s != StatusInProgress {
			t.Errorf("ParseStatus(%q) = %q, %v", in, s, ok)
		}
	}
}

// A failing write in a shared commit must not undo its neighbours, and
// every acknowledged write must be there.
func TestWriterGroupCommitIsolation(t *testing.T) {
	d := mustOpen(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 200)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			errs[i] = d.write(ctx, func(tx *Tx) error {
				if _, err := tx.Exec(`INSERT INTO categories (name, name_es) VALUES (?, ?)`, "cat"+strings.Repeat("x", i), "c"); err != nil {
					return err
				}
				if i%7 == 0 {
					return errors.New("refused")
				}
				return nil
			})
		}(i)
	}
	wg.Wait()
	var want int
	for i, err := range errs {
		if (i%7 == 0) != (err != nil) {
			t.Fatalf("write %d: err = %v", i, err)
		}
		if err == nil {
			want++
		}
	}
	var got int
	if err := d.read.QueryRow(`SELECT count(*) FROM categories WHERE substr(name, 1, 3) = 'cat'`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("%d rows, want %d", got, want)
	}
}

func TestWriterSurvivesPanic(t *testing.T) {
	d := mustOpen(t)
	err := d.write(context.Background(), func(*Tx) error { panic("boom") })
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("err = %v", err)
	}
	if err := d.write(context.Background(), func(tx *Tx) error { return nil }); err != nil {
		t.Fatalf("writer dead after a panic: %v", err)
	}
}

func TestPragmasOnEveryConnection(t *testing.T) {
	sqliteOnly(t)
	d := mustOpen(t)
	// Hold several read connections at once so the pool must open more.
	conns := make([]*sql.Conn, 4)
	for i := range conns {
		c, err := d.read.Conn(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns[i] = c
	}
	for i, c := range conns {
		var fk, sync, auto int
		var mode string
		c.QueryRowContext(context.Background(), `PRAGMA foreign_keys`).Scan(&fk)
		c.QueryRowContext(context.Background(), `PRAGMA synchronous`).Scan(&sync)
		c.QueryRowContext(context.Background(), `PRAGMA wal_autocheckpoint`).Scan(&auto)
		c.QueryRowContext(context.Background(), `PRAGMA journal_mode`).Scan(&mode)
		if fk != 1 || sync != 2 || auto != 0 || mode != "wal" {
			t.Errorf("conn %d: foreign_keys=%d synchronous=%d wal_autocheckpoint=%d journal_mode=%s", i, fk, sync, auto, mode)
		}
	}
}

func TestMigrationsIdempotent(t *testing.T) {
	place := testPlace(t)
	for i := 0; i < 2; i++ {
		d, err := openAt(place)
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		cats, err := d.Categories(context.Background())
		if err != nil || len(cats) != 7 {
			t.Fatalf("open %d: %d categories, %v", i, len(cats), err)
		}
		d.Close()
	}
}

func TestCheckpointRuns(t *testing.T) {
	sqliteOnly(t)
	d := mustOpen(t)
	var busy, log, ckpt int
	if err := d.read.QueryRow(`PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &log, &ckpt); err != nil {
		t.Fatalf("a read connection cannot checkpoint: %v", err)
	}
	if busy != 0 {
		t.Errorf("checkpoint busy = %d", busy)
	}
}

func TestListCountCap(t *testing.T) {
	d := mustOpen(t)
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		if _, _, err := d.CreateTicket(ctx, NewTicket{RoleContext: "tourist", FullName: "Ana", Email: "ana@example.com",
			Subject: "Refund please", Category: "Billing", Message: "refund"}, Actor{Type: "requester", Name: "Ana"}); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name       string
		f          TicketFilter
		wantTotal  int
		wantCapped bool
	}{
		{"UnderCap", TicketFilter{Query: "refund", Statuses: []Status{StatusOpen}, CountCap: 10, Limit: 2}, 5, false},
		{"AtCap", TicketFilter{Query: "refund", Statuses: []Status{StatusOpen}, CountCap: 5, Limit: 2}, 5, false},
		{"OverCap", TicketFilter{Query: "refund", Statuses: []Status{StatusOpen}, CountCap: 3, Limit: 2}, 3, true},
		{"NoCapIsExact", TicketFilter{Query: "refund", Statuses: []Status{StatusOpen}, Limit: 2}, 5, false},
		// A page that holds every match counts them itself, exactly.
		{"WholeViewOnPage", TicketFilter{Query: "refund", Statuses: []Status{StatusOpen}, CountCap: 3}, 5, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			page, err := d.ListTickets(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != tc.wantTotal || page.TotalCapped != tc.wantCapped {
				t.Errorf("total %d capped %v, want %d %v", page.Total, page.TotalCapped, tc.wantTotal, tc.wantCapped)
			}
		})
	}
}
