package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
)

func TestPlacedOrders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		shop := newShop(t, st)
		placedAt := map[string]time.Time{
			"1": time.Date(2026, 10, 31, 23, 59, 59, 0, time.UTC), // October
			"2": time.Date(2026, 11, 30, 23, 59, 59, 0, time.UTC),
			"3": time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
			"4": time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), // December
			"5": {},                                           // not placed
			"6": time.Date(2026, 11, 15, 12, 0, 0, 0, time.UTC),
		}
		for _, n := range []string{"1", "2", "3", "4", "5", "6"} {
			o, _ := upsert(t, st, newOrder(shop.ID, n, n))
			o.PlacedAt = placedAt[n]
			if !o.PlacedAt.IsZero() {
				o.State, o.IntcomexOrderNumber = store.OrderPlaced, "IX"+n
			}
			if _, err := st.SaveOrder(ctx, o); err != nil {
				t.Fatal(err)
			}
		}
		got, err := st.PlacedOrders(ctx, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, o := range got {
			ids = append(ids, o.StorefrontOrderID)
		}
		if len(ids) != 3 || ids[0] != "3" || ids[1] != "6" || ids[2] != "2" {
			t.Errorf("placed in November = %v, want [3 6 2]", ids)
		}
		if len(got) == 3 && !got[2].PlacedAt.Equal(placedAt["2"]) {
			t.Errorf("placed at = %v", got[2].PlacedAt)
		}
	})
}
