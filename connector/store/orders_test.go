package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
)

func newOrder(shopID int64, sfID, number string) store.Order {
	return store.Order{
		ShopID: shopID, StorefrontOrderID: sfID, StorefrontOrderNumber: number, CustomerOrderNumber: "W" + strconv.FormatInt(shopID, 10) + "N" + number,
		StorefrontStatus: "processing", Currency: "USD", Total: "120.50",
		PaidAt: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC),
		Lines: []store.OrderLine{
			{StorefrontLineID: "11", SKU: "A1", Name: "Thing", Quantity: 2, UnitPrice: "50.25", Intcomex: true,
				CostBasis: decimal.NewNullDecimal(decimal.RequireFromString("40.1234"))},
			{StorefrontLineID: "12", SKU: "OTHER", Name: "Gift wrap", Quantity: 1, UnitPrice: "20.00"},
		},
	}
}

func upsert(t *testing.T, st *store.Store, o store.Order) (store.Order, bool) {
	t.Helper()
	var got store.Order
	var inserted bool
	err := st.Transaction(context.Background(), func(tx *store.Tx) error {
		var err error
		got, inserted, err = st.UpsertOrderTx(context.Background(), tx, o)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return got, inserted
}

func TestOrdersUpsertReadSave(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		shop := newShop(t, st)
		first, inserted := upsert(t, st, newOrder(shop.ID, "1001", "1001"))
		if !inserted || first.ID == 0 || first.State != store.OrderReceived || first.Version != 1 {
			t.Fatalf("first upsert = %+v, %v", first, inserted)
		}
		again, inserted := upsert(t, st, newOrder(shop.ID, "1001", "1001"))
		if inserted || again.ID != first.ID {
			t.Fatalf("second upsert = %+v, %v; want the stored order", again, inserted)
		}

		got, err := st.OrderByStorefrontID(ctx, shop.ID, "1001")
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Lines) != 2 || got.Lines[0].SKU != "A1" || !got.Lines[0].Intcomex || got.Lines[1].Intcomex ||
			!got.Lines[0].CostBasis.Valid || !got.Lines[0].CostBasis.Decimal.Equal(decimal.RequireFromString("40.1234")) {
			t.Errorf("lines = %+v", got.Lines)
		}
		if !got.PaidAt.Equal(time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)) || string(got.Tracking) != "null" {
			t.Errorf("paid at %v, tracking %s", got.PaidAt, got.Tracking)
		}
		if len(got.IntcomexLines()) != 1 {
			t.Errorf("intcomex lines = %+v", got.IntcomexLines())
		}
		if byNum, err := st.OrderByCustomerNumber(ctx, "W1N1001"); err != nil || byNum.ID != first.ID {
			t.Errorf("by customer number = %+v, %v", byNum, err)
		}
		if _, err := st.OrderByCustomerNumber(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown number: %v", err)
		}

		// Compare and swap: the first save wins, a save from the same old version loses.
		a, b := got, got
		a.State = store.OrderValidating
		saved, err := st.SaveOrder(ctx, a, store.OrderEvent{Kind: store.OrderEventValidation, Message: "checking", JobID: "7",
			APICallIDs: []int64{3, 4}, Detail: json.RawMessage(`{"skus":["A1"]}`)})
		if err != nil || saved.Version != 2 || saved.State != store.OrderValidating || len(saved.Lines) != 2 {
			t.Fatalf("save = %+v, %v", saved, err)
		}
		b.State = store.OrderPlacing
		if _, err := st.SaveOrder(ctx, b); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("stale save: %v, want ErrConflict", err)
		}
		saved.State, saved.IntcomexOrderNumber, saved.PlacedAt = store.OrderPlaced, "2020997", time.Now()
		saved.Tracking = json.RawMessage(`[{"number":"T1"}]`)
		saved.Lines = saved.Lines[:1]
		placed, err := st.SaveOrder(ctx, saved)
		if err != nil || placed.Version != 3 || len(placed.Lines) != 1 || string(placed.Tracking) != `[{"number":"T1"}]` {
			t.Fatalf("placed = %+v, %v", placed, err)
		}
		if byIWS, err := st.OrderByIntcomexNumber(ctx, "2020997"); err != nil || byIWS.ID != first.ID {
			t.Errorf("by intcomex number = %+v, %v", byIWS, err)
		}

		events, err := st.OrderEvents(ctx, first.ID)
		if err != nil || len(events) != 1 {
			t.Fatalf("events = %+v, %v", events, err)
		}
		if e := events[0]; e.Kind != store.OrderEventValidation || e.JobID != "7" || len(e.APICallIDs) != 2 || string(e.Detail) != `{"skus":["A1"]}` {
			t.Errorf("event = %+v", e)
		}
		if err := st.AddOrderEvents(ctx, first.ID, store.OrderEvent{Kind: store.OrderEventNote, Message: "hi"}); err != nil {
			t.Fatal(err)
		}
		if events, _ := st.OrderEvents(ctx, first.ID); len(events) != 2 || string(events[1].Detail) != "{}" || events[1].APICallIDs == nil {
			t.Errorf("events = %+v", events)
		}
	})
}

