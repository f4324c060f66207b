package agent

import (
	"strconv"
	"strings"
	"time"

	"github.com/kinconecta/helpdesk/i18n"
)

// Reports is /agent/reports: tickets created per day by status, open
// tickets by category and the median response times, each chart with a
// table of the same numbers.
type Reports struct {
	Frame FrameMeta
	Days  int
	AsOf  time.Time
	// Statuses are the series of the per-day chart, in workflow order.
	Statuses []ReportSeries
	PerDay   []ReportDay
	// Open is the open tickets of each category.
	Open       []ReportBar
	FirstReply ReportFigure
	Resolution ReportFigure
}

// ReportSeries is one status of the per-day chart.
type ReportSeries struct {
	Status string // canonical, for its colour
	Label  string
}

// ReportDay is one day of the per-day chart: Counts follows Statuses.
type ReportDay struct {
	Day    time.Time
	Counts []int
}

// Total is every ticket created that day.
func (d ReportDay) Total() int {
	n := 0
	for _, c := range d.Counts {
		n += c
	}
	return n
}

// ReportBar is one category's bar.
type ReportBar struct {
	Label string
	Value int
}

// ReportFigure is a median duration over a number of tickets; Tickets 0
// means there is nothing to take the median of yet.
type ReportFigure struct {
	Median  time.Duration
	Tickets int
}

func (r Reports) lang() i18n.Lang { return r.Frame.Lang }

func (r Reports) num(n int) string { return r.lang().Number(int64(n)) }

// createdTotal and createdMax describe the per-day chart in words.
func (r Reports) createdTotal() int {
	n := 0
	for _, d := range r.PerDay {
		n += d.Total()
	}
	return n
}

func (r Reports) createdMax() int {
	m := 0
	for _, d := range r.PerDay {
		m = max(m, d.Total())
	}
	return m
}

func (r Reports) openTotal() int {
	n := 0
	for _, b := range r.Open {
		n += b.Value
	}
	return n
}

// date is a day as the tables write it; shortDate leaves the year out,
// for the chart's axis.
func (r Reports) date(t time.Time) string { return r.lang().Date(t) }

func (r Reports) shortDate(t time.Time) string {
	s := strings.TrimSuffix(r.lang().Date(t), strconv.Itoa(t.Year()))
	return strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), ","))
}

// figure is a median for people: "3 h 20 min", or "No data yet".
func (r Reports) figure(f ReportFigure) string {
	if f.Tickets == 0 {
		return r.lang().T("reports.noData")
	}
	return ReportDuration(r.lang(), f.Median)
}

func (r Reports) over(f ReportFigure) string {
	if f.Tickets == 1 {
		return r.lang().T("reports.over.one")
	}
	return r.lang().T("reports.over", r.num(f.Tickets))
}

// ReportDuration writes a span of time to the minute, at the two largest units
// that matter: "45 min", "3 h 20 min", "2 d 5 h".
func ReportDuration(l i18n.Lang, d time.Duration) string {
	minutes := int64(d / time.Minute)
	switch {
	case minutes < 1:
		return l.T("reports.dur.under")
	case minutes < 60:
		return l.T("reports.dur.minutes", l.Number(minutes))
	case minutes < 24*60:
		return l.T("reports.dur.hours", l.Number(minutes/60), l.Number(minutes%60))
	default:
		return l.T("reports.dur.days", l.Number(minutes/(24*60)), l.Number(minutes%(24*60)/60))
	}
}
