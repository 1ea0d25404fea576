package shopifytest

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// OrderLine is a line of a test order.
type OrderLine struct {
	ID        string
	SKU       string
	Title     string
	Quantity  int
	Price     decimal.Decimal
	Fulfilled int
}

// Address is a shipping address.
type Address struct {
	FirstName, LastName, Company, Address1, Address2, City, Province, ProvinceCode, Zip, Country, CountryCode, Phone string
}

// Tracking is a fulfillment's tracking info.
type Tracking struct{ Company, Number, URL string }

// Fulfillment is a fulfillment created through fulfillmentCreate.
type Fulfillment struct {
	ID       string
	Tracking Tracking
	Lines    map[string]int // line item id → quantity
}

// Order is the fake's view of an order.
type Order struct {
	ID                string
	LegacyID          int64
	Name              string
	Email, Phone      string
	CustomerFirstName string
	CustomerLastName  string
	ShippingAddress   Address
	Lines             []OrderLine
	FinancialStatus   string // PAID
	Note              string
	Tags              []string
	Metafields        []Metafield
	Fulfillments      []Fulfillment
	Closed            bool
	CancelledAt       *time.Time
	CancelReason      string
	CreatedAt         time.Time
	UpdatedAt         time.Time
	Test              bool
	ShippingMethod    string // title of the shipping line
	Holds             []Hold // open holds on the order's fulfillment order
	fulfillmentOrder  string
}

// Hold is a fulfillment hold placed through fulfillmentOrderHold.
type Hold struct{ ID, Reason, ReasonNotes, Handle string }

// NewOrder describes an order for CreateOrder.
type NewOrder struct {
	// FinancialStatus is the displayFinancialStatus the checkout left
	// (default "PAID"; "PENDING" for a manual payment not yet captured).
	FinancialStatus     string
	ShippingMethod      string
	Email, Phone        string
	FirstName, LastName string
	ShippingAddress     Address
	Lines               []OrderLine // SKU, Title, Quantity, Price
	Note                string
	Tags                []string
	Test                bool
}

func (o *Order) clone() Order {
	c := *o
	c.Lines = slices.Clone(o.Lines)
	c.Tags = slices.Clone(o.Tags)
	c.Metafields = slices.Clone(o.Metafields)
	c.Fulfillments = slices.Clone(o.Fulfillments)
	c.Holds = slices.Clone(o.Holds)
	return c
}

func (o *Order) total() decimal.Decimal {
	t := decimal.Zero
	for _, l := range o.Lines {
		t = t.Add(l.Price.Mul(decimal.NewFromInt(int64(l.Quantity))))
	}
	return t
}

// CreateOrder creates an order, as a checkout would, and delivers the
// ORDERS_CREATE and ORDERS_UPDATED webhooks, and ORDERS_PAID when the order
// is paid, synchronously (to subscribers).
func (s *Server) CreateOrder(in NewOrder) Order {
	s.mu.Lock()
	o, hooks := s.createOrderLocked(in)
	out := o.clone()
	s.mu.Unlock()
	s.deliver(hooks)
	return out
}

// createOrderLocked adds the order and returns the webhooks it fires; s.mu is held.
func (s *Server) createOrderLocked(in NewOrder) (*Order, []delivery) {
	now := s.now()
	fin := strings.ToUpper(in.FinancialStatus)
	if fin == "" {
		fin = "PAID"
	}
	o := &Order{
		ID: s.gid("Order"), Email: in.Email, Phone: in.Phone, CustomerFirstName: in.FirstName, CustomerLastName: in.LastName,
		ShippingAddress: in.ShippingAddress, FinancialStatus: fin, Note: in.Note, Tags: slices.Clone(in.Tags),
		CreatedAt: now, UpdatedAt: now, Test: in.Test, ShippingMethod: in.ShippingMethod,
	}
	o.LegacyID, _ = strconv.ParseInt(o.ID[strings.LastIndex(o.ID, "/")+1:], 10, 64)
	o.Name = fmt.Sprintf("#%d", 1000+len(s.st.orders)+1)
	o.fulfillmentOrder = s.gid("FulfillmentOrder")
	for _, l := range in.Lines {
		l.ID = s.gid("LineItem")
		o.Lines = append(o.Lines, l)
	}
	s.st.orders = append(s.st.orders, o)
	hooks := append(s.hooksFor("ORDERS_CREATE", s.orderPayload(o)), s.hooksFor("ORDERS_UPDATED", s.orderPayload(o))...)
	if fin == "PAID" {
		hooks = append(hooks, s.hooksFor("ORDERS_PAID", s.orderPayload(o))...)
	}
	return o, hooks
}

