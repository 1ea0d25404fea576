package main

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/intcomex-connector/connector/admin/browsertest"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/users"
	"github.com/intcomex-connector/connector/pricing"
)

// The page flows of TestBrowser: margin rules (the live preview, a save and its push), an
// order's timeline, a sync run from the Sync page, and a phone-sized screen.

// shopOn is the demo's shop on platform (demo.json).
func (d *browserDemo) shopOn(t *testing.T, platform string) demoShop {
	t.Helper()
	for _, s := range d.info.Shops {
		if s.Platform == platform {
			return s
		}
	}
	t.Fatalf("the demo has no %s shop: %+v", platform, d.info.Shops)
	return demoShop{}
}

// demoRule is rule index of the demo's margin rules (demoRules, which both demo shops start with).
func demoRule(t *testing.T, index int) pricing.Rule {
	t.Helper()
	rules, err := pricing.ParseRules(strings.NewReader(demoRules))
	if err != nil {
		t.Fatal(err)
	}
	if index >= len(rules.Rules) {
		t.Fatalf("the demo has %d rules, no rule %d", len(rules.Rules), index)
	}
	return rules.Rules[index]
}

// publishedSKU is a SKU of a product under category that shop has on sale: one a rule matching
// the category prices.
func (d *browserDemo) publishedSKU(t *testing.T, shop demoShop, category string) string {
	t.Helper()
	ctx := t.Context()
	s, err := d.st.Shop(ctx, shop.ID)
	if err != nil {
		t.Fatal(err)
	}
	products, err := d.st.ProductsPage(ctx, s.IWSAccountID, "", 5000, store.ProductFilter{CategoryPrefix: category})
	if err != nil {
		t.Fatal(err)
	}
	skus := make([]string, 0, len(products))
	for _, p := range products {
		skus = append(skus, p.SKU)
	}
	listings, err := d.st.ListingsBySKU(ctx, shop.ID, skus)
	if err != nil {
		t.Fatal(err)
	}
	for _, sku := range skus {
		if l, ok := listings[sku]; ok && l.State == store.ListingPublished {
			return sku
		}
	}
	t.Fatalf("shop %d has no published product under %q (of %d products there)", shop.ID, category, len(products))
	return ""
}

// jobTimeout bounds each action of a flow that waits for a job (a sync, a push) to finish: the
// job queues behind the demo's others and, in CI, runs on two cores shared with the whole suite.
const jobTimeout = 2 * time.Minute

// jobTab is d.tab with jobTimeout.
func (d *browserDemo) jobTab(t *testing.T) *browsertest.Tab {
	t.Helper()
	return d.b.NewTab(t, d.info.AdminURL, browsertest.WithTimeout(jobTimeout))
}

// jsQuote quotes s as a JavaScript string literal (in a selector or an expression).
func jsQuote(s string) string { return strconv.Quote(s) }

// previewPrice is the proposed price of sku in the rules editor's preview ("" when the row is not
// there).
func previewPrice(tab *browsertest.Tab, sku string) string {
	return browsertest.Eval[string](tab, fmt.Sprintf(`(() => {
  const td = document.querySelector('#preview-table tr[data-sku=' + CSS.escape(%s) + '] td.price-after');
  return td === null ? '' : td.textContent.trim(); })()`, jsQuote(sku)))
}

