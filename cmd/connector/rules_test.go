package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/syncjob"
	"github.com/intcomex-connector/connector/platforms/woocommerce/wootest"
	"github.com/intcomex-connector/connector/pricing"
)

func TestRulesImportExport(t *testing.T) {
	e, acct := newShopEnv(t)
	ctx := context.Background()
	st := e.open(t)
	shop, err := st.SaveShop(ctx, store.Shop{Name: "Memory", Platform: store.PlatformMemory, Credentials: "{}",
		IWSAccountID: acct.ID, Currency: "USD", Locale: "es"})
	_ = st.Close()
	if err != nil {
		t.Fatal(err)
	}
	shopID := strconv.FormatInt(shop.ID, 10)

	src := `{"currency":"CLP","fx_rate":"950.5","tax_rate":"19",
	  "rounding":{"step":"1000","minus":"10"},
	  "default":{"markup_percent":"20"},
	  "rules":[{"name":"Notebooks","priority":10,"match":{"category":"cpt.nb","brands":["eee"]},"margin_percent":"12"},
	           {"name":"Cheap","priority":20,"match":{"cost_max":"50"},"markup_percent":"35"}]}`
	want, err := pricing.ParseRules(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	var canonical strings.Builder
	if err := want.WriteJSON(&canonical); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	in := filepath.Join(dir, "in.json")
	if err := os.WriteFile(in, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	imported, _, err := runCmd(ctx, e.env, "rules", "import", "--shop", shopID, in)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(imported, "imported 2 margin rules") || !strings.Contains(imported, "push queued (job ") {
		t.Errorf("import printed %q", imported)
	}
	// The import is in the shop's audit trail, by "cli", and queued the shop's push.
	st = e.open(t)
	changes, total, err := st.MarginRuleChanges(ctx, shop.ID, 0, 10)
	if err != nil || total != 1 || changes[0].Actor != "cli" || changes[0].Action != "import" ||
		!strings.Contains(changes[0].After, `"Notebooks"`) || strings.Contains(changes[0].Before, `"Notebooks"`) {
		t.Errorf("audit trail after the import: %+v (%d), %v", changes, total, err)
	}
	jc, err := jobs.NewClient(st, jobs.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if list, err := jc.List(ctx, jobs.ListFilter{Kinds: []string{syncjob.KindPushListings}}); err != nil || len(list) != 1 {
		t.Errorf("push jobs after the import: %+v, %v", list, err)
	}
	_ = st.Close()

	out, _, err := runCmd(ctx, e.env, "rules", "export", "--shop", shopID, "-")
	if err != nil {
		t.Fatal(err)
	}
	if out != canonical.String() {
		t.Errorf("export to stdout:\n%s\nwant\n%s", out, canonical.String())
	}

	// The exported file imports back to the same document, byte for byte.
	exported := filepath.Join(dir, "out.json")
	if _, _, err := runCmd(ctx, e.env, "rules", "export", "--shop", shopID, exported); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCmd(ctx, e.env, "rules", "import", "--shop", shopID, exported); err != nil {
		t.Fatal(err)
	}
	again, _, err := runCmd(ctx, e.env, "rules", "export", "--shop", shopID, "-")
	if err != nil {
		t.Fatal(err)
	}
	file, err := os.ReadFile(exported)
	if err != nil {
		t.Fatal(err)
	}
	if string(file) != out || again != out {
		t.Errorf("round trip changed the rules:\nfile\n%s\nagain\n%s\nfirst\n%s", file, again, out)
	}

	// The shop row follows the rules' currency and tax.
	st = e.open(t)
	got, err := st.Shop(ctx, shop.ID)
	_ = st.Close()
	if err != nil {
		t.Fatal(err)
	}
	if got.Currency != "CLP" || got.FXRate != "950.5" || !got.TaxInclusive {
		t.Errorf("shop after import: %#v", got)
	}

	// A file with problems lists them all and changes nothing.
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"currency":"XX","default":{},"rules":[{"name":"","margin_percent":"abc"}],"colour":"red"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err = runCmd(ctx, e.env, "rules", "import", "--shop", shopID, bad)
	if err == nil {
		t.Fatal("invalid rules accepted")
	}
	for _, w := range []string{"bad.json", "currency", "rules[0]", "colour"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
	after, _, err := runCmd(ctx, e.env, "rules", "export", "--shop", shopID, "-")
	if err != nil || after != out {
		t.Errorf("rules changed by a refused import: %v\n%s", err, after)
	}

	// Rules are not secret: an import works without the secret key, and is audited too.
	noKey := map[string]string{"CONNECTOR_DATABASE_URL": e.env["CONNECTOR_DATABASE_URL"]}
	changed := filepath.Join(dir, "changed.json")
	if err := os.WriteFile(changed, []byte(strings.Replace(src, `"markup_percent":"20"`, `"markup_percent":"25"`, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCmd(ctx, noKey, "rules", "import", "--shop", shopID, changed); err != nil {
		t.Fatalf("import without the secret key: %v", err)
	}
	st = e.open(t)
	changes, total, err = st.MarginRuleChanges(ctx, shop.ID, 0, 10)
	_ = st.Close()
	if err != nil || total != 2 || changes[0].Before != out || !strings.Contains(changes[0].After, `"25"`) {
		t.Errorf("audit trail after the second import: %+v (%d), %v", changes, total, err)
	}

	if _, _, err := runCmd(ctx, e.env, "rules", "export", "--shop", "999", "-"); err == nil || !strings.Contains(err.Error(), "no shop 999") {
		t.Errorf("unknown shop: %v", err)
	}
}

// export then import changes nothing on every shop: fresh ones from `shop add` (checked, with
// the store's decimals; not checked, with a markup), one an install made (given the default
// pricing when it was set up), and one whose settings changed after it was added.
func TestRulesRoundTripOnEveryShop(t *testing.T) {
	e, acct := newShopEnv(t)
	ctx := context.Background()
	_, wooURL := startWoo(t, wootest.Config{Currency: "USD", NoDecimals: true})
	_, installURL := startWoo(t, wootest.Config{Currency: "CLP", NoDecimals: true})
	for _, args := range [][]string{
		{"shop", "add", "woocommerce", "--url", wooURL, "--key", shopTestWooKey, "--secret", shopTestWooSecret},
		{"shop", "add", "shopify", "--domain", "acme.myshopify.com", "--token", shopTestShopifyTok, "--no-check", "--markup", "25", "--fx-rate", "1"},
	} {
		if _, _, err := runCmd(ctx, e.env, args...); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := runCmd(ctx, e.env, "shop", "settings", "2", "--tax-rate", "19", "--tax-inclusive"); err != nil {
		t.Fatal(err)
	}
	// A shop an install made: no pricing until its setup gives it the default.
	st := e.open(t)
	creds, _ := shops.MarshalCredentials(shops.WooCommerceCredentials{ConsumerKey: shopTestWooKey, ConsumerSecret: shopTestWooSecret})
	installed, err := st.SaveShop(ctx, store.Shop{Name: "Installed", Platform: store.PlatformWooCommerce, BaseURL: installURL,
		Credentials: creds, IWSAccountID: acct.ID, Currency: "USD", Locale: "es"})
	if err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(installed.ID, 10)
	st.Close()
	if _, _, err := runCmd(ctx, e.env, "rules", "export", "--shop", id, "-"); err == nil || !strings.Contains(err.Error(), "has no pricing yet") {
		t.Errorf("export of a shop without pricing: %v", err)
	}
	st = e.open(t)
	setup := shops.Setup{Store: st, Storefronts: &shops.Storefronts{Recorder: st}}
	shop := setup.AdoptCurrency(ctx, installed)
	err = setup.EnsureRules(ctx, shop)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	for _, id := range []string{"1", "2", id} {
		first, _, err := runCmd(ctx, e.env, "rules", "export", "--shop", id, "-")
		if err != nil {
			t.Fatalf("shop %s: %v", id, err)
		}
		file := filepath.Join(dir, "shop"+id+".json")
		if err := os.WriteFile(file, []byte(first), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, _, err := runCmd(ctx, e.env, "rules", "import", "--shop", id, file); err != nil {
			t.Fatalf("shop %s: import of its own export: %v\n%s", id, err, first)
		}
		again, _, err := runCmd(ctx, e.env, "rules", "export", "--shop", id, "-")
		if err != nil || again != first {
			t.Errorf("shop %s: round trip changed the rules: %v\n%s\nthen\n%s", id, err, first, again)
		}
	}
	want := map[string]string{"1": `"margin_percent": "20"`, "2": `"markup_percent": "25"`, id: `"margin_percent": "20"`}
	for id, w := range want {
		out, _, _ := runCmd(ctx, e.env, "rules", "export", "--shop", id, "-")
		if !strings.Contains(out, w) {
			t.Errorf("shop %s rules lack %s:\n%s", id, w, out)
		}
	}
	if out, _, _ := runCmd(ctx, e.env, "rules", "export", "--shop", "1", "-"); !strings.Contains(out, `"step": "1"`) {
		t.Errorf("a 0-decimal USD store's rules do not round to whole dollars:\n%s", out)
	}
	if out, _, _ := runCmd(ctx, e.env, "rules", "export", "--shop", id, "-"); !strings.Contains(out, `"currency": "CLP"`) {
		t.Errorf("the installed shop did not take its store's currency:\n%s", out)
	}
}

// The example in `rules --help` (and the README) is a rules file import accepts.
func TestRulesHelpExampleParses(t *testing.T) {
	start := strings.Index(rulesFormatDoc, "{")
	end := strings.Index(rulesFormatDoc, "\n  }\n") + len("\n  }")
	rules, err := pricing.ParseRules(strings.NewReader(rulesFormatDoc[start:end]))
	if err != nil {
		t.Fatalf("the documented example: %v\n%s", err, rulesFormatDoc[start:end])
	}
	if len(rules.Rules) != 2 || rules.Currency != "CLP" {
		t.Errorf("parsed %+v", rules)
	}
	out, _, err := runCmd(context.Background(), nil, "rules", "--help")
	if err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{"currency", "fx_rate", "tax_rate", "rounding.step", "rounding.minus", "default", "priority",
		"category", "brands", "manufacturers", "types", "skus", "cost_min", "margin_percent", "markup_percent", "fixed_amount", "min_profit"} {
		if !strings.Contains(out, field) {
			t.Errorf("rules --help does not document %s", field)
		}
	}
}