// orderCreate is the Admin API's orderCreate, as a headless checkout or an import uses it: line
// items by variantId (the variant's SKU, title and price) or by title, sku and priceSet; the
// financial status (PAID by default here, as the demo's customers pay at checkout; PENDING for
// a manual payment), email, phone and shipping address. It fires the order webhooks like a
// checkout. Discounts, taxes, transactions and customers are not modelled.
func (s *Server) orderCreate(args map[string]any) (obj, []delivery) {
	in, _ := args["order"].(map[string]any)
	fail := func(field, msg string) (obj, []delivery) {
		return obj{"order": nil, "userErrors": []obj{userErr([]string{"order", field}, msg, "INVALID")}}, nil
	}
	no := NewOrder{FinancialStatus: str(in["financialStatus"]), Email: str(in["email"]), Phone: str(in["phone"]),
		Note: str(in["note"]), Tags: strs(in["tags"]), Test: in["test"] == true}
	if addr, ok := in["shippingAddress"].(map[string]any); ok {
		no.ShippingAddress = Address{FirstName: str(addr["firstName"]), LastName: str(addr["lastName"]), Company: str(addr["company"]),
			Address1: str(addr["address1"]), Address2: str(addr["address2"]), City: str(addr["city"]),
			ProvinceCode: str(addr["provinceCode"]), Zip: str(addr["zip"]), CountryCode: str(addr["countryCode"]), Phone: str(addr["phone"])}
		no.FirstName, no.LastName = no.ShippingAddress.FirstName, no.ShippingAddress.LastName
	}
	lines := objs(in["lineItems"])
	if len(lines) == 0 {
		return fail("lineItems", "Line items must have at least one line item")
	}
	for _, li := range lines {
		q := toInt(li["quantity"])
		if q <= 0 {
			return fail("lineItems", "Quantity must be greater than 0")
		}
		line := OrderLine{Quantity: q, SKU: str(li["sku"]), Title: str(li["title"])}
		if vid := str(li["variantId"]); vid != "" {
			p, v, ok := s.variantLocked(vid)
			if !ok {
				return fail("lineItems", "Variant does not exist")
			}
			line.SKU, line.Title, line.Price = v.SKU, p.Title, v.Price
		} else if ps, ok := li["priceSet"].(map[string]any); ok {
			if m, ok := ps["shopMoney"].(map[string]any); ok {
				line.Price, _ = decimal.NewFromString(str(m["amount"]))
			}
		}
		if line.Title == "" {
			return fail("lineItems", "Title can't be blank")
		}
		no.Lines = append(no.Lines, line)
	}
	switch no.FinancialStatus = strings.ToUpper(no.FinancialStatus); no.FinancialStatus {
	case "", "PAID", "PENDING", "AUTHORIZED":
	default:
		return fail("financialStatus", "Financial status is not supported by the fake")
	}
	o, hooks := s.createOrderLocked(no)
	return obj{"order": s.orderObj(o), "userErrors": []obj{}}, hooks
}

// variantLocked finds a variant by id; s.mu is held.
func (s *Server) variantLocked(id string) (*Product, Variant, bool) {
	for _, p := range s.st.products {
		for _, v := range p.Variants {
			if v.ID == id {
				return p, v, true
			}
		}
	}
	return nil, Variant{}, false
}

// Orders returns copies of every order.
func (s *Server) Orders() []Order {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Order, 0, len(s.st.orders))
	for _, o := range s.st.orders {
		out = append(out, o.clone())
	}
	return out
}

func (s *Server) order(id string) *Order {
	for _, o := range s.st.orders {
		if o.ID == id {
			return o
		}
	}
	return nil
}

