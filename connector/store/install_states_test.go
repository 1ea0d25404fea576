package store_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
)

func TestInstallStates(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		const state = "0123456789abcdef0123456789abcdef"
		if _, err := st.CreateInstallState(ctx, state, store.PlatformShopify, "acme.myshopify.com", 10*time.Minute); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ConsumeInstallState(ctx, state, store.PlatformWooCommerce); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("consumed for another platform: %v, want ErrNotFound", err)
		}
		got, err := st.ConsumeInstallState(ctx, state, store.PlatformShopify)
		if err != nil {
			t.Fatal(err)
		}
		if got.Shop != "acme.myshopify.com" || got.UsedAt == nil {
			t.Errorf("consumed %+v", got)
		}
		if _, err := st.ConsumeInstallState(ctx, state, store.PlatformShopify); !errors.Is(err, store.ErrStateUsed) {
			t.Errorf("replayed state: %v, want ErrStateUsed", err)
		}
		if _, err := st.ConsumeInstallState(ctx, "ffffffffffffffffffffffffffffffff", store.PlatformShopify); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown state: %v, want ErrNotFound", err)
		}

		const late = "abcdefabcdefabcdefabcdefabcdefab"
		if _, err := st.CreateInstallState(ctx, late, store.PlatformWooCommerce, "https://shop.example", time.Minute); err != nil {
			t.Fatal(err)
		}
		clock.Add(2 * time.Minute)
		if _, err := st.ConsumeInstallState(ctx, late, store.PlatformWooCommerce); !errors.Is(err, store.ErrStateExpired) {
			t.Errorf("expired state: %v, want ErrStateExpired", err)
		}
		for _, bad := range []struct{ state, platform, shop string }{
			{"short", store.PlatformShopify, "a.myshopify.com"},
			{state + "x", "magento", "a"},
			{state + "y", store.PlatformShopify, ""},
		} {
			if _, err := st.CreateInstallState(ctx, bad.state, bad.platform, bad.shop, time.Minute); !errors.Is(err, store.ErrInvalid) {
				t.Errorf("CreateInstallState(%+v) = %v, want ErrInvalid", bad, err)
			}
		}
	}, store.WithClock(clock.Now))
}

func TestInstallStateConsumedOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		const state = "race-race-race-race-race-race-00"
		if _, err := st.CreateInstallState(ctx, state, store.PlatformShopify, "acme.myshopify.com", time.Minute); err != nil {
			t.Fatal(err)
		}
		var wins atomic.Int32
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				if _, err := st.ConsumeInstallState(ctx, state, store.PlatformShopify); err == nil {
					wins.Add(1)
				} else if !errors.Is(err, store.ErrStateUsed) {
					t.Errorf("concurrent consume: %v", err)
				}
			})
		}
		wg.Wait()
		if wins.Load() != 1 {
			t.Errorf("%d callbacks consumed one state, want 1", wins.Load())
		}
	})
}
