package store_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/margin"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/pricing"
)

func webhookEvent(shopID int64, delivery string) store.WebhookEvent {
	return store.WebhookEvent{
		ShopID: shopID, Platform: store.PlatformWooCommerce, DeliveryID: delivery, Topic: "order.paid",
		RawTopic: "order.updated", OrderID: "1001", PayloadSHA256: strings.Repeat("ab", 32),
	}
}

func TestWebhookEventsDedupeOnDelivery(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		shop := newShop(t, st)
		at := time.Date(2026, 11, 27, 15, 4, 5, 123456000, time.UTC)
		in := webhookEvent(shop.ID, "d-1")
		in.EventID, in.ReceivedAt = "e-1", at
		first, inserted, err := st.InsertWebhookEvent(ctx, in)
		if err != nil || !inserted {
			t.Fatalf("first insert: inserted %v, %v", inserted, err)
		}
		want := in
		want.ID, want.State = first.ID, store.WebhookEventReceived
		if first != want {
			t.Errorf("stored %+v\nwant   %+v", first, want)
		}
		// A redelivery, even with another topic or body, is the same delivery: nothing changes.
		again := in
		again.Topic, again.ReceivedAt = "order.updated", at.Add(time.Minute)
		second, inserted, err := st.InsertWebhookEvent(ctx, again)
		if err != nil || inserted || second != first {
			t.Errorf("redelivery: %+v inserted %v, %v; want the first row, not inserted", second, inserted, err)
		}
		// The same delivery id from another shop is another delivery.
		other := newShopNamed(t, st, "Otra", shop.IWSAccountID)
		if _, inserted, err := st.InsertWebhookEvent(ctx, webhookEvent(other.ID, "d-1")); err != nil || !inserted {
			t.Errorf("other shop: inserted %v, %v", inserted, err)
		}
		events, err := st.ListWebhookEvents(ctx, shop.ID, 0)
		if err != nil || len(events) != 1 || events[0] != first {
			t.Errorf("events of the shop = %+v, %v", events, err)
		}
		if all, err := st.ListWebhookEvents(ctx, 0, 0); err != nil || len(all) != 2 {
			t.Errorf("all events = %d, %v", len(all), err)
		}
	})
}

func TestWebhookEventsConcurrentRedeliveries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		shop := newShop(t, st)
		var wg sync.WaitGroup
		var mu sync.Mutex
		insertedN := 0
		for range 8 {
			wg.Go(func() {
				_, inserted, err := st.InsertWebhookEvent(ctx, webhookEvent(shop.ID, "same"))
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				defer mu.Unlock()
				if inserted {
					insertedN++
				}
			})
		}
		wg.Wait()
		if insertedN != 1 {
			t.Errorf("%d concurrent inserts reported inserted, want 1", insertedN)
		}
		if events, err := st.ListWebhookEvents(ctx, shop.ID, 0); err != nil || len(events) != 1 {
			t.Errorf("events = %d, %v", len(events), err)
		}
	})
}

func TestWebhookEventValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		for name, mutate := range map[string]func(*store.WebhookEvent){
			"no shop":        func(e *store.WebhookEvent) { e.ShopID = 0 },
			"no delivery":    func(e *store.WebhookEvent) { e.DeliveryID = " " },
			"long delivery":  func(e *store.WebhookEvent) { e.DeliveryID = strings.Repeat("x", 192) },
			"no topic":       func(e *store.WebhookEvent) { e.Topic = "" },
			"bad platform":   func(e *store.WebhookEvent) { e.Platform = "magento" },
			"short checksum": func(e *store.WebhookEvent) { e.PayloadSHA256 = "abc" },
		} {
			e := webhookEvent(1, "d")
			mutate(&e)
			if _, _, err := st.InsertWebhookEvent(ctx, e); !errors.Is(err, store.ErrInvalid) {
				t.Errorf("%s: %v, want ErrInvalid", name, err)
			}
		}
	})
}

func TestDisconnectShopForgetsItsData(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		shop := newShop(t, st)
		other := newShopNamed(t, st, "Otra", shop.IWSAccountID)
		rules, err := pricing.ParseRules(strings.NewReader(`{"currency":"USD","default":{"markup_percent":"20"},"rules":[{"name":"A","priority":1,"match":{"category":"cpt"},"markup_percent":"10"}]}`))
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{shop.ID, other.ID} {
			if err := margin.Replace(ctx, st, id, rules); err != nil {
				t.Fatal(err)
			}
			if err := st.SaveListings(ctx, []store.Listing{{ShopID: id, SKU: "A", State: store.ListingPending, PendingChange: "create"}}); err != nil {
				t.Fatal(err)
			}
			if err := st.InsertAPICall(ctx, &store.APICall{System: "woocommerce", Method: "products.batch", HTTPMethod: "POST", URL: "https://shop", ShopID: id}); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := st.InsertWebhookEvent(ctx, webhookEvent(shop.ID, "uninstall-1")); err != nil {
			t.Fatal(err)
		}

		for range 2 { // a second call (shop/redact after app/uninstalled) changes nothing
			if err := st.DisconnectShop(ctx, shop.ID); err != nil {
				t.Fatal(err)
			}
		}
		got, err := st.Shop(ctx, shop.ID)
		if err != nil || got.Credentials != store.DisconnectedCredentials || got.Name != shop.Name {
			t.Fatalf("disconnected shop = %v (credentials %q), %v", got, got.Credentials, err)
		}
		count := func(table string, id int64) int {
			var n int
			if err := st.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table+" WHERE shop_id = ?", id).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		for _, table := range []string{"listings", "margin_rules", "api_calls"} {
			if n := count(table, shop.ID); n != 0 {
				t.Errorf("%s: %d rows left for the disconnected shop", table, n)
			}
			if count(table, other.ID) == 0 {
				t.Errorf("%s: the other shop's rows were deleted too", table)
			}
		}
		if n := count("webhook_events", shop.ID); n != 1 {
			t.Errorf("webhook_events: %d rows, want the audit row kept", n)
		}
		if err := st.DisconnectShop(ctx, 999); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("missing shop: %v", err)
		}
	})
}

func newShopNamed(t *testing.T, st *store.Store, name string, accountID int64) store.Shop {
	t.Helper()
	shop, err := st.SaveShop(context.Background(), store.Shop{
		Name: name, Platform: store.PlatformShopify, BaseURL: "https://otra.myshopify.com",
		Credentials: `{"access_token":"shpat_x"}`, IWSAccountID: accountID, Currency: "USD", Locale: "es",
	})
	if err != nil {
		t.Fatal(err)
	}
	return shop
}
