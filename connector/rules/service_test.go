package rules_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/connector/catalog"
	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/listing"
	"github.com/intcomex-connector/connector/connector/margin"
	"github.com/intcomex-connector/connector/connector/mirror"
	"github.com/intcomex-connector/connector/connector/policy"
	"github.com/intcomex-connector/connector/connector/rules"
	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/connector/syncjob"
	"github.com/intcomex-connector/connector/pricing"
)

type env struct {
	ctx  context.Context
	st   *store.Store
	jc   *jobs.Client
	svc  *rules.Service
	shop store.Shop
}

// product is a mirrored product of the known set.
func product(acct int64, sku, category, brand, typ, cost, currency string) *mirror.Product {
	return &mirror.Product{AccountID: acct, SKU: sku, CategoryID: category, BrandID: brand, Brand: strings.ToUpper(brand),
		Type: typ, Cost: decimal.RequireFromString(cost), Currency: currency, Sellable: true, Active: true,
		StockTotal: 10, DescriptionES: "Producto " + sku, DescriptionEN: "Product " + sku}
}

// newEnv is a memory shop (USD, leaving brand acme out) priced by baseDoc, whose account
// mirrors the known set:
//
//	N1 cpt.nb 88      Notebooks, margin 12: 100.00
//	C1 cco    100     Cases, markup 30:     130.00
//	C2 cco    50      Cases:                 65.00
//	D1 acc    100     default, markup 20:   120.00
//	D2 acc    10      default:               12.00
//	E1 acc    100 EUR cost in EUR, no fx_rate: unpriceable
//	F1 acc    100     brand acme: filtered out
//	L1 sw     100     License: a type the shop does not sell
//	I1 acc    100     inactive
//	U1 acc    100     not sellable
func newEnv(t *testing.T, st *store.Store) *env {
	t.Helper()
	ctx := context.Background()
	acct, err := st.SaveIWSAccount(ctx, store.IWSAccount{Name: "default", Environment: store.EnvironmentTest,
		BaseURL: "https://iws.example/v1/", APIKey: "k", AccessKey: "a"})
	if err != nil {
		t.Fatal(err)
	}
	shop, err := st.SaveShop(ctx, store.Shop{Name: "mem", Platform: store.PlatformMemory, Credentials: "{}",
		IWSAccountID: acct.ID, Currency: "USD", Locale: "en", Filters: policy.Filters{ExcludeBrands: []string{"acme"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := margin.Replace(ctx, st, shop.ID, parse(t, baseDoc)); err != nil {
		t.Fatal(err)
	}
	inactive := product(acct.ID, "I1", "acc", "hp", "Physical", "100", "USD")
	inactive.Active = false
	unsellable := product(acct.ID, "U1", "acc", "hp", "Physical", "100", "USD")
	unsellable.Sellable = false
	err = st.SaveProducts(ctx, []*mirror.Product{
		product(acct.ID, "N1", "cpt.nb", "hp", "Physical", "88", "USD"),
		product(acct.ID, "C1", "cco", "hp", "Physical", "100", "USD"),
		product(acct.ID, "C2", "cco", "hp", "Physical", "50", "USD"),
		product(acct.ID, "D1", "acc", "hp", "Physical", "100", "USD"),
		product(acct.ID, "D2", "acc", "hp", "Physical", "10", "USD"),
		product(acct.ID, "E1", "acc", "hp", "Physical", "100", "EUR"),
		product(acct.ID, "F1", "acc", "acme", "Physical", "100", "USD"),
		product(acct.ID, "L1", "sw", "hp", "License", "100", "USD"),
		inactive, unsellable,
	})
	if err != nil {
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
	return &env{ctx: ctx, st: st, jc: jc, svc: svc, shop: shop}
}

func (e *env) apply(t *testing.T, actor string, edit rules.Edit) rules.Saved {
	t.Helper()
	saved, err := e.svc.Apply(e.ctx, e.shop.ID, actor, edit)
	if err != nil {
		t.Fatalf("apply %s: %v", edit.Action(), err)
	}
	return saved
}

func (e *env) pushJobs(t *testing.T) []*jobs.JobRow {
	t.Helper()
	list, err := e.jc.List(e.ctx, jobs.ListFilter{Kinds: []string{syncjob.KindPushListings}})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func intp(i int) *int { return &i }

// proposedDoc is baseDoc with Cases at markup 10 and the default at markup 25: C1 and C2 go
// down 15.38 %, D1 and D2 up 4.17 %, N1 stays.
const proposedDoc = `{"currency":"USD","default":{"markup_percent":"25"},
  "rules":[
    {"name":"Notebooks","priority":10,"match":{"category":"cpt.nb"},"margin_percent":"12"},
    {"name":"Cases","priority":20,"match":{"category":"cco"},"markup_percent":"10"},
    {"name":"Licences","priority":30,"match":{"types":["License"]},"markup_percent":"8"}]}`

// TestApplyEachEdit: every edit is saved with its audit entry (actor, action, rule, indexes,
// the document before and after) and queues the shop's push; the count of listings it
// re-prices comes back.
func TestApplyEachEdit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		first, err := e.svc.Get(e.ctx, e.shop.ID)
		if err != nil {
			t.Fatal(err)
		}
		if first.Revision != 0 || !first.Priced || !slices.Equal(first.TryOrder, []int{0, 1, 2}) {
			t.Fatalf("document before any change: %+v", first)
		}
		steps := []struct {
			edit   rules.Edit
			actor  string
			name   string
			from   *int
			to     *int
			names  []string
			queued int
		}{
			{rules.Create(1, rule("HP", 15, "hp", "50")), "ana@example.com", "HP", nil, intp(1),
				[]string{"Notebooks", "HP", "Cases", "Licences"}, 4}, // C1 C2 D1 D2 now by HP
			{rules.Update(1, rule("HP", 15, "hp", "40")), "ana@example.com", "HP", intp(1), intp(1),
				[]string{"Notebooks", "HP", "Cases", "Licences"}, 4},
			{rules.Move(1, 3), "bo@example.com", "HP", intp(1), intp(3),
				[]string{"Notebooks", "Cases", "Licences", "HP"}, 2}, // C1 C2 by Cases again; D1 D2 still by HP
			{rules.Delete(3), "bo@example.com", "HP", intp(3), nil,
				[]string{"Notebooks", "Cases", "Licences"}, 2}, // D1 D2 by default again
			{rules.ChangeSettings(rules.Settings{Currency: "USD", Default: pricing.Action{MarkupPercent: "25"}}), "bo@example.com", "", nil, nil,
				[]string{"Notebooks", "Cases", "Licences"}, 2}, // D1 D2
			{rules.Import(parse(t, proposedDoc)), rules.ActorCLI, "", nil, nil,
				[]string{"Notebooks", "Cases", "Licences"}, 2}, // C1 C2
		}
		prevAfter, err := e.svc.Export(e.ctx, e.shop.ID)
		if err != nil {
			t.Fatal(err)
		}
		var pushJob int64
		for i, s := range steps {
			saved := e.apply(t, s.actor, s.edit)
			c := saved.Change
			if saved.Unchanged || c.ID == 0 || c.Actor != s.actor || c.Action != s.edit.Action() || c.RuleName != s.name ||
				!equalPtr(c.FromIndex, s.from) || !equalPtr(c.ToIndex, s.to) {
				t.Fatalf("step %d (%s): change %+v", i, s.edit.Action(), c)
			}
			if got := names(saved.Document.Rules); !slices.Equal(got, s.names) {
				t.Errorf("step %d: rules %v, want %v", i, got, s.names)
			}
			if saved.Queued != s.queued || saved.Impact.Repriced() != s.queued {
				t.Errorf("step %d (%s): queued %d, want %d (impact %+v)", i, s.edit.Action(), saved.Queued, s.queued, saved.Impact)
			}
			// The audit entry holds the whole document before (the previous one after) and after
			// (what export now writes).
			now, err := e.svc.Export(e.ctx, e.shop.ID)
			if err != nil {
				t.Fatal(err)
			}
			if c.Before != string(prevAfter) || c.After != string(now) {
				t.Errorf("step %d: before\n%s\nwant\n%s\nafter\n%s\nwant\n%s", i, c.Before, prevAfter, c.After, now)
			}
			prevAfter = now
			if doc, err := c.AfterRules(); err != nil || !slices.Equal(names(doc), s.names) {
				t.Errorf("step %d: after rules %v, %v", i, doc, err)
			}
			// One push of the shop waits: every save finds it.
			if pushJob == 0 {
				pushJob = saved.PushJobID
			}
			if saved.PushJobID != pushJob || pushJob == 0 {
				t.Errorf("step %d: push job %d, want %d", i, saved.PushJobID, pushJob)
			}
			if d, err := e.svc.Get(e.ctx, e.shop.ID); err != nil || d.Revision != c.ID {
				t.Errorf("step %d: revision %d, want %d (%v)", i, d.Revision, c.ID, err)
			}
		}
		if list := e.pushJobs(t); len(list) != 1 || list[0].State != jobs.StateAvailable {
			t.Errorf("push jobs %+v, want one waiting", list)
		}

		// The trail, newest first, a page at a time.
		h, err := e.svc.History(e.ctx, e.shop.ID, rules.HistoryQuery{Page: 1, PerPage: 4})
		if err != nil {
			t.Fatal(err)
		}
		if h.Total != len(steps) || h.Pages() != 2 || len(h.Changes) != 4 || h.Changes[0].Action != rules.ActionImport ||
			h.Changes[3].Action != rules.ActionMove {
			t.Fatalf("history page 1: %+v", h)
		}
		h2, err := e.svc.History(e.ctx, e.shop.ID, rules.HistoryQuery{Page: 2, PerPage: 4})
		if err != nil {
			t.Fatal(err)
		}
		if len(h2.Changes) != 2 || h2.Changes[0].Action != rules.ActionUpdate || h2.Changes[1].Action != rules.ActionCreate ||
			h2.Changes[1].Actor != "ana@example.com" {
			t.Fatalf("history page 2: %+v", h2)
		}
		// Filtered and sorted: the trail of one action, of one person, of one rule, oldest first.
		for _, tc := range []struct {
			q    rules.HistoryQuery
			want []rules.Action
		}{
			{rules.HistoryQuery{Action: rules.ActionMove}, []rules.Action{rules.ActionMove}},
			{rules.HistoryQuery{Actor: "ANA@", Sort: "at"}, []rules.Action{rules.ActionCreate, rules.ActionUpdate}},
			{rules.HistoryQuery{Rule: "hp", Sort: "action"}, []rules.Action{rules.ActionCreate, rules.ActionDelete, rules.ActionMove, rules.ActionUpdate}},
			{rules.HistoryQuery{Sort: "at", PerPage: 2}, []rules.Action{rules.ActionCreate, rules.ActionUpdate}},
			{rules.HistoryQuery{Since: time.Now().Add(time.Hour)}, nil},
		} {
			h, err := e.svc.History(e.ctx, e.shop.ID, tc.q)
			if err != nil {
				t.Fatalf("%+v: %v", tc.q, err)
			}
			var got []rules.Action
			for _, c := range h.Changes {
				got = append(got, c.Action)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("history %+v: %v, want %v", tc.q, got, tc.want)
			}
		}
		for _, bad := range []rules.HistoryQuery{
			{Action: "rename"}, {Sort: "before"},
			{Since: time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC), Until: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)},
		} {
			if _, err := e.svc.History(e.ctx, e.shop.ID, bad); !errors.Is(err, store.ErrInvalid) {
				t.Errorf("history %+v: %v, want ErrInvalid", bad, err)
			}
		}
		if c, err := e.svc.Change(e.ctx, e.shop.ID, h2.Changes[1].ID); err != nil || c.Before != h2.Changes[1].Before {
			t.Errorf("change by id = %+v, %v", c, err)
		}
		if _, err := e.svc.Change(e.ctx, e.shop.ID+1, h2.Changes[1].ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("change of another shop: %v", err)
		}
	})
}

func equalPtr(a, b *int) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// TestApplyRefusals: an edit with problems, of a revision gone by, by no actor or of an unknown
// shop or rule changes nothing, writes no audit entry and queues no push; an edit that changes
// nothing is not recorded.
func TestApplyRefusals(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		before, err := e.svc.Export(e.ctx, e.shop.ID)
		if err != nil {
			t.Fatal(err)
		}
		d, err := e.svc.Get(e.ctx, e.shop.ID)
		if err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name  string
			shop  int64
			actor string
			edit  rules.Edit
			want  error
		}{
			{"problems", e.shop.ID, "a@example.com", rules.Update(0, pricing.Rule{Name: "Notebooks"}), store.ErrInvalid},
			{"no actor", e.shop.ID, " ", rules.Delete(0), store.ErrInvalid},
			{"no rule", e.shop.ID, "a@example.com", rules.Delete(7), store.ErrNotFound},
			{"no shop", e.shop.ID + 100, "a@example.com", rules.Delete(0), store.ErrNotFound},
			{"old revision", e.shop.ID, "a@example.com", rules.Delete(0).IfRevision(d.Revision + 1), store.ErrConflict},
		}
		for _, tt := range tests {
			if _, err := e.svc.Apply(e.ctx, tt.shop, tt.actor, tt.edit); !errors.Is(err, tt.want) {
				t.Errorf("%s: error %v, want %v", tt.name, err, tt.want)
			}
		}
		var ve *rules.ValidationError
		if _, err := e.svc.Apply(e.ctx, e.shop.ID, "a", rules.Update(0, pricing.Rule{Name: "Notebooks"})); !errors.As(err, &ve) ||
			len(ve.RuleFields()["match"]) != 1 {
			t.Errorf("problems: %v", err)
		}

		same := e.apply(t, "a@example.com", rules.Update(1, parse(t, baseDoc).Rules[1]))
		if !same.Unchanged || same.Change.ID != 0 || same.PushJobID != 0 || same.Document.Revision != d.Revision {
			t.Errorf("edit that changes nothing: %+v", same)
		}
		after, err := e.svc.Export(e.ctx, e.shop.ID)
		if err != nil {
			t.Fatal(err)
		}
		h, err := e.svc.History(e.ctx, e.shop.ID, rules.HistoryQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if string(after) != string(before) || h.Total != 0 || len(e.pushJobs(t)) != 0 {
			t.Errorf("refused edits left: rules\n%s\nhistory %+v, push jobs %v", after, h, e.pushJobs(t))
		}

		// The current revision is accepted.
		saved := e.apply(t, "a@example.com", rules.Delete(2).IfRevision(d.Revision))
		if _, err := e.svc.Apply(e.ctx, e.shop.ID, "a@example.com", rules.Delete(0).IfRevision(d.Revision)); !errors.Is(err, store.ErrConflict) {
			t.Errorf("second edit from the same revision: %v", err)
		}
		e.apply(t, "a@example.com", rules.Delete(0).IfRevision(saved.Document.Revision))
	})
}

