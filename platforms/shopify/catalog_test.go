package shopify_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/intcomex-connector/connector/internal/correlation"
	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/shopify"
	"github.com/intcomex-connector/connector/platforms/shopify/shopifytest"
)

func TestUpsertMapsFields(t *testing.T) {
	e := newEnv(t, shopifytest.Config{})
	c := e.client(t, shopify.Config{BulkThreshold: -1}, nil)
	p := products("M", 1)[0]
	p.Attributes = map[string]string{"RAM": "16 GB", "CPU": "i7"}
	p.Status = platforms.StatusHidden
	res, err := c.UpsertProducts(context.Background(), []platforms.ProductInput{p})
	mustOK(t, "upsert", res, err, 1)
	ref := res[0].Ref
	if !strings.HasPrefix(ref.ProductID, "gid://shopify/Product/") || !strings.HasPrefix(ref.VariantID, "gid://shopify/ProductVariant/") ||
		!strings.HasPrefix(ref.InventoryItemID, "gid://shopify/InventoryItem/") {
		t.Fatalf("ref %+v", ref)
	}
	got, v, ok := e.fake.ProductBySKU(p.Ref.SKU)
	if !ok {
		t.Fatal("not in the fake")
	}
	if got.Vendor != "Acme" || got.ProductType != "Notebooks" || strings.Join(got.Tags, ",") != "Computers,Notebooks" ||
		got.Status != "UNLISTED" || got.Title != p.Title || len(got.Media) != 0 {
		t.Errorf("product %+v", got)
	}
	if v.Price.String() != "19.9" || v.ID != ref.VariantID {
		t.Errorf("variant %+v", v)
	}
	mf := map[string]string{}
	for _, m := range got.Metafields {
		mf[m.Namespace+"."+m.Key] = m.Value
	}
	if mf["intcomex.sku"] != p.Ref.SKU || mf["intcomex.specs"] != `{"CPU":"i7","RAM":"16 GB"}` {
		t.Errorf("metafields %v", mf)
	}
	loc := e.fake.Locations()[0].ID
	if q, _ := e.fake.InventoryLevel(ref.InventoryItemID, loc); q != 5 {
		t.Errorf("stock %d, want 5", q)
	}
}

// productSet replaces list fields: pushing again (with or without the ids)
// neither duplicates the product, its variant nor its metafields.
func TestUpsertTwiceReplacesLists(t *testing.T) {
	e := newEnv(t, shopifytest.Config{})
	c := e.client(t, shopify.Config{BulkThreshold: -1}, nil)
	ctx := context.Background()
	in := products("L", 3)
	first, err := c.UpsertProducts(ctx, in)
	mustOK(t, "first", first, err, 3)
	// Second push without ids (found by the intcomex.sku customId), third with ids.
	in[0].Stock, in[0].Price = 9, "21.50"
	second, err := c.UpsertProducts(ctx, in)
	mustOK(t, "second", second, err, 3)
	for i := range in {
		in[i].Ref = first[i].Ref
	}
	third, err := c.UpsertProducts(ctx, in)
	mustOK(t, "third", third, err, 3)
	for i := range first {
		if second[i].Ref != first[i].Ref || third[i].Ref != first[i].Ref {
			t.Errorf("%d: refs %+v / %+v / %+v", i, first[i].Ref, second[i].Ref, third[i].Ref)
		}
	}
	ps := e.fake.Products()
	if len(ps) != 3 {
		t.Fatalf("%d products, want 3", len(ps))
	}
	for _, p := range ps {
		if len(p.Variants) != 1 || len(p.Metafields) != 1 || len(p.Media) != 0 {
			t.Errorf("%s: %d variants, %d metafields, %d media", p.Title, len(p.Variants), len(p.Metafields), len(p.Media))
		}
	}
	_, v, _ := e.fake.ProductBySKU(in[0].Ref.SKU)
	if q, _ := e.fake.InventoryLevel(v.InventoryItemID, e.fake.Locations()[0].ID); q != 9 || v.Price.StringFixed(2) != "21.50" {
		t.Errorf("update not applied: stock %d price %s", q, v.Price)
	}
}

