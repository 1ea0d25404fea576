package woocommerce

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/intcomex-connector/connector/platforms"
)

var _ platforms.Webhooks = (*Client)(nil)

// WebhookTopics are the subscriptions EnsureWebhooks keeps. There is no order.paid topic in
// WooCommerce: a paid order shows up as order.created or order.updated with date_paid set.
var WebhookTopics = []string{"order.created", "order.updated"}

// WebhookName is the name EnsureWebhooks gives the subscription for topic; it only helps the
// merchant recognise it in WooCommerce > Settings > Advanced > Webhooks.
func WebhookName(topic string) string { return "Intcomex connector " + topic }

type wireWebhook struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Status      string `json:"status"`
	Topic       string `json:"topic"`
	DeliveryURL string `json:"delivery_url"`
}

func (w wireWebhook) state(changed string) platforms.WebhookState {
	return platforms.WebhookState{ID: strconv.FormatInt(w.ID, 10), Topic: w.Topic, URL: w.DeliveryURL,
		Active: w.Status == "active", Status: w.Status, Changed: changed}
}

// listWebhooks reads every webhook of every status, all pages.
func (c *Client) listWebhooks(ctx context.Context) ([]wireWebhook, error) {
	hooks, err := getPages[wireWebhook](ctx, c, "/webhooks", url.Values{"status": {"all"}})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(hooks, func(a, b wireWebhook) int { return int(min(max(a.ID-b.ID, -1), 1)) })
	return hooks, nil
}

// matching returns the webhooks for topic at target URL, the one to keep first: an active one
// if any, else the oldest.
func matching(hooks []wireWebhook, topic, target string) []wireWebhook {
	var out []wireWebhook
	for _, h := range hooks {
		if h.Topic == topic && h.DeliveryURL == target {
			out = append(out, h)
		}
	}
	slices.SortStableFunc(out, func(a, b wireWebhook) int {
		switch {
		case a.Status == "active" && b.Status != "active":
			return -1
		case a.Status != "active" && b.Status == "active":
			return 1
		}
		return 0
	})
	return out
}

// webhookSecret is the secret to register target with. Deliveries are verified with
// Config.WebhookSecret, so a different target secret would make every delivery fail.
func (c *Client) webhookSecret(target platforms.WebhookTarget) (string, error) {
	if target.URL == "" {
		return "", fmt.Errorf("woocommerce: webhooks: empty target URL: %w", platforms.ErrInvalid)
	}
	if u, err := url.Parse(target.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("woocommerce: webhooks: target URL must be an absolute http(s) URL: %w", platforms.ErrInvalid)
	}
	secret := target.Secret
	if secret == "" {
		secret = c.cfg.WebhookSecret
	}
	switch {
	case secret == "":
		// WooCommerce would default to a secret derived from the API user, unknown to us.
		return "", fmt.Errorf("woocommerce: webhooks: no secret (set Config.WebhookSecret): %w", platforms.ErrInvalid)
	case c.cfg.WebhookSecret == "":
		return "", fmt.Errorf("woocommerce: webhooks: Config.WebhookSecret is empty, deliveries could not be verified: %w", platforms.ErrInvalid)
	case !hmac.Equal([]byte(secret), []byte(c.cfg.WebhookSecret)):
		return "", fmt.Errorf("woocommerce: webhooks: target secret differs from Config.WebhookSecret: %w", platforms.ErrInvalid)
	}
	return secret, nil
}

