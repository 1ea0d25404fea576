package webhooks_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/webhooks"
)

// fakeWebhooks verifies X-Test-Signature (it must be "sig:" + the shop's secret) and decodes a
// JSON body {"topic", "raw_topic", "delivery", "order"}, like an adapter's ParseWebhook.
type fakeWebhooks struct{ secret string }

func (f fakeWebhooks) EnsureWebhooks(context.Context, platforms.WebhookTarget) ([]platforms.WebhookState, error) {
	return nil, nil
}

func (f fakeWebhooks) CheckWebhooks(context.Context, platforms.WebhookTarget) ([]platforms.WebhookState, error) {
	return nil, nil
}

func (f fakeWebhooks) ParseWebhook(header http.Header, body []byte) (platforms.WebhookEvent, error) {
	if header.Get("X-Test-Signature") != "sig:"+f.secret {
		return platforms.WebhookEvent{}, fmt.Errorf("fake: %w", platforms.ErrSignature)
	}
	var doc struct {
		Topic    string `json:"topic"`
		RawTopic string `json:"raw_topic"`
		Delivery string `json:"delivery"`
		Order    string `json:"order"`
	}
	if err := json.Unmarshal(body, &doc); err != nil || doc.Topic == "" {
		return platforms.WebhookEvent{}, fmt.Errorf("fake: %w", platforms.ErrInvalid)
	}
	return platforms.WebhookEvent{Topic: platforms.Topic(doc.Topic), RawTopic: doc.RawTopic, DeliveryID: doc.Delivery, OrderID: doc.Order}, nil
}

// fakeResolver builds a fakeWebhooks from the shop's credentials {"secret", "shop"}.
type fakeResolver struct {
	mu        sync.Mutex
	forgotten []int64
}

func (r *fakeResolver) Webhooks(shop store.Shop) (platforms.Webhooks, error) {
	var c struct{ Secret string }
	if err := json.Unmarshal([]byte(shop.Credentials), &c); err != nil || c.Secret == "" {
		return nil, fmt.Errorf("shop %d: no secret", shop.ID)
	}
	return fakeWebhooks{secret: c.Secret}, nil
}

func (r *fakeResolver) ShopifyDomain(shop store.Shop) (string, error) {
	u, err := url.Parse(shop.BaseURL)
	if err != nil {
		return "", err
	}
	return u.Hostname(), nil
}

func (r *fakeResolver) Forget(id int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.forgotten = append(r.forgotten, id)
}

type intake struct {
	t        *testing.T
	st       *store.Store
	resolver *fakeResolver
	router   *gin.Engine
	woo      store.Shop
	shopify  store.Shop
}

func newIntake(t *testing.T, st *store.Store) *intake {
	t.Helper()
	gin.SetMode(gin.TestMode)
	ctx := context.Background()
	acct, err := st.SaveIWSAccount(ctx, store.IWSAccount{Name: "default", Environment: store.EnvironmentTest,
		BaseURL: "https://iws.example/v1/", APIKey: "k", AccessKey: "a"})
	if err != nil {
		t.Fatal(err)
	}
	save := func(name, platform, baseURL, secret string) store.Shop {
		shop, err := st.SaveShop(ctx, store.Shop{Name: name, Platform: platform, BaseURL: baseURL,
			Credentials: `{"secret":"` + secret + `"}`, IWSAccountID: acct.ID, Currency: "USD", Locale: "es"})
		if err != nil {
			t.Fatal(err)
		}
		return shop
	}
	in := &intake{t: t, st: st, resolver: &fakeResolver{}, router: gin.New(),
		woo:     save("Woo", store.PlatformWooCommerce, "https://woo.example", "woo-secret"),
		shopify: save("Shopify", store.PlatformShopify, "https://demo.myshopify.com", "shp-secret"),
	}
	h, err := webhooks.New(webhooks.Config{Store: st, Resolver: in.resolver, MaxBody: 1024})
	if err != nil {
		t.Fatal(err)
	}
	h.Mount(in.router)
	return in
}

// post sends a delivery and returns the status and the body's "status" word.
func (in *intake) post(path string, header map[string]string, body string) (int, string) {
	in.t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	in.router.ServeHTTP(rec, req)
	var doc struct{ Status string }
	_ = json.Unmarshal(rec.Body.Bytes(), &doc) // a 404 from the router has no JSON body
	return rec.Code, doc.Status
}

