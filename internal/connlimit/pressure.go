package connlimit

import (
	"net"
	"time"
)

// A listener is under pressure while more than three quarters of its
// total cap is open (until it falls back to five eighths). Slow clients then
// get less time (SetPressureTimeout, and the web server's body rate,
// through Pressed), so that places free up for others: 600 connections
// each sending a body at a byte every half second filled the cap, and
// with a minute of grace for the body rate they held it in turns.

// SetPressureTimeout makes every read deadline the server sets on a
// connection (for its next request's headers, between requests, between a
// body's bytes) at most d away while the listener is under pressure; 0,
// the default, leaves them alone. Call it before Accept.
func (l *Listener) SetPressureTimeout(d time.Duration) { l.pressureTimeout = d }

// Pressed reports whether the listener is under pressure: more than three
// quarters of its total cap open.
func (l *Listener) Pressed() bool { return l.pressed.Load() }

// notePressureLocked starts or ends pressure after the count of open
// connections changed, logging each change once.
func (l *Listener) notePressureLocked() {
	if l.limits.Total <= 0 {
		return
	}
	open, was := len(l.conns), l.pressed.Load()
	// On past three quarters, off only at five eighths, so that the log
	// does not flap around the mark.
	on := open*4 > l.limits.Total*3 || (was && open*8 > l.limits.Total*5)
	if on == was {
		return
	}
	l.pressed.Store(on)
	if on {
		l.log.Warn("connections above three quarters of the cap: slow clients get less time until they fall",
			"open", open, "limit", l.limits.Total)
	} else {
		l.log.Info("connections back below the pressure mark: slow clients get their usual time",
			"open", open, "limit", l.limits.Total)
	}
}

// SetReadDeadline shortens t under pressure (SetPressureTimeout).
func (c *conn) SetReadDeadline(t time.Time) error {
	return c.Conn.SetReadDeadline(c.l.pressureDeadline(t))
}

// SetDeadline shortens its read side as SetReadDeadline does.
func (c *conn) SetDeadline(t time.Time) error {
	if err := c.Conn.SetWriteDeadline(t); err != nil {
		return err
	}
	return c.Conn.SetReadDeadline(c.l.pressureDeadline(t))
}

func (l *Listener) pressureDeadline(t time.Time) time.Time {
	if l.pressureTimeout <= 0 || !l.pressed.Load() {
		return t
	}
	if limit := time.Now().Add(l.pressureTimeout); t.IsZero() || t.After(limit) {
		return limit
	}
	return t
}

var _ net.Conn = (*conn)(nil)
