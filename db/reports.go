package db

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// StatusCounts returns how many tickets are in each status.
func (d *DB) StatusCounts(ctx context.Context) (map[Status]int, error) {
	rows, err := d.read.QueryContext(ctx, `SELECT status, n FROM ticket_counts`)
	if err != nil {
		return nil, fmt.Errorf("db: unable to count tickets: %w", err)
	}
	defer rows.Close()
	out := map[Status]int{}
	for rows.Next() {
		var s Status
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, fmt.Errorf("db: unable to scan count: %w", err)
		}
		out[s] = n
	}
	return out, rows.Err()
}

// DayCount is how many tickets created on Day are now in each status.
type DayCount struct {
	Day      time.Time
	ByStatus map[Status]int
}

// CategoryCount is how many open tickets a category has.
type CategoryCount struct {
	Category Category
	Open     int
}

// Report is what the reports page draws.
type Report struct {
	CreatedPerDay    []DayCount // the last Days days, oldest first, every day present
	OpenByCategory   []CategoryCount
	MedianFirstReply time.Duration // over tickets created in the period that got a public agent reply
	MedianResolution time.Duration // over tickets created in the period that were resolved
	RepliedTickets   int
	ResolvedTickets  int
}

// Report computes the reports for the last days days.
func (d *DB) Report(ctx context.Context, days int) (Report, error) {
	var r Report
	today := d.now().Truncate(24 * time.Hour)
	since := today.AddDate(0, 0, -(days - 1))
	index := map[string]int{}
	for i := 0; i < days; i++ {
		day := since.AddDate(0, 0, i)
		index[day.Format("2006-01-02")] = i
		r.CreatedPerDay = append(r.CreatedPerDay, DayCount{Day: day, ByStatus: map[Status]int{}})
	}
	rows, err := d.read.QueryContext(ctx, `SELECT `+d.eng.day("created_at")+`, status, count(*) FROM tickets
		WHERE created_at >= ? GROUP BY 1, 2`, Time{since})
	if err != nil {
		return r, fmt.Errorf("db: unable to count tickets per day: %w", err)
	}
	for rows.Next() {
		var day string
		var st Status
		var n int
		if err := rows.Scan(&day, &st, &n); err != nil {
			rows.Close()
			return r, fmt.Errorf("db: unable to scan day count: %w", err)
		}
		if i, ok := index[day]; ok {
			r.CreatedPerDay[i].ByStatus[st] = n
		}
	}
	rows.Close()

	cats, err := d.Categories(ctx)
	if err != nil {
		return r, err
	}
	open := map[int64]int{}
	rows, err = d.read.QueryContext(ctx, `SELECT category_id, count(*) FROM tickets
		WHERE status IN ('created', 'open', 'in_progress') GROUP BY category_id`)
	if err != nil {
		return r, fmt.Errorf("db: unable to count open tickets: %w", err)
	}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			rows.Close()
			return r, err
		}
		open[id] = n
	}
	rows.Close()
	for _, c := range cats {
		if !c.Retired || open[c.ID] > 0 {
			r.OpenByCategory = append(r.OpenByCategory, CategoryCount{Category: c, Open: open[c.ID]})
		}
	}

	firstReply, err := d.durations(ctx, `SELECT t.created_at, min(m.created_at) FROM tickets t
		JOIN messages m ON m.ticket_id = t.id AND m.author_type = 'agent' AND m.internal = FALSE
		WHERE t.created_at >= ? GROUP BY t.id`, since)
	if err != nil {
		return r, err
	}
	resolution, err := d.durations(ctx, `SELECT t.created_at, min(e.created_at) FROM tickets t
		JOIN ticket_events e ON e.ticket_id = t.id AND e.field = 'status' AND e.to_value IN ('resolved', 'closed')
		WHERE t.created_at >= ? GROUP BY t.id`, since)
	if err != nil {
		return r, err
	}
	r.MedianFirstReply, r.RepliedTickets = median(firstReply), len(firstReply)
	r.MedianResolution, r.ResolvedTickets = median(resolution), len(resolution)
	return r, nil
}

// durations returns, for each row of (start, end) times, end - start.
func (d *DB) durations(ctx context.Context, query string, since time.Time) ([]time.Duration, error) {
	rows, err := d.read.QueryContext(ctx, query, Time{since})
	if err != nil {
		return nil, fmt.Errorf("db: unable to compute durations: %w", err)
	}
	defer rows.Close()
	var out []time.Duration
	for rows.Next() {
		var start, end Time
		if err := rows.Scan(&start, &end); err != nil {
			return nil, fmt.Errorf("db: unable to scan durations: %w", err)
		}
		out = append(out, end.Sub(start.Time))
	}
	return out, rows.Err()
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	if len(ds)%2 == 1 {
		return ds[len(ds)/2]
	}
	return (ds[len(ds)/2-1] + ds[len(ds)/2]) / 2
}

// BulkResult is the outcome of one ticket of a bulk change.
type BulkResult struct {
	TicketID int64
	Err      error // nil when applied; a refusal (e.g. ECONFLICT) otherwise
}

// BulkUpdate applies p to each ticket on its own, each checked against the
// workflow: some may be refused while the rest are applied.
func (d *DB) BulkUpdate(ctx context.Context, ids []int64, p TicketPatch, by Actor) []BulkResult {
	out := make([]BulkResult, len(ids))
	for i, id := range ids {
		_, err := d.UpdateTicket(ctx, id, p, by)
		out[i] = BulkResult{TicketID: id, Err: err}
	}
	return out
}
