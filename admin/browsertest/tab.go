package browsertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Tab is one browser tab working for one test. It has its own cookies and storage (a browser
// context of its own), so two tabs are two people signed in at once; each action is bounded by
// the tab's timeout; when the test ends the tab saves a screenshot ("end", or "failed" with the
// page's HTML and the browser console beside it) and closes.
//
// Its helpers fail the test (t.Fatal) when an action fails or times out, saying what they were
// doing and on which page: call them from the test's own goroutine. Selectors are CSS.
//
// When the test ends, a Content-Security-Policy violation or an uncaught script exception seen in
// the tab's console fails it: the UI forbids inline script and style, and its scripts must not
// throw.
type Tab struct {
	b       *Browser
	t       testing.TB
	ctx     context.Context // the tab's chromedp context, alive until the test ends
	base    *url.URL
	timeout time.Duration
	dir     string // the test's artifacts
	console bool   // check the console when the test ends

	mu       sync.Mutex
	messages []chromedp.ConsoleMessage
	changed  chan struct{} // closed and replaced when a message arrives
}

// TabOption changes a tab made by NewTab.
type TabOption func(*Tab)

// WithTimeout bounds each action of the tab by d instead of DefaultTimeout.
func WithTimeout(d time.Duration) TabOption { return func(tab *Tab) { tab.timeout = d } }

// WithoutConsoleCheck keeps a CSP violation or an exception in the console from failing the
// test (for a test that provokes one on purpose).
func WithoutConsoleCheck() TabOption { return func(tab *Tab) { tab.console = false } }

// NewTab opens a tab for t on the site at baseURL (paths given to the helpers are relative to
// it), with cookies of its own, and closes it when t ends.
func (b *Browser) NewTab(t testing.TB, baseURL string, opts ...TabOption) *Tab {
	t.Helper()
	base, err := url.Parse(baseURL)
	if err != nil || base.Scheme == "" || base.Host == "" {
		t.Fatalf("browsertest: base URL %q: want scheme://host[:port] (%v)", baseURL, err)
	}
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	tab := &Tab{b: b, t: t, ctx: ctx, base: base, timeout: DefaultTimeout, console: true,
		dir: artifactDir(b.artifacts, t.Name()), changed: make(chan struct{})}
	for _, o := range opts {
		o(tab)
	}
	t.Cleanup(cancel)
	// The first run opens the tab, bound to ctx (which has no timeout, so that the tab lives on).
	opened := make(chan error, 1)
	go func() { opened <- chromedp.Do(ctx) }()
	select {
	case err := <-opened:
		if err != nil {
			t.Fatalf("browsertest: opening a tab: %v", err)
		}
	case <-time.After(tab.timeout):
		t.Fatalf("browsertest: no tab within %v", tab.timeout)
	}
	messages := chromedp.Console(ctx) // subscribed now: no message of the first page is lost
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			tab.mu.Lock()
			tab.messages = append(tab.messages, m)
			close(tab.changed)
			tab.changed = make(chan struct{})
			tab.mu.Unlock()
		}
	}()
	t.Cleanup(tab.finish) // runs before cancel: the tab is still open
	return tab
}

// Context is the tab's chromedp context, for actions the helpers do not cover; bound them with
// Run (or a context.WithTimeout of it), never use it in another goroutine at the same time.
func (tab *Tab) Context() context.Context { return tab.ctx }

// URL resolves path (e.g. "/orders?state=held") against the tab's base URL.
func (tab *Tab) URL(path string) string {
	ref, err := url.Parse(path)
	if err != nil {
		tab.t.Fatalf("browsertest: path %q: %v", path, err)
	}
	return tab.base.ResolveReference(ref).String()
}

// Run runs a chromedp action in tab within the tab's timeout and returns its value; it fails the
// test, saying what was being done, when the action fails.
func Run[T any](tab *Tab, what string, action chromedp.Action[T]) T {
	tab.t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, tab.timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, action)
	if err != nil {
		tab.t.Fatalf("browser: %s: %v (page %s)", what, err, tab.location())
	}
	return v
}

