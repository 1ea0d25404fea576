package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/iws"
)

var (
	// taxRate is Chile's VAT, applied to order subtotals (percent).
	taxRate = decimal.NewFromInt(19)
	// homeRate converts order amounts (US dollars) to the account's home currency, Chilean pesos, at
	// the rate GetCurrency?countryId=cl gives.
	homeRate = currencies["cl"].perUSD
)

// The simulated customer account.
var (
	customerCurrency = iws.OrderCurrency{CurrencyID: currencyUS}
	orderCurrency    = iws.OrderCurrency{
		CurrencyID: currencyUS, CurrencyCode: strPtr("USD"), Description: strPtr("Dollars"), Symbol: strPtr("US$"),
		UsExchangeRate: decPtr(decimal.NewFromInt(1)),
	}
	customer = iws.Customer{
		CustomerID: "XCLSANDBOX1", Name: "Sandbox Demo SpA",
		Company: &iws.IDName{ID: "XCL", Name: "Chile"}, Country: &iws.IDName{ID: "cl", Name: "Chile"},
		Currency: &customerCurrency,
	}
)

func strPtr(s string) *string { return &s }

func decPtr(d decimal.Decimal) *iws.Decimal { v := iws.DecimalFrom(d); return &v }

// order is a placed order as the sandbox keeps (and persists) it.
type order struct {
	Number                string           `json:"number"`
	CustomerOrderNumber   string           `json:"customerOrderNumber,omitempty"`
	Date                  time.Time        `json:"date"`
	Status                int              `json:"status"`
	Changed               time.Time        `json:"changed"`
	History               []statusChange   `json:"history"`
	Tag                   string           `json:"tag,omitempty"`
	LocationID            string           `json:"locationId,omitempty"`
	CarrierID             string           `json:"carrierId,omitempty"`
	Locale                int              `json:"locale"`
	Lines                 []orderLine      `json:"lines"`
	Subtotal              decimal.Decimal  `json:"subtotal"`
	Tax                   decimal.Decimal  `json:"tax"`
	Total                 decimal.Decimal  `json:"total"`
	OnHold                bool             `json:"onHold,omitempty"`
	StoreOrder            *iws.StoreOrder  `json:"storeOrder,omitempty"`
	TaxRegistrationNumber string           `json:"taxRegistrationNumber,omitempty"`
	InvoiceRequested      bool             `json:"invoiceRequested,omitempty"`
	ReceiveInvoiceByMail  bool             `json:"receiveInvoiceByMail,omitempty"`
	CouponCodes           []string         `json:"couponCodes,omitempty"`
	Payments              []iws.Payment    `json:"payments,omitempty"`
	Attachments           []iws.Attachment `json:"attachments,omitempty"`
	ClientShipments       []iws.Shipment   `json:"clientShipments,omitempty"`
	Serials               []string         `json:"serials,omitempty"`
	Shipments             []shipment       `json:"shipments,omitempty"`
	PickNumber            int64            `json:"pickNumber,omitempty"`
	PackNumber            int64            `json:"packNumber,omitempty"`
	PickPackDate          time.Time        `json:"pickPackDate,omitzero"`
	InvoiceNumber         string           `json:"invoiceNumber,omitempty"`
	InvoiceDate           time.Time        `json:"invoiceDate,omitzero"`
}

type orderLine struct {
	Sku         string          `json:"sku"`
	Quantity    int             `json:"quantity"`
	UnitPrice   decimal.Decimal `json:"unitPrice"`
	Alloc       [nLoc]int32     `json:"alloc"`
	LocationID  string          `json:"locationId,omitempty"`
	StoreItemID *string         `json:"storeItemId,omitempty"`
}

type shipment struct {
	ID         int64     `json:"id"`
	TrackingID string    `json:"trackingId"`
	CarrierID  string    `json:"carrierId"`
	Date       time.Time `json:"date"`
}

