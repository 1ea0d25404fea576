package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/margin"
	"github.com/intcomex-connector/connector/connector/mirror"
	"github.com/intcomex-connector/connector/connector/rules"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/connector/syncjob"
	"github.com/intcomex-connector/connector/migrations"
	"github.com/intcomex-connector/connector/pricing"
)

func init() {
	im := rules.Impact{CurrencyBefore: "USD", CurrencyAfter: "CLP", Products: 3, Compared: 2, Up: 1, Down: 1,
		TotalBefore: decimal.NewFromInt(10), TotalAfter: decimal.NewFromInt(12),
		Largest: []rules.PriceMove{{SKU: "A", Before: decimal.NewFromInt(1), After: decimal.NewFromInt(2), Amount: decimal.NewFromInt(1), Percent: decimal.NewFromInt(100), RuleBefore: "x", RuleAfter: "default"}}}
	for _, b := range rules.Buckets {
		im.Histogram = append(im.Histogram, rules.BucketCount{Bucket: b, Count: 1})
	}
	quote := rules.Quote{Priced: true, Text: "12.00", Currency: "USD", Explanation: pricing.ExplanationDoc{Rule: "Cases",
		Matched: []string{"m"}, Skipped: []pricing.SkipDoc{{Rule: "N", Reason: "r"}}, Steps: []pricing.StepDoc{{Step: "cost", Value: "1", Note: "n"}}}}
	items := []rules.PreviewItem{
		{SKU: "A", Found: true, Title: "T", Excluded: "filtered", Current: quote, Proposed: rules.Quote{Reason: "unpriceable", Error: "e"},
			Move: &rules.PriceMove{Amount: decimal.NewFromInt(-1), Percent: decimal.NewFromInt(-5)}, Bucket: "-5..-1"},
		{SKU: "B"},
	}
	editor := func(mode string) rulesEditorData {
		d := rulesEditor(mode, rules.Document{ShopID: 1, Rules: &pricing.Rules{Rules: []pricing.Rule{{Name: "R"}}}}, "Shop", 0,
			url.Values{"document": {"{}"}}, rulesFormErrors{Fields: map[string][]string{"name": {"bad"}, "": {"x"}}, General: []string{"g"}})
		d.Stale = true
		d.Preview = rulesPreview{SKUs: "A", Items: items, Error: "e", Impact: (&UI{i18n: mustCatalogs()}).rulesImpactView("en", im)}
		return d
	}
	pageSamples["rules"] = rulesShopsData{Shops: []rules.ShopSummary{{ID: 1, Name: "S", Priced: true}, {ID: 2}}, Query: "q", Sort: "name",
		SortLinks: map[string]string{"name": "/rules?sort=name"}, Pager: rulesPager{Page: 2, Pages: 3, Prev: "/p", Next: "/n"}}
	rev := 1
	pageSamples["rules_shop"] = rulesShopData{ShopID: 1, ShopName: "S", Doc: rules.Document{Rules: &pricing.Rules{}},
		Settings: []rulesPair{{"rules.field.currency", "USD"}, {"rules.field.fx_rate", ""}},
		Rules:    []rulesRow{{Index: 0, Name: "R", Match: []rulesPair{{"rules.field.category", "cpt"}}, First: true}, {Index: 1, Last: true}},
		History: []rulesHistoryRow{{Change: rules.Change{ID: 1, Action: rules.ActionMove, FromIndex: &rev, ToIndex: &rev}, From: "1", To: "2"},
			{Change: rules.Change{ID: 2, Action: rules.ActionSettings}}},
		Pager: rulesPager{Page: 1, Pages: 2, Next: "/n"}, Saved: &rulesSavedNote{Queued: 3, Job: 4}, ImportErrors: []string{"x: y"}}
	pageSamples["rules_edit"] = editor(rulesModeEdit)
	pageSamples["rules_change"] = rulesChangeData{ShopID: 1, ShopName: "S",
		Change: rulesHistoryRow{Change: rules.Change{ID: 1, Action: rules.ActionUpdate, RuleName: "R"}, From: "1", To: "2"},
		Diff: rulesDiff{Settings: []rulesFieldChange{{"rules.field.currency", "USD", ""}}, Added: []rulesRuleSummary{{Name: "A"}},
			Removed: []rulesRuleSummary{{Name: "B"}}, Changed: []rulesRuleChange{{Name: "C", Fields: []rulesFieldChange{{"rules.field.priority", "1", "2"}}}},
			OrderBefore: []string{"a"}, OrderAfter: []string{"b"}, Before: "{}", After: "{}"}}
}

// testWriter sends the UI's log to the test's.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func mustCatalogs() *catalogs {
	cs, err := loadCatalogs()
	if err != nil {
		panic(err)
	}
	return cs
}

// rulesBase prices the known set: Notebooks (margin 12), Cases (markup 30), Licences (markup 8,
// a type the shop does not sell), default markup 20.
const rulesBase = `{"currency":"USD","default":{"markup_percent":"20"},
  "rules":[
    {"name":"Notebooks","priority":10,"match":{"category":"cpt.nb"},"margin_percent":"12"},
    {"name":"Cases","priority":20,"match":{"category":"cco"},"markup_percent":"30"},
    {"name":"Licences","priority":30,"match":{"types":["License"]},"markup_percent":"8"}]}`

// rulesEnv is a UI on a real store with one memory shop (USD) priced by rulesBase, whose
// account mirrors:
//
//	N1 cpt.nb 88   Notebooks: 100.00
//	C1 cco    100  Cases:     130.00
//	C2 cco    50   Cases:      65.00
//	D1 acc    100  default:   120.00
//	D2 acc    10   default:    12.00
type rulesEnv struct {
	*fixture
	ctx  context.Context
	st   *store.Store
	jc   *jobs.Client
	svc  *rules.Service
	shop int64
}

func newRulesEnv(t *testing.T, st *store.Store) *rulesEnv {
	t.Helper()
	ctx := context.Background()
	acct := saveTestIWSAccount(t, st)
	shop, err := st.SaveShop(ctx, store.Shop{Name: "Tienda", Platform: store.PlatformMemory, Credentials: "{}",
		IWSAccountID: acct.ID, Currency: "USD", Locale: "en"})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := pricing.ParseRules(strings.NewReader(rulesBase))
	if err != nil {
		t.Fatal(err)
	}
	if err := margin.Replace(ctx, st, shop.ID, doc); err != nil {
		t.Fatal(err)
	}
	product := func(sku, category, cost string) *mirror.Product {
		return &mirror.Product{AccountID: acct.ID, SKU: sku, CategoryID: category, BrandID: "hp", Brand: "HP", Type: "Physical",
			Cost: decimal.RequireFromString(cost), Currency: "USD", Sellable: true, Active: true, StockTotal: 10,
			DescriptionES: "Producto " + sku, DescriptionEN: "Product " + sku}
	}
	if err := st.SaveProducts(ctx, []*mirror.Product{product("N1", "cpt.nb", "88"), product("C1", "cco", "100"),
		product("C2", "cco", "50"), product("D1", "acc", "100"), product("D2", "acc", "10")}); err != nil {
		t.Fatal(err)
	}
	jc, err := jobs.NewClient(st, jobs.Config{})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := rules.New(st, jc, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, func(c *UIConfig) {
		c.Rules = RulesDeps{Rules: svc}
		c.Logger = slog.New(slog.NewTextHandler(testWriter{t}, nil))
	})
	return &rulesEnv{fixture: f, ctx: ctx, st: st, jc: jc, svc: svc, shop: shop.ID}
}

// sqliteRulesEnv is a rulesEnv on SQLite alone, for the tests of the HTTP layer that make many
// environments.
func sqliteRulesEnv(t *testing.T) *rulesEnv {
	return newRulesEnv(t, storetest.New(t, migrations.SQLite, true))
}

func (e *rulesEnv) path(format string, args ...any) string {
	p := strings.ReplaceAll(format, "SHOP", fmt.Sprint(e.shop))
	if len(args) == 0 {
		return p
	}
	return fmt.Sprintf(p, args...)
}

