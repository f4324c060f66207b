package mail

import (
	"sync"

	"golang.org/x/time/rate"
)

// maxTrackedClients bounds the limiter's memory under a flood from many
// addresses.
const maxTrackedClients = 10000

// clientLimiter is a token bucket per client address.
type clientLimiter struct {
	mu      sync.Mutex
	every   rate.Limit
	burst   int
	clients map[string]*rate.Limiter
}

// newClientLimiter allows perMinute events a minute per address, burst at
// once; perMinute 0 allows everything.
func newClientLimiter(perMinute float64, burst int) *clientLimiter {
	return &clientLimiter{every: rate.Limit(perMinute / 60), burst: max(burst, 1), clients: map[string]*rate.Limiter{}}
}

// allow spends one of addr's tokens, reporting false when none is left.
func (l *clientLimiter) allow(addr string) bool {
	if l.every <= 0 {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	lim := l.clients[addr]
	if lim == nil {
		if len(l.clients) >= maxTrackedClients {
			l.forgetIdle()
		}
		lim = rate.NewLimiter(l.every, l.burst)
		l.clients[addr] = lim
	}
	return lim.Allow()
}

// forgetIdle drops the buckets that have filled up again (their clients
// have been quiet), or all of them if every client is busy.
func (l *clientLimiter) forgetIdle() {
	for addr, lim := range l.clients {
		if lim.Tokens() >= float64(l.burst) {
			delete(l.clients, addr)
		}
	}
	if len(l.clients) >= maxTrackedClients {
		clear(l.clients)
	}
}
