package main

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/iws/sandbox"
	"github.com/intcomex-connector/connector/migrations"
)

// BenchmarkPaidOrderToPlaceOrder measures how long a paid order takes from its webhook to the
// PlaceOrder call at IWS: a signed delivery (WooCommerce order.created and Shopify orders/paid,
// alternately, as the fakes send them) posted over loopback to a running `connector serve` (the
// real handler, the real jobs client with its workers started, the real Placer: storefront
// GetOrder, IWS GetProducts, PlaceOrder), until the sandbox receives the PlaceOrder. One order at
// a time, so each figure is the latency of an order, not of a queue. It runs on SQLite and, when
// CONNECTOR_TEST_MYSQL_DSN is set, on MySQL/MariaDB:
//
//	CONNECTOR_TEST_MYSQL_DSN=mysql://root@127.0.0.1:3306/test \
//	  go test ./cmd/connector -run '^$' -bench BenchmarkPaidOrderToPlaceOrder -benchtime 200x
func BenchmarkPaidOrderToPlaceOrder(b *testing.B) {
	for _, d := range []migrations.Dialect{migrations.SQLite, migrations.MySQL} {
		b.Run(string(d), func(b *testing.B) { benchPaidOrder(b, d) })
	}
}

func benchPaidOrder(b *testing.B, d migrations.Dialect) {
	e := newProofEnv(b, d, sandbox.Faults{})
	e.env["CONNECTOR_LOG_LEVEL"] = "warn"
	arrived := make(chan time.Time, 1)
	e.gate.mu.Lock()
	e.gate.onPlace = func(string) {
		select {
		case arrived <- time.Now():
		default:
		}
	}
	e.gate.mu.Unlock()
	addrs := make(chan string, 1)
	serve := startCmd(withListening(context.Background(), func(addr string) { addrs <- addr }), e.env, "serve", "--addr", "127.0.0.1:0")
	defer func() {
		if r := serve.stop(); r.err != nil {
			b.Errorf("serve: %v\n%s", r.err, r.stderr)
		}
	}()
	var base string
	select {
	case a := <-addrs:
		base = "http://" + a
	case <-serve.done:
		b.Fatalf("serve ended: %v\n%s", serve.res.err, serve.res.stderr)
	}
	// The orders are made beforehand: the storefronts' own work is not the connector's latency.
	ords := make([]proofOrder, b.N)
	for i := range ords {
		if i%2 == 0 {
			ords[i] = e.newWooOrder(b, e.skus[i%len(e.skus)], 1)
		} else {
			ords[i] = e.newShopifyOrder(b, e.skus[i%len(e.skus)], 1)
		}
	}
	lat := make([]time.Duration, 0, b.N)
	byPlatform := map[string][]time.Duration{}
	b.ResetTimer()
	for i := range ords {
		sent := time.Now()
		e.deliver(b, base, ords[i], 0, false)
		select {
		case at := <-arrived:
			lat = append(lat, at.Sub(sent))
			byPlatform[ords[i].shop.Platform] = append(byPlatform[ords[i].shop.Platform], at.Sub(sent))
		case <-time.After(time.Minute):
			b.Fatalf("order %d: no PlaceOrder within a minute", i)
		}
	}
	b.StopTimer()
	pctOf := func(lat []time.Duration, p float64) float64 {
		slices.Sort(lat)
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))]) / float64(time.Millisecond)
	}
	pct := func(p float64) float64 { return pctOf(lat, p) }
	for platform, l := range byPlatform {
		b.Logf("%s %s: %d orders, p50 %.1f ms, p90 %.1f ms, p99 %.1f ms", d, platform, len(l), pctOf(l, 0.5), pctOf(l, 0.9), pctOf(l, 0.99))
	}
	b.ReportMetric(pct(0.5), "p50-ms")
	b.ReportMetric(pct(0.9), "p90-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.Logf("%s: %d orders, webhook to PlaceOrder p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms", d, len(lat), pct(0.5), pct(0.9), pct(0.99), pct(1))
}