// TestImpactKnownSet: the histogram, counts, totals and largest changes of proposedDoc over the
// known set.
func TestImpactKnownSet(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		im, err := e.svc.Impact(e.ctx, e.shop.ID, parse(t, proposedDoc))
		if err != nil {
			t.Fatal(err)
		}
		if im.Products != 6 || im.Compared != 5 || im.Up != 2 || im.Down != 2 || im.Unchanged != 1 || im.Unpriced != 1 ||
			im.NewlyPriced != 0 || im.NoLongerPriced != 0 || im.Changed() != 4 || im.Repriced() != 4 {
			t.Errorf("counts %+v", im)
		}
		if !im.TotalBefore.Equal(decimal.RequireFromString("427")) || !im.TotalAfter.Equal(decimal.RequireFromString("402.5")) {
			t.Errorf("totals %s → %s, want 427 → 402.5", im.TotalBefore, im.TotalAfter)
		}
		want := map[string]int{"-20..-10": 2, "0": 1, "1..5": 2}
		for _, b := range im.Histogram {
			if b.Count != want[b.Key] {
				t.Errorf("bucket %s = %d, want %d", b.Key, b.Count, want[b.Key])
			}
		}
		if len(im.Histogram) != len(rules.Buckets) {
			t.Errorf("%d buckets", len(im.Histogram))
		}
		var got []string
		for _, m := range im.Largest {
			got = append(got, m.SKU+" "+m.Before.String()+"→"+m.After.String()+" "+m.Amount.String()+" "+m.Percent.String()+"% "+m.RuleBefore+"/"+m.RuleAfter)
		}
		wantLargest := []string{
			"C1 130→110 -20 -15.38% Cases/Cases",
			"C2 65→55 -10 -15.38% Cases/Cases",
			"D1 120→125 5 4.17% default/default",
			"D2 12→12.5 0.5 4.17% default/default",
		}
		if !slices.Equal(got, wantLargest) {
			t.Errorf("largest:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantLargest, "\n"))
		}
		// The JSON the API returns: snake_case, decimals as strings.
		b, err := json.Marshal(im)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range []string{`"compared":5`, `"total_after":"402.5"`, `{"key":"-20..-10","from":"-20","to":"-10","count":2}`,
			`{"sku":"C1","before":"130","after":"110","amount":"-20","percent":"-15.38","rule_before":"Cases","rule_after":"Cases"}`} {
			if !strings.Contains(string(b), w) {
				t.Errorf("JSON lacks %s:\n%s", w, b)
			}
		}

		// Selling in EUR without an fx_rate prices E1 (its cost is in EUR) and none of the others.
		inEUR := parse(t, proposedDoc)
		inEUR.Currency = "EUR"
		im, err = e.svc.Impact(e.ctx, e.shop.ID, inEUR)
		if err != nil {
			t.Fatal(err)
		}
		if im.CurrencyBefore != "USD" || im.CurrencyAfter != "EUR" || im.NewlyPriced != 1 || im.NoLongerPriced != 5 ||
			im.Compared != 0 || im.Repriced() != 6 {
			t.Errorf("impact of selling in EUR: %+v", im)
		}

		if _, err := e.svc.Impact(e.ctx, e.shop.ID, &pricing.Rules{Currency: "USD"}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("impact of invalid rules: %v", err)
		}
	})
}

