package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/intcomex-connector/connector/admin/browsertest"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/users"
)

// TestBrowser drives the management web UI in headless Chromium against the whole connector as
// `connector demo --sample-orders` builds it (its IWS sandbox, demo shops, pipeline and jobs),
// started once and shared by every flow. Without Chromium it skips; CI installs Chromium and
// sets CONNECTOR_TEST_BROWSER_REQUIRED=1, so there it runs or fails. Screenshots go to
// CONNECTOR_TEST_ARTIFACTS (see package admin/browsertest).
//
// # Adding a flow
//
// A page's flow (edit a margin rule and watch the preview price change; save and see the
// listings queued; find an order and open its timeline; run a sync and see it finish) is a
// func(t *testing.T, d *browserDemo) added to browserFlows. It runs as a parallel subtest:
//
//   - open a tab with d.tab(t) (its own cookies) and sign in with a fresh account,
//     tab.Login(d.newUser(t, users.RoleAdmin)): a flow that changes the account (its language)
//     or the login throttle then disturbs no other flow;
//   - find elements by the ids and data-testid attributes the page gives them; act with
//     tab.Visit, tab.Fill, tab.Click, tab.ClickNavigate (a click that loads a page; it returns
//     the status); wait with tab.WaitText, tab.WaitVisible, tab.WaitJS: they wait on the page, so
//     never sleep;
//   - compare what the page says with the translations, d.text(t, "es", "orders.title"), not
//     with copied words; take tab.Screenshot("step") where a picture helps (the tab takes one
//     when the flow ends, and on failure keeps the page's HTML and console too);
//   - read the demo's data with d.st (the demo's database) and d.info (demo.json).
//
// A flow that changes shared demo data (a margin rule, a sync) should work on what no other
// flow reads, or check relative changes. An action the support role must not do, done by
// script rather than by a form, goes in supportRefusedAPI.
func TestBrowser(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t) // skips here, before the demo starts, when there is no Chromium
	d := startBrowserDemo(t, b)
	for _, f := range browserFlows {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			f.run(t, d)
		})
	}
}

// browserFlows are TestBrowser's subtests.
var browserFlows = []struct {
	name string
	run  func(*testing.T, *browserDemo)
}{
	{"sign in with the demo's credentials", browserSignIn},
	{"five wrong passwords throttle the account", browserThrottle},
	{"a cross-site POST is refused", browserCrossSite},
	{"support sees no write controls and the server refuses them", browserSupportReadOnly},
	{"switch to Spanish", browserSpanish},
	{"sign out", browserSignOut},
}

// supportRefusedAPI are API actions (besides every write form an admin sees on the pages, which
// browserSupportReadOnly finds and replays by itself) that the support role must be refused with
// 403: add a page's script-driven writes here (e.g. {"POST", "/api/v1/sync/catalog", ""}).
var supportRefusedAPI = []struct{ method, path, body string }{}

// browserDemo is the running demo the flows share.
type browserDemo struct {
	b     *browsertest.Browser
	info  demoInfo // demo.json
	texts browsertest.Texts
	st    *store.Store
	users *users.Service
	seq   atomic.Int64
}

// account is a user to sign in as.
type account struct{ email, password string }

