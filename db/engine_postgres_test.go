package db

import (
	"net"
	"testing"
	"time"
)

// A search is planned for its own words, and the search documents keep a
// tenfold statistics sample: together they let the planner choose per
// word between walking ids and the GIN index (migrations/001_init.sql,
// ticket_search). A rare word searched after a common one (whose plan a
// cache would reuse) still finds its ticket.
func TestPostgresSearchPlanning(t *testing.T) {
	if !onPostgres {
		t.Skip("about the PostgreSQL engine")
	}
	d := mustOpen(t)
	var target int
	if err := d.read.QueryRow(`SELECT attstattarget FROM pg_attribute
		WHERE attrelid = 'ticket_search'::regclass AND attname = 'document'`).Scan(&target); err != nil || target != 1000 {
		t.Errorf("statistics target of ticket_search.document = %d (%v), want 1000", target, err)
	}
	rare := mustTicket(t, d, "Platypus sighting", "A platypus on the tour.")
	for range 3 {
		mustTicket(t, d, "Booking question", "About my booking.")
	}
	for range 8 {
		searchIDs(t, d, TicketFilter{Query: "booking"})
	}
	if ids, _ := searchIDs(t, d, TicketFilter{Query: "platypus"}); len(ids) != 1 || ids[0] != rare.ID {
		t.Errorf("search platypus = %v, want [%d]", ids, rare.ID)
	}
	var n int
	if err := d.read.QueryRowPlanned(t.Context(), `SELECT ?::int + 1`, 41).Scan(&n); err != nil || n != 42 {
		t.Errorf("a planned query: %d, %v; want 42", n, err)
	}
}

// A server that accepts connections and never answers fails the open
// after the default connect timeout, where pgx alone would wait for ever
// (a fresh tester's start hung until killed).
func TestOpenPostgresHungServerTimesOut(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close() // held open, never answered
		}
	}()
	start := time.Now()
	_, err = OpenPostgres("postgres://helpdesk@" + ln.Addr().String() + "/helpdesk?sslmode=disable")
	if err == nil {
		t.Fatal("opened a database on a server that never answers")
	}
	if took := time.Since(start); took > defaultConnectTimeout+5*time.Second {
		t.Errorf("the open failed after %v, want about %v", took, defaultConnectTimeout)
	}
}

// A database out of reach is told apart from a fault, so a request gets
// 503 (db.ErrUnreachable), not 500, while PostgreSQL is down.
func TestUnreachableDatabase(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now: connections are refused
	_, err = OpenPostgres("postgres://helpdesk@" + addr + "/helpdesk?sslmode=disable")
	if err == nil || !IsUnreachable(err) {
		t.Fatalf("open on a closed port: %v; want an unreachable database", err)
	}
	if IsUnreachable(Errorf(EINVALID, "bad input")) || IsUnreachable(nil) {
		t.Error("a domain error or nil taken for an unreachable database")
	}
}
