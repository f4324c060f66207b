package e2e

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/i18n"
)

// supportInput is what a requester types into the support form; empty
// fields are left alone.
type supportInput struct {
	Role     string // tourist, guide or guest
	FullName string
	Email    string
	Category string // the option's value: the canonical category name
	Subject  string
	Message  string
	Files    []string // paths on disk
}

// fillSupportForm fills the form as a person does: clicking a role's
// label, typing into the fields, choosing a topic and files.
func (b *tab) fillSupportForm(in supportInput) {
	b.t.Helper()
	b.do("wait for the support form", chromedp.WaitVisible(chromedp.CSS(`[data-testid="support-form"]`)))
	if in.Role != "" {
		id := "roleContext-" + in.Role
		if in.Role == "tourist" {
			id = "roleContext" // the first radio carries the group's name, for the summary's link
		}
		b.do("choose the role", chromedp.Click(chromedp.CSS(`label[for="`+id+`"]`)))
	}
	for _, f := range []struct{ id, value string }{
		{"fullName", in.FullName}, {"email", in.Email}, {"subject", in.Subject}, {"message", in.Message},
	} {
		if f.value != "" {
			b.do("type into "+f.id, chromedp.SendKeys(chromedp.ID(f.id), f.value))
		}
	}
	if in.Category != "" {
		b.do("choose the topic", chromedp.SetValue(chromedp.ID("category"), in.Category))
	}
	if len(in.Files) > 0 {
		b.do("choose files", chromedp.SetUploadFiles(chromedp.CSS(`[data-testid="support-form"] input[type="file"]`), in.Files))
	}
}

// dropFiles drops files from the desktop onto the element, as a person
// dragging them from a file manager does: the browser fires dragenter,
// dragover and drop with the files in the event's DataTransfer.
func (b *tab) dropFiles(selector string, paths []string) {
	b.t.Helper()
	b.do("scroll to the drop zone", chromedp.ScrollIntoView(chromedp.CSS(selector)))
	at := eval[[]float64](b, `(() => { const r = document.querySelector(`+js(selector)+`).getBoundingClientRect();
		return [r.left + r.width / 2, r.top + r.height / 2]; })()`)
	data := &input.DragData{Items: []*input.DragDataItem{}, Files: paths, DragOperationsMask: 1}
	for _, typ := range []input.DispatchDragEventType{
		input.DispatchDragEventTypeDragEnter, input.DispatchDragEventTypeDragOver, input.DispatchDragEventTypeDrop,
	} {
		if _, err := chromedp.Call(b.ctx, input.DispatchDragEvent, input.DispatchDragEventParams{Type: typ, X: at[0], Y: at[1], Data: data}); err != nil {
			b.t.Fatalf("drop files (%s): %v", typ, err)
		}
	}
}

// anaRequest is a complete, valid request. Its subject carries markup,
// which every page must show as text.
func anaRequest(files ...string) supportInput {
	return supportInput{
		Role:     "guide",
		FullName: "Ana Martínez",
		Email:    "ana.martinez@example.com",
		Category: "Billing",
		Subject:  `Charged twice <b>KC-1234</b> & <script>alert(1)</script>`,
		Message:  "I was charged twice for the tour on 12 March.\nThe receipt is attached.",
		Files:    files,
	}
}

// progressRecorderJS remembers the highest value the upload progress bar
// announced, and whether it was shown, in sessionStorage: the upload is
// over in milliseconds on loopback and the page then leaves, so the test
// reads the record on the next page.
const progressRecorderJS = `(() => {
  const bar = document.querySelector('[data-testid="upload-progress"]');
  let max = 0, shown = false;
  const save = () => sessionStorage.setItem('e2e-progress', JSON.stringify({max, shown}));
  save();
  new MutationObserver(() => {
    max = Math.max(max, Number(bar.getAttribute('aria-valuenow')));
    shown = shown || bar.getClientRects().length > 0;
    save();
  }).observe(bar.closest('form'), {attributes: true, subtree: true, attributeFilter: ['aria-valuenow', 'class']});
})()`

// progressRecord is what progressRecorderJS saved.
type progressRecord struct {
	Max   int  `json:"max"`
	Shown bool `json:"shown"`
}

// waitForTrackingPage waits until the tab has landed on a tracking page
// and returns its token.
func (b *tab) waitForTrackingPage() string {
	b.t.Helper()
	b.waitFor("the tracking page", `location.pathname.startsWith('/track/`+db.TicketTokenPrefix+`') &&
		document.readyState === 'complete' && document.querySelector('[data-testid="ticket-number"]')`)
	return tokenFromPath(b.t, b.path())
}

