package shopify

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/internal/wire"
)

// Operation names of the order documents added with the orders half.
const (
	OpOrderState                  = "OrderState"
	OpOrderLineItems              = "OrderLineItems"
	OpFulfillmentOrderHold        = "FulfillmentOrderHold"
	OpFulfillmentOrderReleaseHold = "FulfillmentOrderReleaseHold"
	OpMetafieldsSet               = "MetafieldsSet"
	OpWebhookSubscriptionUpdate   = "WebhookSubscriptionUpdate"
	OpMetafieldDefinitions        = "MetafieldDefinitions"
	OpMetafieldDefinitionCreate   = "MetafieldDefinitionCreate"
)

// Order metafields: the connector's metadata lives in MetafieldNamespace,
// one single_line_text_field per key; the serials of a shipment in
// MetafieldSerials, one per line.
const (
	MetafieldSerials = "serials"
	// HoldHandle identifies the connector's own fulfillment holds, so that
	// releasing them never lifts a hold the merchant or another app placed.
	HoldHandle          = "intcomex-connector"
	maxMetafieldsPerSet = 25
)

// Cost budget of the order queries (a line item costs 4 points: the line,
// its price bag and money, its variant and product). Shopify admits a query
// when its *requested* cost is in the bucket, so an Order request asks for
// the first 10 lines (~80 points; most orders have fewer): asking for 100
// (~440 points) held each order's GetOrder for seconds once a burst of
// orders had drained the bucket. Lines beyond are fetched by OrderLineItems
// 100 at a time, never dropped. An Orders page of 10 orders with 10 lines
// each costs ~720, under the 1000-point ceiling of a single query.
const (
	orderFirstLines = 10
	orderLines      = 100
	ordersPageSize  = 10
	ordersPageLine  = 10
)

var (
	_ platforms.Orders   = (*Client)(nil)
	_ platforms.Webhooks = (*Client)(nil)

	orderGIDRE = regexp.MustCompile(`^gid://shopify/Order/[1-9][0-9]{0,19}$`)
)

// checkOrderID refuses, without I/O, an id that is not an Order gid (a
// WooCommerce id, a legacy numeric id).
func checkOrderID(op, id string) error {
	if !orderGIDRE.MatchString(id) {
		return fmt.Errorf("shopify: %s: %q is not an order id (gid://shopify/Order/N): %w", op, id, platforms.ErrInvalid)
	}
	return nil
}

type mailingAddress struct {
	FirstName     string `json:"firstName"`
	LastName      string `json:"lastName"`
	Company       string `json:"company"`
	Address1      string `json:"address1"`
	Address2      string `json:"address2"`
	City          string `json:"city"`
	Province      string `json:"province"`
	Zip           string `json:"zip"`
	CountryCodeV2 string `json:"countryCodeV2"`
	Phone         string `json:"phone"`
}

func (a *mailingAddress) address(email string) platforms.Address {
	if a == nil {
		return platforms.Address{Email: email}
	}
	return platforms.Address{FirstName: a.FirstName, LastName: a.LastName, Company: a.Company, Address1: a.Address1,
		Address2: a.Address2, City: a.City, State: a.Province, Postcode: a.Zip, Country: a.CountryCodeV2, Phone: a.Phone, Email: email}
}

// lineNode decodes the OrderLineFields fragment.
type lineNode struct {
	ID                   string `json:"id"`
	SKU                  string `json:"sku"`
	Name                 string `json:"name"`
	CurrentQuantity      int    `json:"currentQuantity"`
	OriginalUnitPriceSet struct {
		ShopMoney struct {
			Amount wire.Amount `json:"amount"`
		} `json:"shopMoney"`
	} `json:"originalUnitPriceSet"`
	Variant *struct {
		ID      string `json:"id"`
		Product *struct {
			ID string `json:"id"`
		} `json:"product"`
	} `json:"variant"`
}

func (l lineNode) line() platforms.OrderLine {
	out := platforms.OrderLine{ID: l.ID, SKU: l.SKU, Name: l.Name, Quantity: l.CurrentQuantity, UnitPrice: string(l.OriginalUnitPriceSet.ShopMoney.Amount)}
	if l.Variant != nil {
		out.VariantID = l.Variant.ID
		if l.Variant.Product != nil {
			out.ProductID = l.Variant.Product.ID
		}
	}
	return out
}

