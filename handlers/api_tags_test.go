package handlers

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Tags through the API (CONTRACT §6): PATCH replaces them, ?tag= lists
// tickets carrying all, bad tags are 422 with nothing changed, and the
// requester's own view of a ticket shows none.
func TestAPITags(t *testing.T) {
	s := newTestServer(t)
	a, b := s.createTicket(t, nil), s.createTicket(t, nil)
	patch := func(id int64, body string) response {
		return s.do(t, "PATCH", "/api/support-tickets/"+strconv.FormatInt(id, 10), "application/json",
			strings.NewReader(body), bearer(s.AgentKey)...)
	}
	r := patch(a.ID, `{"tags":["VIP","refund"," refund "]}`)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("patch tags: %d %s", r.StatusCode, r.Body)
	}
	var got created
	r.JSON(t, &got)
	if !slices.Equal(got.Tags, []string{"refund", "vip"}) {
		t.Errorf("tags %q, want [refund vip]", got.Tags)
	}
	if r := patch(b.ID, `{"tags":["refund"]}`); r.StatusCode != http.StatusOK {
		t.Fatalf("patch b: %d %s", r.StatusCode, r.Body)
	}

	list := func(query string) (int, []created) {
		r := s.do(t, "GET", "/api/support-tickets?"+query, "", nil, bearer(s.AgentKey)...)
		var out []created
		if r.StatusCode == http.StatusOK {
			r.JSON(t, &out)
		}
		return r.StatusCode, out
	}
	if code, out := list("tag=refund,VIP"); code != 200 || len(out) != 1 || out[0].ID != a.ID {
		t.Errorf("tag=refund,VIP: %d %v, want only %d", code, out, a.ID)
	}
	if code, out := list("tag=refund"); code != 200 || len(out) != 2 {
		t.Errorf("tag=refund: %d, %d tickets, want 2", code, len(out))
	}
	if code, out := list(""); code != 200 || len(out) != 2 || len(out[0].Tags) == 0 && len(out[1].Tags) == 0 {
		t.Errorf("list carries no tags: %v", out)
	}

	t.Run("BadInput", func(t *testing.T) {
		long := strings.Repeat("x", 41)
		many := `"a","b","c","d","e","f","g","h","i","j","k","l","m","n","o","p","q","r","s","t","u"`
		for name, body := range map[string]string{
			"TooLong":     `{"tags":["` + long + `"]}`,
			"TooMany":     `{"tags":[` + many + `]}`,
			"Space":       `{"tags":["two words"]}`,
			"NotAnArray":  `{"tags":"refund"}`,
			"NotStrings":  `{"tags":[1,2]}`,
			"Null":        `{"tags":null}`,
			"WithAStatus": `{"status":"resolved","tags":["a b"]}`,
		} {
			r := patch(a.ID, body)
			if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Header.Get("Content-Type"), "problem+json") ||
				!strings.Contains(string(r.Body), `"tags"`) {
				t.Errorf("%s: %d %s %s, want 422 problem+json naming tags", name, r.StatusCode, r.Header.Get("Content-Type"), r.Body)
			}
		}
		r := s.do(t, "GET", "/api/support-tickets/"+strconv.FormatInt(a.ID, 10), "", nil, bearer(s.AgentKey)...)
		var now created
		r.JSON(t, &now)
		if !slices.Equal(now.Tags, []string{"refund", "vip"}) || now.Status != "open" {
			t.Errorf("after refused patches: tags %q status %s, want unchanged", now.Tags, now.Status)
		}
		if code, _ := list("tag=" + long); code != http.StatusBadRequest {
			t.Errorf("?tag= too long: %d, want 400", code)
		}
	})

	t.Run("RequesterSeesNoTags", func(t *testing.T) {
		r := s.do(t, "GET", "/api/support-tickets/"+strconv.FormatInt(a.ID, 10), "", nil, bearer(a.AccessToken)...)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("requester get: %d %s", r.StatusCode, r.Body)
		}
		if strings.Contains(string(r.Body), "vip") {
			t.Errorf("requester sees the desk's tags: %s", r.Body)
		}
	})
}