// checkTrackingPageShows checks the tracking page of a just-sent request:
// its number, the subject as typed (as text), and the file in the thread,
// which must download byte for byte.
func (b *tab) checkTrackingPageShows(tk db.Ticket, in supportInput, fileName string, content []byte) {
	b.t.Helper()
	if got, want := b.text(`[data-testid="ticket-number"]`), "#"+strconv.FormatInt(tk.ID, 10); !strings.Contains(got, want) {
		b.t.Errorf("ticket number shows %q, want it to contain %q", got, want)
	}
	if got := b.text("h1"); got != in.Subject {
		b.t.Errorf("heading = %q, want the subject as typed %q", got, in.Subject)
	}
	if n := b.count("h1 b, h1 script, [data-testid=thread] b, [data-testid=thread] script"); n != 0 {
		b.t.Errorf("typed markup became %d elements: it must be shown as text", n)
	}
	first := `[data-testid="thread"] [data-testid="message"]:first-child`
	if got := b.text(first); !strings.Contains(got, fileName) {
		b.t.Errorf("first message %q does not list the file %q", got, fileName)
	}
	// The link whose text names the file.
	link := `Array.from(document.querySelectorAll(` + js(first+` a[href*="/files/"]`) + `)).find(a => a.innerText.includes(` + js(fileName) + `))`
	if !eval[bool](b, `!!`+link) {
		b.t.Fatalf("first message has no link to %q", fileName)
	}
	// base64 carries the bytes through JSON unchanged.
	got, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](
		`fetch(`+link+`.href).then(r => r.ok ? r.arrayBuffer() : Promise.reject(r.status)).then(b => btoa(String.fromCharCode(...new Uint8Array(b))))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("download %s: %v", fileName, err)
	}
	downloaded, err := base64.StdEncoding.DecodeString(got)
	if err != nil {
		b.t.Fatalf("download %s: %v", fileName, err)
	}
	if !bytes.Equal(downloaded, content) {
		b.t.Errorf("%s downloads as %d bytes that differ from the %d sent", fileName, len(downloaded), len(content))
	}
}

// TestSupportFormSubmit sends the support form with files in a real
// browser with scripts on: one chosen with the file input, one dropped on
// the drop zone; both are listed, the progress bar reaches 100 %, and the
// browser lands on the ticket's tracking page with the files.
func TestSupportFormSubmit(t *testing.T) {
	a := startApp(t)
	b := openTab(t, a, true)
	if got := b.open("/"); got != 200 {
		t.Fatalf("GET / = %d", got)
	}
	picture := testPNG(t)
	in := anaRequest(writeFile(t, "receipt.png", picture))
	b.fillSupportForm(in)
	b.waitFor("the chosen file to be listed", `document.querySelector('[data-testid="file-list"]').innerText.includes('receipt.png')`)
	b.dropFiles(`[data-testid="dropzone"]`, []string{writeFile(t, "booking.pdf", []byte(testPDF))})
	b.waitFor("the dropped file to be listed", `document.querySelector('[data-testid="file-list"]').innerText.includes('booking.pdf')`)
	if got := b.count(`[data-testid="file-list"] li`); got != 2 {
		t.Errorf("file list has %d entries, want 2", got)
	}
	if got := eval[[]string](b, `Array.from(document.querySelectorAll('[data-testid="file-list"] button')).map(b => b.getAttribute('aria-label') || b.innerText)`); len(got) != 2 || got[0] != "Remove receipt.png" {
		t.Errorf("remove buttons are named %q, want one per file, named for it", got)
	}
	bar := eval[map[string]string](b, `(() => { const e = document.querySelector('[data-testid="upload-progress"]');
		return {role: e.getAttribute('role') || '', min: e.getAttribute('aria-valuemin') || '', max: e.getAttribute('aria-valuemax') || '', label: e.getAttribute('aria-label') || ''}; })()`)
	if bar["role"] != "progressbar" || bar["min"] != "0" || bar["max"] != "100" || bar["label"] == "" {
		t.Errorf("progress bar attributes = %v, want role=progressbar, 0..100 and a label", bar)
	}
	eval[chromedp.Void](b, progressRecorderJS)

	b.do("submit", chromedp.Click(chromedp.CSS(`[data-testid="submit"]`)))
	token := b.waitForTrackingPage()

	progress := eval[progressRecord](b, `JSON.parse(sessionStorage.getItem('e2e-progress') || '{"max":-1}')`)
	if !progress.Shown || progress.Max != 100 {
		t.Errorf("progress bar: shown=%v, highest value %d; want shown, reaching 100", progress.Shown, progress.Max)
	}

	tk := a.ticketByToken(t, token)
	if tk.RoleContext != "guide" || tk.Category != "Billing" || tk.Email != in.Email || tk.Subject != in.Subject || tk.Language != "en" {
		t.Errorf("stored ticket = %+v, want what was typed", tk)
	}
	if len(tk.Attachments) != 2 || tk.Attachments[0].FileName != "receipt.png" || tk.Attachments[0].MimeType != "image/png" || tk.Attachments[0].FileSize != int64(len(picture)) ||
		tk.Attachments[1].FileName != "booking.pdf" || tk.Attachments[1].MimeType != "application/pdf" {
		t.Fatalf("stored attachments = %+v, want receipt.png (image/png, %d bytes) and booking.pdf", tk.Attachments, len(picture))
	}
	b.checkTrackingPageShows(tk, in, "receipt.png", picture)
	if got := b.count(`[data-testid="thread"] img`); got != 1 {
		t.Errorf("thread shows %d image previews, want 1", got)
	}
	b.waitFor("the preview to load", `Array.from(document.querySelectorAll('[data-testid="thread"] img')).every(i => i.complete && i.naturalWidth === 160)`)
}

// TestSupportFormWithoutJavaScript sends the form with scripts off: a plain
// multipart post, answered 303, lands on the tracking page with the file.
func TestSupportFormWithoutJavaScript(t *testing.T) {
	a := startApp(t)
	b := openTab(t, a, false)
	b.open("/")
	if eval[bool](b, `document.querySelector('[data-testid="file-list"] li') !== null`) {
		t.Fatal("page scripts ran in a tab with scripts off")
	}
	picture := testPNG(t)
	in := anaRequest(writeFile(t, "boarding pass.png", picture))
	in.Role = "tourist"
	b.fillSupportForm(in)
	b.do("submit", chromedp.Click(chromedp.CSS(`[data-testid="submit"]`)))
	token := b.waitForTrackingPage()

	tk := a.ticketByToken(t, token)
	if tk.RoleContext != "tourist" || tk.FullName != in.FullName || len(tk.Attachments) != 1 || tk.Attachments[0].FileName != "boarding pass.png" {
		t.Fatalf("stored ticket = %+v with files %+v, want what was typed with boarding pass.png", tk, tk.Attachments)
	}
	b.checkTrackingPageShows(tk, in, "boarding pass.png", picture)
}

// TestSupportFormValidation sends a form with a bad address and no
// message: the form comes back with the error summary, its links lead to
// the fields, and what was typed is still there.
func TestSupportFormValidation(t *testing.T) {
	for _, tc := range scriptModes {
		t.Run(tc.name, func(t *testing.T) {
			a := startApp(t)
			b := openTab(t, a, tc.js)
			b.open("/")
			in := supportInput{
				Role:     "guest",
				FullName: `Ana <b>Martínez</b>`,
				Email:    "ana.martinez-at-example.com",
				Category: "Account",
				Subject:  "Cannot sign in",
				Files:    []string{writeFile(t, "screen.png", testPNG(t))},
			}
			b.fillSupportForm(in)
			b.do("submit", chromedp.Click(chromedp.CSS(`[data-testid="submit"]`)))
			b.waitFor("the error summary", `document.readyState === 'complete' && document.querySelector('[data-testid="error-summary"]')`)
			if got := b.path(); got != "/" {
				t.Errorf("refused form is at %q, want /", got)
			}

			links := eval[[]string](b, `Array.from(document.querySelectorAll('[data-testid="error-summary"] a')).map(a => a.getAttribute('href'))`)
			if got, want := strings.Join(links, " "), "#email #message"; got != want {
				t.Errorf("error summary links = %q, want %q", got, want)
			}
			if got, want := b.text(`#email-error`), i18n.EN.T("err.email"); !strings.Contains(got, want) {
				t.Errorf("email error = %q, want %q", got, want)
			}
			for id, want := range map[string]string{"fullName": in.FullName, "email": in.Email, "subject": in.Subject, "category": in.Category, "message": ""} {
				if got := eval[string](b, `document.getElementById(`+js(id)+`).value`); got != want {
					t.Errorf("%s after the refusal = %q, want %q", id, got, want)
				}
			}
			if !eval[bool](b, `document.getElementById('roleContext-guest').checked`) {
				t.Error("the chosen role was not kept")
			}
			if got := eval[string](b, `document.getElementById('email').getAttribute('aria-invalid') || ''`); got != "true" {
				t.Errorf("email aria-invalid = %q, want true", got)
			}
			if n := b.count(`[data-testid="support-form"] b`); n != 0 {
				t.Errorf("the typed name's markup became %d elements", n)
			}
			if tc.js {
				// The script puts focus on the summary so screen readers
				// announce it, and keeps the chosen file.
				if got := eval[string](b, `document.activeElement && document.activeElement.getAttribute('data-testid') || ''`); got != "error-summary" {
					t.Errorf("focus is on %q, want the error summary", got)
				}
				if got := b.text(`[data-testid="file-list"]`); !strings.Contains(got, "screen.png") {
					t.Errorf("file list after the refusal = %q, want screen.png kept", got)
				}
			} else {
				if got := b.text(`[data-testid="error-summary"]`); !strings.Contains(got, i18n.EN.T("form.filesNotKept")) {
					t.Errorf("summary %q does not say the files must be chosen again", got)
				}
				// The page as served, before any script improves it.
				b.checkAxe("requester-form-errors-noscript-en")
				b.screenshots("requester-form-errors-noscript-en")
			}

			b.do("follow the summary's email link", chromedp.Click(chromedp.CSS(`[data-testid="error-summary"] a[href="#email"]`)))
			b.waitFor("the email field to be the target", `location.hash === '#email'`)
			if got := eval[string](b, `document.activeElement ? document.activeElement.id : ''`); got != "email" {
				t.Errorf("after following the summary's link focus is on %q, want the email field", got)
			}

			// Correct the form as a person would and send it again.
			b.do("fix the email", chromedp.Clear(chromedp.ID("email")), chromedp.SendKeys(chromedp.ID("email"), "ana.martinez@example.com"),
				chromedp.SendKeys(chromedp.ID("message"), "I reset my password but the link has expired."))
			if !tc.js {
				b.do("choose the file again", chromedp.SetUploadFiles(chromedp.CSS(`[data-testid="support-form"] input[type="file"]`), in.Files))
			}
			b.do("submit again", chromedp.Click(chromedp.CSS(`[data-testid="submit"]`)))
			token := b.waitForTrackingPage()
			tk := a.ticketByToken(t, token)
			if tk.FullName != in.FullName || tk.RoleContext != "guest" || tk.Category != "Account" || len(tk.Attachments) != 1 {
				t.Errorf("stored ticket = %+v with %d files, want the corrected form with its file", tk, len(tk.Attachments))
			}
		})
	}
}