type statusChange struct {
	Status int       `json:"status"`
	At     time.Time `json:"at"`
}

func (o *order) hasPhysical(cat *catalog) bool {
	for _, l := range o.Lines {
		if i, ok := cat.bySKU[l.Sku]; ok && cat.items[i].typ == typePhysical {
			return true
		}
	}
	return false
}

type counters struct {
	Order      int64 `json:"order"`
	Invoice    int64 `json:"invoice"`
	Shipment   int64 `json:"shipment"`
	Serial     int64 `json:"serial"`
	Payment    int64 `json:"payment"`
	Attachment int64 `json:"attachment"`
	Process    int64 `json:"process"`
}

// orderBook holds the orders and their indexes; guarded by Sandbox.mu.
type orderBook struct {
	orders     []*order
	byNumber   map[string]*order
	byCustomer map[string]*order
	byInvoice  map[string]*order
	next       counters
}

func newOrderBook() *orderBook {
	return &orderBook{
		byNumber:   make(map[string]*order),
		byCustomer: make(map[string]*order),
		byInvoice:  make(map[string]*order),
		next:       counters{Order: 1_000_001, Invoice: 2_000_001, Shipment: 10_001, Serial: 1, Payment: 1, Attachment: 1, Process: 1},
	}
}

func (b *orderBook) add(o *order) {
	b.orders = append(b.orders, o)
	b.byNumber[o.Number] = o
	if o.CustomerOrderNumber != "" {
		b.byCustomer[o.CustomerOrderNumber] = o
	}
	if o.InvoiceNumber != "" {
		b.byInvoice[o.InvoiceNumber] = o
	}
}

// find resolves an Intcomex order number, or else a customer order number (GetOrder accepts both).
func (b *orderBook) find(number string) *order {
	if o := b.byNumber[number]; o != nil {
		return o
	}
	return b.byCustomer[number]
}

// outstanding is the credit in use: orders neither canceled nor delivered (the sandbox treats
// delivery as settlement; IWS does not document how credit frees up).
func (b *orderBook) outstanding() decimal.Decimal {
	sum := decimal.Zero
	for _, o := range b.orders {
		if o.Status != iws.StatusCanceled && o.Status != iws.StatusDelivered {
			sum = sum.Add(o.Total)
		}
	}
	return sum
}

// placeRequest is a parsed PlaceOrder/ProcessOrder request.
type placeRequest struct {
	hdr                 iws.RequestOrder
	items               []iws.RequestOrderItem
	customerOrderNumber string
	tag                 string
	locationID          string
	carrierID           string
	locale              int
}

