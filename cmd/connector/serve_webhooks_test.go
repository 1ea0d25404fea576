package main

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServeMountsWebhookIntake: serve answers the storefronts' webhook routes with the intake
// (an unknown shop is its JSON 404, not the router's).
func TestServeMountsWebhookIntake(t *testing.T) {
	addr := freeAddr(t)
	env := map[string]string{"CONNECTOR_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "c.db"), "CONNECTOR_SECRET_KEY": testKey}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, _, err := runCmd(ctx, env, "serve", "--addr", addr)
		done <- err
	}()
	defer func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve returned %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("serve did not stop on cancel")
		}
	}()
	base := "http://" + addr
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if resp, err := http.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
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
