package orders_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/iws/sandbox"
	"github.com/intcomex-connector/connector/migrations"
)

// countingTransport counts IWS requests by method (the last path element).
type countingTransport struct {
	next http.RoundTripper
	mu   sync.Mutex
	n    map[string]int
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	m := strings.ToLower(r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:])
	c.mu.Lock()
	c.n[m]++
	c.mu.Unlock()
	return c.next.RoundTrip(r)
}

// BenchmarkOrdersPlacedAndTracked places 1,000 paid orders with the IWS sandbox and tracks each
// to delivery, through the job queue as serve runs it (4 workers): the sandbox moves an order
// one status every 50 ms (1 Open → 2 → 4 → 5 Invoiced → 7 Delivered) and the tracker's schedule
// starts at 50 ms (50, 125, 375, 750 ms, 1.5 s, then 4.5 s after the last change). It reports
// the wall time, orders per second, IWS calls per order by method and storefront calls per
// order. Run (docs/BENCHMARKS.md):
//
//	go test -run '^$' -bench BenchmarkOrdersPlacedAndTracked -benchtime 1x -timeout 30m ./connector/orders/
//
// with CONNECTOR_TEST_MYSQL_DSN set for MariaDB as well.
func BenchmarkOrdersPlacedAndTracked(b *testing.B) {
	const orders = 1000
	for _, d := range []migrations.Dialect{migrations.SQLite, migrations.MySQL} {
		b.Run(string(d), func(b *testing.B) {
			for range b.N {
				benchOrders(b, storetest.New(b, d, true), orders)
			}
		})
	}
}

func benchOrders(b *testing.B, st *store.Store, n int) {
	ctx := context.Background()
	e := newTrackEnv(b, st, sandbox.Config{StatusInterval: 50 * time.Millisecond, SKUs: 60},
		[]time.Duration{50 * time.Millisecond, 125 * time.Millisecond, 375 * time.Millisecond, 750 * time.Millisecond, 1500 * time.Millisecond, 4500 * time.Millisecond})
	counter := e.counter
	counter.mu.Lock()
	clear(counter.n) // the setup's calls are not the benchmark's
	counter.mu.Unlock()
	ids := make([]int64, 0, n)
	for range n {
		ids = append(ids, e.newOrder(b, 1).ID)
	}
	sfBefore := e.sf.CountCalls("")
	start := time.Now()
	if err := e.jobs.Start(ctx); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = e.jobs.Stop(context.WithoutCancel(ctx)) }()
	deadline := time.Now().Add(20 * time.Minute)
	for {
		delivered := 0
		for before := int64(0); ; {
			page, err := st.ListOrders(ctx, store.OrderFilter{ShopID: e.shop.ID, States: []string{store.OrderDelivered}, BeforeID: before, Limit: 1000})
			if err != nil {
				b.Fatal(err)
			}
			delivered += len(page)
			if len(page) < 1000 {
				break
			}
			before = page[len(page)-1].ID
		}
		if delivered == n {
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("%d of %d orders delivered", delivered, n)
		}
		time.Sleep(100 * time.Millisecond) // a benchmark's poll, not a test's synchronisation
	}
	// Every tracking write-back is recorded before the job ends: wait for the jobs to finish.
	for {
		live := 0
		for _, id := range ids {
			o, err := st.Order(ctx, id)
			if err != nil {
				b.Fatal(err)
			}
			if o.WrittenBackAt.IsZero() {
				live++
			}
		}
		if live == 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	elapsed := time.Since(start)
	b.ReportMetric(elapsed.Seconds(), "s_total")
	b.ReportMetric(float64(n)/elapsed.Seconds(), "orders/s")
	counter.mu.Lock()
	for _, m := range []string{"getproducts", "placeorder", "getorderstatus", "getorder", "getinvoice"} {
		b.ReportMetric(float64(counter.n[m])/float64(n), m+"/order")
	}
	counter.mu.Unlock()
	b.ReportMetric(float64(e.sf.CountCalls("")-sfBefore)/float64(n), "storefront_calls/order")
	var per []string
	for _, m := range []string{"GetOrder", "AddOrderNote", "SetOrderMeta", "FulfillOrder", "SetOrderStatus"} {
		per = append(per, fmt.Sprintf("%s %.2f", m, float64(e.sf.CountCalls(m))/float64(n)))
	}
	b.Logf("%d orders placed and delivered in %s; storefront calls per order: %s", n, elapsed.Round(time.Millisecond), strings.Join(per, ", "))
}
