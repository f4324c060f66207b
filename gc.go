package main

import (
	"os"
	"runtime/debug"
)

// gcPercent is the garbage collector's target, unless GOGC is set. The heap
// a request leaves behind is small and short-lived, and with Go's default
// (100) the collector ran 26–150 times a second during creates. Measured
// with wrk (README, Performance), server CPU a request: create 156 → 145 µs,
// list of 50 386 → 357 µs at 200; 400 saved little more (144 / 345 µs) for
// 20 MB more RSS than 200's 8 MB.
const gcPercent = 200

func init() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
}
