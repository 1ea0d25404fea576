package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/intcomex-connector/connector/connector/policy"
	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
)

const (
	shopTestWooSecret   = "cs_topsecret_0123456789"
	shopTestWooKey      = "ck_keyvalue_0123456789"
	shopTestShopifyTok  = "shpat_tokenvalue_0123456789"
	shopTestIWSAccessKy = "iws-access-key-secret"
)

// newShopEnv returns a migrated database with a default IWS account and the environment to use it.
func newShopEnv(t *testing.T) (*syncEnv, store.IWSAccount) {
	t.Helper()
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "c.db")
	e := &syncEnv{dbURL: dbURL, env: map[string]string{"CONNECTOR_DATABASE_URL": dbURL, "CONNECTOR_SECRET_KEY": testKey}}
	st := e.open(t)
	defer st.Close()
	acct, err := st.SaveIWSAccount(context.Background(), store.IWSAccount{Name: "default", Environment: store.EnvironmentTest,
		BaseURL: "https://iws.invalid/v1/", APIKey: "api-key", AccessKey: shopTestIWSAccessKy})
	if err != nil {
		t.Fatal(err)
	}
	return e, acct
}

// noSecrets fails the test when any output holds a credential.
func noSecrets(t *testing.T, outputs ...string) {
	t.Helper()
	for _, out := range outputs {
		for _, s := range []string{shopTestWooSecret, shopTestWooKey, shopTestShopifyTok, shopTestIWSAccessKy} {
			if strings.Contains(out, s) {
				t.Errorf("output leaks %q:\n%s", s, out)
			}
		}
	}
}

func TestShopAddAndList(t *testing.T) {
	e, acct := newShopEnv(t)
	ctx := context.Background()

	out, errOut, err := runCmd(ctx, e.env, "shop", "add", "woocommerce", "--url", "https://shop.example.com/",
		"--key", shopTestWooKey, "--secret", shopTestWooSecret, "--currency", "clp", "--locale", "en")
	if err != nil {
		t.Fatal(err)
	}
	noSecrets(t, out, errOut)
	wooID, err := strconv.ParseInt(strings.TrimSpace(out), 10, 64)
	if err != nil {
		t.Fatalf("add woocommerce printed %q, not an id", out)
	}

	out, errOut, err = runCmd(ctx, e.env, "shop", "add", "shopify", "--domain", "acme-store.myshopify.com",
		"--token", shopTestShopifyTok, "--name", "Acme", "--location-id", "42", "--json")
	if err != nil {
		t.Fatal(err)
	}
	noSecrets(t, out, errOut)
	var added struct {
		ID       int64  `json:"id"`
		Name     string `json:"name"`
		Platform string `json:"platform"`
		BaseURL  string `json:"base_url"`
	}
	dec := json.NewDecoder(strings.NewReader(out))
	if err := dec.Decode(&added); err != nil || dec.More() {
		t.Fatalf("add shopify --json: %v\n%s", err, out)
	}
	if added.ID == 0 || added.ID == wooID || added.Name != "Acme" || added.Platform != store.PlatformShopify ||
		added.BaseURL != "https://acme-store.myshopify.com" {
		t.Errorf("add shopify --json = %+v", added)
	}

	// The credentials are stored (sealed) and read back whole.
	st := e.open(t)
	woo, err := st.Shop(ctx, wooID)
	if err != nil {
		t.Fatal(err)
	}
	shopify, err := st.Shop(ctx, added.ID)
	if err != nil {
		t.Fatal(err)
	}
	_ = st.Close()
	var wc shops.WooCommerceCredentials
	if err := json.Unmarshal([]byte(woo.Credentials), &wc); err != nil || wc.ConsumerKey != shopTestWooKey ||
		wc.ConsumerSecret != shopTestWooSecret || len(wc.WebhookSecret) < 32 {
		t.Errorf("stored woocommerce credentials lack the key pair or a webhook secret: %v", err)
	}
	if woo.Platform != store.PlatformWooCommerce || woo.BaseURL != "https://shop.example.com" ||
		woo.Name != "shop.example.com" || woo.Currency != "CLP" || woo.Locale != "en" || woo.IWSAccountID != acct.ID {
		t.Errorf("stored woocommerce shop = %#v", woo)
	}
	var sc shops.ShopifyCredentials
	if err := json.Unmarshal([]byte(shopify.Credentials), &sc); err != nil ||
		sc != (shops.ShopifyCredentials{AccessToken: shopTestShopifyTok, LocationID: "42", Shop: "acme-store.myshopify.com"}) {
		t.Errorf("stored shopify credentials: %v %+v", err, sc)
	}

	out, errOut, err = runCmd(ctx, e.env, "shop", "list")
	if err != nil {
		t.Fatal(err)
	}
	noSecrets(t, out, errOut)
	for _, want := range []string{"shop.example.com", "woocommerce", "CLP", "Acme", "shopify", "https://acme-store.myshopify.com", "default"} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}

	out, errOut, err = runCmd(ctx, e.env, "shop", "list", "--json")
	if err != nil {
		t.Fatal(err)
	}
	noSecrets(t, out, errOut)
	var items []shopListItem
	if err := json.Unmarshal([]byte(out), &items); err != nil || len(items) != 2 {
		t.Fatalf("list --json: %v\n%s", err, out)
	}
	if items[0].ID != wooID || items[1].ID != added.ID || items[1].IWSAccount != "default" || items[1].IWSAccountID != acct.ID {
		t.Errorf("list --json = %+v", items)
	}
}

