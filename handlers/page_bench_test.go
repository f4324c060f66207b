package handlers

import (
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/kinconecta/helpdesk/db"
)

// BenchmarkPages measures whole page requests over loopback (database
// reads, templates, headers): the support form, and a tracking page with
// a 50-message conversation. It reports the 99th percentile in
// microseconds; the mean alone hides the tail people notice.
func BenchmarkPages(b *testing.B) {
	s := newTestServer(b)
	c, track := s.trackedTicket(b, nil)
	body := strings.Repeat("We checked the booking and the payment logs. ", 6)
	for i := range 50 {
		by := supportAgent
		if i%2 == 1 {
			by = db.Actor{Type: "requester", Name: c.FullName}
		}
		if _, err := s.DB.AddMessage(b.Context(), c.ID, db.NewMessage{Body: body}, by, 20); err != nil {
			b.Fatal(err)
		}
	}
	pages := []struct{ name, path string }{{"Form", "/"}, {"Track50", track}}
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			client := &http.Client{Timeout: 10 * time.Second}
			took := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for range b.N {
				start := time.Now()
				resp, err := client.Get(s.URL + p.path)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("status %d", resp.StatusCode)
				}
				took = append(took, time.Since(start))
			}
			b.StopTimer()
			sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
			b.ReportMetric(float64(took[len(took)*99/100].Microseconds()), "p99-µs")
		})
	}
}
