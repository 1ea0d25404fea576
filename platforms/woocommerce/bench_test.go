package woocommerce

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/platformtest"
	"github.com/intcomex-connector/connector/platforms/woocommerce/wootest"
)

const benchProducts = 50_000

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkPushWooCommerce is the first full push of 50,000 products (EnsureCategories, then
// UpsertProducts in batches of 100). "fake" runs against wootest (its CPU, including its
// O(n) SKU and slug scans per write, is in the process figures); "stub" answers batches with the
// minimal JSON, so its figures are the adapter's own cost.
func BenchmarkPushWooCommerce(b *testing.B) {
	in := make([]platforms.ProductInput, benchProducts)
	for i := range in {
		in[i] = platformtest.Product(fmt.Sprintf("B%06d", i))
		in[i].Currency = "USD"
	}
	paths := []platforms.CategoryPath{in[0].CategoryPath}
	run := func(b *testing.B, n int, start func(b *testing.B) (*Client, func() int)) {
		var reqs int
		b.ReportAllocs()
		cpu0 := cpuTime()
		for b.Loop() {
			c, count := start(b)
			ctx := context.Background()
			if _, err := c.EnsureCategories(ctx, paths); err != nil {
				b.Fatal(err)
			}
			for s := 0; s < n; s += 100 {
				res, err := c.UpsertProducts(ctx, in[s:s+100])
				if err != nil {
					b.Fatal(err)
				}
				for _, r := range res {
					if r.Err != nil {
						b.Fatal(r.Err)
					}
				}
			}
			reqs = count()
		}
		k := float64(b.N) * float64(n) / 1000
		b.ReportMetric(float64(reqs)/(float64(n)/1000), "req/1k")
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/k, "wall-ms/1k")
		b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/k, "cpu-ms/1k")
	}
	b.Run("fake-50k", func(b *testing.B) {
		run(b, benchProducts, func(b *testing.B) (*Client, func() int) {
			s, base, hc := wootest.StartTLS(b, fakeConfig(wootest.Config{}))
			return newClient(b, base, hc, nil), func() int { return len(s.Requests()) }
		})
	})
	b.Run("stub-50k", func(b *testing.B) {
		run(b, benchProducts, func(b *testing.B) (*Client, func() int) {
			var n, next atomic.Int64
			ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n.Add(1)
				switch {
				case strings.HasSuffix(r.URL.Path, "/batch"): // products and categories
					var req struct{ Create []json.RawMessage }
					_ = json.NewDecoder(r.Body).Decode(&req)
					var sb strings.Builder
					sb.WriteString(`{"create":[`)
					for i := range req.Create {
						if i > 0 {
							sb.WriteByte(',')
						}
						fmt.Fprintf(&sb, `{"id":%d}`, next.Add(1))
					}
					sb.WriteString(`]}`)
					_, _ = w.Write([]byte(sb.String()))
				case strings.HasSuffix(r.URL.Path, "woocommerce_currency"):
					_, _ = w.Write([]byte(`{"id":"woocommerce_currency","value":"USD"}`))
				case strings.HasSuffix(r.URL.Path, "woocommerce_price_num_decimals"):
					_, _ = w.Write([]byte(`{"id":"woocommerce_price_num_decimals","value":"2"}`))
				case r.Method == http.MethodGet:
					w.Header().Set("X-WP-TotalPages", "1")
					_, _ = w.Write([]byte(`[]`))
				default:
					_, _ = w.Write([]byte(fmt.Sprintf(`{"id":%d}`, next.Add(1))))
				}
			}))
			b.Cleanup(ts.Close)
			return newClient(b, ts.URL, ts.Client(), nil), func() int { return int(n.Load()) }
		})
	})
}