// EnsureWebhooks implements platforms.Webhooks: for every topic of WebhookTopics it keeps one
// webhook at target.URL, creating it (with the secret) when missing, setting it active when
// WooCommerce disabled it after failed deliveries or a merchant paused it, and deleting
// duplicates. Re-enabling does not reset WooCommerce's hidden failure count: one more failed
// delivery disables it again (fixture 48), so the intake must answer 2xx.
//
// WooCommerce never returns a webhook's secret, so a subscription registered with another
// secret cannot be detected here; RotateWebhookSecret rewrites it.
func (c *Client) EnsureWebhooks(ctx context.Context, target platforms.WebhookTarget) ([]platforms.WebhookState, error) {
	secret, err := c.webhookSecret(target)
	if err != nil {
		return nil, err
	}
	hooks, err := c.listWebhooks(ctx)
	if err != nil {
		return nil, err
	}
	var out []platforms.WebhookState
	for _, topic := range WebhookTopics {
		found := matching(hooks, topic, target.URL)
		if len(found) == 0 {
			h, err := c.createWebhook(ctx, topic, target.URL, secret)
			if err != nil {
				return nil, err
			}
			out = append(out, h.state("created"))
			continue
		}
		keep := found[0]
		for _, extra := range found[1:] {
			if err := c.deleteWebhook(ctx, extra.ID); err != nil {
				return nil, err
			}
			c.log.InfoContext(ctx, "woocommerce: deleted duplicate webhook", "webhook", extra.ID, "topic", topic)
		}
		if keep.Status == "active" {
			out = append(out, keep.state(""))
			continue
		}
		h, err := c.putWebhook(ctx, keep.ID, map[string]string{"status": "active"})
		if err != nil {
			return nil, err
		}
		c.log.InfoContext(ctx, "woocommerce: re-enabled webhook", "webhook", keep.ID, "topic", topic, "was", keep.Status)
		out = append(out, h.state("enabled"))
	}
	return out, nil
}

// CheckWebhooks implements platforms.Webhooks: the webhooks at target.URL for WebhookTopics
// (duplicates included, a missing topic absent), without writing anything.
func (c *Client) CheckWebhooks(ctx context.Context, target platforms.WebhookTarget) ([]platforms.WebhookState, error) {
	hooks, err := c.listWebhooks(ctx)
	if err != nil {
		return nil, err
	}
	var out []platforms.WebhookState
	for _, topic := range WebhookTopics {
		for _, h := range matching(hooks, topic, target.URL) {
			out = append(out, h.state(""))
		}
	}
	return out, nil
}

// RotateWebhookSecret ensures the webhooks at target and then writes the secret onto each one
// (Changed "updated" unless just created). It is the repair for a secret that changed on our
// side, which EnsureWebhooks cannot see. Deliveries queued before the PUT are signed with the
// old secret and will fail verification; the reconciliation sweep covers them.
func (c *Client) RotateWebhookSecret(ctx context.Context, target platforms.WebhookTarget) ([]platforms.WebhookState, error) {
	secret, err := c.webhookSecret(target)
	if err != nil {
		return nil, err
	}
	states, err := c.EnsureWebhooks(ctx, target)
	if err != nil {
		return nil, err
	}
	for i, st := range states {
		if st.Changed == "created" {
			continue
		}
		id, _ := strconv.ParseInt(st.ID, 10, 64)
		h, err := c.putWebhook(ctx, id, map[string]string{"secret": secret})
		if err != nil {
			return nil, err
		}
		states[i] = h.state("updated")
	}
	return states, nil
}

// createWebhook POSTs a webhook. The POST is not idempotent: after a lost answer the webhooks
// are listed again and one now at target for topic is adopted instead of creating a second.
func (c *Client) createWebhook(ctx context.Context, topic, target, secret string) (wireWebhook, error) {
	body := map[string]string{"name": WebhookName(topic), "topic": topic, "delivery_url": target, "secret": secret, "status": "active"}
	var adopted wireWebhook
	resp, err := c.do(ctx, call{method: http.MethodPost, path: "/webhooks",
		body: func() ([]byte, error) { return json.Marshal(body) },
		recover: func(ctx context.Context) error {
			hooks, err := c.listWebhooks(ctx)
			if err != nil {
				return err
			}
			if found := matching(hooks, topic, target); len(found) > 0 {
				adopted = found[0]
				return errApplied
			}
			return nil
		}})
	if errors.Is(err, errApplied) {
		return adopted, nil
	}
	if err != nil {
		return wireWebhook{}, err
	}
	return decodeWebhook(resp.body)
}

// putWebhook updates fields of a webhook; setting the same values again is harmless.
func (c *Client) putWebhook(ctx context.Context, id int64, fields map[string]string) (wireWebhook, error) {
	resp, err := c.do(ctx, call{method: http.MethodPut, path: "/webhooks/" + strconv.FormatInt(id, 10), idempotent: true,
		body: func() ([]byte, error) { return json.Marshal(fields) }})
	if err != nil {
		return wireWebhook{}, err
	}
	return decodeWebhook(resp.body)
}

