package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// A file reference (a fileUrl given at create, never fetched) is never
// served as a redirect from our origin, which would make every file link
// of ours an open redirect to an address any creator chooses. The API
// answers 409 naming the address; pages link out naming the host, and our
// file addresses show a page that says where the link leads.
func TestAttachmentReferenceNeverRedirects(t *testing.T) {
	s := newTestServer(t)
	const where = "https://files.example.com/r/recibo.pdf"
	const lookAlike = "https://p\u0430ypal.example/recibo.pdf" // a Cyrillic "а"
	c := s.createTicket(t, map[string]any{"attachments": []any{
		map[string]any{"fileName": "recibo.pdf", "fileUrl": where, "mimeType": "application/pdf", "fileSize": 48213},
		map[string]any{"fileName": "factura.pdf", "fileUrl": lookAlike, "mimeType": "application/pdf", "fileSize": 1024},
	}})
	ref := c.Attachments[0]
	if ref.FileURL != where {
		t.Fatalf("fileUrl %q, want the stored reference %q", ref.FileURL, where)
	}
	ticket := "/api/support-tickets/" + strconv.FormatInt(c.ID, 10)
	fileID := strconv.FormatInt(ref.ID, 10)
	agent := s.signIn(t, "agent")

	t.Run("API", func(t *testing.T) {
		for name, cred := range map[string]string{"requester": c.AccessToken, "agent": s.AgentKey} {
			r := s.do(t, "GET", ticket+"/attachments/"+fileID, "", nil, bearer(cred)...)
			if r.StatusCode != http.StatusConflict || r.Header.Get("Location") != "" {
				t.Fatalf("%s: %d Location %q, want 409 and no redirect", name, r.StatusCode, r.Header.Get("Location"))
			}
			if p := r.Problem(t); !strings.Contains(p.Detail, where) {
				t.Errorf("%s: detail %q does not name the address", name, p.Detail)
			}
		}
		var atts []struct {
			FileURL string `json:"fileUrl"`
		}
		s.do(t, "GET", ticket+"/attachments", "", nil, bearer(c.AccessToken)...).JSON(t, &atts)
		if len(atts) != 2 || atts[0].FileURL != where {
			t.Errorf("listed fileUrl %+v, want the stored reference first", atts)
		}
	})

	// linkOut checks a link to a reference: to the address itself, opened
	// apart, telling the other site nothing, naming the host.
	linkOut := func(t *testing.T, a *goquery.Selection, host string) {
		t.Helper()
		if got, _ := a.Attr("href"); got != where {
			t.Errorf("href %q, want %q", got, where)
		}
		rel, _ := a.Attr("rel")
		for _, want := range []string{"noopener", "noreferrer", "nofollow"} {
			if !strings.Contains(rel, want) {
				t.Errorf("rel %q lacks %s", rel, want)
			}
		}
		if !strings.Contains(text(a), host) {
			t.Errorf("the link %q does not name its host %q", text(a), host)
		}
	}
	// interstitial checks that one of our file addresses answers with a
	// page naming where the file is, not with a redirect there.
	interstitial := func(t *testing.T, r response, back string) {
		t.Helper()
		if r.StatusCode != http.StatusOK || r.Header.Get("Location") != "" {
			t.Fatalf("%d Location %q, want 200 and no redirect", r.StatusCode, r.Header.Get("Location"))
		}
		d := html(t, r)
		linkOut(t, one(t, d, `[data-testid="external-link"]`), "files.example.com")
		if got := text(one(t, d, `[data-testid="external-url"]`)); got != where {
			t.Errorf("the page shows %q, want the full address %q", got, where)
		}
		if !strings.Contains(text(one(t, d, "h1")), "another site") {
			t.Errorf("heading %q", text(one(t, d, "h1")))
		}
		if got, _ := d.Find(`a[href="` + back + `"]`).Attr("href"); got != back {
			t.Errorf("no way back to %s", back)
		}
	}

	t.Run("TrackingPage", func(t *testing.T) {
		b := s.newBrowser(t)
		track := "/track/" + c.AccessToken
		d := html(t, b.get(t, track))
		links := d.Find(`[data-testid="file-external"]`)
		if links.Length() != 2 {
			t.Fatalf("%d links out, want 2", links.Length())
		}
		linkOut(t, links.First(), "files.example.com")
		if got := text(links.Eq(1)); !strings.Contains(got, "xn--pypal-4ve.example") {
			t.Errorf("a look-alike host reads %q, want its xn-- form", got)
		}
		interstitial(t, b.get(t, track+"/files/"+fileID), track)
	})

	t.Run("Desk", func(t *testing.T) {
		d := agent.workspace(t, c.ID)
		linkOut(t, d.Find(`[data-testid="file-external"]`).First(), "files.example.com")
		if got := text(d.Find(`[data-testid="files"] [data-testid="file"]`).First()); !strings.Contains(got, "files.example.com") {
			t.Errorf("the files list reads %q, want the host named", got)
		}
		interstitial(t, agent.get(t, ticketPath(c.ID, "files", fileID)), ticketPath(c.ID))
	})
}
