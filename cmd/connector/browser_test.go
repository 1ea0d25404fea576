package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/admin/browsertest"
	"github.com/intcomex-connector/connector/connector/secret"
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
//   - read the demo's data with d.st (the demo's database) and d.info (demo.json): d.shopOn,
//     d.publishedSKU and d.placedSampleOrder find a demo shop, a product it sells and its placed
//     sample order (browser_flows_test.go has the page flows).
//
// A flow that changes shared demo data (a margin rule, a sync) should work on what no other
// flow reads, or check relative changes. An action the support role must not do, done by
// script rather than by a form, goes in supportRefusedAPI.
func TestBrowser(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t) // skips here, before the demo starts, when there is no Chromium
	d := startBrowserDemo(t, b)
	// A few flows at a time: all eleven at once, each signing in (argon2id) and driving a tab
	// while the demo syncs, outran the actions' timeouts on two loaded cores.
	slots := make(chan struct{}, browserFlowsAtOnce)
	for _, f := range browserFlows {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			slots <- struct{}{}
			defer func() { <-slots }()
			f.run(t, d)
		})
	}
}

// browserFlowsAtOnce bounds the flows TestBrowser runs at the same time.
const browserFlowsAtOnce = 3

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
	{"edit a margin rule and watch the preview price change", browserRulePreview},
	{"save a margin rule and see the listings queued and pushed", browserRuleSave},
	{"find an order and open its timeline", browserOrderTimeline},
	{"run a sync from the Sync page and see it finish", browserSyncRun},
	{"a phone-sized screen", browserPhone},
}

// supportRefusedAPI are API actions (besides every write form an admin sees on the pages, which
// browserSupportReadOnly finds and replays by itself) that the support role must be refused with
// 403: a page's script-driven writes and the API's own, one section after another. In a path,
// {shop} is the demo's WooCommerce shop, {order} its placed sample order (SHOP/ID), {sku} a
// product it sells and {user} the demo's admin.
var supportRefusedAPI = []struct{ method, path, body string }{
	// Margin rules: the editor's live preview posts here (it saves nothing, but the editor is an
	// admin's page), and every change.
	{"POST", "/api/v1/rules/{shop}/preview", `{"rules":{"rules":[]}}`},
	{"POST", "/api/v1/rules/{shop}/rules", `{"name":"Support's","match":{"category":"cpt"},"markup_percent":"1"}`},
	{"PUT", "/api/v1/rules/{shop}/rules/0", `{"name":"Support's","match":{"category":"cpt"},"markup_percent":"1"}`},
	{"DELETE", "/api/v1/rules/{shop}/rules/0", ""},
	{"POST", "/api/v1/rules/{shop}/rules/0/move", `{"to":1}`},
	{"PUT", "/api/v1/rules/{shop}/settings", `{"currency":"USD"}`},
	{"POST", "/api/v1/rules/{shop}/import", `{"rules":[]}`},
	// Sync: a feed's sync and a shop's push.
	{"POST", "/api/v1/sync/jobs", `{"kind":"stock"}`},
	{"POST", "/api/v1/sync/jobs", `{"kind":"push","shop_id":{shop}}`},
	// Orders: the actions of an order's page.
	{"POST", "/api/v1/orders/{order}/retry", `{"accept_cost":true}`},
	{"POST", "/api/v1/orders/{order}/refresh", ""},
	{"POST", "/api/v1/orders/{order}/cancel", ""},
	// Products: push now.
	{"POST", "/api/v1/products/{sku}/push?shop=all", ""},
	// IWS console: the writes.
	{"POST", "/api/v1/iws/placeorder", `{}`},
	{"POST", "/api/v1/iws/cancelorder", `{}`},
	// Shops: connecting, settings, webhook repair, resuming orders.
	{"POST", "/api/v1/shops/shopify/install", `{"shop":"support.myshopify.com"}`},
	{"POST", "/api/v1/shops/woocommerce/authorize", `{"url":"https://support.example"}`},
	{"POST", "/api/v1/shops/woocommerce", `{"url":"https://support.example"}`},
	{"PUT", "/api/v1/shops/{shop}/settings", `{"currency":"USD"}`},
	{"POST", "/api/v1/shops/{shop}/webhooks/repair", ""},
	{"POST", "/api/v1/shops/{shop}/resume-orders", ""},
	// Users and API tokens (the admins' own section).
	{"POST", "/api/v1/users", `{"email":"support-made@browser.test","role":"admin","password":"a long enough password"}`},
	{"PUT", "/api/v1/users/{user}/role", `{"role":"support"}`},
	{"PUT", "/api/v1/users/{user}/password", `{"password":"a long enough password"}`},
	{"POST", "/api/v1/users/{user}/tokens", `{"name":"support's"}`},
	{"DELETE", "/api/v1/users/{user}", ""},
}

