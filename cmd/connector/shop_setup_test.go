package main

import (
	"context"
	"encoding/json"
	"maps"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/woocommerce/wootest"
)

// TestShopWebhooksCommand registers a WooCommerce shop's webhooks from the CLI: the shop (added
// before it had a webhook secret) gets one, the fake holds both order topics at the public URL,
// --check reports without changing, and a webhook the site disabled is re-enabled.
func TestShopWebhooksCommand(t *testing.T) {
	const key, secretValue = "ck_0a1b2c3d4e5f60718293a4b5c6d7e8f9", "cs_f9e8d7c6b5a4938271605f4e3d2c1b0a"
	e := newSyncEnv(t, 5)
	fake, baseURL := wootest.Start(t, wootest.Config{ConsumerKey: key, ConsumerSecret: secretValue, Currency: "USD"})
	st := e.open(t)
	ctx := context.Background()
	acct, err := st.IWSAccount(ctx, "default")
	if err != nil {
		t.Fatal(err)
	}
	creds, _ := shops.MarshalCredentials(shops.WooCommerceCredentials{ConsumerKey: key, ConsumerSecret: secretValue})
	shop, err := st.SaveShop(ctx, store.Shop{Name: "Woo", Platform: store.PlatformWooCommerce, BaseURL: baseURL,
		Credentials: creds, IWSAccountID: acct.ID, Currency: "USD", Locale: "en"})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	id := strconv.FormatInt(shop.ID, 10)

	if _, _, err := runCmd(ctx, e.env, "shop", "webhooks", id); err == nil || !strings.Contains(err.Error(), "CONNECTOR_PUBLIC_URL") {
		t.Fatalf("without a public URL: %v", err)
	}
	env := maps.Clone(e.env)
	env["CONNECTOR_PUBLIC_URL"] = "https://connector.example"
	out, stderr, err := runCmd(ctx, env, "shop", "webhooks", id, "--json")
	if err != nil {
		t.Fatalf("shop webhooks: %v\n%s", err, stderr)
	}
	var states []platforms.WebhookState
	if err := json.Unmarshal([]byte(out), &states); err != nil {
		t.Fatalf("output %q: %v", out, err)
	}
	wantURL := "https://connector.example/webhooks/woocommerce/" + id
	if len(states) != 2 {
		t.Fatalf("states %+v", states)
	}
	for _, s := range states {
		if s.Changed != "created" || s.URL != wantURL || !s.Active {
			t.Errorf("state %+v, want created at %s", s, wantURL)
		}
	}
	if hooks := fake.Webhooks(); len(hooks) != 2 {
		t.Errorf("the site holds %d webhooks", len(hooks))
	}
	st = e.open(t)
	saved, err := st.Shop(ctx, shop.ID)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	var got shops.WooCommerceCredentials
	if err := json.Unmarshal([]byte(saved.Credentials), &got); err != nil || len(got.WebhookSecret) < 32 || got.ConsumerSecret != secretValue {
		t.Fatalf("the shop did not keep a webhook secret: %v", err)
	}

	fake.DisableWebhook(fake.Webhooks()[0].ID)
	out, _, err = runCmd(ctx, env, "shop", "webhooks", id, "--check")
	if err != nil || !strings.Contains(out, "disabled") {
		t.Fatalf("--check after the site disabled one: %v\n%s", err, out)
	}
	out, _, err = runCmd(ctx, env, "shop", "webhooks", id)
	if err != nil || !strings.Contains(out, "enabled") {
		t.Fatalf("repair: %v\n%s", err, out)
	}
	if len(fake.Webhooks()) != 2 {
		t.Errorf("repair left %d webhooks", len(fake.Webhooks()))
	}
}

func TestShopConnectWooCommerce(t *testing.T) {
	e := newSyncEnv(t, 5)
	ctx := context.Background()
	env := maps.Clone(e.env)
	env["CONNECTOR_PUBLIC_URL"] = "http://connector.example"
	if _, _, err := runCmd(ctx, env, "shop", "connect", "woocommerce", "--url", "https://shop.example"); err == nil {
		t.Fatal("an http public URL was accepted: WooCommerce calls back over https only")
	}
	env["CONNECTOR_PUBLIC_URL"] = "https://connector.example"
	out, stderr, err := runCmd(ctx, env, "shop", "connect", "woocommerce", "--url", "https://shop.example/")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	u, err := url.Parse(strings.TrimSpace(out))
	if err != nil || u.Host != "shop.example" || u.Path != "/wc-auth/v1/authorize" {
		t.Fatalf("printed %q", out)
	}
	q := u.Query()
	if q.Get("callback_url") != "https://connector.example/wc-auth/callback" || q.Get("scope") != "read_write" || len(q.Get("user_id")) < 32 {
		t.Errorf("authorize query %v", q)
	}
}
