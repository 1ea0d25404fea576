package shopify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/internal/wire"
)

// WebhookTopics are the subscriptions EnsureWebhooks keeps. orders/create
// is not among them: an unpaid order needs nothing, and a paid one also
// fires orders/paid; cancellations arrive as orders/updated.
var WebhookTopics = []string{"ORDERS_PAID", "ORDERS_UPDATED", "APP_UNINSTALLED"}

type subscriptionNode struct {
	ID     string `json:"id"`
	Topic  string `json:"topic"`
	URI    string `json:"uri"`
	Format string `json:"format"`
}

func (s subscriptionNode) state(changed string) platforms.WebhookState {
	return platforms.WebhookState{ID: s.ID, Topic: s.Topic, URL: s.URI, Active: true, Status: "active", Changed: changed}
}

func (c *Client) subscriptions(ctx context.Context) ([]subscriptionNode, error) {
	var out []subscriptionNode
	var after *string
	for {
		var d struct {
			WebhookSubscriptions struct {
				Nodes    []subscriptionNode `json:"nodes"`
				PageInfo pageInfo           `json:"pageInfo"`
			} `json:"webhookSubscriptions"`
		}
		if err := c.Do(ctx, OpWebhookSubscriptions, map[string]any{"first": 50, "after": after}, &d); err != nil {
			return nil, err
		}
		out = append(out, d.WebhookSubscriptions.Nodes...)
		if !d.WebhookSubscriptions.PageInfo.HasNextPage {
			return out, nil
		}
		after = &d.WebhookSubscriptions.PageInfo.EndCursor
	}
}

// EnsureWebhooks keeps one JSON subscription per WebhookTopics entry at
// target.URL. The Admin API lists only this app's own subscriptions, so a
// subscription for one of these topics at another address is ours from an
// earlier address: when the topic has none at target.URL, the first such
// one is moved there (webhookSubscriptionUpdate, Changed "updated"), and
// any further ones are left alone (a second intake may be deliberate).
// Shopify deletes a subscription after repeated failed deliveries instead
// of disabling it, so a missing one is simply created again. target.Secret
// is ignored: Shopify signs with the app's client secret.
func (c *Client) EnsureWebhooks(ctx context.Context, target platforms.WebhookTarget) ([]platforms.WebhookState, error) {
	if target.URL == "" {
		return nil, fmt.Errorf("shopify: EnsureWebhooks: empty target URL: %w", platforms.ErrInvalid)
	}
	subs, err := c.subscriptions(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]platforms.WebhookState, 0, len(WebhookTopics))
	for _, topic := range WebhookTopics {
		var here, elsewhere *subscriptionNode
		for i := range subs {
			s := &subs[i]
			switch {
			case s.Topic != topic:
			case s.URI == target.URL && here == nil:
				here = s
			case s.URI != target.URL && elsewhere == nil:
				elsewhere = s
			}
		}
		switch {
		case here != nil && (here.Format == "" || here.Format == "JSON"):
			out = append(out, here.state(""))
		case here != nil:
			st, err := c.updateSubscription(ctx, here.ID, target.URL)
			if err != nil {
				return out, err
			}
			out = append(out, st)
		case elsewhere != nil:
			st, err := c.updateSubscription(ctx, elsewhere.ID, target.URL)
			if err != nil {
				return out, err
			}
			out = append(out, st)
		default:
			st, err := c.createSubscription(ctx, topic, target.URL)
			if err != nil {
				return out, err
			}
			out = append(out, st)
		}
	}
	return out, nil
}

type subscriptionPayload struct {
	WebhookSubscription *subscriptionNode `json:"webhookSubscription"`
	UserErrors          []UserError       `json:"userErrors"`
}

func (c *Client) createSubscription(ctx context.Context, topic, uri string) (platforms.WebhookState, error) {
	var d struct {
		P subscriptionPayload `json:"webhookSubscriptionCreate"`
	}
	vars := map[string]any{"topic": topic, "webhookSubscription": map[string]any{"uri": uri, "format": "JSON"}}
	if err := c.Do(ctx, OpWebhookSubscriptionCreate, vars, &d); err != nil {
		return platforms.WebhookState{}, err
	}
	if err := userErrorsErr(d.P.UserErrors); err != nil {
		return platforms.WebhookState{}, fmt.Errorf("shopify: EnsureWebhooks %s: %w", topic, err)
	}
	if d.P.WebhookSubscription == nil {
		return platforms.WebhookState{}, fmt.Errorf("shopify: EnsureWebhooks %s: no subscription returned: %w", topic, ErrUnavailable)
	}
	return d.P.WebhookSubscription.state("created"), nil
}