// scriptModes runs a page flow with the page's scripts on and off: pages
// work without JavaScript, which only improves them.
var scriptModes = []struct {
	name string
	js   bool
}{
	{"WithScript", true},
	{"WithoutScript", false},
}

// TestTrackReply answers on the tracking page with a file: the reply shows
// at the end of the thread with its file, after the agent's answer.
func TestTrackReply(t *testing.T) {
	for _, mode := range scriptModes {
		t.Run(mode.name, func(t *testing.T) {
			a := startApp(t)
			tk, token := a.newTicket(t, "Refund for a cancelled tour")
			a.agentReply(t, a.agent(t), tk.ID, "Hi Ana, could you send us the bank statement?")

			b := openTab(t, a, mode.js)
			b.open("/track/" + token)
			if got := b.count(`[data-testid="thread"] [data-testid="message"]`); got != 2 {
				t.Fatalf("thread has %d messages, want the request and the agent's answer", got)
			}
			if got := eval[string](b, `document.querySelector('[data-testid="thread"] [data-testid="message"]:last-child').dataset.author`); got != "agent" {
				t.Errorf("the agent's answer is marked %q, want agent", got)
			}
			b.do("type a reply", chromedp.SendKeys(chromedp.CSS(`[data-testid="reply-form"] textarea[name="body"]`), "Here it is: the charge appears twice."))
			b.do("choose a file", chromedp.SetUploadFiles(chromedp.CSS(`[data-testid="reply-form"] input[type="file"]`), []string{writeFile(t, "statement.pdf", []byte(testPDF))}))
			if mode.js {
				b.waitFor("the chosen file to be listed", `document.querySelector('[data-testid="reply-form"] [data-file-list]').innerText.includes('statement.pdf')`)
			}
			b.do("send", chromedp.Click(chromedp.CSS(`[data-testid="reply-form"] [type="submit"]`)))
			b.waitFor("the reply in the thread", `location.pathname === `+js("/track/"+token)+` && document.readyState === 'complete' &&
				document.querySelectorAll('[data-testid="thread"] [data-testid="message"]').length === 3`)

			if got, want := b.text(`[data-testid="track-sent"][role="status"]`), i18n.EN.T("track.sent.reply"); got != want {
				t.Errorf("confirmation after sending = %q, want %q", got, want)
			}
			last := `[data-testid="thread"] [data-testid="message"]:last-child`
			got := b.text(last)
			if !strings.Contains(got, "Here it is: the charge appears twice.") || !strings.Contains(got, "statement.pdf") {
				t.Errorf("last message = %q, want the reply with statement.pdf", got)
			}
			if author := eval[string](b, `document.querySelector(`+js(last)+`).dataset.author`); author != "requester" {
				t.Errorf("last message's author = %q, want requester", author)
			}
			if got := eval[string](b, `document.querySelector('[data-testid="reply-form"] textarea[name="body"]').value`); got != "" {
				t.Errorf("the reply box still holds %q after sending", got)
			}
			msgs, err := a.DB.Messages(t.Context(), tk.ID, false)
			if err != nil {
				t.Fatal(err)
			}
			if len(msgs) != 2 || len(msgs[1].Attachments) != 1 || msgs[1].Attachments[0].MimeType != "application/pdf" {
				t.Fatalf("stored messages = %+v, want the reply with one PDF", msgs)
			}
		})
	}
}