// previewRule opens the editor of the rule index of shop, asks its live preview about sku and
// changes the rule's percentage (the field sel, now from) to to, a higher one; it waits for the
// preview to show sku's price going up and the impact to count listings re-priced, and returns
// how many.
func previewRule(t *testing.T, tab *browsertest.Tab, shop demoShop, index int, sku, sel, from, to string) int {
	t.Helper()
	tab.Visit("/rules")
	if status := tab.ClickNavigate(fmt.Sprintf(`#rules-shops tr[data-shop-id="%d"] a`, shop.ID)); status != http.StatusOK {
		t.Fatalf("the rules of %s: status %d", shop.Name, status)
	}
	if status := tab.ClickNavigate(fmt.Sprintf("#rule-edit-%d", index)); status != http.StatusOK {
		t.Fatalf("editing rule %d: status %d", index, status)
	}
	if p, want := tab.Path(), fmt.Sprintf("/rules/%d/%d/edit", shop.ID, index); p != want {
		t.Fatalf("editing rule %d on %s, want %s", index, p, want)
	}
	if got := browsertest.Eval[string](tab, fmt.Sprintf(`document.querySelector(%s).value`, jsQuote(sel))); got != from {
		t.Fatalf("%s holds %q, want the demo rule's %q", sel, got, from)
	}

	// The SKU alone: the preview shows its price, the same before and after.
	tab.Fill("#preview-skus", sku)
	row := fmt.Sprintf(`document.querySelector('#preview-table tr[data-sku=' + CSS.escape(%s) + ']')`, jsQuote(sku))
	tab.WaitJS(fmt.Sprintf(`document.querySelector('#rules-preview[data-updated]') !== null && %s !== null`, row))
	updated := browsertest.Eval[string](tab, `document.getElementById('rules-preview').getAttribute('data-updated')`)
	before := previewPrice(tab, sku)
	if now := tab.Text(fmt.Sprintf(`#preview-table tr[data-sku="%s"] td.price-before`, sku)); before == "" || now != before {
		t.Fatalf("with the rule unchanged %s is priced %q now and %q proposed, want one price", sku, now, before)
	}
	tab.Screenshot("preview of " + sku)

	// A higher percentage: a newer preview (data-updated changes) prices it higher. Each key
	// may start a preview; only the newest one is shown, and only the last value goes up.
	tab.Fill(sel, to)
	tab.WaitJS(fmt.Sprintf(`(() => {
  const box = document.getElementById('rules-preview'), r = %s, impact = document.getElementById('impact-summary');
  return box.getAttribute('data-updated') !== %s && r !== null && r.getAttribute('data-direction') === 'up' &&
    impact !== null && Number(impact.getAttribute('data-repriced')) > 0 && document.querySelector(%s).value === %s; })()`,
		row, jsQuote(updated), jsQuote(sel), jsQuote(to)))
	after := previewPrice(tab, sku)
	if after == before {
		t.Errorf("%s = %s: %s is still priced %s", sel, to, sku, after)
	}
	repriced, err := strconv.Atoi(browsertest.Eval[string](tab, `document.getElementById('impact-summary').getAttribute('data-repriced')`))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s %s → %s: %s from %s to %s; %d listings re-priced", sel, from, to, sku, before, after, repriced)
	tab.Screenshot(fmt.Sprintf("preview with %s %s", sel, to))
	return repriced
}

// Editing the demo's WooCommerce shop's first rule (margin %): the live preview prices a SKU the
// rule matches higher when the margin goes up, and counts the listings that would change. The
// rule is not saved.
func browserRulePreview(t *testing.T, d *browserDemo) {
	shop := d.shopOn(t, store.PlatformWooCommerce)
	rule := demoRule(t, 0)
	if rule.MarginPercent == "" {
		t.Fatalf("the demo's first rule %+v has no margin", rule)
	}
	sku := d.publishedSKU(t, shop, rule.Match.Category)
	tab := d.tab(t)
	login(tab, d.newUser(t, users.RoleAdmin))
	previewRule(t, tab, shop, 0, sku, "#rule-margin", string(rule.MarginPercent), "30")
}

// Saving a rule (the demo's Shopify shop's second rule, markup %: another shop than the preview
// flow's, which a save would make stale) says how many listings it re-prices and queues their
// push; the note leads to the push job on the Sync pages, which finishes; the rules page keeps
// the change in its history under the admin's name.
func browserRuleSave(t *testing.T, d *browserDemo) {
	shop := d.shopOn(t, store.PlatformShopify)
	rule := demoRule(t, 1)
	if rule.MarkupPercent == "" {
		t.Fatalf("the demo's second rule %+v has no markup", rule)
	}
	sku := d.publishedSKU(t, shop, rule.Match.Category)
	a := d.newUser(t, users.RoleAdmin)
	tab := d.jobTab(t)
	login(tab, a)
	repriced := previewRule(t, tab, shop, 1, sku, "#rule-markup", string(rule.MarkupPercent), "45")

	if status := tab.ClickNavigate("button#rule-save"); status != http.StatusOK {
		t.Fatalf("save: status %d", status)
	}
	if p, want := tab.Path(), fmt.Sprintf("/rules/%d", shop.ID); p != want {
		t.Fatalf("saved, on %s, want %s", p, want)
	}
	tab.WaitVisible("#rules-saved[data-queued][data-job]")
	queued, _ := strconv.Atoi(browsertest.Eval[string](tab, `document.getElementById('rules-saved').getAttribute('data-queued')`))
	job, _ := strconv.ParseInt(browsertest.Eval[string](tab, `document.getElementById('rules-saved').getAttribute('data-job')`), 10, 64)
	if queued <= 0 || job <= 0 {
		t.Fatalf("saved: %d listings queued in job %d, want some", queued, job)
	}
	// Not compared with the preview's count: a sync meanwhile (another flow's) may change it.
	t.Logf("saved: %d listings queued in job %d; the preview counted %d", queued, job, repriced)
	if got, want := tab.Text("#rules-saved"), d.text(t, "en", "rules.saved", queued, job); !strings.HasPrefix(got, want) {
		t.Errorf("saved: the page says %q, want %q", got, want)
	}
	if got := tab.Text("#rules-history-table tbody tr:first-child"); !strings.Contains(got, a.email) || !strings.Contains(got, rule.Name) {
		t.Errorf("the history's newest change is %q, want %s's edit of %s", got, a.email, rule.Name)
	}
	tab.Screenshot("saved")

	if status := tab.ClickNavigate("a#rules-saved-sync"); status != http.StatusOK {
		t.Fatalf("following the push: status %d", status)
	}
	if p, want := tab.Path(), fmt.Sprintf("/sync/jobs/%d", job); p != want {
		t.Fatalf("following the push led to %s, want %s", p, want)
	}
	waitSyncProgress(t, tab)
	tab.Screenshot("push finished")
}

