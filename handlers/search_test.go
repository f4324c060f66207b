package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/internal/seeddb/seed"
	"github.com/kinconecta/helpdesk/internal/storetest"
)

// searchAPI lists q's matches with the agent key and returns their ids.
func searchAPI(t *testing.T, s *testServer, q string) ([]int64, response) {
	t.Helper()
	r := s.do(t, "GET", "/api/support-tickets?q="+url.QueryEscape(q), "", nil, bearer(s.AgentKey)...)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("search %q: %d %s", q, r.StatusCode, r.Body)
	}
	var page []db.Ticket
	r.JSON(t, &page)
	var ids []int64
	for _, tk := range page {
		ids = append(ids, tk.ID)
	}
	return ids, r
}

// Search covers the conversation (CONTRACT §5): a word only in a public
// reply, or only in an internal note, finds the ticket through the API and
// in the desk, whose snippet shows the passage. Requesters never search:
// their token cannot list tickets at all, so internal notes cannot be
// probed word by word.
func TestSearchCoversConversationAPI(t *testing.T) {
	s := newTestServer(t)
	c := s.createTicket(t, map[string]any{"subject": "Lost luggage", "message": "My bag did not arrive"})
	other := s.createTicket(t, map[string]any{"subject": "Another", "message": "Nothing shared"})
	base := "/api/support-tickets/" + strconv.FormatInt(c.ID, 10)
	post := func(body string, internal bool) {
		t.Helper()
		in := `{"body":"` + body + `","internal":` + strconv.FormatBool(internal) + `}`
		if r := s.do(t, "POST", base+"/messages", "application/json", strings.NewReader(in), bearer(s.AgentKey)...); r.StatusCode != http.StatusCreated {
			t.Fatalf("post %q: %d %s", body, r.StatusCode, r.Body)
		}
	}
	post("The courier brings it to Tulum tomorrow.", false)
	post("Airline claim number zebra4471, ask for Marta.", true)

	for _, tc := range []struct{ name, q string }{
		{"PublicReply", "courier"},
		{"InternalNote", "zebra4471"},
		{"TicketAndReply", "luggage tulum"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ids, r := searchAPI(t, s, tc.q)
			if len(ids) != 1 || ids[0] != c.ID {
				t.Fatalf("search %q = %v, want [%d] (not %d)", tc.q, ids, c.ID, other.ID)
			}
			if got := r.Header.Get("X-Total-Count"); got != "1" {
				t.Errorf("X-Total-Count = %q, want 1", got)
			}
			if got := r.Header.Get("X-Total-Count-Capped"); got != "" {
				t.Errorf("X-Total-Count-Capped = %q on an exact count", got)
			}
		})
	}

	t.Run("DeskSnippetFromNote", func(t *testing.T) {
		agent := s.signInAs(t, "Lucía", db.RoleAgent)
		doc := agent.queuePage(t, "/agent?q=zebra4471")
		rows := doc.Find(`[data-testid="queue-row"]`)
		if rows.Length() != 1 {
			t.Fatalf("%d queue rows, want 1", rows.Length())
		}
		if mark := strings.TrimSpace(rows.Find("mark").First().Text()); mark != "zebra4471" {
			t.Errorf("snippet marks %q, want zebra4471", mark)
		}
	})

	t.Run("ErrRequesterTokenNeverSearches", func(t *testing.T) {
		r := s.do(t, "GET", "/api/support-tickets?q=zebra4471", "", nil, bearer(c.AccessToken)...)
		if r.StatusCode != http.StatusForbidden && r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("search with the requester's token: %d, want 401 or 403", r.StatusCode)
		}
		if strings.Contains(string(r.Body), "zebra4471") || strings.Contains(string(r.Body), `"id"`) {
			t.Fatalf("the refusal carries tickets: %s", r.Body)
		}
	})
}

// The desk's search box matches the last word as a prefix only while it
// is typed (live=1, sent by htmx); a submitted search and the API match
// whole words.
func TestLiveSearchPrefix(t *testing.T) {
	s := newTestServer(t)
	c := s.createTicket(t, map[string]any{"subject": "Refund for my booking"})
	agent := s.signInAs(t, "Lucía", db.RoleAgent)
	for _, tc := range []struct {
		name, path string
		want       int
	}{
		{"LiveTyping", "/agent?q=refu&live=1", 1},
		{"Submitted", "/agent?q=refu", 0},
		{"SubmittedWholeWord", "/agent?q=refund", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := agent.queuePage(t, tc.path).Find(`[data-testid="queue-row"]`).Length(); got != tc.want {
				t.Errorf("%s: %d rows, want %d", tc.path, got, tc.want)
			}
		})
	}
	// One letter typed changes nothing on the page.
	if r := agent.get(t, "/agent?q=r&live=1"); r.StatusCode != http.StatusNoContent {
		t.Errorf("live search for one letter: %d, want 204", r.StatusCode)
	}
	if ids, _ := searchAPI(t, s, "refu"); len(ids) != 0 {
		t.Errorf("API search refu = %v, want none (ticket %d has refund)", ids, c.ID)
	}
}