// TestLanguageSwitch switches to Spanish with the header's switch: the
// page is Spanish at once and stays so on the next page (a cookie), and
// switches back.
func TestLanguageSwitch(t *testing.T) {
	a := startApp(t)
	_, token := a.newTicket(t, "Language")
	b := openTab(t, a, true)
	b.open("/")
	if got := eval[string](b, `document.documentElement.lang`); got != "en" {
		t.Fatalf("<html lang> = %q on a first visit from an English browser, want en", got)
	}
	switchTo := func(want i18n.Lang) {
		t.Helper()
		if got := eval[string](b, `document.querySelector('[data-testid="lang-switch"]').getAttribute('lang')`); got != string(want) {
			t.Errorf("the switch is marked lang=%q, want %q (it names %s in %[2]s)", got, want, want.Name())
		}
		b.do("switch language", chromedp.Click(chromedp.CSS(`[data-testid="lang-switch"]`)))
		b.waitFor("<html lang="+string(want)+">", `document.readyState === 'complete' && document.documentElement.lang === `+js(string(want)))
	}

	switchTo(i18n.ES)
	if got, want := b.text("h1"), i18n.ES.T("form.title"); got != want {
		t.Errorf("heading = %q, want %q", got, want)
	}
	if got, want := b.text(`[data-testid="submit"]`), i18n.ES.T("form.submit"); got != want {
		t.Errorf("submit button = %q, want %q", got, want)
	}
	if got := b.path(); got != "/?lang=es" && got != "/" {
		t.Errorf("the switch went to %q, want the same page", got)
	}

	b.open("/track/" + token)
	if got := eval[string](b, `document.documentElement.lang`); got != "es" {
		t.Errorf("next page's <html lang> = %q, want es kept", got)
	}
	if got, want := b.text(`#thread-title`), i18n.ES.T("track.thread"); got != want {
		t.Errorf("next page's thread heading = %q, want %q", got, want)
	}
	if got, want := b.text(`[data-testid="status-steps"] [aria-current="step"]`), i18n.ES.T("status.open"); !strings.Contains(got, want) {
		t.Errorf("current step = %q, want it to contain %q", got, want)
	}

	switchTo(i18n.EN)
	if got := b.path(); !strings.HasPrefix(got, "/track/"+token) {
		t.Errorf("switching on the tracking page went to %q, want the same page", got)
	}
	b.open("/")
	if got, want := b.text("h1"), i18n.EN.T("form.title"); got != want {
		t.Errorf("after switching back the heading = %q, want %q", got, want)
	}

	// A browser set to Spanish gets Spanish without touching the switch.
	mx := openTab(t, a, true)
	if _, err := chromedp.Call(mx.ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
		Headers: network.Headers{"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"},
	}); err != nil {
		t.Fatal(err)
	}
	mx.open("/")
	if got := eval[string](mx, `document.documentElement.lang`); got != "es" {
		t.Errorf("<html lang> for Accept-Language es-MX = %q, want es", got)
	}
	if got, want := mx.text(`[data-testid="submit"]`), i18n.ES.T("form.submit"); got != want {
		t.Errorf("submit button for Accept-Language es-MX = %q, want %q", got, want)
	}
}

