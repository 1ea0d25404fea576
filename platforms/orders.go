package platforms

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// ErrSignature reports a webhook whose signature is missing or does not match the shop's
// secret. The intake answers 401 and keeps nothing of the body.
var ErrSignature = errors.New("platforms: webhook signature invalid")

// Orders is the order half of a storefront: what the order pipeline reads and writes back.
// Order ids are the platform's own ("123" on WooCommerce, "gid://shopify/Order/1" on Shopify).
// A missing order gives an error wrapping ErrNotFound.
type Orders interface {
	// GetOrder reads one order with its lines, addresses and the connector's metadata.
	GetOrder(ctx context.Context, id string) (Order, error)
	// ListPaidOrders returns every paid order (processing, on hold or completed on WooCommerce;
	// financially paid on Shopify) modified at or after since, oldest change first, following
	// every page. It is the reconciliation sweep behind the webhooks.
	ListPaidOrders(ctx context.Context, since time.Time) ([]Order, error)
	// AddOrderNote adds a private note (customer false) or a note the customer sees.
	AddOrderNote(ctx context.Context, id, note string, customer bool) error
	// SetOrderMeta sets the given keys of the order's connector metadata (WooCommerce meta_data,
	// Shopify metafields in the "intcomex" namespace), leaving other keys as they are.
	SetOrderMeta(ctx context.Context, id string, meta map[string]string) error
	// FulfillOrder marks the order shipped with its tracking; calling it again with the same
	// tracking number changes nothing.
	FulfillOrder(ctx context.Context, id string, f Fulfillment) error
	// SetOrderStatus moves the order to status (OrderOnHold, OrderProcessing, OrderCompleted,
	// OrderCancelled). A status the platform cannot express wraps ErrInvalid.
	SetOrderStatus(ctx context.Context, id string, status OrderStatus) error
}

// Webhooks is how a storefront tells the connector about orders.
type Webhooks interface {
	// EnsureWebhooks registers every topic the connector needs at target, repairs a
	// subscription whose address or secret differs, re-enables one the platform disabled, and
	// returns the state after the repair.
	EnsureWebhooks(ctx context.Context, target WebhookTarget) ([]WebhookState, error)
	// CheckWebhooks reports the subscriptions at target without changing anything.
	CheckWebhooks(ctx context.Context, target WebhookTarget) ([]WebhookState, error)
	// ParseWebhook verifies the signature over the raw body (an error wrapping ErrSignature
	// when it does not match) and decodes the event. It does no I/O.
	ParseWebhook(header http.Header, body []byte) (WebhookEvent, error)
}

// OrderStatus is the platform-neutral state of a storefront order.
type OrderStatus string

// Order statuses.
const (
	OrderPending    OrderStatus = "pending"    // created, not paid
	OrderProcessing OrderStatus = "processing" // paid, to be fulfilled
	OrderOnHold     OrderStatus = "on_hold"    // held for a person (stock, price, payment check)
	OrderCompleted  OrderStatus = "completed"  // fulfilled
	OrderCancelled  OrderStatus = "cancelled"
	OrderRefunded   OrderStatus = "refunded"
	OrderFailed     OrderStatus = "failed"
)

// Order is a storefront order as the order pipeline needs it.
type Order struct {
	ID             string      `json:"id"`
	Number         string      `json:"number"` // what the merchant and the customer see ("1001", "#1001")
	Status         OrderStatus `json:"status"`
	PlatformStatus string      `json:"platform_status"` // the platform's own words ("processing", "PAID")
	Paid           bool        `json:"paid"`
	PaidAt         time.Time   `json:"paid_at,omitzero"`
	CreatedAt      time.Time   `json:"created_at"`
	UpdatedAt      time.Time   `json:"updated_at"`
	Currency       string      `json:"currency"`
	Total          string      `json:"total"` // decimal string as the platform sent it
	Email          string      `json:"email,omitempty"`
	Phone          string      `json:"phone,omitempty"`
	CustomerNote   string      `json:"customer_note,omitempty"`
	Billing        Address     `json:"billing"`
	Shipping       Address     `json:"shipping"`
	Lines          []OrderLine `json:"lines"`
	// ShippingMethod is the title of the first shipping line ("" none).
	ShippingMethod string `json:"shipping_method,omitempty"`
	// Meta holds the connector's metadata read back (keys as given to SetOrderMeta).
	Meta map[string]string `json:"meta,omitempty"`
	// Test marks an order made in the platform's test mode.
	Test bool `json:"test,omitempty"`
}