// send serves a request with a raw body as w.
func (e *rulesEnv) send(t *testing.T, w who, method, path, ctype string, body []byte) *httptest.ResponseRecorder {
	t.Helper()
	hr := httptest.NewRequest(method, path, bytes.NewReader(body))
	if ctype != "" {
		hr.Header.Set("Content-Type", ctype)
	}
	switch w {
	case support:
		hr.AddCookie(session(e.supportSession))
	case admin:
		hr.AddCookie(session(e.adminSession))
	}
	rec := httptest.NewRecorder()
	e.router.ServeHTTP(rec, hr)
	return rec
}

func (e *rulesEnv) sendJSON(t *testing.T, w who, method, path string, body any) *httptest.ResponseRecorder {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return e.send(t, w, method, path, "application/json", b)
}

func (e *rulesEnv) post(t *testing.T, w who, path string, form url.Values) *httptest.ResponseRecorder {
	t.Helper()
	return e.do(t, e.as(w, req{method: "POST", path: path, form: form}))
}

func (e *rulesEnv) get(t *testing.T, w who, path string) *httptest.ResponseRecorder {
	t.Helper()
	return e.do(t, e.as(w, req{method: "GET", path: path}))
}

func (e *rulesEnv) doc(t *testing.T) rules.Document {
	t.Helper()
	d, err := e.svc.Get(e.ctx, e.shop)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func (e *rulesEnv) pushJobs(t *testing.T) []*jobs.JobRow {
	t.Helper()
	list, err := e.jc.List(e.ctx, jobs.ListFilter{Kinds: []string{syncjob.KindPushListings}})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// ruleForm is the edit form of rule i of the env's rules as the page fills it, with changes.
func (e *rulesEnv) ruleForm(t *testing.T, i int, changes map[string]string) url.Values {
	t.Helper()
	d := e.doc(t)
	v := ruleValues(d.Rules.Rules[i])
	v.Set("mode", rulesModeEdit)
	v.Set("index", fmt.Sprint(i))
	v.Set("revision", fmt.Sprint(d.Revision))
	for k, val := range changes {
		v.Set(k, val)
	}
	return v
}

func multipartFile(t *testing.T, fields map[string]string, file string) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile("file", "rules.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write([]byte(file)); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return mw.FormDataContentType(), b.Bytes()
}

// TestRulesRoutesByRole requests every route of the section as an anonymous visitor, a support
// user and an admin, and fails when a route is missing from the table. Support reads everything
// and changes nothing (403); the editors are not even shown to it.
func TestRulesRoutesByRole(t *testing.T) {
	t.Parallel()
	const login = "/login?next="
	type want struct {
		status   int
		location string
	}
	ok, created := want{200, ""}, want{201, ""}
	forbidden, unauthorized := want{403, ""}, want{401, ""}
	saved := want{303, "/rules/SHOP"}
	edit := map[string]string{"markup_percent": "31"}
	tests := []struct {
		method, route, path string
		form                func(e *rulesEnv) url.Values
		json                any
		anon                want
		admin               want
	}{
		{"GET", "/rules", "/rules", nil, nil, want{303, login + "%2Frules"}, ok},
		{"GET", "/rules/:shop", "/rules/SHOP", nil, nil, want{303, login + "%2Frules%2FSHOP"}, ok},
		{"GET", "/rules/:shop/export", "/rules/SHOP/export", nil, nil, want{303, login + "%2Frules%2FSHOP%2Fexport"}, ok},
		{"GET", "/rules/:shop/history/:change", "/rules/SHOP/history/CHANGE", nil, nil, want{303, login + "%2Frules%2FSHOP%2Fhistory%2FCHANGE"}, ok},
		{"GET", "/rules/:shop/new", "/rules/SHOP/new", nil, nil, want{303, login + "%2Frules%2FSHOP%2Fnew"}, ok},
		{"POST", "/rules/:shop/new", "/rules/SHOP/new", func(e *rulesEnv) url.Values {
			return url.Values{"mode": {"new"}, "name": {"Acc"}, "priority": {"5"}, "match.category": {"acc"}, "markup_percent": {"25"}}
		}, nil, want{303, "/login"}, saved},
		{"GET", "/rules/:shop/settings", "/rules/SHOP/settings", nil, nil, want{303, login + "%2Frules%2FSHOP%2Fsettings"}, ok},
		{"POST", "/rules/:shop/settings", "/rules/SHOP/settings", func(e *rulesEnv) url.Values {
			v := rulesSettingsValues(e.doc(t).Rules)
			v.Set("default.markup_percent", "22")
			return v
		}, nil, want{303, "/login"}, saved},
		{"POST", "/rules/:shop/import", "/rules/SHOP/import", func(e *rulesEnv) url.Values {
			return url.Values{"document": {rulesBase}, "op": {"preview"}}
		}, nil, want{303, "/login"}, ok},
		{"GET", "/rules/:shop/:index/edit", "/rules/SHOP/1/edit", nil, nil, want{303, login + "%2Frules%2FSHOP%2F1%2Fedit"}, ok},
		{"POST", "/rules/:shop/:index/edit", "/rules/SHOP/1/edit", func(e *rulesEnv) url.Values { return e.ruleForm(t, 1, edit) },
			nil, want{303, "/login"}, saved},
		{"POST", "/rules/:shop/:index/move", "/rules/SHOP/1/move", func(e *rulesEnv) url.Values { return url.Values{"to": {"0"}} },
			nil, want{303, "/login"}, saved},
		{"POST", "/rules/:shop/:index/delete", "/rules/SHOP/1/delete", func(e *rulesEnv) url.Values { return url.Values{"confirmed": {"yes"}} },
			nil, want{303, "/login"}, saved},
		{"GET", "/api/v1/rules", "/api/v1/rules", nil, nil, unauthorized, ok},
		{"GET", "/api/v1/rules/:shop", "/api/v1/rules/SHOP", nil, nil, unauthorized, ok},
		{"GET", "/api/v1/rules/:shop/export", "/api/v1/rules/SHOP/export", nil, nil, unauthorized, ok},
		{"GET", "/api/v1/rules/:shop/history", "/api/v1/rules/SHOP/history", nil, nil, unauthorized, ok},
		{"GET", "/api/v1/rules/:shop/history/:change", "/api/v1/rules/SHOP/history/CHANGE", nil, nil, unauthorized, ok},
		{"GET", "/api/v1/rules/:shop/sample", "/api/v1/rules/SHOP/sample", nil, nil, unauthorized, ok},
		{"POST", "/api/v1/rules/:shop/preview", "/api/v1/rules/SHOP/preview", nil,
			map[string]any{"action": "update", "index": 1, "rule": map[string]any{"name": "Cases", "match": map[string]any{"category": "cco"}, "markup_percent": "10"}},
			unauthorized, ok},
		{"POST", "/api/v1/rules/:shop/rules", "/api/v1/rules/SHOP/rules", nil,
			map[string]any{"rule": map[string]any{"name": "Acc", "match": map[string]any{"category": "acc"}, "markup_percent": "25"}},
			unauthorized, created},
		{"PUT", "/api/v1/rules/:shop/rules/:index", "/api/v1/rules/SHOP/rules/1", nil,
			map[string]any{"rule": map[string]any{"name": "Cases", "match": map[string]any{"category": "cco"}, "markup_percent": "10"}},
			unauthorized, ok},
		{"DELETE", "/api/v1/rules/:shop/rules/:index", "/api/v1/rules/SHOP/rules/1", nil, nil, unauthorized, ok},
		{"POST", "/api/v1/rules/:shop/rules/:index/move", "/api/v1/rules/SHOP/rules/1/move", nil, map[string]any{"to": 0}, unauthorized, ok},
		{"PUT", "/api/v1/rules/:shop/settings", "/api/v1/rules/SHOP/settings", nil,
			map[string]any{"settings": map[string]any{"currency": "USD", "default": map[string]any{"markup_percent": "21"}}}, unauthorized, ok},
		{"POST", "/api/v1/rules/:shop/import", "/api/v1/rules/SHOP/import", nil, json.RawMessage(rulesBase), unauthorized, ok},
	}
	f := newFixture(t, func(c *UIConfig) { c.Rules = RulesDeps{Rules: &rules.Service{}} })
	covered := map[string]bool{}
	for _, tt := range tests {
		covered[tt.method+" "+tt.route] = true
	}
	for _, r := range f.router.Routes() {
		if (strings.HasPrefix(r.Path, "/rules") || strings.HasPrefix(r.Path, "/api/v1/rules")) && !covered[r.Method+" "+r.Path] {
			t.Errorf("route %s %s is not in the table", r.Method, r.Path)
		}
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.route, func(t *testing.T) {
			t.Parallel()
			e := sqliteRulesEnv(t)
			// An audit entry to show: a change of the default.
			s := rules.SettingsOf(e.doc(t).Rules)
			s.Default.MarkupPercent = "21"
			first, err := e.svc.Apply(e.ctx, e.shop, "someone@example.com", rules.ChangeSettings(s))
			if err != nil {
				t.Fatal(err)
			}
			path := strings.ReplaceAll(e.path(tt.path), "CHANGE", fmt.Sprint(first.Change.ID))
			serve := func(w who) *httptest.ResponseRecorder {
				switch {
				case tt.form != nil:
					return e.post(t, w, path, tt.form(e))
				case tt.json != nil:
					return e.sendJSON(t, w, tt.method, path, tt.json)
				default:
					return e.send(t, w, tt.method, path, "", nil)
				}
			}
			editor := strings.HasSuffix(tt.route, "/new") || strings.HasSuffix(tt.route, "/edit") || strings.HasSuffix(tt.route, "/settings")
			for _, w := range []who{anonymous, support, admin} {
				var exp want
				switch {
				case w == anonymous:
					exp = tt.anon
				case w == support && (tt.method != "GET" || editor):
					exp = forbidden
				case w == support:
					exp = ok
				default:
					exp = tt.admin
				}
				exp.location = e.path(strings.ReplaceAll(exp.location, "CHANGE", fmt.Sprint(first.Change.ID)))
				resp := serve(w)
				if resp.Code != exp.status {
					t.Fatalf("as %s: status %d, want %d: %.500s", w, resp.Code, exp.status, resp.Body)
				}
				if loc := resp.Header().Get("Location"); loc != exp.location {
					t.Errorf("as %s: Location %q, want %q", w, loc, exp.location)
				}
				if strings.HasPrefix(path, "/api/") && resp.Code >= 400 {
					checkAPIError(t, resp, map[int]string{401: "unauthorized", 403: "forbidden"}[resp.Code])
				}
			}
		})
	}
}

// TestRulesPagesShowWritesToAdminsOnly: support sees the rules, the settings, the export and the
// audit trail, and no control that changes anything.
func TestRulesPagesShowWritesToAdminsOnly(t *testing.T) {
	t.Parallel()
	e := sqliteRulesEnv(t)
	writes := []string{`id="rule-new"`, `id="rules-import-form"`, `id="rule-edit-0"`, `id="rule-delete-1"`, `id="rule-up-1"`,
		`id="rule-down-0"`, `id="rules-settings-edit"`, `action="/rules/`}
	reads := []string{`id="rules-table"`, `data-rule-name="Cases"`, `id="rules-settings"`, `id="rules-export"`, `id="rules-history"`}
	for _, w := range []who{support, admin} {
		body := e.get(t, w, e.path("/rules/SHOP")).Body.String()
		for _, s := range reads {
			if !strings.Contains(body, s) {
				t.Errorf("as %s: the page lacks %s", w, s)
			}
		}
		for _, s := range writes {
			if got := strings.Contains(body, s); got != (w == admin) {
				t.Errorf("as %s: %s shown: %v", w, s, got)
			}
		}
	}
	picker := e.get(t, support, "/rules").Body.String()
	if !strings.Contains(picker, e.path(`href="/rules/SHOP"`)) || strings.Contains(picker, `method="post" action="/rules`) {
		t.Errorf("the picker as support: %s", picker)
	}
}

// TestRulesEditShowsProblemsBesideFields: a rule with problems is refused with each problem
// beside its field, in the words `connector rules import` uses for the same file, and nothing
// is saved.
func TestRulesEditShowsProblemsBesideFields(t *testing.T) {
	t.Parallel()
	e := sqliteRulesEnv(t)
	tests := []struct {
		name    string
		changes map[string]string
		want    map[string]string // element id of the error → message
	}{
		{"margin at 100 and a markup too", map[string]string{"margin_percent": "100"}, map[string]string{
			"rule-margin-error": "must be below 100",
			"":                  "markup_percent and margin_percent are both set; keep one"}},
		{"no percentage", map[string]string{"markup_percent": ""}, map[string]string{
			"": `needs markup_percent or margin_percent (write &#34;markup_percent&#34;: &#34;0&#34; to sell at cost)`}},
		{"a taken name, a bad category, a bad priority", map[string]string{"name": "notebooks", "match.category": "cco..x", "priority": "high"},
			map[string]string{
				"rule-name-error":     `&#34;notebooks&#34; is already the name of rules[0]`,
				"rule-category-error": `&#34;cco..x&#34; is not a dotted IWS category id such as &#34;cpt&#34; or &#34;cpt.nb&#34;`,
				"rule-priority-error": "must be a whole number"}},
		{"no condition", map[string]string{"match.category": ""}, map[string]string{
			"match": "has no condition; a rule for every product belongs in default"}},
		{"a negative cost", map[string]string{"match.cost_min": "-1"}, map[string]string{"rule-cost-min-error": "must not be negative"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := e.ruleForm(t, 1, tt.changes)
			form.Set("op", "save")
			resp := e.post(t, admin, e.path("/rules/SHOP/1/edit"), form)
			body := resp.Body.String()
			if resp.Code != http.StatusBadRequest {
				t.Fatalf("status %d: %.500s", resp.Code, body)
			}
			for id, msg := range tt.want {
				var re *regexp.Regexp
				switch id {
				case "":
					re = regexp.MustCompile(`data-error-for=""[^>]*>([^<]*)<`)
				case "match":
					re = regexp.MustCompile(`data-error-for="match"[^>]*>([^<]*)<`)
				default:
					re = regexp.MustCompile(`id="` + id + `"[^>]*>([^<]*)<`)
				}
				m := re.FindStringSubmatch(body)
				if m == nil || !strings.Contains(m[1], msg) {
					t.Errorf("beside %q: %q, want %q", id, m, msg)
				}
			}
			if strings.Contains(body, `id="rule-form-errors" class="form-error" role="alert">`) {
				t.Errorf("problems of the rule went to the general box: %s", body)
			}
		})
	}
	// The same problem in a rules file, imported: the CLI's line.
	_, err := rules.ParseImport(strings.NewReader(strings.Replace(rulesBase, `"margin_percent":"12"`, `"margin_percent":"100"`, 1)))
	if err == nil || !strings.Contains(err.Error(), "rules[0].margin_percent: must be below 100") {
		t.Errorf("the CLI's message: %v", err)
	}
	if d := e.doc(t); d.Revision != 0 || len(e.pushJobs(t)) != 0 {
		t.Errorf("a refused form saved: revision %d", d.Revision)
	}
}

var priceAfterRE = regexp.MustCompile(`(?s)<tr data-sku="C1"[^>]*>.*?class="num price-after">([^<]*)<`)

// TestRulesPreviewLive: the editor shows the sample priced now; the preview endpoint (what the
// script posts on every change) gives the price after the change with its explanation, the
// impact and the histogram, and the no-script Preview button renders the same.
func TestRulesPreviewLive(t *testing.T) {
	t.Parallel()
	e := sqliteRulesEnv(t)
	page := e.get(t, admin, e.path("/rules/SHOP/1/edit")).Body.String()
	for _, s := range []string{`<form id="rule-form"`, e.path(`data-preview-url="/api/v1/rules/SHOP/preview"`), `id="rule-markup"`,
		`name="revision" value="0"`, `id="rule-save"`, `id="preview-table"`, `id="impact-summary"`, `rules.js`} {
		if !strings.Contains(page, s) {
			t.Errorf("the editor lacks %s", s)
		}
	}
	if m := priceAfterRE.FindStringSubmatch(page); m == nil || m[1] != "130.00 USD" {
		t.Fatalf("C1 before any change: %q", m)
	}
	sample := regexp.MustCompile(`id="sample-skus" name="sample_skus" value="([^"]*)"`).FindStringSubmatch(page)
	if sample == nil || !strings.Contains(sample[1], "C1") {
		t.Fatalf("sample SKUs: %q", sample)
	}

	form := e.ruleForm(t, 1, map[string]string{"markup_percent": "10"})
	form.Set("sample_skus", sample[1])
	form.Set("fragments", "1")
	resp := e.post(t, admin, e.path("/api/v1/rules/SHOP/preview"), form)
	if resp.Code != http.StatusOK {
		t.Fatalf("preview: %d %s", resp.Code, resp.Body)
	}
	var ans struct {
		Items []struct {
			SKU      string `json:"sku"`
			Found    bool   `json:"found"`
			Current  struct{ Text string }
			Proposed struct {
				Text        string
				Explanation struct {
					Rule  string
					Steps []struct{ Step, Value string }
				}
			}
			Move *struct{ Percent string }
		} `json:"items"`
		Impact struct {
			Products, Compared, Up, Down, Unchanged int
			Histogram                               []struct {
				Key   string
				Count int
			}
		} `json:"impact"`
		Repriced   int               `json:"repriced"`
		SampleSKUs []string          `json:"sample_skus"`
		HTML       map[string]string `json:"html"`
	}
	if err := json.Unmarshal(resp.Body.Bytes(), &ans); err != nil {
		t.Fatal(err)
	}
	var c1 bool
	for _, it := range ans.Items {
		if it.SKU != "C1" {
			continue
		}
		c1 = true
		if it.Current.Text != "130.00" || it.Proposed.Text != "110.00" || it.Proposed.Explanation.Rule != "Cases" ||
			len(it.Proposed.Explanation.Steps) == 0 || it.Move == nil || it.Move.Percent != "-15.38" {
			t.Errorf("C1: %+v", it)
		}
	}
	if !c1 || len(ans.SampleSKUs) == 0 {
		t.Errorf("items %+v, sample %v", ans.Items, ans.SampleSKUs)
	}
	if im := ans.Impact; im.Products != 5 || im.Down != 2 || im.Unchanged != 3 || ans.Repriced != 2 || len(im.Histogram) != len(rules.Buckets) {
		t.Errorf("impact %+v, repriced %d", im, ans.Repriced)
	}
	if m := priceAfterRE.FindStringSubmatch(ans.HTML["preview"]); m == nil || m[1] != "110.00 USD" {
		t.Errorf("the preview fragment: %q", m)
	}
	if !strings.Contains(ans.HTML["impact"], `data-repriced="2"`) || !strings.Contains(ans.HTML["impact"], "<svg") {
		t.Errorf("the impact fragment: %s", ans.HTML["impact"])
	}

	// Without the script: the Preview button.
	form.Del("fragments")
	form.Set("op", "preview")
	resp = e.post(t, admin, e.path("/rules/SHOP/1/edit"), form)
	body := resp.Body.String()
	if m := priceAfterRE.FindStringSubmatch(body); resp.Code != http.StatusOK || m == nil || m[1] != "110.00 USD" {
		t.Errorf("the Preview button: %d %q", resp.Code, m)
	}
	if !strings.Contains(body, `data-repriced="2"`) || !strings.Contains(body, `id="impact-largest"`) {
		t.Errorf("the Preview button shows no impact")
	}
	if d := e.doc(t); d.Revision != 0 {
		t.Errorf("a preview saved")
	}

	// Chosen SKUs, one unknown; too many.
	form.Set("preview_skus", "D2, NOPE")
	body = e.post(t, admin, e.path("/rules/SHOP/1/edit"), form).Body.String()
	if !strings.Contains(body, `<tr data-sku="D2"`) || !strings.Contains(body, `<tr data-sku="NOPE"`) || strings.Contains(body, `<tr data-sku="C1"`) {
		t.Errorf("chosen SKUs not previewed: %s", body)
	}
	form.Set("preview_skus", strings.Repeat("X,", rules.MaxPreviewSKUs)+"Y")
	body = e.post(t, admin, e.path("/rules/SHOP/1/edit"), form).Body.String()
	if !strings.Contains(body, fmt.Sprintf("at most %d SKUs", rules.MaxPreviewSKUs)) {
		t.Errorf("too many SKUs: no message")
	}

	// A form with problems: 400, the problems by field for the script.
	form = e.ruleForm(t, 1, map[string]string{"margin_percent": "5"})
	resp = e.post(t, admin, e.path("/api/v1/rules/SHOP/preview"), form)
	var bad rulesAPIInvalid
	if err := json.Unmarshal(resp.Body.Bytes(), &bad); err != nil || resp.Code != http.StatusBadRequest {
		t.Fatalf("%d %s", resp.Code, resp.Body)
	}
	if bad.Error.Code != CodeInvalid || len(bad.Fields[""]) != 1 || len(bad.Problems) != 1 || bad.Problems[0].Path != "rules[1]" {
		t.Errorf("invalid answer %+v", bad)
	}
}

// TestRulesSaveQueuesPush: saving an edit applies it as the signed-in admin, queues the shop's
// push and says on the rules page how many listings it re-prices and which job pushes them; the
// audit trail shows who did what, and the change's page the documents before and after.
func TestRulesSaveQueuesPush(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newRulesEnv(t, st)
		form := e.ruleForm(t, 1, map[string]string{"markup_percent": "10", "op": "save"})
		resp := e.post(t, admin, e.path("/rules/SHOP/1/edit"), form)
		if resp.Code != http.StatusSeeOther || resp.Header().Get("Location") != e.path("/rules/SHOP") {
			t.Fatalf("save: %d %s", resp.Code, resp.Body)
		}
		jobsQueued := e.pushJobs(t)
		if len(jobsQueued) != 1 {
			t.Fatalf("push jobs: %d", len(jobsQueued))
		}
		d := e.doc(t)
		if d.Rules.Rules[1].MarkupPercent != "10" || d.Revision == 0 {
			t.Fatalf("not saved: %+v", d.Rules.Rules[1])
		}
		page := e.do(t, e.as(admin, req{method: "GET", path: e.path("/rules/SHOP"), cookies: resp.Result().Cookies()}))
		body := page.Body.String()
		want := fmt.Sprintf("Saved: 2 listings to re-price, push queued (job %d).", jobsQueued[0].ID)
		if !strings.Contains(body, want) || !strings.Contains(body, `id="rules-saved"`) || !strings.Contains(body, fmt.Sprintf(`href="/sync/jobs/%d" id="rules-saved-sync"`, jobsQueued[0].ID)) {
			t.Errorf("no %q on the rules page: %s", want, body)
		}
		if c := cookie(page, rulesSavedCookie); c == nil || c.MaxAge >= 0 {
			t.Errorf("the saved note is not cleared: %v", c)
		}
		for _, s := range []string{`id="rules-history"`, adminEmail, "Rule edited", `data-change-id="` + fmt.Sprint(d.Revision) + `"`} {
			if !strings.Contains(body, s) {
				t.Errorf("the audit trail lacks %s", s)
			}
		}
		change := e.get(t, support, e.path("/rules/SHOP/history/%d", d.Revision)).Body.String()
		for _, s := range []string{"Rules changed", "<h4>Cases</h4>", `<td class="before">30</td>`, `<td class="after">10</td>`,
			`id="rules-change-before"`, `&#34;markup_percent&#34;: &#34;30&#34;`, `&#34;markup_percent&#34;: &#34;10&#34;`} {
			if !strings.Contains(change, s) {
				t.Errorf("the change's page lacks %s", s)
			}
		}

		// The same save again changes nothing and queues nothing.
		form = e.ruleForm(t, 1, map[string]string{"op": "save"})
		resp = e.post(t, admin, e.path("/rules/SHOP/1/edit"), form)
		if resp.Code != http.StatusSeeOther || len(e.pushJobs(t)) != 1 || cookie(resp, flashCookie).Value != "info:rules.unchanged" {
			t.Errorf("unchanged save: %d, %d jobs", resp.Code, len(e.pushJobs(t)))
		}
	})
}

