package webhooks_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/migrations"
	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/shopify"
	"github.com/intcomex-connector/connector/platforms/shopify/shopifytest"
	"github.com/intcomex-connector/connector/platforms/woocommerce"
	"github.com/intcomex-connector/connector/platforms/woocommerce/wootest"
	"github.com/intcomex-connector/connector/webhooks"
)

// These tests put the real adapters behind the intake: the signatures are the platforms' own
// HMACs over the raw body, and the deliveries are what the fakes send for a paid order.

const (
	wooSecret     = "whsec_signed_intake_test"
	shopifySecret = "shpss_signed_intake_test"
	shopifyToken  = "shpat_signed_intake_test"
)

// delivery is one webhook request as a storefront sends it.
type delivery struct {
	path   string
	header http.Header
	body   []byte
}

func (d delivery) with(header http.Header, body []byte) delivery {
	return delivery{path: d.path, header: header, body: body}
}

// adapters resolves each shop to its real adapter.
type adapters struct {
	byShop map[int64]platforms.Webhooks
}

func (a *adapters) Webhooks(shop store.Shop) (platforms.Webhooks, error) {
	if w, ok := a.byShop[shop.ID]; ok {
		return w, nil
	}
	return nil, fmt.Errorf("shop %d: no adapter", shop.ID)
}

func (a *adapters) ShopifyDomain(shop store.Shop) (string, error) {
	u, err := url.Parse(shop.BaseURL)
	if err != nil {
		return "", err
	}
	return u.Hostname(), nil
}

func (a *adapters) Forget(int64) {}

