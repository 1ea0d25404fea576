package main

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/iws"
	"github.com/intcomex-connector/connector/iws/sandbox"
)

// The demo's sandbox advances an order on its own clock, with nobody calling IWS, from Open to
// Delivered, and posts every change to the connector's IWS webhook.
func TestDemoSandboxAdvancesOrdersOnItsClock(t *testing.T) {
	dataDir := filepath.Join(t.TempDir(), "demo")
	ready := make(chan demoInfo, 1)
	demo := startCmd(withDemoReady(context.Background(), func(info demoInfo) { ready <- info }), nil,
		"demo", "--addr", "127.0.0.1:0", "--data", dataDir, "--skus", "200", "--status-interval", "100ms", "--sample-orders=false")
	t.Cleanup(func() { demo.stop() })
	var info demoInfo
	select {
	case info = <-ready:
	case <-demo.done:
		t.Fatalf("demo stopped before it was ready: %v\n%s", demo.res.err, demo.res.stderr)
	}
	wantHook := info.AdminURL + "webhooks/iws"
	if info.Sandbox.StatusInterval != "100ms" || info.Sandbox.WebhookURL != wantHook {
		t.Fatalf("demo.json sandbox = %+v, want status_interval 100ms and webhook_url %s", info.Sandbox, wantHook)
	}

	// The same seed and size make the same catalog: a twin sandbox names an orderable SKU.
	twin, err := sandbox.New(sandbox.Config{APIKey: "k", AccessKey: "a", SKUs: 200, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = twin.Close() })
	sku := physicalSKU(t, twin)
	c, err := iws.New(iws.Config{BaseURL: info.IWS.URL, APIKey: info.IWS.APIKey, AccessKey: info.IWS.AccessKey})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.PlaceOrder(context.Background(), &iws.PlaceOrderParams{CustomerOrderNumber: "DEMOCLOCK1",
		Items: []iws.RequestOrderItem{{Sku: sku, Quantity: 1}}}); err != nil {
		t.Fatal(err)
	}

	// Only the control endpoint is read from here on: it reports, it does not advance orders.
	// Three changes are posted (to 2, 4 and 5): none after Invoiced, as the spec says.
	delivered := iws.StatusDescription(iws.StatusDelivered)
	var sum sandbox.Summary
	deadline := time.Now().Add(2 * time.Minute) // generous: a loaded CI machine; it takes ~0.5 s
	for {
		sum = sandboxSummary(t, info.Sandbox.ControlURL)
		if h := sum.Webhooks; sum.OrdersByStatus[delivered] == 1 && h != nil && h.Sent+h.Failed >= 3 && h.Pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the order did not reach %q with its webhooks posted: %+v (webhooks %+v)", delivered, sum.OrdersByStatus, sum.Webhooks)
		}
		time.Sleep(50 * time.Millisecond) // polling for a condition, not waiting for it to happen
	}
	if sum.Webhooks.URL != wantHook {
		t.Errorf("sandbox webhooks go to %s, want %s", sum.Webhooks.URL, wantHook)
	}
}

func sandboxSummary(t *testing.T, url string) sandbox.Summary {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var sum sandbox.Summary
	if err := json.NewDecoder(resp.Body).Decode(&sum); err != nil {
		t.Fatal(err)
	}
	return sum
}
