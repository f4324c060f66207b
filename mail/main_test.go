package mail

import (
	"testing"

	"github.com/kinconecta/helpdesk/internal/pgtest"
)

// TestMain stops the throwaway PostgreSQL cluster the tests started.
func TestMain(m *testing.M) { pgtest.Main(m) }