type lineConn struct {
	Nodes    []lineNode `json:"nodes"`
	PageInfo pageInfo   `json:"pageInfo"`
}

// orderNode decodes the OrderFields fragment (Order and Orders).
type orderNode struct {
	ID                       string     `json:"id"`
	Name                     string     `json:"name"`
	CreatedAt                time.Time  `json:"createdAt"`
	UpdatedAt                time.Time  `json:"updatedAt"`
	CancelledAt              *time.Time `json:"cancelledAt"`
	Closed                   bool       `json:"closed"`
	Test                     bool       `json:"test"`
	DisplayFinancialStatus   string     `json:"displayFinancialStatus"`
	DisplayFulfillmentStatus string     `json:"displayFulfillmentStatus"`
	Note                     string     `json:"note"`
	Email                    string     `json:"email"`
	Phone                    string     `json:"phone"`
	CurrencyCode             string     `json:"currencyCode"`
	TotalPriceSet            struct {
		ShopMoney struct {
			Amount       wire.Amount `json:"amount"`
			CurrencyCode string      `json:"currencyCode"`
		} `json:"shopMoney"`
	} `json:"totalPriceSet"`
	ShippingAddress *mailingAddress `json:"shippingAddress"`
	BillingAddress  *mailingAddress `json:"billingAddress"`
	ShippingLine    *struct {
		Title string `json:"title"`
	} `json:"shippingLine"`
	LineItems  lineConn `json:"lineItems"`
	Metafields struct {
		Nodes []struct {
			Key   string `json:"key"`
			Value string `json:"value"`
		} `json:"nodes"`
	} `json:"metafields"`
}

// orderStatus maps Shopify's display statuses to the neutral status, first
// match wins: a cancelled order is cancelled whatever its money did; money
// sent back (refunded) or never taken (voided) comes next; then what
// happened to the goods; then whether the money is in.
func orderStatus(financial, fulfillment string, cancelled, closed bool) platforms.OrderStatus {
	switch {
	case cancelled:
		return platforms.OrderCancelled
	case financial == "REFUNDED":
		return platforms.OrderRefunded
	case financial == "VOIDED":
		return platforms.OrderFailed
	case fulfillment == "FULFILLED" || closed:
		return platforms.OrderCompleted
	case fulfillment == "ON_HOLD":
		return platforms.OrderOnHold
	case financial == "PAID" || financial == "PARTIALLY_PAID" || financial == "PARTIALLY_REFUNDED":
		return platforms.OrderProcessing
	}
	return platforms.OrderPending // PENDING, AUTHORIZED, EXPIRED and anything new
}

// orderPaid reports whether the customer was charged in full at some
// point: PAID, and PARTIALLY_REFUNDED and REFUNDED (which can only follow a
// payment). PARTIALLY_PAID is not paid: the order must not be placed at
// Intcomex before the rest comes in. AUTHORIZED is not paid either: the
// money is reserved, not captured, and the authorization can expire.
func orderPaid(financial string) bool {
	switch financial {
	case "PAID", "PARTIALLY_REFUNDED", "REFUNDED":
		return true
	}
	return false
}

func (n *orderNode) order() platforms.Order {
	o := platforms.Order{
		ID:             n.ID,
		Number:         n.Name,
		Status:         orderStatus(n.DisplayFinancialStatus, n.DisplayFulfillmentStatus, n.CancelledAt != nil, n.Closed),
		PlatformStatus: n.DisplayFinancialStatus + "/" + n.DisplayFulfillmentStatus,
		Paid:           orderPaid(n.DisplayFinancialStatus),
		CreatedAt:      n.CreatedAt,
		UpdatedAt:      n.UpdatedAt,
		Currency:       n.TotalPriceSet.ShopMoney.CurrencyCode,
		Total:          string(n.TotalPriceSet.ShopMoney.Amount),
		Email:          n.Email,
		Phone:          n.Phone,
		CustomerNote:   customerNote(n.Note),
		Billing:        n.BillingAddress.address(n.Email),
		Shipping:       n.ShippingAddress.address(""),
		Test:           n.Test,
	}
	if o.Currency == "" {
		o.Currency = n.CurrencyCode
	}
	if n.ShippingLine != nil {
		o.ShippingMethod = n.ShippingLine.Title
	}
	for _, l := range n.LineItems.Nodes {
		o.Lines = append(o.Lines, l.line())
	}
	if len(n.Metafields.Nodes) > 0 {
		o.Meta = make(map[string]string, len(n.Metafields.Nodes))
		for _, m := range n.Metafields.Nodes {
			o.Meta[m.Key] = m.Value
		}
	}
	return o
}