// waitSyncProgress waits for the job page's live progress to say the job ended, and fails the
// test with the page's error text unless it finished.
func waitSyncProgress(t *testing.T, tab *browsertest.Tab) {
	t.Helper()
	tab.WaitJS(`['finished', 'failed'].includes(document.getElementById('sync-progress').getAttribute('data-state')) ||
  document.querySelector('#sync-progress [data-field="error"]').textContent.trim() !== ''`)
	state := browsertest.Eval[string](tab, `document.getElementById('sync-progress').getAttribute('data-state')`)
	if state != "finished" {
		tab.Screenshot("job " + state)
		t.Fatalf("the job is %s: %q", state, browsertest.Eval[string](tab, `document.querySelector('#sync-progress [data-field="error"]').textContent.trim()`))
	}
}

// placedSampleOrder waits for the WooCommerce sample order that the demo places (it is bought
// when the demo is ready, and the pipeline places it moments later) and returns it. It polls the
// demo's database for the rows appearing, as waitOrder does: the demo has no hook for it.
func (d *browserDemo) placedSampleOrder(t *testing.T, shop demoShop) store.Order {
	t.Helper()
	ctx := t.Context()
	deadline := time.Now().Add(3 * time.Minute) // a loaded machine: the demo also syncs and pushes
	for delay := 10 * time.Millisecond; ; delay = min(2*delay, 500*time.Millisecond) {
		list, err := d.st.ListOrders(ctx, store.OrderFilter{ShopID: shop.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range list {
			if o.IntcomexOrderNumber == "" {
				continue
			}
			events, err := d.st.OrderEvents(ctx, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range events {
				if e.Kind == store.OrderEventPlacement && len(e.APICallIDs) > 0 {
					return o
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no placed sample order in shop %d within 3 minutes: %+v", shop.ID, list)
		}
		select { // polling for rows appearing, not waiting for them to
		case <-ctx.Done():
			t.Fatal(ctx.Err())
		case <-time.After(delay):
		}
	}
}

// Support finds the WooCommerce sample order by its number, opens it, reads its timeline down to
// the placement and follows the PlaceOrder call behind it to the API log.
func browserOrderTimeline(t *testing.T, d *browserDemo) {
	shop := d.shopOn(t, store.PlatformWooCommerce)
	o := d.placedSampleOrder(t, shop)
	number := strings.TrimPrefix(o.StorefrontOrderNumber, "#")
	tab := d.tab(t)
	login(tab, d.newUser(t, users.RoleSupport))
	tab.Visit("/orders")
	tab.Fill("#orders-search", number)
	if status := tab.ClickNavigate("#orders-apply"); status != http.StatusOK {
		t.Fatalf("search: status %d", status)
	}
	if p := tab.Path(); !strings.Contains(p, "q="+url.QueryEscape(number)) {
		t.Errorf("searched on %s, want q=%s", p, number)
	}
	link := fmt.Sprintf(`#orders tr[data-order-id="%d"] a[data-testid="order-link"]`, o.ID)
	if got := tab.Text(link); got != o.StorefrontOrderNumber && got != number {
		t.Errorf("the order's link says %q, want %s", got, o.StorefrontOrderNumber)
	}
	tab.Screenshot("found " + number)
	if status := tab.ClickNavigate(link); status != http.StatusOK {
		t.Fatalf("opening order %s: status %d", number, status)
	}
	tab.WaitVisible("ol#order-timeline li.event[data-kind]")
	kinds := browsertest.Eval[[]string](tab, `Array.from(document.querySelectorAll('ol#order-timeline li.event')).map((li) => li.getAttribute('data-kind'))`)
	placement := `ol#order-timeline li.event[data-kind="placement"]`
	if tab.Count(placement) == 0 {
		t.Fatalf("the timeline has %v, no placement", kinds)
	}
	if got, want := tab.Text(placement+" .badge"), d.text(t, "en", "orders.kind.placement"); got != want {
		t.Errorf("the placement is labelled %q, want %q", got, want)
	}
	call := placement + " li[data-call-id]"
	id := browsertest.Eval[string](tab, fmt.Sprintf(`document.querySelector(%s).getAttribute('data-call-id')`, jsQuote(call)))
	tab.Screenshot("timeline")
	if status := tab.ClickNavigate(call + " a"); status != http.StatusOK {
		t.Fatalf("the placement's call %s: status %d", id, status)
	}
	if p := tab.Path(); p != "/logs/"+id {
		t.Errorf("the placement's call led to %s, want /logs/%s", p, id)
	}
	tab.WaitVisible(fmt.Sprintf(`#call-summary[data-call-id="%s"]`, id))
	if got := tab.Text("#call-summary"); !strings.Contains(strings.ToLower(got), "placeorder") {
		t.Errorf("the call behind the placement is not PlaceOrder: %q", got)
	}
	tab.Screenshot("call " + id)
}

// A stock sync started from the Sync page leads to its job's page, whose live progress ends
// finished.
func browserSyncRun(t *testing.T, d *browserDemo) {
	tab := d.jobTab(t)
	login(tab, d.newUser(t, users.RoleAdmin))
	tab.Visit("/sync")
	if status := tab.ClickNavigate("#sync-run-stock"); status != http.StatusOK {
		t.Fatalf("run a stock sync: status %d", status)
	}
	if p := tab.Path(); !strings.HasPrefix(p, "/sync/jobs/") {
		t.Fatalf("a stock sync led to %s, want its job's page", p)
	}
	tab.Screenshot("queued")
	waitSyncProgress(t, tab)
	if got, want := tab.Text(`#sync-progress [data-field="state"]`), d.text(t, "en", "sync.state.finished"); got != want {
		t.Errorf("the progress says %q, want %q", got, want)
	}
	tab.WaitVisible("#sync-job-run")
	if status := tab.ClickNavigate("#sync-job-run"); status != http.StatusOK || !strings.HasPrefix(tab.Path(), "/sync/runs/") {
		t.Errorf("the job's run: status %d on %s", status, tab.Path())
	}
}

// phone is the viewport of a phone (a 390×844 CSS-pixel screen, touch).
func phone(tab *browsertest.Tab) {
	browsertest.Run(tab, "emulate a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
}

// noOverflowJS is true when the page is no wider than the screen.
const noOverflowJS = `document.documentElement.scrollWidth <= window.innerWidth`

// On a phone-sized screen the dashboard and the orders list fit the width (wide tables scroll
// inside their box), and the navigation folds behind the menu button, which opens and closes it.
func browserPhone(t *testing.T, d *browserDemo) {
	tab := d.tab(t)
	phone(tab)
	login(tab, d.newUser(t, users.RoleSupport))
	for _, p := range []string{"/", "/orders"} {
		tab.Visit(p)
		if width := browsertest.Eval[int](tab, `window.innerWidth`); width != 390 {
			t.Fatalf("%s: the window is %d pixels wide, want the phone's 390", p, width)
		}
		if !browsertest.Eval[bool](tab, noOverflowJS) {
			tab.Screenshot("overflow " + p)
			wide := browsertest.Eval[[]string](tab, `Array.from(document.querySelectorAll('body *'))
  .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1 && !el.closest('.table-wrap, pre'))
  .slice(0, 10).map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className ? '.' + String(el.className).replace(/ /g, '.') : ''))`)
			t.Errorf("%s is %d pixels wide on a 390-pixel screen; too wide: %v", p, browsertest.Eval[int](tab, `document.documentElement.scrollWidth`), wide)
		}
		tab.Screenshot("phone " + p)
	}
	navShown := `getComputedStyle(document.getElementById('site-nav')).display !== 'none'`
	toggle := "button.nav-toggle"
	if browsertest.Eval[bool](tab, navShown) {
		t.Fatal("on a phone the navigation is shown before the menu button opens it")
	}
	tab.Click(toggle)
	tab.WaitJS(navShown + ` && document.querySelector('button.nav-toggle').getAttribute('aria-expanded') === 'true'`)
	tab.WaitVisible(`#site-nav a[href="/orders"]`)
	tab.Screenshot("menu open")
	tab.Click(toggle)
	tab.WaitJS(`!(` + navShown + `) && document.querySelector('button.nav-toggle').getAttribute('aria-expanded') === 'false'`)
}
