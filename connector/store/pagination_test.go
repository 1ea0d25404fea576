package store_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/connector/mirror"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
)

// Set moves the clock to t.
func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func pageIDs[T, K any](items []T, id func(T) K) []K {
	out := make([]K, len(items))
	for i, it := range items {
		out[i] = id(it)
	}
	return out
}

// checkPage fails t unless the page has the items want (their keys, by key) of total.
func checkPage[T, K any](t *testing.T, got store.PageOf[T], err error, key func(T) K, want []K, total int64) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	if keys := pageIDs(got.Items, key); fmt.Sprint(keys) != fmt.Sprint(want) || got.Total != total {
		t.Errorf("page = %v of %d, want %v of %d", keys, got.Total, want, total)
	}
}

func callID(c store.APICall) int64 { return c.ID }

func TestListAPICallsPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		base := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
		a := insert(t, st, store.APICall{System: "iws", Method: "getcatalog", StatusCode: 200, Duration: 900 * time.Millisecond, CreatedAt: base,
			URL: "https://iws.example/v1/GetCatalog?locale=es", SyncRunID: "7"})
		b := insert(t, st, store.APICall{System: "iws", Method: "placeorder", HTTPMethod: "POST", StatusCode: 503, Duration: 100 * time.Millisecond,
			OrderID: "12", JobID: "j9", CreatedAt: base.Add(time.Hour)})
		c := insert(t, st, store.APICall{System: "shopify", Method: "graphql", HTTPMethod: "POST", Error: "timeout", Duration: 30 * time.Second,
			ShopID: 3, CreatedAt: base.Add(2 * time.Hour)})
		d := insert(t, st, store.APICall{System: "woocommerce", Method: "products.batch", StatusCode: 404, Duration: 50 * time.Millisecond,
			ShopID: 4, CreatedAt: base.Add(3 * time.Hour), ResponseBody: `{"code":"x"}`})
		e := insert(t, st, store.APICall{System: "woocommerce", Method: "orders.get", StatusCode: 302, Duration: 10 * time.Millisecond,
			ShopID: 4, CreatedAt: base.Add(4 * time.Hour)})

		tests := []struct {
			name  string
			f     store.APICallFilter
			p     store.Page
			want  []int64
			total int64
		}{
			{"default newest first", store.APICallFilter{}, store.Page{}, []int64{e.ID, d.ID, c.ID, b.ID, a.ID}, 5},
			{"first page", store.APICallFilter{}, store.Page{Limit: 2}, []int64{e.ID, d.ID}, 5},
			{"second page", store.APICallFilter{}, store.Page{Limit: 2, Offset: 2}, []int64{c.ID, b.ID}, 5},
			{"past the end", store.APICallFilter{}, store.Page{Limit: 2, Offset: 9}, []int64{}, 5},
			{"oldest first", store.APICallFilter{}, store.Page{Sort: "created"}, []int64{a.ID, b.ID, c.ID, d.ID, e.ID}, 5},
			{"slowest first", store.APICallFilter{}, store.Page{Sort: "duration", Desc: true}, []int64{c.ID, a.ID, b.ID, d.ID, e.ID}, 5},
			{"by status", store.APICallFilter{}, store.Page{Sort: "status"}, []int64{c.ID, a.ID, e.ID, d.ID, b.ID}, 5},
			{"by system", store.APICallFilter{}, store.Page{Sort: "system", Limit: 3}, []int64{a.ID, b.ID, c.ID}, 5},
			{"2xx", store.APICallFilter{Class: store.Status2xx}, store.Page{}, []int64{a.ID}, 1},
			{"3xx", store.APICallFilter{Class: store.Status3xx}, store.Page{}, []int64{e.ID}, 1},
			{"4xx", store.APICallFilter{Class: store.Status4xx}, store.Page{}, []int64{d.ID}, 1},
			{"5xx", store.APICallFilter{Class: store.Status5xx}, store.Page{}, []int64{b.ID}, 1},
			{"transport error", store.APICallFilter{Class: store.StatusError}, store.Page{}, []int64{c.ID}, 1},
			{"failed", store.APICallFilter{FailedOnly: true}, store.Page{}, []int64{d.ID, c.ID, b.ID}, 3},
			{"status code", store.APICallFilter{StatusCode: 404}, store.Page{}, []int64{d.ID}, 1},
			{"http method", store.APICallFilter{HTTPMethod: "POST"}, store.Page{}, []int64{c.ID, b.ID}, 2},
			{"search url, any case", store.APICallFilter{Search: "getCATALOG?locale"}, store.Page{}, []int64{a.ID}, 1},
			{"search method", store.APICallFilter{Search: "batch"}, store.Page{}, []int64{d.ID}, 1},
			{"search LIKE characters are literal", store.APICallFilter{Search: "%"}, store.Page{}, []int64{}, 0},
			{"system and shop", store.APICallFilter{System: "woocommerce", ShopID: 4}, store.Page{}, []int64{e.ID, d.ID}, 2},
			{"order", store.APICallFilter{OrderID: "12"}, store.Page{}, []int64{b.ID}, 1},
			{"correlation", store.APICallFilter{JobID: "j9"}, store.Page{}, []int64{b.ID}, 1},
			{"sync run", store.APICallFilter{SyncRunID: "7"}, store.Page{}, []int64{a.ID}, 1},
			{"date range", store.APICallFilter{Since: base.Add(time.Hour), Until: base.Add(3 * time.Hour)}, store.Page{}, []int64{c.ID, b.ID}, 2},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := st.ListAPICallsPage(ctx, tt.f, tt.p)
				checkPage(t, got, err, callID, tt.want, tt.total)
			})
		}

		got, err := st.ListAPICallsPage(ctx, store.APICallFilter{OmitBodies: true, ShopID: 4}, store.Page{Limit: 1, Offset: 1})
		if err != nil || len(got.Items) != 1 || got.Items[0].ResponseBody != "" || got.Items[0].ID != d.ID {
			t.Errorf("omit bodies = %+v, %v", got, err)
		}
		if got.Page.Sort != "created" || !got.Page.Desc || got.Page.Limit != 1 || got.HasNext() || !got.HasPrev() {
			t.Errorf("page as served = %+v, next %v, prev %v", got.Page, got.HasNext(), got.HasPrev())
		}
		if got, err := st.ListAPICallsPage(ctx, store.APICallFilter{}, store.Page{Limit: 5000, Offset: -3}); err != nil ||
			got.Page.Limit != store.MaxPageSize || got.Page.Offset != 0 {
			t.Errorf("normalised page = %+v, %v", got.Page, err)
		}
		for _, bad := range []struct {
			f store.APICallFilter
			p store.Page
		}{
			{store.APICallFilter{}, store.Page{Sort: "url; DROP TABLE api_calls"}},
			{store.APICallFilter{Class: "6xx"}, store.Page{}},
		} {
			if _, err := st.ListAPICallsPage(ctx, bad.f, bad.p); !errors.Is(err, store.ErrInvalid) {
				t.Errorf("%+v %+v: %v, want ErrInvalid", bad.f, bad.p, err)
			}
		}
	})
}