// Address is a billing or shipping address.
type Address struct {
	FirstName string `json:"first_name,omitempty"`
	LastName  string `json:"last_name,omitempty"`
	Company   string `json:"company,omitempty"`
	Address1  string `json:"address_1,omitempty"`
	Address2  string `json:"address_2,omitempty"`
	City      string `json:"city,omitempty"`
	State     string `json:"state,omitempty"`
	Postcode  string `json:"postcode,omitempty"`
	Country   string `json:"country,omitempty"` // ISO 3166-1 alpha-2
	Phone     string `json:"phone,omitempty"`
	Email     string `json:"email,omitempty"`
}

// OrderLine is one line of an order.
type OrderLine struct {
	ID        string `json:"id"`
	SKU       string `json:"sku"`
	Name      string `json:"name"`
	Quantity  int    `json:"quantity"`
	UnitPrice string `json:"unit_price"` // decimal string, the platform's currency
	ProductID string `json:"product_id,omitempty"`
	VariantID string `json:"variant_id,omitempty"`
}

// Fulfillment is a shipment written back to the storefront.
type Fulfillment struct {
	Carrier        string   `json:"carrier,omitempty"`
	TrackingNumber string   `json:"tracking_number"`
	TrackingURL    string   `json:"tracking_url,omitempty"`
	Serials        []string `json:"serials,omitempty"`
	// NotifyCustomer asks the platform to email the customer (Shopify); WooCommerce adds a
	// customer note instead.
	NotifyCustomer bool `json:"notify_customer,omitempty"`
	// KeepStatus leaves the order's status as it is; otherwise WooCommerce and the memory
	// storefront complete the order (Shopify has no status to set: the fulfillment is the record).
	KeepStatus bool `json:"keep_status,omitempty"`
}

// WebhookTarget is where and how a storefront delivers webhooks to the connector.
type WebhookTarget struct {
	URL string // the connector's HTTPS intake for this shop
	// Secret signs deliveries: WooCommerce uses it per webhook; Shopify signs with the app's
	// client secret and ignores it.
	Secret string
}

// WebhookState is one subscription as the storefront holds it.
type WebhookState struct {
	ID      string `json:"id"`
	Topic   string `json:"topic"` // the platform's topic ("order.updated", "ORDERS_PAID")
	URL     string `json:"url"`
	Active  bool   `json:"active"`
	Status  string `json:"status,omitempty"`  // the platform's words ("active", "disabled")
	Changed string `json:"changed,omitempty"` // what EnsureWebhooks did: "created", "updated", "enabled", ""
}

// Topic is the platform-neutral meaning of a webhook delivery.
type Topic string

// Topics.
const (
	TopicPing             Topic = "ping" // WooCommerce's unsigned check on creation
	TopicOrderCreated     Topic = "order.created"
	TopicOrderUpdated     Topic = "order.updated"
	TopicOrderPaid        Topic = "order.paid"
	TopicAppUninstalled   Topic = "app.uninstalled"
	TopicCustomersDataReq Topic = "customers.data_request"
	TopicCustomersRedact  Topic = "customers.redact"
	TopicShopRedact       Topic = "shop.redact"
	TopicOther            Topic = "other"
)

// WebhookEvent is one verified delivery.
type WebhookEvent struct {
	Topic    Topic  `json:"topic"`
	RawTopic string `json:"raw_topic"` // as the platform named it
	// DeliveryID is unique per delivery attempt series (X-WC-Webhook-Delivery-ID,
	// X-Shopify-Webhook-Id); EventID identifies the underlying event when the platform says
	// (X-Shopify-Event-Id). Dedupe on DeliveryID, then on the order.
	DeliveryID string    `json:"delivery_id"`
	EventID    string    `json:"event_id,omitempty"`
	ShopDomain string    `json:"shop_domain,omitempty"` // X-Shopify-Shop-Domain, X-WC-Webhook-Source
	WebhookID  string    `json:"webhook_id,omitempty"`
	OccurredAt time.Time `json:"occurred_at,omitzero"`
	// OrderID is set for order topics; Order holds the payload decoded when the platform sends
	// the whole order (it may lag behind GetOrder: the pipeline re-reads before acting).
	OrderID string `json:"order_id,omitempty"`
	Order   *Order `json:"order,omitempty"`
}
