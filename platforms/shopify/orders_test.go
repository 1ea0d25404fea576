package shopify_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/platformtest"
	"github.com/intcomex-connector/connector/platforms/shopify"
	"github.com/intcomex-connector/connector/platforms/shopify/shopifytest"
)

const appSecret = "shpss_test_app_secret"

// orderShop is a fake shop on the real clock (the contract suite compares
// with time.Now) and a client for it.
func orderShop(t *testing.T) (*shopifytest.Server, *shopify.Client) {
	t.Helper()
	fake := shopifytest.New(shopifytest.Config{AccessToken: testToken, ClientSecret: appSecret})
	t.Cleanup(fake.Close)
	c, err := shopify.New(shopify.Config{Shop: fake.Config().Shop, AccessToken: testToken, ClientSecret: appSecret,
		BaseURL: fake.URL(), HTTPClient: fake.Client()})
	if err != nil {
		t.Fatal(err)
	}
	return fake, c
}

func createOrder(t *testing.T, fake *shopifytest.Server, paid bool, lines []platformtest.Line) string {
	t.Helper()
	in := shopifytest.NewOrder{Email: "buyer@example.com", FirstName: "Ana", LastName: "Pérez", ShippingMethod: "Standard",
		ShippingAddress: shopifytest.Address{FirstName: "Ana", LastName: "Pérez", Address1: "Calle 1", City: "Bogotá", CountryCode: "CO", Zip: "110111"}}
	if !paid {
		in.FinancialStatus = "PENDING"
	}
	for _, l := range lines {
		in.Lines = append(in.Lines, shopifytest.OrderLine{SKU: l.SKU, Title: "Item " + l.SKU, Quantity: l.Quantity, Price: decimal.RequireFromString(l.UnitPrice)})
	}
	return fake.CreateOrder(in).ID
}

func TestOrdersContract(t *testing.T) {
	platformtest.RunOrders(t, func(t *testing.T) platformtest.OrderShop {
		fake, c := orderShop(t)
		return platformtest.OrderShop{
			Orders:   c,
			Webhooks: c,
			CreateOrder: func(t *testing.T, paid bool, lines []platformtest.Line) string {
				return createOrder(t, fake, paid, lines)
			},
			Notes: func(t *testing.T, id string) []string {
				for _, o := range fake.Orders() {
					if o.ID == id {
						return strings.Split(o.Note, "\n")
					}
				}
				t.Fatalf("no order %s", id)
				return nil
			},
			Flush:  func(*testing.T) { fake.Wait() },
			Secret: appSecret,
		}
	})
}

