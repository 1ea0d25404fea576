package shopifytest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/platforms/shopify"
	"github.com/intcomex-connector/connector/platforms/shopify/shopifytest"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type answer struct {
	Data   map[string]json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
	Extensions struct {
		Cost struct {
			RequestedQueryCost int `json:"requestedQueryCost"`
			ThrottleStatus     struct {
				MaximumAvailable   float64 `json:"maximumAvailable"`
				CurrentlyAvailable float64 `json:"currentlyAvailable"`
				RestoreRate        float64 `json:"restoreRate"`
			} `json:"throttleStatus"`
		} `json:"cost"`
	} `json:"extensions"`
}

func (a answer) code() string {
	if len(a.Errors) == 0 {
		return ""
	}
	c, _ := a.Errors[0].Extensions["code"].(string)
	return c
}

func newFake(t *testing.T, mod func(*shopifytest.Config)) (*shopifytest.Server, *clock) {
	t.Helper()
	c := &clock{t: time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)}
	cfg := shopifytest.Config{AccessToken: "shpat_test", Clock: c.Now}
	if mod != nil {
		mod(&cfg)
	}
	s := shopifytest.New(cfg)
	t.Cleanup(s.Close)
	return s, c
}

func post(t *testing.T, s *shopifytest.Server, token, query string, vars map[string]any) (int, answer) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, s.GraphQLURL(), bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("X-Shopify-Access-Token", token)
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a answer
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(b, &a); err != nil {
			t.Fatalf("decode %s: %v", b, err)
		}
	}
	return resp.StatusCode, a
}

func gql(t *testing.T, s *shopifytest.Server, op string, vars map[string]any) answer {
	t.Helper()
	code, a := post(t, s, "shpat_test", shopify.Document(op), vars)
	if code != http.StatusOK || len(a.Errors) > 0 {
		t.Fatalf("%s: status %d errors %+v", op, code, a.Errors)
	}
	return a
}

func field(t *testing.T, a answer, name string, into any) {
	t.Helper()
	if err := json.Unmarshal(a.Data[name], into); err != nil {
		t.Fatalf("%s: %v (%s)", name, err, a.Data[name])
	}
}

func productInput(skus ...string) map[string]any {
	var variants []any
	for i, sku := range skus {
		variants = append(variants, map[string]any{"sku": sku, "price": fmt.Sprintf("%d.50", 10+i),
			"optionValues": []any{map[string]any{"optionName": "Title", "name": sku}}})
	}
	return map[string]any{
		"identifier":  map[string]any{"customId": map[string]any{"namespace": "intcomex", "key": "sku", "value": skus[0]}},
		"synchronous": true,
		"input": map[string]any{"title": "Laptop " + skus[0], "vendor": "Lenovo", "productType": "Laptops", "tags": []any{"laptops"},
			"status": "ACTIVE", "files": []any{map[string]any{"originalSource": "https://img.example/1.jpg", "contentType": "IMAGE"}},
			"productOptions": []any{map[string]any{"name": "Title", "values": []any{map[string]any{"name": skus[0]}}}},
			"metafields":     []any{map[string]any{"namespace": "intcomex", "key": "sku", "type": "single_line_text_field", "value": skus[0]}},
			"variants":       variants},
	}
}

type setResult struct {
	Product struct {
		ID       string `json:"id"`
		Variants struct {
			Nodes []struct {
				ID, SKU, Price string
				InventoryItem  struct{ ID string } `json:"inventoryItem"`
			} `json:"nodes"`
		} `json:"variants"`
	} `json:"product"`
	UserErrors []struct{ Message, Code string } `json:"userErrors"`
}