// Eval evaluates a JavaScript expression in the page (awaiting it when it is a promise) and
// returns its value decoded into T.
func Eval[T any](tab *Tab, expr string) T {
	tab.t.Helper()
	return Run(tab, "evaluate "+expr, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
}

// do runs steps that return nothing, as Run.
func (tab *Tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	tab.t.Helper()
	Run(tab, what, chromedp.Steps(steps...))
}

// location is the page's address, for error messages ("" when the tab does not answer).
func (tab *Tab) location() string {
	ctx, cancel := context.WithTimeout(tab.ctx, 5*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "unknown: " + err.Error()
	}
	return loc
}

// Visit loads path and returns the HTTP status of the page it ends on (after redirects).
func (tab *Tab) Visit(path string) int {
	tab.t.Helper()
	resp := Run(tab, "visit "+path, chromedp.NavigateResponse(tab.URL(path)))
	return int(resp.Status)
}

// Path returns the page's path and query (e.g. "/login?next=%2Forders").
func (tab *Tab) Path() string {
	tab.t.Helper()
	return Eval[string](tab, `location.pathname + location.search`)
}

// Fill types value into the field sel, replacing what it held, as a person would (key events,
// so a page's input handlers run).
func (tab *Tab) Fill(sel, value string) {
	tab.t.Helper()
	tab.do(fmt.Sprintf("fill %s", sel),
		chromedp.WaitVisible(chromedp.CSS(sel)),
		chromedp.Clear(chromedp.CSS(sel)),
		// Focus and type rather than chromedp.SendKeys, which reads the node's attributes
		// without its lock while the change Clear made arrives as a DOM event (a data race the
		// race detector caught in CI).
		chromedp.Focus(chromedp.CSS(sel)),
		chromedp.KeyEvent(value))
}

// Click clicks the element sel, once it is visible. For a click that loads another page, use
// ClickNavigate: waiting on the old page while the new one loads fails.
func (tab *Tab) Click(sel string) {
	tab.t.Helper()
	tab.do("click "+sel, chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.Click(chromedp.CSS(sel)))
}

// ClickNavigate clicks sel (a link, a form's button), waits for the page it loads, and returns
// that page's HTTP status (after redirects: a form that answers 303 gives the status of the page
// it redirects to).
func (tab *Tab) ClickNavigate(sel string) int {
	tab.t.Helper()
	tab.do("wait for "+sel, chromedp.WaitVisible(chromedp.CSS(sel)))
	ctx, cancel := context.WithTimeout(tab.ctx, tab.timeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		tab.t.Fatalf("browser: click %s and wait for the next page: %v (page %s)", sel, err, tab.location())
	}
	return int(resp.Status)
}

// WaitVisible waits until the element sel is on the page and visible.
func (tab *Tab) WaitVisible(sel string) {
	tab.t.Helper()
	tab.do("wait until visible: "+sel, chromedp.WaitVisible(chromedp.CSS(sel)))
}

// WaitGone waits until no element matches sel.
func (tab *Tab) WaitGone(sel string) {
	tab.t.Helper()
	tab.do("wait until gone: "+sel, chromedp.WaitNotPresent(chromedp.CSS(sel)))
}

// Text returns the visible text of the element sel, trimmed, once it is visible.
func (tab *Tab) Text(sel string) string {
	tab.t.Helper()
	tab.WaitVisible(sel)
	return strings.TrimSpace(Run(tab, "text of "+sel, chromedp.Text(chromedp.CSS(sel))))
}

// Count returns how many elements match sel now (it does not wait).
func (tab *Tab) Count(sel string) int {
	tab.t.Helper()
	return Eval[int](tab, fmt.Sprintf(`document.querySelectorAll(%s).length`, jsString(sel)))
}

// WaitText waits until the text of the element sel contains text (a page's script may change it
// after the page loads: a live preview, a progress bar) and returns the element's whole text.
func (tab *Tab) WaitText(sel, text string) string {
	tab.t.Helper()
	cond := fmt.Sprintf(`(() => { const el = document.querySelector(%s); return el !== null && el.textContent.includes(%s); })()`,
		jsString(sel), jsString(text))
	if err := tab.waitJS(cond); err != nil {
		got := Eval[string](tab, fmt.Sprintf(`(() => { const el = document.querySelector(%s); return el === null ? "(no such element)" : el.textContent; })()`, jsString(sel)))
		tab.t.Fatalf("browser: wait for %q in %s: %v; it holds %q (page %s)", text, sel, err, strings.TrimSpace(got), tab.location())
	}
	return strings.TrimSpace(Eval[string](tab, fmt.Sprintf(`document.querySelector(%s).textContent`, jsString(sel))))
}

// WaitJS waits until the JavaScript expression cond is true in the page. It is checked at once
// and again after each change of the page's DOM, so it waits on the page, not on a clock.
func (tab *Tab) WaitJS(cond string) {
	tab.t.Helper()
	if err := tab.waitJS(cond); err != nil {
		tab.t.Fatalf("browser: wait for %s: %v (page %s)", cond, err, tab.location())
	}
}

// waitJS evaluates a promise that settles when cond holds, re-checking it on every DOM mutation.
// A page that is replaced meanwhile (a navigation destroys the promise) is waited on again, until
// the timeout.
func (tab *Tab) waitJS(cond string) error {
	expr := fmt.Sprintf(`new Promise((resolve) => {
  const check = () => { try { return Boolean(%s); } catch (e) { return false; } };
  if (check()) { resolve(true); return; }
  const observer = new MutationObserver(() => {
    if (check()) { observer.disconnect(); resolve(true); }
  });
  observer.observe(document, {childList: true, subtree: true, attributes: true, characterData: true});
})`, cond)
	ctx, cancel := context.WithTimeout(tab.ctx, tab.timeout)
	defer cancel()
	for attempt := 1; ; attempt++ {
		_, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](expr, chromedp.EvalAwaitPromise))
		if err == nil {
			return nil
		}
		var exc *chromedp.ExceptionError
		if ctx.Err() != nil || errors.As(err, &exc) || attempt == maxPageChanges {
			return err
		}
		// The document went away under the promise (a navigation): wait for the next one to be
		// ready, then check again.
		if _, err := chromedp.Run(ctx, chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
			return err
		}
	}
}