func TestEachAPICall(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		var want []int64
		for i := range 60 { // more than two export pages
			sys := "iws"
			if i%3 == 0 {
				sys = "shopify"
			}
			c := insert(t, st, store.APICall{System: sys, RequestBody: "req " + strconv.Itoa(i), ResponseBody: "resp " + strconv.Itoa(i)})
			if sys == "iws" {
				want = append([]int64{c.ID}, want...)
			}
		}
		var got []int64
		err := st.EachAPICall(ctx, store.APICallFilter{System: "iws"}, func(c store.APICall) error {
			if !strings.HasPrefix(c.RequestBody, "req ") || !strings.HasPrefix(c.ResponseBody, "resp ") {
				t.Errorf("call %d without its bodies: %+v", c.ID, c)
			}
			got = append(got, c.ID)
			return nil
		})
		if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("export = %v, %v; want %v", got, err, want)
		}

		got = nil
		err = st.EachAPICall(ctx, store.APICallFilter{System: "iws", Limit: 30, OmitBodies: true}, func(c store.APICall) error {
			if c.RequestBody != "" {
				t.Errorf("call %d has a body", c.ID)
			}
			got = append(got, c.ID)
			return nil
		})
		if err != nil || fmt.Sprint(got) != fmt.Sprint(want[:30]) {
			t.Fatalf("limited export = %v, %v", got, err)
		}

		stop := errors.New("client went away")
		n := 0
		err = st.EachAPICall(ctx, store.APICallFilter{}, func(store.APICall) error {
			if n++; n == 3 {
				return stop
			}
			return nil
		})
		if !errors.Is(err, stop) || n != 3 {
			t.Fatalf("stop: %v after %d rows", err, n)
		}
		if err := st.EachAPICall(ctx, store.APICallFilter{Class: "bogus"}, func(store.APICall) error { return nil }); !errors.Is(err, store.ErrInvalid) {
			t.Fatalf("bad filter: %v", err)
		}
	})
}