func (o *Order) fulfillmentStatus() string {
	total, done := 0, 0
	for _, l := range o.Lines {
		total += l.Quantity
		done += l.Fulfilled
	}
	switch {
	case done < total && len(o.Holds) > 0:
		return "ON_HOLD"
	case done == 0:
		return "UNFULFILLED"
	case done < total:
		return "PARTIALLY_FULFILLED"
	}
	return "FULFILLED"
}

func (s *Server) moneyBag(d decimal.Decimal) obj {
	m := obj{"amount": money(d), "currencyCode": s.cfg.Currency}
	return obj{"shopMoney": m, "presentmentMoney": m}
}

func (s *Server) orderObj(o *Order) obj {
	var cancelled any
	if o.CancelledAt != nil {
		cancelled = o.CancelledAt.Format(time.RFC3339)
	}
	a := o.ShippingAddress
	return obj{
		"__typename": "Order", "id": o.ID, "legacyResourceId": strconv.FormatInt(o.LegacyID, 10), "name": o.Name,
		"createdAt": o.CreatedAt.Format(time.RFC3339), "updatedAt": o.UpdatedAt.Format(time.RFC3339),
		"cancelledAt": cancelled, "closed": o.Closed, "test": o.Test,
		"displayFinancialStatus": o.FinancialStatus, "displayFulfillmentStatus": o.fulfillmentStatus(),
		"fullyPaid": o.FinancialStatus == "PAID", "note": o.Note, "tags": slices.Clone(o.Tags),
		"email": o.Email, "phone": o.Phone, "currencyCode": s.cfg.Currency, "totalPriceSet": s.moneyBag(o.total()),
		"customer": obj{"id": "gid://shopify/Customer/" + strconv.FormatInt(o.LegacyID, 10), "firstName": o.CustomerFirstName,
			"lastName": o.CustomerLastName, "displayName": strings.TrimSpace(o.CustomerFirstName + " " + o.CustomerLastName),
			"defaultEmailAddress": obj{"emailAddress": o.Email}, "defaultPhoneNumber": obj{"phoneNumber": o.Phone}},
		"billingAddress": s.addressObj(a),
		"shippingLine":   shippingLine(o),
		"fulfillments": lazy(func(map[string]any) any {
			out := []obj{}
			for _, f := range o.Fulfillments {
				out = append(out, obj{"__typename": "Fulfillment", "id": f.ID, "status": "SUCCESS",
					"trackingInfo": []obj{{"company": f.Tracking.Company, "number": f.Tracking.Number, "url": f.Tracking.URL}}})
			}
			return out
		}),
		"shippingAddress": s.addressObj(a),
		"lineItems": lazy(func(map[string]any) any {
			c := conn{}
			for _, l := range o.Lines {
				var variant any
				if p, v, ok := s.productBySKULocked(l.SKU); ok {
					variant = s.variantObj(p, v)
				}
				c = append(c, obj{"__typename": "LineItem", "id": l.ID, "sku": l.SKU, "name": l.Title, "title": l.Title, "quantity": l.Quantity,
					"currentQuantity": l.Quantity, "unfulfilledQuantity": l.Quantity - l.Fulfilled,
					"originalUnitPriceSet": s.moneyBag(l.Price), "variant": variant})
			}
			return c
		}),
		"metafields": lazy(func(args map[string]any) any { return metafieldConn(o.Metafields, args) }),
		"metafield":  lazy(func(args map[string]any) any { return metafieldOne(o.Metafields, args) }),
		"fulfillmentOrders": lazy(func(map[string]any) any {
			status := "OPEN"
			if o.fulfillmentStatus() == "FULFILLED" {
				status = "CLOSED"
			} else if o.fulfillmentStatus() == "PARTIALLY_FULFILLED" {
				status = "IN_PROGRESS"
			}
			if o.CancelledAt != nil {
				status = "CANCELLED"
			} else if status != "CLOSED" && len(o.Holds) > 0 {
				status = "ON_HOLD"
			}
			holds := []obj{}
			for _, h := range o.Holds {
				holds = append(holds, obj{"__typename": "FulfillmentHold", "id": h.ID, "reason": h.Reason, "reasonNotes": h.ReasonNotes,
					"handle": h.Handle, "displayReason": h.Reason, "heldByRequestingApp": true})
			}
			lines := conn{}
			for _, l := range o.Lines {
				lines = append(lines, obj{"id": foLineID(l.ID), "sku": l.SKU, "totalQuantity": l.Quantity,
					"remainingQuantity": l.Quantity - l.Fulfilled, "lineItem": obj{"id": l.ID}})
			}
			return conn{{"__typename": "FulfillmentOrder", "id": o.fulfillmentOrder, "status": status, "requestStatus": "UNSUBMITTED", "fulfillmentHolds": holds,
				"assignedLocation": obj{"location": s.locationObj(s.st.locations[0])}, "lineItems": lines}}
		}),
	}
}

