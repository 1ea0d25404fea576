package catalog_test

import (
	"context"
	"syscall"
	"testing"

	"github.com/intcomex-connector/connector/connector/catalog"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/migrations"
)

const benchSKUs = 50_000

// peakRSSMB is the process's peak resident set size so far (sandbox included).
func peakRSSMB() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Maxrss) / 1024 // kilobytes on Linux
}

func benchDialects(b *testing.B, fn func(b *testing.B, d migrations.Dialect)) {
	for _, d := range []migrations.Dialect{migrations.SQLite, migrations.MySQL} {
		b.Run(string(d), func(b *testing.B) { fn(b, d) })
	}
}

// BenchmarkFirstSync50k is a full first sync (catalog es+en, prices, stock, extended content) of
// a 50,000-SKU in-process sandbox into an empty database (SQLite file; MySQL/MariaDB when
// CONNECTOR_TEST_MYSQL_DSN is set).
//
//	go test -run '^$' -bench FirstSync50k -benchtime 1x ./connector/catalog/
func BenchmarkFirstSync50k(b *testing.B) {
	benchDialects(b, func(b *testing.B, d migrations.Dialect) {
		ctx := context.Background()
		for b.Loop() {
			b.StopTimer()
			st := storetest.New(b, d, true)
			e := newEnv(b, st, benchSKUs)
			s := catalog.New(st, e.client, catalog.Options{})
			b.StartTimer()
			res, err := s.Run(ctx, e.accountID, catalog.KindAll, catalog.RunOptions{Content: catalog.ContentAlways})
			if err != nil {
				b.Fatal(err)
			}
			if res.Inserted != benchSKUs {
				b.Fatalf("inserted %d", res.Inserted)
			}
		}
		b.ReportMetric(peakRSSMB(), "peak-RSS-MB")
	})
}

// BenchmarkNoChangeSync50k is a second full sync (content included) when nothing changed.
func BenchmarkNoChangeSync50k(b *testing.B) {
	benchDialects(b, func(b *testing.B, d migrations.Dialect) {
		ctx := context.Background()
		st := storetest.New(b, d, true)
		e := newEnv(b, st, benchSKUs)
		s := catalog.New(st, e.client, catalog.Options{})
		if _, err := s.Run(ctx, e.accountID, catalog.KindAll, catalog.RunOptions{Content: catalog.ContentAlways}); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			res, err := s.Run(ctx, e.accountID, catalog.KindAll, catalog.RunOptions{Content: catalog.ContentAlways})
			if err != nil {
				b.Fatal(err)
			}
			if res.Inserted+res.Updated != 0 {
				b.Fatalf("second sync wrote %+v", res.SyncCounts)
			}
		}
		b.ReportMetric(peakRSSMB(), "peak-RSS-MB")
	})
}