func orderID(o store.Order) int64 { return o.ID }

func TestListOrdersPage(t *testing.T) {
	t.Parallel()
	clock := &testClock{}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		base := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
		clock.Set(base)
		a, _ := upsert(t, st, newOrder(1, "100", "#1002"))
		clock.Add(24 * time.Hour)
		b, _ := upsert(t, st, newOrder(1, "101", "#1001"))
		clock.Add(24 * time.Hour)
		c, _ := upsert(t, st, newOrder(2, "200", "#1003"))
		b.State, b.HoldCode, b.HoldReason = store.OrderHeld, "stock", "A1: 1 in stock, 2 ordered"
		if _, err := st.SaveOrder(ctx, b); err != nil {
			t.Fatal(err)
		}
		c.State, c.IntcomexOrderNumber = store.OrderPlaced, "XCL-77-ABC"
		if _, err := st.SaveOrder(ctx, c); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name  string
			f     store.OrderFilter
			p     store.Page
			want  []int64
			total int64
		}{
			{"newest first", store.OrderFilter{}, store.Page{}, []int64{c.ID, b.ID, a.ID}, 3},
			{"by number", store.OrderFilter{}, store.Page{Sort: "number"}, []int64{b.ID, a.ID, c.ID}, 3},
			{"page of one", store.OrderFilter{}, store.Page{Limit: 1, Offset: 1}, []int64{b.ID}, 3},
			{"shop", store.OrderFilter{ShopID: 1}, store.Page{}, []int64{b.ID, a.ID}, 2},
			{"held", store.OrderFilter{States: []string{store.OrderHeld}}, store.Page{}, []int64{b.ID}, 1},
			{"hold code", store.OrderFilter{HoldCode: "stock"}, store.Page{}, []int64{b.ID}, 1},
			{"received range", store.OrderFilter{CreatedSince: base.Add(time.Hour), CreatedUntil: base.Add(48 * time.Hour)}, store.Page{}, []int64{b.ID}, 1},
			{"storefront number", store.OrderFilter{Search: "#1002"}, store.Page{}, []int64{a.ID}, 1},
			{"customer number, any case", store.OrderFilter{Search: "w2n"}, store.Page{}, []int64{c.ID}, 1},
			{"intcomex number", store.OrderFilter{Search: "77-abc"}, store.Page{}, []int64{c.ID}, 1},
			{"storefront id", store.OrderFilter{Search: "101"}, store.Page{}, []int64{b.ID}, 1},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := st.ListOrdersPage(ctx, tt.f, tt.p)
				checkPage(t, got, err, orderID, tt.want, tt.total)
			})
		}
		got, err := st.ListOrdersPage(ctx, store.OrderFilter{States: []string{store.OrderHeld}}, store.Page{})
		if err != nil || got.Items[0].HoldReason == "" || got.Items[0].Lines != nil {
			t.Errorf("held order = %+v, %v", got.Items, err)
		}
		if _, err := st.ListOrdersPage(ctx, store.OrderFilter{}, store.Page{Sort: "total"}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("unknown sort: %v", err)
		}
		// ListOrders keeps its keyset paging on the shared filter.
		if list, err := st.ListOrders(ctx, store.OrderFilter{Search: "#100", BeforeID: c.ID}); err != nil || fmt.Sprint(pageIDs(list, orderID)) != fmt.Sprint([]int64{b.ID, a.ID}) {
			t.Errorf("ListOrders = %v, %v", pageIDs(list, orderID), err)
		}
	}, store.WithClock(clock.Now))
}

func runID(r store.SyncRun) int64 { return r.ID }