func foLineID(lineID string) string {
	return strings.Replace(lineID, "LineItem", "FulfillmentOrderLineItem", 1)
}

func (s *Server) productBySKULocked(sku string) (*Product, Variant, bool) {
	for _, p := range s.st.products {
		for _, v := range p.Variants {
			if sku != "" && v.SKU == sku {
				return p, v, true
			}
		}
	}
	return nil, Variant{}, false
}

// ordersConn filters by `financial_status:paid` and `updated_at:>TIME`
// (also >=, <, <=); other search terms are ignored.
func (s *Server) ordersConn(q, sortKey string, reverse bool) conn {
	list := slices.Clone(s.st.orders)
	for _, term := range strings.Fields(q) {
		k, v, _ := strings.Cut(term, ":")
		v = strings.Trim(v, `"'`)
		switch k {
		case "financial_status":
			list = slices.DeleteFunc(list, func(o *Order) bool { return !strings.EqualFold(o.FinancialStatus, v) })
		case "updated_at", "created_at":
			op := strings.TrimRight(v[:min(2, len(v))], "0123456789")
			t, err := time.Parse(time.RFC3339, strings.Trim(strings.TrimPrefix(v, op), `"'`))
			if err != nil {
				continue
			}
			list = slices.DeleteFunc(list, func(o *Order) bool {
				at := o.UpdatedAt
				if k == "created_at" {
					at = o.CreatedAt
				}
				switch op {
				case ">":
					return !at.After(t)
				case ">=":
					return at.Before(t)
				case "<":
					return !at.Before(t)
				case "<=":
					return at.After(t)
				}
				return !at.Equal(t)
			})
		}
	}
	if sortKey == "UPDATED_AT" {
		sort.SliceStable(list, func(i, j int) bool { return list[i].UpdatedAt.Before(list[j].UpdatedAt) })
	}
	if reverse {
		slices.Reverse(list)
	}
	c := conn{}
	for _, o := range list {
		c = append(c, s.orderObj(o))
	}
	return c
}

func (s *Server) touch(o *Order) []delivery {
	o.UpdatedAt = s.now()
	return s.hooksFor("ORDERS_UPDATED", s.orderPayload(o))
}

func (s *Server) orderUpdate(args map[string]any) (obj, []delivery) {
	in, _ := args["input"].(map[string]any)
	o := s.order(str(in["id"]))
	if o == nil {
		return obj{"order": nil, "userErrors": []obj{userErr([]string{"id"}, "Order does not exist", "")}}, nil
	}
	if v, ok := in["note"]; ok {
		o.Note = str(v)
	}
	if v, ok := in["tags"]; ok {
		o.Tags = strs(v)
	}
	if v, ok := in["email"]; ok {
		o.Email = str(v)
	}
	for _, m := range objs(in["metafields"]) {
		nm := Metafield{Namespace: str(m["namespace"]), Key: str(m["key"]), Type: str(m["type"]), Value: str(m["value"])}
		if i := slices.IndexFunc(o.Metafields, func(x Metafield) bool { return x.Namespace == nm.Namespace && x.Key == nm.Key }); i >= 0 {
			if nm.Type == "" {
				nm.Type = o.Metafields[i].Type
			}
			o.Metafields[i] = nm
		} else {
			if nm.Type == "" {
				return obj{"order": nil, "userErrors": []obj{userErr([]string{"metafields", "type"}, "Type can't be blank", "")}}, nil
			}
			o.Metafields = append(o.Metafields, nm)
		}
	}
	return obj{"order": s.orderObj(o), "userErrors": []obj{}}, s.touch(o)
}

