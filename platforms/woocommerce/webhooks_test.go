package woocommerce

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/platformtest"
	"github.com/intcomex-connector/connector/platforms/woocommerce/wootest"
)

func TestParseRecordedDeliveries(t *testing.T) {
	c := newClient(t, "https://shop.example", nil, func(cfg *Config) { cfg.WebhookSecret = "fixture-secret" })
	for _, tc := range []struct {
		file, webhookID, delivery string
		topic                     platforms.Topic
		status                    platforms.OrderStatus
	}{
		{"38-webhook-delivery-ping.json", "3", "", platforms.TopicPing, ""},
		{"39-webhook-delivery-order-created.json", "3", "f04ecaf975250a81f0b463382c315a6d", platforms.TopicOrderCreated, platforms.OrderProcessing},
		{"40-webhook-delivery-order-updated-on-create.json", "4", "", platforms.TopicOrderUpdated, platforms.OrderProcessing},
		{"41-webhook-delivery-order-updated.json", "4", "31416cb959a1f0b9969fd371d9643c83", platforms.TopicOrderUpdated, platforms.OrderCompleted},
	} {
		t.Run(tc.file, func(t *testing.T) {
			h, body, _ := fixtureBody(t, tc.file)
			ev, err := c.ParseWebhook(h, body)
			if err != nil {
				t.Fatal(err)
			}
			if ev.Topic != tc.topic || ev.WebhookID != tc.webhookID || (tc.delivery != "" && ev.DeliveryID != tc.delivery) {
				t.Errorf("event %+v", ev)
			}
			if tc.topic == platforms.TopicPing {
				if ev.Order != nil || ev.OrderID != "" || ev.DeliveryID != "" {
					t.Errorf("ping carries %+v", ev)
				}
				return
			}
			if ev.OrderID != "31" || ev.Order == nil || ev.Order.Status != tc.status || !ev.Order.Paid || ev.ShopDomain != "http://127.0.0.1:8089/" || ev.OccurredAt.IsZero() {
				t.Errorf("event %+v order %+v", ev, ev.Order)
			}
			// The real store's delivery after the connector wrote its hidden meta carries it: the
			// intake reads it to recognise the connector's own update.
			if tc.status == platforms.OrderCompleted && ev.Order.Meta["_intcomex_order_number"] != "2000123" {
				t.Errorf("hidden _intcomex_order_number not read: %v", ev.Order.Meta)
			}
		})
	}
}

func TestParseWebhookRefuses(t *testing.T) {
	h, body, _ := fixtureBody(t, "39-webhook-delivery-order-created.json")
	ping, pingBody, _ := fixtureBody(t, "38-webhook-delivery-ping.json")
	good := newClient(t, "https://shop.example", nil, func(cfg *Config) { cfg.WebhookSecret = "fixture-secret" })
	other := newClient(t, "https://shop.example", nil, func(cfg *Config) { cfg.WebhookSecret = "another-secret" })
	none := newClient(t, "https://shop.example", nil, nil)
	with := func(base http.Header, k, v string) http.Header {
		out := base.Clone()
		if v == "" {
			out.Del(k)
		} else {
			out.Set(k, v)
		}
		return out
	}
	signedGarbage := with(h, "X-WC-Webhook-Signature", wootest.Sign([]byte("{not json"), "fixture-secret"))
	signedOther := with(with(h, "X-WC-Webhook-Topic", "product.updated"), "X-WC-Webhook-Signature", wootest.Sign([]byte("<html>"), "fixture-secret"))
	for _, tc := range []struct {
		name   string
		c      *Client
		header http.Header
		body   []byte
		want   error
	}{
		{"wrong secret", other, h, body, platforms.ErrSignature},
		{"no secret configured", none, h, body, platforms.ErrSignature},
		{"no signature", good, with(h, "X-WC-Webhook-Signature", ""), body, platforms.ErrSignature},
		{"signature not base64", good, with(h, "X-WC-Webhook-Signature", "%%%"), body, platforms.ErrSignature},
		{"body changed", good, h, append(slices.Clone(body[:len(body)-1]), ' '), platforms.ErrSignature},
		{"ping body with a signature", good, with(ping, "X-WC-Webhook-Signature", "x"), pingBody, platforms.ErrSignature},
		{"ping body with a topic", good, with(ping, "X-WC-Webhook-Topic", "order.updated"), pingBody, platforms.ErrSignature},
		{"ping body as JSON", good, with(ping, "Content-Type", "application/json"), pingBody, platforms.ErrSignature},
		{"ping with more fields", good, ping, []byte("webhook_id=3&x=1"), platforms.ErrSignature},
		{"ping without id", good, ping, []byte("webhook_id="), platforms.ErrSignature},
		{"signed garbage", good, signedGarbage, []byte("{not json"), platforms.ErrInvalid},
		{"signed non-JSON other topic", good, signedOther, []byte("<html>"), platforms.ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.c.ParseWebhook(tc.header, tc.body); !errors.Is(err, tc.want) {
				t.Errorf("err %v, want %v", err, tc.want)
			}
		})
	}
	ev, err := good.ParseWebhook(with(with(h, "X-WC-Webhook-Topic", "action.woocommerce_payment_complete"), "X-WC-Webhook-Signature", wootest.Sign([]byte(`{"action":"woocommerce_payment_complete","arg":31}`), "fixture-secret")), []byte(`{"action":"woocommerce_payment_complete","arg":31}`))
	if err != nil || ev.Topic != platforms.TopicOther || ev.RawTopic != "action.woocommerce_payment_complete" {
		t.Errorf("other topic: %+v, %v", ev, err)
	}
}