func TestGetOrderMapsFields(t *testing.T) {
	fake, c := orderShop(t)
	id := createOrder(t, fake, true, []platformtest.Line{{SKU: "A1", Quantity: 3, UnitPrice: "10.50"}})
	o, err := c.GetOrder(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if o.Number != "#1001" || o.Currency != "USD" || o.Total != "31.50" || o.PlatformStatus != "PAID/UNFULFILLED" ||
		o.Shipping.Country != "CO" || o.Shipping.City != "Bogotá" || o.Billing.Email != "buyer@example.com" || o.ShippingMethod != "Standard" {
		t.Errorf("order = %+v", o)
	}
	if l := o.Lines[0]; l.UnitPrice != "10.50" || l.Quantity != 3 || l.Name != "Item A1" {
		t.Errorf("line = %+v", l)
	}
	if _, err := c.GetOrder(context.Background(), "1001"); !errors.Is(err, platforms.ErrInvalid) {
		t.Errorf("numeric id: %v", err)
	}
	if n := fake.Calls().ByOperation[shopify.OpOrder]; n != 1 {
		t.Errorf("%d Order requests, want 1 (the malformed id must do no I/O)", n)
	}
}

func TestGetOrderFollowsLinePages(t *testing.T) {
	fake, c := orderShop(t)
	var lines []platformtest.Line
	for i := range 130 {
		lines = append(lines, platformtest.Line{SKU: "S" + decimal.NewFromInt(int64(i)).String(), Quantity: 1, UnitPrice: "1.00"})
	}
	id := createOrder(t, fake, true, lines)
	o, err := c.GetOrder(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Lines) != 130 || o.Lines[129].SKU != "S129" {
		t.Fatalf("%d lines", len(o.Lines))
	}
	list, err := c.ListPaidOrders(context.Background(), o.CreatedAt)
	if err != nil || len(list) != 1 || len(list[0].Lines) != 130 {
		t.Fatalf("ListPaidOrders: %v, %d orders", err, len(list))
	}
}

func TestListPaidOrdersPagesUnderCostLimit(t *testing.T) {
	fake, c := orderShop(t)
	var ids []string
	for range 25 {
		ids = append(ids, createOrder(t, fake, true, []platformtest.Line{{SKU: "A", Quantity: 1, UnitPrice: "1"}}))
	}
	got, err := c.ListPaidOrders(context.Background(), fake.Orders()[0].CreatedAt)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(ids) {
		t.Fatalf("%d orders, want %d", len(got), len(ids))
	}
	if n := fake.Calls().ByOperation[shopify.OpOrders]; n != 3 {
		t.Errorf("%d Orders pages, want 3", n)
	}
}

func TestStatusMapping(t *testing.T) {
	cases := []struct {
		financial, fulfillment string
		cancelled, closed      bool
		want                   platforms.OrderStatus
		paid                   bool
	}{
		{"PAID", "UNFULFILLED", false, false, platforms.OrderProcessing, true},
		{"PAID", "ON_HOLD", false, false, platforms.OrderOnHold, true},
		{"PAID", "FULFILLED", false, false, platforms.OrderCompleted, true},
		{"PAID", "UNFULFILLED", false, true, platforms.OrderCompleted, true},
		{"PAID", "UNFULFILLED", true, false, platforms.OrderCancelled, true},
		{"REFUNDED", "UNFULFILLED", false, false, platforms.OrderRefunded, true},
		{"PARTIALLY_REFUNDED", "UNFULFILLED", false, false, platforms.OrderProcessing, true},
		{"PARTIALLY_PAID", "UNFULFILLED", false, false, platforms.OrderProcessing, false},
		{"VOIDED", "UNFULFILLED", false, false, platforms.OrderFailed, false},
		{"AUTHORIZED", "UNFULFILLED", false, false, platforms.OrderPending, false},
		{"PENDING", "UNFULFILLED", false, false, platforms.OrderPending, false},
		{"EXPIRED", "UNFULFILLED", false, false, platforms.OrderPending, false},
	}
	for _, tc := range cases {
		t.Run(tc.financial+"/"+tc.fulfillment, func(t *testing.T) {
			st, paid := shopify.OrderStatusOf(tc.financial, tc.fulfillment, tc.cancelled, tc.closed)
			if st != tc.want || paid != tc.paid {
				t.Errorf("= %s, %v; want %s, %v", st, paid, tc.want, tc.paid)
			}
		})
	}
}

func TestNotesAppendDatedLines(t *testing.T) {
	fake, c := orderShop(t)
	ctx := context.Background()
	in := shopifytest.NewOrder{Note: "Please call before delivery", Lines: []shopifytest.OrderLine{{SKU: "A", Quantity: 1, Price: decimal.NewFromInt(1)}}}
	id := fake.CreateOrder(in).ID
	if err := c.AddOrderNote(ctx, id, "Intcomex order\n42 placed", false); err != nil {
		t.Fatal(err)
	}
	note := fake.Orders()[0].Note
	lines := strings.Split(note, "\n")
	if len(lines) != 2 || lines[0] != "Please call before delivery" || !strings.HasSuffix(lines[1], "UTC] Intcomex order 42 placed") {
		t.Fatalf("note = %q", note)
	}
	o, err := c.GetOrder(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if o.CustomerNote != "Please call before delivery" {
		t.Errorf("CustomerNote = %q", o.CustomerNote)
	}
}

func TestSetOrderStatusTransitions(t *testing.T) {
	fake, c := orderShop(t)
	ctx := context.Background()
	id := createOrder(t, fake, true, []platformtest.Line{{SKU: "A", Quantity: 1, UnitPrice: "1"}})
	for range 2 { // holding twice is one hold
		if err := c.SetOrderStatus(ctx, id, platforms.OrderOnHold); err != nil {
			t.Fatal(err)
		}
	}
	if h := fake.Orders()[0].Holds; len(h) != 1 || h[0].Reason != "OTHER" || h[0].Handle != shopify.HoldHandle {
		t.Fatalf("holds = %+v", h)
	}
	if err := c.FulfillOrder(ctx, id, platforms.Fulfillment{TrackingNumber: "T1"}); !errors.Is(err, platforms.ErrInvalid) {
		t.Errorf("FulfillOrder on hold: %v", err)
	}
	if err := c.SetOrderStatus(ctx, id, platforms.OrderProcessing); err != nil {
		t.Fatal(err)
	}
	if err := c.SetOrderStatus(ctx, id, platforms.OrderCompleted); err != nil {
		t.Fatal(err)
	}
	if err := c.SetOrderStatus(ctx, id, platforms.OrderCompleted); err != nil {
		t.Fatal(err)
	}
	if o := fake.Orders()[0]; !o.Closed || len(o.Holds) != 0 {
		t.Errorf("order %+v", o)
	}
	if n := fake.Calls().ByOperation[shopify.OpOrderClose]; n != 1 {
		t.Errorf("%d orderClose calls, want 1", n)
	}
	before := fake.Calls().Total
	if err := c.SetOrderStatus(ctx, id, platforms.OrderRefunded); !errors.Is(err, platforms.ErrInvalid) {
		t.Errorf("refunded: %v", err)
	}
	if fake.Calls().Total != before {
		t.Error("an inexpressible status made requests")
	}
	if err := c.SetOrderStatus(ctx, id, platforms.OrderCancelled); err != nil {
		t.Fatal(err)
	}
	if err := c.SetOrderStatus(ctx, id, platforms.OrderCancelled); err != nil {
		t.Fatal(err)
	}
	if n := fake.Calls().ByOperation[shopify.OpOrderCancel]; n != 1 {
		t.Errorf("%d orderCancel calls, want 1", n)
	}
}

func TestFulfillOrderWritesTrackingAndSerials(t *testing.T) {
	fake, c := orderShop(t)
	ctx := context.Background()
	id := createOrder(t, fake, true, []platformtest.Line{{SKU: "A", Quantity: 2, UnitPrice: "1"}})
	f := platforms.Fulfillment{Carrier: "DHL", TrackingNumber: "JD1", TrackingURL: "https://t.example/JD1", Serials: []string{"S1", "S2"}, NotifyCustomer: true}
	if err := c.FulfillOrder(ctx, id, f); err != nil {
		t.Fatal(err)
	}
	o := fake.Orders()[0]
	if len(o.Fulfillments) != 1 || o.Fulfillments[0].Tracking != (shopifytest.Tracking{Company: "DHL", Number: "JD1", URL: "https://t.example/JD1"}) {
		t.Errorf("fulfillments %+v", o.Fulfillments)
	}
	if len(o.Metafields) != 1 || o.Metafields[0] != (shopifytest.Metafield{Namespace: "intcomex", Key: "serials", Type: "multi_line_text_field", Value: "S1\nS2"}) {
		t.Errorf("metafields %+v", o.Metafields)
	}
	calls := fake.Calls().ByOperation
	if err := c.FulfillOrder(ctx, id, f); err != nil {
		t.Fatal(err)
	}
	if again := fake.Calls().ByOperation; again[shopify.OpFulfillmentCreate] != calls[shopify.OpFulfillmentCreate] || again[shopify.OpMetafieldsSet] != calls[shopify.OpMetafieldsSet] {
		t.Error("second FulfillOrder wrote again")
	}
	f.TrackingNumber = "OTHER"
	if err := c.FulfillOrder(ctx, id, f); !errors.Is(err, platforms.ErrInvalid) {
		t.Errorf("other tracking on a fulfilled order: %v", err)
	}
}

func TestSetOrderMetaRefusesEmptyValues(t *testing.T) {
	fake, c := orderShop(t)
	id := createOrder(t, fake, true, []platformtest.Line{{SKU: "A", Quantity: 1, UnitPrice: "1"}})
	if err := c.SetOrderMeta(context.Background(), id, map[string]string{"k": ""}); !errors.Is(err, platforms.ErrInvalid) {
		t.Errorf("empty value: %v", err)
	}
	meta := map[string]string{}
	for i := range 30 { // two metafieldsSet calls of at most 25
		meta["k"+decimal.NewFromInt(int64(i)).String()] = "v"
	}
	if err := c.SetOrderMeta(context.Background(), id, meta); err != nil {
		t.Fatal(err)
	}
	if n := fake.Calls().ByOperation[shopify.OpMetafieldsSet]; n != 2 {
		t.Errorf("%d metafieldsSet calls, want 2", n)
	}
}

func TestEnsureSKUDefinition(t *testing.T) {
	fake, c := orderShop(t)
	for range 2 {
		if err := c.EnsureSKUDefinition(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	defs := fake.MetafieldDefinitions()
	if len(defs) != 1 || defs[0] != (shopifytest.MetafieldDefinition{ID: defs[0].ID, Namespace: "intcomex", Key: "sku", Name: "Intcomex SKU",
		Type: "single_line_text_field", OwnerType: "PRODUCT", UniqueValues: true}) {
		t.Fatalf("definitions %+v", defs)
	}
	if n := fake.Calls().ByOperation[shopify.OpMetafieldDefinitionCreate]; n != 1 {
		t.Errorf("%d creations", n)
	}
}

// GetOrder asks for a small requested cost: a burst of orders (a sale, a sweep catching up) reads
// each one at once, without waiting for the bucket to refill between them.
func TestGetOrderBurstDoesNotWaitForTheBucket(t *testing.T) {
	fake := shopifytest.New(shopifytest.Config{AccessToken: testToken, ClientSecret: appSecret})
	t.Cleanup(fake.Close)
	var waited time.Duration
	c, err := shopify.New(shopify.Config{Shop: fake.Config().Shop, AccessToken: testToken, ClientSecret: appSecret,
		BaseURL: fake.URL(), HTTPClient: fake.Client(),
		Sleep: func(ctx context.Context, d time.Duration) error { waited += d; return ctx.Err() }})
	if err != nil {
		t.Fatal(err)
	}
	id := createOrder(t, fake, true, []platformtest.Line{{SKU: "A1", Quantity: 3, UnitPrice: "10.50"}})
	for range 10 {
		if _, err := c.GetOrder(context.Background(), id); err != nil {
			t.Fatal(err)
		}
	}
	if waited > 0 {
		t.Errorf("10 GetOrder calls waited %s for the cost bucket", waited)
	}
}