func TestEveryDocumentExecutes(t *testing.T) {
	s, _ := newFake(t, nil)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer hook.Close()
	loc := s.Locations()[0].ID
	var set setResult
	field(t, gql(t, s, shopify.OpProductSet, productInput("SKU-1", "SKU-2")), "productSet", &set)
	if len(set.UserErrors) > 0 || len(set.Product.Variants.Nodes) != 2 {
		t.Fatalf("productSet: %+v", set)
	}
	v := set.Product.Variants.Nodes[0]
	order := s.CreateOrder(shopifytest.NewOrder{Email: "a@b.c", Lines: []shopifytest.OrderLine{{SKU: "SKU-1", Quantity: 2}}})
	foID := ""
	steps := []struct {
		op   string
		vars map[string]any
	}{
		{shopify.OpShop, nil},
		{shopify.OpShopCheck, nil},
		{shopify.OpLocations, map[string]any{"first": 10}},
		{shopify.OpVariantsBySKU, map[string]any{"query": `sku:"SKU-1"`, "first": 10}},
		{shopify.OpProductByIdentifier, map[string]any{"identifier": map[string]any{"customId": map[string]any{"namespace": "intcomex", "key": "sku", "value": "SKU-1"}}}},
		{shopify.OpProductVariantsBulkUpdate, map[string]any{"productId": set.Product.ID, "variants": []any{map[string]any{"id": v.ID, "price": "99.00"}}}},
		{shopify.OpInventorySetQuantities, map[string]any{"idempotencyKey": "k1", "input": map[string]any{"name": "available", "reason": "correction",
			"quantities": []any{map[string]any{"inventoryItemId": v.InventoryItem.ID, "locationId": loc, "quantity": 7, "changeFromQuantity": nil}}}}},
		{shopify.OpProductsList, map[string]any{"first": 10, "location": loc}},
		{shopify.OpProductUpdateStatus, map[string]any{"id": set.Product.ID, "status": "DRAFT"}},
		{shopify.OpProductSetFiles, map[string]any{"identifier": map[string]any{"id": set.Product.ID}, "synchronous": true,
			"input": map[string]any{"files": []any{map[string]any{"originalSource": "https://img.example/2.jpg", "contentType": "IMAGE", "alt": "Laptop", "filename": "intcomex-0123456789abcdef.jpg"}}}}},
		{shopify.OpProductsMedia, map[string]any{"ids": []any{set.Product.ID}}},
		{shopify.OpStagedUploadsCreate, map[string]any{"input": []any{map[string]any{"resource": "BULK_MUTATION_VARIABLES", "filename": "v.jsonl", "mimeType": "text/jsonl", "httpMethod": "POST"}}}},
		{shopify.OpOrder, map[string]any{"id": order.ID, "lines": 10}},
		{shopify.OpOrders, map[string]any{"query": "financial_status:paid updated_at:>'2026-06-01T00:00:00Z'", "first": 10, "lines": 10}},
		{shopify.OpOrderState, map[string]any{"id": order.ID}},
		{shopify.OpOrderLineItems, map[string]any{"id": order.ID, "first": 10}},
		{shopify.OpMetafieldsSet, map[string]any{"metafields": []any{map[string]any{"ownerId": order.ID, "namespace": "intcomex", "key": "status", "type": "single_line_text_field", "value": "placed"}}}},
		{shopify.OpMetafieldDefinitionCreate, map[string]any{"definition": map[string]any{"name": "SKU", "namespace": "intcomex", "key": "sku", "ownerType": "PRODUCT",
			"type": "single_line_text_field", "capabilities": map[string]any{"uniqueValues": map[string]any{"enabled": true}}}}},
		{shopify.OpMetafieldDefinitions, map[string]any{"ownerType": "PRODUCT", "namespace": "intcomex", "key": "sku"}},
		{shopify.OpOrderUpdate, map[string]any{"input": map[string]any{"id": order.ID, "note": "IWS 123",
			"metafields": []any{map[string]any{"namespace": "intcomex", "key": "order", "type": "single_line_text_field", "value": "123"}}}}},
		{shopify.OpTagsAdd, map[string]any{"id": order.ID, "tags": []any{"intcomex:placed"}}},
		{shopify.OpFulfillmentOrders, map[string]any{"orderId": order.ID}},
		{shopify.OpWebhookSubscriptionCreate, map[string]any{"topic": "ORDERS_PAID", "webhookSubscription": map[string]any{"uri": hook.URL}}},
		{shopify.OpWebhookSubscriptions, map[string]any{"first": 10}},
		{shopify.OpOrderClose, map[string]any{"input": map[string]any{"id": order.ID}}},
	}
	seen := map[string]bool{shopify.OpProductSet: true}
	for _, st := range steps {
		a := gql(t, s, st.op, st.vars)
		seen[st.op] = true
		if st.op == shopify.OpFulfillmentOrders {
			var o struct {
				FulfillmentOrders struct {
					Nodes []struct {
						ID        string
						LineItems struct{ Nodes []struct{ ID string } } `json:"lineItems"`
					}
				} `json:"fulfillmentOrders"`
			}
			field(t, a, "order", &o)
			fo := o.FulfillmentOrders.Nodes[0]
			foID = fo.ID
			fa := gql(t, s, shopify.OpFulfillmentCreate, map[string]any{"fulfillment": map[string]any{
				"lineItemsByFulfillmentOrder": []any{map[string]any{"fulfillmentOrderId": foID}},
				"trackingInfo":                map[string]any{"number": "1Z999", "url": "https://track.example/1Z999", "company": "UPS"}}})
			seen[shopify.OpFulfillmentCreate] = true
			if !strings.Contains(string(fa.Data["fulfillmentCreate"]), "1Z999") {
				t.Fatalf("fulfillmentCreate: %s", fa.Data["fulfillmentCreate"])
			}
		}
	}
	// ProductSetFiles replaced the product's media with the new file; the first one stays in the
	// shop's files until FileDelete.
	var media struct {
		Nodes []struct {
			ID    string
			Media struct {
				Nodes []struct {
					ID    string
					Image struct{ URL string }
				}
			}
		}
	}
	if err := json.Unmarshal(gql(t, s, shopify.OpProductsMedia, map[string]any{"ids": []any{set.Product.ID}}).Data["nodes"], &media.Nodes); err != nil {
		t.Fatal(err)
	}
	if len(media.Nodes) != 1 || len(media.Nodes[0].Media.Nodes) != 1 || !strings.Contains(media.Nodes[0].Media.Nodes[0].Image.URL, "intcomex-0123456789abcdef.jpg") {
		t.Fatalf("media %+v", media)
	}
	if n := len(s.Files()); n != 2 {
		t.Fatalf("%d files", n)
	}
	var del struct {
		DeletedFileIDs []string `json:"deletedFileIds"`
	}
	field(t, gql(t, s, shopify.OpFileDelete, map[string]any{"fileIds": []any{media.Nodes[0].Media.Nodes[0].ID}}), "fileDelete", &del)
	seen[shopify.OpFileDelete] = true
	if len(del.DeletedFileIDs) != 1 || len(s.Files()) != 1 {
		t.Fatalf("fileDelete: %+v, %d files left", del, len(s.Files()))
	}
	if p, _, _ := s.ProductBySKU("SKU-1"); len(p.Media) != 0 {
		t.Fatalf("deleted file still on the product: %+v", p.Media)
	}
	held := s.CreateOrder(shopifytest.NewOrder{Lines: []shopifytest.OrderLine{{SKU: "H", Quantity: 1}}})
	var fos struct {
		FulfillmentOrders struct{ Nodes []struct{ ID string } } `json:"fulfillmentOrders"`
	}
	field(t, gql(t, s, shopify.OpFulfillmentOrders, map[string]any{"orderId": held.ID}), "order", &fos)
	heldFO := fos.FulfillmentOrders.Nodes[0].ID
	gql(t, s, shopify.OpFulfillmentOrderHold, map[string]any{"id": heldFO, "fulfillmentHold": map[string]any{"reason": "OTHER", "handle": "h"}})
	if h := s.Orders()[1].Holds; len(h) != 1 || h[0].Reason != "OTHER" {
		t.Fatalf("holds %+v", h)
	}
	gql(t, s, shopify.OpFulfillmentOrderReleaseHold, map[string]any{"id": heldFO})
	if h := s.Orders()[1].Holds; len(h) != 0 {
		t.Fatalf("holds after release %+v", h)
	}
	subID := s.Webhooks()[0].ID
	gql(t, s, shopify.OpWebhookSubscriptionUpdate, map[string]any{"id": subID, "webhookSubscription": map[string]any{"uri": hook.URL + "/moved"}})
	if w := s.Webhooks()[0]; w.URI != hook.URL+"/moved" {
		t.Fatalf("subscription %+v", w)
	}
	if d := s.MetafieldDefinitions(); len(d) != 1 || !d[0].UniqueValues {
		t.Fatalf("definitions %+v", d)
	}
	for _, op := range []string{shopify.OpFulfillmentOrderHold, shopify.OpFulfillmentOrderReleaseHold, shopify.OpWebhookSubscriptionUpdate} {
		seen[op] = true
	}
	gql(t, s, shopify.OpOrderCancel, map[string]any{"orderId": s.CreateOrder(shopifytest.NewOrder{Lines: []shopifytest.OrderLine{{SKU: "X", Quantity: 1}}}).ID, "reason": "INVENTORY", "restock": true})
	seen[shopify.OpOrderCancel] = true
	if q, _ := s.InventoryLevel(v.InventoryItem.ID, loc); q != 7 {
		t.Fatalf("inventory = %d", q)
	}
	o := s.Orders()[0]
	if o.Note != "IWS 123" || len(o.Metafields) != 2 || !o.Closed || o.Fulfillments[0].Tracking.Number != "1Z999" || o.Tags[0] != "intcomex:placed" {
		t.Fatalf("order state: %+v", o)
	}
	for _, op := range shopify.OperationNames() {
		if !seen[op] && op != shopify.OpBulkOperationRunMutation && op != shopify.OpBulkOperation {
			t.Errorf("document %s not exercised", op)
		}
	}
}