// TestResolution answers the resolved ticket's question both ways: "this
// solved it" closes the ticket, "still a problem" opens it again.
func TestResolution(t *testing.T) {
	for _, tc := range []struct {
		name, button string
		js           bool
		want         db.Status
	}{
		{"ConfirmResolved", "confirm-resolved", true, db.StatusClosed},
		{"StillAProblem", "reopen", true, db.StatusOpen},
		{"ConfirmResolvedWithoutScript", "confirm-resolved", false, db.StatusClosed},
		{"StillAProblemWithoutScript", "reopen", false, db.StatusOpen},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := startApp(t)
			tk, token := a.newTicket(t, "Refund for a cancelled tour")
			agent := a.agent(t)
			a.agentReply(t, agent, tk.ID, "We have refunded the second charge.")
			a.setStatus(t, agent, tk.ID, db.StatusResolved)

			b := openTab(t, a, tc.js)
			b.open("/track/" + token)
			if got := b.currentStep(); got != "resolved" {
				t.Fatalf("current step = %q, want resolved", got)
			}
			if b.count(`[data-testid="confirm-resolved"]`) != 1 || b.count(`[data-testid="reopen"]`) != 1 {
				t.Fatal("a resolved ticket's page must ask whether it is solved, with both buttons")
			}
			b.do("answer", chromedp.Click(chromedp.CSS(`[data-testid="`+tc.button+`"]`)))
			b.waitFor("the new status", `document.readyState === 'complete' && !document.querySelector('[data-testid="confirm-resolved"]') &&
				document.querySelector('[data-testid="status-steps"] [aria-current="step"]')`)
			if got := b.currentStep(); got != string(tc.want) {
				t.Errorf("current step = %q, want %q", got, tc.want)
			}
			sent := map[db.Status]string{db.StatusClosed: "track.sent.closed", db.StatusOpen: "track.sent.reopened"}[tc.want]
			if got, want := b.text(`[data-testid="track-sent"][role="status"]`), i18n.EN.T(sent); got != want {
				t.Errorf("confirmation = %q, want %q", got, want)
			}
			// Resolved straight from open: in progress never happened.
			if got, want := b.stepStates(), map[db.Status]string{db.StatusClosed: "done done skipped done current", db.StatusOpen: "done current todo todo todo"}[tc.want]; got != want {
				t.Errorf("steps = %q, want %q", got, want)
			}
			if closed := b.text(`[data-testid="track-closed"]`); tc.want == db.StatusClosed && !strings.Contains(closed, i18n.EN.T("track.closedText")) {
				t.Errorf("closing card = %q, want the thanks for confirming", closed)
			}
			if got := a.ticketByToken(t, token).Status; got != tc.want {
				t.Errorf("stored status = %q, want %q", got, tc.want)
			}
			replyForms := b.count(`[data-testid="reply-form"]`)
			if tc.want == db.StatusClosed && replyForms != 0 {
				t.Error("a closed ticket still offers the reply form")
			}
			if tc.want == db.StatusOpen && replyForms != 1 {
				t.Error("a reopened ticket does not offer the reply form")
			}
		})
	}
}

