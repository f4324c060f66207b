package db

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// Rate limits and sign-in throttles live in the database, not in a
// process's memory, so that every helpdesk process sharing it counts
// against the same allowance (CONTRACT §9). Each method is one write: on
// the embedded engine the writer (and SQLite's write lock, across
// processes) serialises it; on PostgreSQL it runs under SERIALIZABLE
// isolation, so reading a count and inserting after it cannot let two
// processes both pass the last free place.
//
// Rows past their time are dead. Every write deletes its own key's dead
// rows and up to sweepPerWrite dead rows of any key: since a write adds at
// most one row, a flood of distinct keys cannot grow the dead rows past
// where they were. SweepThrottles deletes the rest, for a periodic job.

// Bounds of a throttle's names. A key longer than MaxThrottleKeyLen bytes
// is stored as its SHA-256 ("sha256:" and 64 hex digits): keys are client
// addresses and e-mail addresses, not secrets, so they are kept readable
// when they fit.
const (
	MaxThrottleKeyLen   = 320
	maxThrottleScopeLen = 64
)

// sweepPerWrite is how many dead rows of other keys each write deletes;
// sweepPerStatement bounds SweepThrottles' statements.
const (
	sweepPerWrite     = 8
	sweepPerStatement = 1000
)

// throttleKey bounds key's length (see MaxThrottleKeyLen).
func throttleKey(key string) string {
	if len(key) <= MaxThrottleKeyLen {
		return key
	}
	sum := sha256.Sum256([]byte(key))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// checkThrottle refuses what only a programming error passes: a scope
// empty or over 64 bytes, max below 1, a window not positive.
func checkThrottle(scope string, max int, window time.Duration) error {
	if scope == "" || len(scope) > maxThrottleScopeLen || max < 1 || window <= 0 {
		return Errorf(EINVALID, "db: bad throttle %q: max %d, window %v", scope, max, window)
	}
	return nil
}

// RateHit counts one request against key in scope's fixed window of the
// given length, which starts at the key's first request and, once over,
// starts again at its next: Fiber's in-memory limiter's rule. Refused
// requests count too, as they did there. hits is the requests counted in
// the current window, this one included (the caller refuses past its
// maximum); resetIn is how long until the window ends, at most window.
func (d *DB) RateHit(ctx context.Context, scope, key string, window time.Duration) (hits int, resetIn time.Duration, err error) {
	if err := checkThrottle(scope, 1, window); err != nil {
		return 0, 0, err
	}
	key = throttleKey(key)
	err = d.write(ctx, func(tx *Tx) error {
		hits, resetIn = 0, 0
		now := d.now()
		if _, err := sweepRateLimits(tx, now, sweepPerWrite); err != nil {
			return err
		}
		var resetAt Time
		err := tx.QueryRow(`INSERT INTO rate_limits (scope, key_name, hits, reset_at) VALUES (?, ?, 1, ?)
			ON CONFLICT (scope, key_name) DO UPDATE SET
				hits = CASE WHEN rate_limits.reset_at <= ? THEN 1 ELSE rate_limits.hits + 1 END,
				reset_at = CASE WHEN rate_limits.reset_at <= ? THEN excluded.reset_at ELSE rate_limits.reset_at END
			RETURNING hits, reset_at`,
			scope, key, Time{now.Add(window)}, Time{now}, Time{now}).Scan(&hits, &resetAt)
		if err != nil {
			return fmt.Errorf("db: unable to count a request: %w", err)
		}
		resetIn = resetAt.Sub(now)
		return nil
	})
	return hits, resetIn, err
}

// ThrottleReserve counts an attempt against key in scope unless key has
// already had max attempts within the last window (a sliding window); then
// it counts nothing, ok is false, and wait is how long until the oldest of
// those attempts leaves the window. id names the counted attempt for
// ThrottleGiveBack. At most max attempts are kept per key.
func (d *DB) ThrottleReserve(ctx context.Context, scope, key string, max int, window time.Duration) (id int64, wait time.Duration, ok bool, err error) {
	if err := checkThrottle(scope, max, window); err != nil {
		return 0, 0, false, err
	}
	key = throttleKey(key)
	err = d.write(ctx, func(tx *Tx) error {
		id, wait, ok = 0, 0, false
		now := d.now()
		// The max-th newest live attempt, if there is one: the key is full
		// until it expires.
		var full Time
		err := tx.QueryRow(`SELECT expires_at FROM throttle_attempts
			WHERE scope = ? AND key_name = ? AND expires_at > ?
			ORDER BY expires_at DESC, id DESC LIMIT 1 OFFSET ?`,
			scope, key, Time{now}, max-1).Scan(&full)
		switch {
		case err == nil:
			wait = full.Sub(now)
			return nil
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("db: unable to count attempts: %w", err)
		}
		id, err = addAttempt(tx, scope, key, max, now, window)
		ok = err == nil
		return err
	})
	return id, wait, ok, err
}

// ThrottleTake counts an attempt against key in scope whatever the count
// (a slowdown, which never refuses), and says how many live attempts came
// before it within the last window, at most keep: only the keep newest
// attempts of a key are kept, so a key failing without end holds a
// bounded number of rows. id names the attempt for ThrottleGiveBack.
func (d *DB) ThrottleTake(ctx context.Context, scope, key string, keep int, window time.Duration) (id int64, before int, err error) {
	if err := checkThrottle(scope, keep, window); err != nil {
		return 0, 0, err
	}
	key = throttleKey(key)
	err = d.write(ctx, func(tx *Tx) error {
		id, before = 0, 0
		now := d.now()
		err := tx.QueryRow(`SELECT count(*) FROM throttle_attempts WHERE scope = ? AND key_name = ? AND expires_at > ?`,
			scope, key, Time{now}).Scan(&before)
		if err != nil {
			return fmt.Errorf("db: unable to count attempts: %w", err)
		}
		before = min(before, keep)
		id, err = addAttempt(tx, scope, key, keep, now, window)
		return err
	})
	return id, before, err
}

// addAttempt inserts an attempt on key alive for window from now, then
// deletes key's dead attempts, those past its keep newest, and a few dead
// ones of other keys.
func addAttempt(tx *Tx, scope, key string, keep int, now time.Time, window time.Duration) (int64, error) {
	var id int64
	err := tx.QueryRow(`INSERT INTO throttle_attempts (scope, key_name, expires_at) VALUES (?, ?, ?) RETURNING id`,
		scope, key, Time{now.Add(window)}).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("db: unable to count an attempt: %w", err)
	}
	// The key holds at most keep+1 rows here, so this reads few.
	_, err = tx.Exec(`DELETE FROM throttle_attempts WHERE scope = ? AND key_name = ? AND (expires_at <= ? OR id NOT IN (
			SELECT id FROM throttle_attempts WHERE scope = ? AND key_name = ? ORDER BY expires_at DESC, id DESC LIMIT ?))`,
		scope, key, Time{now}, scope, key, keep)
	if err != nil {
		return 0, fmt.Errorf("db: unable to forget old attempts: %w", err)
	}
	if _, err := sweepAttempts(tx, now, sweepPerWrite); err != nil {
		return 0, err
	}
	return id, nil
}

