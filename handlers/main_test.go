package handlers

import (
	"testing"

	"github.com/kinconecta/helpdesk/internal/pgtest"
)

// TestMain stops the throwaway PostgreSQL cluster the tests on that
// engine start (internal/pgtest), once they have all run.
func TestMain(m *testing.M) { pgtest.Main(m) }
