package handlers

import (
	"testing"

	"github.com/kinconecta/helpdesk/internal/pgtest"
)

// TestMain stops the PostgreSQL cluster a HELPDESK_TEST_DATABASE=postgres
// run started (internal/storetest).
func TestMain(m *testing.M) { pgtest.Main(m) }