func (c *Client) updateSubscription(ctx context.Context, id, uri string) (platforms.WebhookState, error) {
	var d struct {
		P subscriptionPayload `json:"webhookSubscriptionUpdate"`
	}
	vars := map[string]any{"id": id, "webhookSubscription": map[string]any{"uri": uri, "format": "JSON"}}
	if err := c.Do(ctx, OpWebhookSubscriptionUpdate, vars, &d); err != nil {
		return platforms.WebhookState{}, err
	}
	if err := userErrorsErr(d.P.UserErrors); err != nil {
		return platforms.WebhookState{}, fmt.Errorf("shopify: EnsureWebhooks %s: %w", id, err)
	}
	if d.P.WebhookSubscription == nil {
		return platforms.WebhookState{}, fmt.Errorf("shopify: EnsureWebhooks %s: %w", id, platforms.ErrNotFound)
	}
	return d.P.WebhookSubscription.state("updated"), nil
}

// CheckWebhooks reports, without changing anything, the subscription of
// each WebhookTopics entry at target.URL; a topic with none there is
// reported with no id, Active false and Status "missing", so that a health
// page shows what EnsureWebhooks would create.
func (c *Client) CheckWebhooks(ctx context.Context, target platforms.WebhookTarget) ([]platforms.WebhookState, error) {
	subs, err := c.subscriptions(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]platforms.WebhookState, 0, len(WebhookTopics))
	for _, topic := range WebhookTopics {
		found := false
		for _, s := range subs {
			if s.Topic == topic && s.URI == target.URL {
				out = append(out, s.state(""))
				found = true
				break
			}
		}
		if !found {
			out = append(out, platforms.WebhookState{Topic: topic, URL: target.URL, Status: "missing"})
		}
	}
	return out, nil
}

// webhookTopics maps X-Shopify-Topic to the neutral topic.
var webhookTopics = map[string]platforms.Topic{
	"orders/create":          platforms.TopicOrderCreated,
	"orders/updated":         platforms.TopicOrderUpdated,
	"orders/paid":            platforms.TopicOrderPaid,
	"app/uninstalled":        platforms.TopicAppUninstalled,
	"customers/data_request": platforms.TopicCustomersDataReq,
	"customers/redact":       platforms.TopicCustomersRedact,
	"shop/redact":            platforms.TopicShopRedact,
}

// VerifyWebhook reports whether signature (X-Shopify-Hmac-Sha256) is the
// base64 HMAC-SHA256 of the raw body keyed with clientSecret. An empty
// secret verifies nothing.
func VerifyWebhook(body []byte, signature, clientSecret string) bool {
	if clientSecret == "" || signature == "" {
		return false
	}
	got, err := base64.StdEncoding.DecodeString(strings.TrimSpace(signature))
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, []byte(clientSecret))
	m.Write(body)
	return hmac.Equal(got, m.Sum(nil))
}

