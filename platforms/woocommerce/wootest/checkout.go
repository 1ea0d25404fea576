package wootest

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/shopspring/decimal"
)

// CheckoutLine is one cart line of PlaceOrder. The SKU need not belong to a product: the line
// keeps the name, SKU and price it was sold with, as WooCommerce does once the order exists.
type CheckoutLine struct {
	SKU       string
	Name      string // default: the SKU
	Quantity  int    // default 1
	UnitPrice string // decimal string in the store's currency
	ProductID int    // optional
}

// Checkout is what a customer's checkout submits.
type Checkout struct {
	Lines          []CheckoutLine
	Paid           bool // the gateway confirmed the payment (payment_complete → processing)
	Billing        Address
	Shipping       Address
	ShippingMethod string // title of the one shipping line ("" none)
	ShippingTotal  string
	CustomerNote   string
	PaymentMethod  string // default "bacs"
}

// PlaceOrder creates an order the way the storefront checkout does (created_via "checkout"),
// without going through REST, so tests can sell SKUs that are not products. Like a REST
// creation it queues order.created and order.updated deliveries with the same payload
// (fixtures 39, 40). It returns the order as GET /orders/{id} would.
func (s *Server) PlaceOrder(c Checkout) (Order, error) {
	s.mu.Lock()
	now := s.now()
	o := &order{Order: Order{
		ID: s.nextPostID, Status: "pending", Currency: s.cfg.Currency, Version: WooCommerceVersion,
		DateCreated: fmtDate(now), DateModified: fmtDate(now), DateCreatedGMT: fmtDate(now), DateModifiedGMT: fmtDate(now),
		OrderKey: "wc_order_" + randHex(7)[:13], PaymentMethod: firstNonEmpty(c.PaymentMethod, "bacs"),
		CreatedVia: "checkout", CustomerNote: c.CustomerNote, Billing: c.Billing, Shipping: c.Shipping,
		MetaData: []MetaData{}, LineItems: []LineItem{}, TaxLines: []any{}, ShippingLines: []ShippingLine{},
		FeeLines: []any{}, CouponLines: []any{}, Refunds: []any{}, IsEditable: true, NeedsPayment: true,
		CurrencySymbol: htmlSymbol(s.cfg.Currency), CartHash: randHex(16),
	}, modified: now}
	o.Number = strconv.Itoa(o.ID)
	o.PaymentMethodTitle = o.PaymentMethod
	if o.Billing.Email == nil {
		empty := ""
		o.Billing.Email = &empty
	}
	o.Shipping.Email = nil
	sum := decimal.Zero
	for i, l := range c.Lines {
		price, err := decimal.NewFromString(l.UnitPrice)
		if err != nil {
			s.mu.Unlock()
			return Order{}, fmt.Errorf("wootest: PlaceOrder: line %d price %q: %w", i, l.UnitPrice, err)
		}
		qty := max(l.Quantity, 1)
		total := price.Mul(decimal.NewFromInt(int64(qty)))
		sum = sum.Add(total)
		zero := s.money(decimal.Zero)
		o.LineItems = append(o.LineItems, LineItem{
			ID: s.nextItemID, Name: firstNonEmpty(l.Name, l.SKU), ProductID: l.ProductID, Quantity: qty,
			Subtotal: s.money(total), SubtotalTax: zero, Total: s.money(total), TotalTax: zero, Taxes: []any{},
			MetaData: []LineMeta{}, SKU: l.SKU, Price: priceNumber(total, qty), Image: LineImage{ID: "", Src: ""},
		})
		s.nextItemID++
	}
	ship := decimal.Zero
	if c.ShippingMethod != "" {
		if t, err := decimal.NewFromString(firstNonEmpty(c.ShippingTotal, "0")); err == nil {
			ship = t
		}
		o.ShippingLines = append(o.ShippingLines, ShippingLine{ID: s.nextItemID, MethodTitle: c.ShippingMethod, MethodID: "flat_rate",
			InstanceID: "1", Total: s.money(ship), TotalTax: s.money(decimal.Zero), Taxes: []any{}, TaxStatus: "taxable", MetaData: []MetaData{}})
		s.nextItemID++
	}
	zero := s.money(decimal.Zero)
	o.DiscountTotal, o.DiscountTax, o.ShippingTax, o.CartTax, o.TotalTax = zero, zero, zero, zero, zero
	o.ShippingTotal = s.money(ship)
	o.Total = s.money(sum.Add(ship))
	s.nextPostID++
	s.orders[o.ID] = o
	if c.Paid {
		s.payLocked(o)
		s.setStatusLocked(o, "processing")
	}
	out := s.renderOrderLocked(s.siteLocked(), o)
	s.enqueueLocked("order", o.ID, "created", "updated")
	s.mu.Unlock()
	s.afterChange()
	if s.cfg.Delivery == DeliverAsync {
		s.kick()
	}
	return out, nil
}

// priceNumber is line_items[].price: total / quantity, a JSON number (fixture 28).
func priceNumber(total decimal.Decimal, qty int) json.Number {
	return json.Number(total.DivRound(decimal.NewFromInt(int64(qty)), 8).String())
}

// DisableWebhook sets a webhook to "disabled" as WooCommerce does after too many failed
// deliveries (fixture 46), keeping its failure count above the limit so that, as recorded
// (fixture 48), one more failure after a re-enable disables it again. It reports whether the
// webhook exists.
func (s *Server) DisableWebhook(id int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.webhooks[id]
	if h == nil {
		return false
	}
	h.Status = "disabled"
	h.Failures = s.cfg.MaxWebhookFailures + 1
	return true
}

func (s *Server) siteLocked() string {
	if s.siteURL == "" {
		return "http://127.0.0.1"
	}
	return s.siteURL
}
