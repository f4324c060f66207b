package db

import "testing"

// The read pool plans every query with its own arguments, and the search
// documents keep a tenfold statistics sample: together they let the
// planner choose per word between walking ids and the GIN index
// (migrations/001_init.sql, ticket_search).
func TestPostgresSearchPlanning(t *testing.T) {
	if !onPostgres {
		t.Skip("about the PostgreSQL engine")
	}
	d := mustOpen(t)
	var mode string
	if err := d.read.QueryRow(`SHOW plan_cache_mode`).Scan(&mode); err != nil || mode != "force_custom_plan" {
		t.Errorf("plan_cache_mode = %q (%v), want force_custom_plan", mode, err)
	}
	var target int
	if err := d.read.QueryRow(`SELECT attstattarget FROM pg_attribute
		WHERE attrelid = 'ticket_search'::regclass AND attname = 'document'`).Scan(&target); err != nil || target != 1000 {
		t.Errorf("statistics target of ticket_search.document = %d (%v), want 1000", target, err)
	}
}
