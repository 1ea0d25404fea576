package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
)

func TestLatestFeedSyncsAndRecentRuns(t *testing.T) {
	t.Parallel()
	clock := &testClock{}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		clock.Set(time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC))
		if got, err := st.LatestFeedSyncs(ctx); err != nil || len(got) != 0 {
			t.Fatalf("no runs: %+v, %v", got, err)
		}
		acct := productAccount(t, st)
		run := func(kind string, stages []string, took time.Duration, finish bool) store.SyncRun {
			t.Helper()
			r, err := st.CreateSyncRun(ctx, acct, kind, stages)
			if err != nil {
				t.Fatal(err)
			}
			clock.Add(took)
			if finish {
				var stats []store.SyncStageStats
				for _, s := range stages {
					stats = append(stats, store.SyncStageStats{Stage: s, Counts: store.SyncCounts{Fetched: len(s)}, Duration: took / time.Duration(len(stages))})
				}
				if err := st.FinishSyncRun(ctx, r.ID, store.SyncSucceeded, store.SyncCounts{Fetched: 1}, stats, ""); err != nil {
					t.Fatal(err)
				}
			}
			clock.Add(time.Minute)
			return r
		}
		all := run("all", []string{"catalog", "prices", "stock", "content"}, 4*time.Minute, true)
		stock1 := run("stock", []string{"stock"}, 10*time.Second, true)
		stock2 := run("stock", []string{"stock"}, 20*time.Second, true)
		prices := run("prices", []string{"prices"}, 0, false) // still running

		got, err := st.LatestFeedSyncs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var summary []string
		for _, f := range got {
			summary = append(summary, fmt.Sprintf("%s:%d:%v:%v", f.Feed, f.Run.ID, f.HasStage, f.Stage.Duration))
			if f.AccountID != acct {
				t.Errorf("feed %s account %d", f.Feed, f.AccountID)
			}
		}
		want := []string{
			fmt.Sprintf("catalog:%d:true:1m0s", all.ID),
			fmt.Sprintf("prices:%d:false:0s", prices.ID),
			fmt.Sprintf("stock:%d:true:20s", stock2.ID),
			fmt.Sprintf("content:%d:true:1m0s", all.ID),
		}
		if !slices.Equal(summary, want) {
			t.Errorf("feeds = %v, want %v", summary, want)
		}
		if got[0].Stage.Counts.Fetched != len("catalog") || got[0].Run.Duration() != 4*time.Minute {
			t.Errorf("catalog feed = %+v", got[0])
		}

		recent, err := st.RecentSyncRuns(ctx, acct, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(recent) != 2 || fmt.Sprint(pageIDs(recent["stock"], runID)) != fmt.Sprint([]int64{stock1.ID, stock2.ID}) ||
			len(recent["all"]) != 1 || recent["stock"][1].Duration() != 20*time.Second {
			t.Errorf("recent = %+v", recent)
		}
		if recent, err := st.RecentSyncRuns(ctx, 0, 1); err != nil || fmt.Sprint(pageIDs(recent["stock"], runID)) != fmt.Sprint([]int64{stock2.ID}) {
			t.Errorf("recent, one per kind = %+v, %v", recent, err)
		}
	}, store.WithClock(clock.Now))
}

func TestDashboardCounts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		shop := newShop(t, st)
		if err := st.SaveListings(ctx, []store.Listing{
			{ShopID: shop.ID, SKU: "A", State: store.ListingPublished},
			{ShopID: shop.ID, SKU: "B", State: store.ListingPublished},
			{ShopID: shop.ID, SKU: "C", State: store.ListingError, LastError: "x"},
		}); err != nil {
			t.Fatal(err)
		}
		lc, err := st.ListingStateCounts(ctx)
		wantLC := []store.ListingCount{{ShopID: shop.ID, State: store.ListingError, Count: 1}, {ShopID: shop.ID, State: store.ListingPublished, Count: 2}}
		if err != nil || !slices.Equal(lc, wantLC) {
			t.Errorf("listing counts = %+v, %v; want %+v", lc, err, wantLC)
		}

		for i, code := range []string{"stock", "stock", "cost", ""} {
			o, _ := upsert(t, st, newOrder(shop.ID, fmt.Sprint(i), fmt.Sprint(i)))
			if code == "" {
				continue
			}
			o.State, o.HoldCode, o.HoldReason = store.OrderHeld, code, "because "+code
			if _, err := st.SaveOrder(ctx, o); err != nil {
				t.Fatal(err)
			}
		}
		upsert(t, st, newOrder(shop.ID+1, "x", "x"))
		hc, err := st.HeldOrderCounts(ctx, 0)
		wantHC := []store.HoldCount{{ShopID: shop.ID, HoldCode: "stock", Count: 2}, {ShopID: shop.ID, HoldCode: "cost", Count: 1}}
		if err != nil || !slices.Equal(hc, wantHC) {
			t.Errorf("held counts = %+v, %v; want %+v", hc, err, wantHC)
		}
		if hc, err := st.HeldOrderCounts(ctx, 1); err != nil || len(hc) != 1 || hc[0].HoldCode != "stock" {
			t.Errorf("top held count = %+v, %v", hc, err)
		}

		if got, err := st.LastWebhookDeliveries(ctx); err != nil || len(got) != 0 {
			t.Errorf("no deliveries: %v, %v", got, err)
		}
		at := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
		for i, shopID := range []int64{shop.ID, shop.ID, shop.ID + 1} {
			e := webhookEvent(shopID, fmt.Sprint("d", i))
			e.ReceivedAt = at.Add(time.Duration(i) * time.Minute)
			if _, _, err := st.InsertWebhookEvent(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		last, err := st.LastWebhookDeliveries(ctx)
		if err != nil || len(last) != 2 || !last[shop.ID].Equal(at.Add(time.Minute)) || !last[shop.ID+1].Equal(at.Add(2*time.Minute)) {
			t.Errorf("last deliveries = %v, %v", last, err)
		}
	})
}

