package shopify_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/shopify"
	"github.com/intcomex-connector/connector/platforms/shopify/shopifytest"
)

const fuzzSecret = "shpss_fuzz_secret"

// Signing modes of FuzzParseWebhook: keep the fuzzed signature, sign the body with the app's
// client secret, or sign it with another secret.
const (
	fuzzSigAsIs uint8 = iota
	fuzzSigRight
	fuzzSigWrong
)

func sign(body []byte, secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// fakeDeliveries are the webhooks the fake shop sends for a paid order that is then fulfilled
// and cancelled, signed with fuzzSecret.
func fakeDeliveries(t testing.TB) []shopifytest.Delivery {
	t.Helper()
	fake := shopifytest.New(shopifytest.Config{AccessToken: testToken, ClientSecret: fuzzSecret})
	t.Cleanup(fake.Close)
	intake := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(intake.Close)
	c, err := shopify.New(shopify.Config{Shop: fake.Config().Shop, AccessToken: testToken, ClientSecret: fuzzSecret,
		BaseURL: fake.URL(), HTTPClient: fake.Client()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.EnsureWebhooks(ctx, platforms.WebhookTarget{URL: intake.URL + "/webhooks/shopify/1"}); err != nil {
		t.Fatal(err)
	}
	o := fake.CreateOrder(shopifytest.NewOrder{Email: "buyer@example.com", FirstName: "Ana", ShippingMethod: "Standard",
		ShippingAddress: shopifytest.Address{FirstName: "Ana", Address1: "Calle 1", City: "Bogotá", CountryCode: "CO", Zip: "110111"},
		Lines:           []shopifytest.OrderLine{{SKU: "IWS-1", Title: "Item", Quantity: 2, Price: decimal.RequireFromString("10.50")}}})
	if err := c.FulfillOrder(ctx, o.ID, platforms.Fulfillment{Carrier: "DHL", TrackingNumber: "TRK1", TrackingURL: "https://t.example/TRK1"}); err != nil {
		t.Fatal(err)
	}
	fake.Wait()
	ds := fake.Deliveries()
	if len(ds) < 2 {
		t.Fatalf("the fake sent %d deliveries", len(ds))
	}
	return ds
}

// FuzzParseWebhook throws headers and bodies at ParseWebhook. Whatever comes in: no panic; an
// error leaves the event empty and says which kind of failure it is (ErrSignature or
// ErrInvalid); nothing is accepted without a valid HMAC of the raw body; a validly signed body
// that is not what its topic says is an ErrInvalid error, never an empty event passed as good.
//
//	go test -run='^$' -fuzz=FuzzParseWebhook -fuzztime=1m ./platforms/shopify
func FuzzParseWebhook(f *testing.F) {
	add := func(h http.Header, body []byte, mode uint8) {
		f.Add(h.Get("X-Shopify-Topic"), body, h.Get("X-Shopify-Hmac-Sha256"), mode,
			h.Get("X-Shopify-Webhook-Id"), h.Get("X-Shopify-Shop-Domain"), h.Get("X-Shopify-Triggered-At"))
	}
	for _, d := range fakeDeliveries(f) {
		add(d.Header, d.Body, fuzzSigAsIs)
	}
	add(signed("orders/paid", []byte(restOrderJSON), fuzzSecret), []byte(restOrderJSON), fuzzSigAsIs)
	add(signed("orders/paid", []byte(restOrderJSON), fuzzSecret), []byte(restOrderJSON), fuzzSigWrong)
	for _, topic := range []string{"orders/paid", "orders/updated", "customers/redact", "shop/redact", "app/uninstalled", "products/update"} {
		for _, b := range []string{`{"shop_domain":"a.myshopify.com","orders_to_redact":[1]}`, `{"id":1,"line_items":[{"price":12.5}]}`,
			`{"id":"x"}`, `{}`, `null`, `[]`, `not json`, "", `{"id":1,"created_at":"yesterday"}`, `{"admin_graphql_api_id":"gid://shopify/Order/1"}`} {
			add(signed(topic, []byte(b), fuzzSecret), []byte(b), fuzzSigRight)
		}
	}
	c, err := shopify.New(shopify.Config{Shop: "demo.myshopify.com", AccessToken: testToken, ClientSecret: fuzzSecret})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, topic string, body []byte, sig string, mode uint8, webhookID, domain, triggeredAt string) {
		h := http.Header{}
		for k, v := range map[string]string{"X-Shopify-Topic": topic, "X-Shopify-Webhook-Id": webhookID,
			"X-Shopify-Shop-Domain": domain, "X-Shopify-Triggered-At": triggeredAt} {
			if v != "" {
				h.Set(k, v)
			}
		}
		switch mode % 3 {
		case fuzzSigRight:
			sig = sign(body, fuzzSecret)
		case fuzzSigWrong:
			sig = sign(body, "another-secret")
		}
		if sig != "" {
			h.Set("X-Shopify-Hmac-Sha256", sig)
		}
		got, derr := base64.StdEncoding.DecodeString(strings.TrimSpace(sig))
		want, _ := base64.StdEncoding.DecodeString(sign(body, fuzzSecret))
		valid := derr == nil && hmac.Equal(got, want)

		ev, err := c.ParseWebhook(h, body)
		if err != nil {
			if !reflect.DeepEqual(ev, platforms.WebhookEvent{}) {
				t.Fatalf("error %v with a non-empty event %+v", err, ev)
			}
			switch {
			case valid && !errors.Is(err, platforms.ErrInvalid):
				t.Fatalf("signed delivery refused without ErrInvalid: %v", err)
			case !valid && !errors.Is(err, platforms.ErrSignature):
				t.Fatalf("unsigned delivery refused without ErrSignature: %v", err)
			}
			return
		}
		if !valid {
			t.Fatalf("accepted without a valid signature (sig %q): %+v", sig, ev)
		}
		if !json.Valid(body) {
			t.Fatalf("topic %q accepted a body that is not JSON: %q", topic, body)
		}
		if ev.RawTopic != topic || ev.DeliveryID != webhookID || ev.ShopDomain != domain {
			t.Fatalf("event does not carry the delivery's headers: %+v", ev)
		}
		switch ev.Topic {
		case platforms.TopicOrderCreated, platforms.TopicOrderUpdated, platforms.TopicOrderPaid:
			if ev.Order == nil || ev.OrderID == "" || ev.OrderID != ev.Order.ID || !strings.HasPrefix(ev.OrderID, "gid://shopify/Order/") {
				t.Fatalf("order topic %q accepted without a usable order: %+v", topic, ev)
			}
		default:
			if ev.Order != nil || ev.OrderID != "" {
				t.Fatalf("topic %q carries an order: %+v", topic, ev)
			}
		}
	})
}
