package db

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

// Two processes creating tickets at once on one database all succeed and
// are all counted: on PostgreSQL each writer keeps its own count rows, so
// their transactions never collide on a status's row. Once a process has
// gone, upkeep folds its rows into writer 0 and the sums stay the same.
func TestStatusCountsTwoWriters(t *testing.T) {
	ds := openHandles(t, 2)
	const each = 150
	var wg sync.WaitGroup
	errs := make(chan error, 2*each)
	for i, d := range ds {
		for j := range each {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _, err := d.CreateTicket(context.Background(), NewTicket{RoleContext: "tourist", FullName: "Ana Pérez",
					Email: fmt.Sprintf("ana%d-%d@example.com", i, j), Subject: "Two writers", Category: "Booking", Message: "Counted once."},
					Actor{Type: "requester", Name: "Ana Pérez"})
				errs <- err
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("a create failed: %v", err)
		}
	}
	counts, err := ds[0].StatusCounts(t.Context())
	if err != nil || counts[StatusOpen] != 2*each {
		t.Fatalf("open = %d (%v), want %d; all: %v", counts[StatusOpen], err, 2*each, counts)
	}
	ds[1].Close()
	if !onPostgres {
		return
	}
	// The closed handle's sessions end a moment after Close.
	var rows int
	for range 50 {
		if err := ds[0].upkeep(t.Context()); err != nil {
			t.Fatal(err)
		}
		if err := ds[0].read.QueryRow(`SELECT count(*) FROM ticket_counts WHERE status = 'open'`).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		if rows <= 2 {
			break
		}
	}
	if rows > 2 {
		t.Errorf("%d count rows for open after upkeep, want writer 0 and the live writer's", rows)
	}
	counts, err = ds[0].StatusCounts(t.Context())
	if err != nil || counts[StatusOpen] != 2*each {
		t.Fatalf("after folding, open = %d (%v), want %d", counts[StatusOpen], err, 2*each)
	}
}
