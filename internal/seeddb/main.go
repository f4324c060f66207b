// Command seeddb fills a helpdesk data directory with generated tickets, for
// trying the desk at scale:
//
//	go run ./internal/seeddb -n 100000 -data ./data-seed
//
// Then `helpdesk serve --data ./data-seed` serves them. It adds to what is
// there; the server must not be running against the same folder meanwhile.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/kinconecta/helpdesk/internal/seeddb/seed"
)

func main() {
	n := flag.Int("n", 100000, "how many tickets to generate")
	data := flag.String("data", "./data-seed", "data directory (created if missing)")
	flag.Parse()
	if flag.NArg() > 0 || *n < 0 {
		fmt.Fprintln(os.Stderr, "usage: seeddb [-n N] [-data DIR]")
		os.Exit(2)
	}
	start := time.Now()
	if err := seed.Generate(*data, *n); err != nil {
		fmt.Fprintln(os.Stderr, "seeddb:", err)
		os.Exit(1)
	}
	d := time.Since(start)
	fmt.Printf("generated %d tickets in %s (%.0f tickets/s) into %s\n",
		*n, d.Round(time.Millisecond), float64(*n)/d.Seconds(), *data)
}
