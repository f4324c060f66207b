package agent

import (
	"testing"
	"time"

	"github.com/kinconecta/helpdesk/i18n"
)

func TestReportDuration(t *testing.T) {
	tests := []struct {
		name string
		lang i18n.Lang
		in   time.Duration
		want string
	}{
		{"UnderAMinute", i18n.EN, 59 * time.Second, "under a minute"},
		{"Minutes", i18n.EN, 45*time.Minute + 30*time.Second, "45 min"},
		{"Hours", i18n.EN, 3*time.Hour + 20*time.Minute, "3 h 20 min"},
		{"Days", i18n.EN, 50*time.Hour + 59*time.Minute, "2 d 2 h"},
		{"Spanish", i18n.ES, 30 * time.Second, "menos de un minuto"},
		{"ManyDaysSpanish", i18n.ES, 12000 * time.Hour, "500 d 0 h"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ReportDuration(tc.lang, tc.in); got != tc.want {
				t.Fatalf("ReportDuration(%v) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// The per-day chart's axis tops out at the first round step at or above
// the busiest day, in at most four steps.
func TestChartScale(t *testing.T) {
	tests := []struct {
		name             string
		top              int
		ceiling, perStep int
	}{
		{"Empty", 0, 1, 1},
		{"Small", 3, 3, 1},
		{"Five", 5, 6, 2},
		{"Exact", 40, 40, 10},
		{"JustOver", 41, 60, 20},
		{"Large", 1234, 1500, 500},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ceiling, step := chartScale(tc.top, 4)
			if ceiling != tc.ceiling || step != tc.perStep {
				t.Fatalf("chartScale(%d) = %d, %d; want %d, %d", tc.top, ceiling, step, tc.ceiling, tc.perStep)
			}
			if ceiling < tc.top || ceiling/step > 4 {
				t.Fatalf("ceiling %d in %d steps does not fit %d in 4", ceiling, ceiling/step, tc.top)
			}
		})
	}
}

// Every day is a bar of stacked segments that add up to its total, and a
// day with no tickets draws nothing.
func TestReportStackedBars(t *testing.T) {
	day := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	r := Reports{
		Frame:    FrameMeta{},
		Statuses: []ReportSeries{{Status: "open", Label: "Open"}, {Status: "closed", Label: "Closed"}},
		PerDay: []ReportDay{
			{Day: day.AddDate(0, 0, -1), Counts: []int{0, 0}},
			{Day: day, Counts: []int{3, 5}},
		},
	}
	r.Frame.Lang = i18n.EN
	c := r.stacked()
	if len(c.Bars) != 2 {
		t.Fatalf("%d segments, want 2", len(c.Bars))
	}
	if c.Bars[0].Class != chartFill["open"] || c.Bars[1].Class != chartFill["closed"] {
		t.Fatalf("segments coloured %q, %q", c.Bars[0].Class, c.Bars[1].Class)
	}
	if got := c.Bars[0].Title; got != "Nov 27, Open: 3" {
		t.Fatalf("tooltip %q", got)
	}
	if got := c.Days[len(c.Days)-1]; got.Text != "Nov 27" || got.Anchor != "end" {
		t.Fatalf("last day label %+v", got)
	}
}