// maxPageChanges bounds how many times a wait starts again on a new page.
const maxPageChanges = 20

// Response is what Fetch got.
type Response struct {
	Status int    `json:"status"`
	Body   string `json:"body"`
}

// JSON decodes the body into v, failing the test when it is not JSON.
func (r Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.Body), v); err != nil {
		t.Fatalf("browser: response %d is not JSON: %v\n%s", r.Status, err, r.Body)
	}
}

// Fetch sends a request from the page with fetch(), as the page's own script would: same-origin,
// with the tab's cookies (its session) and the browser's Origin and Sec-Fetch-* headers. path may
// be another origin's URL. body, when not empty, is sent as is with the given content type.
func (tab *Tab) Fetch(method, path, contentType, body string) Response {
	tab.t.Helper()
	init := map[string]any{"method": method, "credentials": "same-origin", "redirect": "manual"}
	if body != "" {
		init["body"] = body
		init["headers"] = map[string]string{"Content-Type": contentType}
	}
	initJSON, err := json.Marshal(init)
	if err != nil {
		tab.t.Fatal(err)
	}
	expr := fmt.Sprintf(`fetch(%s, %s).then(async (r) => ({status: r.status, body: await r.text()}))`,
		jsString(tab.URL(path)), initJSON)
	return Run(tab, fmt.Sprintf("fetch %s %s", method, path), chromedp.Evaluate[Response](expr, chromedp.EvalAwaitPromise))
}

