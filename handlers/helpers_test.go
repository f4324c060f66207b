package handlers

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/kinconecta/helpdesk/db"
)

// countTickets counts the tickets in the database.
func countTickets(t testing.TB, s *testServer) int {
	t.Helper()
	page, err := s.DB.ListTickets(t.Context(), dbFilterAll())
	if err != nil {
		t.Fatal(err)
	}
	return page.Total
}

// countFiles counts the stored attachment files (not the temporary folder).
func countFiles(t testing.TB, s *testServer) int {
	t.Helper()
	entries, err := os.ReadDir(s.Files.Dir())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if !e.IsDir() {
			n++
		}
	}
	return n
}

// assertNoStrayFiles checks that the temporary folder is empty and that
// every stored file belongs to a row: what a refused upload must leave.
func assertNoStrayFiles(t testing.TB, s *testServer) {
	t.Helper()
	tmp, err := os.ReadDir(filepath.Join(s.Files.Dir(), "tmp"))
	if err != nil {
		t.Fatal(err)
	}
	if len(tmp) != 0 {
		t.Errorf("%d files left in the temporary folder", len(tmp))
	}
	known := map[string]bool{}
	if err := s.DB.StorageNames(t.Context(), func(n string) { known[n] = true }); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(s.Files.Dir())
	for _, e := range entries {
		if !e.IsDir() && !known[e.Name()] {
			t.Errorf("file %s has no row", e.Name())
		}
	}
}

func dbFilterAll() db.TicketFilter { return db.TicketFilter{Limit: 1} }
