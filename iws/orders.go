package iws

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// PlaceOrderParams are the parameters of PlaceOrder and ProcessOrder. The body is either Order (the
// RequestOrder object: header fields, AddressId, Items…) or Items alone (the bare item array), not both.
type PlaceOrderParams struct {
	// CustomerOrderNumber is our order number; IWS refuses to reuse it (ErrorCode 90/92), which makes
	// placing idempotent. When empty, Order.CustomerOrderNumber is sent as the query parameter.
	CustomerOrderNumber string
	Tag                 string
	LocationID          string // warehouse to fulfil from
	CarrierID           string
	Locale              string

	Order *RequestOrder
	Items []RequestOrderItem
}

func (p *PlaceOrderParams) build() (url.Values, []byte, error) {
	if p == nil {
		return nil, nil, errors.New("no order")
	}
	if (p.Order == nil) == (len(p.Items) == 0) {
		return nil, nil, errors.New("give either Order or Items")
	}
	con := p.CustomerOrderNumber
	if p.Order != nil && p.Order.CustomerOrderNumber != "" {
		if con != "" && con != p.Order.CustomerOrderNumber {
			return nil, nil, fmt.Errorf("customer order number %q differs from the body's %q", con, p.Order.CustomerOrderNumber)
		}
		con = p.Order.CustomerOrderNumber
	}
	q := values{}
	q.set("customerOrderNumber", con)
	q.set("tag", p.Tag)
	q.set("locationId", p.LocationID)
	q.set("carrierId", p.CarrierID)
	q.set("locale", p.Locale)
	var body []byte
	var err error
	if p.Order != nil {
		if len(p.Order.Items) == 0 {
			return nil, nil, errors.New("order has no items")
		}
		body, err = json.Marshal(p.Order)
	} else {
		body, err = json.Marshal(p.Items)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("encode body: %w", err)
	}
	return url.Values(q), body, nil
}

// PlaceOrder creates an Intcomex sales order (POST /placeorder) and returns it. It is never retried after
// a network error, a 5xx or an unreadable answer: those come back with IsAmbiguous true, and the caller
// must look the order up (GetOrder by customer order number) before placing it again. ErrorCode 90/92
// (IsOrderNumberInUse) means the customer order number is already taken.
func (c *Client) PlaceOrder(ctx context.Context, params *PlaceOrderParams) (*SalesOrder, error) {
	q, body, err := params.build()
	if err != nil {
		return nil, fmt.Errorf("iws: PlaceOrder: %w", err)
	}
	var out SalesOrder
	if err := c.send(ctx, &epPlaceOrder, q, body, objectConsume(epPlaceOrder.Name, &out)); err != nil {
		return nil, err
	}
	return &out, nil
}

