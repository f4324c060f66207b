package desk

import (
	"context"
	"log/slog"
	"time"

	"github.com/kinconecta/helpdesk/db"
)

// throttle counts recent attempts per key (an account, an address) that
// failed or may yet fail, and refuses a key that reached max within
// window. The attempts are kept in the database under the throttle's
// scope (db.ThrottleReserve), so every helpdesk process sharing it counts
// against the same allowance, and its clock is the store's (db.DB.Now).
//
// An attempt is counted before it is made (take or reserve) and given
// back once it turns out not to be a failure (giveBack): checking first and
// counting after the password check let 250 concurrent guesses all pass a
// limit of 5, since none had failed yet when each was checked.
type throttle struct {
	store  *db.DB
	scope  string
	max    int
	keep   int // attempts remembered per key, at least max
	window time.Duration
}

// newThrottle is a throttle of max attempts per key within window, kept
// under scope.
func newThrottle(store *db.DB, scope string, max int, window time.Duration) *throttle {
	return &throttle{store: store, scope: scope, max: max, keep: max, window: window}
}

// newSlowdown is a throttle whose keys are never refused (take, not
// reserve), only told how many attempts came before. It remembers twice
// max: with only max, an attempt in flight pushed the oldest failure out,
// and a right password giving its own attempt back then left max-1, so the
// attacker's next guess skipped the slowdown (issue 8, re-tested).
func newSlowdown(store *db.DB, scope string, max int, window time.Duration) *throttle {
	t := newThrottle(store, scope, max, window)
	t.keep = 2 * max
	return t
}

// reserve counts an attempt for key unless key already has max within the
// window; then it counts nothing and says how long to wait. at names the
// attempt for giveBack. When the store fails it counts nothing, and the
// caller answers with the error rather than let an uncounted guess through.
func (t *throttle) reserve(ctx context.Context, key string) (at int64, wait time.Duration, ok bool, err error) {
	return t.store.ThrottleReserve(ctx, t.scope, key, t.max, t.window)
}

// take counts an attempt for key whatever the count, and says how many
// there were before it (at most twice max for a slowdown).
func (t *throttle) take(ctx context.Context, key string) (at int64, before int, err error) {
	return t.store.ThrottleTake(ctx, t.scope, key, t.keep, t.window)
}

// giveBack uncounts the attempt at, which did not fail. It runs even when
// the request's context has ended (its client gone in the middle of the
// attempt). A failure is logged, not returned: the attempt stays counted,
// the safe side, until it leaves the window.
func (t *throttle) giveBack(ctx context.Context, key string, at int64) {
	if at == 0 {
		return
	}
	if err := t.store.ThrottleGiveBack(context.WithoutCancel(ctx), t.scope, key, at); err != nil {
		slog.Warn("sign-in throttle: unable to give an attempt back", "scope", t.scope, "err", err)
	}
}

// reset forgets key's attempts (after a success). A failure is logged,
// not returned: the success stands, and the attempts leave the window in
// time.
func (t *throttle) reset(ctx context.Context, key string) {
	if err := t.store.ThrottleReset(context.WithoutCancel(ctx), t.scope, key); err != nil {
		slog.Warn("sign-in throttle: unable to reset", "scope", t.scope, "err", err)
	}
}