// browserDemo is the running demo the flows share.
type browserDemo struct {
	b     *browsertest.Browser
	info  demoInfo // demo.json
	texts browsertest.Texts
	st    *store.Store
	users *users.Service
	seq   atomic.Int64

	// api is signed in to the demo as its admin (apiOnce), for the users the flows add: they are
	// added through the demo's API, not by writing its SQLite file from this process, which
	// under load waited on the demo's writers past the busy timeout.
	apiOnce sync.Once
	api     *http.Client
	apiErr  error
}

// account is a user to sign in as.
type account struct{ email, password string }

func startBrowserDemo(t *testing.T, b *browsertest.Browser) *browserDemo {
	t.Helper()
	texts, err := browsertest.LoadTexts(os.DirFS(filepath.Join("..", "..", "admin")))
	if err != nil {
		t.Fatal(err)
	}
	dataDir := filepath.Join(t.TempDir(), "demo")
	r, _ := runDemoUntilReady(t, nil, dataDir, "--sample-orders")
	// With the demo's key, d.st reads what is stored encrypted too (a shop's credentials).
	rawKey, err := os.ReadFile(filepath.Join(dataDir, "secret.key"))
	if err != nil {
		t.Fatal(err)
	}
	key, err := secret.ParseKey(strings.TrimSpace(string(rawKey)))
	if err != nil {
		t.Fatal(err)
	}
	box, err := secret.NewBox(key)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), r.info.Database, nil, store.WithSecretBox(box))
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
	d.apiOnce.Do(func() { d.api, d.apiErr = d.signedInClient() })
	if d.apiErr != nil {
		t.Fatalf("adding %s: signing in to the API: %v", a.email, d.apiErr)
	}
	body, _ := json.Marshal(map[string]string{"email": a.email, "role": string(role), "password": a.password})
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, d.info.AdminURL+"api/v1/users", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := d.api.Do(req)
	if err != nil {
		t.Fatalf("adding %s: %v", a.email, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		answer, _ := io.ReadAll(resp.Body)
		t.Fatalf("adding %s: %d %s", a.email, resp.StatusCode, answer)
	}
	return a
}

