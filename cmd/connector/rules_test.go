package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/intcomex-connector/connector/connector/store"
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
	if _, _, err := runCmd(ctx, e.env, "rules", "import", "--shop", shopID, in); err != nil {
		t.Fatal(err)
	}
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

	if _, _, err := runCmd(ctx, e.env, "rules", "export", "--shop", "999", "-"); err == nil || !strings.Contains(err.Error(), "no shop 999") {
		t.Errorf("unknown shop: %v", err)
	}
}
