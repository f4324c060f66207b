package handlers

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/kinconecta/helpdesk/db"
)

// Merge through the API (CONTRACT §6): every refusal is problem+json with
// both tickets unchanged; a merge answers the target, and the source's
// token then reads the target.
func TestAPIMerge(t *testing.T) {
	s := newTestServer(t)
	source := s.createTicket(t, map[string]any{"subject": "Refund for the boat tour"})
	target := s.createTicket(t, map[string]any{"email": "ANA.Martinez@Example.com", "subject": "Where is my refund?"})
	stranger := s.createTicket(t, map[string]any{"email": "bob@example.com"})
	closed := s.createTicket(t, nil)
	s.setStatus(t, closed.ID, "closed")
	path := func(id int64) string { return "/api/support-tickets/" + strconv.FormatInt(id, 10) }
	agent := bearer(s.AgentKey)
	if r := s.postJSON(t, path(source.ID)+"/messages", map[string]any{"body": "The receipt says zanzibar"}, agent...); r.StatusCode != http.StatusCreated {
		t.Fatalf("message: %d %s", r.StatusCode, r.Body)
	}
	for id, tags := range map[int64]string{source.ID: `["boat","refund"]`, target.ID: `["vip"]`} {
		if r := s.do(t, "PATCH", path(id), "application/json", strings.NewReader(`{"tags":`+tags+`}`), agent...); r.StatusCode != http.StatusOK {
			t.Fatalf("tags: %d %s", r.StatusCode, r.Body)
		}
	}
	state := func() string {
		var out []string
		for _, id := range []int64{source.ID, target.ID} {
			out = append(out, string(s.do(t, "GET", path(id), "", nil, agent...).Body),
				string(s.do(t, "GET", path(id)+"/messages", "", nil, agent...).Body))
		}
		return strings.Join(out, "\n")
	}
	before := state()
	for _, tc := range []struct {
		name    string
		path    string
		body    string
		headers []string
		status  int
		field   string
	}{
		{"ErrMalformedID", "/api/support-tickets/abc/merge", `{"into":1}`, agent, http.StatusBadRequest, ""},
		{"ErrUnknownTicket", path(9999) + "/merge", `{"into":` + strconv.FormatInt(target.ID, 10) + `}`, agent, http.StatusNotFound, ""},
		{"ErrUnknownTarget", path(source.ID) + "/merge", `{"into":9999}`, agent, http.StatusNotFound, ""},
		{"ErrIntoItself", path(source.ID) + "/merge", `{"into":` + strconv.FormatInt(source.ID, 10) + `}`, agent, http.StatusUnprocessableEntity, "into"},
		{"ErrIntoMissing", path(source.ID) + "/merge", `{}`, agent, http.StatusUnprocessableEntity, "into"},
		{"ErrIntoNull", path(source.ID) + "/merge", `{"into":null}`, agent, http.StatusUnprocessableEntity, "into"},
		{"ErrIntoString", path(source.ID) + "/merge", `{"into":"` + strconv.FormatInt(target.ID, 10) + `"}`, agent, http.StatusUnprocessableEntity, "into"},
		{"ErrIntoNegative", path(source.ID) + "/merge", `{"into":-3}`, agent, http.StatusUnprocessableEntity, "into"},
		{"ErrIntoFraction", path(source.ID) + "/merge", `{"into":1.5}`, agent, http.StatusUnprocessableEntity, "into"},
		{"ErrNotAnObject", path(source.ID) + "/merge", `[2]`, agent, http.StatusBadRequest, ""},
		{"ErrOtherRequester", path(source.ID) + "/merge", `{"into":` + strconv.FormatInt(stranger.ID, 10) + `}`, agent, http.StatusConflict, ""},
		{"ErrIntoClosed", path(source.ID) + "/merge", `{"into":` + strconv.FormatInt(closed.ID, 10) + `}`, agent, http.StatusConflict, ""},
		{"ErrRequesterToken", path(source.ID) + "/merge", `{"into":` + strconv.FormatInt(target.ID, 10) + `}`, bearer(source.AccessToken), http.StatusForbidden, ""},
		{"ErrNoCredential", path(source.ID) + "/merge", `{"into":` + strconv.FormatInt(target.ID, 10) + `}`, nil, http.StatusUnauthorized, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := s.do(t, "POST", tc.path, "application/json", strings.NewReader(tc.body), tc.headers...)
			if r.StatusCode != tc.status {
				t.Fatalf("%d %s, want %d", r.StatusCode, r.Body, tc.status)
			}
			p := r.Problem(t)
			if tc.field != "" && !slices.ContainsFunc(p.Errors, func(e db.FieldError) bool { return e.Field == tc.field }) {
				t.Errorf("problem %+v does not name %q", p, tc.field)
			}
			if tc.status == http.StatusConflict && !strings.Contains(p.Detail, "closed") && !strings.Contains(p.Detail, "requester") {
				t.Errorf("409 detail %q does not say why", p.Detail)
			}
			if after := state(); after != before {
				t.Errorf("a refused merge changed the tickets")
			}
		})
	}

	r := s.postJSON(t, path(source.ID)+"/merge", map[string]any{"into": target.ID}, agent...)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("merge: %d %s", r.StatusCode, r.Body)
	}
	var got created
	r.JSON(t, &got)
	if got.ID != target.ID || !slices.Equal(got.Tags, []string{"boat", "refund", "vip"}) {
		t.Errorf("merge answered #%d with tags %q, want #%d with the union", got.ID, got.Tags, target.ID)
	}
	var src created
	s.do(t, "GET", path(source.ID), "", nil, agent...).JSON(t, &src)
	if src.Status != "closed" || src.MergedInto == nil || *src.MergedInto != target.ID {
		t.Errorf("source: status %s mergedInto %v, want closed into %d", src.Status, src.MergedInto, target.ID)
	}

	t.Run("SourceTokenActsOnTarget", func(t *testing.T) {
		r := s.do(t, "GET", path(target.ID)+"/messages", "", nil, bearer(source.AccessToken)...)
		if r.StatusCode != http.StatusOK || !strings.Contains(string(r.Body), "zanzibar") || !strings.Contains(string(r.Body), "Refund for the boat tour") {
			t.Errorf("the source's token on the target's messages: %d %s", r.StatusCode, r.Body)
		}
		r = s.postJSON(t, path(target.ID)+"/messages", map[string]any{"body": "Thanks!"}, bearer(source.AccessToken)...)
		if r.StatusCode != http.StatusCreated {
			t.Errorf("the source's token replying on the target: %d %s", r.StatusCode, r.Body)
		}
		if r := s.do(t, "GET", path(source.ID), "", nil, bearer(source.AccessToken)...); r.StatusCode != http.StatusNotFound {
			t.Errorf("the source's token on the source: %d, want 404 (it now holds the target)", r.StatusCode)
		}
	})
	t.Run("SearchFindsTarget", func(t *testing.T) {
		var out []created
		s.do(t, "GET", "/api/support-tickets?q=zanzibar", "", nil, agent...).JSON(t, &out)
		if len(out) != 1 || out[0].ID != target.ID {
			t.Errorf("q=zanzibar finds %v, want only #%d", out, target.ID)
		}
	})
	t.Run("ErrAlreadyMerged", func(t *testing.T) {
		r := s.postJSON(t, path(source.ID)+"/merge", map[string]any{"into": target.ID}, agent...)
		if r.StatusCode != http.StatusConflict {
			t.Fatalf("merging again: %d %s, want 409", r.StatusCode, r.Body)
		}
		r.Problem(t)
	})
}
