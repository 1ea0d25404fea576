package main

import (
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeMountsWebhookIntake: serve answers the storefronts' webhook routes with the intake
// (an unknown shop is its JSON 404, not the router's).
func TestServeMountsWebhookIntake(t *testing.T) {
	t.Parallel()
	env := map[string]string{"CONNECTOR_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "c.db"), "CONNECTOR_SECRET_KEY": testKey}
	addr, serve := startServing(t, env, "serve")
	defer func() {
		if r := serve.stop(); r.err != nil {
			t.Errorf("serve returned %v", r.err)
		}
	}()
	base := "http://" + addr
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/readyz = %d", resp.StatusCode)
	}
	for _, path := range []string{"/webhooks/woocommerce/42", "/webhooks/shopify"} {
		req, err := http.NewRequest(http.MethodPost, base+path, strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Shopify-Shop-Domain", "nobody.myshopify.com")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound || !strings.Contains(string(body), `"unknown shop"`) {
			t.Errorf("POST %s = %d %s, want the intake's 404", path, resp.StatusCode, body)
		}
	}
}
