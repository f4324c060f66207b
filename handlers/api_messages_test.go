package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

func TestMessages(t *testing.T) {
	s := newTestServer(t)
	c := s.createTicket(t, nil)
	other := s.createTicket(t, nil)
	base := "/api/support-tickets/" + strconv.FormatInt(c.ID, 10) + "/messages"

	posts := []struct {
		name    string
		body    string
		headers []string
		want    int
	}{
		{"AgentReply", `{"body":"Hola Ana, la política es 24 horas.","internal":false}`, bearer(s.AgentKey), 201},
		{"AgentNote", `{"body":"Refund approved by finance","internal":true}`, bearer(s.AgentKey), 201},
		{"RequesterReply", `{"body":"Gracias"}`, bearer(c.AccessToken), 201},
		{"ErrRequesterNote", `{"body":"sneaky","internal":true}`, bearer(c.AccessToken), 403},
		{"ErrOtherToken", `{"body":"hi"}`, bearer(other.AccessToken), 404},
		{"ErrAnonymous", `{"body":"hi"}`, nil, 401},
		{"ErrEmptyBody", `{"body":"  "}`, bearer(s.AgentKey), 422},
		{"ErrInternalNotBool", `{"body":"x","internal":"yes"}`, bearer(s.AgentKey), 422},
		{"ErrTooLong", `{"body":"` + strings.Repeat("a", 10001) + `"}`, bearer(s.AgentKey), 422},
	}
	for _, tc := range posts {
		t.Run(tc.name, func(t *testing.T) {
			r := s.do(t, "POST", base, "application/json", strings.NewReader(tc.body), tc.headers...)
			if r.StatusCode != tc.want {
				t.Fatalf("status = %d, want %d: %s", r.StatusCode, tc.want, r.Body)
			}
		})
	}
	t.Run("MultipartWithFile", func(t *testing.T) {
		body, ct := multipartBody(t, part{Name: "body", Value: "Here is the receipt"},
			part{Name: "attachments", FileName: "recibo.pdf", Value: pdfBytes})
		r := s.do(t, "POST", base, ct, body, bearer(c.AccessToken)...)
		if r.StatusCode != 201 {
			t.Fatalf("status %d: %s", r.StatusCode, r.Body)
		}
	})
	t.Run("NoteWithFile", func(t *testing.T) {
		body, ct := multipartBody(t, part{Name: "body", Value: "internal screenshot"}, part{Name: "internal", Value: "true"},
			part{Name: "attachments", FileName: "secret.png", Value: pngBytes})
		r := s.do(t, "POST", base, ct, body, bearer(s.AgentKey)...)
		if r.StatusCode != 201 {
			t.Fatalf("status %d: %s", r.StatusCode, r.Body)
		}
	})

	type msg struct {
		Body     string `json:"body"`
		Internal bool   `json:"internal"`
		Author   struct {
			Type string `json:"type"`
			Name string `json:"name"`
		} `json:"author"`
		Attachments []struct {
			FileName string `json:"fileName"`
		} `json:"attachments"`
	}
	read := func(t *testing.T, who []string) []msg {
		r := s.do(t, "GET", base, "", nil, who...)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("list: %d %s", r.StatusCode, r.Body)
		}
		var out []msg
		r.JSON(t, &out)
		return out
	}
	t.Run("AgentSeesAll", func(t *testing.T) {
		got := read(t, bearer(s.AgentKey))
		if len(got) != 5 {
			t.Fatalf("%d messages, want 5", len(got))
		}
		if got[0].Author.Type != "agent" || got[2].Author.Type != "requester" || got[2].Author.Name != "Ana Martinez" {
			t.Errorf("authors: %+v", got)
		}
		if !got[1].Internal || !got[4].Internal || len(got[4].Attachments) != 1 {
			t.Errorf("notes: %+v", got)
		}
	})
	t.Run("RequesterNeverSeesNotes", func(t *testing.T) {
		got := read(t, bearer(c.AccessToken))
		if len(got) != 3 {
			t.Fatalf("%d messages, want 3 public ones", len(got))
		}
		for _, m := range got {
			if m.Internal || strings.Contains(m.Body, "Refund approved") || strings.Contains(m.Body, "internal screenshot") {
				t.Errorf("requester sees a note: %+v", m)
			}
		}
		// Nor the files of notes, anywhere.
		for _, path := range []string{"/api/support-tickets/" + strconv.FormatInt(c.ID, 10), "/api/support-tickets/" + strconv.FormatInt(c.ID, 10) + "/attachments"} {
			r := s.do(t, "GET", path, "", nil, bearer(c.AccessToken)...)
			if strings.Contains(string(r.Body), "secret.png") {
				t.Errorf("%s shows a note's file to the requester", path)
			}
		}
		all, _ := s.DB.Attachments(t.Context(), c.ID, true)
		for _, a := range all {
			if a.FileName == "secret.png" {
				r := s.do(t, "GET", "/api/support-tickets/"+strconv.FormatInt(c.ID, 10)+"/attachments/"+strconv.FormatInt(a.ID, 10), "", nil, bearer(c.AccessToken)...)
				if r.StatusCode != 404 {
					t.Errorf("requester downloads a note's file: %d", r.StatusCode)
				}
			}
		}
	})
}
