// Package e2e holds the helpdesk's real-browser tests: the whole
// application on a loopback port over a real SQLite file, driven by Debian's
// headless Chromium through the DevTools protocol, with axe-core checking
// every page for accessibility violations and full-page screenshots of each
// page at phone and desktop widths written to screenshots/ at the
// repository root.
//
// The package has no code outside its tests; this file only carries its
// documentation. Run it with `go test ./e2e` (it needs `npm ci` for
// axe-core and `/usr/bin/chromium`; `make test` provides both), or skip it
// with -short.
package e2e