// TestRulesStaleFormRefused: a form read before someone else saved is refused with a message
// (409), whether it edits, moves or deletes, and changes nothing.
func TestRulesStaleFormRefused(t *testing.T) {
	t.Parallel()
	e := sqliteRulesEnv(t)
	stale := e.ruleForm(t, 1, map[string]string{"markup_percent": "11", "op": "save"})
	if _, err := e.svc.Apply(e.ctx, e.shop, "other@example.com", rules.Delete(0)); err != nil {
		t.Fatal(err)
	}
	resp := e.post(t, admin, e.path("/rules/SHOP/1/edit"), stale)
	if resp.Code != http.StatusConflict || !strings.Contains(resp.Body.String(), `id="rule-stale"`) ||
		!strings.Contains(resp.Body.String(), "changed since this form was opened") {
		t.Errorf("stale edit: %d %s", resp.Code, resp.Body)
	}
	resp = e.post(t, admin, e.path("/rules/SHOP/1/move"), url.Values{"to": {"0"}, "revision": {"0"}})
	if resp.Code != http.StatusSeeOther || cookie(resp, flashCookie).Value != "error:rules.stale" {
		t.Errorf("stale move: %d %v", resp.Code, cookie(resp, flashCookie))
	}
	if d := e.doc(t); d.Rules.Rules[0].Name != "Cases" || d.Rules.Rules[0].MarkupPercent != "30" {
		t.Errorf("a stale form changed the rules: %+v", d.Rules.Rules)
	}
	// The API: 409 conflict.
	resp = e.sendJSON(t, admin, "PUT", e.path("/api/v1/rules/SHOP/rules/0"), map[string]any{"revision": 0,
		"rule": map[string]any{"name": "Cases", "match": map[string]any{"category": "cco"}, "markup_percent": "10"}})
	if resp.Code != http.StatusConflict {
		t.Errorf("stale API update: %d %s", resp.Code, resp.Body)
	}
}