// TestProductsListPages: ProductsList pages through every variant by id with Shopify's cursors,
// is charged 2 + 4 points a variant asked for, and shows the available quantity at the location
// asked about, stock tracking and the product's status; a deleted product is gone from it with
// the media only it showed.
func TestProductsListPages(t *testing.T) {
	s, _ := newFake(t, nil)
	loc := s.Locations()[0].ID
	var ids []string
	for i := range 5 {
		var set setResult
		field(t, gql(t, s, shopify.OpProductSet, productInput(fmt.Sprintf("L-%d", i))), "productSet", &set)
		ids = append(ids, set.Product.ID)
		s.SetInventoryLevel(set.Product.Variants.Nodes[0].InventoryItem.ID, loc, 10+i)
	}
	s.EditProduct(ids[1], func(p *shopifytest.Product) { p.Status = "DRAFT" })
	type node struct {
		SKU           string
		Price         string
		InventoryItem struct {
			Tracked        bool
			InventoryLevel *struct {
				Quantities []struct {
					Name     string
					Quantity int
				}
			} `json:"inventoryLevel"`
		} `json:"inventoryItem"`
		Product struct{ ID, Title, Status string }
	}
	var got []node
	var after any
	for pages := 0; ; pages++ {
		a := gql(t, s, shopify.OpProductsList, map[string]any{"first": 2, "after": after, "location": loc})
		if c := a.Extensions.Cost.RequestedQueryCost; c != 2+2*4 {
			t.Fatalf("page %d cost %d, want %d", pages, c, 2+2*4)
		}
		var pv struct {
			Nodes    []node
			PageInfo struct {
				HasNextPage bool
				EndCursor   string
			}
		}
		field(t, a, "productVariants", &pv)
		got = append(got, pv.Nodes...)
		if !pv.PageInfo.HasNextPage {
			break
		}
		after = pv.PageInfo.EndCursor
	}
	if len(got) != 5 {
		t.Fatalf("listed %d variants: %+v", len(got), got)
	}
	for i, n := range got {
		lvl := n.InventoryItem.InventoryLevel
		if n.SKU != fmt.Sprintf("L-%d", i) || !n.InventoryItem.Tracked || lvl == nil || len(lvl.Quantities) != 1 ||
			lvl.Quantities[0].Name != "available" || lvl.Quantities[0].Quantity != 10+i {
			t.Errorf("variant %d: %+v", i, n)
		}
		if want := map[bool]string{true: "DRAFT", false: "ACTIVE"}[i == 1]; n.Product.Status != want {
			t.Errorf("variant %d: product status %s, want %s", i, n.Product.Status, want)
		}
	}
	if _, a := post(t, s, "shpat_test", shopify.Document(shopify.OpProductsList), map[string]any{"first": 250, "location": loc}); a.code() != "MAX_COST_EXCEEDED" || a.Extensions.Cost.RequestedQueryCost != 1002 {
		t.Fatalf("250 variants a page: %+v, want MAX_COST_EXCEEDED", a.Errors)
	}

	files := len(s.Files())
	if !s.DeleteProduct(ids[0]) || s.DeleteProduct(ids[0]) {
		t.Fatal("DeleteProduct")
	}
	if len(s.Files()) != files-1 {
		t.Fatalf("%d files after deleting a product with one, were %d", len(s.Files()), files)
	}
	var pv struct{ Nodes []node }
	field(t, gql(t, s, shopify.OpProductsList, map[string]any{"first": 10, "location": loc}), "productVariants", &pv)
	if len(pv.Nodes) != 4 || pv.Nodes[0].SKU != "L-1" {
		t.Fatalf("after the delete: %+v", pv.Nodes)
	}
	// A productSet by the deleted product's intcomex.sku makes a new product.
	var again setResult
	field(t, gql(t, s, shopify.OpProductSet, productInput("L-0")), "productSet", &again)
	if again.Product.ID == "" || again.Product.ID == ids[0] || len(s.Products()) != 5 {
		t.Fatalf("productSet after the delete: %+v, %d products", again, len(s.Products()))
	}
}

