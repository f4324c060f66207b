package desk

import (
	"sync"
	"time"
)

// throttle counts recent attempts per key (an account, an address) that
// failed or may yet fail, and refuses a key that reached max within
// window. It forgets a key's attempts once they are older than the window.
//
// An attempt is counted before it is made (take or reserve) and given
// back once it turns out not to be a failure (giveBack): checking first and
// counting after the password check let 250 concurrent guesses all pass a
// limit of 5, since none had failed yet when each was checked.
type throttle struct {
	mu       sync.Mutex
	max      int
	keep     int // attempts remembered per key, at least max
	window   time.Duration
	failures map[string][]time.Time
	now      func() time.Time
}

func newThrottle(max int, window time.Duration) *throttle {
	return &throttle{max: max, keep: max, window: window, failures: map[string][]time.Time{}, now: time.Now}
}

// newSlowdown is a throttle whose keys are never refused (take, not
// reserve), only told how many attempts came before. It remembers twice
// max: with only max, an attempt in flight pushed the oldest failure out,
// and a right password giving its own attempt back then left max-1, so the
// attacker's next guess skipped the slowdown (issue 8, re-tested).
func newSlowdown(max int, window time.Duration) *throttle {
	t := newThrottle(max, window)
	t.keep = 2 * max
	return t
}

// reserve counts an attempt for key unless key already has max within the
// window; then it counts nothing and says how long to wait. at names the
// attempt for giveBack.
func (t *throttle) reserve(key string) (at time.Time, wait time.Duration, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if recent := t.prune(key); len(recent) >= t.max {
		return time.Time{}, recent[0].Add(t.window).Sub(t.now()), false
	}
	at = t.addLocked(key)
	return at, 0, true
}

// take counts an attempt for key whatever the count, and says how many
// there were before it.
func (t *throttle) take(key string) (at time.Time, before int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	before = len(t.prune(key))
	return t.addLocked(key), before
}

// giveBack uncounts the attempt at, which did not fail.
func (t *throttle) giveBack(key string, at time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	recent := t.failures[key]
	for i := len(recent) - 1; i >= 0; i-- {
		if recent[i].Equal(at) {
			recent = append(recent[:i], recent[i+1:]...)
			break
		}
	}
	if len(recent) == 0 {
		delete(t.failures, key)
	} else {
		t.failures[key] = recent
	}
}

func (t *throttle) addLocked(key string) time.Time {
	at := t.now()
	recent := append(t.failures[key], at)
	if len(recent) > t.keep {
		// Only the last attempts decide: a key failing without end (an
		// account under a botnet) keeps a bounded list.
		recent = append(recent[:0], recent[len(recent)-t.keep:]...)
	}
	t.failures[key] = recent
	if len(t.failures) > 100000 {
		// Bound memory under a flood of distinct keys: old entries go first.
		for k := range t.failures {
			if len(t.prune(k)) == 0 {
				delete(t.failures, k)
			}
		}
	}
	return at
}

// reset forgets key's attempts (after a success).
func (t *throttle) reset(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.failures, key)
}

func (t *throttle) prune(key string) []time.Time {
	cutoff := t.now().Add(-t.window)
	recent := t.failures[key]
	i := 0
	for i < len(recent) && recent[i].Before(cutoff) {
		i++
	}
	recent = recent[i:]
	if len(recent) == 0 {
		delete(t.failures, key)
	} else {
		t.failures[key] = recent
	}
	return recent
}