// TestRulesNewMoveDelete: a new rule goes last; up and down move it; a delete asks first.
func TestRulesNewMoveDelete(t *testing.T) {
	t.Parallel()
	e := sqliteRulesEnv(t)
	page := e.get(t, admin, e.path("/rules/SHOP/new")).Body.String()
	if !strings.Contains(page, `name="index" value="3"`) || !strings.Contains(page, `id="rule-priority" name="priority" value="40"`) {
		t.Errorf("the new rule's form: %s", page)
	}
	resp := e.post(t, admin, e.path("/rules/SHOP/new"), url.Values{"mode": {"new"}, "index": {"3"}, "revision": {"0"}, "op": {"save"},
		"name": {"Cheap"}, "priority": {"40"}, "match.cost_max": {"20"}, "match.brands": {"hp, lenovo\n"}, "markup_percent": {"50"}})
	if resp.Code != http.StatusSeeOther {
		t.Fatalf("create: %d %s", resp.Code, resp.Body)
	}
	d := e.doc(t)
	if len(d.Rules.Rules) != 4 || d.Rules.Rules[3].Name != "Cheap" || strings.Join(d.Rules.Rules[3].Match.Brands, "|") != "hp|lenovo" {
		t.Fatalf("created: %+v", d.Rules.Rules)
	}
	resp = e.post(t, admin, e.path("/rules/SHOP/3/move"), url.Values{"to": {"2"}, "revision": {fmt.Sprint(d.Revision)}})
	if resp.Code != http.StatusSeeOther {
		t.Fatalf("move: %d %s", resp.Code, resp.Body)
	}
	if d = e.doc(t); d.Rules.Rules[2].Name != "Cheap" {
		t.Fatalf("moved: %+v", d.Rules.Rules)
	}
	// Without the confirmation, the server asks.
	resp = e.post(t, admin, e.path("/rules/SHOP/2/delete"), url.Values{"revision": {fmt.Sprint(d.Revision)}})
	if resp.Code != http.StatusOK || !strings.Contains(resp.Body.String(), `Delete the rule &#34;Cheap&#34;?`) {
		t.Fatalf("delete, unconfirmed: %d %s", resp.Code, resp.Body)
	}
	if len(e.doc(t).Rules.Rules) != 4 {
		t.Fatal("deleted without confirmation")
	}
	resp = e.post(t, admin, e.path("/rules/SHOP/2/delete"), url.Values{"revision": {fmt.Sprint(d.Revision)}, "confirmed": {"yes"}})
	if resp.Code != http.StatusSeeOther || len(e.doc(t).Rules.Rules) != 3 {
		t.Fatalf("delete: %d", resp.Code)
	}
	// A rule that is not there, a malformed index: 404.
	for _, p := range []string{"/rules/SHOP/7/edit", "/rules/SHOP/x/edit", "/rules/999/new", "/rules/0"} {
		if got := e.get(t, admin, e.path(p)).Code; got != http.StatusNotFound {
			t.Errorf("%s: %d", p, got)
		}
	}
	if got := e.post(t, admin, e.path("/rules/SHOP/9/delete"), url.Values{"confirmed": {"yes"}}).Code; got != http.StatusNotFound {
		t.Errorf("delete of no rule: %d", got)
	}
}