// ParseWebhook verifies X-Shopify-Hmac-Sha256 with Config.ClientSecret
// (an error wrapping platforms.ErrSignature when it does not match or no
// secret is configured) and decodes the delivery. Order topics carry the
// REST order, decoded into Order (without Meta: REST payloads hold no
// metafields); compliance topics are decoded by ParseCompliance. Unknown
// topics give TopicOther; their body must still be JSON (else ErrInvalid). It does no I/O.
func (c *Client) ParseWebhook(header http.Header, body []byte) (platforms.WebhookEvent, error) {
	if !VerifyWebhook(body, header.Get("X-Shopify-Hmac-Sha256"), c.cfg.ClientSecret) {
		return platforms.WebhookEvent{}, fmt.Errorf("shopify: webhook from %q: %w", header.Get("X-Shopify-Shop-Domain"), platforms.ErrSignature)
	}
	raw := header.Get("X-Shopify-Topic")
	ev := platforms.WebhookEvent{
		Topic:      platforms.TopicOther,
		RawTopic:   raw,
		DeliveryID: header.Get("X-Shopify-Webhook-Id"),
		EventID:    header.Get("X-Shopify-Event-Id"),
		ShopDomain: header.Get("X-Shopify-Shop-Domain"),
	}
	if t, ok := webhookTopics[raw]; ok {
		ev.Topic = t
	}
	if at, err := time.Parse(time.RFC3339Nano, header.Get("X-Shopify-Triggered-At")); err == nil {
		ev.OccurredAt = at
	}
	switch ev.Topic {
	case platforms.TopicOrderCreated, platforms.TopicOrderUpdated, platforms.TopicOrderPaid:
		var ro restOrder
		if err := json.Unmarshal(body, &ro); err != nil {
			return platforms.WebhookEvent{}, fmt.Errorf("shopify: webhook %s: decode order: %v: %w", raw, err, platforms.ErrInvalid)
		}
		o, err := ro.order()
		if err != nil {
			return platforms.WebhookEvent{}, fmt.Errorf("shopify: webhook %s: %w", raw, err)
		}
		ev.OrderID, ev.Order = o.ID, &o
	case platforms.TopicCustomersDataReq, platforms.TopicCustomersRedact, platforms.TopicShopRedact:
		if _, err := ParseCompliance(body); err != nil {
			return platforms.WebhookEvent{}, fmt.Errorf("shopify: webhook %s: %w", raw, err)
		}
	default:
		// Shopify sends JSON for every topic (subscriptions are created with format JSON): a
		// signed body that is not JSON is a broken delivery, not an event to record.
		if !json.Valid(body) {
			return platforms.WebhookEvent{}, fmt.Errorf("shopify: webhook %q: body is not JSON: %w", raw, platforms.ErrInvalid)
		}
	}
	return ev, nil
}

// restAddress is a REST address.
type restAddress struct {
	FirstName   string `json:"first_name"`
	LastName    string `json:"last_name"`
	Company     string `json:"company"`
	Address1    string `json:"address1"`
	Address2    string `json:"address2"`
	City        string `json:"city"`
	Province    string `json:"province"`
	Zip         string `json:"zip"`
	CountryCode string `json:"country_code"`
	Phone       string `json:"phone"`
}

func (a *restAddress) address(email string) platforms.Address {
	if a == nil {
		return platforms.Address{Email: email}
	}
	return platforms.Address{FirstName: a.FirstName, LastName: a.LastName, Company: a.Company, Address1: a.Address1,
		Address2: a.Address2, City: a.City, State: a.Province, Postcode: a.Zip, Country: a.CountryCode, Phone: a.Phone, Email: email}
}

// restOrder is the REST order JSON of the orders/* webhooks.
type restOrder struct {
	ID                json.Number  `json:"id"`
	AdminGraphQLAPIID string       `json:"admin_graphql_api_id"`
	Name              string       `json:"name"`
	Email             string       `json:"email"`
	Phone             string       `json:"phone"`
	FinancialStatus   string       `json:"financial_status"`
	FulfillmentStatus string       `json:"fulfillment_status"`
	Currency          string       `json:"currency"`
	TotalPrice        wire.Amount  `json:"total_price"`
	CreatedAt         time.Time    `json:"created_at"`
	UpdatedAt         time.Time    `json:"updated_at"`
	CancelledAt       *time.Time   `json:"cancelled_at"`
	ClosedAt          *time.Time   `json:"closed_at"`
	Note              string       `json:"note"`
	Test              bool         `json:"test"`
	BillingAddress    *restAddress `json:"billing_address"`
	ShippingAddress   *restAddress `json:"shipping_address"`
	ShippingLines     []struct {
		Title string `json:"title"`
	} `json:"shipping_lines"`
	LineItems []struct {
		ID                json.Number `json:"id"`
		AdminGraphQLAPIID string      `json:"admin_graphql_api_id"`
		SKU               string      `json:"sku"`
		Name              string      `json:"name"`
		Title             string      `json:"title"`
		Quantity          int         `json:"quantity"`
		CurrentQuantity   *int        `json:"current_quantity"`
		Price             wire.Amount `json:"price"`
		ProductID         json.Number `json:"product_id"`
		VariantID         json.Number `json:"variant_id"`
	} `json:"line_items"`
}

// restFulfillment maps REST fulfillment_status to displayFulfillmentStatus.
var restFulfillment = map[string]string{"fulfilled": "FULFILLED", "partial": "PARTIALLY_FULFILLED", "restocked": "RESTOCKED"}

func gidOf(kind string, n json.Number) string {
	if _, err := strconv.ParseUint(n.String(), 10, 64); err != nil || n == "" {
		return ""
	}
	return "gid://shopify/" + kind + "/" + n.String()
}