func TestUpsertPerItemErrors(t *testing.T) {
	e := newEnv(t, shopifytest.Config{})
	c := e.client(t, shopify.Config{BulkThreshold: -1}, nil)
	in := products("E", 4)
	in[1].Price = "abc"
	in[2].Currency = "EUR"
	in[3].Ref.ProductID = "gid://shopify/Product/999999"
	res, err := c.UpsertProducts(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Err != nil || !errors.Is(res[1].Err, platforms.ErrInvalid) || !errors.Is(res[2].Err, platforms.ErrInvalid) || !errors.Is(res[3].Err, platforms.ErrNotFound) {
		t.Fatalf("results %v / %v / %v / %v", res[0].Err, res[1].Err, res[2].Err, res[3].Err)
	}
	var ue *shopify.UserError
	if !errors.As(res[3].Err, &ue) || ue.Code != "PRODUCT_DOES_NOT_EXIST" {
		t.Fatalf("err %v, want the userError", res[3].Err)
	}
}

// A 1 % stock change over 50,000 products is 500 updates: exactly 2
// inventorySetQuantities calls.
func TestStock500IsTwoCalls(t *testing.T) {
	e := newEnv(t, shopifytest.Config{})
	c := e.client(t, shopify.Config{BulkThreshold: 100}, nil)
	ctx := context.Background()
	res, err := c.UpsertProducts(ctx, products("Q", 500))
	mustOK(t, "upsert", res, err, 500)
	before := e.fake.Calls().ByOperation[shopify.OpInventorySetQuantities]
	ups := make([]platforms.StockUpdate, len(res))
	for i, r := range res {
		ups[i] = platforms.StockUpdate{Ref: r.Ref, ManageStock: true, Stock: 100 + i, Status: platforms.StatusPublish}
	}
	out, err := c.UpdateStock(ctx, ups)
	mustOK(t, "stock", out, err, 500)
	if n := e.fake.Calls().ByOperation[shopify.OpInventorySetQuantities] - before; n != 2 {
		t.Fatalf("%d inventorySetQuantities calls, want 2", n)
	}
	loc := e.fake.Locations()[0].ID
	for _, i := range []int{0, 249, 250, 499} {
		if q, _ := e.fake.InventoryLevel(res[i].Ref.InventoryItemID, loc); q != 100+i {
			t.Errorf("item %d: stock %d, want %d", i, q, 100+i)
		}
	}
}

func TestStockPerItemErrorsAndResolution(t *testing.T) {
	e := newEnv(t, shopifytest.Config{})
	c := e.client(t, shopify.Config{BulkThreshold: -1}, nil)
	ctx := context.Background()
	res, err := c.UpsertProducts(ctx, products("V", 3))
	mustOK(t, "upsert", res, err, 3)
	bySKU := res[1].Ref
	bySKU.ProductID, bySKU.VariantID, bySKU.InventoryItemID = "", "", "" // resolved by SKU
	stale := res[2].Ref
	stale.InventoryItemID = "gid://shopify/InventoryItem/424242" // Shopify refuses it; the others still pass
	out, err := c.UpdateStock(ctx, []platforms.StockUpdate{
		{Ref: res[0].Ref, ManageStock: true, Stock: 11},
		{Ref: bySKU, ManageStock: true, Stock: 12},
		{Ref: stale, ManageStock: true, Stock: 13},
		{Ref: platforms.ProductRef{SKU: "NOPE"}, ManageStock: true, Stock: 1},
		{Ref: res[0].Ref, ManageStock: false},
	})
	if err != nil {
		t.Fatal(err)
	}
	if out[0].Err != nil || out[1].Err != nil || out[4].Err != nil {
		t.Fatalf("errors %v / %v / %v", out[0].Err, out[1].Err, out[4].Err)
	}
	if out[1].Ref.InventoryItemID != res[1].Ref.InventoryItemID {
		t.Errorf("resolved ref %+v, want %+v", out[1].Ref, res[1].Ref)
	}
	if !errors.Is(out[2].Err, platforms.ErrNotFound) || !errors.Is(out[3].Err, platforms.ErrNotFound) {
		t.Fatalf("errors %v / %v, want ErrNotFound", out[2].Err, out[3].Err)
	}
	loc := e.fake.Locations()[0].ID
	if q, _ := e.fake.InventoryLevel(res[1].Ref.InventoryItemID, loc); q != 12 {
		t.Errorf("stock %d, want 12", q)
	}
}

// A response lost after Shopify applied the call: the retry carries the
// same idempotency key and is replayed, not applied again. Between the two,
// another writer sets the level; a second application would overwrite it.
func TestStockRetryIsReplayed(t *testing.T) {
	e := newEnv(t, shopifytest.Config{})
	setup := e.client(t, shopify.Config{BulkThreshold: -1}, nil)
	ctx := correlation.WithSyncRunID(context.Background(), "run-1")
	res, err := setup.UpsertProducts(ctx, products("I", 1))
	mustOK(t, "upsert", res, err, 1)
	ref := res[0].Ref
	loc := e.fake.Locations()[0].ID

	var dropped atomic.Bool
	c := e.client(t, shopify.Config{BulkThreshold: -1}, func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(strings.NewReader(string(body)))
			resp, err := next.RoundTrip(r)
			if err == nil && strings.Contains(string(body), shopify.OpInventorySetQuantities) && dropped.CompareAndSwap(false, true) {
				resp.Body.Close()
				// Someone else changes the level before our retry.
				other, oerr := setup.UpdateStock(correlation.WithSyncRunID(context.Background(), "other"), []platforms.StockUpdate{{Ref: ref, ManageStock: true, Stock: 3}})
				if oerr != nil || other[0].Err != nil {
					t.Errorf("other writer: %v %v", oerr, other)
				}
				return nil, errors.New("connection reset by peer")
			}
			return resp, err
		})
	})
	out, err := c.UpdateStock(ctx, []platforms.StockUpdate{{Ref: ref, ManageStock: true, Stock: 7}})
	mustOK(t, "stock", out, err, 1)
	if !dropped.Load() {
		t.Fatal("no response dropped")
	}
	if q, _ := e.fake.InventoryLevel(ref.InventoryItemID, loc); q != 3 {
		t.Fatalf("level %d: the retried call was applied twice (want 3, the other writer's)", q)
	}
	// A later run setting 7 again is a new key: applied.
	out, err = c.UpdateStock(correlation.WithSyncRunID(context.Background(), "run-2"), []platforms.StockUpdate{{Ref: ref, ManageStock: true, Stock: 7}})
	mustOK(t, "stock run 2", out, err, 1)
	if q, _ := e.fake.InventoryLevel(ref.InventoryItemID, loc); q != 7 {
		t.Fatalf("level %d, want 7", q)
	}
}

