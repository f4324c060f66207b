package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/filestore"
	"github.com/kinconecta/helpdesk/handlers"
)

// chromiumPath is Debian's Chromium; the tests never download a browser.
const chromiumPath = "/usr/bin/chromium"

// Time bounds. A tab's actions share one deadline, so a page that never
// shows what a test waits for fails the test instead of hanging the binary.
const (
	tabTimeout     = 90 * time.Second
	waitTimeout    = 10 * time.Second
	browserStartup = time.Minute
)

// browser is the one headless Chromium this test binary shares. Each test
// opens its own tab in a fresh browser context, so tests share no cookies
// and may run in parallel.
var browser context.Context

// TestMain starts the browser once: starting Chromium costs about a second,
// a new tab a few milliseconds.
func TestMain(m *testing.M) { os.Exit(runTests(m)) }

func runTests(m *testing.M) int {
	flag.Parse()
	if testing.Short() {
		return m.Run() // every test skips itself
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: browser tests need Debian's chromium at "+chromiumPath+": run `make chromium` (or apt-get install chromium)")
		return 1
	}
	profile, err := os.MkdirTemp("", "helpdesk-e2e-profile-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(profile)

	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox, // root in a container: the sandbox cannot start
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		// The tests talk to 127.0.0.1 only; refuse every name lookup so
		// nothing in the browser can reach further.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.UserDataDir(profile),
	)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()

	// The first Do starts the browser and binds it to ctx, which must have
	// no deadline; bound the start from outside instead.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err := <-started:
		if err != nil {
			fmt.Fprintln(os.Stderr, "e2e: unable to start chromium:", err)
			return 1
		}
	case <-time.After(browserStartup):
		fmt.Fprintln(os.Stderr, "e2e: chromium did not start within", browserStartup)
		return 1
	}
	browser = ctx
	return m.Run()
}

// repoRoot is the repository's root, where go.mod is.
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := findRepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func findRepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("e2e: go.mod not found above the working directory")
		}
		dir = parent
	}
}

// app is the whole helpdesk on a loopback port over a real database file.
type app struct {
	URL   string // http://127.0.0.1:port, also the configured BaseURL
	DB    *db.DB
	Files *filestore.Store
}

// startApp starts the application as serve does, with the contract's
// upload limits and no rate limit (the tests post faster than a person).
func startApp(t *testing.T) *app {
	t.Helper()
	dir := t.TempDir()
	store, err := db.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	files, err := filestore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a := &app{URL: "http://" + ln.Addr().String(), DB: store, Files: files}
	server := handlers.New(handlers.Config{
		BaseURL:      a.URL,
		MaxFileBytes: 10 << 20,
		MaxFiles:     20,
		CreateRate:   0,
	}, store, files)
	go server.Listener(ln)
	t.Cleanup(func() {
		_ = server.ShutdownWithTimeout(5 * time.Second)
		store.Close()
	})
	return a
}

// tab is one test's browser tab on one app.
type tab struct {
	t   *testing.T
	ctx context.Context // carries the tab's deadline
	app *app
	js  bool

	mu       sync.Mutex
	problems []string // console errors and uncaught exceptions
}

// openTab opens a tab in a fresh browser context (its own cookie jar) at
// desktop size, with page scripts on or off. Console errors and uncaught
// exceptions seen while the test runs fail it at the end.
func openTab(t *testing.T, a *app, js bool) *tab {
	t.Helper()
	if testing.Short() {
		t.Skip("browser tests skipped in -short mode")
	}
	tabCtx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	// Open the tab on the context that owns it (cancelling that closes the
	// tab); the deadline below then bounds everything the test does in it.
	if err := chromedp.Do(tabCtx); err != nil {
		t.Fatalf("e2e: unable to open a tab: %v", err)
	}
	ctx, cancelDeadline := context.WithTimeout(tabCtx, tabTimeout)
	t.Cleanup(cancelDeadline)
	b := &tab{t: t, ctx: ctx, app: a, js: js}
	b.watchConsole()
	if !js {
		b.scripts(false)
	}
	b.viewport(desktopWidth)
	t.Cleanup(b.reportConsole)
	return b
}