func TestAuth(t *testing.T) {
	s, _ := newFake(t, nil)
	for _, tok := range []string{"", "wrong"} {
		if code, _ := post(t, s, tok, shopify.Document(shopify.OpShop), nil); code != http.StatusUnauthorized {
			t.Fatalf("token %q: status %d", tok, code)
		}
	}
}

func TestInvalidDocumentAnswersErrors(t *testing.T) {
	s, _ := newFake(t, nil)
	_, a := post(t, s, "shpat_test", `query { shop { nope } }`, nil)
	if len(a.Errors) == 0 || a.Data != nil || a.Extensions.Cost.ThrottleStatus.MaximumAvailable == 0 {
		t.Fatalf("%+v", a)
	}
}

func TestThrottle(t *testing.T) {
	const q = `query VariantsBySKU($query: String!, $first: Int!, $after: String) { productVariants(first: $first, after: $after, query: $query) { nodes { id inventoryItem { id } product { id } } } }`
	vars := map[string]any{"query": "sku:A", "first": 100} // 2 + 100×2 = 202 points
	t.Run("too fast", func(t *testing.T) {
		s, _ := newFake(t, nil)
		throttled := 0
		for i := 0; i < 12; i++ {
			_, a := post(t, s, "shpat_test", q, vars)
			if a.code() == "THROTTLED" {
				throttled++
				if a.Errors[0].Message != "Throttled" || a.Extensions.Cost.ThrottleStatus.RestoreRate != 100 {
					t.Fatalf("%+v", a)
				}
			}
		}
		if throttled == 0 || s.Calls().Throttled != throttled {
			t.Fatalf("throttled %d, calls %+v", throttled, s.Calls())
		}
	})
	t.Run("paced", func(t *testing.T) {
		s, c := newFake(t, nil)
		for i := 0; i < 50; i++ {
			_, a := post(t, s, "shpat_test", q, vars)
			if a.code() != "" {
				t.Fatalf("call %d: %+v", i, a.Errors)
			}
			c.Add(2020 * time.Millisecond) // 202 points at 100/s
		}
	})
	t.Run("max cost", func(t *testing.T) {
		s, _ := newFake(t, nil)
		if _, a := post(t, s, "shpat_test", q, map[string]any{"query": "sku:A", "first": 250, "x": nil}); a.code() != "" {
			// 2 + 250×2 = 502: fine
			t.Fatalf("%+v", a.Errors)
		}
		big := `query { products(first: 250) { nodes { variants(first: 250) { nodes { inventoryItem { id } } } } } }`
		if _, a := post(t, s, "shpat_test", big, nil); a.code() != "MAX_COST_EXCEEDED" {
			t.Fatalf("%+v", a.Errors)
		}
	})
}

