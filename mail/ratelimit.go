package mail

import (
	"context"
	"log/slog"
	"time"

	"github.com/kinconecta/helpdesk/db"
)

// inboundRateScope names the reply listener's limit among the store's
// rate limits.
const inboundRateScope = "smtp-in"

// clientLimiter limits, per client address, the messages and refused
// recipients the reply listener takes. The counts are kept in the
// database (db.RateHit), not in this process, so the limit holds whichever
// helpdesk process a sender's server reaches (CONTRACT §9).
type clientLimiter struct {
	db     *db.DB
	max    int           // events per window; 0 allows everything
	window time.Duration // burst / perMinute minutes
	log    *slog.Logger
}

// newClientLimiter allows perMinute events a minute per address, burst at
// once; perMinute 0 allows everything. The store counts in fixed windows,
// so this is burst events per window of burst/perMinute minutes (20 a
// minute with a burst of 10: 10 per 30 s): the same average rate and the
// same burst as a token bucket, though a sender may get up to twice the
// burst across the end of one window and the start of the next.
func newClientLimiter(store *db.DB, perMinute float64, burst int, log *slog.Logger) *clientLimiter {
	l := &clientLimiter{db: store, log: log}
	if perMinute > 0 {
		l.max = max(burst, 1)
		l.window = max(time.Duration(float64(l.max)/perMinute*float64(time.Minute)), time.Millisecond)
	}
	return l
}

// allow counts one event of addr, reporting false when addr is over its
// limit. When the store cannot count, it allows: the limit guards against
// floods, and the session's own writes meet the same store and answer for
// it (a temporary refusal).
func (l *clientLimiter) allow(addr string) bool {
	if l.max == 0 {
		return true
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	hits, _, err := l.db.RateHit(ctx, inboundRateScope, addr, l.window)
	if err != nil {
		l.log.Warn("mail: unable to count a client's mail; letting it through", "client", addr, "err", err)
		return true
	}
	return hits <= l.max
}
