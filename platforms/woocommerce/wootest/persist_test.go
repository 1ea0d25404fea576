package wootest_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/intcomex-connector/connector/platforms/woocommerce/wootest"
)

// A store with a StatePath keeps its products, categories, orders, webhooks and keys across a
// restart: same ids, and new ids continue after the old ones.
func TestStatePathKeepsTheStore(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "woo.json")
	cfg := wootest.Config{StatePath: path, ImageCheck: wootest.AllowImages, Delivery: wootest.DeliverManual}

	first := wootest.New(cfg)
	srv := httptest.NewServer(first)
	status, body := api(t, srv.URL, http.MethodPost, "/products/categories", map[string]any{"name": "Notebooks"})
	if status != http.StatusCreated {
		t.Fatalf("category: %d %s", status, body)
	}
	var cat wootest.Category
	decode(t, body, &cat)
	status, body = api(t, srv.URL, http.MethodPost, "/products", map[string]any{
		"name": "Laptop", "sku": "NB-1", "regular_price": "10.00", "manage_stock": true, "stock_quantity": 7,
		"categories": []map[string]int{{"id": cat.ID}},
		"images":     []map[string]string{{"src": "http://images.example/nb-1.png"}},
	})
	if status != http.StatusCreated {
		t.Fatalf("product: %d %s", status, body)
	}
	var p wootest.Product
	decode(t, body, &p)
	status, body = api(t, srv.URL, http.MethodPost, "/webhooks", map[string]any{
		"topic": "order.created", "delivery_url": "http://127.0.0.1:1/hook", "secret": "s3cret", "status": "paused"})
	if status != http.StatusCreated {
		t.Fatalf("webhook: %d %s", status, body)
	}
	status, body = api(t, srv.URL, http.MethodPost, "/orders", map[string]any{"line_items": []map[string]int{{"product_id": p.ID, "quantity": 1}}})
	if status != http.StatusCreated {
		t.Fatalf("order: %d %s", status, body)
	}
	var o wootest.Order
	decode(t, body, &o)
	srv.Close()
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}

	second, err := wootest.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv = httptest.NewServer(second)
	defer srv.Close()
	status, body = api(t, srv.URL, http.MethodGet, "/products?sku=NB-1", nil)
	var got []wootest.Product
	decode(t, body, &got)
	if status != http.StatusOK || len(got) != 1 || got[0].ID != p.ID || got[0].StockQuantity == nil || *got[0].StockQuantity != 7 ||
		len(got[0].Images) != 1 || got[0].Images[0].ID != p.Images[0].ID || len(got[0].Categories) != 1 || got[0].Categories[0].ID != cat.ID {
		t.Fatalf("after a restart: %d %s", status, body)
	}
	status, body = api(t, srv.URL, http.MethodGet, "/orders/"+strconv.Itoa(o.ID), nil)
	if status != http.StatusOK || !strings.Contains(string(body), `"product_id":`+strconv.Itoa(p.ID)) {
		t.Errorf("order after a restart: %d %s", status, body)
	}
	if hooks := second.Webhooks(); len(hooks) != 1 || hooks[0].Topic != "order.created" || hooks[0].Status != "paused" {
		t.Errorf("webhooks after a restart: %+v", hooks)
	}
	// The SKU is still taken, and a new product gets an id after every old one.
	status, _ = api(t, srv.URL, http.MethodPost, "/products", map[string]any{"name": "Copy", "sku": "NB-1"})
	if status != http.StatusBadRequest {
		t.Errorf("duplicate SKU after a restart: %d", status)
	}
	status, body = api(t, srv.URL, http.MethodPost, "/products", map[string]any{"name": "Mouse", "sku": "MS-1"})
	var next wootest.Product
	decode(t, body, &next)
	if status != http.StatusCreated || next.ID <= o.ID || next.ID <= p.Images[0].ID {
		t.Errorf("new product id %d after product %d, order %d, image %d", next.ID, p.ID, o.ID, p.Images[0].ID)
	}
	if err := second.Close(); err != nil {
		t.Fatal(err)
	}
}

// Nothing is written before a change; after one, Close has it on disk (waiting for the background
// write the request started).
func TestStateIsWrittenAfterChanges(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "woo.json")
	s, err := wootest.Open(wootest.Config{StatePath: path})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("state file written before any change: %v", err)
	}
	if status, body := api(t, srv.URL, http.MethodPost, "/products", map[string]any{"name": "A", "sku": "A-1"}); status != http.StatusCreated {
		t.Fatalf("%d %s", status, body)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(raw), `"A-1"`) {
		t.Fatalf("state file: %v\n%.300s", err, raw)
	}
}

func TestCorruptStateIsAnError(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "woo.json")
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := wootest.Open(wootest.Config{StatePath: path}); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("Open = %v, want an error naming the file", err)
	}
}