func (r *restOrder) order() (platforms.Order, error) {
	id := r.AdminGraphQLAPIID
	if id == "" {
		id = gidOf("Order", r.ID)
	}
	if !orderGIDRE.MatchString(id) {
		return platforms.Order{}, fmt.Errorf("order id %q: %w", id, platforms.ErrInvalid)
	}
	financial := strings.ToUpper(r.FinancialStatus)
	fulfillment, ok := restFulfillment[r.FulfillmentStatus]
	if !ok {
		fulfillment = "UNFULFILLED"
	}
	o := platforms.Order{
		ID:             id,
		Number:         r.Name,
		Status:         orderStatus(financial, fulfillment, r.CancelledAt != nil, r.ClosedAt != nil),
		PlatformStatus: financial + "/" + fulfillment,
		Paid:           orderPaid(financial),
		CreatedAt:      r.CreatedAt,
		UpdatedAt:      r.UpdatedAt,
		Currency:       r.Currency,
		Total:          string(r.TotalPrice),
		Email:          r.Email,
		Phone:          r.Phone,
		CustomerNote:   customerNote(r.Note),
		Billing:        r.BillingAddress.address(r.Email),
		Shipping:       r.ShippingAddress.address(""),
		Test:           r.Test,
	}
	if len(r.ShippingLines) > 0 {
		o.ShippingMethod = r.ShippingLines[0].Title
	}
	for _, l := range r.LineItems {
		q := l.Quantity
		if l.CurrentQuantity != nil {
			q = *l.CurrentQuantity
		}
		name := l.Name
		if name == "" {
			name = l.Title
		}
		lineID := l.AdminGraphQLAPIID
		if lineID == "" {
			lineID = gidOf("LineItem", l.ID)
		}
		o.Lines = append(o.Lines, platforms.OrderLine{ID: lineID, SKU: l.SKU, Name: name, Quantity: q, UnitPrice: string(l.Price),
			ProductID: gidOf("Product", l.ProductID), VariantID: gidOf("ProductVariant", l.VariantID)})
	}
	return o, nil
}

// Compliance is the payload of the mandatory compliance webhooks
// (customers/data_request, customers/redact, shop/redact): what the intake
// must find, export or erase. Ids are REST numeric ids as strings.
type Compliance struct {
	ShopID     string
	ShopDomain string
	// Customer is set for the customers/* topics.
	Customer *ComplianceCustomer
	// OrdersRequested (data_request) and OrdersToRedact (redact) are order
	// gids.
	OrdersRequested []string
	OrdersToRedact  []string
	DataRequestID   string // customers/data_request only
}

// ComplianceCustomer identifies the customer a request is about.
type ComplianceCustomer struct {
	ID    string
	Email string
	Phone string
}

// ParseCompliance decodes a compliance webhook body (verify it with
// ParseWebhook or VerifyWebhook first). A body without a shop domain wraps
// ErrInvalid.
func ParseCompliance(body []byte) (Compliance, error) {
	var r struct {
		ShopID     json.Number `json:"shop_id"`
		ShopDomain string      `json:"shop_domain"`
		Customer   *struct {
			ID    json.Number `json:"id"`
			Email string      `json:"email"`
			Phone string      `json:"phone"`
		} `json:"customer"`
		OrdersRequested []json.Number `json:"orders_requested"`
		OrdersToRedact  []json.Number `json:"orders_to_redact"`
		DataRequest     *struct {
			ID json.Number `json:"id"`
		} `json:"data_request"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return Compliance{}, fmt.Errorf("shopify: compliance payload: %v: %w", err, platforms.ErrInvalid)
	}
	if r.ShopDomain == "" {
		return Compliance{}, fmt.Errorf("shopify: compliance payload without shop_domain: %w", platforms.ErrInvalid)
	}
	c := Compliance{ShopID: r.ShopID.String(), ShopDomain: r.ShopDomain}
	if r.Customer != nil {
		c.Customer = &ComplianceCustomer{ID: r.Customer.ID.String(), Email: r.Customer.Email, Phone: r.Customer.Phone}
	}
	if r.DataRequest != nil {
		c.DataRequestID = r.DataRequest.ID.String()
	}
	for _, n := range r.OrdersRequested {
		if g := gidOf("Order", n); g != "" {
			c.OrdersRequested = append(c.OrdersRequested, g)
		}
	}
	for _, n := range r.OrdersToRedact {
		if g := gidOf("Order", n); g != "" {
			c.OrdersToRedact = append(c.OrdersToRedact, g)
		}
	}
	return c, nil
}
