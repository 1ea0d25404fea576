package orders_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/orders"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/platforms"
)

func intakeShop(t *testing.T, st *store.Store, platform, base string) store.Shop {
	t.Helper()
	ctx := context.Background()
	accts, _ := st.ListIWSAccounts(ctx)
	var acctID int64
	if len(accts) > 0 {
		acctID = accts[0].ID
	} else {
		acct, err := st.SaveIWSAccount(ctx, store.IWSAccount{Name: "default", Environment: store.EnvironmentTest,
			BaseURL: "https://iws.example/v1/", APIKey: "k", AccessKey: "a"})
		if err != nil {
			t.Fatal(err)
		}
		acctID = acct.ID
	}
	shop, err := st.SaveShop(ctx, store.Shop{Name: platform, Platform: platform, BaseURL: base,
		Credentials: `{"x":"y"}`, IWSAccountID: acctID, Currency: "USD", Locale: "es"})
	if err != nil {
		t.Fatal(err)
	}
	return shop
}

func wooEvent(topic platforms.Topic, status string, paid bool, meta map[string]string) platforms.WebhookEvent {
	o := &platforms.Order{ID: "1042", Number: "1042", PlatformStatus: status, Status: platforms.OrderStatus(status), Meta: meta,
		Lines: []platforms.OrderLine{{ID: "7", SKU: "A1", Quantity: 2, UnitPrice: "10.00"}}}
	if paid {
		o.PaidAt, o.Paid = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC), true
	}
	return platforms.WebhookEvent{Topic: topic, RawTopic: string(topic), DeliveryID: "d", OrderID: "1042", Order: o}
}

func TestPaid(t *testing.T) {
	tests := []struct {
		name     string
		platform string
		ev       platforms.WebhookEvent
		want     bool
	}{
		{"woo created processing paid", store.PlatformWooCommerce, wooEvent(platforms.TopicOrderCreated, "processing", true, nil), true},
		{"woo updated completed paid", store.PlatformWooCommerce, wooEvent(platforms.TopicOrderUpdated, "completed", true, nil), true},
		{"woo processing without date_paid", store.PlatformWooCommerce, wooEvent(platforms.TopicOrderUpdated, "processing", false, nil), false},
		{"woo pending", store.PlatformWooCommerce, wooEvent(platforms.TopicOrderCreated, "pending", false, nil), false},
		{"woo on-hold paid", store.PlatformWooCommerce, wooEvent(platforms.TopicOrderUpdated, "on-hold", true, nil), false},
		{"shopify paid", store.PlatformShopify, platforms.WebhookEvent{Topic: platforms.TopicOrderPaid, OrderID: "gid://shopify/Order/1"}, true},
		{"shopify updated", store.PlatformShopify, platforms.WebhookEvent{Topic: platforms.TopicOrderUpdated, OrderID: "gid://shopify/Order/1",
			Order: &platforms.Order{Paid: true}}, false},
		{"shopify created", store.PlatformShopify, platforms.WebhookEvent{Topic: platforms.TopicOrderCreated, OrderID: "gid://shopify/Order/1"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := orders.Paid(tt.platform, tt.ev); got != tt.want {
				t.Errorf("Paid = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestIntake(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		client, err := jobs.NewClient(st, jobs.Config{})
		if err != nil {
			t.Fatal(err)
		}
		in := orders.NewIntake(st, client)
		shop := intakeShop(t, st, store.PlatformWooCommerce, "https://woo.example")
		receive := func(ev platforms.WebhookEvent) orders.Outcome {
			t.Helper()
			var out orders.Outcome
			err := st.Transaction(ctx, func(tx *store.Tx) error {
				var err error
				out, _, err = in.ReceiveTx(ctx, tx, shop, ev)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		placeJobs := func() int {
			t.Helper()
			rows, err := client.List(ctx, jobs.ListFilter{Kinds: []string{orders.KindPlaceOrder}})
			if err != nil {
				t.Fatal(err)
			}
			return len(rows)
		}
		if got := receive(wooEvent(platforms.TopicOrderCreated, "pending", false, nil)); got != orders.OutcomeNotPaid {
			t.Errorf("pending: %s", got)
		}
		if got := receive(wooEvent(platforms.TopicOrderUpdated, "processing", true, nil)); got != orders.OutcomeNew {
			t.Errorf("paid: %s", got)
		}
		if got := receive(wooEvent(platforms.TopicOrderUpdated, "processing", true, nil)); got != orders.OutcomeSeen {
			t.Errorf("paid again: %s", got)
		}
		own := wooEvent(platforms.TopicOrderUpdated, "processing", true, map[string]string{orders.MetaOrderNumber(store.PlatformWooCommerce): "2020997"})
		if got := receive(own); got != orders.OutcomeOwn {
			t.Errorf("own write-back: %s", got)
		}
		if n := placeJobs(); n != 1 {
			t.Fatalf("%d place_order jobs, want 1", n)
		}
		o, err := st.OrderByStorefrontID(ctx, shop.ID, "1042")
		if err != nil {
			t.Fatal(err)
		}
		if o.CustomerOrderNumber != "W"+itoa(shop.ID)+"N1042" || o.State != store.OrderReceived || len(o.Lines) != 1 || o.PaidAt.IsZero() {
			t.Errorf("order = %+v", o)
		}
		events, _ := st.OrderEvents(ctx, o.ID)
		if len(events) != 1 || events[0].Kind != store.OrderEventWebhook {
			t.Errorf("events = %+v", events)
		}

		// An order the Placer found unpaid is reopened by a later paid event.
		o.State = store.OrderUnpaid
		if _, err := st.SaveOrder(ctx, o); err != nil {
			t.Fatal(err)
		}
		if got := receive(wooEvent(platforms.TopicOrderUpdated, "processing", true, nil)); got != orders.OutcomeReopened {
			t.Errorf("reopen: %s", got)
		}
		// The first job is still live (unique key): still one job.
		if n := placeJobs(); n != 1 {
			t.Errorf("%d place_order jobs after reopen, want 1 (the live one)", n)
		}

		// The sweep finds the same order: nothing new.
		err = st.Transaction(ctx, func(tx *store.Tx) error {
			out, _, err := in.ReceiveOrderTx(ctx, tx, shop, *wooEvent(platforms.TopicOrderUpdated, "processing", true, nil).Order)
			if out != orders.OutcomeSeen {
				t.Errorf("sweep: %s", out)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func itoa(n int64) string { return fmtInt(n) }

func fmtInt(n int64) string { return strconv.FormatInt(n, 10) }
