package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/connector/mirror"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
)

func productAccount(t *testing.T, st *store.Store) int64 {
	t.Helper()
	a, err := st.SaveIWSAccount(context.Background(), store.IWSAccount{
		Name: "products", Environment: store.EnvironmentTest, BaseURL: "https://iws.example/v1/",
		APIKey: "k", AccessKey: "secret",
	})
	if err != nil {
		t.Fatal(err)
	}
	return a.ID
}

func sampleProduct(acct int64, sku string) *mirror.Product {
	return &mirror.Product{
		AccountID: acct, SKU: sku, MPN: "MPN-" + sku, Brand: "HP", BrandID: "hpe",
		CategoryID: "cpt.nb", CategoryPath: []mirror.CategoryNode{{ID: "cpt", Name: "Computadoras"}, {ID: "cpt.nb", Name: "Portátiles"}},
		Type: "Physical", DescriptionES: "Portátil", DescriptionEN: "Notebook",
		Specs: map[string]string{"A / B": "c"}, Images: []string{"https://img/1.jpg"},
		WeightLb: decimal.NewNullDecimal(decimal.RequireFromString("4.25")),
		Cost:     decimal.RequireFromString("512.3456"), Currency: "USD", Sellable: true,
		StockTotal: 7, StockByLocation: map[string]int{"xclq1": 5, "xclq2": 2}, RealStock: true, Active: true,
	}
}

func TestProductsRoundTripAndPaging(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		acct := productAccount(t, st)
		var ps []*mirror.Product
		for i := range 30 {
			p := sampleProduct(acct, fmt.Sprintf("SKU%03d", i))
			p.Active = i%3 != 0
			if i%5 == 0 {
				p.CategoryID = "cpt_x"
			}
			ps = append(ps, p)
		}
		ps[1].WeightLb = decimal.NullDecimal{}
		if err := st.SaveProducts(ctx, ps); err != nil {
			t.Fatal(err)
		}
		got, err := st.Product(ctx, acct, "SKU002")
		if err != nil {
			t.Fatal(err)
		}
		want := ps[2]
		if got.ContentHash != want.ContentHash || !got.Cost.Equal(want.Cost) || !got.WeightLb.Decimal.Equal(want.WeightLb.Decimal) ||
			got.CategoryPath[1].Name != "Portátiles" || got.StockByLocation["xclq1"] != 5 || got.Specs["A / B"] != "c" {
			t.Fatalf("round trip: %+v", got)
		}
		got.ComputeHashes()
		if got.ContentHash != want.ContentHash {
			t.Fatal("a product read back hashes differently")
		}
		if p, _ := st.Product(ctx, acct, "SKU001"); p.WeightLb.Valid {
			t.Fatal("null weight read back as a value")
		}
		if _, err := st.Product(ctx, acct, "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("missing product: %v", err)
		}

		active := true
		var seen []string
		if err := st.EachProduct(ctx, acct, store.ProductFilter{Active: &active}, func(p *mirror.Product) error {
			seen = append(seen, p.SKU)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(seen) != 20 || seen[0] != "SKU001" {
			t.Fatalf("active products %v", seen)
		}
		page, err := st.ProductsPage(ctx, acct, "SKU010", 5, store.ProductFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(page) != 5 || page[0].SKU != "SKU011" {
			t.Fatalf("page after SKU010: %d, first %s", len(page), page[0].SKU)
		}
		// "cpt_x" is not under "cpt" even though _ is a LIKE wildcard.
		page, err = st.ProductsPage(ctx, acct, "", 100, store.ProductFilter{CategoryPrefix: "cpt"})
		if err != nil {
			t.Fatal(err)
		}
		if len(page) != 24 {
			t.Fatalf("category prefix matched %d", len(page))
		}
		n, err := st.CountProducts(ctx, acct)
		if err != nil {
			t.Fatal(err)
		}
		if n.Total != 30 || n.Active != 20 || n.Sellable != 20 || n.InStock != 20 {
			t.Fatalf("counts %+v", n)
		}
	})
}

func TestSaveProductsUpsertAndLookup(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		acct := productAccount(t, st)
		if err := st.SaveProducts(ctx, []*mirror.Product{sampleProduct(acct, "A"), sampleProduct(acct, "B"), sampleProduct(acct, "C")}); err != nil {
			t.Fatal(err)
		}
		first, err := st.Product(ctx, acct, "A")
		if err != nil {
			t.Fatal(err)
		}

		// A second save updates A, adds D and keeps A's first sighting; C leaves the catalog.
		at := time.Date(2030, 1, 2, 3, 4, 5, 123456789, time.UTC)
		a, d, c := sampleProduct(acct, "A"), sampleProduct(acct, "D"), sampleProduct(acct, "C")
		a.DescriptionES = "nuevo"
		a.FirstSeenAt = at
		c.Active, c.DeactivatedAt = false, &at
		if err := st.SaveProducts(ctx, []*mirror.Product{a, d, c}); err != nil {
			t.Fatal(err)
		}
		got, err := st.ProductsBySKU(ctx, acct, []string{"A", "D", "nope"})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got["A"] == nil || got["D"] == nil {
			t.Fatalf("ProductsBySKU = %v, want A and D", got)
		}
		if got["A"].DescriptionES != "nuevo" || got["A"].ContentHash != a.ContentHash || got["A"].ContentHash == first.ContentHash {
			t.Fatalf("A not updated: %+v", got["A"])
		}
		if !got["A"].FirstSeenAt.Equal(first.FirstSeenAt) {
			t.Fatalf("A's first sighting moved from %v to %v", first.FirstSeenAt, got["A"].FirstSeenAt)
		}
		gone, err := st.Product(ctx, acct, "C")
		if err != nil {
			t.Fatal(err)
		}
		if gone.Active || gone.DeactivatedAt == nil || !gone.DeactivatedAt.Equal(at.Truncate(time.Microsecond)) {
			t.Fatalf("C active %v, deactivated %v; want inactive since %v", gone.Active, gone.DeactivatedAt, at)
		}
		if n, err := st.CountProducts(ctx, acct); err != nil || n.Total != 4 || n.Active != 3 {
			t.Fatalf("counts %+v, %v", n, err)
		}

		if empty, err := st.ProductsBySKU(ctx, acct, nil); err != nil || len(empty) != 0 {
			t.Fatalf("ProductsBySKU(nil) = %v, %v", empty, err)
		}
		if _, err := st.ProductsBySKU(ctx, acct, make([]string, store.MaxProductBatch+1)); !errors.Is(err, store.ErrInvalid) {
			t.Fatalf("oversized batch: %v", err)
		}

		// An invalid product rolls the whole save back.
		b := sampleProduct(acct, "B")
		b.DescriptionES = "cambiado"
		if err := st.SaveProducts(ctx, []*mirror.Product{b, {AccountID: acct}}); !errors.Is(err, store.ErrInvalid) {
			t.Fatalf("product without SKU: %v", err)
		}
		if p, err := st.Product(ctx, acct, "B"); err != nil || p.DescriptionES != "Portátil" {
			t.Fatalf("B after a failed save: %+v, %v", p, err)
		}
	})
}