// A full-text search stops counting at 1000 and says so; other lists and
// smaller searches count exactly, without the marker.
func TestSearchCountCapped(t *testing.T) {
	// The seed is written straight into the SQLite file (internal/seeddb).
	storetest.SQLiteOnly(t)
	s := newTestServer(t)
	// About a fifth of generated tickets mention "booking".
	if err := seed.Generate(s.Dir, 7000); err != nil {
		t.Fatal(err)
	}
	s.createTicket(t, map[string]any{"subject": "Booking for Zanzibar"})
	for _, tc := range []struct {
		name, query, total, capped string
	}{
		{"CommonWord", "q=booking&limit=10", "1000", "true"},
		{"CommonWordWithinStatuses", "q=booking&limit=10&status=closed,resolved", "1000", "true"},
		{"RareWordIsExact", "q=booking+zanzibar", "1", ""},
		{"NoSearchIsExact", "limit=10", "7001", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := s.do(t, "GET", "/api/support-tickets?"+tc.query, "", nil, bearer(s.AgentKey)...)
			if r.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", r.StatusCode, r.Body)
			}
			if got := r.Header.Get("X-Total-Count"); got != tc.total {
				t.Errorf("X-Total-Count = %q, want %s", got, tc.total)
			}
			if got := r.Header.Get("X-Total-Count-Capped"); got != tc.capped {
				t.Errorf("X-Total-Count-Capped = %q, want %q", got, tc.capped)
			}
		})
	}
}

// A cached API key is refused on the very next request after it is
// revoked, after its creator is deactivated, and after its creator loses
// the admin role (admin keys).
func TestAPIKeyCacheNeverStale(t *testing.T) {
	s := newTestServer(t)
	ctx := t.Context()
	admin, err := s.DB.CreateUser(ctx, db.NewUser{Email: "bea@kinconecta.com", Name: "Bea", Role: db.RoleAdmin, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	// Someone must stay an admin while Bea is demoted and turned off.
	if _, err := s.DB.CreateUser(ctx, db.NewUser{Email: "carla@kinconecta.com", Name: "Carla", Role: db.RoleAdmin, Password: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}
	get := func(secret string) int {
		t.Helper()
		return s.do(t, "GET", "/api/support-tickets?limit=1", "", nil, bearer(secret)...).StatusCode
	}
	mint := func(role string) (db.APIKey, string) {
		t.Helper()
		k, secret, err := s.DB.CreateAPIKeyBy(ctx, "key", role, admin.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Used twice, so the second answer comes from the cache.
		if get(secret) != http.StatusOK || get(secret) != http.StatusOK {
			t.Fatal("a new key does not work")
		}
		return k, secret
	}

	t.Run("Revoked", func(t *testing.T) {
		k, secret := mint(db.RoleAgent)
		if err := s.DB.RevokeAPIKey(ctx, k.ID, admin.ID); err != nil {
			t.Fatal(err)
		}
		if got := get(secret); got != http.StatusUnauthorized {
			t.Fatalf("revoked key: %d, want 401", got)
		}
	})
	t.Run("CreatorDemoted", func(t *testing.T) {
		_, adminSecret := mint(db.RoleAdmin)
		_, agentSecret := mint(db.RoleAgent)
		if _, err := s.DB.UpdateUserBy(ctx, admin.ID, db.RoleAgent, true, 0); err != nil {
			t.Fatal(err)
		}
		if got := get(adminSecret); got != http.StatusUnauthorized {
			t.Fatalf("admin key of a demoted creator: %d, want 401", got)
		}
		if got := get(agentSecret); got != http.StatusOK {
			t.Fatalf("agent key of a demoted creator: %d, want 200", got)
		}
	})
	t.Run("CreatorDeactivated", func(t *testing.T) {
		_, secret := mint(db.RoleAgent)
		if _, err := s.DB.UpdateUserBy(ctx, admin.ID, db.RoleAgent, false, 0); err != nil {
			t.Fatal(err)
		}
		if got := get(secret); got != http.StatusUnauthorized {
			t.Fatalf("key of a deactivated creator: %d, want 401", got)
		}
	})
}