func startBrowserDemo(t *testing.T, b *browsertest.Browser) *browserDemo {
	t.Helper()
	texts, err := browsertest.LoadTexts(os.DirFS(filepath.Join("..", "..", "admin")))
	if err != nil {
		t.Fatal(err)
	}
	r, _ := runDemoUntilReady(t, nil, filepath.Join(t.TempDir(), "demo"), "--sample-orders")
	st, err := store.Open(context.Background(), r.info.Database, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &browserDemo{b: b, info: r.info, texts: texts, st: st, users: users.New(st, users.Options{})}
}

// tab opens a tab on the demo's web UI for t.
func (d *browserDemo) tab(t *testing.T) *browsertest.Tab {
	t.Helper()
	return d.b.NewTab(t, d.info.AdminURL)
}

// admin is the demo's own admin, from demo.json.
func (d *browserDemo) admin() account { return account{d.info.AdminUser, d.info.AdminPassword} }

// newUser adds a user with role and a random password, for one flow.
func (d *browserDemo) newUser(t *testing.T, role users.Role) account {
	t.Helper()
	a := account{fmt.Sprintf("%s-%d@browser.test", role, d.seq.Add(1)), "pw-" + rand.Text()}
	if _, err := d.users.Add(t.Context(), a.email, role, a.password); err != nil {
		t.Fatalf("adding %s: %v", a.email, err)
	}
	return a
}

// text is the UI's message key in lang.
func (d *browserDemo) text(t *testing.T, lang, key string, args ...any) string {
	t.Helper()
	return d.texts.T(t, lang, key, args...)
}

func login(tab *browsertest.Tab, a account) { tab.Login(a.email, a.password) }

// me asks the API who the tab is signed in as.
func me(t *testing.T, tab *browsertest.Tab) (int, string) {
	t.Helper()
	r := tab.Fetch(http.MethodGet, "/api/v1/me", "", "")
	if r.Status != http.StatusOK {
		return r.Status, ""
	}
	var u struct {
		Email string `json:"email"`
		Role  string `json:"role"`
	}
	r.JSON(t, &u)
	return r.Status, u.Email + " " + u.Role
}

// A page asked for while signed out leads to the login form and, signed in, back to that page;
// the demo's credentials (demo.json) sign in as its admin.
func browserSignIn(t *testing.T, d *browserDemo) {
	tab := d.tab(t)
	tab.Visit("/orders?state=held")
	if p := tab.Path(); p != "/login?next=%2Forders%3Fstate%3Dheld" {
		t.Errorf("signed out, /orders led to %s, want the login form with next", p)
	}
	tab.Fill(browsertest.LoginEmail, d.info.AdminUser)
	tab.Fill(browsertest.LoginPassword, d.info.AdminPassword)
	if status := tab.ClickNavigate(browsertest.LoginSubmit); status != http.StatusOK {
		t.Fatalf("sign in: status %d", status)
	}
	if p := tab.Path(); p != "/orders?state=held" {
		t.Errorf("signed in on %s, want the page asked for", p)
	}
	tab.Screenshot("after sign in with next")
	tab.Logout()
	login(tab, d.admin())
	if p := tab.Path(); p != "/" {
		t.Errorf("signed in on %s, want /", p)
	}
	if got := tab.Text(".session .who .email"); got != d.info.AdminUser {
		t.Errorf("the header says %q is signed in, want %s", got, d.info.AdminUser)
	}
	if status, who := me(t, tab); status != http.StatusOK || who != d.info.AdminUser+" admin" {
		t.Errorf("/api/v1/me = %d %q", status, who)
	}
}

// Five wrong passwords lock the account: the sixth try, even with the right password, is
// answered 429 with a page that says to wait.
func browserThrottle(t *testing.T, d *browserDemo) {
	a := d.newUser(t, users.RoleAdmin)
	tab := d.tab(t)
	failed := d.text(t, "en", "login.failed")
	for i := 1; i <= 5; i++ {
		if status := tab.SubmitLogin(a.email, "wrong password "+fmt.Sprint(i)); status != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: status %d, want 401", i, status)
		}
		if got := tab.Text(browsertest.LoginError); got != failed {
			t.Fatalf("wrong password %d: the page says %q, want %q", i, got, failed)
		}
	}
	if status := tab.SubmitLogin(a.email, a.password); status != http.StatusTooManyRequests {
		t.Fatalf("sixth try: status %d, want 429", status)
	}
	got := tab.Text(browsertest.LoginError)
	one := d.text(t, "en", "login.throttled_one")
	prefix, suffix, _ := strings.Cut(d.text(t, "en", "login.throttled_many"), "%d")
	if got != one && (!strings.HasPrefix(got, prefix) || !strings.HasSuffix(got, suffix)) {
		t.Errorf("throttled: the page says %q, want %q or %q…%q", got, one, prefix, suffix)
	}
	tab.Screenshot("throttled")
	if tab.Count(browsertest.LogoutButton) != 0 {
		t.Error("signed in while throttled")
	}
}