func TestInputLimit250(t *testing.T) {
	s, _ := newFake(t, nil)
	loc := s.Locations()[0].ID
	qs := make([]any, 251)
	for i := range qs {
		qs[i] = map[string]any{"inventoryItemId": "gid://shopify/InventoryItem/1", "locationId": loc, "quantity": 1, "changeFromQuantity": nil}
	}
	_, a := post(t, s, "shpat_test", shopify.Document(shopify.OpInventorySetQuantities), map[string]any{"idempotencyKey": "k",
		"input": map[string]any{"name": "available", "reason": "correction", "quantities": qs}})
	if a.code() != "MAX_INPUT_SIZE_EXCEEDED" {
		t.Fatalf("%+v", a.Errors)
	}
	vs := make([]any, 251)
	for i := range vs {
		vs[i] = map[string]any{"id": fmt.Sprint(i), "price": "1"}
	}
	_, a = post(t, s, "shpat_test", shopify.Document(shopify.OpProductVariantsBulkUpdate), map[string]any{"productId": "gid://shopify/Product/1", "variants": vs})
	if a.code() != "MAX_INPUT_SIZE_EXCEEDED" {
		t.Fatalf("%+v", a.Errors)
	}
}

func TestProductSetReplacesLists(t *testing.T) {
	s, _ := newFake(t, nil)
	var first, second setResult
	field(t, gql(t, s, shopify.OpProductSet, productInput("A", "B", "C")), "productSet", &first)
	in := productInput("A", "D")
	in["input"].(map[string]any)["metafields"] = []any{}
	field(t, gql(t, s, shopify.OpProductSet, in), "productSet", &second)
	if first.Product.ID != second.Product.ID {
		t.Fatal("upsert by customId created a second product")
	}
	if first.Product.Variants.Nodes[0].ID != second.Product.Variants.Nodes[0].ID {
		t.Fatal("variant A lost its id")
	}
	p, _, _ := s.ProductBySKU("A")
	if len(p.Variants) != 2 || p.Variants[1].SKU != "D" || len(p.Metafields) != 0 || len(s.Products()) != 1 {
		t.Fatalf("not replaced: %+v", p)
	}
	if _, _, ok := s.ProductBySKU("B"); ok {
		t.Fatal("B survived")
	}
}

