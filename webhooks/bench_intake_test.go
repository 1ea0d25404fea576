package webhooks_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/orders"
	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/migrations"
	"github.com/intcomex-connector/connector/webhooks"
)

// BenchmarkIntake drives the real intake (webhooks.Handler on gin, the shops' real WooCommerce and
// Shopify adapters verifying HMAC signatures, the store) over loopback HTTP with signed order
// webhooks, alternating a WooCommerce order.created and a Shopify orders/paid delivery, each for a
// new order. Deliveries are sent open-loop at a fixed rate (CONNECTOR_BENCH_INTAKE_RATE per second,
// default 1000; 0 sends as fast as 64 concurrent senders can), and each latency is measured from
// the moment the delivery was due, so a server that falls behind shows it in p99. At the end every
// delivery must have answered 200 and have its webhook_events row. It runs on SQLite and, when
// CONNECTOR_TEST_MYSQL_DSN is set, on MySQL/MariaDB:
//
//	CONNECTOR_TEST_MYSQL_DSN=mysql://root@127.0.0.1:3306/test \
//	  go test ./webhooks -run '^$' -bench BenchmarkIntake -benchtime 10000x
//
// (scripts/bench-intake.sh runs exactly that.) b.N is the number of deliveries: 10000x at
// 1000/s is ten sustained seconds.
func BenchmarkIntake(b *testing.B) {
	rate := 1000
	if v := os.Getenv("CONNECTOR_BENCH_INTAKE_RATE"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			b.Fatalf("CONNECTOR_BENCH_INTAKE_RATE=%q: want a number of deliveries per second (0: unpaced)", v)
		}
		rate = n
	}
	for _, d := range []migrations.Dialect{migrations.SQLite, migrations.MySQL} {
		b.Run(string(d), func(b *testing.B) { benchIntake(b, storetest.New(b, d, true), rate) })
	}
}

const (
	benchWooSecret     = "bench-woo-webhook-secret"
	benchShopifySecret = "bench-shopify-client-secret"
	benchShopifyDomain = "bench-shop.myshopify.com"
)

func benchIntake(b *testing.B, st *store.Store, rate int) {
	ctx := context.Background()
	acct, err := st.SaveIWSAccount(ctx, store.IWSAccount{Name: "default", Environment: store.EnvironmentTest,
		BaseURL: "https://iws.example/v1/", APIKey: "k", AccessKey: "a"})
	if err != nil {
		b.Fatal(err)
	}
	woo, err := st.SaveShop(ctx, store.Shop{Name: "Bench Woo", Platform: store.PlatformWooCommerce, BaseURL: "https://woo.example",
		Credentials:  `{"consumer_key":"ck_bench","consumer_secret":"cs_bench","webhook_secret":"` + benchWooSecret + `"}`,
		IWSAccountID: acct.ID, Currency: "USD", Locale: "es"})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := st.SaveShop(ctx, store.Shop{Name: "Bench Shopify", Platform: store.PlatformShopify, BaseURL: "https://" + benchShopifyDomain,
		Credentials:  `{"access_token":"shpat_bench","client_secret":"` + benchShopifySecret + `"}`,
		IWSAccountID: acct.ID, Currency: "USD", Locale: "es"}); err != nil {
		b.Fatal(err)
	}
	// The intake as serve wires it: each paid order's row and its place_order job in the
	// delivery's transaction (the jobs client here only inserts; nothing places).
	queue, err := jobs.NewClient(st, jobs.Config{})
	if err != nil {
		b.Fatal(err)
	}
	h, err := webhooks.New(webhooks.Config{Store: st, Resolver: &shops.Storefronts{Recorder: st}, Orders: orders.NewIntake(st, queue), Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}) // refusals show why
	if err != nil {
		b.Fatal(err)
	}
	gin.SetMode(gin.ReleaseMode)
	router := gin.New()
	router.Use(gin.Recovery())
	h.Mount(router)
	srv := httptest.NewServer(router)
	defer srv.Close()
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConns: 1024, MaxIdleConnsPerHost: 1024}}
	defer client.CloseIdleConnections()

	wooBody := benchWooBody(b)
	reqs := make([]*http.Request, b.N)
	for i := range reqs {
		reqs[i] = benchRequest(b, srv.URL, woo.ID, wooBody, i)
	}

	latencies := make([]time.Duration, b.N)
	failures := make(chan string, b.N)
	send := func(i int, due time.Time) {
		resp, err := client.Do(reqs[i])
		if err != nil {
			failures <- fmt.Sprintf("delivery %d: %v", i, err)
			return
		}
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		latencies[i] = time.Since(due)
		if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(`"received"`)) {
			failures <- fmt.Sprintf("delivery %d: %d %s", i, resp.StatusCode, body)
		}
	}

	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	if rate > 0 {
		inflight := make(chan struct{}, 1024) // bounds goroutines; a full pool shows up as latency
		for i := range reqs {
			due := start.Add(time.Duration(i) * time.Second / time.Duration(rate))
			if d := time.Until(due); d > 0 {
				time.Sleep(d) // pacing the load generator, not synchronising a test
			}
			inflight <- struct{}{}
			wg.Add(1)
			go func() {
				defer wg.Done()
				send(i, due)
				<-inflight
			}()
		}
	} else {
		next := make(chan int)
		for range 64 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					send(i, time.Now())
				}
			}()
		}
		for i := range reqs {
			next <- i
		}
		close(next)
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	close(failures)
	for f := range failures {
		b.Error(f)
	}
	var stored int
	if err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM webhook_events`).Scan(&stored); err != nil {
		b.Fatal(err)
	}
	if stored != b.N {
		b.Errorf("%d webhook_events rows for %d deliveries: deliveries lost", stored, b.N)
	}
	var ordersStored, jobsStored int
	if err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM orders`).Scan(&ordersStored); err != nil {
		b.Fatal(err)
	}
	if err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM jobs WHERE kind = 'place_order'`).Scan(&jobsStored); err != nil {
		b.Fatal(err)
	}
	if ordersStored != b.N || jobsStored != b.N {
		b.Errorf("%d orders and %d place_order jobs for %d paid-order deliveries: orders lost", ordersStored, jobsStored, b.N)
	}
	slices.Sort(latencies)
	pct := func(p float64) float64 {
		return float64(latencies[min(len(latencies)-1, int(p*float64(len(latencies))))]) / float64(time.Millisecond)
	}
	perSec := float64(b.N) / elapsed.Seconds()
	b.ReportMetric(perSec, "deliveries/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(pct(1), "max-ms")
	b.Logf("%s: %d deliveries in %v (%.0f/s, target %d/s): p50 %.1f ms, p99 %.1f ms, max %.1f ms; %d rows stored",
		st.Dialect(), b.N, elapsed.Round(time.Millisecond), perSec, rate, pct(0.5), pct(0.99), pct(1), stored)
}

// benchWooBody is a recorded WooCommerce order.created delivery (order 31, processing, paid).
func benchWooBody(b *testing.B) []byte {
	raw, err := os.ReadFile("../platforms/woocommerce/wootest/testdata/39-webhook-delivery-order-created.json")
	if err != nil {
		b.Fatal(err)
	}
	var f struct {
		Request struct {
			Body string `json:"body"`
		} `json:"request"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		b.Fatal(err)
	}
	if !bytes.HasPrefix([]byte(f.Request.Body), []byte(`{"id":31,`)) {
		b.Fatal("the recorded WooCommerce delivery no longer starts with its order id")
	}
	return []byte(f.Request.Body)
}

