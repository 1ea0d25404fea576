package shopify_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"testing"

	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/shopify"
)

func signed(topic string, body []byte, secret string) http.Header {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	h := http.Header{}
	h.Set("X-Shopify-Hmac-Sha256", base64.StdEncoding.EncodeToString(m.Sum(nil)))
	h.Set("X-Shopify-Topic", topic)
	h.Set("X-Shopify-Webhook-Id", "w1")
	h.Set("X-Shopify-Event-Id", "e1")
	h.Set("X-Shopify-Shop-Domain", "demo.myshopify.com")
	h.Set("X-Shopify-Triggered-At", "2026-07-01T12:00:00.123Z")
	return h
}

const restOrderJSON = `{"id":820982911946154508,"admin_graphql_api_id":"gid://shopify/Order/820982911946154508","name":"#9999",
"email":"jon@example.com","financial_status":"paid","fulfillment_status":null,"currency":"USD","total_price":"403.00",
"created_at":"2026-07-01T12:00:00-05:00","updated_at":"2026-07-01T12:01:00-05:00","cancelled_at":null,"closed_at":null,
"note":"leave at door","shipping_lines":[{"title":"Express"}],
"shipping_address":{"first_name":"Steve","country_code":"CO","zip":"110111","province":"Bogotá"},
"line_items":[{"id":866550311766439020,"admin_graphql_api_id":"gid://shopify/LineItem/866550311766439020","sku":"IPOD-1","name":"IPod Nano","quantity":2,"price":"199.00","variant_id":808950810,"product_id":632910392}]}`

func TestParseWebhookOrder(t *testing.T) {
	c := clientWithSecret(t, "s3cret")
	body := []byte(restOrderJSON)
	ev, err := c.ParseWebhook(signed("orders/paid", body, "s3cret"), body)
	if err != nil {
		t.Fatal(err)
	}
	o := ev.Order
	if ev.Topic != platforms.TopicOrderPaid || ev.OrderID != "gid://shopify/Order/820982911946154508" || ev.DeliveryID != "w1" || ev.EventID != "e1" ||
		ev.ShopDomain != "demo.myshopify.com" || ev.OccurredAt.IsZero() || o == nil {
		t.Fatalf("event %+v", ev)
	}
	if !o.Paid || o.Status != platforms.OrderProcessing || o.Total != "403.00" || o.ShippingMethod != "Express" || o.Shipping.Country != "CO" {
		t.Errorf("order %+v", *o)
	}
	if l := o.Lines[0]; l.SKU != "IPOD-1" || l.Quantity != 2 || l.UnitPrice != "199.00" || l.VariantID != "gid://shopify/ProductVariant/808950810" {
		t.Errorf("line %+v", l)
	}
}

func TestParseWebhookSignature(t *testing.T) {
	body := []byte(restOrderJSON)
	for name, tc := range map[string]struct {
		secret string
		h      http.Header
	}{
		"wrong secret":   {"s3cret", signed("orders/paid", body, "other")},
		"no secret":      {"", signed("orders/paid", body, "")},
		"no header":      {"s3cret", http.Header{"X-Shopify-Topic": {"orders/paid"}}},
		"not base64":     {"s3cret", http.Header{"X-Shopify-Hmac-Sha256": {"%%%"}}},
		"hex not base64": {"s3cret", http.Header{"X-Shopify-Hmac-Sha256": {"00ff"}}},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := clientWithSecret(t, tc.secret).ParseWebhook(tc.h, body); !errors.Is(err, platforms.ErrSignature) {
				t.Errorf("= %v, want ErrSignature", err)
			}
		})
	}
}

func TestParseWebhookTopicsAndCompliance(t *testing.T) {
	c := clientWithSecret(t, "k")
	body := []byte(`{"shop_id":954889,"shop_domain":"demo.myshopify.com","orders_to_redact":[299938,280263],"customer":{"id":191167,"email":"john@example.com","phone":"555-625-1199"}}`)
	ev, err := c.ParseWebhook(signed("customers/redact", body, "k"), body)
	if err != nil || ev.Topic != platforms.TopicCustomersRedact {
		t.Fatalf("%+v %v", ev, err)
	}
	cp, err := shopify.ParseCompliance(body)
	if err != nil || cp.ShopDomain != "demo.myshopify.com" || cp.Customer.Email != "john@example.com" || cp.Customer.ID != "191167" ||
		len(cp.OrdersToRedact) != 2 || cp.OrdersToRedact[0] != "gid://shopify/Order/299938" {
		t.Fatalf("%+v %v", cp, err)
	}
	for topic, want := range map[string]platforms.Topic{"app/uninstalled": platforms.TopicAppUninstalled, "shop/redact": platforms.TopicShopRedact,
		"customers/data_request": platforms.TopicCustomersDataReq, "products/update": platforms.TopicOther} {
		ev, err := c.ParseWebhook(signed(topic, body, "k"), body)
		if err != nil || ev.Topic != want || ev.RawTopic != topic {
			t.Errorf("%s: %+v %v", topic, ev, err)
		}
	}
	bad := []byte(`{"id":"x"}`)
	if _, err := c.ParseWebhook(signed("orders/updated", bad, "k"), bad); !errors.Is(err, platforms.ErrInvalid) {
		t.Errorf("order without id: %v", err)
	}
}

func TestEnsureWebhooksMovesOurSubscription(t *testing.T) {
	fake, c := orderShop(t)
	ctx := context.Background()
	if _, err := c.EnsureWebhooks(ctx, platforms.WebhookTarget{URL: "https://old.example/hook"}); err != nil {
		t.Fatal(err)
	}
	st, err := c.EnsureWebhooks(ctx, platforms.WebhookTarget{URL: "https://new.example/hook"})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range st {
		if s.Changed != "updated" || s.URL != "https://new.example/hook" {
			t.Errorf("%+v", s)
		}
	}
	// Shopify deletes a failing subscription; Check reports it missing, Ensure recreates it.
	fake.DeleteWebhook(st[0].ID)
	chk, err := c.CheckWebhooks(ctx, platforms.WebhookTarget{URL: "https://new.example/hook"})
	if err != nil || chk[0].Status != "missing" || chk[0].Active || len(fake.Webhooks()) != 2 {
		t.Fatalf("%+v %v", chk, err)
	}
	again, err := c.EnsureWebhooks(ctx, platforms.WebhookTarget{URL: "https://new.example/hook"})
	if err != nil || again[0].Changed != "created" || again[1].Changed != "" {
		t.Fatalf("%+v %v", again, err)
	}
}

func clientWithSecret(t *testing.T, secret string) *shopify.Client {
	t.Helper()
	c, err := shopify.New(shopify.Config{Shop: "demo.myshopify.com", AccessToken: testToken, ClientSecret: secret})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