func TestAPICallsPerHour(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		from := time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
		for _, c := range []store.APICall{
			{System: "iws", StatusCode: 200, CreatedAt: from.Add(-time.Second)}, // before the range
			{System: "iws", StatusCode: 200, CreatedAt: from},
			{System: "iws", StatusCode: 500, CreatedAt: from.Add(59*time.Minute + 59*time.Second)},
			{System: "iws", Error: "timeout", CreatedAt: from.Add(2*time.Hour + 30*time.Minute)},
			{System: "shopify", StatusCode: 200, CreatedAt: from.Add(2 * time.Hour)},
			{System: "iws", StatusCode: 200, CreatedAt: from.Add(3 * time.Hour)}, // at the end: excluded
		} {
			insert(t, st, c)
		}
		bogota := time.FixedZone("COT", -5*3600)
		got, err := st.APICallsPerHour(ctx, store.APICallFilter{System: "iws"}, from.In(bogota).Add(20*time.Minute), from.Add(3*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		want := []store.TimeBucket{
			{Start: from.In(bogota), Count: 2, Failed: 1},
			{Start: from.Add(time.Hour).In(bogota)},
			{Start: from.Add(2 * time.Hour).In(bogota), Count: 1, Failed: 1},
		}
		if len(got) != len(want) {
			t.Fatalf("buckets = %+v", got)
		}
		for i := range want {
			if !got[i].Start.Equal(want[i].Start) || got[i].Start.Location() != bogota || got[i].Count != want[i].Count || got[i].Failed != want[i].Failed {
				t.Errorf("bucket %d = %+v, want %+v", i, got[i], want[i])
			}
		}
		if all, err := st.APICallsPerHour(ctx, store.APICallFilter{}, from, from.Add(3*time.Hour)); err != nil || all[2].Count != 2 {
			t.Errorf("every system = %+v, %v", all, err)
		}
		for _, bad := range [][2]time.Time{{from, from}, {from, from.Add(-time.Hour)}, {from, from.AddDate(0, 2, 0)}} {
			if _, err := st.APICallsPerHour(ctx, store.APICallFilter{}, bad[0], bad[1]); !errors.Is(err, store.ErrInvalid) {
				t.Errorf("range %v: %v, want ErrInvalid", bad, err)
			}
		}
	})
}

func TestOrdersPerDay(t *testing.T) {
	t.Parallel()
	clock := &testClock{}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		bogota := time.FixedZone("COT", -5*3600)
		day1 := time.Date(2026, 6, 1, 0, 0, 0, 0, bogota)
		n := 0
		at := func(t0 time.Time, shopID int64) {
			clock.Set(t0)
			n++
			upsert(t, st, newOrder(shopID, fmt.Sprint(n), fmt.Sprint(n)))
		}
		at(day1.Add(-time.Minute), 1)                // the day before
		at(day1.Add(10*time.Minute), 1)              // day 1
		at(day1.Add(23*time.Hour+59*time.Minute), 1) // day 1, already day 2 in UTC
		at(day1.Add(48*time.Hour), 1)                // day 3
		at(day1.Add(49*time.Hour), 2)                // day 3, other shop
		got, err := st.OrdersPerDay(ctx, store.OrderFilter{}, day1.Add(15*time.Hour), day1.Add(72*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		var counts []int64
		for i, b := range got {
			counts = append(counts, b.Count)
			if !b.Start.Equal(day1.AddDate(0, 0, i)) || b.Start.Location() != bogota {
				t.Errorf("bucket %d starts %v", i, b.Start)
			}
		}
		if fmt.Sprint(counts) != "[2 0 2]" {
			t.Errorf("counts = %v, want [2 0 2]", counts)
		}
		if one, err := st.OrdersPerDay(ctx, store.OrderFilter{ShopID: 2}, day1, day1.Add(72*time.Hour)); err != nil || one[2].Count != 1 || one[0].Count != 0 {
			t.Errorf("shop 2 = %+v, %v", one, err)
		}
		if _, err := st.OrdersPerDay(ctx, store.OrderFilter{}, day1, day1.AddDate(2, 0, 0)); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("two years: %v", err)
		}
	}, store.WithClock(clock.Now))
}