// intake collects deliveries like the connector's HTTP intake.
type intake struct {
	srv *httptest.Server
	mu  sync.Mutex
	got []struct {
		h http.Header
		b []byte
	}
}

func newIntake(t testing.TB) *intake {
	in := &intake{}
	in.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		in.mu.Lock()
		in.got = append(in.got, struct {
			h http.Header
			b []byte
		}{r.Header.Clone(), b})
		in.mu.Unlock()
	}))
	t.Cleanup(in.srv.Close)
	return in
}

func TestEnsureWebhooksRepairs(t *testing.T) {
	ctx := context.Background()
	s, c := startTLS(t, wootest.Config{}, withWebhookSecret)
	in := newIntake(t)
	target := platforms.WebhookTarget{URL: in.srv.URL + "/webhooks/woo/7"}
	// Two order.created webhooks (the paused one is a duplicate), a disabled order.updated, and
	// webhooks the connector does not own (another URL, another topic).
	var ids []int64
	for _, h := range []struct{ topic, url, status string }{
		{"order.created", target.URL, "paused"},
		{"order.created", target.URL, "active"},
		{"order.updated", target.URL, "disabled"},
		{"order.updated", in.srv.URL + "/other", "active"},
		{"product.updated", target.URL, "active"},
	} {
		w, err := c.createWebhook(ctx, h.topic, h.url, testWebhookSecret)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.putWebhook(ctx, w.ID, map[string]string{"status": h.status}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, w.ID)
	}
	s.ResetCounters()
	got, err := c.EnsureWebhooks(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	want := []platforms.WebhookState{
		{ID: strconv.FormatInt(ids[1], 10), Topic: "order.created", URL: target.URL, Active: true, Status: "active"},
		{ID: strconv.FormatInt(ids[2], 10), Topic: "order.updated", URL: target.URL, Active: true, Status: "active", Changed: "enabled"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("EnsureWebhooks = %+v\nwant %+v", got, want)
	}
	var left []int
	for _, w := range s.Webhooks() {
		left = append(left, w.ID)
	}
	if !slices.Equal(left, []int{int(ids[1]), int(ids[2]), int(ids[3]), int(ids[4])}) {
		t.Errorf("webhooks left %v: the paused duplicate %d should be gone, the others kept", left, ids[0])
	}
	if n := s.Count("DELETE", "/wp-json/wc/v3/webhooks/"+strconv.FormatInt(ids[0], 10)); n != 1 {
		t.Errorf("%d deletes of the duplicate", n)
	}
	checked, err := c.CheckWebhooks(ctx, target)
	if err != nil || !slices.Equal(checked, []platforms.WebhookState{{ID: want[0].ID, Topic: "order.created", URL: target.URL, Active: true, Status: "active"}, {ID: want[1].ID, Topic: "order.updated", URL: target.URL, Active: true, Status: "active"}}) {
		t.Errorf("CheckWebhooks = %+v, %v", checked, err)
	}
}

func TestEnsureWebhooksRefusesUnverifiableSecrets(t *testing.T) {
	ctx := context.Background()
	s, noSecret := startTLS(t, wootest.Config{}, nil)
	_, c := startTLS(t, wootest.Config{}, withWebhookSecret)
	for _, tc := range []struct {
		name   string
		c      *Client
		target platforms.WebhookTarget
	}{
		{"no secret at all", noSecret, platforms.WebhookTarget{URL: "https://connector.example/hook"}},
		{"target secret but none to verify with", noSecret, platforms.WebhookTarget{URL: "https://connector.example/hook", Secret: "abc"}},
		{"different secrets", c, platforms.WebhookTarget{URL: "https://connector.example/hook", Secret: "abc"}},
		{"relative URL", c, platforms.WebhookTarget{URL: "/hook"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.c.EnsureWebhooks(ctx, tc.target); !errors.Is(err, platforms.ErrInvalid) {
				t.Errorf("err %v, want ErrInvalid", err)
			}
		})
	}
	if n := len(s.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// A lost answer to the webhook POST must not leave two webhooks behind.
func TestCreateWebhookLostAnswerAdopts(t *testing.T) {
	s, c := startTLS(t, wootest.Config{}, withWebhookSecret)
	target := platforms.WebhookTarget{URL: newIntake(t).srv.URL + "/hook"}
	s.InjectFault(wootest.Fault{Method: "POST", Path: "/wp-json/wc/v3/webhooks", Status: 504, Applied: true})
	got, err := c.EnsureWebhooks(context.Background(), target)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || len(s.Webhooks()) != 2 || got[0].Changed != "created" {
		t.Errorf("states %+v, %d webhooks in the store", got, len(s.Webhooks()))
	}
	if n := s.Count("POST", "/wp-json/wc/v3/webhooks"); n != 2 {
		t.Errorf("%d POSTs, want 2 (one lost, one for the other topic)", n)
	}
}

func TestRotateWebhookSecret(t *testing.T) {
	ctx := context.Background()
	s, oldClient := startTLS(t, wootest.Config{}, withWebhookSecret)
	in := newIntake(t)
	target := platforms.WebhookTarget{URL: in.srv.URL + "/hook"}
	if _, err := oldClient.EnsureWebhooks(ctx, target); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, oldClient.cfg.BaseURL, oldClient.cfg.HTTPClient, func(cfg *Config) { cfg.WebhookSecret = "whsec_rotated" })
	states, err := c.RotateWebhookSecret(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	if len(states) != 2 || states[0].Changed != "updated" || states[1].Changed != "updated" {
		t.Errorf("states %+v", states)
	}
	s.WaitIdle()
	in.mu.Lock()
	in.got = nil
	in.mu.Unlock()
	placeOrder(t, s, true, platformtest.Line{SKU: "A", Quantity: 1, UnitPrice: "5.00"})
	s.WaitIdle()
	in.mu.Lock()
	defer in.mu.Unlock()
	if len(in.got) != 2 {
		t.Fatalf("%d deliveries", len(in.got))
	}
	for _, d := range in.got {
		if _, err := c.ParseWebhook(d.h, d.b); err != nil {
			t.Errorf("new secret: %v", err)
		}
		if _, err := oldClient.ParseWebhook(d.h, d.b); !errors.Is(err, platforms.ErrSignature) {
			t.Errorf("old secret: %v", err)
		}
	}
}

func TestWebhookSecretValidated(t *testing.T) {
	for _, bad := range []string{"a b", "a&b", "<x>", `q"`, "ñ"} {
		if _, err := New(Config{BaseURL: "https://s.example", ConsumerKey: "ck_x", ConsumerSecret: "cs_x", WebhookSecret: bad}); !errors.Is(err, platforms.ErrInvalid) {
			t.Errorf("WebhookSecret %q accepted", bad)
		}
	}
}