func TestShopAddRefused(t *testing.T) {
	e, _ := newShopEnv(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want []string
	}{
		{"bad url and missing secret", e.env,
			[]string{"shop", "add", "woocommerce", "--url", "ftp://x", "--key", shopTestWooKey, "--locale", "fr"},
			[]string{"--url", "--secret is required", "--locale"}},
		{"bad domain", e.env,
			[]string{"shop", "add", "shopify", "--domain", "acme.example.com", "--token", shopTestShopifyTok},
			[]string{"myshopify.com"}},
		{"no secret key", map[string]string{"CONNECTOR_DATABASE_URL": e.dbURL},
			[]string{"shop", "add", "shopify", "--domain", "acme.myshopify.com", "--token", shopTestShopifyTok},
			[]string{"CONNECTOR_SECRET_KEY"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, err := runCmd(ctx, tc.env, tc.args...)
			if err == nil {
				t.Fatalf("accepted:\n%s", out)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q: %v", w, err)
				}
			}
			noSecrets(t, out, errOut, err.Error())
		})
	}

	t.Run("no IWS account", func(t *testing.T) {
		dbURL := "sqlite:" + filepath.Join(t.TempDir(), "empty.db")
		env := map[string]string{"CONNECTOR_DATABASE_URL": dbURL, "CONNECTOR_SECRET_KEY": testKey}
		_, _, err := runCmd(ctx, env, "shop", "add", "shopify", "--domain", "acme.myshopify.com", "--token", shopTestShopifyTok)
		if err == nil || !strings.Contains(err.Error(), "no IWS account") {
			t.Errorf("err = %v", err)
		}
	})
}

func TestShopSettings(t *testing.T) {
	e, _ := newShopEnv(t)
	ctx := context.Background()
	out, _, err := runCmd(ctx, e.env, "shop", "add", "woocommerce", "--url", "https://shop.example.com",
		"--key", shopTestWooKey, "--secret", shopTestWooSecret)
	if err != nil {
		t.Fatal(err)
	}
	id := strings.TrimSpace(out)

	out, errOut, err := runCmd(ctx, e.env, "shop", "settings", id)
	if err != nil {
		t.Fatal(err)
	}
	noSecrets(t, out, errOut)
	for _, want := range []string{"currency:", "USD", "warehouses:", "all", "below-min:", "out_of_stock", "types:", "Physical"} {
		if !strings.Contains(out, want) {
			t.Errorf("settings lack %q:\n%s", want, out)
		}
	}

	out, errOut, err = runCmd(ctx, e.env, "shop", "settings", id, "--currency", "CLP", "--fx-rate", "950.5",
		"--tax-rate", "19", "--tax-inclusive", "--locale", "en", "--warehouses", "mia, bog", "--buffer", "2",
		"--min-stock", "3", "--below-min", "hide", "--cap", "50", "--types", "Physical,License",
		"--include-categories", "cpt,acc.kb", "--exclude-categories", "cpt.srv", "--include-brands", "eee",
		"--exclude-brands", "acme,zz", "--json")
	if err != nil {
		t.Fatal(err)
	}
	noSecrets(t, out, errOut)
	want := shopSettings{Name: "shop.example.com", Currency: "CLP", FXRate: "950.5", TaxRate: "19", TaxInclusive: true, Locale: "en",
		StockPolicy: policy.Stock{Locations: []string{"mia", "bog"}, Buffer: 2, MinStock: 3, BelowMin: policy.BelowMinHide,
			MaxStock: 50, Types: []string{"Physical", "License"}},
		Filters: policy.Filters{IncludeCategories: []string{"cpt", "acc.kb"}, ExcludeCategories: []string{"cpt.srv"},
			IncludeBrands: []string{"eee"}, ExcludeBrands: []string{"acme", "zz"}}}
	want.ID, _ = strconv.ParseInt(id, 10, 64)
	var got shopSettings
	if err := json.Unmarshal([]byte(out), &got); err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("settings update: %v\ngot  %+v\nwant %+v", err, got, want)
	}

	// Saved: a plain show reads the same back; unchanged flags stay.
	out, _, err = runCmd(ctx, e.env, "shop", "settings", id, "--buffer", "0", "--warehouses", "all", "--json")
	if err != nil {
		t.Fatal(err)
	}
	want.StockPolicy.Buffer, want.StockPolicy.Locations = 0, nil
	got = shopSettings{}
	if err := json.Unmarshal([]byte(out), &got); err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("second update: %v\ngot  %+v\nwant %+v", err, got, want)
	}

	// Every problem at once, and nothing saved.
	_, _, err = runCmd(ctx, e.env, "shop", "settings", id, "--currency", "pesos", "--fx-rate", "-1", "--locale", "pt",
		"--buffer", "-2", "--below-min", "never", "--cap", "x", "--types", "Physical,Gadget")
	if err == nil {
		t.Fatal("invalid settings accepted")
	}
	for _, w := range []string{"--currency", "--fx-rate", "--locale", "--buffer", "--below-min", "--cap", `"Gadget"`} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
	out, _, err = runCmd(ctx, e.env, "shop", "settings", id, "--json")
	if err != nil {
		t.Fatal(err)
	}
	got = shopSettings{}
	if err := json.Unmarshal([]byte(out), &got); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("after refused update: %v\ngot  %+v\nwant %+v", err, got, want)
	}

	if _, _, err := runCmd(ctx, e.env, "shop", "settings", "999"); err == nil || !strings.Contains(err.Error(), "no shop 999") {
		t.Errorf("unknown shop: %v", err)
	}
}
