package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/kinconecta/helpdesk/db"
)

// The desk's accounts. agentEmail and agentPassword are the account
// app.agent creates; the admin is the desk tests' own.
const (
	agentEmail    = "lucia@kinconecta.example"
	agentPassword = "correct horse battery staple"
	adminEmail    = "marta@kinconecta.example"
	adminPassword = "a long admin pass phrase"
)

// tabletWidth is the desk's middle screenshot width: agents also work
// from tablets, where the workspace's two columns become one.
const tabletWidth = 768

// admin creates the admin account, who alone sees the settings page.
func (a *app) admin(t testing.TB) db.Actor {
	t.Helper()
	u, err := a.DB.CreateUser(t.Context(), db.NewUser{
		Email: adminEmail, Name: "Marta Admin", Role: db.RoleAdmin, Password: adminPassword,
	})
	if err != nil {
		t.Fatal(err)
	}
	return db.Actor{Type: "agent", ID: u.ID, Name: u.Name}
}

// createdTicket is the part of the create call's answer the tests use.
type createdTicket struct {
	ID          int64  `json:"id"`
	Status      string `json:"status"`
	AccessToken string `json:"accessToken"`
	TrackingURL string `json:"trackingUrl"`
}

// apiTicket creates a ticket as Kinconecta's app does, through the public
// JSON API, and returns the answer with the requester's access token
// (given once, by this call alone).
func (a *app) apiTicket(t testing.TB, subject, message string) createdTicket {
	t.Helper()
	body, err := json.Marshal(map[string]string{
		"roleContext": "TOURIST",
		"fullName":    "Ana Martínez",
		"email":       "ana.martinez@example.com",
		"subject":     subject,
		"category":    "RESERVAS_VIAJES",
		"message":     message,
	})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(a.URL+"/api/support-tickets", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST /api/support-tickets = %d, want 201", resp.StatusCode)
	}
	var tk createdTicket
	if err := json.NewDecoder(resp.Body).Decode(&tk); err != nil {
		t.Fatal(err)
	}
	if tk.ID == 0 || tk.AccessToken == "" {
		t.Fatalf("create answered %+v, want an id and an access token", tk)
	}
	return tk
}

// signIn signs in through the real sign-in form, as a person does, and
// waits for the queue it leads to.
func (b *tab) signIn(email, password string) {
	b.t.Helper()
	b.fillSignIn(email, password)
	b.waitFor("the queue after signing in", `location.pathname === '/agent' && document.readyState === 'complete' &&
		document.querySelector('[data-testid="queue"]')`)
}

// fillSignIn types into the sign-in form on the current page and sends it.
func (b *tab) fillSignIn(email, password string) {
	b.t.Helper()
	b.do("sign in",
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="login-form"]`)),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="login-form"] input[name="email"]`), email),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="login-form"] input[name="password"]`), password),
		chromedp.Click(chromedp.CSS(`[data-testid="login-submit"]`)))
}

// deskScreenshots writes full-page PNGs of the current desk page at tablet
// and desktop widths to screenshots/<name>-<width>.png, like the
// harness's screenshots does at phone and desktop widths. At every width,
// and at phone width too (the contract asks for pages usable on a
// phone), the page must not scroll sideways; every image must have loaded.
func (b *tab) deskScreenshots(name string) {
	b.t.Helper()
	dir := filepath.Join(repoRoot(b.t), "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	defer b.viewport(desktopWidth)
	b.viewport(phoneWidth)
	if over := eval[[]string](b, overflowJS); len(over) > 0 {
		b.t.Errorf("%s at %d px scrolls sideways; elements past the edge: %v", name, phoneWidth, over)
	}
	for _, width := range []int64{tabletWidth, desktopWidth} {
		b.viewport(width)
		// Lazy images below the fold would be blank in a full-page shot.
		eval[chromedp.Void](b, `document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')`)
		b.waitFor("images to load", `Array.from(document.images).every(i => i.complete)`)
		if broken := eval[[]string](b, `Array.from(document.images).filter(i => i.naturalWidth === 0).map(i => i.src)`); len(broken) > 0 {
			b.t.Errorf("%s at %d px: images that did not load: %v", name, width, broken)
		}
		if over := eval[[]string](b, overflowJS); len(over) > 0 {
			b.t.Errorf("%s at %d px scrolls sideways; elements past the edge: %v", name, width, over)
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

// ticketPath is the workspace's address for ticket id.
func ticketPath(id int64) string { return fmt.Sprintf("/agent/tickets/%d", id) }

// entries counts the workspace thread's entries of a kind: request,
// requester, reply, note or system.
func (b *tab) entries(kind string) int {
	b.t.Helper()
	return b.count(`[data-testid="thread"] [data-testid="entry"][data-kind="` + kind + `"]`)
}

// compose writes in the workspace's reply form and sends it: the audience
// chosen by clicking its card (the radios are styled through their
// labels), the text typed, files chosen.
func (b *tab) compose(internal bool, body string, files ...string) {
	b.t.Helper()
	audience := "internal"
	if internal {
		audience = "internal-note"
	}
	b.do("choose who sees it", chromedp.Click(chromedp.CSS(`[data-testid="compose-form"] label[for="`+audience+`"]`)))
	b.do("type the message", chromedp.SendKeys(chromedp.CSS(`[data-testid="compose-form"] textarea[name="body"]`), body))
	if len(files) > 0 {
		b.do("choose files", chromedp.SetUploadFiles(chromedp.CSS(`[data-testid="compose-form"] input[type="file"]`), files))
	}
	b.do("send", chromedp.Click(chromedp.CSS(`[data-testid="compose-submit"]`)))
}

// waitForWorkspace waits until the tab shows ticket id's workspace, fully
// loaded, with cond also true.
func (b *tab) waitForWorkspace(what string, id int64, cond string) {
	b.t.Helper()
	b.waitFor(what, `location.pathname === `+js(ticketPath(id))+` && document.readyState === 'complete' &&
		document.querySelector('[data-testid="ticket"]') && (`+cond+`)`)
}

// press presses one key (a character or one of kb's named keys) as a
// person does. chromedp.KeyEvent sends a printable key's character as a
// separate "char" event, which a page cannot cancel from its keydown
// handler, so a shortcut that moves focus into a text box would also type
// its own letter there; a real keyboard, and a keyDown event carrying its
// text (as Puppeteer sends), let the page's preventDefault stop the typing.
func (b *tab) press(key string) {
	b.t.Helper()
	runes := []rune(key)
	if len(runes) != 1 {
		b.t.Fatalf("press %q: want one key", key)
	}
	k, ok := kb.Keys[runes[0]]
	if !ok {
		b.t.Fatalf("press %q: not a known key", key)
	}
	down := input.DispatchKeyEventParams{
		Type: input.DispatchKeyEventTypeKeyDown, Key: k.Key, Code: k.Code, Text: k.Text, UnmodifiedText: k.Unmodified,
		NativeVirtualKeyCode: k.Native, WindowsVirtualKeyCode: k.Windows,
	}
	if k.Shift {
		down.Modifiers = int64(kb.ModifierShift)
	}
	up := down
	up.Type, up.Text, up.UnmodifiedText = input.DispatchKeyEventTypeKeyUp, "", ""
	for _, ev := range []input.DispatchKeyEventParams{down, up} {
		if _, err := chromedp.Call(b.ctx, input.DispatchKeyEvent, ev); err != nil {
			b.t.Fatalf("press %q: %v", key, err)
		}
	}
}