const benchShopifyOrder = `{"id":%d,"admin_graphql_api_id":"gid://shopify/Order/%d","name":"#%d",
"email":"jon@example.com","financial_status":"paid","fulfillment_status":null,"currency":"USD","total_price":"403.00",
"created_at":"2026-07-01T12:00:00-05:00","updated_at":"2026-07-01T12:01:00-05:00","cancelled_at":null,"closed_at":null,
"note":"leave at door","shipping_lines":[{"title":"Express"}],
"shipping_address":{"first_name":"Steve","country_code":"CO","zip":"110111","province":"Bogotá"},
"line_items":[{"id":866550311766439020,"admin_graphql_api_id":"gid://shopify/LineItem/866550311766439020","sku":"IPOD-1","name":"IPod Nano","quantity":2,"price":"199.00","variant_id":808950810,"product_id":632910392}]}`

// benchRequest is delivery i: even ones WooCommerce, odd ones Shopify, each a new order signed as
// the platform signs it.
func benchRequest(b *testing.B, base string, wooID int64, wooBody []byte, i int) *http.Request {
	order := 100000 + i
	var (
		body   []byte
		path   string
		header = http.Header{"Content-Type": {"application/json"}}
	)
	if i%2 == 0 {
		body = append([]byte(`{"id":`+strconv.Itoa(order)+`,`), wooBody[len(`{"id":31,`):]...)
		body = bytes.Replace(body, []byte(`"number":"31"`), []byte(`"number":"`+strconv.Itoa(order)+`"`), 1)
		path = webhooks.WooCommercePath(wooID)
		header.Set("X-WC-Webhook-Source", "https://woo.example/")
		header.Set("X-WC-Webhook-Topic", "order.created")
		header.Set("X-WC-Webhook-Resource", "order")
		header.Set("X-WC-Webhook-Event", "created")
		header.Set("X-WC-Webhook-ID", "3")
		header.Set("X-WC-Webhook-Delivery-ID", fmt.Sprintf("bench-%d", i))
		header.Set("X-WC-Webhook-Signature", hmacBase64(body, benchWooSecret))
	} else {
		body = fmt.Appendf(nil, benchShopifyOrder, order, order, order)
		path = webhooks.ShopifyPath
		header.Set("X-Shopify-Topic", "orders/paid")
		header.Set("X-Shopify-Shop-Domain", benchShopifyDomain)
		header.Set("X-Shopify-Webhook-Id", fmt.Sprintf("bench-%d", i))
		header.Set("X-Shopify-Event-Id", fmt.Sprintf("event-%d", i))
		header.Set("X-Shopify-Triggered-At", "2026-07-01T12:00:00.123Z")
		header.Set("X-Shopify-Hmac-Sha256", hmacBase64(body, benchShopifySecret))
	}
	req, err := http.NewRequest(http.MethodPost, base+path, bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	req.Header = header
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	return req
}

func hmacBase64(body []byte, secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}
