package handlers

import (
	"sync"
	"time"
)

// throttle counts recent failures per key (an account, an address) and
// refuses a key that failed max times within window. It forgets a key's
// failures once they are older than the window.
type throttle struct {
	mu       sync.Mutex
	max      int
	window   time.Duration
	failures map[string][]time.Time
	now      func() time.Time
}

func newThrottle(max int, window time.Duration) *throttle {
	return &throttle{max: max, window: window, failures: map[string][]time.Time{}, now: time.Now}
}

// wait returns how long key must wait before trying again; 0 means now.
func (t *throttle) wait(key string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	recent := t.prune(key)
	if len(recent) < t.max {
		return 0
	}
	return recent[0].Add(t.window).Sub(t.now())
}

// count is how many times key failed within the window.
func (t *throttle) count(key string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.prune(key))
}

// fail records a failure for key.
func (t *throttle) fail(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	recent := append(t.prune(key), t.now())
	if len(recent) > t.max {
		// Only the last max failures decide: a key failing without end
		// (an account under a botnet) keeps a bounded list.
		recent = append(recent[:0], recent[len(recent)-t.max:]...)
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
}

// reset forgets key's failures (after a success).
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