// GetOrder reads one order. Status and Paid follow orderStatus and
// orderPaid; PlatformStatus is "FINANCIAL/FULFILLMENT" ("PAID/UNFULFILLED");
// money is the exact decimal text of the shop currency; Meta holds the
// intcomex metafields; CustomerNote is the order note without the lines
// the connector appended. PaidAt stays zero: the Order object has no
// payment time (it would take the transactions).
func (c *Client) GetOrder(ctx context.Context, id string) (platforms.Order, error) {
	if err := checkOrderID("GetOrder", id); err != nil {
		return platforms.Order{}, err
	}
	var d struct {
		Order *orderNode `json:"order"`
	}
	if err := c.Do(ctx, OpOrder, map[string]any{"id": id, "lines": orderFirstLines}, &d); err != nil {
		return platforms.Order{}, err
	}
	if d.Order == nil {
		return platforms.Order{}, fmt.Errorf("shopify: GetOrder %s: %w", id, platforms.ErrNotFound)
	}
	if err := c.restOfLines(ctx, d.Order); err != nil {
		return platforms.Order{}, err
	}
	return d.Order.order(), nil
}

// restOfLines follows the order's line item pages past the first.
func (c *Client) restOfLines(ctx context.Context, n *orderNode) error {
	for page := n.LineItems.PageInfo; page.HasNextPage; {
		var d struct {
			Order *struct {
				LineItems lineConn `json:"lineItems"`
			} `json:"order"`
		}
		if err := c.Do(ctx, OpOrderLineItems, map[string]any{"id": n.ID, "first": orderLines, "after": page.EndCursor}, &d); err != nil {
			return err
		}
		if d.Order == nil {
			return fmt.Errorf("shopify: order %s lines: %w", n.ID, platforms.ErrNotFound)
		}
		n.LineItems.Nodes = append(n.LineItems.Nodes, d.Order.LineItems.Nodes...)
		page = d.Order.LineItems.PageInfo
	}
	return nil
}

// ListPaidOrders returns the orders whose financial status is PAID and that
// changed at or after since (to the second), oldest change first, every
// page. Shopify's financial_status:paid search matches PAID only: refunded
// orders are not swept (there is nothing left to place for them).
func (c *Client) ListPaidOrders(ctx context.Context, since time.Time) ([]platforms.Order, error) {
	q := fmt.Sprintf("financial_status:paid updated_at:>='%s'", since.UTC().Truncate(time.Second).Format(time.RFC3339))
	var out []platforms.Order
	var after *string
	for {
		var d struct {
			Orders struct {
				Nodes    []orderNode `json:"nodes"`
				PageInfo pageInfo    `json:"pageInfo"`
			} `json:"orders"`
		}
		vars := map[string]any{"query": q, "first": ordersPageSize, "after": after, "lines": ordersPageLine}
		if err := c.Do(ctx, OpOrders, vars, &d); err != nil {
			return nil, err
		}
		for i := range d.Orders.Nodes {
			n := &d.Orders.Nodes[i]
			if err := c.restOfLines(ctx, n); err != nil {
				return nil, err
			}
			out = append(out, n.order())
		}
		if !d.Orders.PageInfo.HasNextPage {
			return out, nil
		}
		after = &d.Orders.PageInfo.EndCursor
	}
}

// orderState is the OrderState query's answer.
type orderState struct {
	ID          string     `json:"id"`
	Note        string     `json:"note"`
	CancelledAt *time.Time `json:"cancelledAt"`
	Closed      bool       `json:"closed"`
}

func (c *Client) orderState(ctx context.Context, op, id string) (orderState, error) {
	var d struct {
		Order *orderState `json:"order"`
	}
	if err := c.Do(ctx, OpOrderState, map[string]any{"id": id}, &d); err != nil {
		return orderState{}, err
	}
	if d.Order == nil {
		return orderState{}, fmt.Errorf("shopify: %s %s: %w", op, id, platforms.ErrNotFound)
	}
	return *d.Order, nil
}

// noteLineRE matches the lines AddOrderNote appends.
var noteLineRE = regexp.MustCompile(`^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\] `)

