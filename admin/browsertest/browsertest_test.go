package browsertest

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/chromedp/chromedp"
)

// site is a small site for the helpers to work on: a page whose script changes it after a click
// (from a fetch), a form answered with a redirect, a page under a CSP that breaks it, an echo.
func site() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><html lang="en"><head><title>Home</title><script src="/app.js" defer></script></head>
<body><main><h1 id="title">Hello</h1><button id="go" type="button">Go</button><p id="out">waiting</p>
<form method="post" action="/submit"><label for="name">Name</label><input id="name" name="name"><button id="send" type="submit">Send</button></form>
<a id="gone" href="/nowhere">nowhere</a></main></body></html>`)
	})
	mux.HandleFunc("GET /app.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprint(w, `document.getElementById('go').addEventListener('click', async () => {
  const r = await fetch('/echo', {method: 'POST', body: 'from the page'});
  document.getElementById('out').textContent = 'done: ' + await r.text();
});`)
	})
	mux.HandleFunc("POST /submit", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/done?name="+r.PostFormValue("name"), http.StatusSeeOther)
	})
	mux.HandleFunc("GET /done", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<!doctype html><title>Done</title><main><p id="who">Thanks, %s</p></main>`, r.URL.Query().Get("name"))
	})
	mux.HandleFunc("POST /echo", func(w http.ResponseWriter, r *http.Request) {
		var b bytes.Buffer
		_, _ = b.ReadFrom(r.Body)
		fmt.Fprintf(w, "%s [%s]", b.String(), r.Header.Get("Sec-Fetch-Site"))
	})
	mux.HandleFunc("GET /csp", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self'")
		fmt.Fprint(w, `<!doctype html><title>CSP</title><main><p id="p">static</p><script>document.getElementById('p').textContent = 'inline ran';</script></main>`)
	})
	return mux
}

func TestTab(t *testing.T) {
	b := Start(t)
	srv := httptest.NewServer(site())
	t.Cleanup(srv.Close)

	t.Run("visit, click and wait for the text a script writes", func(t *testing.T) {
		t.Parallel()
		tab := b.NewTab(t, srv.URL)
		if status := tab.Visit("/"); status != http.StatusOK {
			t.Fatalf("status %d", status)
		}
		if got := tab.Text("#title"); got != "Hello" {
			t.Errorf("title %q", got)
		}
		tab.Click("#go")
		if got := tab.WaitText("#out", "done:"); got != "done: from the page [same-origin]" {
			t.Errorf("out %q", got)
		}
		if n := tab.Count("button"); n != 2 {
			t.Errorf("%d buttons, want 2", n)
		}
	})
	t.Run("fill and send a form answered with a redirect", func(t *testing.T) {
		t.Parallel()
		tab := b.NewTab(t, srv.URL)
		tab.Visit("/")
		tab.Fill("#name", "Ada")
		if status := tab.ClickNavigate("#send"); status != http.StatusOK {
			t.Fatalf("status %d", status)
		}
		if p := tab.Path(); p != "/done?name=Ada" {
			t.Errorf("path %q", p)
		}
		tab.WaitText("#who", "Thanks, Ada")
		if status := tab.Visit("/nowhere"); status != http.StatusNotFound {
			t.Errorf("status %d, want 404", status)
		}
	})
	t.Run("fetch sends the page's origin", func(t *testing.T) {
		t.Parallel()
		tab := b.NewTab(t, srv.URL)
		tab.Visit("/")
		r := tab.Fetch(http.MethodPost, "/echo", "text/plain", "hi")
		if r.Status != http.StatusOK || r.Body != "hi [same-origin]" {
			t.Errorf("fetch = %+v", r)
		}
		if got := Eval[int](tab, `Promise.resolve(6 * 7)`); got != 42 {
			t.Errorf("eval = %d", got)
		}
	})
	t.Run("a CSP violation reaches the console", func(t *testing.T) {
		t.Parallel()
		tab := b.NewTab(t, srv.URL, WithoutConsoleCheck())
		tab.Visit("/csp")
		m := tab.WaitConsole("Content Security Policy")
		if len(consoleProblems([]chromedp.ConsoleMessage{m})) != 1 {
			t.Errorf("the violation %q is not a console problem", m.Text)
		}
		if got := tab.Text("#p"); got != "static" {
			t.Errorf("the inline script ran: %q", got)
		}
	})
	t.Run("screenshots are PNG files in the test's directory", func(t *testing.T) {
		t.Parallel()
		tab := b.NewTab(t, srv.URL)
		tab.Visit("/")
		path := tab.Screenshot("home page")
		if filepath.Base(path) != "01-home_page.png" || !strings.Contains(path, filepath.Join("TestTab", "screenshots_are_PNG_files_in_the_test_s_directory")) {
			t.Errorf("path %s", path)
		}
		data, err := os.ReadFile(path)
		if err != nil || !bytes.HasPrefix(data, []byte("\x89PNG")) {
			t.Errorf("%s: %d bytes, %v; want a PNG", path, len(data), err)
		}
	})
}

func TestTestDir(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ name, want string }{
		{"TestBrowser", "TestBrowser"},
		{"TestBrowser/log in", filepath.Join("TestBrowser", "log_in")},
		{"TestX/../a#b/é", filepath.Join("TestX", "_", "a_b", "_")},
	} {
		if got := testDir(c.name); got != c.want {
			t.Errorf("testDir(%q) = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestLoadTexts(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"i18n/en.json":        {Data: []byte(`{"a": "A %d"}`)},
		"i18n/es.json":        {Data: []byte(`{"a": "Á %d"}`)},
		"i18n/orders.en.json": {Data: []byte(`{"orders.b": "B"}`)},
	}
	tx, err := LoadTexts(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if got := tx.T(t, "es", "a", 2); got != "Á 2" {
		t.Errorf("es a = %q", got)
	}
	if got := tx.T(t, "en", "orders.b"); got != "B" {
		t.Errorf("en orders.b = %q", got)
	}
	if _, err := LoadTexts(fstest.MapFS{}); err == nil {
		t.Error("no translations loaded without an error")
	}
}

func TestFindChromium(t *testing.T) {
	t.Setenv(EnvChromium, filepath.Join(t.TempDir(), "no-such-browser"))
	if _, err := FindChromium(); err == nil || !strings.Contains(err.Error(), EnvChromium) {
		t.Errorf("FindChromium with a missing %s: %v", EnvChromium, err)
	}
	t.Setenv(EnvRequired, "true")
	if !Required() {
		t.Errorf("%s=true is not required", EnvRequired)
	}
	t.Setenv(EnvRequired, "0")
	if Required() {
		t.Errorf("%s=0 is required", EnvRequired)
	}
}