func TestOrdersCustomerNumberUnique(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		shop := newShop(t, st)
		upsert(t, st, newOrder(shop.ID, "1001", "1001"))
		other := newOrder(shop.ID, "2002", "1001") // same number, another storefront order
		err := st.Transaction(context.Background(), func(tx *store.Tx) error {
			_, taken, err := st.OrderIntakeLookupTx(context.Background(), tx, shop.ID, "2002", other.CustomerOrderNumber)
			if !errors.Is(err, store.ErrNotFound) || !taken {
				t.Errorf("taken = %v, %v", taken, err)
			}
			// The order itself is found with its lines, whatever the number asked.
			got, taken, err := st.OrderIntakeLookupTx(context.Background(), tx, shop.ID, "1001", "W9N9")
			if err != nil || taken || got.StorefrontOrderID != "1001" || len(got.Lines) != 2 {
				t.Errorf("lookup 1001 = %+v, %v, %v", got, taken, err)
			}
			if _, taken, err := st.OrderIntakeLookupTx(context.Background(), tx, shop.ID, "3003", "W9N3003"); !errors.Is(err, store.ErrNotFound) || taken {
				t.Errorf("lookup 3003 = %v, %v", taken, err)
			}
			_, _, err = st.UpsertOrderTx(context.Background(), tx, other)
			return err
		})
		if !errors.Is(err, store.ErrConflict) {
			t.Fatalf("duplicate customer number: %v, want ErrConflict", err)
		}
	})
}

func TestOrdersConcurrentUpsertOneRow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		shop := newShop(t, st)
		var wg sync.WaitGroup
		var mu sync.Mutex
		inserted := 0
		for range 5 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := st.Transaction(context.Background(), func(tx *store.Tx) error {
					_, ins, err := st.UpsertOrderTx(context.Background(), tx, newOrder(shop.ID, "1001", "1001"))
					if ins {
						mu.Lock()
						inserted++
						mu.Unlock()
					}
					return err
				})
				if err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		orders, err := st.ListOrders(context.Background(), store.OrderFilter{ShopID: shop.ID})
		if err != nil || len(orders) != 1 {
			t.Fatalf("orders = %d, %v", len(orders), err)
		}
		if inserted != 1 {
			t.Errorf("%d upserts inserted, want 1", inserted)
		}
	})
}

