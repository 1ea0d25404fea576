package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
)

func insert(t *testing.T, st *store.Store, c store.APICall) store.APICall {
	t.Helper()
	if c.System == "" {
		c.System = "iws"
	}
	if c.Method == "" {
		c.Method = "getcatalog"
	}
	if c.HTTPMethod == "" {
		c.HTTPMethod = "GET"
	}
	if c.URL == "" {
		c.URL = "https://x/v1/" + c.Method
	}
	if err := st.InsertAPICall(context.Background(), &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestInsertAndGetAPICall(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		in := store.APICall{
			System: "woocommerce", Method: "products.batch", HTTPMethod: "POST", URL: "https://shop/wp-json/wc/v3/products/batch",
			StatusCode: 200, Duration: 1234 * time.Millisecond, Error: "", RequestHeaders: "A: b\n",
			RequestBody: `{"create":[]}`, RequestTruncated: true, ResponseHeaders: "C: d\n",
			ResponseBody: `{"ok":"ünïcødé 😀"}`, ResponseTruncated: true, ResponseBytes: 99999,
			JobID: "j1", OrderID: "o1", SyncRunID: "s1", AccountID: 3, ShopID: 5,
		}
		saved := insert(t, st, in)
		if saved.ID == 0 || saved.CreatedAt.IsZero() {
			t.Fatalf("saved = %+v", saved)
		}
		got, err := st.APICallByID(ctx, saved.ID)
		if err != nil {
			t.Fatal(err)
		}
		in.ID, in.CreatedAt = saved.ID, saved.CreatedAt
		if got != in {
			t.Errorf("round trip\n got %+v\nwant %+v", got, in)
		}
		if _, err := st.APICallByID(ctx, saved.ID+100); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("missing id: %v, want ErrNotFound", err)
		}
		// Zero values come back as zero (stored as NULL).
		bare := insert(t, st, store.APICall{})
		got, err = st.APICallByID(ctx, bare.ID)
		if err != nil || got.JobID != "" || got.AccountID != 0 || got.Error != "" {
			t.Errorf("bare = %+v, %v", got, err)
		}
	})
}

func TestInsertAPICallClampsOversizedFields(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		long := strings.Repeat("é", 200) // 400 bytes
		saved := insert(t, st, store.APICall{System: long, Method: long, JobID: long, OrderID: long, SyncRunID: long, HTTPMethod: long})
		got, err := st.APICallByID(context.Background(), saved.ID)
		if err != nil {
			t.Fatal(err)
		}
		for name, v := range map[string]string{"system": got.System, "method": got.Method, "job": got.JobID, "order": got.OrderID, "run": got.SyncRunID} {
			if !utf8.ValidString(v) || len(v) > 191 || !strings.HasPrefix(long, v) {
				t.Errorf("%s = %d bytes, valid UTF-8 %v", name, len(v), utf8.ValidString(v))
			}
		}
	})
}

func TestListAPICallsFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		base := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
		a := insert(t, st, store.APICall{System: "iws", Method: "getcatalog", StatusCode: 200, JobID: "j1", CreatedAt: base})
		b := insert(t, st, store.APICall{System: "iws", Method: "placeorder", StatusCode: 500, OrderID: "o1", CreatedAt: base.Add(time.Hour)})
		c := insert(t, st, store.APICall{System: "shopify", Method: "graphql", StatusCode: 0, Error: "timeout", ShopID: 2, CreatedAt: base.Add(2 * time.Hour)})
		d := insert(t, st, store.APICall{System: "woocommerce", Method: "products", StatusCode: 429, SyncRunID: "r1", AccountID: 1, CreatedAt: base.Add(3 * time.Hour), ResponseBody: "x"})

		ids := func(calls []store.APICall) []int64 {
			out := make([]int64, len(calls))
			for i, c := range calls {
				out[i] = c.ID
			}
			return out
		}
		tests := []struct {
			name string
			f    store.APICallFilter
			want []int64
		}{
			{"all newest first", store.APICallFilter{}, []int64{d.ID, c.ID, b.ID, a.ID}},
			{"system", store.APICallFilter{System: "iws"}, []int64{b.ID, a.ID}},
			{"method", store.APICallFilter{Method: "graphql"}, []int64{c.ID}},
			{"since", store.APICallFilter{Since: base.Add(2 * time.Hour)}, []int64{d.ID, c.ID}},
			{"until (exclusive), other zone", store.APICallFilter{Until: base.Add(time.Hour).In(time.FixedZone("X", -5*3600))}, []int64{a.ID}},
			{"job", store.APICallFilter{JobID: "j1"}, []int64{a.ID}},
			{"order", store.APICallFilter{OrderID: "o1"}, []int64{b.ID}},
			{"sync run", store.APICallFilter{SyncRunID: "r1"}, []int64{d.ID}},
			{"account", store.APICallFilter{AccountID: 1}, []int64{d.ID}},
			{"shop", store.APICallFilter{ShopID: 2}, []int64{c.ID}},
			{"status min", store.APICallFilter{StatusMin: 400}, []int64{d.ID, b.ID}},
			{"failed only", store.APICallFilter{FailedOnly: true}, []int64{d.ID, c.ID, b.ID}},
			{"before id", store.APICallFilter{BeforeID: c.ID}, []int64{b.ID, a.ID}},
			{"limit", store.APICallFilter{Limit: 2}, []int64{d.ID, c.ID}},
			{"combined", store.APICallFilter{System: "iws", StatusMin: 300, Since: base}, []int64{b.ID}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := st.ListAPICalls(ctx, tt.f)
				if err != nil {
					t.Fatal(err)
				}
				if fmt.Sprint(ids(got)) != fmt.Sprint(tt.want) {
					t.Errorf("ids = %v, want %v", ids(got), tt.want)
				}
			})
		}
		got, err := st.ListAPICalls(ctx, store.APICallFilter{OmitBodies: true, System: "woocommerce"})
		if err != nil || len(got) != 1 || got[0].ResponseBody != "" || got[0].Method != "products" {
			t.Errorf("omit bodies = %+v, %v", got, err)
		}
	})
}

func TestPurgeAPICalls(t *testing.T) {
	now := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	clock := store.WithClock(func() time.Time { return now })
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		store.SetPurgeBatch(st, 25)
		// 120 rows, one every 10 minutes, the oldest 20 hours old: several purge batches.
		for i := range 120 {
			insert(t, st, store.APICall{CreatedAt: now.Add(-20*time.Hour + time.Duration(i)*10*time.Minute)})
		}
		count := func() int {
			calls, err := st.ListAPICalls(ctx, store.APICallFilter{Limit: 1000, OmitBodies: true})
			if err != nil {
				t.Fatal(err)
			}
			more, _ := st.ListAPICalls(ctx, store.APICallFilter{Limit: 1000, OmitBodies: true, BeforeID: lastID(calls)})
			return len(calls) + len(more)
		}

		// By age: rows older than 10 h go (60 of them).
		n, err := st.PurgeAPICalls(ctx, 10*time.Hour, 0)
		if err != nil || n != 60 {
			t.Fatalf("purge by age = %d, %v; want 60", n, err)
		}
		if c := count(); c != 60 {
			t.Fatalf("%d rows left, want 60", c)
		}
		oldest, _ := st.ListAPICalls(ctx, store.APICallFilter{Until: now.Add(-10 * time.Hour)})
		if len(oldest) != 0 {
			t.Fatalf("%d rows older than max age left", len(oldest))
		}

		// By count: keep the newest 10.
		newest, _ := st.ListAPICalls(ctx, store.APICallFilter{Limit: 10})
		n, err = st.PurgeAPICalls(ctx, 0, 10)
		if err != nil || n != 50 {
			t.Fatalf("purge by count = %d, %v; want 50", n, err)
		}
		left, _ := st.ListAPICalls(ctx, store.APICallFilter{Limit: 1000})
		if len(left) != 10 || left[0].ID != newest[0].ID || left[9].ID != newest[9].ID {
			t.Fatalf("kept %d rows, not the newest 10", len(left))
		}

		// Nothing more to do; zero limits disable the rules.
		if n, err := st.PurgeAPICalls(ctx, 10*time.Hour, 10); err != nil || n != 0 {
			t.Fatalf("second purge = %d, %v", n, err)
		}
		if n, err := st.PurgeAPICalls(ctx, 0, 0); err != nil || n != 0 {
			t.Fatalf("no-op purge = %d, %v", n, err)
		}

		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := st.PurgeAPICalls(cancelled, time.Nanosecond, 0); !errors.Is(err, context.Canceled) {
			t.Fatalf("purge with cancelled ctx = %v", err)
		}
	}, clock)
}

func lastID(calls []store.APICall) int64 {
	if len(calls) == 0 {
		return 0
	}
	return calls[len(calls)-1].ID
}