func (s *Server) tagsAdd(args map[string]any) (obj, []delivery) {
	o := s.order(str(args["id"]))
	if o == nil {
		return obj{"node": nil, "userErrors": []obj{userErr([]string{"id"}, "Order does not exist", "")}}, nil
	}
	for _, t := range strs(args["tags"]) {
		if !slices.Contains(o.Tags, t) {
			o.Tags = append(o.Tags, t)
		}
	}
	return obj{"node": obj{"__typename": "Order", "id": o.ID}, "userErrors": []obj{}}, s.touch(o)
}

func (s *Server) fulfillmentCreate(args map[string]any) (obj, []delivery) {
	in, _ := args["fulfillment"].(map[string]any)
	fail := func(msg string) (obj, []delivery) {
		return obj{"fulfillment": nil, "userErrors": []obj{userErr([]string{"fulfillment"}, msg, "")}}, nil
	}
	groups := objs(in["lineItemsByFulfillmentOrder"])
	if len(groups) == 0 {
		return fail("lineItemsByFulfillmentOrder can't be blank")
	}
	var o *Order
	for _, x := range s.st.orders {
		if x.fulfillmentOrder == str(groups[0]["fulfillmentOrderId"]) {
			o = x
		}
	}
	if o == nil {
		return fail("Fulfillment order does not exist.")
	}
	if o.CancelledAt != nil {
		return fail("Fulfillment order is cancelled.")
	}
	if len(o.Holds) > 0 {
		return fail("Fulfillment order is on hold.")
	}
	want := map[string]int{}
	if items := objs(groups[0]["fulfillmentOrderLineItems"]); len(items) > 0 {
		for _, it := range items {
			want[str(it["id"])] = toInt(it["quantity"])
		}
	} else {
		for _, l := range o.Lines {
			if r := l.Quantity - l.Fulfilled; r > 0 {
				want[foLineID(l.ID)] = r
			}
		}
	}
	f := Fulfillment{ID: s.gid("Fulfillment"), Lines: map[string]int{}}
	for id, q := range want {
		i := slices.IndexFunc(o.Lines, func(l OrderLine) bool { return foLineID(l.ID) == id })
		if i < 0 || q <= 0 || q > o.Lines[i].Quantity-o.Lines[i].Fulfilled {
			return fail("Invalid fulfillment order line item quantity requested.")
		}
	}
	if len(want) == 0 {
		return fail("Fulfillment order has no remaining quantity.")
	}
	for id, q := range want {
		i := slices.IndexFunc(o.Lines, func(l OrderLine) bool { return foLineID(l.ID) == id })
		o.Lines[i].Fulfilled += q
		f.Lines[o.Lines[i].ID] = q
	}
	if t, ok := in["trackingInfo"].(map[string]any); ok {
		f.Tracking = Tracking{Company: str(t["company"]), Number: str(t["number"]), URL: str(t["url"])}
		if f.Tracking.Number == "" {
			if ns := strs(t["numbers"]); len(ns) > 0 {
				f.Tracking.Number = ns[0]
			}
		}
		if f.Tracking.URL == "" {
			if us := strs(t["urls"]); len(us) > 0 {
				f.Tracking.URL = us[0]
			}
		}
	}
	o.Fulfillments = append(o.Fulfillments, f)
	hooks := s.touch(o)
	return obj{"fulfillment": obj{"id": f.ID, "status": "SUCCESS",
		"trackingInfo": []obj{{"company": f.Tracking.Company, "number": f.Tracking.Number, "url": f.Tracking.URL}}},
		"userErrors": []obj{}}, hooks
}

func (s *Server) orderClose(args map[string]any) (obj, []delivery) {
	in, _ := args["input"].(map[string]any)
	o := s.order(str(in["id"]))
	if o == nil {
		return obj{"order": nil, "userErrors": []obj{userErr([]string{"id"}, "Order does not exist", "")}}, nil
	}
	o.Closed = true
	res := s.orderObj(o)
	res["closedAt"] = s.now().Format(time.RFC3339)
	return obj{"order": res, "userErrors": []obj{}}, s.touch(o)
}