func TestListSyncRunsPage(t *testing.T) {
	t.Parallel()
	clock := &testClock{}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		base := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
		clock.Set(base)
		acct := productAccount(t, st)
		run := func(kind string, took time.Duration, status string) store.SyncRun {
			t.Helper()
			r, err := st.CreateSyncRun(ctx, acct, kind, []string{kind})
			if err != nil {
				t.Fatal(err)
			}
			clock.Add(took)
			if status != store.SyncRunning {
				if err := st.FinishSyncRun(ctx, r.ID, status, store.SyncCounts{Fetched: int(took / time.Second)}, nil, ""); err != nil {
					t.Fatal(err)
				}
			}
			clock.Add(time.Hour)
			return r
		}
		a := run("catalog", 90*time.Second, store.SyncSucceeded)
		b := run("stock", 5*time.Second, store.SyncFailed)
		c := run("stock", 20*time.Second, store.SyncSucceeded)
		d := run("prices", 0, store.SyncRunning)
		tests := []struct {
			name  string
			f     store.SyncRunFilter
			p     store.Page
			want  []int64
			total int64
		}{
			{"newest first", store.SyncRunFilter{}, store.Page{}, []int64{d.ID, c.ID, b.ID, a.ID}, 4},
			{"kind", store.SyncRunFilter{Kind: "stock"}, store.Page{}, []int64{c.ID, b.ID}, 2},
			{"status", store.SyncRunFilter{Status: store.SyncFailed}, store.Page{}, []int64{b.ID}, 1},
			{"finished", store.SyncRunFilter{Finished: true}, store.Page{Limit: 2}, []int64{c.ID, b.ID}, 3},
			{"started range", store.SyncRunFilter{Since: base.Add(time.Hour), Until: base.Add(3 * time.Hour)}, store.Page{}, []int64{c.ID, b.ID}, 2},
			{"longest first", store.SyncRunFilter{}, store.Page{Sort: "duration", Desc: true}, []int64{a.ID, c.ID, b.ID, d.ID}, 4},
			{"shortest first, running first", store.SyncRunFilter{}, store.Page{Sort: "duration"}, []int64{d.ID, b.ID, c.ID, a.ID}, 4},
			{"fetched", store.SyncRunFilter{Finished: true}, store.Page{Sort: "fetched"}, []int64{b.ID, c.ID, a.ID}, 3},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := st.ListSyncRunsPage(ctx, tt.f, tt.p)
				checkPage(t, got, err, runID, tt.want, tt.total)
			})
		}
		got, err := st.SyncRun(ctx, a.ID)
		if err != nil || got.Duration() != 90*time.Second {
			t.Errorf("duration = %v, %v", got.Duration(), err)
		}
		if got, err := st.SyncRun(ctx, d.ID); err != nil || got.Duration() != 0 {
			t.Errorf("running duration = %v, %v", got.Duration(), err)
		}
	}, store.WithClock(clock.Now))
}

func TestListProductsPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		acct := productAccount(t, st)
		mk := func(sku, brand, cat, name, cost string, stock int) *mirror.Product {
			p := sampleProduct(acct, sku)
			p.Brand, p.CategoryID, p.DescriptionES, p.DescriptionEN = brand, cat, name, name+" (en)"
			p.Cost, p.StockTotal = decimal.RequireFromString(cost), stock
			return p
		}
		if err := st.SaveProducts(ctx, []*mirror.Product{
			mk("A1", "HP", "cpt.nb", "Portátil HP 14", "100", 0),
			mk("B2", "Lenovo", "cpt.nb", "Portátil Lenovo", "20", 5),
			mk("C3", "hp", "cpt.dt", "Escritorio HP", "9.5", 2),
			mk("D4", "Epson", "prn", "Impresora", "1500.25", 1),
		}); err != nil {
			t.Fatal(err)
		}
		yes, no := true, false
		tests := []struct {
			name  string
			f     store.ProductFilter
			p     store.Page
			want  string
			total int64
		}{
			{"by SKU", store.ProductFilter{}, store.Page{}, "A1 B2 C3 D4", 4},
			{"cost as a number", store.ProductFilter{}, store.Page{Sort: "cost"}, "C3 B2 A1 D4", 4},
			{"dearest first", store.ProductFilter{}, store.Page{Sort: "cost", Desc: true, Limit: 2}, "D4 A1", 4},
			{"stock", store.ProductFilter{}, store.Page{Sort: "stock", Desc: true}, "B2 C3 D4 A1", 4},
			{"name", store.ProductFilter{}, store.Page{Sort: "name"}, "C3 D4 A1 B2", 4},
			{"brand ignores case", store.ProductFilter{Brand: "HP"}, store.Page{}, "A1 C3", 2},
			{"in stock", store.ProductFilter{InStock: &yes}, store.Page{}, "B2 C3 D4", 3},
			{"out of stock", store.ProductFilter{InStock: &no}, store.Page{}, "A1", 1},
			{"category prefix", store.ProductFilter{CategoryPrefix: "cpt"}, store.Page{}, "A1 B2 C3", 3},
			{"text in the name", store.ProductFilter{Search: "lenovo"}, store.Page{}, "B2", 1},
			{"text in the English name", store.ProductFilter{Search: "hp 14 (EN)"}, store.Page{}, "A1", 1},
			{"SKU", store.ProductFilter{Search: "d4"}, store.Page{}, "D4", 1},
			{"MPN", store.ProductFilter{Search: "mpn-c"}, store.Page{}, "C3", 1},
			{"combined", store.ProductFilter{Search: "portátil", InStock: &yes}, store.Page{}, "B2", 1},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := st.ListProductsPage(ctx, acct, tt.f, tt.p)
				checkPage(t, got, err, func(p *mirror.Product) string { return p.SKU }, strings.Fields(tt.want), tt.total)
			})
		}
		got, err := st.ListProductsPage(ctx, acct+1, store.ProductFilter{}, store.Page{})
		if err != nil || got.Total != 0 || len(got.Items) != 0 {
			t.Errorf("other account = %+v, %v", got, err)
		}
		if _, err := st.ListProductsPage(ctx, acct, store.ProductFilter{}, store.Page{Sort: "specs"}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("unknown sort: %v", err)
		}
	})
}

func TestListListingsPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		shop := newShop(t, st)
		price := func(s string) decimal.NullDecimal { return decimal.NewNullDecimal(decimal.RequireFromString(s)) }
		if err := st.SaveListings(ctx, []store.Listing{
			{ShopID: shop.ID, SKU: "A1", State: store.ListingPublished, ProductID: "P-9", Price: price("100"), Stock: 3},
			{ShopID: shop.ID, SKU: "b2", State: store.ListingError, LastError: "429 too many requests", PendingChange: "price", Price: price("20")},
			{ShopID: shop.ID, SKU: "C3", State: store.ListingPending, PendingChange: "create"},
			{ShopID: shop.ID, SKU: "D4", State: store.ListingPublished, Price: price("9.5"), Stock: 1},
		}); err != nil {
			t.Fatal(err)
		}
		yes, no := true, false
		tests := []struct {
			name  string
			f     store.ListingFilter
			p     store.Page
			want  string
			total int64
		}{
			{"by SKU", store.ListingFilter{}, store.Page{}, "A1 C3 D4 b2", 4},
			{"state", store.ListingFilter{States: []string{store.ListingPublished}}, store.Page{}, "A1 D4", 2},
			{"has error", store.ListingFilter{HasError: &yes}, store.Page{}, "b2", 1},
			{"no error", store.ListingFilter{HasError: &no}, store.Page{Limit: 2}, "A1 C3", 3},
			{"pending", store.ListingFilter{Pending: &yes}, store.Page{}, "C3 b2", 2},
			{"price as a number, no price first", store.ListingFilter{}, store.Page{Sort: "price"}, "C3 D4 b2 A1", 4},
			{"SKU any case", store.ListingFilter{Search: "B2"}, store.Page{}, "b2", 1},
			{"storefront id", store.ListingFilter{Search: "p-9"}, store.Page{}, "A1", 1},
			{"stock", store.ListingFilter{}, store.Page{Sort: "stock", Desc: true, Limit: 1}, "A1", 4},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := st.ListListingsPage(ctx, shop.ID, tt.f, tt.p)
				checkPage(t, got, err, func(l store.Listing) string { return l.SKU }, strings.Fields(tt.want), tt.total)
			})
		}
	})
}