// Console returns the browser console's messages so far (console calls, exceptions, and the
// browser's own log: CSP violations, failed loads).
func (tab *Tab) Console() []chromedp.ConsoleMessage {
	tab.mu.Lock()
	defer tab.mu.Unlock()
	return append([]chromedp.ConsoleMessage(nil), tab.messages...)
}

// WaitConsole waits for a console message whose text contains text and returns it.
func (tab *Tab) WaitConsole(text string) chromedp.ConsoleMessage {
	tab.t.Helper()
	timeout := time.After(tab.timeout)
	seen := 0
	for {
		tab.mu.Lock()
		messages, changed := tab.messages[seen:], tab.changed
		seen = len(tab.messages)
		tab.mu.Unlock()
		for _, m := range messages {
			if strings.Contains(m.Text, text) {
				return m
			}
		}
		select {
		case <-changed:
		case <-timeout:
			tab.t.Fatalf("browser: no console message with %q within %v; the console has:\n%s", text, tab.timeout, formatConsole(tab.Console()))
		}
	}
}

// consoleProblems are the messages that fail a test: CSP violations and uncaught exceptions.
func consoleProblems(messages []chromedp.ConsoleMessage) []chromedp.ConsoleMessage {
	var out []chromedp.ConsoleMessage
	for _, m := range messages {
		if m.IsException() || strings.Contains(m.Text, "Content Security Policy") {
			out = append(out, m)
		}
	}
	return out
}

func formatConsole(messages []chromedp.ConsoleMessage) string {
	var b strings.Builder
	for _, m := range messages {
		fmt.Fprintf(&b, "%s %s: %s", m.Time.Format(time.RFC3339Nano), m.Type, m.Text)
		if m.URL != "" {
			fmt.Fprintf(&b, " (%s:%d)", m.URL, m.Line+1)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// Login signs in through the login form as email and fails the test unless it lands on a
// signed-in page (the form's redirect to "/", status 200, a sign-out button). Call it on a tab
// that is signed out.
func (tab *Tab) Login(email, password string) {
	tab.t.Helper()
	if status := tab.SubmitLogin(email, password); status != 200 || tab.Count(LogoutButton) == 0 {
		tab.t.Fatalf("browser: sign in as %s: status %d on %s, want a signed-in page; it says %q", email, status, tab.Path(), tab.mainText())
	}
}

// SubmitLogin fills and sends the login form (/login) and returns the status of the page that
// answers (after the redirect of a success).
func (tab *Tab) SubmitLogin(email, password string) int {
	tab.t.Helper()
	if status := tab.Visit("/login"); status != 200 {
		tab.t.Fatalf("browser: /login answered %d", status)
	}
	tab.Fill(LoginEmail, email)
	tab.Fill(LoginPassword, password)
	return tab.ClickNavigate(LoginSubmit)
}

// Logout signs out with the layout's button and fails the test unless it lands on the login page.
func (tab *Tab) Logout() {
	tab.t.Helper()
	if status := tab.ClickNavigate(LogoutButton); status != 200 || !strings.HasPrefix(tab.Path(), "/login") {
		tab.t.Fatalf("browser: sign out: status %d on %s, want the login page", status, tab.Path())
	}
}

// mainText is the page's main text, for error messages.
func (tab *Tab) mainText() string {
	ctx, cancel := context.WithTimeout(tab.ctx, 5*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector("main") || document.body).innerText`))
	if err != nil {
		return "(unreadable: " + err.Error() + ")"
	}
	return strings.Join(strings.Fields(s), " ")
}

// Selectors of the layout and the login page that every flow uses.
const (
	LoginEmail    = `#email`
	LoginPassword = `#password`
	LoginSubmit   = `form[action="/login"] button[type="submit"]`
	LoginError    = `#login-error`
	LogoutButton  = `form[action="/logout"] button[type="submit"]`
	// LanguageButton formats with a language code ("es", "en").
	LanguageButton = `form[action="/language"] button[name="lang"][value="%s"]`
)

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s) // a string always marshals
	return string(b)
}