// deleteWebhook deletes for good (webhooks cannot be trashed: 501 without force); a webhook
// already gone counts as deleted, which makes a retry after a lost answer safe.
func (c *Client) deleteWebhook(ctx context.Context, id int64) error {
	_, err := c.do(ctx, call{method: http.MethodDelete, path: "/webhooks/" + strconv.FormatInt(id, 10),
		query: url.Values{"force": {"true"}}, idempotent: true})
	if errors.Is(err, platforms.ErrNotFound) {
		return nil
	}
	return err
}

func decodeWebhook(body []byte) (wireWebhook, error) {
	var h wireWebhook
	if err := json.Unmarshal(body, &h); err != nil {
		return wireWebhook{}, fmt.Errorf("woocommerce: webhook: decode: %w", err)
	}
	return h, nil
}

// ParseWebhook implements platforms.Webhooks.
//
// WooCommerce's ping, sent when a webhook is created or set active, is the unsigned form body
// webhook_id=N without any X-WC-Webhook-* header; exactly that shape is accepted as TopicPing,
// and nothing in it is trusted (anyone can send it). Everything else must carry
// X-WC-Webhook-Signature = base64(HMAC-SHA256(body, Config.WebhookSecret)).
func (c *Client) ParseWebhook(header http.Header, body []byte) (platforms.WebhookEvent, error) {
	if id, ok := pingWebhookID(header, body); ok {
		return platforms.WebhookEvent{Topic: platforms.TopicPing, RawTopic: "ping", WebhookID: id}, nil
	}
	if err := verifyWebhook(header, body, c.cfg.WebhookSecret); err != nil {
		return platforms.WebhookEvent{}, err
	}
	raw := header.Get("X-WC-Webhook-Topic")
	ev := platforms.WebhookEvent{Topic: platforms.TopicOther, RawTopic: raw,
		DeliveryID: header.Get("X-WC-Webhook-Delivery-ID"), WebhookID: header.Get("X-WC-Webhook-ID"),
		ShopDomain: header.Get("X-WC-Webhook-Source")}
	switch raw {
	case "order.created":
		ev.Topic = platforms.TopicOrderCreated
	case "order.updated":
		ev.Topic = platforms.TopicOrderUpdated
	default:
		if !json.Valid(body) {
			return platforms.WebhookEvent{}, fmt.Errorf("woocommerce: webhook %q: body is not JSON: %w", raw, platforms.ErrInvalid)
		}
		return ev, nil
	}
	o, err := decodeOrder(body)
	if err != nil {
		return platforms.WebhookEvent{}, fmt.Errorf("woocommerce: webhook %s: %w", raw, err)
	}
	ev.OrderID, ev.Order, ev.OccurredAt = o.ID, &o, o.UpdatedAt
	return ev, nil
}

// pingWebhookID recognises WooCommerce's ping (fixture 38).
func pingWebhookID(header http.Header, body []byte) (string, bool) {
	if header.Get("X-WC-Webhook-Signature") != "" || header.Get("X-WC-Webhook-Topic") != "" {
		return "", false
	}
	mt, _, err := mime.ParseMediaType(header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		return "", false
	}
	id, ok := strings.CutPrefix(string(body), "webhook_id=")
	if !ok || id == "" || len(id) > 19 || strings.Trim(id, "0123456789") != "" {
		return "", false
	}
	return id, true
}

// verifyWebhook checks the signature in constant time. WooCommerce signs with the secret after
// wp_specialchars_decode; Config validation keeps secrets free of the characters that changes.
func verifyWebhook(header http.Header, body []byte, secret string) error {
	got := header.Get("X-WC-Webhook-Signature")
	if secret == "" {
		return fmt.Errorf("woocommerce: webhook: no secret configured: %w", platforms.ErrSignature)
	}
	if got == "" {
		return fmt.Errorf("woocommerce: webhook: no X-WC-Webhook-Signature: %w", platforms.ErrSignature)
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(got), []byte(want)) {
		return fmt.Errorf("woocommerce: webhook: %w", platforms.ErrSignature)
	}
	return nil
}