func TestOrdersListFilter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		shop := newShop(t, st)
		a, _ := upsert(t, st, newOrder(shop.ID, "1", "1"))
		upsert(t, st, newOrder(shop.ID, "2", "2"))
		a.State, a.HoldCode, a.HoldReason = store.OrderHeld, "stock", "A1: 1 in stock, 2 ordered"
		if _, err := st.SaveOrder(ctx, a); err != nil {
			t.Fatal(err)
		}
		held, err := st.ListOrders(ctx, store.OrderFilter{ShopID: shop.ID, States: []string{store.OrderHeld}})
		if err != nil || len(held) != 1 || held[0].ID != a.ID || held[0].HoldReason == "" {
			t.Errorf("held = %+v, %v", held, err)
		}
		all, err := st.ListOrders(ctx, store.OrderFilter{Since: time.Now().Add(-time.Hour), Limit: 1})
		if err != nil || len(all) != 1 || all[0].StorefrontOrderID != "2" {
			t.Errorf("newest = %+v, %v", all, err)
		}
		if none, err := st.ListOrders(ctx, store.OrderFilter{ShopID: shop.ID + 1}); err != nil || len(none) != 0 {
			t.Errorf("other shop = %+v, %v", none, err)
		}
	})
}

func TestShopOrdersHoldAndResume(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		shop := newShop(t, st)
		if err := st.HoldShopOrders(ctx, shop.ID, "IWS: customer on hold (42)"); err != nil {
			t.Fatal(err)
		}
		if err := st.HoldShopOrders(ctx, shop.ID, "second reason"); err != nil {
			t.Fatal(err)
		}
		got, err := st.Shop(ctx, shop.ID)
		if err != nil || got.OrdersHoldReason != "IWS: customer on hold (42)" || got.OrdersHeldAt.IsZero() {
			t.Fatalf("held shop = %q %v, %v", got.OrdersHoldReason, got.OrdersHeldAt, err)
		}
		// SaveShop keeps the hold.
		got.OrderTag = "web"
		if got, err = st.SaveShop(ctx, got); err != nil || got.OrdersHoldReason == "" || got.OrderTag != "web" {
			t.Fatalf("save shop = %+v, %v", got, err)
		}
		o, _ := upsert(t, st, newOrder(shop.ID, "1", "1"))
		o.State, o.HoldCode, o.HoldReason = store.OrderHeld, store.HoldCodeShop, "shop on hold"
		if _, err := st.SaveOrder(ctx, o); err != nil {
			t.Fatal(err)
		}
		other, _ := upsert(t, st, newOrder(shop.ID, "2", "2"))
		other.State, other.HoldCode, other.HoldReason = store.OrderHeld, "stock", "no stock"
		if _, err := st.SaveOrder(ctx, other); err != nil {
			t.Fatal(err)
		}
		var resumed []store.Order
		err = st.Transaction(ctx, func(tx *store.Tx) error {
			resumed, err = st.ResumeShopOrders(ctx, tx, shop.ID)
			return err
		})
		if err != nil || len(resumed) != 1 || resumed[0].ID != o.ID || resumed[0].State != store.OrderReceived {
			t.Fatalf("resumed = %+v, %v", resumed, err)
		}
		if got, _ := st.Shop(ctx, shop.ID); got.OrdersHoldReason != "" || !got.OrdersHeldAt.IsZero() {
			t.Errorf("shop still held: %q", got.OrdersHoldReason)
		}
	})
}

func TestShopOrderSettingsChecked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		shop := newShop(t, st)
		shop.OrderAddressID, shop.MaxCostRise, shop.OrderTag = "abc", "-1", "has space"
		if _, err := st.SaveShop(context.Background(), shop); !errors.Is(err, store.ErrInvalid) {
			t.Fatalf("bad settings saved: %v", err)
		}
		shop.OrderAddressID, shop.MaxCostRise, shop.OrderTag, shop.OrderCarrierID, shop.OrderLocationID = "10", "2.5", "web", "CLA7", "xclq1"
		got, err := st.SaveShop(context.Background(), shop)
		if err != nil || got.OrderAddressID != "10" || got.MaxCostRise != "2.5" || got.OrderCarrierID != "CLA7" || got.OrderLocationID != "xclq1" {
			t.Fatalf("settings = %+v, %v", got, err)
		}
	})
}
