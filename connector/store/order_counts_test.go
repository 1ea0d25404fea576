package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
)

func TestOrderCounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		got, err := st.OrderCounts(ctx)
		if err != nil || len(got) != 0 {
			t.Fatalf("empty: %v, %v", got, err)
		}
		a, _ := upsert(t, st, newOrder(1, "10", "10"))
		upsert(t, st, newOrder(1, "11", "11"))
		upsert(t, st, newOrder(2, "20", "20"))
		a.State = store.OrderHeld
		if _, err := st.SaveOrder(ctx, a); err != nil {
			t.Fatal(err)
		}
		got, err = st.OrderCounts(ctx)
		want := []store.OrderCount{{ShopID: 1, State: store.OrderHeld, Count: 1}, {ShopID: 1, State: store.OrderReceived, Count: 1}, {ShopID: 2, State: store.OrderReceived, Count: 1}}
		if err != nil || !slices.Equal(got, want) {
			t.Fatalf("got %v, %v; want %v", got, err, want)
		}
	})
}
