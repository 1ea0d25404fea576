package woocommerce

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/woocommerce/wootest"
)

const fuzzSecret = "fixture-secret" // the secret the recorded deliveries are signed with

// Signing modes of FuzzParseWebhook: keep the fuzzed signature, sign the body with the shop's
// secret, or sign it with another secret.
const (
	fuzzSigAsIs uint8 = iota
	fuzzSigRight
	fuzzSigWrong
)

// fuzzDelivery is one seed: the headers ParseWebhook reads and the raw body.
type fuzzDelivery struct {
	body                                   []byte
	sig, topic, contentType, delivery, src string
}

func deliveryOf(h http.Header, body []byte) fuzzDelivery {
	return fuzzDelivery{body: body, sig: h.Get("X-WC-Webhook-Signature"), topic: h.Get("X-WC-Webhook-Topic"),
		contentType: h.Get("Content-Type"), delivery: h.Get("X-WC-Webhook-Delivery-ID"), src: h.Get("X-WC-Webhook-Source")}
}

// fakeDeliveries are what the fake store sends for a paid checkout and a status change, signed
// with fuzzSecret: the pings, order.created and order.updated.
func fakeDeliveries(t testing.TB) []fuzzDelivery {
	t.Helper()
	s, c := startTLS(t, wootest.Config{Delivery: wootest.DeliverSync}, func(cfg *Config) { cfg.WebhookSecret = fuzzSecret })
	in := newIntake(t)
	ctx := context.Background()
	if _, err := c.EnsureWebhooks(ctx, platforms.WebhookTarget{URL: in.srv.URL + "/webhooks/woo/1"}); err != nil {
		t.Fatal(err)
	}
	o, err := s.PlaceOrder(wootest.Checkout{Paid: true, ShippingMethod: "Flat rate", ShippingTotal: "5.00",
		Lines: []wootest.CheckoutLine{{SKU: "IWS-1", Quantity: 2, UnitPrice: "10.50"}, {SKU: "OTHER", UnitPrice: "1.00"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetOrderStatus(ctx, strconv.Itoa(o.ID), platforms.OrderCompleted); err != nil {
		t.Fatal(err)
	}
	var out []fuzzDelivery
	for _, d := range s.Deliveries() {
		out = append(out, deliveryOf(d.Header, d.Body))
	}
	if len(out) < 4 {
		t.Fatalf("the fake sent %d deliveries, want pings and order deliveries", len(out))
	}
	return out
}

// FuzzParseWebhook throws headers and bodies at ParseWebhook. Whatever comes in: no panic; an
// error leaves the event empty and says which kind of failure it is (ErrSignature or
// ErrInvalid); nothing but WooCommerce's ping is accepted without a valid signature, and the
// ping carries nothing to act on; a validly signed body that is not what its topic says is an
// ErrInvalid error, never an empty event passed as good.
//
//	go test -run='^$' -fuzz=FuzzParseWebhook -fuzztime=1m ./platforms/woocommerce
func FuzzParseWebhook(f *testing.F) {
	for _, name := range []string{"38-webhook-delivery-ping.json", "39-webhook-delivery-order-created.json",
		"40-webhook-delivery-order-updated-on-create.json", "41-webhook-delivery-order-updated.json"} {
		h, body, _ := fixtureBody(f, name)
		d := deliveryOf(h, body)
		f.Add(d.body, d.sig, d.topic, d.contentType, d.delivery, d.src, fuzzSigAsIs)
	}
	for _, d := range fakeDeliveries(f) {
		f.Add(d.body, d.sig, d.topic, d.contentType, d.delivery, d.src, fuzzSigAsIs)
	}
	for _, b := range []string{`{not json`, `{}`, `null`, `[]`, `{"id":"31"}`, `{"id":-1}`, `{"id":1,"line_items":[{"quantity":1e400}]}`,
		`{"id":1,"date_paid_gmt":"yesterday"}`, `{"id":1,"total":{}}`, `<html>`, "webhook_id=3"} {
		f.Add([]byte(b), "", "order.created", "application/json", "d1", "https://shop.example/", fuzzSigRight)
		f.Add([]byte(b), "", "product.updated", "application/json", "d1", "https://shop.example/", fuzzSigRight)
	}
	f.Add([]byte("webhook_id=3"), "", "", "application/x-www-form-urlencoded; charset=UTF-8", "", "", fuzzSigWrong)

	c := newClient(f, "https://shop.example", nil, func(cfg *Config) { cfg.WebhookSecret = fuzzSecret })
	f.Fuzz(func(t *testing.T, body []byte, sig, topic, contentType, delivery, src string, mode uint8) {
		hdr := http.Header{}
		for k, v := range map[string]string{"Content-Type": contentType, "X-WC-Webhook-Topic": topic,
			"X-WC-Webhook-Delivery-ID": delivery, "X-WC-Webhook-Source": src, "X-WC-Webhook-ID": "7"} {
			if v != "" {
				hdr.Set(k, v)
			}
		}
		switch mode % 3 {
		case fuzzSigRight:
			sig = wootest.Sign(body, fuzzSecret)
		case fuzzSigWrong:
			sig = wootest.Sign(body, "another-secret")
		}
		if sig != "" {
			hdr.Set("X-WC-Webhook-Signature", sig)
		}
		signed := sig == wootest.Sign(body, fuzzSecret)

		ev, err := c.ParseWebhook(hdr, body)
		if err != nil {
			if !reflect.DeepEqual(ev, platforms.WebhookEvent{}) {
				t.Fatalf("error %v with a non-empty event %+v", err, ev)
			}
			switch {
			case signed && !errors.Is(err, platforms.ErrInvalid):
				t.Fatalf("signed delivery refused without ErrInvalid: %v", err)
			case !signed && !errors.Is(err, platforms.ErrSignature):
				t.Fatalf("unsigned delivery refused without ErrSignature: %v", err)
			}
			return
		}
		if ev.Topic == platforms.TopicPing {
			if sig != "" || topic != "" || ev.Order != nil || ev.OrderID != "" || ev.DeliveryID != "" || ev.ShopDomain != "" ||
				ev.WebhookID == "" || strings.Trim(ev.WebhookID, "0123456789") != "" {
				t.Fatalf("ping accepted from sig %q topic %q: %+v", sig, topic, ev)
			}
			return
		}
		if !signed {
			t.Fatalf("accepted without a valid signature (sig %q): %+v", sig, ev)
		}
		if ev.RawTopic != topic || ev.DeliveryID != hdr.Get("X-WC-Webhook-Delivery-ID") || ev.ShopDomain != hdr.Get("X-WC-Webhook-Source") {
			t.Fatalf("event does not carry the delivery's headers: %+v", ev)
		}
		switch ev.Topic {
		case platforms.TopicOrderCreated, platforms.TopicOrderUpdated:
			if ev.Order == nil || ev.OrderID == "" || ev.OrderID != ev.Order.ID || strings.Trim(ev.OrderID, "0123456789") != "" {
				t.Fatalf("order topic %q accepted without a usable order: %+v", topic, ev)
			}
		case platforms.TopicOther:
			if ev.Order != nil || ev.OrderID != "" {
				t.Fatalf("topic %q carries an order: %+v", topic, ev)
			}
		default:
			t.Fatalf("topic %q mapped to %q", topic, ev.Topic)
		}
	})
}