// ProcessOrder starts placing an order asynchronously (POST /processorder) and returns the process; follow
// it with GetProcess or WaitProcess. Retried like PlaceOrder, i.e. never after an ambiguous failure.
func (c *Client) ProcessOrder(ctx context.Context, params *PlaceOrderParams) (*Process, error) {
	q, body, err := params.build()
	if err != nil {
		return nil, fmt.Errorf("iws: ProcessOrder: %w", err)
	}
	var out Process
	if err := c.send(ctx, &epProcessOrder, q, body, objectConsume(epProcessOrder.Name, &out)); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetProcess returns the state of an asynchronous process (GET /GetProcess?processId=).
func (c *Client) GetProcess(ctx context.Context, processID int64) (*Process, error) {
	q := url.Values{"processId": {strconv.FormatInt(processID, 10)}}
	var out Process
	if err := c.send(ctx, &epGetProcess, q, nil, objectConsume(epGetProcess.Name, &out)); err != nil {
		return nil, err
	}
	return &out, nil
}

// DefaultProcessPollInterval is WaitProcess's interval when none is given.
const DefaultProcessPollInterval = 2 * time.Second

// WaitProcess polls GetProcess every interval until the process is done or ctx ends. On success the
// process's UserData.OrderNumber is the Intcomex order number; a Failed process is returned together
// with an error wrapping ErrProcessFailed that carries IWS's message and reference.
func (c *Client) WaitProcess(ctx context.Context, processID int64, interval time.Duration) (*Process, error) {
	if interval <= 0 {
		interval = DefaultProcessPollInterval
	}
	for {
		p, err := c.GetProcess(ctx, processID)
		if err != nil {
			return nil, err
		}
		if done, ok := p.Done(); done {
			if ok {
				return p, nil
			}
			msg, ref := p.Event(), p.Reference
			if p.UserData != nil && p.UserData.Message != "" {
				msg, ref = p.UserData.Message, p.UserData.Reference
			}
			return p, fmt.Errorf("iws: process %d: %s (ref %s): %w", processID, msg, ref, ErrProcessFailed)
		}
		if err := c.sleep(ctx, interval); err != nil {
			return p, fmt.Errorf("iws: waiting for process %d: %w", processID, err)
		}
	}
}

// GetOrder returns an order (GET /getorder) by its Intcomex order number or by our customer order number.
// An unknown order is an *Error for which IsNotFound is true (ErrorCode 30).
func (c *Client) GetOrder(ctx context.Context, orderNumber string) (*SalesOrder, error) {
	if strings.TrimSpace(orderNumber) == "" {
		return nil, errors.New("iws: GetOrder: empty order number")
	}
	var out SalesOrder
	q := url.Values{"orderNumber": {orderNumber}}
	if err := c.send(ctx, &epGetOrder, q, nil, objectConsume(epGetOrder.Name, &out)); err != nil {
		return nil, err
	}
	return &out, nil
}

// OrdersParams are GetOrders' filters. All are optional.
type OrdersParams struct {
	StartDate           time.Time // sent as YYYY-MM-DD, the date in the value's own location
	EndDate             time.Time
	StatusCode          int // one of the Status* constants
	Tag                 string
	HasTrackingDocument *bool
}

// GetOrders lists orders (GET /getorders). IWS does not paginate this list.
func (c *Client) GetOrders(ctx context.Context, params *OrdersParams) ([]SalesOrder, error) {
	q := values{}
	if params != nil {
		if !params.StartDate.IsZero() {
			q.set("startDate", params.StartDate.Format(time.DateOnly))
		}
		if !params.EndDate.IsZero() {
			q.set("endDate", params.EndDate.Format(time.DateOnly))
		}
		if !params.StartDate.IsZero() && !params.EndDate.IsZero() && params.EndDate.Before(params.StartDate) {
			return nil, errors.New("iws: GetOrders: end date before start date")
		}
		q.setInt("statusCode", params.StatusCode)
		q.set("tag", params.Tag)
		q.setBool("hasTrackingDocument", params.HasTrackingDocument)
	}
	return collectFeed[SalesOrder](ctx, c, &epGetOrders, pagedQuery{query: url.Values(q)})
}

// GetOrderStatus returns an order's status (GET /getorderstatus) by Intcomex order number.
func (c *Client) GetOrderStatus(ctx context.Context, orderNumber string) (*OrderStatus, error) {
	if strings.TrimSpace(orderNumber) == "" {
		return nil, errors.New("iws: GetOrderStatus: empty order number")
	}
	var out OrderStatus
	q := url.Values{"orderNumber": {orderNumber}}
	if err := c.send(ctx, &epGetOrderStatus, q, nil, objectConsume(epGetOrderStatus.Name, &out)); err != nil {
		return nil, err
	}
	return &out, nil
}

// InvoiceParams name an invoice: exactly one of InvoiceNumber or OrderNumber.
type InvoiceParams struct {
	InvoiceNumber string
	OrderNumber   string
}

// GetInvoice returns an invoice (GET /getinvoice). An order not invoiced yet is ErrorCode 571
// (IsNotFound).
func (c *Client) GetInvoice(ctx context.Context, params *InvoiceParams) (*Invoice, error) {
	if params == nil || (params.InvoiceNumber == "") == (params.OrderNumber == "") {
		return nil, errors.New("iws: GetInvoice: give exactly one of InvoiceNumber or OrderNumber")
	}
	q := values{}
	q.set("invoiceNumber", params.InvoiceNumber)
	q.set("orderNumber", params.OrderNumber)
	var out Invoice
	if err := c.send(ctx, &epGetInvoice, url.Values(q), nil, objectConsume(epGetInvoice.Name, &out)); err != nil {
		return nil, err
	}
	return &out, nil
}

// CancelOrder cancels an order not yet shipped (POST /cancelorder, body {"OrderNumber": …}) and returns it
// with status Canceled. ErrorCode 39 means it can no longer be cancelled. Not retried after an ambiguous
// failure (IsAmbiguous): check the order's status first.
func (c *Client) CancelOrder(ctx context.Context, orderNumber string) (*SalesOrder, error) {
	if strings.TrimSpace(orderNumber) == "" {
		return nil, errors.New("iws: CancelOrder: empty order number")
	}
	body, err := json.Marshal(struct {
		OrderNumber string `json:"OrderNumber"`
	}{orderNumber})
	if err != nil {
		return nil, fmt.Errorf("iws: CancelOrder: %w", err)
	}
	var out SalesOrder
	if err := c.send(ctx, &epCancelOrder, nil, body, objectConsume(epCancelOrder.Name, &out)); err != nil {
		return nil, err
	}
	return &out, nil
}

// CalculateShippingRates quotes shipping for an order (POST /calculateshippingrates). The order needs
// Items and a destination (StoreOrder.Shipping, or LocationID and AddressID). Put the chosen rate's ID in
// Shipments[].FreightShipmentId when placing the order.
func (c *Client) CalculateShippingRates(ctx context.Context, order *RequestOrder) ([]ShippingRate, error) {
	if order == nil || len(order.Items) == 0 {
		return nil, errors.New("iws: CalculateShippingRates: order has no items")
	}
	body, err := json.Marshal(order)
	if err != nil {
		return nil, fmt.Errorf("iws: CalculateShippingRates: %w", err)
	}
	return collectFeed[ShippingRate](ctx, c, &epCalculateShippingRates, pagedQuery{body: body})
}

// GetCurrency returns a country's currency and its US dollar exchange rates (GET /GetCurrency?countryId=).
func (c *Client) GetCurrency(ctx context.Context, countryID string) (*CurrencyInfo, error) {
	if strings.TrimSpace(countryID) == "" {
		return nil, errors.New("iws: GetCurrency: empty country id")
	}
	var out CurrencyInfo
	q := url.Values{"countryId": {countryID}}
	if err := c.send(ctx, &epGetCurrency, q, nil, objectConsume(epGetCurrency.Name, &out)); err != nil {
		return nil, err
	}
	return &out, nil
}