// TestPreview: chosen SKUs priced with the current and the proposed rules, each with every
// step; unknown, filtered out and unpriceable SKUs say so.
func TestPreview(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		items, err := e.svc.Preview(e.ctx, e.shop.ID, rules.PreviewRequest{Proposed: parse(t, proposedDoc),
			SKUs: []string{"C1", " D1", "NOPE", "F1", "E1", "C1"}})
		if err != nil {
			t.Fatal(err)
		}
		var skus []string
		for _, it := range items {
			skus = append(skus, it.SKU)
		}
		if !slices.Equal(skus, []string{"C1", "D1", "NOPE", "F1", "E1"}) {
			t.Fatalf("items %v", skus)
		}
		c1 := items[0]
		if !c1.Found || c1.Title != "Product C1" || c1.Category != "cco" || c1.Excluded != "" ||
			!c1.Current.Priced || c1.Current.Text != "130.00" || c1.Current.Currency != "USD" ||
			!c1.Proposed.Priced || c1.Proposed.Text != "110.00" || c1.Bucket != "-20..-10" ||
			c1.Move == nil || !c1.Move.Amount.Equal(decimal.NewFromInt(-20)) || c1.Move.Percent.String() != "-15.38" {
			t.Fatalf("C1: %+v", c1)
		}
		// The explanations are pricing's, step by step.
		cur, prop := c1.Current.Explanation, c1.Proposed.Explanation
		if cur.Rule != "Cases" || len(cur.Skipped) != 1 || cur.Skipped[0].Rule != "Notebooks" || prop.Rule != "Cases" {
			t.Errorf("C1 explanations: %+v / %+v", cur, prop)
		}
		step := func(doc pricing.ExplanationDoc, name string) string {
			for _, s := range doc.Steps {
				if s.Step == name {
					return s.Value
				}
			}
			return "missing"
		}
		if step(cur, "after_markup") != "130" || step(prop, "after_markup") != "110" || step(prop, "final") != "110.00" {
			t.Errorf("C1 steps: %+v / %+v", cur.Steps, prop.Steps)
		}
		want, err := parse(t, proposedDoc).Price(pricing.Product{SKU: "C1", Category: "cco", Brand: "hp", Type: "Physical",
			Cost: decimal.NewFromInt(100), CostCurrency: "USD"})
		if err != nil {
			t.Fatal(err)
		}
		if got := prop; got.Rule != want.Doc().Rule || !slices.Equal(got.Steps, want.Doc().Steps) {
			t.Errorf("C1 proposed explanation differs from pricing's:\n%+v\n%+v", got, want.Doc())
		}
		if d1 := items[1]; d1.Current.Explanation.Rule != "default" || d1.Proposed.Text != "125.00" || d1.Bucket != "1..5" {
			t.Errorf("D1: %+v", d1)
		}
		if nope := items[2]; nope.Found || nope.Current.Priced {
			t.Errorf("NOPE: %+v", nope)
		}
		if f1 := items[3]; f1.Excluded != listing.ReasonFiltered || !f1.Proposed.Priced {
			t.Errorf("F1: %+v", f1)
		}
		if e1 := items[4]; e1.Current.Priced || e1.Current.Reason != listing.ReasonUnpriceable ||
			!strings.Contains(e1.Current.Error, "no fx_rate") || e1.Move != nil {
			t.Errorf("E1: %+v", e1)
		}

		if _, err := e.svc.Preview(e.ctx, e.shop.ID, rules.PreviewRequest{Proposed: &pricing.Rules{Currency: "USD"}}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("preview of invalid rules: %v", err)
		}
		many := make([]string, rules.MaxPreviewSKUs+1)
		for i := range many {
			many[i] = "S" + strings.Repeat("x", i)
		}
		if _, err := e.svc.Preview(e.ctx, e.shop.ID, rules.PreviewRequest{Proposed: parse(t, proposedDoc), SKUs: many}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("preview of too many SKUs: %v", err)
		}
	})
}

