package main

import (
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeMountsIWSWebhook: serve answers Intcomex's webhook route with its intake, which
// refuses an unsigned delivery.
func TestServeMountsIWSWebhook(t *testing.T) {
	t.Parallel()
	env := map[string]string{"CONNECTOR_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "c.db"), "CONNECTOR_SECRET_KEY": testKey}
	addr, serve := startServing(t, env, "serve")
	defer func() {
		if r := serve.stop(); r.err != nil {
			t.Errorf("serve returned %v", r.err)
		}
	}()
	resp, err := http.Post("http://"+addr+"/webhooks/iws", "application/json",
		strings.NewReader(`{"Data":{"OrderNumber":"1","Status":{"StatusCode":2}}}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(body), `"invalid signature"`) {
		t.Errorf("POST /webhooks/iws = %d %s, want the intake's 401", resp.StatusCode, body)
	}
}