// wooPaidDelivery is the order.created delivery the WooCommerce fake sends for a paid checkout,
// signed with wooSecret.
func wooPaidDelivery(t *testing.T) (http.Header, []byte) {
	t.Helper()
	s, base := wootest.Start(t, wootest.Config{ImageCheck: wootest.AllowImages, Delivery: wootest.DeliverSync,
		ConsumerKey: "ck_signed", ConsumerSecret: "cs_signed"})
	c, err := woocommerce.New(woocommerce.Config{BaseURL: base, ConsumerKey: "ck_signed", ConsumerSecret: "cs_signed", WebhookSecret: wooSecret})
	if err != nil {
		t.Fatal(err)
	}
	sink := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(sink.Close)
	if _, err := c.EnsureWebhooks(context.Background(), platforms.WebhookTarget{URL: sink.URL + "/hook"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PlaceOrder(wootest.Checkout{Paid: true, Lines: []wootest.CheckoutLine{{SKU: "IWS-1", Quantity: 2, UnitPrice: "10.50"}}}); err != nil {
		t.Fatal(err)
	}
	for _, d := range s.Deliveries() {
		if d.Topic == "order.created" {
			return d.Header, d.Body
		}
	}
	t.Fatal("the fake sent no order.created delivery")
	return nil, nil
}

// shopifyPaidDelivery is the orders/paid delivery the Shopify fake sends for a paid order,
// signed with shopifySecret, and the shop's domain.
func shopifyPaidDelivery(t *testing.T) (http.Header, []byte, string) {
	t.Helper()
	fake := shopifytest.New(shopifytest.Config{AccessToken: shopifyToken, ClientSecret: shopifySecret})
	t.Cleanup(fake.Close)
	c, err := shopify.New(shopify.Config{Shop: fake.Config().Shop, AccessToken: shopifyToken, ClientSecret: shopifySecret,
		BaseURL: fake.URL(), HTTPClient: fake.Client()})
	if err != nil {
		t.Fatal(err)
	}
	sink := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(sink.Close)
	if _, err := c.EnsureWebhooks(context.Background(), platforms.WebhookTarget{URL: sink.URL + "/hook"}); err != nil {
		t.Fatal(err)
	}
	fake.CreateOrder(shopifytest.NewOrder{Email: "buyer@example.com", Lines: []shopifytest.OrderLine{{SKU: "IWS-1", Title: "Item", Quantity: 2, Price: decimal.RequireFromString("10.50")}}})
	fake.Wait()
	for _, d := range fake.Deliveries() {
		if d.Header.Get("X-Shopify-Topic") == "orders/paid" {
			return d.Header, d.Body, fake.Config().Shop
		}
	}
	t.Fatal("the fake sent no orders/paid delivery")
	return nil, nil, ""
}

// signedIntake is an intake with one WooCommerce and one Shopify shop behind their real adapters.
type signedIntake struct {
	st      *store.Store
	router  *gin.Engine
	woo     delivery // a genuine paid-order delivery for the WooCommerce shop
	shopify delivery // and for the Shopify shop
	wooShop int64
}

const signedMaxBody = 64 << 10

func newSignedIntake(t *testing.T, st *store.Store) *signedIntake {
	t.Helper()
	gin.SetMode(gin.TestMode)
	ctx := context.Background()
	acct, err := st.SaveIWSAccount(ctx, store.IWSAccount{Name: "default", Environment: store.EnvironmentTest,
		BaseURL: "https://iws.example/v1/", APIKey: "k", AccessKey: "a"})
	if err != nil {
		t.Fatal(err)
	}
	wooHeader, wooBody := wooPaidDelivery(t)
	shopifyHeader, shopifyBody, domain := shopifyPaidDelivery(t)
	save := func(name, platform, baseURL string) store.Shop {
		shop, err := st.SaveShop(ctx, store.Shop{Name: name, Platform: platform, BaseURL: baseURL,
			Credentials: `{"test":"adapters are built by the test resolver"}`, IWSAccountID: acct.ID, Currency: "USD", Locale: "es"})
		if err != nil {
			t.Fatal(err)
		}
		return shop
	}
	wooShop := save("Woo", store.PlatformWooCommerce, "https://woo.example")
	shopifyShop := save("Shopify", store.PlatformShopify, "https://"+domain)
	wooAdapter, err := woocommerce.New(woocommerce.Config{BaseURL: "https://woo.example", ConsumerKey: "ck_signed", ConsumerSecret: "cs_signed", WebhookSecret: wooSecret})
	if err != nil {
		t.Fatal(err)
	}
	shopifyAdapter, err := shopify.New(shopify.Config{Shop: domain, AccessToken: shopifyToken, ClientSecret: shopifySecret})
	if err != nil {
		t.Fatal(err)
	}
	h, err := webhooks.New(webhooks.Config{Store: st, MaxBody: signedMaxBody,
		Resolver: &adapters{byShop: map[int64]platforms.Webhooks{wooShop.ID: wooAdapter, shopifyShop.ID: shopifyAdapter}}})
	if err != nil {
		t.Fatal(err)
	}
	in := &signedIntake{st: st, router: gin.New(), wooShop: wooShop.ID,
		woo:     delivery{path: webhooks.WooCommercePath(wooShop.ID), header: wooHeader, body: wooBody},
		shopify: delivery{path: webhooks.ShopifyPath, header: shopifyHeader, body: shopifyBody}}
	h.Mount(in.router)
	return in
}

func (in *signedIntake) post(d delivery) int {
	req := httptest.NewRequest(http.MethodPost, d.path, bytes.NewReader(d.body))
	req.Header = d.header.Clone()
	rec := httptest.NewRecorder()
	in.router.ServeHTTP(rec, req)
	return rec.Code
}

// rows counts the rows of every table of the schema, so that "nothing stored" covers whatever
// the intake writes (events, orders, jobs), not only the tables known when this was written.
func (in *signedIntake) rows(t *testing.T) map[string]int {
	t.Helper()
	ctx := context.Background()
	db := in.st.DB()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if in.st.Dialect() == migrations.MySQL {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'`
	}
	rs, err := db.QueryContext(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rs.Next() {
		var name string
		if err := rs.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	if err := rs.Close(); err != nil {
		t.Fatal(err)
	}
	out := make(map[string]int, len(tables))
	for _, table := range tables {
		var n int
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

func changed(before, after map[string]int) []string {
	var out []string
	for table, n := range after {
		if before[table] != n {
			out = append(out, fmt.Sprintf("%s %d→%d", table, before[table], n))
		}
	}
	return out
}

// resign returns header with the platform's signature over body made with secret.
func resign(header http.Header, body []byte, shopifyTopic bool, secret string) http.Header {
	h := header.Clone()
	if shopifyTopic {
		h.Set("X-Shopify-Hmac-Sha256", wootest.Sign(body, secret)) // the same base64 HMAC-SHA256
	} else {
		h.Set("X-WC-Webhook-Signature", wootest.Sign(body, secret))
	}
	return h
}

func unsigned(header http.Header) http.Header {
	h := header.Clone()
	h.Del("X-Shopify-Hmac-Sha256")
	h.Del("X-WC-Webhook-Signature")
	return h
}

func TestSignedIntakeRefusesWithoutStoring(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		in := newSignedIntake(t, st)
		for _, p := range []struct {
			name    string
			genuine delivery
			shopify bool
			secret  string
		}{
			{"woocommerce", in.woo, false, wooSecret},
			{"shopify", in.shopify, true, shopifySecret},
		} {
			g := p.genuine
			other := bytes.Replace(g.body, []byte(`"quantity":2`), []byte(`"quantity":20`), 1)
			if bytes.Equal(other, g.body) {
				t.Fatalf("%s: the paid delivery has no quantity 2 to change: %s", p.name, g.body)
			}
			malformed := []byte(`{"id":1,"line_items":[`)
			huge := append(bytes.Clone(g.body[:len(g.body)-1]), []byte(`,"pad":"`+strings.Repeat("x", signedMaxBody)+`"}`)...)
			for _, tc := range []struct {
				name string
				d    delivery
				want int
			}{
				{"forged signature", g.with(resign(g.header, g.body, p.shopify, "not-the-secret"), g.body), http.StatusUnauthorized},
				{"replayed signature over another body", g.with(g.header, other), http.StatusUnauthorized},
				{"signature removed", g.with(unsigned(g.header), g.body), http.StatusUnauthorized},
				{"malformed JSON with a valid signature", g.with(resign(g.header, malformed, p.shopify, p.secret), malformed), http.StatusBadRequest},
				{"oversize with a valid signature", g.with(resign(g.header, huge, p.shopify, p.secret), huge), http.StatusRequestEntityTooLarge},
			} {
				t.Run(p.name+"/"+tc.name, func(t *testing.T) {
					before := in.rows(t)
					if got := in.post(tc.d); got != tc.want {
						t.Errorf("status %d, want %d", got, tc.want)
					}
					if diff := changed(before, in.rows(t)); len(diff) > 0 {
						t.Errorf("stored: %v", diff)
					}
				})
			}
		}
		t.Run("unknown shop", func(t *testing.T) {
			before := in.rows(t)
			woo := in.woo
			woo.path = webhooks.WooCommercePath(in.wooShop + 1000)
			shop := in.shopify.with(in.shopify.header.Clone(), in.shopify.body)
			shop.header.Set("X-Shopify-Shop-Domain", "someone-else.myshopify.com")
			for _, d := range []delivery{woo, shop} {
				if got := in.post(d); got != http.StatusNotFound {
					t.Errorf("%s: status %d, want 404", d.path, got)
				}
			}
			if diff := changed(before, in.rows(t)); len(diff) > 0 {
				t.Errorf("stored: %v", diff)
			}
		})
	})
}

// A redelivery (same delivery id, same body, same signature), even several at once, is answered
// 200 each time and stored once.
func TestSignedIntakeStoresARedeliveryOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		in := newSignedIntake(t, st)
		for _, d := range []delivery{in.woo, in.shopify} {
			if got := in.post(d); got != http.StatusOK {
				t.Fatalf("%s: first delivery %d", d.path, got)
			}
			first := in.rows(t)
			const again = 5
			codes := make(chan int, again)
			var wg sync.WaitGroup
			for range again {
				wg.Go(func() { codes <- in.post(d) })
			}
			wg.Wait()
			close(codes)
			for code := range codes {
				if code != http.StatusOK {
					t.Errorf("%s: redelivery %d, want 200", d.path, code)
				}
			}
			if diff := changed(first, in.rows(t)); len(diff) > 0 {
				t.Errorf("%s: redeliveries stored more: %v", d.path, diff)
			}
		}
		events, err := st.ListWebhookEvents(context.Background(), 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(events) != 2 {
			t.Fatalf("%d webhook events, want one per shop: %+v", len(events), events)
		}
		for _, e := range events {
			if e.OrderID == "" || e.DeliveryID == "" || e.State != store.WebhookEventReceived {
				t.Errorf("event %+v", e)
			}
		}
	})
}
