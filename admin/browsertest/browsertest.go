// Package browsertest drives a real browser, Debian's headless Chromium through chromedp, for the
// web UI's end-to-end tests: a test starts one browser (Start), opens a tab per subtest (NewTab:
// its own cookies, actions with a timeout, a screenshot when the subtest ends) and works it with
// a few helpers (Visit, Login, Fill, Click, ClickNavigate, WaitText, WaitJS, Fetch, Screenshot).
//
// Chromium is found on PATH (chromium, chromium-browser, google-chrome) or at
// CONNECTOR_TEST_CHROMIUM. Without it the tests skip, saying so; with
// CONNECTOR_TEST_BROWSER_REQUIRED=1 (CI sets it, and installs chromium) they fail instead, so a
// green CI proves the browser tests ran.
//
// Screenshots and, when a test fails, the page's HTML and the browser console go to
// CONNECTOR_TEST_ARTIFACTS/<test name>/ when that is set, else to a temporary directory removed
// after the test (its path is logged).
//
// Every wait waits on the page (an element, a text, a navigation, a DOM mutation), bounded by the
// tab's timeout: none sleeps and hopes.
//
// A test, on any server that serves the UI (the whole connector in cmd/connector's TestBrowser,
// which says how to add a page's flow there, or an admin.UI on an httptest server):
//
//	b := browsertest.Start(t) // before the server: skips fast without Chromium
//	tab := b.NewTab(t, srv.URL)
//	tab.Login("admin@example.com", password)
//	tab.Visit("/rules?shop=1")
//	tab.Fill(`[data-testid="rule-markup"]`, "25")
//	tab.WaitText(`[data-testid="preview-price"]`, "125.00")
//	if status := tab.ClickNavigate(`[data-testid="rules-save"]`); status != http.StatusOK { ... }
//
// Tabs opened in parallel subtests work at the same time in the one browser.
package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Environment variables read by this package (tests only; the service reads env in main).
const (
	// EnvRequired set to 1 (or true) turns a missing Chromium into a failure instead of a skip.
	EnvRequired = "CONNECTOR_TEST_BROWSER_REQUIRED"
	// EnvChromium names the browser to run (a path or a name on PATH) instead of the search.
	EnvChromium = "CONNECTOR_TEST_CHROMIUM"
	// EnvArtifacts is the directory the screenshots are kept in.
	EnvArtifacts = "CONNECTOR_TEST_ARTIFACTS"
)

// DefaultTimeout bounds each action of a tab (a navigation, a wait) unless NewTab is given
// another: generous, because CI runs the whole suite on two loaded cores.
const DefaultTimeout = 30 * time.Second

// chromiumNames are the programs tried on PATH, Debian's first.
var chromiumNames = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// Required reports whether CONNECTOR_TEST_BROWSER_REQUIRED asks for the browser tests to run.
func Required() bool {
	v := strings.TrimSpace(os.Getenv(EnvRequired))
	return v == "1" || strings.EqualFold(v, "true")
}

// FindChromium returns the browser to run: CONNECTOR_TEST_CHROMIUM when set, else the first of
// chromium, chromium-browser, google-chrome and google-chrome-stable on PATH.
func FindChromium() (string, error) {
	if name := strings.TrimSpace(os.Getenv(EnvChromium)); name != "" {
		path, err := exec.LookPath(name)
		if err != nil {
			return "", fmt.Errorf("browsertest: %s=%s: %w", EnvChromium, name, err)
		}
		return path, nil
	}
	for _, name := range chromiumNames {
		if path, err := exec.LookPath(name); err == nil {
			return path, nil
		}
	}
	return "", fmt.Errorf("browsertest: no Chromium on PATH (tried %s)", strings.Join(chromiumNames, ", "))
}

// Require skips t when no Chromium is installed, or fails it when CONNECTOR_TEST_BROWSER_REQUIRED
// asks for the browser tests or CONNECTOR_TEST_CHROMIUM names a browser that is not there, and
// returns the browser's path. Call it before expensive set-up
// (a server to test) so that a machine without a browser skips fast.
func Require(t testing.TB) string {
	t.Helper()
	path, err := FindChromium()
	if err == nil {
		return path
	}
	if os.Getenv(EnvChromium) != "" {
		// A browser was named and is not there: someone asked for these tests.
		t.Fatal(err)
	}
	if Required() {
		t.Fatalf("%v, and %s=1 asks for the browser tests: install it (apt-get install chromium)", err, EnvRequired)
	}
	t.Skipf("%v: browser tests skipped (apt-get install chromium to run them; CI runs them)", err)
	return ""
}

// Browser is one headless Chromium, shared by a test and its subtests; each subtest works in a
// tab of its own (NewTab).
type Browser struct {
	ctx       context.Context // the browser's chromedp context; tabs are its children
	artifacts string

	mu    sync.Mutex
	files map[string]int // artifacts directory → files numbered so far
}

// Start starts headless Chromium for t (skipping or failing as Require does when there is none)
// and stops it when t ends. Its profile is a fresh directory; it makes no connection but the ones
// a page asks for (no background networking, component updates, sync or QUIC: the machines
// running the tests have no network beyond loopback).
func Start(t testing.TB) *Browser {
	t.Helper()
	path := Require(t)
	artifacts := artifactsRoot(t)
	profile := t.TempDir()
	dir := filepath.Join(artifacts, testDir(t.Name()))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("browsertest: %v", err)
	}
	// The browser's own output (its warnings, a crash) is kept beside the screenshots.
	output, err := os.Create(filepath.Join(dir, "chromium.log"))
	if err != nil {
		t.Fatalf("browsertest: %v", err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(profile),
		chromedp.NoSandbox, // the tests run as root in CI
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("lang", "en-US"),
		chromedp.Flag("accept-lang", "en-US,en"),
		chromedp.WindowSize(1280, 900),
		chromedp.CombinedOutput(output),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx, chromedp.WithErrorf(func(format string, args ...any) {
		t.Logf("chromedp: "+format, args...)
	}))
	// Cleanups run last first: the browser stops (and its process is waited for) before the
	// profile directory is removed.
	t.Cleanup(func() {
		cancel()
		cancelAlloc() // waits for the process and the copy of its output
		if err := output.Close(); err != nil {
			t.Errorf("browsertest: %v", err)
		}
	})
	// The first run starts the browser, bound to ctx (no timeout here: a timeout would end the
	// browser with it).
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err := <-started:
		if err != nil {
			t.Fatalf("browsertest: starting %s: %v", path, err)
		}
	case <-time.After(DefaultTimeout):
		t.Fatalf("browsertest: %s did not start within %v", path, DefaultTimeout)
	}
	return &Browser{ctx: ctx, artifacts: artifacts}
}

// artifactsRoot is where screenshots go: CONNECTOR_TEST_ARTIFACTS, else a temporary directory.
func artifactsRoot(t testing.TB) string {
	t.Helper()
	if dir := strings.TrimSpace(os.Getenv(EnvArtifacts)); dir != "" {
		abs, err := filepath.Abs(dir)
		if err != nil {
			t.Fatalf("browsertest: %s: %v", EnvArtifacts, err)
		}
		return abs
	}
	dir := t.TempDir()
	t.Logf("browsertest: screenshots in %s, removed after the test (set %s=DIR to keep them)", dir, EnvArtifacts)
	return dir
}