// scripts turns the page's scripts on or off for this tab.
func (b *tab) scripts(on bool) {
	b.t.Helper()
	if _, err := chromedp.Call(b.ctx, emulation.SetScriptExecutionDisabled,
		emulation.SetScriptExecutionDisabledParams{Value: !on}); err != nil {
		b.t.Fatalf("e2e: unable to turn scripts on=%v: %v", on, err)
	}
}

// watchConsole records what the page reports as broken. Failed document
// loads are the tests' own business (a 404 page, a 422 form); a failed
// stylesheet, script or file preview is a bug.
func (b *tab) watchConsole() {
	// Subscribe now, read on: no message between here and the goroutine's
	// start is lost.
	messages := chromedp.Console(b.ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type != chromedp.ConsoleError && m.Type != chromedp.ConsoleException {
				continue
			}
			if m.Source == "network" && !strings.Contains(m.URL, "/static/") && !strings.Contains(m.URL, "/files/") {
				continue
			}
			b.mu.Lock()
			b.problems = append(b.problems, fmt.Sprintf("%s: %s (%s:%d)", m.Type, m.Text, m.URL, m.Line+1))
			b.mu.Unlock()
		}
	}()
}

// reportConsole fails the test with what the page's console reported.
func (b *tab) reportConsole() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range b.problems {
		b.t.Errorf("browser console: %s", p)
	}
}

// do runs actions in the tab, failing the test on the first error.
func (b *tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// open loads path and returns the HTTP status of the document.
func (b *tab) open(path string) int64 {
	b.t.Helper()
	resp, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(b.app.URL+path))
	if err != nil {
		b.t.Fatalf("open %s: %v", path, err)
	}
	return resp.Status
}

// eval evaluates a JavaScript expression in the page and decodes its value.
// DevTools evaluation runs even when the page's own scripts are off.
func eval[T any](b *tab, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// waitFor waits until the JavaScript condition is true, failing with what
// after waitTimeout. It polls from Go rather than with a page-side poll, so
// it survives navigations (a submit that lands on another page) and works
// in tabs with scripts off.
func (b *tab) waitFor(what, cond string) {
	b.t.Helper()
	deadline := time.Now().Add(waitTimeout)
	var last error
	for {
		ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool]("!!("+cond+")"))
		if err == nil && ok {
			return
		}
		last = err
		if time.Now().After(deadline) || b.ctx.Err() != nil {
			b.t.Fatalf("waited %v for %s (%s); last error: %v; page %s", waitTimeout, what, cond, last, b.location())
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// location is the tab's address, for failure messages.
func (b *tab) location() string {
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		return "(unknown: " + err.Error() + ")"
	}
	return loc
}

// path is the tab's address without the server's origin.
func (b *tab) path() string {
	return strings.TrimPrefix(b.location(), b.app.URL)
}

// js quotes s as a JavaScript string literal.
func js(s string) string {
	q, _ := json.Marshal(s)
	return string(q)
}

// text is the rendered text of the first element matching the CSS
// selector, or "" when there is none.
func (b *tab) text(selector string) string {
	b.t.Helper()
	return eval[string](b, `(document.querySelector(`+js(selector)+`)||{}).innerText||""`)
}

// count is how many elements match the CSS selector.
func (b *tab) count(selector string) int {
	b.t.Helper()
	return eval[int](b, `document.querySelectorAll(`+js(selector)+`).length`)
}

// Viewport widths of the screenshots: a small phone and a laptop.
const (
	phoneWidth   = 360
	desktopWidth = 1280
)

// viewport sizes the page as a phone (mobile, with the viewport meta tag
// honoured) or a desktop.
func (b *tab) viewport(width int64) {
	b.t.Helper()
	height := int64(900)
	if width < 600 {
		height = 780
	}
	if _, err := chromedp.Call(b.ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
		Width: width, Height: height, DeviceScaleFactor: 1, Mobile: width < 600,
	}); err != nil {
		b.t.Fatalf("viewport %d: %v", width, err)
	}
}