// currentStep is the status the step bar marks as current, by its
// data-status, and checks the states around it: before it, done or
// skipped (a state the ticket never went through), never to come; after
// it, to come.
func (b *tab) currentStep() string {
	b.t.Helper()
	current, seen := "", false
	for _, s := range b.steps() {
		switch {
		case s["current"] == "step":
			current, seen = s["status"], true
		case !seen && s["state"] != "done" && s["state"] != "skipped":
			b.t.Errorf("step %q before the current one is %q, want done or skipped", s["status"], s["state"])
		case seen && s["state"] != "todo":
			b.t.Errorf("step %q after the current one is %q, want todo", s["status"], s["state"])
		}
	}
	return current
}

// steps is the step bar as the page shows it: each step's status, state,
// aria-current, whether it shows a tick, and its label's rendered text.
func (b *tab) steps() []map[string]string {
	b.t.Helper()
	return eval[[]map[string]string](b, `Array.from(document.querySelectorAll('[data-testid="status-steps"] > li')).map(li => ({
		status: li.dataset.status || '', state: li.dataset.state || '', current: li.getAttribute('aria-current') || '',
		tick: li.querySelector('.step-dot svg') ? 'yes' : 'no', label: li.querySelector('.step-label').innerText.replace(/\s+/g, ' ').trim()}))`)
}

// stepStates is each step's state, in order, joined by spaces.
func (b *tab) stepStates() string {
	b.t.Helper()
	var states []string
	for _, s := range b.steps() {
		states = append(states, s["state"])
	}
	return strings.Join(states, " ")
}

// TestTrackClosedBySupport opens, in both languages, the page of a ticket
// support closed straight from open: the step bar ticks only what
// happened (received, open) and shows the two states it never went
// through as skipped, with the word on screen; the closing card says
// support closed it, without thanking the requester for something they
// never said, and links to a new request.
func TestTrackClosedBySupport(t *testing.T) {
	a := startApp(t)
	tk, token := a.newTicket(t, "Change of meeting point")
	a.setStatus(t, a.agent(t), tk.ID, db.StatusClosed)
	for _, lang := range i18n.Langs {
		t.Run(string(lang), func(t *testing.T) {
			b := openTab(t, a, false)
			b.open("/track/" + token + "?lang=" + string(lang))
			if got, want := b.stepStates(), "done done skipped skipped current"; got != want {
				t.Fatalf("steps = %q, want %q", got, want)
			}
			for _, s := range b.steps() {
				if s["state"] != "skipped" {
					continue
				}
				if want := lang.T("status."+s["status"]) + " " + lang.T("track.stepSkipped"); s["tick"] != "no" || !strings.EqualFold(s["label"], want) {
					t.Errorf("skipped step %s: tick %s, reads %q; want no tick and %q", s["status"], s["tick"], s["label"], want)
				}
			}
			got := b.text(`[data-testid="track-closed"]`)
			if want := lang.T("track.closedBySupport"); !strings.Contains(got, want) {
				t.Errorf("closing card = %q, want %q", got, want)
			}
			if thanks := lang.T("track.closedText"); strings.Contains(got, thanks) {
				t.Errorf("closing card thanks the requester (%q), who said nothing", thanks)
			}
			if b.count(`[data-testid="track-closed"] a[href="/"]`) != 1 {
				t.Error("the closing card does not link to a new request")
			}
		})
	}
}

// TestTrackReplyRefusedThenReloaded sends an empty reply without a
// script: the refusal shows at the form's address, and reloading that
// address (as a person does after a refusal, or coming back to it) lands
// on the tracking page's reply form, not on a 405.
func TestTrackReplyRefusedThenReloaded(t *testing.T) {
	a := startApp(t)
	_, token := a.newTicket(t, "Refund for a cancelled tour")
	b := openTab(t, a, false)
	b.open("/track/" + token)
	b.do("send an empty reply", chromedp.Click(chromedp.CSS(`[data-testid="reply-submit"]`)))
	b.waitFor("the refusal", `document.readyState === 'complete' && document.querySelector('[data-testid="error-summary"]')`)
	if got, want := b.path(), "/track/"+token+"/reply"; got != want {
		t.Fatalf("the refusal is at %q, want %q", got, want)
	}
	if got := b.open(b.path()); got != 200 {
		t.Fatalf("reloading the refused reply's address = %d, want 200", got)
	}
	if got, want := b.path(), "/track/"+token+"#reply"; got != want {
		t.Errorf("reloading landed on %q, want %q", got, want)
	}
	if b.count(`[data-testid="reply-form"]`) != 1 {
		t.Error("no reply form after reloading")
	}
}

