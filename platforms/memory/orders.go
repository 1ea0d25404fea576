package memory

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/intcomex-connector/connector/platforms"
)

// The memory storefront's webhook headers. Deliveries are signed like WooCommerce's but with a
// hex digest, so nothing mistakes one platform's delivery for another's.
const (
	HeaderTopic     = "X-Memory-Topic"
	HeaderDelivery  = "X-Memory-Delivery-Id"
	HeaderSignature = "X-Memory-Signature"
)

// webhookTopics are the subscriptions EnsureWebhooks keeps.
var webhookTopics = []platforms.Topic{platforms.TopicOrderCreated, platforms.TopicOrderPaid}

type subscription struct {
	id     string
	topic  platforms.Topic
	url    string
	secret string
	active bool
}

// orderBook is the order half of the memory storefront. It has its own lock: deliveries are
// sent without holding the catalog's.
type orderBook struct {
	mu       sync.Mutex
	nextID   int
	orders   map[string]*orderRecord
	hooks    []*subscription
	inflight sync.WaitGroup
	client   *http.Client
}

type orderRecord struct {
	order      platforms.Order
	notes      []string
	fulfilment []platforms.Fulfillment
}

func (s *Storefront) book() *orderBook {
	s.ordersOnce.Do(func() {
		s.orders = &orderBook{orders: map[string]*orderRecord{}, client: &http.Client{Timeout: 10 * time.Second}}
	})
	return s.orders
}

// NewOrderLine is a line of CreateOrder.
type NewOrderLine struct {
	SKU       string
	Quantity  int
	UnitPrice string
}

// CreateOrder adds an order as a customer checkout would, paid or awaiting payment, and
// delivers order.created (and order.paid when paid) to the registered webhooks in the
// background (Flush waits for them). It returns the order id.
func (s *Storefront) CreateOrder(paid bool, currency string, lines []NewOrderLine) string {
	b := s.book()
	b.mu.Lock()
	b.nextID++
	id := strconv.Itoa(1000 + b.nextID)
	now := time.Now().UTC()
	o := platforms.Order{
		ID: id, Number: "#" + id, Status: platforms.OrderPending, PlatformStatus: "pending",
		CreatedAt: now, UpdatedAt: now, Currency: currency, Total: "0",
	}
	if paid {
		o.Paid, o.PaidAt, o.Status, o.PlatformStatus = true, now, platforms.OrderProcessing, "processing"
	}
	for i, l := range lines {
		o.Lines = append(o.Lines, platforms.OrderLine{ID: id + "-" + strconv.Itoa(i+1), SKU: l.SKU, Name: l.SKU, Quantity: l.Quantity, UnitPrice: l.UnitPrice})
	}
	b.orders[id] = &orderRecord{order: o}
	topics := []platforms.Topic{platforms.TopicOrderCreated}
	if paid {
		topics = append(topics, platforms.TopicOrderPaid)
	}
	b.enqueueLocked(o, topics...)
	b.mu.Unlock()
	return id
}

// Notes returns the notes of an order, oldest first.
func (s *Storefront) Notes(id string) []string {
	b := s.book()
	b.mu.Lock()
	defer b.mu.Unlock()
	if r, ok := b.orders[id]; ok {
		return slices.Clone(r.notes)
	}
	return nil
}

// Fulfillments returns the fulfillments recorded on an order.
func (s *Storefront) Fulfillments(id string) []platforms.Fulfillment {
	b := s.book()
	b.mu.Lock()
	defer b.mu.Unlock()
	if r, ok := b.orders[id]; ok {
		return slices.Clone(r.fulfilment)
	}
	return nil
}

// Flush waits until every webhook delivery started so far has been answered.
func (s *Storefront) Flush() { s.book().inflight.Wait() }

// DisableWebhook marks a subscription inactive, as a platform does after failed deliveries.
func (s *Storefront) DisableWebhook(id string) {
	b := s.book()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, h := range b.hooks {
		if h.id == id {
			h.active = false
		}
	}
}

func (b *orderBook) get(id string) (*orderRecord, error) {
	r, ok := b.orders[id]
	if !ok {
		return nil, fmt.Errorf("memory: order %q: %w", id, platforms.ErrNotFound)
	}
	return r, nil
}

func cloneOrder(o platforms.Order) platforms.Order {
	o.Lines = slices.Clone(o.Lines)
	o.Meta = maps.Clone(o.Meta)
	return o
}