// screenshots writes full-page PNGs of the current page at phone and
// desktop widths to screenshots/<name>-<width>.png at the repository root
// (git-ignored), for people to look at. At phone width the page must not
// scroll sideways, and every image on it must have loaded.
func (b *tab) screenshots(name string) {
	b.t.Helper()
	dir := filepath.Join(repoRoot(b.t), "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	defer b.viewport(desktopWidth)
	for _, width := range []int64{phoneWidth, desktopWidth} {
		b.viewport(width)
		// Lazy images below the fold would be blank in a full-page shot.
		eval[chromedp.Void](b, `document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')`)
		b.waitFor("images to load", `Array.from(document.images).every(i => i.complete)`)
		if broken := eval[[]string](b, `Array.from(document.images).filter(i => i.naturalWidth === 0).map(i => i.src)`); len(broken) > 0 {
			b.t.Errorf("%s at %d px: images that did not load: %v", name, width, broken)
		}
		if width == phoneWidth {
			if over := eval[[]string](b, overflowJS); len(over) > 0 {
				b.t.Errorf("%s at %d px scrolls sideways; elements past the edge: %v", name, width, over)
			}
		}
		png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
		if err != nil {
			b.t.Fatalf("screenshot %s at %d: %v", name, width, err)
		}
		file := filepath.Join(dir, fmt.Sprintf("%s-%d.png", name, width))
		if err := os.WriteFile(file, png, 0o644); err != nil {
			b.t.Fatal(err)
		}
	}
}

// overflowJS lists the elements that stick out past the right edge of the
// viewport when the document is wider than it: a phone user would have
// to scroll sideways to reach them. Content wider than its own scroll
// container does not widen the document, so it is not reported; nor are
// 1-pixel visually hidden (sr-only) elements.
const overflowJS = `(() => {
  const w = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= w) return [];
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right > w + 1 && r.width > 1 && r.height > 1) {
      const testid = el.getAttribute('data-testid');
      out.push(el.tagName.toLowerCase() + (testid ? '[data-testid=' + testid + ']' : el.id ? '#' + el.id : '') +
        ' "' + (el.innerText || el.textContent || '').trim().slice(0, 30) + '" (right edge ' + Math.round(r.right) + ')');
    }
    if (out.length >= 5) break;
  }
  return out.length ? out : ['document ' + document.documentElement.scrollWidth + ' px wide'];
})()`

// axeSource is axe-core's browser build, read once per binary. It comes
// from node_modules (pinned in package.json, installed by `npm ci`, which
// `make test` runs first) so the tests need no network.
var axeSource = sync.OnceValues(func() (string, error) {
	root, err := findRepoRoot()
	if err != nil {
		return "", err
	}
	b, err := os.ReadFile(filepath.Join(root, "node_modules", "axe-core", "axe.min.js"))
	if errors.Is(err, os.ErrNotExist) {
		return "", errors.New("node_modules/axe-core/axe.min.js is missing: run npm ci")
	}
	return string(b), err
})

// axeViolation is one rule axe-core found broken, with where.
type axeViolation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
}

// axeRunJS runs every axe-core rule on the page and returns the violations.
const axeRunJS = `axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => ({
  id: v.id, impact: v.impact || '', help: v.help,
  targets: v.nodes.map(n => n.target.map(String).join(' ') + (n.failureSummary ? ' — ' + n.failureSummary.replace(/\s+/g, ' ') : ''))
})))`

// checkAxe fails the test for every accessibility violation axe-core finds
// on the current page: the requirement is none. axe runs through DevTools
// evaluation, so it works on pages whose own scripts are off and is not
// subject to the page's Content-Security-Policy.
func (b *tab) checkAxe(page string) {
	b.t.Helper()
	src, err := axeSource()
	if err != nil {
		b.t.Fatalf("axe-core: %v", err)
	}
	if !b.js {
		// axe waits on timers, which do not fire while scripts are off.
		// Turning them on after the load runs none of the page's scripts:
		// the parser skipped them, so axe sees the page as it was served.
		b.scripts(true)
		defer b.scripts(false)
	}
	if !eval[bool](b, `typeof window.axe === 'object'`) {
		eval[chromedp.Void](b, src)
	}
	violations, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]axeViolation](axeRunJS, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("axe on %s: %v", page, err)
	}
	for _, v := range violations {
		b.t.Errorf("axe on %s: %s (%s): %s\n\t%s", page, v.ID, v.Impact, v.Help, strings.Join(v.Targets, "\n\t"))
	}
}
