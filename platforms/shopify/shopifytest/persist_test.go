package shopifytest_test

import (
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/intcomex-connector/connector/platforms/shopify"
	"github.com/intcomex-connector/connector/platforms/shopify/shopifytest"
)

// A shop with a StatePath keeps its products, inventory, orders and subscriptions across a
// restart, and serves on the listener it is given: a restart on the same port is the same shop.
func TestStatePathKeepsTheShop(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "shopify.json")
	cfg := shopifytest.Config{AccessToken: "shpat_test", StatePath: path}
	first, err := shopifytest.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var set setResult
	field(t, gql(t, first, shopify.OpProductSet, productInput("SKU-1")), "productSet", &set)
	item, loc := set.Product.Variants.Nodes[0].InventoryItem.ID, first.Locations()[0].ID
	gql(t, first, shopify.OpInventorySetQuantities, map[string]any{"idempotencyKey": "k1", "input": map[string]any{"name": "available", "reason": "correction",
		"quantities": []any{map[string]any{"inventoryItemId": item, "locationId": loc, "quantity": 7, "changeFromQuantity": nil}}}})
	gql(t, first, shopify.OpWebhookSubscriptionCreate, map[string]any{"topic": "ORDERS_PAID",
		"webhookSubscription": map[string]any{"uri": "http://127.0.0.1:1/hook", "format": "JSON"}})
	gql(t, first, shopify.OpProductSetFiles, map[string]any{"identifier": map[string]any{"id": set.Product.ID}, "synchronous": true,
		"input": map[string]any{"files": []any{map[string]any{"originalSource": "https://img.example/1.jpg", "contentType": "IMAGE",
			"alt": "Laptop", "filename": "intcomex-0123456789abcdef.jpg"}}}})
	files, uploads := first.Files(), first.Uploads()
	order := first.CreateOrder(shopifytest.NewOrder{Email: "a@b.c", Lines: []shopifytest.OrderLine{{SKU: "SKU-1", Quantity: 1}}})
	if calls := first.Calls(); calls.Mutations != 4 {
		t.Errorf("mutations counted %d, want 4 (%+v)", calls.Mutations, calls.ByOperation)
	}
	if len(files) == 0 || uploads["https://img.example/1.jpg"] == 0 {
		t.Fatalf("files before the restart: %+v (uploads %v)", files, uploads)
	}
	if err := first.Stop(); err != nil {
		t.Fatal(err)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Listener = ln
	second, err := shopifytest.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	if second.URL() != "http://"+ln.Addr().String() {
		t.Errorf("URL %s, want the listener's %s", second.URL(), ln.Addr())
	}
	p, v, ok := second.ProductBySKU("SKU-1")
	if !ok || p.ID != set.Product.ID || v.InventoryItemID != item {
		t.Fatalf("after a restart: %+v %+v %v", p, v, ok)
	}
	if q, ok := second.InventoryLevel(item, loc); !ok || q != 7 {
		t.Errorf("inventory after a restart: %d %v", q, ok)
	}
	// The media files stay, with what they were made from: a restarted shop still has the
	// product's image, and the connector's media ids still name it.
	if got := second.Files(); !reflect.DeepEqual(got, files) || !reflect.DeepEqual(second.Uploads(), uploads) {
		t.Errorf("files after a restart: %+v (uploads %v), want %+v", got, second.Uploads(), files)
	}
	if hooks := second.Webhooks(); len(hooks) != 1 || hooks[0].Topic != "ORDERS_PAID" {
		t.Errorf("subscriptions after a restart: %+v", hooks)
	}
	if orders := second.Orders(); len(orders) != 1 || orders[0].ID != order.ID {
		t.Errorf("orders after a restart: %+v", orders)
	}
	// The fulfillment order survives with its order: the fulfillment flow still finds it.
	a := gql(t, second, shopify.OpFulfillmentOrders, map[string]any{"orderId": order.ID})
	if !strings.Contains(string(a.Data["order"]), "FulfillmentOrder/") {
		t.Errorf("fulfillment orders after a restart: %s", a.Data["order"])
	}
	// productSet by the same SKU finds the product (the metafield index is rebuilt), and new ids
	// come after the old ones.
	var again setResult
	field(t, gql(t, second, shopify.OpProductSet, productInput("SKU-1")), "productSet", &again)
	if again.Product.ID != set.Product.ID || len(second.Products()) != 1 {
		t.Errorf("productSet after a restart made %s (had %s), %d products", again.Product.ID, set.Product.ID, len(second.Products()))
	}
	if id := second.AddLocation("Second"); id <= loc && len(id) == len(loc) {
		t.Errorf("new id %s does not come after %s", id, loc)
	}
}

func TestCorruptShopStateIsAnError(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "shopify.json")
	if err := os.WriteFile(path, []byte(`{"version": 99}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := shopifytest.Open(shopifytest.Config{StatePath: path}); err == nil || !strings.Contains(err.Error(), "version 99") {
		t.Errorf("Open = %v, want the version refused", err)
	}
}