// crossSitePage is another site's page (same host, another port: same-site, so the browser
// sends the session cookie, SameSite=Lax or not) with a form that posts to the connector and a
// script that posts with fetch.
func crossSitePage(target string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<!doctype html><html><head><title>Win a prize</title></head><body>
<form id="logout" method="post" action="%[1]slogout"><button id="attack-logout" type="submit">Claim</button></form>
<form id="language" method="post" action="%[1]slanguage"><input type="hidden" name="lang" value="es"><input type="hidden" name="next" value="/"><button id="attack-language" type="submit">Claim in Spanish</button></form>
<button id="attack-fetch" type="button">Claim quietly</button><p id="result"></p>
<script>
document.getElementById('attack-fetch').addEventListener('click', async () => {
  await fetch('%[1]slanguage', {method: 'POST', mode: 'no-cors', credentials: 'include',
    headers: {'Content-Type': 'application/x-www-form-urlencoded'}, body: 'lang=es&next=/'});
  document.getElementById('result').textContent = 'sent';
});
</script></body></html>`, target)
	})
}

// A form on another site that posts to the connector (sign out, change the language) is refused
// with 403 and changes nothing, and so is a fetch from there.
func browserCrossSite(t *testing.T, d *browserDemo) {
	evil := httptest.NewServer(crossSitePage(d.info.AdminURL))
	t.Cleanup(evil.Close)
	tab := d.tab(t)
	login(tab, d.newUser(t, users.RoleAdmin))
	refused := d.text(t, "en", "error.cross_origin")
	for _, attack := range []string{"#attack-logout", "#attack-language"} {
		tab.Visit(evil.URL)
		if status := tab.ClickNavigate(attack); status != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403", attack, status)
		}
		if got := tab.Text("main .form-error"); got != refused {
			t.Errorf("%s: the page says %q, want %q", attack, got, refused)
		}
		tab.Screenshot("refused " + attack)
	}
	tab.Visit(evil.URL)
	tab.Click("#attack-fetch")
	tab.WaitText("#result", "sent") // the connector has answered it

	tab.Visit("/")
	if tab.Count(browsertest.LogoutButton) != 1 {
		t.Error("signed out by another site")
	}
	if lang := browsertest.Eval[string](tab, `document.documentElement.lang`); lang != "en" {
		t.Errorf("another site switched the language to %q", lang)
	}
}

// writeForm is a form that changes something, as a page shows it.
type writeForm struct {
	Page   string `json:"page"`
	Method string `json:"method"`
	Action string `json:"action"` // path and query
	Body   string `json:"body"`   // the form's fields, URL-encoded
}

// writeFormsJS lists the page's forms that change something (any method but GET), but signing
// out and the language switch, which every role has.
const writeFormsJS = `Array.from(document.querySelectorAll('form'))
  .filter((f) => (f.getAttribute('method') || 'get').toLowerCase() !== 'get')
  .map((f) => { const u = new URL(f.action); return {page: location.pathname + location.search,
    method: (f.getAttribute('method') || '').toUpperCase(), action: u.pathname + u.search,
    body: new URLSearchParams(new FormData(f)).toString()}; })
  .filter((f) => f.action !== '/logout' && f.action !== '/language')`

// navPaths are the sections in the page's navigation.
func navPaths(tab *browsertest.Tab) []string {
	return browsertest.Eval[[]string](tab, `Array.from(document.querySelectorAll('#site-nav a')).map((a) => a.getAttribute('href'))`)
}

// Support reads every section and sees no form that changes anything on any of them; the forms
// an admin sees there, and supportRefusedAPI, are refused to support with 403; the admins' own
// pages are refused too.
func browserSupportReadOnly(t *testing.T, d *browserDemo) {
	admin := d.tab(t)
	login(admin, d.newUser(t, users.RoleAdmin))
	support := d.tab(t)
	login(support, d.newUser(t, users.RoleSupport))
	if status, who := me(t, support); status != http.StatusOK || !strings.HasSuffix(who, " support") {
		t.Fatalf("/api/v1/me as support = %d %q", status, who)
	}

	var adminForms []writeForm // one per method and action (a list has one per row)
	seen := map[string]bool{}
	adminPaths := navPaths(admin)
	for _, p := range adminPaths {
		if status := admin.Visit(p); status != http.StatusOK {
			t.Errorf("admin: %s answered %d", p, status)
			continue
		}
		for _, f := range browsertest.Eval[[]writeForm](admin, writeFormsJS) {
			if !seen[f.Method+" "+f.Action] {
				seen[f.Method+" "+f.Action] = true
				adminForms = append(adminForms, f)
			}
		}
	}
	supportPaths := navPaths(support)
	if len(supportPaths) == 0 || len(supportPaths) >= len(adminPaths) {
		t.Errorf("support's navigation %v, admin's %v: want every section but the admins' own", supportPaths, adminPaths)
	}
	for _, p := range supportPaths {
		if status := support.Visit(p); status != http.StatusOK {
			t.Errorf("support: %s answered %d", p, status)
			continue
		}
		forms := browsertest.Eval[[]writeForm](support, writeFormsJS)
		if confirms := support.Count("[data-confirm]"); len(forms) > 0 || confirms > 0 {
			support.Screenshot("write controls on " + p)
			t.Errorf("support sees forms that change something on %s: %+v, and %d controls that ask for confirmation", p, forms, confirms)
		}
	}
	for _, p := range adminPaths {
		if !slices.Contains(supportPaths, p) {
			if status := support.Visit(p); status != http.StatusForbidden {
				t.Errorf("support: the admins' %s answered %d, want 403", p, status)
			}
			support.Screenshot("refused " + p)
		}
	}

	// What the admin may do, support is refused: the server says so, not only the page.
	forbidden := d.text(t, "en", "error.forbidden")
	support.Visit("/")
	for _, f := range adminForms {
		r := support.Fetch(f.Method, f.Action, "application/x-www-form-urlencoded", f.Body)
		if r.Status != http.StatusForbidden || !strings.Contains(r.Body, forbidden) {
			t.Errorf("support %s %s (a form of %s): status %d, want 403 saying %q", f.Method, f.Action, f.Page, r.Status, forbidden)
		}
	}
	for _, a := range supportRefusedAPI {
		r := support.Fetch(a.method, a.path, "application/json", a.body)
		var e struct {
			Error struct{ Code string } `json:"error"`
		}
		if r.Status == http.StatusForbidden {
			r.JSON(t, &e)
		}
		if r.Status != http.StatusForbidden || e.Error.Code != "forbidden" {
			t.Errorf("support %s %s: %d %s, want 403 forbidden", a.method, a.path, r.Status, r.Body)
		}
	}
	t.Logf("support was refused %d admin forms and %d API actions on %d sections", len(adminForms), len(supportRefusedAPI), len(supportPaths))
}

// The language switch turns the UI Spanish and keeps it so for the account, on every page and
// after signing out.
func browserSpanish(t *testing.T, d *browserDemo) {
	tab := d.tab(t)
	login(tab, d.newUser(t, users.RoleSupport))
	if lang := browsertest.Eval[string](tab, `document.documentElement.lang`); lang != "en" {
		t.Fatalf("a new account's UI is %q, want English from the browser's Accept-Language", lang)
	}
	if status := tab.ClickNavigate(fmt.Sprintf(browsertest.LanguageButton, "es")); status != http.StatusOK {
		t.Fatalf("switch to Spanish: status %d", status)
	}
	if p := tab.Path(); p != "/" {
		t.Errorf("after the switch on %s, want the same page", p)
	}
	check := func(where string) {
		t.Helper()
		if lang := browsertest.Eval[string](tab, `document.documentElement.lang`); lang != "es" {
			t.Errorf("%s: the page is %q, want es", where, lang)
		}
	}
	check("/")
	if got, want := tab.Text(browsertest.LogoutButton), d.text(t, "es", "layout.logout"); got != want {
		t.Errorf("the sign-out button says %q, want %q", got, want)
	}
	if got, want := tab.Text(`#site-nav a[href="/orders"]`), d.text(t, "es", "nav.orders"); got != want {
		t.Errorf("the navigation says %q, want %q", got, want)
	}
	tab.Screenshot("spanish")
	tab.Visit("/sync")
	check("/sync")
	tab.Logout()
	check("the login page after signing out")
	if got, want := tab.Text("main h1"), d.text(t, "es", "login.title"); got != want {
		t.Errorf("the login page's title is %q, want %q", got, want)
	}
}

// Signing out ends the session: the pages lead to the login form and the API answers 401.
func browserSignOut(t *testing.T, d *browserDemo) {
	tab := d.tab(t)
	login(tab, d.newUser(t, users.RoleAdmin))
	tab.Logout()
	if got, want := tab.Text("main .flash"), d.text(t, "en", "flash.signed_out"); got != want {
		t.Errorf("after signing out the page says %q, want %q", got, want)
	}
	tab.Visit("/")
	if p := tab.Path(); p != "/login" {
		t.Errorf("signed out, / led to %s, want /login", p)
	}
	if status, _ := me(t, tab); status != http.StatusUnauthorized {
		t.Errorf("signed out, /api/v1/me answered %d, want 401", status)
	}
}
