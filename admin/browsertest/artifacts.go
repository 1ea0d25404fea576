package browsertest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
)

// testDir turns a test's name ("TestBrowser/support sees no write controls") into a relative
// directory, a level per subtest.
func testDir(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = fileName(p)
	}
	return filepath.Join(parts...)
}

// fileName keeps letters, digits, dots, dashes and underscores of s, and makes anything else an
// underscore (a slash too).
func fileName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			return r
		}
		return '_'
	}, s)
	if s == "" || s == "." || s == ".." {
		return "_"
	}
	return s
}

// artifactDir is the directory of test name's artifacts under root.
func artifactDir(root, name string) string { return filepath.Join(root, testDir(name)) }

// Screenshot saves a PNG of the whole page as NN-label.png in the test's artifacts (NN counts
// the test's files, over all its tabs) and returns its path. Tabs take one when their test ends; take more at the steps worth seeing.
func (tab *Tab) Screenshot(label string) string {
	tab.t.Helper()
	path, err := tab.screenshot(label)
	if err != nil {
		tab.t.Fatalf("browser: screenshot %s: %v", label, err)
	}
	return path
}

func (tab *Tab) screenshot(label string) (string, error) {
	ctx, cancel := context.WithTimeout(tab.ctx, tab.timeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		return "", err
	}
	return tab.saveArtifact(label, ".png", png)
}

// saveArtifact writes data as NN-label.EXT in the test's artifacts directory.
func (tab *Tab) saveArtifact(label, ext string, data []byte) (string, error) {
	if err := os.MkdirAll(tab.dir, 0o755); err != nil {
		return "", err
	}
	n := tab.b.nextArtifact(tab.dir)
	path := filepath.Join(tab.dir, fmt.Sprintf("%02d-%s%s", n, fileName(label), ext))
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return "", err
	}
	return path, nil
}

// finish ends the tab's test: a screenshot of where it ended ("failed" with the page's HTML and
// the console when it failed), and the console check.
func (tab *Tab) finish() {
	t := tab.t
	label := "end"
	if t.Failed() {
		label = "failed"
	}
	if path, err := tab.screenshot(label); err != nil {
		t.Logf("browser: final screenshot: %v", err)
	} else if t.Failed() {
		t.Logf("browser: the page when the test failed: %s", path)
	}
	if t.Failed() {
		ctx, cancel := context.WithTimeout(tab.ctx, 10*time.Second)
		html, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.outerHTML`))
		cancel()
		if err == nil {
			if _, err := tab.saveArtifact("failed-page", ".html", []byte(html)); err != nil {
				t.Logf("browser: saving the page: %v", err)
			}
		}
		if _, err := tab.saveArtifact("failed-console", ".txt", []byte(formatConsole(tab.Console()))); err != nil {
			t.Logf("browser: saving the console: %v", err)
		}
	}
	if tab.console {
		if problems := consoleProblems(tab.Console()); len(problems) > 0 {
			t.Errorf("browser console (a CSP violation or an uncaught exception):\n%s", formatConsole(problems))
		}
	}
}

// nextArtifact numbers the files of the artifacts directory dir: 1, 2, ...
func (b *Browser) nextArtifact(dir string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.files == nil {
		b.files = map[string]int{}
	}
	b.files[dir]++
	return b.files[dir]
}