// TestRulesSettings: the settings form shows the shop's currency, rounding and default action;
// its problems are beside their fields; saving queues the push.
func TestRulesSettings(t *testing.T) {
	t.Parallel()
	e := sqliteRulesEnv(t)
	page := e.get(t, admin, e.path("/rules/SHOP/settings")).Body.String()
	if !strings.Contains(page, `id="settings-currency" name="currency" value="USD"`) || !strings.Contains(page, `id="settings-markup" name="default.markup_percent" value="20"`) {
		t.Errorf("settings form: %s", page)
	}
	v := rulesSettingsValues(e.doc(t).Rules)
	v.Set("revision", "0")
	v.Set("currency", "XYZ")
	v.Set("rounding.step", "0.005")
	v.Set("default.markup_percent", "")
	resp := e.post(t, admin, e.path("/rules/SHOP/settings"), v)
	body := resp.Body.String()
	if resp.Code != http.StatusBadRequest {
		t.Fatalf("status %d", resp.Code)
	}
	for id, msg := range map[string]string{
		`id="settings-currency-error"`: "unknown currency &#34;XYZ&#34;",
		`data-error-for="default"`:     "needs markup_percent or margin_percent",
	} {
		if m := regexp.MustCompile(regexp.QuoteMeta(id) + `[^>]*>([^<]*)<`).FindStringSubmatch(body); m == nil || !strings.Contains(m[1], msg) {
			t.Errorf("%s: %q, want %q", id, m, msg)
		}
	}
	v.Set("currency", "USD")
	v.Set("rounding.step", "1")
	v.Set("rounding.minus", "0.01")
	v.Set("default.markup_percent", "25")
	resp = e.post(t, admin, e.path("/rules/SHOP/settings"), v)
	if resp.Code != http.StatusSeeOther || len(e.pushJobs(t)) != 1 {
		t.Fatalf("save settings: %d %s", resp.Code, resp.Body)
	}
	if d := e.doc(t); d.Rules.Rounding.Step != "1" || d.Rules.Default.MarkupPercent != "25" {
		t.Errorf("settings saved: %+v", d.Rules)
	}
}