// signedInClient is an HTTP client signed in to the demo's web UI as its admin.
func (d *browserDemo) signedInClient() (*http.Client, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, err
	}
	c := &http.Client{Jar: jar, Timeout: 2 * time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(d.info.AdminURL+"login", url.Values{"email": {d.info.AdminUser}, "password": {d.info.AdminPassword}})
	if err != nil {
		return nil, err
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther && resp.StatusCode != http.StatusFound {
		return nil, fmt.Errorf("login answered %d, want a redirect", resp.StatusCode)
	}
	return c, nil
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

// subPagesJS lists the page's links below the section given as its argument (SECTION/...), as
// paths, but downloads (a [download] link, a file name with a dot).
const subPagesJS = `((section) => Array.from(document.querySelectorAll('main a[href]'))
  .filter((a) => !a.hasAttribute('download'))
  .map((a) => new URL(a.href))
  .filter((u) => u.origin === location.origin && u.pathname.startsWith(section + '/') && !u.pathname.split('/').pop().includes('.'))
  .map((u) => u.pathname))`

// pageShape is a page's path with every segment that holds a digit (an id, a SKU) made "#": the
// pages of one template (/orders/1/123 and /orders/2/456) have one shape.
func pageShape(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if strings.ContainsAny(s, "0123456789") {
			parts[i] = "#"
		}
	}
	return strings.Join(parts, "/")
}

// sitePage is a page the admin reached, with the forms on it that change something.
type sitePage struct {
	path, section string
	forms         []writeForm
}

// editor reports whether the page is there to change something: the admin's page posts a form
// to itself (a rule's editor). Support may be refused it.
func (p sitePage) editor() bool {
	return slices.ContainsFunc(p.forms, func(f writeForm) bool {
		action, _, _ := strings.Cut(f.Action, "?")
		return action == p.path
	})
}

// crawlSections visits, as tab's user, each section of the navigation and the pages its links
// lead to below it, two links deep, one page of each shape (one order, one product, one rule's
// editor ...).
func crawlSections(t *testing.T, tab *browsertest.Tab, sections []string) []sitePage {
	t.Helper()
	var pages []sitePage
	shapes := map[string]bool{}
	type step struct {
		path, section string
		depth         int
	}
	queue := make([]step, 0, len(sections))
	for _, s := range sections {
		queue = append(queue, step{s, s, 0})
		shapes[pageShape(s)] = true
	}
	for len(queue) > 0 {
		st := queue[0]
		queue = queue[1:]
		if status := tab.Visit(st.path); status != http.StatusOK {
			t.Errorf("%s answered %d: %s", st.path, status, browsertest.Eval[string](tab, `document.querySelector('main').innerText`))
			continue
		}
		pages = append(pages, sitePage{st.path, st.section, browsertest.Eval[[]writeForm](tab, writeFormsJS)})
		if st.section == "/" || st.depth == 2 {
			continue
		}
		for _, p := range browsertest.Eval[[]string](tab, fmt.Sprintf("%s(%s)", subPagesJS, strconv.Quote(st.section))) {
			if !shapes[pageShape(p)] {
				shapes[pageShape(p)] = true
				queue = append(queue, step{p, st.section, st.depth + 1})
			}
		}
	}
	return pages
}

// refusedAPIPaths fills in supportRefusedAPI's placeholders from the demo.
func (d *browserDemo) refusedAPIPaths(t *testing.T) *strings.Replacer {
	t.Helper()
	shop := d.shopOn(t, store.PlatformWooCommerce)
	o := d.placedSampleOrder(t, shop)
	admin, err := d.users.ByEmail(t.Context(), d.info.AdminUser)
	if err != nil {
		t.Fatal(err)
	}
	return strings.NewReplacer("{shop}", fmt.Sprint(shop.ID), "{order}", fmt.Sprintf("%d/%s", o.ShopID, url.PathEscape(o.StorefrontOrderID)),
		"{sku}", url.PathEscape(d.publishedSKU(t, shop, "")), "{user}", fmt.Sprint(admin.ID))
}

// Support reads every section and the pages below them and sees no form that changes anything
// on any of them; the forms an admin sees there, and supportRefusedAPI, are refused to support
// with 403; the admins' own pages are refused too, and so are the pages that exist to change
// something (a rule's editor), and only those.
func browserSupportReadOnly(t *testing.T, d *browserDemo) {
	admin := d.tab(t)
	login(admin, d.newUser(t, users.RoleAdmin))
	support := d.tab(t)
	login(support, d.newUser(t, users.RoleSupport))
	if status, who := me(t, support); status != http.StatusOK || !strings.HasSuffix(who, " support") {
		t.Fatalf("/api/v1/me as support = %d %q", status, who)
	}

	adminPaths := navPaths(admin)
	pages := crawlSections(t, admin, adminPaths)
	var adminForms []writeForm // one per method and action (a list has one per row)
	seen := map[string]bool{}
	for _, p := range pages {
		for _, f := range p.forms {
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
		if !slices.Contains(adminPaths, p) {
			t.Errorf("support's navigation has %s, the admin's does not", p)
		}
	}
	refused := 0
	for _, p := range pages {
		status := support.Visit(p.path)
		switch {
		case status == http.StatusOK:
		case status == http.StatusForbidden && (!slices.Contains(supportPaths, p.section) || p.editor()):
			refused++
			if p.path == p.section {
				support.Screenshot("refused " + p.path)
			}
			continue
		default:
			t.Errorf("support: %s answered %d", p.path, status)
			continue
		}
		if !slices.Contains(supportPaths, p.section) {
			t.Errorf("support: %s, in the admins' %s, answered %d, want 403", p.path, p.section, status)
		}
		forms := browsertest.Eval[[]writeForm](support, writeFormsJS)
		if confirms := support.Count("[data-confirm]"); len(forms) > 0 || confirms > 0 {
			support.Screenshot("write controls on " + p.path)
			t.Errorf("support sees forms that change something on %s: %+v, and %d controls that ask for confirmation", p.path, forms, confirms)
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
	fill := d.refusedAPIPaths(t)
	for _, a := range supportRefusedAPI {
		path, body := fill.Replace(a.path), fill.Replace(a.body)
		r := support.Fetch(a.method, path, "application/json", body)
		var e struct {
			Error struct{ Code string } `json:"error"`
		}
		if r.Status == http.StatusForbidden {
			r.JSON(t, &e)
		}
		if r.Status != http.StatusForbidden || e.Error.Code != "forbidden" {
			t.Errorf("support %s %s: %d %s, want 403 forbidden", a.method, path, r.Status, r.Body)
		}
	}
	t.Logf("support read %d pages of %d sections (refused %d of the admin's %d), was refused %d admin forms and %d API actions",
		len(pages)-refused, len(supportPaths), refused, len(pages), len(adminForms), len(supportRefusedAPI))
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
