package shopify_test

import (
	"context"
	"net/http"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/platforms/shopify"
	"github.com/intcomex-connector/connector/platforms/shopify/shopifytest"
)

// BenchmarkPushShopify is a first full push of 50,000 products through the
// bulk operation path at the Standard restore rate (100 points/s, bucket
// 2000), in slices of Capabilities().BatchSize as the listing push hands
// them. The fake runs in-process: CPU and memory include its work.
// Metrics: requests per push, wall ms, CPU ms and allocated MB per 1,000
// products.
func BenchmarkPushShopify(b *testing.B) {
	n := benchN
	in := products("BM", n)
	for b.Loop() {
		b.StopTimer()
		fake := shopifytest.New(shopifytest.Config{AccessToken: testToken, RestoreRate: 100, BucketSize: 2000})
		c, err := shopify.New(shopify.Config{Shop: fake.Config().Shop, AccessToken: testToken, BaseURL: fake.URL(),
			HTTPClient: &http.Client{Transport: fake.Client().Transport}, PollInterval: 20 * time.Millisecond})
		if err != nil {
			b.Fatal(err)
		}
		batch := c.Capabilities().BatchSize
		var ru0, ru1 syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
		start := time.Now()
		b.StartTimer()
		for s := 0; s < n; s += batch {
			res, err := c.UpsertProducts(context.Background(), in[s:min(s+batch, n)])
			if err != nil {
				b.Fatal(err)
			}
			for _, r := range res {
				if r.Err != nil {
					b.Fatal(r.Err)
				}
			}
		}
		b.StopTimer()
		wall := time.Since(start)
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
		cpu := time.Duration(syscall.TimevalToNsec(ru1.Utime)-syscall.TimevalToNsec(ru0.Utime)) +
			time.Duration(syscall.TimevalToNsec(ru1.Stime)-syscall.TimevalToNsec(ru0.Stime))
		calls := fake.Calls()
		b.ReportMetric(float64(calls.Total), "graphql-requests/push")
		b.ReportMetric(float64(calls.Throttled), "throttled/push")
		b.ReportMetric(float64(wall.Milliseconds())/(float64(n)/1000), "wall-ms/1k-products")
		b.ReportMetric(float64(cpu.Milliseconds())/(float64(n)/1000), "cpu-ms/1k-products")
		fake.Close()
		b.StartTimer()
	}
}

// benchN is the catalog size; SHOPIFY_BENCH_N overrides it for quick runs.
var benchN = func() int {
	if v, err := strconv.Atoi(os.Getenv("SHOPIFY_BENCH_N")); err == nil && v >= 1000 {
		return v
	}
	return 50_000
}()