// TestRulesImportAndExport: a refused file lists every problem beside the upload as the CLI
// prints them; a good one is reviewed (preview, impact) and then saved; the export is the
// rules file.
func TestRulesImportAndExport(t *testing.T) {
	t.Parallel()
	e := sqliteRulesEnv(t)
	bad := `{"currency":"USD","default":{"markup_percent":"20"},"rules":[{"name":"A","match":{"category":"cco"},"margin_percent":"120","brand":["x"]}]}`
	ctype, body := multipartFile(t, map[string]string{"revision": "0"}, bad)
	resp := e.send(t, admin, "POST", e.path("/rules/SHOP/import"), ctype, body)
	_, cliErr := rules.ParseImport(strings.NewReader(bad))
	if resp.Code != http.StatusBadRequest || cliErr == nil {
		t.Fatalf("bad import: %d %v", resp.Code, cliErr)
	}
	for _, line := range strings.Split(cliErr.Error(), "\n")[1:] {
		line = strings.TrimSpace(line)
		if !strings.Contains(resp.Body.String(), "<code>"+strings.ReplaceAll(line, `"`, "&#34;")+"</code>") {
			t.Errorf("the page lacks the CLI's %q: %s", line, resp.Body)
		}
	}
	good := strings.Replace(rulesBase, `"markup_percent":"30"`, `"markup_percent":"40"`, 1)
	ctype, body = multipartFile(t, map[string]string{"revision": "0"}, good)
	resp = e.send(t, admin, "POST", e.path("/rules/SHOP/import"), ctype, body)
	review := resp.Body.String()
	if resp.Code != http.StatusOK || !strings.Contains(review, `name="mode" value="import"`) || !strings.Contains(review, `data-repriced="2"`) {
		t.Fatalf("review: %d %s", resp.Code, review)
	}
	if e.doc(t).Revision != 0 {
		t.Fatal("the review saved")
	}
	resp = e.post(t, admin, e.path("/rules/SHOP/import"), url.Values{"mode": {"import"}, "document": {good}, "revision": {"0"}, "op": {"save"}})
	if resp.Code != http.StatusSeeOther || e.doc(t).Rules.Rules[1].MarkupPercent != "40" {
		t.Fatalf("import save: %d %s", resp.Code, resp.Body)
	}
	// No file.
	ctype, body = multipartFile(t, nil, "")
	resp = e.send(t, admin, "POST", e.path("/rules/SHOP/import"), ctype, []byte(strings.Replace(string(body), `name="file"`, `name="other"`, 1)))
	if resp.Code != http.StatusBadRequest || !strings.Contains(resp.Body.String(), "Choose a rules file") {
		t.Errorf("no file: %d", resp.Code)
	}

	want, err := e.svc.Export(e.ctx, e.shop)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/rules/SHOP/export", "/api/v1/rules/SHOP/export"} {
		resp = e.get(t, support, e.path(p))
		if resp.Code != http.StatusOK || !bytes.Equal(resp.Body.Bytes(), want) ||
			resp.Header().Get("Content-Disposition") != e.path(`attachment; filename="rules-shop-SHOP.json"`) {
			t.Errorf("%s: %d %q", p, resp.Code, resp.Header().Get("Content-Disposition"))
		}
	}
}

// TestRulesHistoryPaginates: the audit trail pages on the server; links keep the other
// parameters.
func TestRulesHistoryPaginates(t *testing.T) {
	t.Parallel()
	e := sqliteRulesEnv(t)
	for i := range 5 {
		s := rules.SettingsOf(e.doc(t).Rules)
		s.Default.MarkupPercent = pricing.Number(fmt.Sprint(21 + i))
		if _, err := e.svc.Apply(e.ctx, e.shop, fmt.Sprintf("u%d@example.com", i), rules.ChangeSettings(s)); err != nil {
			t.Fatal(err)
		}
	}
	body := e.get(t, support, e.path("/rules/SHOP?per_page=2&page=2")).Body.String()
	for _, s := range []string{"u2@example.com", "u1@example.com", "Page 2 of 3", `href="/rules/` + fmt.Sprint(e.shop) + `?page=1&amp;per_page=2#rules-history"`,
		`?page=3&amp;per_page=2#rules-history"`} {
		if !strings.Contains(body, s) {
			t.Errorf("page 2 lacks %s", s)
		}
	}
	if strings.Contains(body, "u4@example.com") || strings.Contains(body, "u0@example.com") {
		t.Errorf("page 2 shows other pages' entries")
	}
	resp := e.get(t, support, e.path("/api/v1/rules/SHOP/history?page=3&per_page=2"))
	var h struct {
		Changes []struct {
			ID     int64  `json:"id"`
			Actor  string `json:"actor"`
			Action string `json:"action"`
			Before string `json:"before"`
			After  string `json:"after"`
		} `json:"changes"`
		Total   int `json:"total"`
		Page    int `json:"page"`
		PerPage int `json:"per_page"`
	}
	if err := json.Unmarshal(resp.Body.Bytes(), &h); err != nil {
		t.Fatal(err)
	}
	if h.Total != 5 || h.Page != 3 || h.PerPage != 2 || len(h.Changes) != 1 || h.Changes[0].Actor != "u0@example.com" ||
		h.Changes[0].Action != "settings" || !strings.Contains(h.Changes[0].After, `"markup_percent": "21"`) {
		t.Errorf("history %+v", h)
	}
	resp = e.get(t, support, e.path("/api/v1/rules/SHOP/history/%d", h.Changes[0].ID))
	if resp.Code != http.StatusOK || !strings.Contains(resp.Body.String(), `"actor":"u0@example.com"`) {
		t.Errorf("change: %d %s", resp.Code, resp.Body)
	}
	if got := e.get(t, support, e.path("/api/v1/rules/SHOP/history/99999")).Code; got != http.StatusNotFound {
		t.Errorf("unknown change: %d", got)
	}
}