func TestIdempotent(t *testing.T) {
	s, _ := newFake(t, nil)
	var set setResult
	field(t, gql(t, s, shopify.OpProductSet, productInput("A")), "productSet", &set)
	item, loc := set.Product.Variants.Nodes[0].InventoryItem.ID, s.Locations()[0].ID
	input := func(q int) map[string]any {
		return map[string]any{"name": "available", "reason": "correction",
			"quantities": []any{map[string]any{"inventoryItemId": item, "locationId": loc, "quantity": q, "changeFromQuantity": nil}}}
	}
	noDirective := `mutation I($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) { userErrors { message } } }`
	if _, a := post(t, s, "shpat_test", noDirective, map[string]any{"input": input(5)}); len(a.Errors) == 0 {
		t.Fatal("missing @idempotent accepted")
	}
	first := gql(t, s, shopify.OpInventorySetQuantities, map[string]any{"idempotencyKey": "key-1", "input": input(5)})
	s2, _ := s.InventoryLevel(item, loc)
	// Someone else changes stock; a replay of key-1 must not set it back.
	gql(t, s, shopify.OpInventorySetQuantities, map[string]any{"idempotencyKey": "key-2", "input": input(9)})
	replay := gql(t, s, shopify.OpInventorySetQuantities, map[string]any{"idempotencyKey": "key-1", "input": input(5)})
	if string(first.Data["inventorySetQuantities"]) != string(replay.Data["inventorySetQuantities"]) {
		t.Fatalf("replay differs:\n%s\n%s", first.Data["inventorySetQuantities"], replay.Data["inventorySetQuantities"])
	}
	if q, _ := s.InventoryLevel(item, loc); s2 != 5 || q != 9 {
		t.Fatalf("levels %d then %d", s2, q)
	}
	mm := gql(t, s, shopify.OpInventorySetQuantities, map[string]any{"idempotencyKey": "key-1", "input": input(6)})
	if !strings.Contains(string(mm.Data["inventorySetQuantities"]), "IDEMPOTENCY_KEY_PARAMETER_MISMATCH") {
		t.Fatalf("%s", mm.Data["inventorySetQuantities"])
	}
	stale := input(1)
	stale["quantities"].([]any)[0].(map[string]any)["changeFromQuantity"] = 3
	st := gql(t, s, shopify.OpInventorySetQuantities, map[string]any{"idempotencyKey": "key-3", "input": stale})
	if !strings.Contains(string(st.Data["inventorySetQuantities"]), "CHANGE_FROM_QUANTITY_STALE") {
		t.Fatalf("%s", st.Data["inventorySetQuantities"])
	}
}
