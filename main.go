// Command helpdesk is Kinconecta's support desk: the support form, the
// requester's tracking page, the agent desk and the JSON API, in one binary
// over an embedded SQLite database.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