// TestRequesterPagesAccessible runs axe-core on every requester page in
// both languages (the form blank and with errors, the tracking page with
// a conversation and files, resolved and closed, the 404 page), requiring
// no violations, and takes each page's screenshots at phone and desktop
// widths.
func TestRequesterPagesAccessible(t *testing.T) {
	for _, lang := range i18n.Langs {
		t.Run(string(lang), func(t *testing.T) {
			a := startApp(t)
			agent := a.agent(t)
			picture := testPNG(t)
			tk, token := a.newTicket(t, "Charged twice for the Xochimilco tour",
				a.storedFile(t, "receipt.png", picture), a.storedFile(t, "booking-confirmation.pdf", []byte(testPDF)))
			a.agentReply(t, agent, tk.ID, "Hi Ana, thanks for the receipt. Could you send the bank statement too?",
				a.storedFile(t, "refund-policy.txt", []byte("Refunds are made within 5 working days.\n")))
			if _, err := a.DB.AddMessage(t.Context(), tk.ID, db.NewMessage{Body: "Here it is.",
				Attachments: []db.NewAttachment{a.storedFile(t, "statement.png", picture)}},
				db.Actor{Type: "requester", Name: tk.FullName}, 20); err != nil {
				t.Fatal(err)
			}
			resolved, resolvedToken := a.newTicket(t, "Guide did not show up")
			a.agentReply(t, agent, resolved.ID, "We have refunded the tour in full.")
			a.setStatus(t, agent, resolved.ID, db.StatusResolved)
			closed, closedToken := a.newTicket(t, "Change of meeting point")
			a.setStatus(t, agent, closed.ID, db.StatusClosed)

			b := openTab(t, a, true)
			b.open("/?lang=" + string(lang)) // the switch's link: sets the language cookie
			check := func(page string, wantStatus int64, path string) {
				t.Helper()
				if path != "" {
					if got := b.open(path); got != wantStatus {
						t.Errorf("GET %s = %d, want %d", path, got, wantStatus)
					}
				}
				if got := eval[string](b, `document.documentElement.lang`); got != string(lang) {
					t.Errorf("%s: <html lang> = %q, want %q", page, got, lang)
				}
				name := fmt.Sprintf("requester-%s-%s", page, lang)
				b.checkAxe(name)
				b.screenshots(name)
			}

			check("form", 200, "/")
			b.do("send the form empty", chromedp.Click(chromedp.CSS(`[data-testid="submit"]`)))
			b.waitFor("the error summary", `document.querySelector('[data-testid="error-summary"]')`)
			if got := b.count(`[data-testid="error-summary"] li`); got != 6 {
				t.Errorf("an empty form lists %d errors, want 6 (role, name, email, topic, subject, message)", got)
			}
			check("form-errors", 0, "")
			check("track", 200, "/track/"+token)
			if got := b.count(`[data-testid="thread"] [data-testid="message"]`); got != 3 {
				t.Errorf("thread shows %d messages, want 3", got)
			}
			if got := b.count(`[data-testid="thread"] a[href*="/files/"]`); got != 4 {
				t.Errorf("thread shows %d files, want 4", got)
			}
			check("track-sent", 200, "/track/"+token+"?sent=reply")
			if got, want := b.text(`[data-testid="track-sent"]`), lang.T("track.sent.reply"); got != want {
				t.Errorf("confirmation = %q, want %q", got, want)
			}
			check("track-resolved", 200, "/track/"+resolvedToken)
			check("track-closed", 200, "/track/"+closedToken)
			check("not-found", 404, "/no-such-page")
			if got, want := b.text("h1"), lang.T("error.404.title"); got != want {
				t.Errorf("404 heading = %q, want %q", got, want)
			}
			check("track-unknown", 404, "/track/"+db.TicketTokenPrefix+"unknown")
		})
	}
}

