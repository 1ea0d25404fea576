package shopifytest

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// Subscription is a webhook subscription.
type Subscription struct {
	ID, Topic, URI, Format string
	CreatedAt              time.Time
}

func (w *Subscription) obj() obj {
	return obj{"__typename": "WebhookSubscription", "id": w.ID, "topic": w.Topic, "uri": w.URI, "callbackUrl": w.URI,
		"format": w.Format, "createdAt": w.CreatedAt.Format(time.RFC3339), "updatedAt": w.CreatedAt.Format(time.RFC3339),
		"includeFields": []string{}, "metafieldNamespaces": []string{},
		"apiVersion": obj{"handle": "", "displayName": "", "supported": true}}
}

// Delivery records one webhook delivery attempt.
type Delivery struct {
	Topic, URI, WebhookID, EventID string
	Body                           []byte
	Header                         http.Header
	Status                         int // 0 when the request failed
	Err                            string
}

type delivery struct {
	uri  string
	req  Delivery
	body []byte
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Sign is the X-Shopify-Hmac-Sha256 value for body: base64 HMAC-SHA256 keyed
// with the client secret.
func (s *Server) Sign(body []byte) string {
	m := hmac.New(sha256.New, []byte(s.cfg.ClientSecret))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// hooksFor prepares deliveries of topic to its subscribers; callers hold mu.
// Deliveries of one event share X-Shopify-Event-Id.
func (s *Server) hooksFor(topic string, payload any) []delivery {
	body, _ := json.Marshal(payload)
	event := randomHex(16)
	var out []delivery
	for _, w := range s.st.webhooks {
		if w.Topic != topic {
			continue
		}
		h := http.Header{}
		h.Set("Content-Type", "application/json")
		h.Set("X-Shopify-Topic", strings.ToLower(strings.Replace(topic, "_", "/", 1)))
		h.Set("X-Shopify-Hmac-Sha256", s.Sign(body))
		h.Set("X-Shopify-Shop-Domain", s.cfg.Shop)
		h.Set("X-Shopify-API-Version", s.cfg.APIVersion)
		wid := randomHex(16)
		h.Set("X-Shopify-Webhook-Id", wid)
		h.Set("X-Shopify-Event-Id", event)
		h.Set("X-Shopify-Triggered-At", s.now().Format(time.RFC3339Nano))
		out = append(out, delivery{uri: w.URI, body: body, req: Delivery{Topic: topic, URI: w.URI, WebhookID: wid, EventID: event, Body: body, Header: h}})
	}
	return out
}

// deliver posts synchronously, one attempt each (Shopify would retry 8
// times over 4 hours; use Redeliver to simulate a retry or a duplicate).
func (s *Server) deliver(ds []delivery) {
	for _, d := range ds {
		rec := d.req
		req, err := http.NewRequest(http.MethodPost, d.uri, bytes.NewReader(d.body))
		if err == nil {
			req.Header = d.req.Header.Clone()
			var resp *http.Response
			resp, err = s.cfg.WebhookClient.Do(req)
			if err == nil {
				rec.Status = resp.StatusCode
				resp.Body.Close()
			}
		}
		if err != nil {
			rec.Err = err.Error()
		}
		s.mu.Lock()
		s.st.delivered = append(s.st.delivered, rec)
		s.mu.Unlock()
	}
}

func (s *Server) deliverAsync(ds []delivery) {
	if len(ds) == 0 {
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.deliver(ds)
	}()
}

// Deliveries returns the webhook delivery attempts so far.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.st.delivered...)
}

// Redeliver sends an earlier delivery again with the same body and headers
// (same X-Shopify-Webhook-Id), as Shopify's retries and duplicates do.
func (s *Server) Redeliver(webhookID string) bool {
	s.mu.Lock()
	var d *delivery
	for _, x := range s.st.delivered {
		if x.WebhookID == webhookID {
			d = &delivery{uri: x.URI, body: x.Body, req: Delivery{Topic: x.Topic, URI: x.URI, WebhookID: x.WebhookID, EventID: x.EventID, Body: x.Body, Header: x.Header}}
			break
		}
	}
	s.mu.Unlock()
	if d == nil {
		return false
	}
	s.deliver([]delivery{*d})
	return true
}

// Uninstall removes the app: APP_UNINSTALLED is delivered and every token
// is revoked (later calls answer 401).
func (s *Server) Uninstall() {
	s.mu.Lock()
	hooks := s.hooksFor("APP_UNINSTALLED", map[string]any{"id": 1, "name": s.cfg.Shop, "myshopify_domain": s.cfg.Shop, "domain": s.cfg.Shop})
	s.tokens = map[string]tokenInfo{}
	s.refresh = map[string]tokenInfo{}
	s.st.webhooks = nil
	s.mu.Unlock()
	s.deliver(hooks)
}

func (s *Server) webhookSubscriptionCreate(args map[string]any) obj {
	in, _ := args["webhookSubscription"].(map[string]any)
	uri := str(in["uri"])
	if uri == "" {
		uri = str(in["callbackUrl"])
	}
	topic := str(args["topic"])
	fail := func(msg string) obj {
		return obj{"webhookSubscription": nil, "userErrors": []obj{userErr([]string{"webhookSubscription", "callbackUrl"}, msg, "")}}
	}
	if !strings.HasPrefix(uri, "https://") && !strings.HasPrefix(uri, "http://") {
		return fail("Address is invalid")
	}
	for _, w := range s.st.webhooks {
		if w.Topic == topic && w.URI == uri {
			return fail("Address for this topic has already been taken")
		}
	}
	format := str(in["format"])
	if format == "" {
		format = "JSON"
	}
	w := &Subscription{ID: s.gid("WebhookSubscription"), Topic: topic, URI: uri, Format: format, CreatedAt: s.now()}
	s.st.webhooks = append(s.st.webhooks, w)
	o := w.obj()
	o["apiVersion"] = obj{"handle": s.cfg.APIVersion, "displayName": s.cfg.APIVersion, "supported": true}
	return obj{"webhookSubscription": o, "userErrors": []obj{}}
}

// webhookSubscriptionUpdate changes a subscription's address or format.
func (s *Server) webhookSubscriptionUpdate(args map[string]any) obj {
	in, _ := args["webhookSubscription"].(map[string]any)
	var w *Subscription
	for _, x := range s.st.webhooks {
		if x.ID == str(args["id"]) {
			w = x
		}
	}
	if w == nil {
		return obj{"webhookSubscription": nil, "userErrors": []obj{userErr([]string{"id"}, "Webhook subscription does not exist", "")}}
	}
	uri := str(in["uri"])
	if uri == "" {
		uri = str(in["callbackUrl"])
	}
	if uri != "" {
		if !strings.HasPrefix(uri, "https://") && !strings.HasPrefix(uri, "http://") {
			return obj{"webhookSubscription": nil, "userErrors": []obj{userErr([]string{"webhookSubscription", "uri"}, "Address is invalid", "")}}
		}
		for _, x := range s.st.webhooks {
			if x != w && x.Topic == w.Topic && x.URI == uri {
				return obj{"webhookSubscription": nil, "userErrors": []obj{userErr([]string{"webhookSubscription", "uri"}, "Address for this topic has already been taken", "")}}
			}
		}
		w.URI = uri
	}
	if f := str(in["format"]); f != "" {
		w.Format = f
	}
	o := w.obj()
	o["apiVersion"] = obj{"handle": s.cfg.APIVersion, "displayName": s.cfg.APIVersion, "supported": true}
	return obj{"webhookSubscription": o, "userErrors": []obj{}}
}

// DeleteWebhook removes a subscription, as Shopify does after repeated
// failed deliveries to a subscription made through the Admin API.
func (s *Server) DeleteWebhook(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, w := range s.st.webhooks {
		if w.ID == id {
			s.st.webhooks = append(s.st.webhooks[:i], s.st.webhooks[i+1:]...)
			return true
		}
	}
	return false
}

// Webhooks returns copies of the subscriptions.
func (s *Server) Webhooks() []Subscription {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Subscription, 0, len(s.st.webhooks))
	for _, w := range s.st.webhooks {
		out = append(out, *w)
	}
	return out
}
