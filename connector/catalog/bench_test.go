package catalog_test

import (
	"context"
	"syscall"
	"testing"
	"time"

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

// cpuSeconds is the process's user+system CPU time so far (sandbox included): on a shared,
// loaded machine it compares runs better than wall time.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// reportStages reports each stage's duration of res as a metric, "<stage>-s".
func reportStages(b *testing.B, res catalog.Result) {
	for _, st := range res.Stages {
		b.ReportMetric(st.Duration.Seconds(), st.Stage+"-s")
	}
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
// Every benchmark reports the process's peak RSS (sandbox included) and each stage's duration.
//
//	CONNECTOR_TEST_MYSQL_DSN=mysql://root@127.0.0.1:3306/test \
//	  go test -run '^$' -bench Sync50k -benchtime 1x -timeout 30m ./connector/catalog/
func BenchmarkFirstSync50k(b *testing.B) {
	benchDialects(b, func(b *testing.B, d migrations.Dialect) {
		ctx := context.Background()
		for b.Loop() {
			b.StopTimer()
			st := storetest.New(b, d, true)
			e := newEnv(b, st, benchSKUs)
			s := catalog.New(st, e.client, catalog.Options{})
			b.StartTimer()
			cpu := cpuSeconds()
			res, err := s.Run(ctx, e.accountID, catalog.KindAll, catalog.RunOptions{Content: catalog.ContentAlways})
			b.ReportMetric(cpuSeconds()-cpu, "cpu-s")
			if err != nil {
				b.Fatal(err)
			}
			if res.Inserted != benchSKUs {
				b.Fatalf("inserted %d", res.Inserted)
			}
			reportStages(b, res)
		}
		b.ReportMetric(peakRSSMB(), "peak-RSS-MB")
	})
}

// BenchmarkNoChangeSync50k is a second "all" sync when nothing changed, as `connector sync all`
// runs it by default: the extended catalog, fetched by the first sync, is not downloaded again
// (ContentIfNeverFetched; IWS asks for it at most monthly).
func BenchmarkNoChangeSync50k(b *testing.B) {
	benchNoChange(b, catalog.ContentIfNeverFetched)
}

// BenchmarkNoChangeContentSync50k is BenchmarkNoChangeSync50k with the extended catalog
// downloaded and compared again (ContentAlways).
func BenchmarkNoChangeContentSync50k(b *testing.B) {
	benchNoChange(b, catalog.ContentAlways)
}

func benchNoChange(b *testing.B, content catalog.ContentMode) {
	benchDialects(b, func(b *testing.B, d migrations.Dialect) {
		ctx := context.Background()
		st := storetest.New(b, d, true)
		e := newEnv(b, st, benchSKUs)
		s := catalog.New(st, e.client, catalog.Options{})
		if _, err := s.Run(ctx, e.accountID, catalog.KindAll, catalog.RunOptions{Content: catalog.ContentAlways}); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			cpu := cpuSeconds()
			res, err := s.Run(ctx, e.accountID, catalog.KindAll, catalog.RunOptions{Content: content})
			b.ReportMetric(cpuSeconds()-cpu, "cpu-s")
			if err != nil {
				b.Fatal(err)
			}
			if res.Inserted+res.Updated != 0 {
				b.Fatalf("second sync wrote %+v", res.SyncCounts)
			}
			reportStages(b, res)
		}
		b.ReportMetric(peakRSSMB(), "peak-RSS-MB")
	})
}

// BenchmarkStockChangeSync50k is a stock-only sync after a stock change on 1% of the SKUs: only
// those products are written, each reported as a stock change.
func BenchmarkStockChangeSync50k(b *testing.B) {
	benchDialects(b, func(b *testing.B, d migrations.Dialect) {
		ctx := context.Background()
		st := storetest.New(b, d, true)
		e := newEnv(b, st, benchSKUs)
		s := catalog.New(st, e.client, catalog.Options{})
		if _, err := s.Run(ctx, e.accountID, catalog.KindAll, catalog.RunOptions{Content: catalog.ContentAlways}); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			b.StopTimer()
			changed := map[string]bool{}
			for _, sku := range e.sb.ChangeStock(1) {
				changed[sku] = true
			}
			b.StartTimer()
			var notified, wrong int
			res, err := s.Run(ctx, e.accountID, catalog.KindStock, catalog.RunOptions{OnChange: func(sku string, c catalog.Change) {
				notified++
				if c != catalog.ChangeStock || !changed[sku] {
					wrong++
				}
			}})
			if err != nil {
				b.Fatal(err)
			}
			// A change the inventory does not show (stock capped by RealStockValue) writes nothing.
			if res.Updated != notified || wrong != 0 || notified < len(changed)*9/10 {
				b.Fatalf("stock sync updated %d, notified %d (%d wrongly), want about %d", res.Updated, notified, wrong, len(changed))
			}
			reportStages(b, res)
		}
		b.ReportMetric(peakRSSMB(), "peak-RSS-MB")
	})
}