// TestRulesHistoryFiltersAndSorts: the audit trail filters by who, action, rule and day and
// sorts by its columns, in the page and the API; a wrong parameter is shown beside its field (the
// page) or refused with 400 (the API).
func TestRulesHistoryFiltersAndSorts(t *testing.T) {
	t.Parallel()
	e := sqliteRulesEnv(t)
	edits := []struct {
		actor string
		edit  func(d rules.Document) rules.Edit
	}{
		{"ana@example.com", func(d rules.Document) rules.Edit { return rules.Move(0, 1) }},
		{"bo@example.com", func(d rules.Document) rules.Edit {
			s := rules.SettingsOf(d.Rules)
			s.Default.MarkupPercent = "31"
			return rules.ChangeSettings(s)
		}},
		{"ana@example.com", func(d rules.Document) rules.Edit { return rules.Move(1, 0) }},
	}
	for _, ed := range edits {
		if _, err := e.svc.Apply(e.ctx, e.shop, ed.actor, ed.edit(e.doc(t))); err != nil {
			t.Fatal(err)
		}
	}
	rows := func(body string) []string {
		var out []string
		for _, part := range strings.Split(body, `data-action="`)[1:] {
			out = append(out, part[:strings.IndexByte(part, '"')])
		}
		return out
	}
	today := time.Now().UTC().Format(time.DateOnly)
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"", []string{"move", "settings", "move"}},
		{"?action=settings", []string{"settings"}},
		{"?actor=ANA", []string{"move", "move"}},
		{"?sort=action", []string{"move", "move", "settings"}},
		{"?sort=actor&desc=1", []string{"settings", "move", "move"}},
		{"?from=" + today + "&to=" + today, []string{"move", "settings", "move"}},
		{"?to=2020-01-01", nil},
	} {
		resp := e.get(t, support, e.path("/rules/SHOP"+tc.query))
		if got := rows(resp.Body.String()); resp.Code != http.StatusOK || !slices.Equal(got, tc.want) {
			t.Errorf("page %q: %d %v, want %v", tc.query, resp.Code, got, tc.want)
		}
	}
	body := e.get(t, support, e.path("/rules/SHOP?action=settings&sort=actor")).Body.String()
	for _, s := range []string{`<option value="settings" selected>`, `<input type="hidden" name="sort" value="actor">`,
		`aria-sort="ascending"><a href="/rules/` + fmt.Sprint(e.shop) + `?action=settings&amp;desc=1&amp;sort=actor#rules-history"`} {
		if !strings.Contains(body, s) {
			t.Errorf("filtered page lacks %s", s)
		}
	}
	if body := e.get(t, support, e.path("/rules/SHOP?rule=nothing-like-this")).Body.String(); !strings.Contains(body, `id="history-none"`) {
		t.Errorf("a filter matching nothing does not say so")
	}
	body = e.get(t, support, e.path("/rules/SHOP?action=rename&from=yesterday&sort=before")).Body.String()
	for _, s := range []string{`id="history-action-error">&#34;rename&#34; is not an action`, `id="history-from-error">&#34;yesterday&#34; is not a date`,
		"cannot be sorted by &#34;before&#34;"} {
		if !strings.Contains(body, s) {
			t.Errorf("page with wrong parameters lacks %s", s)
		}
	}

	var h struct {
		Changes []struct {
			Action string `json:"action"`
			Actor  string `json:"actor"`
		} `json:"changes"`
		Total int    `json:"total"`
		Sort  string `json:"sort"`
		Desc  bool   `json:"desc"`
	}
	resp := e.get(t, support, e.path("/api/v1/rules/SHOP/history?actor=bo@&sort=at"))
	if err := json.Unmarshal(resp.Body.Bytes(), &h); err != nil {
		t.Fatal(err)
	}
	if resp.Code != http.StatusOK || h.Total != 1 || len(h.Changes) != 1 || h.Changes[0].Action != "settings" || h.Sort != "at" || h.Desc {
		t.Errorf("API filtered history: %d %+v", resp.Code, h)
	}
	for query, want := range map[string]string{
		"?action=rename":                 `"code":"invalid"`,
		"?from=2026-12-02&to=2026-12-01": "end date is before",
		"?sort=before":                   "cannot be sorted",
	} {
		resp := e.get(t, support, e.path("/api/v1/rules/SHOP/history"+query))
		if resp.Code != http.StatusBadRequest || !strings.Contains(resp.Body.String(), want) {
			t.Errorf("API %s: %d %s, want 400 with %s", query, resp.Code, resp.Body, want)
		}
	}
}

// TestRulesShopsList: the picker filters, sorts and pages on the server, in the page and the
// API.
func TestRulesShopsList(t *testing.T) {
	t.Parallel()
	e := sqliteRulesEnv(t)
	for _, name := range []string{"Bodega", "Casa"} {
		if _, err := e.st.SaveShop(e.ctx, store.Shop{Name: name, Platform: store.PlatformMemory, IWSAccountID: 1, Currency: "CLP", Locale: "es"}); err != nil {
			t.Fatal(err)
		}
	}
	names := regexp.MustCompile(`<tr data-shop-id="\d+">\s*<th scope="row"><a href="/rules/\d+">([^<]+)</a>`)
	list := func(q string) []string {
		var out []string
		for _, m := range names.FindAllStringSubmatch(e.get(t, support, "/rules"+q).Body.String(), -1) {
			out = append(out, m[1])
		}
		return out
	}
	tests := []struct{ query, want string }{
		{"", "Bodega Casa Tienda"},
		{"?sort=name&desc=1", "Tienda Casa Bodega"},
		{"?sort=currency", "Bodega Casa Tienda"},
		{"?q=tien", "Tienda"},
		{"?per_page=2&page=2", "Tienda"},
	}
	for _, tt := range tests {
		if got := strings.Join(list(tt.query), " "); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.query, got, tt.want)
		}
	}
	body := e.get(t, support, "/rules?per_page=1&q=a").Body.String()
	if !strings.Contains(body, `href="/rules?page=2&amp;per_page=1&amp;q=a"`) || !strings.Contains(body, "Page 1 of 3") {
		t.Errorf("pager: %s", body)
	}
	if got := e.get(t, support, "/rules?sort=secret").Code; got != http.StatusBadRequest {
		t.Errorf("unknown sort: %d", got)
	}
	resp := e.get(t, support, "/api/v1/rules?sort=name&desc=1&per_page=2")
	var ans struct {
		Shops []struct {
			ID       int64  `json:"id"`
			Name     string `json:"name"`
			Currency string `json:"currency"`
			Rules    int    `json:"rules"`
			Priced   bool   `json:"priced"`
		} `json:"shops"`
		Total   int64  `json:"total"`
		Page    int    `json:"page"`
		PerPage int    `json:"per_page"`
		Sort    string `json:"sort"`
		Desc    bool   `json:"desc"`
	}
	if err := json.Unmarshal(resp.Body.Bytes(), &ans); err != nil {
		t.Fatal(err)
	}
	if ans.Total != 3 || ans.Page != 1 || ans.PerPage != 2 || ans.Sort != "name" || !ans.Desc || len(ans.Shops) != 2 ||
		ans.Shops[0].Name != "Tienda" || ans.Shops[0].Rules != 3 || !ans.Shops[0].Priced || ans.Shops[1].Priced {
		t.Errorf("API shops %+v", ans)
	}
	if got := e.get(t, support, "/api/v1/rules?sort=secret"); got.Code != http.StatusBadRequest {
		t.Errorf("API unknown sort: %d", got.Code)
	}
}