func (in *intake) wooPost(secret, body string) (int, string) {
	return in.post(webhooks.WooCommercePath(in.woo.ID), map[string]string{"X-Test-Signature": "sig:" + secret}, body)
}

func (in *intake) events() []store.WebhookEvent {
	in.t.Helper()
	events, err := in.st.ListWebhookEvents(context.Background(), 0, 0)
	if err != nil {
		in.t.Fatal(err)
	}
	return events
}

const paid = `{"topic":"order.paid","raw_topic":"order.updated","delivery":"d-1","order":"1001"}`

func TestIntake(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		tests := []struct {
			name       string
			send       func(in *intake) (int, string)
			wantStatus int
			wantRows   int
		}{
			{"forged signature", func(in *intake) (int, string) { return in.wooPost("forged", paid) }, http.StatusUnauthorized, 0},
			{"no signature", func(in *intake) (int, string) { return in.post(webhooks.WooCommercePath(in.woo.ID), nil, paid) }, http.StatusUnauthorized, 0},
			{"another shop's secret", func(in *intake) (int, string) { return in.wooPost("shp-secret", paid) }, http.StatusUnauthorized, 0},
			{"malformed", func(in *intake) (int, string) { return in.wooPost("woo-secret", `{"topic":`) }, http.StatusBadRequest, 0},
			{"oversized", func(in *intake) (int, string) {
				return in.wooPost("woo-secret", `{"topic":"order.paid","pad":"`+strings.Repeat("x", 2000)+`"}`)
			}, http.StatusRequestEntityTooLarge, 0},
			{"unknown shop id", func(in *intake) (int, string) {
				return in.post(webhooks.WooCommercePath(999), map[string]string{"X-Test-Signature": "sig:woo-secret"}, paid)
			}, http.StatusNotFound, 0},
			{"shop id not a number", func(in *intake) (int, string) {
				return in.post("/webhooks/woocommerce/abc", map[string]string{"X-Test-Signature": "sig:woo-secret"}, paid)
			}, http.StatusNotFound, 0},
			{"woocommerce path of a shopify shop", func(in *intake) (int, string) {
				return in.post(webhooks.WooCommercePath(in.shopify.ID), map[string]string{"X-Test-Signature": "sig:shp-secret"}, paid)
			}, http.StatusNotFound, 0},
			{"unknown shopify domain", func(in *intake) (int, string) {
				return in.post(webhooks.ShopifyPath, map[string]string{"X-Test-Signature": "sig:shp-secret", "X-Shopify-Shop-Domain": "other.myshopify.com"}, paid)
			}, http.StatusNotFound, 0},
			{"shopify without domain", func(in *intake) (int, string) {
				return in.post(webhooks.ShopifyPath, map[string]string{"X-Test-Signature": "sig:shp-secret"}, paid)
			}, http.StatusNotFound, 0},
			{"ping", func(in *intake) (int, string) { return in.wooPost("woo-secret", `{"topic":"ping"}`) }, http.StatusOK, 0},
			{"woocommerce order", func(in *intake) (int, string) { return in.wooPost("woo-secret", paid) }, http.StatusOK, 1},
			{"shopify order", func(in *intake) (int, string) {
				return in.post(webhooks.ShopifyPath, map[string]string{"X-Test-Signature": "sig:shp-secret", "X-Shopify-Shop-Domain": "Demo.myshopify.com"}, paid)
			}, http.StatusOK, 1},
			{"customers redact", func(in *intake) (int, string) {
				return in.post(webhooks.ShopifyPath, map[string]string{"X-Test-Signature": "sig:shp-secret", "X-Shopify-Shop-Domain": "demo.myshopify.com"},
					`{"topic":"customers.redact","raw_topic":"customers/redact","delivery":"c-1"}`)
			}, http.StatusOK, 1},
			{"customers data request", func(in *intake) (int, string) {
				return in.post(webhooks.ShopifyPath, map[string]string{"X-Test-Signature": "sig:shp-secret", "X-Shopify-Shop-Domain": "demo.myshopify.com"},
					`{"topic":"customers.data_request","raw_topic":"customers/data_request","delivery":"c-2"}`)
			}, http.StatusOK, 1},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				in := newIntake(t, storetest.New(t, st.Dialect(), true))
				status, word := tt.send(in)
				if status != tt.wantStatus {
					t.Errorf("status = %d (%s), want %d", status, word, tt.wantStatus)
				}
				if n := len(in.events()); n != tt.wantRows {
					t.Errorf("%d webhook_events rows, want %d", n, tt.wantRows)
				}
			})
		}
	})
}

func TestIntakeRecordsEachDeliveryOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		in := newIntake(t, st)
		for i, want := range []string{"received", "duplicate", "duplicate"} {
			if status, word := in.wooPost("woo-secret", paid); status != http.StatusOK || word != want {
				t.Errorf("delivery %d: %d %q, want 200 %q", i+1, status, word, want)
			}
		}
		events := in.events()
		if len(events) != 1 {
			t.Fatalf("%d rows, want 1", len(events))
		}
		e := events[0]
		if e.ShopID != in.woo.ID || e.Platform != store.PlatformWooCommerce || e.DeliveryID != "d-1" ||
			e.Topic != "order.paid" || e.RawTopic != "order.updated" || e.OrderID != "1001" ||
			e.State != store.WebhookEventReceived || len(e.PayloadSHA256) != 64 || e.ReceivedAt.IsZero() {
			t.Errorf("event = %+v", e)
		}
		// The same delivery id from the other shop is its own delivery.
		status, _ := in.post(webhooks.ShopifyPath, map[string]string{"X-Test-Signature": "sig:shp-secret", "X-Shopify-Shop-Domain": "demo.myshopify.com"}, paid)
		if status != http.StatusOK || len(in.events()) != 2 {
			t.Errorf("other shop's d-1: %d, %d rows", status, len(in.events()))
		}
	})
}

func TestIntakeUninstallForgetsTheShop(t *testing.T) {
	for _, topic := range []string{"app.uninstalled", "shop.redact"} {
		t.Run(topic, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				in := newIntake(t, st)
				ctx := context.Background()
				if err := st.SaveListings(ctx, []store.Listing{{ShopID: in.shopify.ID, SKU: "A", State: store.ListingPending, PendingChange: "create"}}); err != nil {
					t.Fatal(err)
				}
				header := map[string]string{"X-Test-Signature": "sig:shp-secret", "X-Shopify-Shop-Domain": "demo.myshopify.com"}
				if status, word := in.post(webhooks.ShopifyPath, header, `{"topic":"`+topic+`","delivery":"u-1"}`); status != http.StatusOK {
					t.Fatalf("uninstall: %d %s", status, word)
				}
				shop, err := st.Shop(ctx, in.shopify.ID)
				if err != nil || shop.Credentials != store.DisconnectedCredentials {
					t.Errorf("credentials after uninstall = %q, %v; want them gone", shop.Credentials, err)
				}
				if counts, err := st.ListingCounts(ctx, in.shopify.ID); err != nil || len(counts) != 0 {
					t.Errorf("listings after uninstall = %v, %v", counts, err)
				}
				if len(in.resolver.forgotten) != 1 || in.resolver.forgotten[0] != in.shopify.ID {
					t.Errorf("forgotten adapters = %v", in.resolver.forgotten)
				}
				if events := in.events(); len(events) != 1 || events[0].Topic != topic {
					t.Errorf("events = %+v, want the uninstall kept", events)
				}
				// Later deliveries find a disconnected shop; the other shop is untouched.
				if status, _ := in.post(webhooks.ShopifyPath, header, paid); status != http.StatusGone {
					t.Errorf("delivery after uninstall: %d, want 410", status)
				}
				if status, _ := in.wooPost("woo-secret", paid); status != http.StatusOK {
					t.Errorf("other shop after uninstall: %d", status)
				}
			})
		})
	}
}

func TestNewRefusesMissingDependencies(t *testing.T) {
	_, err := webhooks.New(webhooks.Config{MaxBody: -1})
	if err == nil || !strings.Contains(err.Error(), "Store") || !strings.Contains(err.Error(), "Resolver") || !strings.Contains(err.Error(), "MaxBody") {
		t.Errorf("New = %v, want every problem named", err)
	}
}
