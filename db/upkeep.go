package db

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// upkeepEvery is how often an open store deletes what has expired:
// sessions past their end, dead rate-limit windows and throttle attempts.
// Writes already keep those tables from growing under load; this gives
// back the room of a quiet period. Every process sweeps: the deletes are
// idempotent, and several processes' sweeps only overlap.
const upkeepEvery = time.Hour

// startUpkeep sweeps once a minute after opening, then every upkeepEvery,
// until stop is called (Close).
func (d *DB) startUpkeep() (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		wait := time.Minute
		for {
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
			wait = upkeepEvery
			if err := d.upkeep(ctx); err != nil && ctx.Err() == nil {
				slog.Warn("db: upkeep failed", "err", err)
			}
		}
	}()
	return func() {
		cancel()
		wg.Wait()
	}
}

// upkeep deletes expired sessions and dead throttle rows.
func (d *DB) upkeep(ctx context.Context) error {
	if err := d.PurgeExpiredSessions(ctx); err != nil {
		return err
	}
	_, err := d.SweepThrottles(ctx)
	return err
}