// TestRulesAPIWrites: the JSON API edits as the pages do, answers rules.Saved, and lists the
// problems of a refused edit with the CLI's messages and by field.
func TestRulesAPIWrites(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newRulesEnv(t, st)
		resp := e.sendJSON(t, admin, "POST", e.path("/api/v1/rules/SHOP/rules"), map[string]any{"index": 0, "revision": 0,
			"rule": map[string]any{"name": "Docks", "priority": 5, "match": map[string]any{"category": "acc"}, "margin_percent": "50"}})
		var saved struct {
			Unchanged bool `json:"unchanged"`
			Change    struct {
				ID      int64  `json:"id"`
				Actor   string `json:"actor"`
				Action  string `json:"action"`
				ToIndex *int   `json:"to_index"`
			} `json:"change"`
			Document struct {
				Revision int64 `json:"revision"`
				Rules    struct {
					Rules []struct{ Name string } `json:"rules"`
				} `json:"rules"`
			} `json:"document"`
			PushJobID int64 `json:"push_job_id"`
			Queued    int   `json:"queued"`
			Impact    struct {
				Up int `json:"up"`
			} `json:"impact"`
		}
		if err := json.Unmarshal(resp.Body.Bytes(), &saved); err != nil || resp.Code != http.StatusCreated {
			t.Fatalf("create: %d %s", resp.Code, resp.Body)
		}
		if saved.Change.Actor != adminEmail || saved.Change.Action != "create" || saved.Change.ToIndex == nil || *saved.Change.ToIndex != 0 ||
			saved.PushJobID == 0 || saved.Queued != 2 || saved.Impact.Up != 2 || saved.Document.Rules.Rules[0].Name != "Docks" {
			t.Errorf("saved %+v", saved)
		}
		// Problems: the CLI's text, every problem at its path, and by field.
		resp = e.sendJSON(t, admin, "PUT", e.path("/api/v1/rules/SHOP/rules/0"), map[string]any{
			"rule": map[string]any{"name": "Cases", "match": map[string]any{"brands": []string{""}}, "margin_percent": "x"}})
		var bad rulesAPIInvalid
		if err := json.Unmarshal(resp.Body.Bytes(), &bad); err != nil || resp.Code != http.StatusBadRequest {
			t.Fatalf("invalid update: %d %s", resp.Code, resp.Body)
		}
		if !strings.HasPrefix(bad.Error.Message, "pricing: invalid rules: 3 problems:") || len(bad.Problems) != 3 ||
			len(bad.Fields["name"]) != 1 || len(bad.Fields["match.brands"]) != 1 || len(bad.Fields["margin_percent"]) != 1 {
			t.Errorf("invalid answer %+v", bad)
		}
		for _, tt := range []struct {
			name, method, path string
			body               any
			status             int
		}{
			{"move", "POST", "/api/v1/rules/SHOP/rules/0/move", map[string]any{"to": 3}, 200},
			{"move past the end", "POST", "/api/v1/rules/SHOP/rules/0/move", map[string]any{"to": 9}, 400},
			{"update of no rule", "PUT", "/api/v1/rules/SHOP/rules/9", map[string]any{"rule": map[string]any{"name": "Z", "match": map[string]any{"category": "z"}, "markup_percent": "1"}}, 404},
			{"no rule given", "POST", "/api/v1/rules/SHOP/rules", map[string]any{}, 400},
			{"unknown field", "POST", "/api/v1/rules/SHOP/rules", map[string]any{"rules": 1}, 400},
			{"settings", "PUT", "/api/v1/rules/SHOP/settings", map[string]any{"settings": map[string]any{"currency": "USD", "default": map[string]any{"markup_percent": "21"}}}, 200},
			{"settings with problems", "PUT", "/api/v1/rules/SHOP/settings", map[string]any{"settings": map[string]any{"currency": "USD"}}, 400},
			{"no shop", "PUT", "/api/v1/rules/999/settings", map[string]any{"settings": map[string]any{"currency": "USD"}}, 404},
		} {
			if resp := e.sendJSON(t, admin, tt.method, e.path(tt.path), tt.body); resp.Code != tt.status {
				t.Errorf("%s: %d, want %d: %s", tt.name, resp.Code, tt.status, resp.Body)
			}
		}
		resp = e.send(t, admin, "DELETE", e.path("/api/v1/rules/SHOP/rules/3?revision=1"), "", nil)
		if resp.Code != http.StatusConflict {
			t.Errorf("stale delete: %d %s", resp.Code, resp.Body)
		}
		// Import: the body is the file; its problems come with the CLI's messages.
		resp = e.send(t, admin, "POST", e.path("/api/v1/rules/SHOP/import"), "application/json", []byte(`{"currency":"USD"}`))
		if err := json.Unmarshal(resp.Body.Bytes(), &bad); err != nil || resp.Code != http.StatusBadRequest ||
			bad.Problems[0].Path != "default" || !strings.Contains(bad.Error.Message, "default: needs markup_percent or margin_percent") {
			t.Errorf("bad import: %d %s", resp.Code, resp.Body)
		}
		resp = e.send(t, admin, "POST", e.path("/api/v1/rules/SHOP/import"), "application/json", []byte(`{"currency":`))
		if resp.Code != http.StatusBadRequest || !strings.Contains(resp.Body.String(), "not valid JSON") {
			t.Errorf("not JSON: %d %s", resp.Code, resp.Body)
		}
		ctype, body := multipartFile(t, nil, rulesBase)
		resp = e.send(t, admin, "POST", e.path("/api/v1/rules/SHOP/import"), ctype, body)
		if resp.Code != http.StatusOK || !strings.Contains(resp.Body.String(), `"action":"import"`) {
			t.Errorf("import: %d %s", resp.Code, resp.Body)
		}
		if got := len(e.pushJobs(t)); got != 1 {
			t.Errorf("push jobs %d: one push waits for the shop, whatever the number of saves", got)
		}
		// Reads.
		resp = e.get(t, support, e.path("/api/v1/rules/SHOP"))
		var doc struct {
			ShopID   int64 `json:"shop_id"`
			Revision int64 `json:"revision"`
			TryOrder []int `json:"try_order"`
			Priced   bool  `json:"priced"`
			Rules    struct {
				Currency string `json:"currency"`
			} `json:"rules"`
		}
		if err := json.Unmarshal(resp.Body.Bytes(), &doc); err != nil || doc.ShopID != e.shop || !doc.Priced || doc.Rules.Currency != "USD" || len(doc.TryOrder) != 3 {
			t.Errorf("document %d %s", resp.Code, resp.Body)
		}
		resp = e.get(t, support, e.path("/api/v1/rules/SHOP/sample?n=2"))
		if resp.Code != http.StatusOK || !regexp.MustCompile(`^\{"skus":\["[A-Z0-9]+","[A-Z0-9]+"\]\}$`).Match(resp.Body.Bytes()) {
			t.Errorf("sample: %d %s", resp.Code, resp.Body)
		}
	})
}

// TestRulesAPIPreviewJSON: the preview takes a JSON edit too; it saves nothing.
func TestRulesAPIPreviewJSON(t *testing.T) {
	t.Parallel()
	e := sqliteRulesEnv(t)
	resp := e.sendJSON(t, admin, "POST", e.path("/api/v1/rules/SHOP/preview"), map[string]any{"action": "settings", "skus": []string{"D1"},
		"settings": map[string]any{"currency": "USD", "default": map[string]any{"markup_percent": "50"}}})
	var ans rulesAPIPreviewAnswer
	if err := json.Unmarshal(resp.Body.Bytes(), &ans); err != nil || resp.Code != http.StatusOK {
		t.Fatalf("%d %s", resp.Code, resp.Body)
	}
	if len(ans.Items) != 1 || ans.Items[0].Proposed.Text != "150.00" || ans.Impact.Up != 2 || ans.Repriced != 2 || ans.HTML != nil {
		t.Errorf("preview %+v", ans)
	}
	if got := e.sendJSON(t, support, "POST", e.path("/api/v1/rules/SHOP/preview"), map[string]any{"action": "delete", "index": 0}).Code; got != http.StatusForbidden {
		t.Errorf("support preview: %d", got)
	}
	if e.doc(t).Revision != 0 || len(e.pushJobs(t)) != 0 {
		t.Error("a preview saved")
	}
}

// TestRulesPagesAreStrictAndLabelled: the section's pages, in both languages, carry no inline
// script or style (the CSP forbids them), link their own assets, and label every control.
func TestRulesPagesAreStrictAndLabelled(t *testing.T) {
	t.Parallel()
	e := sqliteRulesEnv(t)
	if _, err := e.svc.Apply(e.ctx, e.shop, adminEmail, rules.Move(2, 0)); err != nil {
		t.Fatal(err)
	}
	control := regexp.MustCompile(`<(input|select|textarea)\b[^>]*>`)
	id := regexp.MustCompile(`\bid="([^"]+)"`)
	for _, lang := range []string{"en", "es"} {
		for _, p := range []string{"/rules", "/rules/SHOP", "/rules/SHOP/new", "/rules/SHOP/0/edit", "/rules/SHOP/settings", "/rules/SHOP/history/1"} {
			resp := e.do(t, e.as(admin, req{method: "GET", path: e.path(p), headers: map[string]string{"Accept-Language": lang}}))
			body := resp.Body.String()
			if resp.Code != http.StatusOK {
				t.Fatalf("%s: %d", p, resp.Code)
			}
			for _, bad := range []string{"<script>", "style=", "<style", "onclick", "onsubmit", "oninput", "javascript:", "[["} {
				if strings.Contains(body, bad) {
					t.Errorf("%s (%s) has %q", p, lang, bad)
				}
			}
			if !strings.Contains(body, "/assets/rules.css") {
				t.Errorf("%s does not link rules.css", p)
			}
			for _, c := range control.FindAllString(body, -1) {
				if strings.Contains(c, `type="hidden"`) || strings.Contains(c, "aria-label=") {
					continue
				}
				m := id.FindStringSubmatch(c)
				if m == nil || !strings.Contains(body, `<label for="`+m[1]+`">`) {
					t.Errorf("%s: control without a label: %s", p, c)
				}
			}
			if strings.Contains(body, "></button>") {
				t.Errorf("%s: a button without text", p)
			}
		}
	}
	es := e.do(t, e.as(admin, req{method: "GET", path: e.path("/rules/SHOP/0/edit"), headers: map[string]string{"Accept-Language": "es"}})).Body.String()
	if !strings.Contains(es, "Vista previa") || !strings.Contains(es, "Recargo %") {
		t.Errorf("the editor is not in Spanish")
	}
}