// ThrottleGiveBack uncounts attempt id of key in scope, which did not
// fail. An attempt already gone (expired, reset) is no error.
func (d *DB) ThrottleGiveBack(ctx context.Context, scope, key string, id int64) error {
	key = throttleKey(key)
	return d.write(ctx, func(tx *Tx) error {
		_, err := tx.Exec(`DELETE FROM throttle_attempts WHERE id = ? AND scope = ? AND key_name = ?`, id, scope, key)
		if err != nil {
			return fmt.Errorf("db: unable to give an attempt back: %w", err)
		}
		return nil
	})
}

// ThrottleReset forgets every attempt of key in scope (after a success).
func (d *DB) ThrottleReset(ctx context.Context, scope, key string) error {
	key = throttleKey(key)
	return d.write(ctx, func(tx *Tx) error {
		_, err := tx.Exec(`DELETE FROM throttle_attempts WHERE scope = ? AND key_name = ?`, scope, key)
		if err != nil {
			return fmt.Errorf("db: unable to reset attempts: %w", err)
		}
		return nil
	})
}

// SweepThrottles deletes every dead rate-limit window and throttle
// attempt, at most 1000 rows a statement (each its own write, so a large
// sweep never holds the writer long), and returns how many it deleted.
// Writes already keep the dead rows from growing; this gives back their
// room once a flood has stopped, for a periodic job.
func (d *DB) SweepThrottles(ctx context.Context) (int, error) {
	total := 0
	for {
		var n int64
		err := d.write(ctx, func(tx *Tx) error {
			n = 0
			now := d.now()
			attempts, err := sweepAttempts(tx, now, sweepPerStatement)
			if err != nil {
				return err
			}
			windows, err := sweepRateLimits(tx, now, sweepPerStatement)
			n = attempts + windows
			return err
		})
		total += int(n)
		if err != nil || n == 0 {
			return total, err
		}
	}
}

// sweepAttempts deletes up to limit dead throttle attempts, oldest first.
func sweepAttempts(tx *Tx, now time.Time, limit int) (int64, error) {
	res, err := tx.Exec(`DELETE FROM throttle_attempts WHERE id IN (
			SELECT id FROM throttle_attempts WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)`, Time{now}, limit)
	if err != nil {
		return 0, fmt.Errorf("db: unable to sweep throttle attempts: %w", err)
	}
	return res.RowsAffected()
}

// sweepRateLimits deletes up to limit ended rate-limit windows, oldest
// first.
func sweepRateLimits(tx *Tx, now time.Time, limit int) (int64, error) {
	res, err := tx.Exec(`DELETE FROM rate_limits WHERE id IN (
			SELECT id FROM rate_limits WHERE reset_at <= ? ORDER BY reset_at LIMIT ?)`, Time{now}, limit)
	if err != nil {
		return 0, fmt.Errorf("db: unable to sweep rate limits: %w", err)
	}
	return res.RowsAffected()
}
