package agent

import (
	"math"
	"strconv"
)

// The charts are SVG drawn on the server: no chart library, no script,
// and nothing the Content-Security-Policy forbids (geometry goes in
// attributes, colours in classes, never in style attributes). Both charts
// share one coordinate width and scale with the page.
const (
	chartWidth = 720.0
	// The per-day chart's plot area inside its box.
	chartStackHeight = 260.0
	chartStackLeft   = 44.0
	chartStackRight  = 8.0
	chartStackTop    = 12.0
	chartStackBottom = 30.0
	// The category chart: a row per category.
	chartBarRow    = 32.0
	chartBarHeight = 20.0
	chartBarLabels = 190.0 // room for the category names on the left
	chartBarValues = 56.0  // room for the numbers on the right
)

// chartFill and chartSwatch colour each status the same in the chart
// and its legend.
var chartFill = map[string]string{
	"created": "fill-sky-600", "open": "fill-amber-400", "in_progress": "fill-teal-700",
	"resolved": "fill-emerald-500", "closed": "fill-slate-400",
}

var chartSwatch = map[string]string{
	"created": "bg-sky-600", "open": "bg-amber-400", "in_progress": "bg-teal-700",
	"resolved": "bg-emerald-500", "closed": "bg-slate-400",
}

// chartRect is one bar or bar segment; Title is the tooltip a mouse
// shows (screen readers get the table instead).
type chartRect struct {
	X, Y, W, H string
	Class      string
	Title      string
}

// chartText is a label at a point; Anchor is start, middle or end.
type chartText struct {
	X, Y   string
	Text   string
	Anchor string
}

// chartTick is a horizontal grid line with its value on the left.
type chartTick struct {
	Y     string
	Label chartText
}

// chartStacked is the per-day chart ready to draw.
type chartStacked struct {
	ViewBox string
	Right   string // where grid lines end
	Bars    []chartRect
	Ticks   []chartTick
	Days    []chartText
}

func chartCoord(f float64) string { return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64) }

// chartScale is the top of an axis that shows top in at most steps
// steps, each a round number (1, 2 or 5 times a power of ten) so the grid
// reads easily; the axis ends at the first step at or above top.
func chartScale(top, steps int) (ceiling, step int) {
	raw := float64(top) / float64(steps)
	step = 1
	if raw > 1 {
		p := math.Pow(10, math.Floor(math.Log10(raw)))
		for _, f := range []float64{1, 2, 5, 10} {
			if f*p >= raw {
				step = int(f * p)
				break
			}
		}
	}
	return step * max(1, (top+step-1)/step), step
}

// stacked lays out the per-day chart: a bar per day, a segment per status.
func (r Reports) stacked() chartStacked {
	const steps = 4
	ceiling, step := chartScale(r.createdMax(), steps)
	plotW := chartWidth - chartStackLeft - chartStackRight
	plotH := chartStackHeight - chartStackTop - chartStackBottom
	c := chartStacked{ViewBox: "0 0 " + chartCoord(chartWidth) + " " + chartCoord(chartStackHeight), Right: chartCoord(chartWidth - chartStackRight)}
	for i := 0; i*step <= ceiling; i++ {
		y := chartStackTop + plotH - plotH*float64(i*step)/float64(ceiling)
		c.Ticks = append(c.Ticks, chartTick{Y: chartCoord(y), Label: chartText{
			X: chartCoord(chartStackLeft - 6), Y: chartCoord(y + 4), Text: r.num(i * step), Anchor: "end"}})
	}
	if len(r.PerDay) == 0 {
		return c
	}
	band := plotW / float64(len(r.PerDay))
	barW := band * 0.7
	for i, d := range r.PerDay {
		x := chartStackLeft + band*float64(i) + (band-barW)/2
		base := chartStackTop + plotH
		for j, n := range d.Counts {
			if n == 0 {
				continue
			}
			h := plotH * float64(n) / float64(ceiling)
			base -= h
			c.Bars = append(c.Bars, chartRect{X: chartCoord(x), Y: chartCoord(base), W: chartCoord(barW), H: chartCoord(h),
				Class: chartFill[r.Statuses[j].Status],
				Title: r.shortDate(d.Day) + ", " + r.Statuses[j].Label + ": " + r.num(n)})
		}
		// Every fifth day is labelled, counting back from today so the
		// last bar always has its date.
		if (len(r.PerDay)-1-i)%5 == 0 {
			label := chartText{X: chartCoord(x + barW/2), Y: chartCoord(chartStackHeight - 10), Text: r.shortDate(d.Day), Anchor: "middle"}
			if i == len(r.PerDay)-1 {
				label.X, label.Anchor = chartCoord(x+barW), "end" // inside the box, not clipped by its edge
			}
			c.Days = append(c.Days, label)
		}
	}
	return c
}

// chartBars is the category chart ready to draw.
type chartBars struct {
	ViewBox string
	Bars    []chartRect
	Labels  []chartText
	Values  []chartText
}

// bars lays out the open tickets by category, one row each.
func (r Reports) bars() chartBars {
	height := chartBarRow*float64(len(r.Open)) + 8
	c := chartBars{ViewBox: "0 0 " + chartCoord(chartWidth) + " " + chartCoord(height)}
	top := 0
	for _, b := range r.Open {
		top = max(top, b.Value)
	}
	plotW := chartWidth - chartBarLabels - chartBarValues
	for i, b := range r.Open {
		y := 4 + chartBarRow*float64(i)
		w := 0.0
		if top > 0 {
			w = plotW * float64(b.Value) / float64(top)
		}
		c.Labels = append(c.Labels, chartText{X: chartCoord(chartBarLabels - 10), Y: chartCoord(y + chartBarHeight/2 + 5), Text: b.Label, Anchor: "end"})
		c.Bars = append(c.Bars, chartRect{X: chartCoord(chartBarLabels), Y: chartCoord(y), W: chartCoord(w), H: chartCoord(chartBarHeight),
			Class: "fill-teal-700", Title: b.Label + ": " + r.num(b.Value)})
		c.Values = append(c.Values, chartText{X: chartCoord(chartBarLabels + w + 8), Y: chartCoord(y + chartBarHeight/2 + 5), Text: r.num(b.Value), Anchor: "start"})
	}
	return c
}