// TestKeyboard walks into the support form with the keyboard alone: the
// first Tab shows the skip link, Enter skips to the main content, the next
// Tab reaches the role radios, the arrow keys choose a role, and the
// custom-styled controls show where focus is.
func TestKeyboard(t *testing.T) {
	a := startApp(t)
	b := openTab(t, a, true)
	b.open("/")
	press := func(key string) {
		t.Helper()
		b.do("press "+js(key), chromedp.KeyEvent(key))
	}
	active := func() string {
		t.Helper()
		return eval[string](b, `(() => { const e = document.activeElement;
			return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.getAttribute('href') ? '[href=' + e.getAttribute('href') + ']' : ''); })()`)
	}

	press(kb.Tab)
	if got := active(); got != "a[href=#main]" {
		t.Fatalf("first Tab focuses %q, want the skip link", got)
	}
	if w := eval[float64](b, `document.activeElement.getBoundingClientRect().width`); w < 20 {
		t.Errorf("the focused skip link is %v px wide: it must show when focused", w)
	}
	press(kb.Enter)
	b.waitFor("the skip to the main content", `location.hash === '#main' && document.activeElement.id === 'main'`)

	press(kb.Tab)
	if got := active(); got != "input#roleContext" {
		t.Fatalf("Tab after skipping focuses %q, want the first role radio", got)
	}
	press(kb.ArrowRight)
	if got := eval[string](b, `(document.querySelector('input[name="roleContext"]:checked') || {}).value || ''`); got != "guide" {
		t.Errorf("after the right arrow the chosen role is %q, want guide", got)
	}
	if got := active(); got != "input#roleContext-guide" {
		t.Errorf("after the right arrow focus is on %q, want the guide radio", got)
	}
	// The radios and the file input are styled through their labels, so
	// the labels must show where keyboard focus is.
	if got := outline(b, `label[for="roleContext-guide"]`); got == "none" {
		t.Error("the focused role's card shows no focus outline")
	}
	b.do("focus the message", chromedp.Focus(chromedp.ID("message")))
	press(kb.Tab)
	if got := active(); got != "input#attachments" {
		t.Fatalf("Tab after the message focuses %q, want the file input", got)
	}
	if got := outline(b, `label[for="attachments"]:not(.label)`); got == "none" {
		t.Error(`the focused file input's "choose files" button shows no focus outline`)
	}
}

// outline is the computed outline style of the first element matching the
// CSS selector: "none" when it shows no outline.
func outline(b *tab, selector string) string {
	b.t.Helper()
	return eval[string](b, `(() => { const e = document.querySelector(`+js(selector)+`);
		if (!e) return 'missing';
		const s = getComputedStyle(e);
		return s.outlineStyle === 'none' || parseFloat(s.outlineWidth) === 0 ? 'none' : s.outlineStyle + ' ' + s.outlineWidth; })()`)
}

// reflowWidth is the narrowest viewport WCAG 2.1's Reflow criterion
// (1.4.10, level AA) requires a page to work at without sideways
// scrolling: 320 CSS pixels, a small phone.
const reflowWidth = 320

// stepLabelClashJS lists the step bar's labels whose words touch (less
// than 2 px apart, in either direction: the bar is a row on wide screens
// and a column on phones) the next label's, or stick out of the bar: the
// visible text only, measured with a Range, as the grid cells themselves
// never overlap.
const stepLabelClashJS = `(() => {
  const bar = document.querySelector('[data-testid="status-steps"]').getBoundingClientRect();
  const boxes = Array.from(document.querySelectorAll('[data-testid="status-steps"] > li')).map(li => {
    const label = li.querySelector('.step-label') || li;
    const text = Array.from(label.childNodes).find(n => n.nodeType === 3 && n.textContent.trim());
    const range = document.createRange();
    if (text) {
      // The words alone, without the spaces around them.
      const start = text.textContent.search(/\S/), end = text.textContent.trimEnd().length;
      range.setStart(text, start);
      range.setEnd(text, end);
    } else {
      range.selectNodeContents(label);
    }
    const r = range.getBoundingClientRect();
    return {name: (text || label).textContent.trim(), left: r.left, right: r.right, top: r.top, bottom: r.bottom};
  });
  const out = [];
  boxes.forEach((b, i) => {
    if (b.left < bar.left - 1 || b.right > bar.right + 1) out.push(b.name + ' sticks out of the bar');
    const next = boxes[i + 1];
    if (!next) return;
    const gap = Math.max(next.left - b.right, next.top - b.bottom);
    if (gap < 2) out.push(b.name + ' / ' + next.name + ' (' + Math.round(gap) + ' px apart)');
  });
  return out;
})()`

// TestReflow opens each requester page at 320 CSS pixels in both
// languages: nothing may stick out past the right edge, and the step
// bar's labels must stay apart and readable.
func TestReflow(t *testing.T) {
	a := startApp(t)
	agent := a.agent(t)
	tk, token := a.newTicket(t, "Charged twice for the Xochimilco tour", a.storedFile(t, "receipt.png", testPNG(t)))
	a.agentReply(t, agent, tk.ID, "Could you send the bank statement too?")
	a.setStatus(t, agent, tk.ID, db.StatusResolved)
	for _, lang := range i18n.Langs {
		t.Run(string(lang), func(t *testing.T) {
			b := openTab(t, a, true)
			b.open("/?lang=" + string(lang))
			b.viewport(reflowWidth)
			for _, page := range []struct{ name, path string }{
				{"the support form", "/"}, {"the tracking page", "/track/" + token}, {"the 404 page", "/no-such-page"},
			} {
				b.open(page.path)
				if over := eval[[]string](b, overflowJS); len(over) > 0 {
					t.Errorf("%s at %d px scrolls sideways; elements past the edge: %v", page.name, reflowWidth, over)
				}
			}
			b.open("/track/" + token)
			if clashes := eval[[]string](b, stepLabelClashJS); len(clashes) > 0 {
				t.Errorf("step bar at %d px: labels run into each other or out of the bar: %v", reflowWidth, clashes)
			}
		})
	}
}