func TestSyncRuns(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		acct := productAccount(t, st)
		r1, err := st.CreateSyncRun(ctx, acct, "all", []string{"catalog", "prices", "stock", "content"})
		if err != nil {
			t.Fatal(err)
		}
		if r1.Status != store.SyncRunning || r1.ID == 0 {
			t.Fatalf("created %+v", r1)
		}
		counts := store.SyncCounts{Fetched: 10, Inserted: 10}
		stats := []store.SyncStageStats{{Stage: "catalog", Counts: counts}}
		if err := st.FinishSyncRun(ctx, r1.ID, store.SyncSucceeded, counts, stats, ""); err != nil {
			t.Fatal(err)
		}
		r2, err := st.CreateSyncRun(ctx, acct, "stock", []string{"stock"})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.FinishSyncRun(ctx, r2.ID, store.SyncFailed, store.SyncCounts{}, nil, "iws: malformed response"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreateSyncRun(ctx, acct, "orders", nil); !errors.Is(err, store.ErrInvalid) {
			t.Fatalf("bad kind: %v", err)
		}
		if err := st.FinishSyncRun(ctx, 999, store.SyncFailed, store.SyncCounts{}, nil, ""); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("finish unknown run: %v", err)
		}

		got, err := st.SyncRun(ctx, r1.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Counts != counts || len(got.Stats) != 1 || got.Stats[0].Counts != counts || got.FinishedAt == nil || len(got.Stages) != 4 {
			t.Fatalf("run %+v", got)
		}
		runs, err := st.ListSyncRuns(ctx, store.SyncRunFilter{AccountID: acct})
		if err != nil || len(runs) != 2 || runs[0].ID != r2.ID || runs[0].Error == "" {
			t.Fatalf("list %+v %v", runs, err)
		}
		for _, tc := range []struct {
			f    store.SyncRunFilter
			want int64
		}{
			{store.SyncRunFilter{AccountID: acct, Stage: "content", Status: store.SyncSucceeded}, r1.ID},
			{store.SyncRunFilter{AccountID: acct, Stage: "stock"}, r2.ID},
			{store.SyncRunFilter{AccountID: acct, Kind: "all"}, r1.ID},
		} {
			r, err := st.LatestSyncRun(ctx, tc.f)
			if err != nil || r.ID != tc.want {
				t.Errorf("LatestSyncRun(%+v) = %d, %v; want %d", tc.f, r.ID, err, tc.want)
			}
		}
		if _, err := st.LatestSyncRun(ctx, store.SyncRunFilter{AccountID: acct, Stage: "cont"}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("partial stage name matched: %v", err)
		}
	})
}