// Prices: one productVariantsBulkUpdate per product.
func TestUpdatePrices(t *testing.T) {
	e := newEnv(t, shopifytest.Config{})
	c := e.client(t, shopify.Config{BulkThreshold: -1}, nil)
	ctx := context.Background()
	res, err := c.UpsertProducts(ctx, products("PR", 3))
	mustOK(t, "upsert", res, err, 3)
	before := e.fake.Calls().ByOperation[shopify.OpProductVariantsBulkUpdate]
	out, err := c.UpdatePrices(ctx, []platforms.PriceUpdate{
		{Ref: res[0].Ref, Price: "10.00", Currency: "USD"},
		{Ref: res[1].Ref, Price: "-1.00", Currency: "USD"},
		{Ref: res[2].Ref, Price: "30.50", Currency: "USD"},
		{Ref: platforms.ProductRef{SKU: "NOPE"}, Price: "1.00", Currency: "USD"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if out[0].Err != nil || out[2].Err != nil || !errors.Is(out[1].Err, platforms.ErrInvalid) || !errors.Is(out[3].Err, platforms.ErrNotFound) {
		t.Fatalf("results %v / %v / %v / %v", out[0].Err, out[1].Err, out[2].Err, out[3].Err)
	}
	if n := e.fake.Calls().ByOperation[shopify.OpProductVariantsBulkUpdate] - before; n != 2 {
		t.Errorf("%d calls, want 2 (one per product)", n)
	}
	_, v, _ := e.fake.ProductBySKU(res[2].Ref.SKU)
	if v.Price.StringFixed(2) != "30.50" {
		t.Errorf("price %s", v.Price)
	}
}

func TestUnpublishDrafts(t *testing.T) {
	e := newEnv(t, shopifytest.Config{})
	c := e.client(t, shopify.Config{BulkThreshold: -1}, nil)
	ctx := context.Background()
	res, err := c.UpsertProducts(ctx, products("U", 2))
	mustOK(t, "upsert", res, err, 2)
	out, err := c.Unpublish(ctx, []platforms.ProductRef{res[0].Ref, {SKU: res[1].Ref.SKU}, {SKU: "NOPE"}})
	if err != nil {
		t.Fatal(err)
	}
	if out[0].Err != nil || out[1].Err != nil || !errors.Is(out[2].Err, platforms.ErrNotFound) {
		t.Fatalf("results %v / %v / %v", out[0].Err, out[1].Err, out[2].Err)
	}
	for _, p := range e.fake.Products() {
		if p.Status != "DRAFT" {
			t.Errorf("%s: %s", p.Title, p.Status)
		}
	}
}

// The bulk path end to end: staged upload, bulk mutation, polling, result
// file mapped back in input order, invalid items answered without a line;
// a second bulk push updates rather than duplicates.
func TestBulkUpsert(t *testing.T) {
	e := newEnv(t, shopifytest.Config{})
	// A small file limit forces several bulk operations for one call.
	c := e.client(t, shopify.Config{BulkThreshold: 10, BulkFileLimit: 40 << 10}, nil)
	ctx := context.Background()
	in := products("B", 150)
	in[7].Price = "bad"
	res, err := c.UpsertProducts(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Ref.SKU != in[i].Ref.SKU {
			t.Fatalf("result %d is %s, want %s", i, r.Ref.SKU, in[i].Ref.SKU)
		}
		if i == 7 {
			if !errors.Is(r.Err, platforms.ErrInvalid) {
				t.Errorf("item 7: %v", r.Err)
			}
			continue
		}
		_, v, ok := e.fake.ProductBySKU(r.Ref.SKU)
		if r.Err != nil || !ok || r.Ref.VariantID != v.ID || r.Ref.InventoryItemID != v.InventoryItemID {
			t.Fatalf("item %d: %+v %v (fake %+v)", i, r.Ref, r.Err, v)
		}
	}
	calls := e.fake.Calls()
	runs := calls.ByOperation[shopify.OpBulkOperationRunMutation]
	if runs < 2 || calls.ByOperation[shopify.OpStagedUploadsCreate] != runs || calls.ByOperation[shopify.OpProductSet] != 0 {
		t.Fatalf("calls %v", calls.ByOperation)
	}
	in[7].Price = "1.00"
	again, err := c.UpsertProducts(ctx, in)
	mustOK(t, "second bulk push", again, err, len(in))
	if n := len(e.fake.Products()); n != 150 {
		t.Fatalf("%d products after two pushes, want 150", n)
	}
}

// A bulk line with a userError fails that item only.
func TestBulkLineUserError(t *testing.T) {
	e := newEnv(t, shopifytest.Config{})
	c := e.client(t, shopify.Config{BulkThreshold: 2}, nil)
	in := products("BE", 3)
	in[1].Ref.ProductID = "gid://shopify/Product/777777"
	res, err := c.UpsertProducts(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Err != nil || res[2].Err != nil || !errors.Is(res[1].Err, platforms.ErrNotFound) {
		t.Fatalf("results %v / %v / %v", res[0].Err, res[1].Err, res[2].Err)
	}
}

func TestOtherLocation(t *testing.T) {
	e := newEnv(t, shopifytest.Config{})
	loc := e.fake.AddLocation("Bodega Intcomex")
	c := e.client(t, shopify.Config{BulkThreshold: -1, LocationID: loc}, nil)
	res, err := c.UpsertProducts(context.Background(), products("OL", 1))
	mustOK(t, "upsert", res, err, 1)
	if q, ok := e.fake.InventoryLevel(res[0].Ref.InventoryItemID, loc); !ok || q != 5 {
		t.Fatalf("level at %s: %d %v", loc, q, ok)
	}
	if _, ok := e.fake.InventoryLevel(res[0].Ref.InventoryItemID, e.fake.Locations()[0].ID); ok {
		t.Fatal("stocked at the default location too")
	}
	if calls := e.fake.Calls(); calls.ByOperation[shopify.OpLocations] != 0 {
		t.Fatalf("Locations queried although configured: %v", calls.ByOperation)
	}
}