// TestPreviewSample: with no SKU a sample of the listed products is priced, the same every time,
// spread over cost and categories.
func TestPreviewSample(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		sample, err := e.svc.Sample(e.ctx, e.shop.ID, 3)
		if err != nil {
			t.Fatal(err)
		}
		// Listed: D2 10, C2 50, N1 88, C1 100, D1 100, E1 100 (by cost, then SKU); runs of two:
		// [D2 C2] [N1 C1] [D1 E1]; from each the product of the category chosen least so far,
		// then the one nearest the middle of the run (the first of two).
		if !slices.Equal(sample, []string{"D2", "N1", "D1"}) {
			t.Errorf("sample %v", sample)
		}
		again, err := e.svc.Sample(e.ctx, e.shop.ID, 3)
		if err != nil || !slices.Equal(again, sample) {
			t.Errorf("second sample %v, %v", again, err)
		}
		all, err := e.svc.Sample(e.ctx, e.shop.ID, 0)
		if err != nil || len(all) != 6 {
			t.Errorf("default sample %v, %v; want the 6 listed products", all, err)
		}
		items, err := e.svc.Preview(e.ctx, e.shop.ID, rules.PreviewRequest{Proposed: parse(t, proposedDoc), Sample: 3})
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 3 || items[0].SKU != "D2" || !items[0].Proposed.Priced {
			t.Errorf("preview of the sample: %+v", items)
		}
	})
}

