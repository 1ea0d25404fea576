package rules_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/margin"
	"github.com/intcomex-connector/connector/connector/mirror"
	"github.com/intcomex-connector/connector/connector/rules"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/migrations"
)

// benchEnv is a shop priced by baseDoc over n products in 40 categories (a fifth of them
// notebooks, a fifth cases), costs from 1 to 2,000.
func benchEnv(b *testing.B, d migrations.Dialect, n int) (*rules.Service, int64) {
	b.Helper()
	ctx := context.Background()
	st := storetest.New(b, d, true)
	acct, err := st.SaveIWSAccount(ctx, store.IWSAccount{Name: "default", Environment: store.EnvironmentTest,
		BaseURL: "https://iws.example/v1/", APIKey: "k", AccessKey: "a"})
	if err != nil {
		b.Fatal(err)
	}
	shop, err := st.SaveShop(ctx, store.Shop{Name: "bench", Platform: store.PlatformMemory, Credentials: "{}",
		IWSAccountID: acct.ID, Currency: "USD", Locale: "es"})
	if err != nil {
		b.Fatal(err)
	}
	if err := margin.Replace(ctx, st, shop.ID, parse(b, baseDoc)); err != nil {
		b.Fatal(err)
	}
	var batch []*mirror.Product
	for i := range n {
		category := fmt.Sprintf("c%d.l%d", i%8, i%40)
		switch i % 5 {
		case 0:
			category = "cpt.nb"
		case 1:
			category = "cco"
		}
		p := &mirror.Product{AccountID: acct.ID, SKU: fmt.Sprintf("B%06d", i), CategoryID: category,
			BrandID: fmt.Sprintf("b%d", i%30), Type: "Physical", Cost: decimal.New(int64(100+i*37%199900), -2),
			Currency: "USD", Sellable: true, Active: true, StockTotal: 5, DescriptionES: "Producto", LongDescription: "Una descripción larga del producto, como las del catálogo extendido de IWS."}
		batch = append(batch, p)
		if len(batch) == 1000 || i == n-1 {
			if err := st.SaveProducts(ctx, batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	jc, err := jobs.NewClient(st, jobs.Config{})
	if err != nil {
		b.Fatal(err)
	}
	svc, err := rules.New(st, jc, nil)
	if err != nil {
		b.Fatal(err)
	}
	return svc, shop.ID
}

func benchDialects(b *testing.B, fn func(b *testing.B, d migrations.Dialect)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, migrations.SQLite) })
	if os.Getenv(storetest.EnvMySQLDSN) != "" {
		b.Run("mysql", func(b *testing.B) { fn(b, migrations.MySQL) })
	}
}

// BenchmarkImpact10k: the impact of a proposed document over 10,000 products (every one
// re-priced twice), as the margin rules page asks before a save.
func BenchmarkImpact10k(b *testing.B) {
	benchDialects(b, func(b *testing.B, d migrations.Dialect) {
		svc, shopID := benchEnv(b, d, 10_000)
		proposed := parse(b, proposedDoc)
		ctx := context.Background()
		var im rules.Impact
		for b.Loop() {
			var err error
			if im, err = svc.Impact(ctx, shopID, proposed); err != nil {
				b.Fatal(err)
			}
		}
		if im.Compared != 10_000 || im.Changed() == 0 {
			b.Fatalf("impact %+v", im)
		}
	})
}

// BenchmarkPreview: a live preview of the default sample size of chosen SKUs.
func BenchmarkPreview(b *testing.B) {
	benchDialects(b, func(b *testing.B, d migrations.Dialect) {
		svc, shopID := benchEnv(b, d, 10_000)
		var skus []string
		for i := range rules.DefaultSample {
			skus = append(skus, fmt.Sprintf("B%06d", i*811))
		}
		req := rules.PreviewRequest{Proposed: parse(b, proposedDoc), SKUs: skus}
		ctx := context.Background()
		for b.Loop() {
			items, err := svc.Preview(ctx, shopID, req)
			if err != nil || len(items) != len(skus) || !items[0].Proposed.Priced {
				b.Fatalf("preview = %+v, %v", items, err)
			}
		}
	})
}

// BenchmarkSample10k: choosing the preview's sample among 10,000 products.
func BenchmarkSample10k(b *testing.B) {
	benchDialects(b, func(b *testing.B, d migrations.Dialect) {
		svc, shopID := benchEnv(b, d, 10_000)
		ctx := context.Background()
		for b.Loop() {
			if s, err := svc.Sample(ctx, shopID, rules.DefaultSample); err != nil || len(s) != rules.DefaultSample {
				b.Fatalf("sample = %v, %v", s, err)
			}
		}
	})
}