// customerNote is the order note without the connector's dated lines: what
// the customer wrote at checkout, plus whatever the merchant typed.
func customerNote(note string) string {
	lines := strings.Split(note, "\n")
	lines = slices.DeleteFunc(lines, func(l string) bool { return noteLineRE.MatchString(l) })
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// AddOrderNote appends a dated line ("[2026-07-01 12:00 UTC] text") to the
// order's note, the one free-text field a Shopify order has: it reads the
// note and writes it back whole (orderUpdate overwrites), so a concurrent
// edit between the two can be lost. Shopify has no customer-visible order
// notes: customer=true writes the same staff-visible note; the customer
// learns of a shipment through FulfillOrder's notification.
func (c *Client) AddOrderNote(ctx context.Context, id, note string, _ bool) error {
	if err := checkOrderID("AddOrderNote", id); err != nil {
		return err
	}
	st, err := c.orderState(ctx, "AddOrderNote", id)
	if err != nil {
		return err
	}
	line := "[" + c.cfg.Now().UTC().Format("2006-01-02 15:04") + " UTC] " + strings.Join(strings.Fields(note), " ")
	text := line
	if st.Note != "" {
		text = strings.TrimRight(st.Note, "\n") + "\n" + line
	}
	var d struct {
		OrderUpdate struct {
			Order      *struct{ ID string } `json:"order"`
			UserErrors []UserError          `json:"userErrors"`
		} `json:"orderUpdate"`
	}
	if err := c.Do(ctx, OpOrderUpdate, map[string]any{"input": map[string]any{"id": id, "note": text}}, &d); err != nil {
		return err
	}
	if err := userErrorsErr(d.OrderUpdate.UserErrors); err != nil {
		return fmt.Errorf("shopify: AddOrderNote %s: %w", id, err)
	}
	return nil
}

// SetOrderMeta sets intcomex metafields on the order (metafieldsSet, 25
// per call, single_line_text_field), leaving other keys as they are.
// Shopify refuses blank values: an empty value wraps ErrInvalid, without
// I/O.
func (c *Client) SetOrderMeta(ctx context.Context, id string, meta map[string]string) error {
	if err := checkOrderID("SetOrderMeta", id); err != nil {
		return err
	}
	keys := make([]string, 0, len(meta))
	for k, v := range meta {
		if k == "" || v == "" {
			return fmt.Errorf("shopify: SetOrderMeta %s: key %q has an empty key or value: %w", id, k, platforms.ErrInvalid)
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var inputs []map[string]any
	for _, k := range keys {
		inputs = append(inputs, metafieldInput(id, k, "single_line_text_field", meta[k]))
	}
	return c.setMetafields(ctx, "SetOrderMeta", id, inputs)
}

func metafieldInput(owner, key, typ, value string) map[string]any {
	return map[string]any{"ownerId": owner, "namespace": MetafieldNamespace, "key": key, "type": typ, "value": value}
}

func (c *Client) setMetafields(ctx context.Context, op, owner string, inputs []map[string]any) error {
	for chunk := range slices.Chunk(inputs, maxMetafieldsPerSet) {
		var d struct {
			MetafieldsSet struct {
				UserErrors []UserError `json:"userErrors"`
			} `json:"metafieldsSet"`
		}
		if err := c.Do(ctx, OpMetafieldsSet, map[string]any{"metafields": chunk}, &d); err != nil {
			return err
		}
		ues := d.MetafieldsSet.UserErrors
		for _, ue := range ues {
			// Shopify names the owner field for an owner that does not
			// exist; its code says nothing more specific.
			if len(ue.Field) > 0 && ue.Field[len(ue.Field)-1] == "ownerId" {
				return fmt.Errorf("shopify: %s %s: %s: %w", op, owner, ue.Message, platforms.ErrNotFound)
			}
		}
		if err := userErrorsErr(ues); err != nil {
			return fmt.Errorf("shopify: %s %s: %w", op, owner, err)
		}
	}
	return nil
}

// OrderStatusOf is the mapping GetOrder and the webhooks apply to Shopify's
// displayFinancialStatus and displayFulfillmentStatus (see orderStatus and
// orderPaid).
func OrderStatusOf(financial, fulfillment string, cancelled, closed bool) (platforms.OrderStatus, bool) {
	return orderStatus(financial, fulfillment, cancelled, closed), orderPaid(financial)
}