// TestSaveQueuesThePush: a saved edit's push job, worked, sends the new prices to the storefront:
// as many price changes as the save said it queued.
func TestSaveQueuesThePush(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		sfs := &shops.Storefronts{}
		runner, err := syncjob.New(syncjob.Config{Store: st, Storefronts: sfs.For,
			IWS: func(context.Context, store.IWSAccount) (catalog.Source, error) {
				return nil, errors.New("a push reads no IWS feed")
			}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := runner.Push(e.ctx, syncjob.PushRequest{ShopID: e.shop.ID}); err != nil {
			t.Fatal(err)
		}
		sf := sfs.MemoryShop(e.shop.ID)
		if p, ok := sf.Product("C1"); !ok || p.Price != "130.00" {
			t.Fatalf("C1 on the storefront before: %+v", p)
		}

		saved := e.apply(t, "ana@example.com", rules.Import(parse(t, proposedDoc)))
		if saved.Queued != 4 {
			t.Fatalf("queued %d, want 4", saved.Queued)
		}
		ws := jobs.NewWorkers()
		syncjob.AddWorkers(ws, runner, syncjob.PurgePolicy{})
		worker, err := jobs.NewClient(st, jobs.Config{Workers: ws})
		if err != nil {
			t.Fatal(err)
		}
		if n, err := worker.Drain(e.ctx); err != nil || n != 1 {
			t.Fatalf("drain = %d, %v", n, err)
		}
		job, err := worker.Get(e.ctx, saved.PushJobID)
		if err != nil || job.State != jobs.StateCompleted {
			t.Fatalf("push job = %+v, %v", job, err)
		}
		for sku, want := range map[string]string{"N1": "100.00", "C1": "110.00", "C2": "55.00", "D1": "125.00", "D2": "12.50"} {
			if p, ok := sf.Product(sku); !ok || p.Price != want {
				t.Errorf("%s on the storefront: %+v, want price %s", sku, p, want)
			}
		}
		// Nothing else was left to push: the next push sends nothing.
		sum, err := runner.Push(e.ctx, syncjob.PushRequest{ShopID: e.shop.ID})
		if err != nil || sum.Changes.Len() != 0 {
			t.Errorf("push after the job: %+v, %v", sum.Changes, err)
		}
	})
}