// parsePlace reads both body forms of PlaceOrder (a bare item array or a RequestOrder object) and
// its query parameters, which win over the same fields in the body.
func (s *Sandbox) parsePlace(c *call, body []byte) (*placeRequest, error) {
	req := &placeRequest{locale: s.locale(c)}
	body = bytes.TrimSpace(body)
	switch {
	case len(body) == 0:
		return nil, invalidOrder()
	case body[0] == '[':
		if err := json.Unmarshal(body, &req.items); err != nil {
			return nil, invalidOrder()
		}
	case body[0] == '{':
		if err := json.Unmarshal(body, &req.hdr); err != nil {
			return nil, invalidOrder()
		}
		req.items = req.hdr.Items
	default:
		return nil, invalidOrder()
	}
	req.customerOrderNumber = firstNonEmpty(c.param("customerordernumber"), strings.TrimSpace(req.hdr.CustomerOrderNumber))
	req.tag = firstNonEmpty(c.param("tag"), strings.TrimSpace(req.hdr.Tag))
	req.locationID = firstNonEmpty(c.param("locationid"), strings.TrimSpace(req.hdr.LocationID))
	req.carrierID = firstNonEmpty(c.param("carrierid"), strings.TrimSpace(req.hdr.CarrierID))
	return req, nil
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// validateItems applies the body checks that need no state: 32, 33, 34.
func validateItems(items []iws.RequestOrderItem) error {
	if len(items) == 0 {
		return iwsErr(http.StatusBadRequest, 32, "List of order items was not specified or is empty. Make sure that the list of items is properly formatted in the request body.")
	}
	for _, it := range items {
		if strings.TrimSpace(it.Sku) == "" {
			return iwsErr(http.StatusBadRequest, 33, "One or more order items are missing the SKU. Please make sure that the list is properly formatted in the request body and contains valid products.")
		}
	}
	for _, it := range items {
		if it.Quantity <= 0 {
			return iwsErr(http.StatusBadRequest, 34, "One or more order items have a quantity of zero or less. Please make sure that all order items have a quantity larger than zero.")
		}
	}
	return nil
}

// place creates an order: body checks, the customer order number guard (90 already used, 92 in
// flight), products (20, 27), stock per warehouse (23), credit (660); then it takes the stock and
// records the order, all under one lock.
func (s *Sandbox) place(req *placeRequest, delay time.Duration) (*order, error) {
	if err := validateItems(req.items); err != nil {
		return nil, err
	}
	loc := -1
	if req.locationID != "" {
		if loc = locationIndex(req.locationID); loc < 0 {
			return nil, invalidRequest(fmt.Sprintf("Unknown location '%s'.", req.locationID))
		}
	}
	cust := req.customerOrderNumber
	if cust == "" && s.cfg.RequireCustomerOrderNumber {
		return nil, iwsErr(http.StatusBadRequest, 91, "Customer Order Number was not specified. The 'customerOrderNumber' parameter is required in the request.")
	}
	if cust != "" {
		s.mu.Lock()
		if o := s.book.byCustomer[cust]; o != nil {
			s.mu.Unlock()
			return nil, iwsErr(http.StatusBadRequest, 90,
				fmt.Sprintf("Customer order number '%s' is already assigned to order %s.", cust, o.Number),
				"CustomerOrderNumber", cust, "OrderNumber", o.Number)
		}
		if s.inflight[cust] {
			s.mu.Unlock()
			return nil, iwsErr(http.StatusBadRequest, 92,
				fmt.Sprintf("Customer order number '%s' has already been used in another request. Please wait for that request to finish.", cust),
				"CustomerOrderNumber", cust)
		}
		s.inflight[cust] = true
		s.mu.Unlock()
		defer func() {
			s.mu.Lock()
			delete(s.inflight, cust)
			s.mu.Unlock()
		}()
	}
	if delay > 0 {
		time.Sleep(delay) // the back office is slow; the client going away does not stop it
	}
	if s.commitGate != nil {
		<-s.commitGate
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	work := make(map[int32][nLoc]int32)
	lines := make([]orderLine, 0, len(req.items))
	subtotal := decimal.Zero
	for _, ri := range req.items {
		sku := strings.ToUpper(strings.TrimSpace(ri.Sku))
		i, ok := s.cat.bySKU[sku]
		if !ok {
			return nil, iwsErr(http.StatusNotFound, 20, "Invalid product.", "Sku", strings.TrimSpace(ri.Sku))
		}
		it := &s.cat.items[i]
		price, priced := s.inv.price(it, i)
		if s.inv.removed[i] || !priced {
			return nil, iwsErr(http.StatusUnauthorized, 27,
				fmt.Sprintf("Unable to add product to an order. SKU %s is inactive or is not authorized for the customer specified.", sku),
				"Sku", sku)
		}
		qty := int(ri.Quantity)
		line := orderLine{Sku: sku, Quantity: qty, UnitPrice: price}
		if id := strings.TrimSpace(ri.StoreItemID); id != "" {
			line.StoreItemID = &id
		}
		if it.typ == typePhysical {
			st, seen := work[i]
			if !seen {
				st = s.inv.stockOf(i)
			}
			alloc, current, ok := allocate(st, qty, loc)
			if !ok {
				var locID any // null when no warehouse was asked for, as in the spec's example
				if loc >= 0 {
					locID = locationIDs[loc]
				}
				return nil, iwsErr(http.StatusNotFound, 23,
					fmt.Sprintf("Insufficient stock available for SKU %s. Attempted to purchase quantity of %d but current stock available is %d", sku, qty, current),
					"Sku", sku, "QuantityAttempted", strconv.Itoa(qty), "CurrentStock", strconv.Itoa(int(current)), "LocationId", locID)
			}
			for l := range st {
				st[l] -= alloc[l]
			}
			work[i] = st
			line.Alloc = alloc
			line.LocationID = locationIDs[primary(alloc)]
		}
		lines = append(lines, line)
		subtotal = subtotal.Add(price.Mul(decimal.NewFromInt(int64(qty))))
	}
	subtotal = subtotal.Round(2)
	tax := subtotal.Mul(taxRate).Div(decimal.NewFromInt(100)).Round(2)
	orderTotal := subtotal.Add(tax)
	if !s.cfg.CreditLimit.IsZero() && s.book.outstanding().Add(orderTotal).GreaterThan(s.cfg.CreditLimit) {
		return nil, iwsErr(http.StatusInternalServerError, 660, "Insufficient available credit to place order.")
	}

	for i, st := range work {
		copy(s.inv.stock[int(i)*nLoc:], st[:])
	}
	now := s.stamp()
	o := &order{
		Number:                strconv.FormatInt(s.book.next.Order, 10),
		CustomerOrderNumber:   cust,
		Date:                  now,
		Status:                iws.StatusOpen,
		Changed:               now,
		History:               []statusChange{{Status: iws.StatusOpen, At: now}},
		Tag:                   req.tag,
		LocationID:            req.locationID,
		CarrierID:             req.carrierID,
		Locale:                req.locale,
		Lines:                 lines,
		Subtotal:              subtotal,
		Tax:                   tax,
		Total:                 orderTotal,
		OnHold:                s.cfg.HoldNewOrders,
		StoreOrder:            req.hdr.StoreOrder,
		TaxRegistrationNumber: req.hdr.TaxRegistrationNumber,
		CouponCodes:           req.hdr.CouponCodes,
		Attachments:           stripContent(req.hdr.Attachments, &s.book.next),
		ClientShipments:       req.hdr.Shipments,
	}
	if req.hdr.InvoiceRequested != nil {
		o.InvoiceRequested = *req.hdr.InvoiceRequested
	}
	if req.hdr.ReceiveInvoiceByMail != nil {
		o.ReceiveInvoiceByMail = *req.hdr.ReceiveInvoiceByMail
	}
	s.book.next.Order++
	s.book.add(o)
	s.changed()
	s.log.Info("sandbox: order placed", "order", o.Number, "customerOrder", cust, "total", orderTotal.String())
	return o, nil
}

// allocate takes qty from the warehouses: from loc when given; otherwise from one warehouse that can
// serve it all (the fullest), else from the fullest first. current is the stock the failure names.
func allocate(st [nLoc]int32, qty, loc int) (alloc [nLoc]int32, current int32, ok bool) {
	if loc >= 0 {
		if int(st[loc]) < qty {
			return alloc, st[loc], false
		}
		alloc[loc] = int32(qty)
		return alloc, 0, true
	}
	if int(total(st)) < qty {
		return alloc, total(st), false
	}
	order := []int{0, 1, 2}
	slices.SortStableFunc(order, func(a, b int) int { return int(st[b] - st[a]) })
	left := int32(qty)
	for _, l := range order {
		take := min(left, st[l])
		alloc[l] = take
		left -= take
		if left == 0 {
			break
		}
	}
	return alloc, 0, true
}

func primary(alloc [nLoc]int32) int {
	best := 0
	for l := range alloc {
		if alloc[l] > alloc[best] {
			best = l
		}
	}
	return best
}

// stripContent keeps attachment metadata (the sandbox does not store files) and numbers them.
func stripContent(in []iws.Attachment, next *counters) []iws.Attachment {
	out := make([]iws.Attachment, 0, len(in))
	for _, a := range in {
		id := iws.Int(next.Attachment)
		next.Attachment++
		out = append(out, iws.Attachment{ID: &id, Type: a.Type, Description: a.Description, FileName: a.FileName})
	}
	return out
}

func money(amount decimal.Decimal, home bool) *iws.Money {
	m := &iws.Money{Amount: decPtr(amount)}
	if home {
		m.HomeAmount = decPtr(amount.Mul(homeRate).Round(0))
	}
	return m
}

// salesOrder renders an order as the spec's SalesOrder. Fields the spec's examples show as null stay
// null (StoreOrder, HoldReason, Payments …) unless the order has them.
func (s *Sandbox) salesOrder(o *order, loc int, base string) iws.SalesOrder {
	items := make([]iws.SalesOrderItem, len(o.Lines))
	for n, l := range o.Lines {
		var prod *iws.Product
		if i, ok := s.cat.bySKU[l.Sku]; ok {
			it := &s.cat.items[i]
			lf := &leaves[it.leaf]
			prod = &iws.Product{
				Sku: it.sku, Mpn: it.mpn, Description: s.cat.description(it, loc), Type: productTypes[it.typ],
				Brand: s.cat.brands[it.brand], New: boolPtr(it.isNew), ProductLine: &lf.lines[it.line], Model: &it.model,
			}
			if it.upc != "" {
				prod.Upc = &it.upc
			}
		}
		items[n] = iws.SalesOrderItem{
			LineNumber:    iws.Int(n + 1),
			Product:       prod,
			Quantity:      iws.Int(l.Quantity),
			LocationID:    l.LocationID,
			UnitPrice:     money(l.UnitPrice, false),
			ExtendedPrice: money(l.UnitPrice.Mul(decimal.NewFromInt(int64(l.Quantity))), false),
			StoreItemID:   l.StoreItemID,
			Components:    []iws.Product{},
		}
	}
	shipments := make([]iws.Shipment, 0, len(o.ClientShipments)+len(o.Shipments))
	shipments = append(shipments, o.ClientShipments...)
	for _, sh := range o.Shipments {
		id := iws.Int(sh.ID)
		shipments = append(shipments, iws.Shipment{
			ShipmentID: &id, FreightService: "Intcomex", FreightShipmentID: iws.String(strconv.FormatInt(sh.ID, 10)),
			ServiceType: "estandar", CarrierID: sh.CarrierID, Amount: iws.DecimalFrom(decimal.Zero),
			TrackingID: iws.String(sh.TrackingID), TrackingURL: base + "/tracking/" + sh.TrackingID,
		})
	}
	paid := decimal.Zero
	for _, p := range o.Payments {
		paid = paid.Add(p.Amount.Decimal)
	}
	so := iws.SalesOrder{
		OrderNumber:          iws.String(o.Number),
		OrderDate:            &iws.Time{Time: o.Date},
		Customer:             &customer,
		CustomerOrderNumber:  o.CustomerOrderNumber,
		StoreOrder:           o.StoreOrder,
		Items:                items,
		ItemCount:            iws.Int(len(items)),
		CouponCodes:          o.CouponCodes,
		InvoiceRequested:     o.InvoiceRequested,
		ReceiveInvoiceByMail: o.ReceiveInvoiceByMail,
		Payments:             o.Payments,
		Shipments:            shipments,
		OnHold:               o.OnHold,
		TotalPayments:        decPtr(paid),
		Status:               iws.Status{StatusCode: iws.Int(o.Status), Description: iws.StatusDescription(o.Status)},
		Currency:             &orderCurrency,
		TaxRate:              decPtr(taxRate),
		OtherFees:            new(iws.String),
		Subtotal:             money(o.Subtotal, true),
		Discounts:            money(decimal.Zero, false),
		Tax:                  money(o.Tax, true),
		ShippingFee:          money(decimal.Zero, false),
		Total:                money(o.Total, true),
		PrintedInvoiceNumber: strPtr(o.InvoiceNumber),
		CarrierID:            strPtr(o.CarrierID),
		Attachments:          o.Attachments,
		SerialNumbers:        o.Serials,
	}
	if so.Attachments == nil {
		so.Attachments = []iws.Attachment{}
	}
	if so.SerialNumbers == nil {
		so.SerialNumbers = []string{}
	}
	// The spec's examples show HoldId "MGNO" on a held order and "MGOK" once released.
	so.HoldID = strPtr("MGOK")
	if o.OnHold {
		so.HoldID = strPtr("MGNO")
	}
	if o.TaxRegistrationNumber != "" {
		so.TaxRegistrationNumber = &o.TaxRegistrationNumber
	}
	if o.Tag != "" {
		so.Tag = &o.Tag
	}
	if o.PickNumber != 0 {
		pick, pack := iws.Int(o.PickNumber), iws.Int(o.PackNumber)
		date := o.PickPackDate.UTC().Format(time.RFC3339)
		so.PickNumber, so.PackNumber, so.PickDate, so.PackDate = &pick, &pack, &date, &date
	}
	return so
}

// orderLocale is the locale to render an order in: the call's, else the one it was placed with.
func (s *Sandbox) orderLocale(c *call, o *order) int {
	if l := strings.ToLower(c.param("locale")); l == "es" || l == "en" {
		return s.locale(c)
	}
	return o.Locale
}

// placeOrder is POST /placeorder.
func (s *Sandbox) placeOrder(c *call) error {
	body, err := c.body()
	if err != nil {
		return err
	}
	req, err := s.parsePlace(c, body)
	if err != nil {
		return err
	}
	o, err := s.place(req, c.commitDelay)
	if err != nil {
		return err
	}
	s.mu.Lock()
	so := s.salesOrder(o, o.Locale, s.baseURL(c.r))
	s.mu.Unlock()
	writeJSON(c.w, so)
	return nil
}

// getOrder is GET /getorder by Intcomex or customer order number.
func (s *Sandbox) getOrder(c *call) error {
	number := c.param("ordernumber")
	if number == "" {
		return iwsErr(http.StatusBadRequest, 36, "Order number was not specified.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.book.find(number)
	if o == nil {
		return invalidSalesOrder(number)
	}
	writeJSON(c.w, s.salesOrder(o, s.orderLocale(c, o), s.baseURL(c.r)))
	return nil
}

// getOrderStatus is GET /getorderstatus by Intcomex order number: {"Status":{"StatusCode":1,…}}.
func (s *Sandbox) getOrderStatus(c *call) error {
	number := c.param("ordernumber")
	if number == "" {
		return iwsErr(http.StatusBadRequest, 36, "Order number was not specified.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.book.byNumber[number]
	if o == nil {
		return invalidSalesOrder(number)
	}
	writeJSON(c.w, iws.OrderStatus{Status: iws.Status{StatusCode: iws.Int(o.Status), Description: iws.StatusDescription(o.Status)}})
	return nil
}

// getOrders is GET /getorders with startDate/endDate (inclusive days), statusCode, tag and
// hasTrackingDocument filters.
func (s *Sandbox) getOrders(c *call) error {
	var from, to time.Time
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"startDate", &from}, {"endDate", &to}} {
		raw := c.param(strings.ToLower(p.name))
		if raw == "" {
			continue
		}
		t, err := iws.ParseTime(raw)
		if err != nil {
			return iwsErr(http.StatusBadRequest, 850, fmt.Sprintf("Parameter %s is not a valid date.", p.name))
		}
		*p.dst = t
	}
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		return iwsErr(http.StatusBadRequest, 851, "End date cannot be before start date.")
	}
	if !to.IsZero() && to.Equal(to.Truncate(24*time.Hour)) {
		to = to.Add(24*time.Hour - time.Nanosecond) // a bare date means the whole day
	}
	status, statusSet := 0, false
	if raw := c.param("statuscode"); raw != "" {
		d, err := decimal.NewFromString(raw)
		if err != nil || !d.IsInteger() {
			return invalidRequest(fmt.Sprintf("The value '%s' is not valid for statusCode.", raw))
		}
		status, statusSet = int(d.IntPart()), true
	}
	tag := c.param("tag")
	tracking, trackingSet, err := c.boolParam("hastrackingdocument")
	if err != nil {
		return err
	}
	base := s.baseURL(c.r)
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]iws.SalesOrder, 0)
	for _, o := range s.book.orders {
		switch {
		case !from.IsZero() && o.Date.Before(from),
			!to.IsZero() && o.Date.After(to),
			statusSet && o.Status != status,
			tag != "" && !strings.EqualFold(o.Tag, tag),
			trackingSet && (len(o.Shipments) > 0) != tracking:
			continue
		}
		out = append(out, s.salesOrder(o, s.orderLocale(c, o), base))
	}
	writeJSON(c.w, out)
	return nil
}

// orderNumberBody reads {"OrderNumber": …} (SimpleRequestOrder), falling back to the query string.
func orderNumberBody(c *call, body []byte) (string, error) {
	var req struct {
		OrderNumber iws.String `json:"OrderNumber"`
	}
	if b := bytes.TrimSpace(body); len(b) > 0 {
		if err := json.Unmarshal(b, &req); err != nil {
			return "", invalidOrder()
		}
	}
	number := firstNonEmpty(strings.TrimSpace(string(req.OrderNumber)), c.param("ordernumber"))
	if number == "" {
		return "", missingOrderNumber()
	}
	return number, nil
}

// cancelOrder is POST /cancelorder: allowed until the order is ready to deliver; the stock goes back.
func (s *Sandbox) cancelOrder(c *call) error {
	body, err := c.body()
	if err != nil {
		return err
	}
	number, err := orderNumberBody(c, body)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.book.find(number)
	if o == nil {
		return invalidSalesOrder(number)
	}
	switch o.Status {
	case iws.StatusOpen, iws.StatusInProcess, iws.StatusBackOrder:
	default:
		return iwsErr(http.StatusUnauthorized, 39, "Unable to cancel order. Please contact support.", "OrderNumber", o.Number)
	}
	for _, l := range o.Lines {
		i := s.cat.bySKU[l.Sku]
		for loc, n := range l.Alloc {
			s.inv.addStock(i, loc, n)
		}
	}
	s.setStatusLocked(o, iws.StatusCanceled, s.stamp())
	writeJSON(c.w, s.salesOrder(o, s.orderLocale(c, o), s.baseURL(c.r)))
	return nil
}

// updateOrder is POST /updateorder: only StoreOrder, TaxRegistrationNumber, Shipments, CarrierId and
// Attachments change; nothing on a canceled order, only Attachments on an invoiced one.
func (s *Sandbox) updateOrder(c *call) error {
	body, err := c.body()
	if err != nil {
		return err
	}
	var req iws.RequestOrder
	if err := json.Unmarshal(body, &req); err != nil {
		return invalidOrder()
	}
	number := firstNonEmpty(strings.TrimSpace(req.OrderNumber), c.param("ordernumber"))
	if number == "" {
		return missingOrderNumber()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.book.find(number)
	if o == nil {
		return invalidSalesOrder(number)
	}
	if o.Status == iws.StatusCanceled {
		return invalidRequest("A canceled order cannot be updated.")
	}
	onlyAttachments := req.StoreOrder == nil && req.TaxRegistrationNumber == "" && len(req.Shipments) == 0 && req.CarrierID == ""
	if (o.Status == iws.StatusInvoiced || o.Status == iws.StatusDelivered) && !onlyAttachments {
		return iwsErr(http.StatusBadRequest, 651, "Cannot update invoiced order.", "OrderNumber", o.Number)
	}
	if req.StoreOrder != nil {
		o.StoreOrder = req.StoreOrder
	}
	if req.TaxRegistrationNumber != "" {
		o.TaxRegistrationNumber = req.TaxRegistrationNumber
	}
	if req.CarrierID != "" {
		o.CarrierID = req.CarrierID
	}
	o.ClientShipments = append(o.ClientShipments, req.Shipments...)
	o.Attachments = append(o.Attachments, stripContent(req.Attachments, &s.book.next)...)
	s.changed()
	writeJSON(c.w, s.salesOrder(o, s.orderLocale(c, o), s.baseURL(c.r)))
	return nil
}

// registerPayments is POST /registerpayments.
func (s *Sandbox) registerPayments(c *call) error {
	body, err := c.body()
	if err != nil {
		return err
	}
	var req struct {
		OrderNumber iws.String    `json:"OrderNumber"`
		Payments    []iws.Payment `json:"Payments"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return iwsErr(http.StatusBadRequest, 170, "Invalid payment specified. Make sure that the payment is properly formatted in the request body.")
	}
	number := strings.TrimSpace(string(req.OrderNumber))
	if number == "" {
		return missingOrderNumber()
	}
	if len(req.Payments) == 0 {
		return iwsErr(http.StatusBadRequest, 170, "Invalid payment specified. Make sure that the payment is properly formatted in the request body.")
	}
	for _, p := range req.Payments {
		if p.Amount.IsZero() {
			return iwsErr(http.StatusUnauthorized, 171, "Payment amount cannot be zero.")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.book.find(number)
	if o == nil {
		return invalidSalesOrder(number)
	}
	if o.Status == iws.StatusCanceled {
		return iwsErr(http.StatusUnauthorized, 176, "Cannot register payment for a canceled order.", "OrderNumber", o.Number)
	}
	for _, p := range req.Payments {
		id := iws.Int(s.book.next.Payment)
		s.book.next.Payment++
		p.PaymentID = &id
		o.Payments = append(o.Payments, p)
	}
	s.changed()
	writeJSON(c.w, o.Payments)
	return nil
}

// releaseOrder is POST /releaseOrder: lifts the hold once payments cover the total.
func (s *Sandbox) releaseOrder(c *call) error {
	body, err := c.body()
	if err != nil {
		return err
	}
	number, err := orderNumberBody(c, body)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.book.find(number)
	if o == nil {
		return invalidSalesOrder(number)
	}
	if o.Status == iws.StatusCanceled {
		// The spec's example answers this with 401 although its table lists 664 as a 500.
		return iwsErr(http.StatusUnauthorized, 664, "Cannot release a canceled order.", "OrderNumber", o.Number)
	}
	if len(o.Payments) == 0 {
		return iwsErr(http.StatusUnauthorized, 173, "No payments found registered for the order. At least one payment is required before releasing the order.", "OrderNumber", o.Number)
	}
	paid := decimal.Zero
	for _, p := range o.Payments {
		paid = paid.Add(p.Amount.Decimal)
	}
	if paid.LessThan(o.Total) {
		balance := o.Total.Sub(paid)
		return iwsErr(http.StatusUnauthorized, 175,
			fmt.Sprintf("Insufficient payments amount for the order. Amount required: %s | Amount paid: %s | Balance: %s.", o.Total, paid, balance),
			"OrderNumber", o.Number, "AmountRequired", iws.DecimalFrom(o.Total), "AmountPaid", iws.DecimalFrom(paid),
			"Balance", iws.DecimalFrom(balance))
	}
	if o.OnHold {
		o.OnHold = false
		o.Changed = s.stamp() // the status clock starts when the hold lifts
		s.changed()
	}
	writeJSON(c.w, s.salesOrder(o, s.orderLocale(c, o), s.baseURL(c.r)))
	return nil
}