// GetOrder implements platforms.Orders.
func (s *Storefront) GetOrder(ctx context.Context, id string) (platforms.Order, error) {
	if err := s.beginLocked(ctx, "GetOrder", []string{id}); err != nil {
		return platforms.Order{}, err
	}
	b := s.book()
	b.mu.Lock()
	defer b.mu.Unlock()
	r, err := b.get(id)
	if err != nil {
		return platforms.Order{}, err
	}
	return cloneOrder(r.order), nil
}

// ListPaidOrders implements platforms.Orders.
func (s *Storefront) ListPaidOrders(ctx context.Context, since time.Time) ([]platforms.Order, error) {
	if err := s.beginLocked(ctx, "ListPaidOrders", nil); err != nil {
		return nil, err
	}
	b := s.book()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []platforms.Order
	for _, r := range b.orders {
		if r.order.Paid && !r.order.UpdatedAt.Before(since) {
			out = append(out, cloneOrder(r.order))
		}
	}
	slices.SortFunc(out, func(a, b platforms.Order) int {
		if c := a.UpdatedAt.Compare(b.UpdatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// update runs fn on the order under the book's lock and stamps UpdatedAt.
func (s *Storefront) update(ctx context.Context, method, id string, fn func(*orderRecord) error) error {
	if err := s.beginLocked(ctx, method, []string{id}); err != nil {
		return err
	}
	b := s.book()
	b.mu.Lock()
	defer b.mu.Unlock()
	r, err := b.get(id)
	if err != nil {
		return err
	}
	if err := fn(r); err != nil {
		return err
	}
	r.order.UpdatedAt = time.Now().UTC()
	return nil
}

// AddOrderNote implements platforms.Orders.
func (s *Storefront) AddOrderNote(ctx context.Context, id, note string, customer bool) error {
	return s.update(ctx, "AddOrderNote", id, func(r *orderRecord) error {
		if customer {
			note = "[customer] " + note
		}
		r.notes = append(r.notes, note)
		return nil
	})
}

// SetOrderMeta implements platforms.Orders.
func (s *Storefront) SetOrderMeta(ctx context.Context, id string, meta map[string]string) error {
	return s.update(ctx, "SetOrderMeta", id, func(r *orderRecord) error {
		if r.order.Meta == nil {
			r.order.Meta = map[string]string{}
		}
		maps.Copy(r.order.Meta, meta)
		return nil
	})
}

// SetOrderStatus implements platforms.Orders.
func (s *Storefront) SetOrderStatus(ctx context.Context, id string, status platforms.OrderStatus) error {
	switch status {
	case platforms.OrderOnHold, platforms.OrderProcessing, platforms.OrderCompleted, platforms.OrderCancelled:
	default:
		return fmt.Errorf("memory: order status %q: %w", status, platforms.ErrInvalid)
	}
	return s.update(ctx, "SetOrderStatus", id, func(r *orderRecord) error {
		r.order.Status, r.order.PlatformStatus = status, string(status)
		return nil
	})
}

// FulfillOrder implements platforms.Orders.
func (s *Storefront) FulfillOrder(ctx context.Context, id string, f platforms.Fulfillment) error {
	return s.update(ctx, "FulfillOrder", id, func(r *orderRecord) error {
		if !slices.ContainsFunc(r.fulfilment, func(x platforms.Fulfillment) bool { return x.TrackingNumber == f.TrackingNumber }) {
			r.fulfilment = append(r.fulfilment, f)
		}
		if !f.KeepStatus {
			r.order.Status, r.order.PlatformStatus = platforms.OrderCompleted, string(platforms.OrderCompleted)
		}
		return nil
	})
}

func (h *subscription) state(changed string) platforms.WebhookState {
	status := "active"
	if !h.active {
		status = "disabled"
	}
	return platforms.WebhookState{ID: h.id, Topic: string(h.topic), URL: h.url, Active: h.active, Status: status, Changed: changed}
}

// EnsureWebhooks implements platforms.Webhooks.
func (s *Storefront) EnsureWebhooks(ctx context.Context, target platforms.WebhookTarget) ([]platforms.WebhookState, error) {
	return s.webhooks(ctx, "EnsureWebhooks", target, true)
}

// CheckWebhooks implements platforms.Webhooks.
func (s *Storefront) CheckWebhooks(ctx context.Context, target platforms.WebhookTarget) ([]platforms.WebhookState, error) {
	return s.webhooks(ctx, "CheckWebhooks", target, false)
}

func (s *Storefront) webhooks(ctx context.Context, method string, target platforms.WebhookTarget, repair bool) ([]platforms.WebhookState, error) {
	if err := s.beginLocked(ctx, method, []string{target.URL}); err != nil {
		return nil, err
	}
	if repair && target.Secret == "" {
		return nil, fmt.Errorf("memory: webhooks need a secret: %w", platforms.ErrInvalid)
	}
	b := s.book()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []platforms.WebhookState
	for _, topic := range webhookTopics {
		i := slices.IndexFunc(b.hooks, func(h *subscription) bool { return h.topic == topic && h.url == target.URL })
		switch {
		case i < 0 && repair:
			b.nextID++
			h := &subscription{id: "wh" + strconv.Itoa(b.nextID), topic: topic, url: target.URL, secret: target.Secret, active: true}
			b.hooks = append(b.hooks, h)
			out = append(out, h.state("created"))
		case i < 0:
		case repair && !b.hooks[i].active:
			b.hooks[i].active, b.hooks[i].secret = true, target.Secret
			out = append(out, b.hooks[i].state("enabled"))
		case repair && b.hooks[i].secret != target.Secret:
			b.hooks[i].secret = target.Secret
			out = append(out, b.hooks[i].state("updated"))
		default:
			out = append(out, b.hooks[i].state(""))
		}
	}
	return out, nil
}

// webhookBody is what a memory delivery carries.
type webhookBody struct {
	Topic platforms.Topic `json:"topic"`
	Order platforms.Order `json:"order"`
}

func (b *orderBook) enqueueLocked(o platforms.Order, topics ...platforms.Topic) {
	for _, topic := range topics {
		body, err := json.Marshal(webhookBody{Topic: topic, Order: cloneOrder(o)})
		if err != nil {
			panic(err) // platforms.Order always marshals
		}
		for _, h := range b.hooks {
			if h.topic != topic || !h.active {
				continue
			}
			req, err := http.NewRequest(http.MethodPost, h.url, bytes.NewReader(body))
			if err != nil {
				continue
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set(HeaderTopic, string(topic))
			req.Header.Set(HeaderDelivery, rand.Text())
			req.Header.Set(HeaderSignature, Sign(body, h.secret))
			b.inflight.Go(func() {
				if resp, err := b.client.Do(req); err == nil {
					resp.Body.Close()
				}
			})
		}
	}
}

// Sign returns the memory storefront's signature of a webhook body: hex HMAC-SHA256.
func Sign(body []byte, secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// ParseWebhook implements platforms.Webhooks with the secret of the subscription the delivery
// claims to come from; a memory storefront verifies its own deliveries.
func (s *Storefront) ParseWebhook(header http.Header, body []byte) (platforms.WebhookEvent, error) {
	got, err := hex.DecodeString(header.Get(HeaderSignature))
	if err != nil || len(got) == 0 {
		return platforms.WebhookEvent{}, fmt.Errorf("memory: webhook: %w", platforms.ErrSignature)
	}
	b := s.book()
	b.mu.Lock()
	secrets := make([]string, 0, len(b.hooks))
	for _, h := range b.hooks {
		secrets = append(secrets, h.secret)
	}
	b.mu.Unlock()
	if !slices.ContainsFunc(secrets, func(secret string) bool {
		want, _ := hex.DecodeString(Sign(body, secret))
		return hmac.Equal(got, want)
	}) {
		return platforms.WebhookEvent{}, fmt.Errorf("memory: webhook: %w", platforms.ErrSignature)
	}
	var wb webhookBody
	if err := json.Unmarshal(body, &wb); err != nil {
		return platforms.WebhookEvent{}, fmt.Errorf("memory: webhook body: %w: %v", platforms.ErrInvalid, err)
	}
	o := wb.Order
	return platforms.WebhookEvent{
		Topic: wb.Topic, RawTopic: header.Get(HeaderTopic), DeliveryID: header.Get(HeaderDelivery),
		OccurredAt: o.UpdatedAt, OrderID: o.ID, Order: &o,
	}, nil
}

// beginLocked is begin for the order methods, which do not hold s.mu (they use the order book's
// lock): it takes s.mu around the call's record, so concurrent workers do not race on it.
func (s *Storefront) beginLocked(ctx context.Context, method string, items []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.begin(ctx, method, items)
}