func (s *Server) orderCancel(args map[string]any) (obj, []delivery) {
	o := s.order(str(args["orderId"]))
	if o == nil {
		return obj{"job": nil, "orderCancelUserErrors": []obj{userErr([]string{"orderId"}, "Order does not exist", "NOT_FOUND")}, "userErrors": []obj{}}, nil
	}
	if o.CancelledAt != nil {
		return obj{"job": nil, "orderCancelUserErrors": []obj{userErr([]string{"orderId"}, "Order has already been cancelled", "INVALID")}, "userErrors": []obj{}}, nil
	}
	now := s.now()
	o.CancelledAt, o.CancelReason = &now, str(args["reason"])
	hooks := append(s.touch(o), s.hooksFor("ORDERS_CANCELLED", s.orderPayload(o))...)
	return obj{"job": obj{"id": s.gid("Job"), "done": true}, "orderCancelUserErrors": []obj{}, "userErrors": []obj{}}, hooks
}

// orderPayload is the REST-shaped webhook body.
func (s *Server) orderPayload(o *Order) map[string]any {
	var lines []map[string]any
	for _, l := range o.Lines {
		id, _ := strconv.ParseInt(l.ID[strings.LastIndex(l.ID, "/")+1:], 10, 64)
		lines = append(lines, map[string]any{"id": id, "admin_graphql_api_id": l.ID, "sku": l.SKU, "title": l.Title, "name": l.Title,
			"quantity": l.Quantity, "current_quantity": l.Quantity, "price": money(l.Price), "fulfillable_quantity": l.Quantity - l.Fulfilled})
	}
	a := o.ShippingAddress
	var cancelled any
	if o.CancelledAt != nil {
		cancelled = o.CancelledAt.Format(time.RFC3339)
	}
	return map[string]any{
		"id": o.LegacyID, "admin_graphql_api_id": o.ID, "name": o.Name, "email": o.Email, "phone": o.Phone,
		"financial_status": strings.ToLower(o.FinancialStatus), "currency": s.cfg.Currency, "total_price": money(o.total()),
		"created_at": o.CreatedAt.Format(time.RFC3339), "updated_at": o.UpdatedAt.Format(time.RFC3339),
		"cancelled_at": cancelled, "note": o.Note, "tags": strings.Join(o.Tags, ", "), "test": o.Test,
		"line_items": lines, "closed_at": closedAt(o, s.now()),
		"billing_address": map[string]any{"first_name": a.FirstName, "last_name": a.LastName, "company": a.Company,
			"address1": a.Address1, "address2": a.Address2, "city": a.City, "province": a.Province, "province_code": a.ProvinceCode,
			"zip": a.Zip, "country": a.Country, "country_code": a.CountryCode, "phone": a.Phone},
		"shipping_lines": shippingLinesPayload(o),
		"customer":       map[string]any{"first_name": o.CustomerFirstName, "last_name": o.CustomerLastName, "email": o.Email},
		"shipping_address": map[string]any{"first_name": a.FirstName, "last_name": a.LastName, "company": a.Company,
			"address1": a.Address1, "address2": a.Address2, "city": a.City, "province": a.Province, "province_code": a.ProvinceCode,
			"zip": a.Zip, "country": a.Country, "country_code": a.CountryCode, "phone": a.Phone},
	}
}

func (s *Server) addressObj(a Address) obj {
	return obj{"__typename": "MailingAddress", "firstName": a.FirstName, "lastName": a.LastName, "company": a.Company, "address1": a.Address1,
		"address2": a.Address2, "city": a.City, "province": a.Province, "provinceCode": a.ProvinceCode, "zip": a.Zip,
		"country": a.Country, "countryCodeV2": a.CountryCode, "phone": a.Phone}
}

func shippingLine(o *Order) any {
	if o.ShippingMethod == "" {
		return nil
	}
	return obj{"__typename": "ShippingLine", "title": o.ShippingMethod, "code": o.ShippingMethod}
}

func shippingLinesPayload(o *Order) []map[string]any {
	if o.ShippingMethod == "" {
		return []map[string]any{}
	}
	return []map[string]any{{"title": o.ShippingMethod, "code": o.ShippingMethod}}
}

// closedAt is the REST closed_at: the fake keeps no closing time, so a
// closed order reports the time of the payload.
func closedAt(o *Order, now time.Time) any {
	if !o.Closed {
		return nil
	}
	return now.Format(time.RFC3339)
}
