package wootest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// Address is a billing or shipping address.
type Address struct {
	FirstName string  `json:"first_name"`
	LastName  string  `json:"last_name"`
	Company   string  `json:"company"`
	Address1  string  `json:"address_1"`
	Address2  string  `json:"address_2"`
	City      string  `json:"city"`
	State     string  `json:"state"`
	Postcode  string  `json:"postcode"`
	Country   string  `json:"country"`
	Email     *string `json:"email,omitempty"`
	Phone     string  `json:"phone"`
}

// LineMeta is a line item meta entry.
type LineMeta struct {
	ID           int             `json:"id"`
	Key          string          `json:"key"`
	Value        json.RawMessage `json:"value"`
	DisplayKey   string          `json:"display_key"`
	DisplayValue json.RawMessage `json:"display_value"`
}

// LineImage is a line item's image; its id is a string ("20", "") or, for variations, 0, as recorded.
type LineImage struct {
	ID  any    `json:"id"`
	Src string `json:"src"`
}

// LineItem is an order line (price is a JSON number, as recorded).
type LineItem struct {
	ID             int         `json:"id"`
	Name           string      `json:"name"`
	ProductID      int         `json:"product_id"`
	VariationID    int         `json:"variation_id"`
	Quantity       int         `json:"quantity"`
	TaxClass       string      `json:"tax_class"`
	Subtotal       string      `json:"subtotal"`
	SubtotalTax    string      `json:"subtotal_tax"`
	Total          string      `json:"total"`
	TotalTax       string      `json:"total_tax"`
	Taxes          []any       `json:"taxes"`
	MetaData       []LineMeta  `json:"meta_data"`
	SKU            string      `json:"sku"`
	GlobalUniqueID string      `json:"global_unique_id"`
	Price          json.Number `json:"price"`
	Image          LineImage   `json:"image"`
	ParentName     *string     `json:"parent_name"`
}

// ShippingLine is an order shipping line.
type ShippingLine struct {
	ID          int        `json:"id"`
	MethodTitle string     `json:"method_title"`
	MethodID    string     `json:"method_id"`
	InstanceID  string     `json:"instance_id"`
	Total       string     `json:"total"`
	TotalTax    string     `json:"total_tax"`
	Taxes       []any      `json:"taxes"`
	TaxStatus   string     `json:"tax_status"`
	MetaData    []MetaData `json:"meta_data"`
}

// Order is the REST v3 order representation (fixtures 28–34, and webhook payloads 39–41).
type Order struct {
	ID                 int            `json:"id"`
	ParentID           int            `json:"parent_id"`
	Status             string         `json:"status"`
	Currency           string         `json:"currency"`
	Version            string         `json:"version"`
	PricesIncludeTax   bool           `json:"prices_include_tax"`
	DateCreated        string         `json:"date_created"`
	DateModified       string         `json:"date_modified"`
	DiscountTotal      string         `json:"discount_total"`
	DiscountTax        string         `json:"discount_tax"`
	ShippingTotal      string         `json:"shipping_total"`
	ShippingTax        string         `json:"shipping_tax"`
	CartTax            string         `json:"cart_tax"`
	Total              string         `json:"total"`
	TotalTax           string         `json:"total_tax"`
	CustomerID         int            `json:"customer_id"`
	OrderKey           string         `json:"order_key"`
	Billing            Address        `json:"billing"`
	Shipping           Address        `json:"shipping"`
	PaymentMethod      string         `json:"payment_method"`
	PaymentMethodTitle string         `json:"payment_method_title"`
	TransactionID      string         `json:"transaction_id"`
	CustomerIPAddress  string         `json:"customer_ip_address"`
	CustomerUserAgent  string         `json:"customer_user_agent"`
	CreatedVia         string         `json:"created_via"`
	CustomerNote       string         `json:"customer_note"`
	DateCompleted      *string        `json:"date_completed"`
	DatePaid           *string        `json:"date_paid"`
	CartHash           string         `json:"cart_hash"`
	Number             string         `json:"number"`
	MetaData           []MetaData     `json:"meta_data"`
	LineItems          []LineItem     `json:"line_items"`
	TaxLines           []any          `json:"tax_lines"`
	ShippingLines      []ShippingLine `json:"shipping_lines"`
	FeeLines           []any          `json:"fee_lines"`
	CouponLines        []any          `json:"coupon_lines"`
	Refunds            []any          `json:"refunds"`
	PaymentURL         string         `json:"payment_url"`
	IsEditable         bool           `json:"is_editable"`
	NeedsPayment       bool           `json:"needs_payment"`
	NeedsProcessing    bool           `json:"needs_processing"`
	DateCreatedGMT     string         `json:"date_created_gmt"`
	DateModifiedGMT    string         `json:"date_modified_gmt"`
	DateCompletedGMT   *string        `json:"date_completed_gmt"`
	DatePaidGMT        *string        `json:"date_paid_gmt"`
	CurrencySymbol     string         `json:"currency_symbol"`
	Links              map[string]any `json:"_links"`
}

// Note is an order note.
type Note struct {
	ID             int            `json:"id"`
	Author         string         `json:"author"`
	DateCreated    string         `json:"date_created"`
	DateCreatedGMT string         `json:"date_created_gmt"`
	Note           string         `json:"note"`
	CustomerNote   bool           `json:"customer_note"`
	Links          map[string]any `json:"_links,omitempty"`
}

type order struct {
	Order
	modified time.Time
	notes    []Note
}

var orderStatuses = []string{"any", "trash", "auto-draft", "pending", "processing", "on-hold", "completed", "cancelled", "refunded", "failed", "checkout-draft"}

var statusLabels = map[string]string{"pending": "Pending payment", "processing": "Processing", "on-hold": "On hold",
	"completed": "Completed", "cancelled": "Cancelled", "refunded": "Refunded", "failed": "Failed", "trash": "Trash",
	"auto-draft": "Draft", "checkout-draft": "Draft"}

func validStatus(st string, allowAny bool) bool {
	for _, v := range orderStatuses {
		if v == st && (allowAny || v != "any") {
			return true
		}
	}
	return false
}

func statusEnumError(param, prefix string, list []string) *apiError {
	// wp_sprintf's %l: "a and b", "a, b, and c".
	msg := prefix + " is not one of " + strings.Join(list[:len(list)-1], ", ") + ", and " + list[len(list)-1] + "."
	if len(list) == 2 {
		msg = prefix + " is not one of " + list[0] + " and " + list[1] + "."
	}
	return invalidParam(param, "rest_not_in_enum", msg, false)
}

func (s *Server) money(d decimal.Decimal) string { return d.StringFixed(int32(s.cfg.PriceDecimals)) }

func (s *Server) renderOrderLocked(base string, o *order) Order {
	out := o.Order
	out.MetaData = append([]MetaData{}, o.MetaData...)
	out.LineItems = append([]LineItem{}, o.LineItems...)
	out.PaymentURL = fmt.Sprintf("%s/checkout/order-pay/%d/?pay_for_order=true&key=%s", base, o.ID, o.OrderKey)
	out.Links = map[string]any{
		"self":            selfLink(fmt.Sprintf("%s%s/orders/%d", base, restPrefix, o.ID), itemAllow...),
		"collection":      []link{{Href: base + restPrefix + "/orders"}},
		"email_templates": []link{{Href: fmt.Sprintf("%s%s/orders/%d/actions/email_templates", base, restPrefix, o.ID), Embeddable: boolPtr(true)}},
	}
	for i := range out.LineItems {
		if img, ok := out.LineItems[i].Image.ID.(string); ok && img != "" {
			if a := s.attachments[atoi(img)]; a != nil {
				out.LineItems[i].Image.Src = s.uploadURL(base, a)
			}
		}
	}
	return out
}

func boolPtr(b bool) *bool { return &b }

type orderLineReq struct {
	ID          int             `json:"id"`
	ProductID   int             `json:"product_id"`
	VariationID int             `json:"variation_id"`
	SKU         string          `json:"sku"`
	Quantity    int             `json:"quantity"`
	MetaData    json.RawMessage `json:"meta_data"`
}

type orderReq struct {
	Status             *string           `json:"status"`
	SetPaid            bool              `json:"set_paid"`
	PaymentMethod      string            `json:"payment_method"`
	PaymentMethodTitle string            `json:"payment_method_title"`
	TransactionID      string            `json:"transaction_id"`
	CustomerNote       string            `json:"customer_note"`
	CustomerID         int               `json:"customer_id"`
	Billing            *Address          `json:"billing"`
	Shipping           *Address          `json:"shipping"`
	LineItems          []orderLineReq    `json:"line_items"`
	ShippingLines      []json.RawMessage `json:"shipping_lines"`
	MetaData           json.RawMessage   `json:"meta_data"`
}

func (s *Server) addNoteLocked(o *order, text string, customer bool, author string) Note {
	now := s.now()
	n := Note{ID: s.nextNoteID, Author: author, DateCreated: fmtDate(now), DateCreatedGMT: fmtDate(now), Note: text, CustomerNote: customer}
	s.nextNoteID++
	o.notes = append(o.notes, n)
	return n
}

func (s *Server) createOrder(w http.ResponseWriter, r *http.Request) {
	var req orderReq
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, newError(http.StatusBadRequest, "rest_invalid_json", "Invalid JSON body passed."))
		return
	}
	if req.Status != nil && !validStatus(*req.Status, false) {
		writeError(w, statusEnumError("status", "status", orderStatuses[1:]))
		return
	}
	base := s.restBase(r)
	s.mu.Lock()
	now := s.now()
	o := &order{Order: Order{
		ID: s.nextPostID, Status: "pending", Currency: s.cfg.Currency, Version: WooCommerceVersion,
		DateCreated: fmtDate(now), DateModified: fmtDate(now), DateCreatedGMT: fmtDate(now), DateModifiedGMT: fmtDate(now),
		CustomerID: req.CustomerID, OrderKey: "wc_order_" + randHex(7)[:13], PaymentMethod: req.PaymentMethod,
		PaymentMethodTitle: req.PaymentMethodTitle, TransactionID: req.TransactionID, CreatedVia: "rest-api",
		CustomerNote: req.CustomerNote, MetaData: []MetaData{}, LineItems: []LineItem{}, TaxLines: []any{},
		ShippingLines: []ShippingLine{}, FeeLines: []any{}, CouponLines: []any{}, Refunds: []any{},
		IsEditable: true, NeedsPayment: true, CurrencySymbol: htmlSymbol(s.cfg.Currency),
	}, modified: now}
	o.Number = strconv.Itoa(o.ID)
	empty := ""
	o.Billing.Email = &empty
	if req.Billing != nil {
		o.Billing = *req.Billing
		if o.Billing.Email == nil {
			o.Billing.Email = &empty
		}
	}
	if req.Shipping != nil {
		o.Shipping = *req.Shipping
		o.Shipping.Email = nil
	}
	sum := decimal.Zero
	for _, li := range req.LineItems {
		item, err := s.lineItemLocked(li)
		if err != nil {
			s.mu.Unlock()
			writeError(w, err)
			return
		}
		t, _ := decimal.NewFromString(item.Total)
		sum = sum.Add(t)
		o.LineItems = append(o.LineItems, item)
	}
	ship := decimal.Zero
	for _, raw := range req.ShippingLines {
		var sl struct {
			MethodID    string `json:"method_id"`
			MethodTitle string `json:"method_title"`
			Total       string `json:"total"`
		}
		_ = json.Unmarshal(raw, &sl)
		t, _ := decimal.NewFromString(firstNonEmpty(sl.Total, "0"))
		ship = ship.Add(t)
		o.ShippingLines = append(o.ShippingLines, ShippingLine{ID: s.nextItemID, MethodTitle: sl.MethodTitle, MethodID: sl.MethodID,
			Total: s.money(t), TotalTax: s.money(decimal.Zero), Taxes: []any{}, TaxStatus: "taxable", MetaData: []MetaData{}})
		s.nextItemID++
	}
	zero := s.money(decimal.Zero)
	o.DiscountTotal, o.DiscountTax, o.ShippingTax, o.CartTax, o.TotalTax = zero, zero, zero, zero, zero
	o.ShippingTotal = s.money(ship)
	o.Total = s.money(sum.Add(ship))
	if len(req.MetaData) > 0 {
		meta, err := s.applyMetaLocked(o.MetaData, req.MetaData)
		if err != nil {
			s.mu.Unlock()
			writeError(w, err)
			return
		}
		o.MetaData = meta
	}
	s.nextPostID++
	s.orders[o.ID] = o
	target := "pending"
	if req.Status != nil {
		target = *req.Status
	}
	if req.SetPaid {
		s.payLocked(o)
		if req.Status == nil {
			target = "processing"
		}
	}
	s.setStatusLocked(o, target)
	out := s.renderOrderLocked(base, o)
	s.enqueueLocked("order", o.ID, "created", "updated")
	s.mu.Unlock()
	s.afterChange()
	w.Header().Set("Location", fmt.Sprintf("%s%s/orders/%d", base, restPrefix, o.ID))
	writeJSON(w, http.StatusCreated, out)
}

func htmlSymbol(code string) string {
	switch currencySymbol(code) {
	case "&euro;":
		return "€"
	case "&#36;":
		return "$"
	}
	return currencySymbol(code)
}

// payLocked is payment_complete(): date_paid, stock reduced with _reduced_stock line meta.
func (s *Server) payLocked(o *order) {
	now := fmtDate(s.now())
	o.DatePaid, o.DatePaidGMT = &now, &now
	o.NeedsPayment, o.IsEditable, o.NeedsProcessing = false, false, true
	var reduced []string
	for i := range o.LineItems {
		li := &o.LineItems[i]
		id := li.ProductID
		if li.VariationID != 0 {
			id = li.VariationID
		}
		p := s.products[id]
		if p == nil || !p.ManageStock || p.Stock == nil {
			continue
		}
		cp := *p
		before := *cp.Stock
		after := before - li.Quantity
		cp.Stock = &after
		if after <= 0 {
			cp.StockStatus = "outofstock"
		}
		cp.TotalSales += li.Quantity
		s.products[id] = &cp
		q, _ := json.Marshal(strconv.Itoa(li.Quantity))
		li.MetaData = append(li.MetaData, LineMeta{ID: s.nextMetaID, Key: "_reduced_stock", Value: q, DisplayKey: "_reduced_stock", DisplayValue: q})
		s.nextMetaID++
		reduced = append(reduced, fmt.Sprintf("%s (%s) %d&rarr;%d", li.Name, cp.SKU, before, after))
	}
	if len(reduced) > 0 {
		s.addNoteLocked(o, "Stock levels reduced: "+strings.Join(reduced, ", "), false, "WooCommerce")
	}
}

func (s *Server) setStatusLocked(o *order, to string) {
	if o.Status == to {
		return
	}
	from := o.Status
	o.Status = to
	if to == "completed" {
		now := fmtDate(s.now())
		o.DateCompleted, o.DateCompletedGMT = &now, &now
		o.NeedsProcessing = false
	}
	if o.DatePaid == nil && (to == "processing" || to == "completed") {
		now := fmtDate(s.now())
		o.DatePaid, o.DatePaidGMT = &now, &now
		o.NeedsPayment, o.IsEditable = false, false
	}
	s.addNoteLocked(o, fmt.Sprintf("Order status changed from %s to %s.", statusLabels[from], statusLabels[to]), false, "WooCommerce")
}

func (s *Server) lineItemLocked(li orderLineReq) (LineItem, *apiError) {
	var p *product
	switch {
	case li.VariationID != 0:
		p = s.products[li.VariationID]
	case li.ProductID != 0:
		p = s.products[li.ProductID]
	case li.SKU != "":
		p = s.skuOwnerLocked(li.SKU, -1)
	}
	if p == nil {
		return LineItem{}, newError(http.StatusBadRequest, "woocommerce_rest_invalid_product_id", "Product ID or SKU is invalid.")
	}
	if li.Quantity <= 0 {
		li.Quantity = 1
	}
	item := LineItem{ID: s.nextItemID, Name: p.Name, ProductID: p.ID, Quantity: li.Quantity, Taxes: []any{},
		MetaData: []LineMeta{}, SKU: p.SKU, Image: LineImage{ID: "", Src: ""}}
	s.nextItemID++
	if p.Type == "variation" {
		parent := s.products[p.ParentID]
		item.ProductID, item.VariationID = p.ParentID, p.ID
		item.Image.ID = 0
		if parent != nil {
			name := parent.Name
			item.ParentName = &name
			item.Name = parent.Name
			for _, a := range p.Attrs {
				item.Name += " - " + a.Option
				v, _ := json.Marshal(a.Option)
				item.MetaData = append(item.MetaData, LineMeta{ID: s.nextMetaID, Key: slugify(a.Name), Value: v, DisplayKey: a.Name, DisplayValue: v})
				s.nextMetaID++
			}
		}
	}
	if len(p.Images) > 0 {
		item.Image.ID = strconv.Itoa(p.Images[0])
	}
	price, err := decimal.NewFromString(p.price())
	if err != nil {
		price = decimal.Zero
	}
	total := price.Mul(decimal.NewFromInt(int64(li.Quantity)))
	item.Subtotal, item.Total = s.money(total), s.money(total)
	item.SubtotalTax, item.TotalTax = s.money(decimal.Zero), s.money(decimal.Zero)
	item.Price = json.Number(total.Div(decimal.NewFromInt(int64(li.Quantity))).String())
	return item, nil
}

func (s *Server) getOrder(w http.ResponseWriter, r *http.Request, id int) {
	base := s.restBase(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orders[id]
	if o == nil {
		writeError(w, newError(http.StatusNotFound, "woocommerce_rest_shop_order_invalid_id", "Invalid ID."))
		return
	}
	writeJSON(w, http.StatusOK, s.renderOrderLocked(base, o))
}

func (s *Server) updateOrder(w http.ResponseWriter, r *http.Request, id int) {
	var req orderReq
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, newError(http.StatusBadRequest, "rest_invalid_json", "Invalid JSON body passed."))
		return
	}
	if req.Status != nil && !validStatus(*req.Status, false) {
		writeError(w, statusEnumError("status", "status", orderStatuses[1:]))
		return
	}
	base := s.restBase(r)
	s.mu.Lock()
	o := s.orders[id]
	if o == nil {
		s.mu.Unlock()
		writeError(w, newError(http.StatusBadRequest, "woocommerce_rest_shop_order_invalid_id", "Invalid ID."))
		return
	}
	if len(req.MetaData) > 0 {
		meta, err := s.applyMetaLocked(o.MetaData, req.MetaData)
		if err != nil {
			s.mu.Unlock()
			writeError(w, err)
			return
		}
		o.MetaData = meta
	}
	for _, li := range req.LineItems {
		for i := range o.LineItems {
			if o.LineItems[i].ID != li.ID || len(li.MetaData) == 0 {
				continue
			}
			var in []struct {
				Key   string          `json:"key"`
				Value json.RawMessage `json:"value"`
			}
			_ = json.Unmarshal(li.MetaData, &in)
			for _, m := range in {
				found := false
				for j := range o.LineItems[i].MetaData {
					if o.LineItems[i].MetaData[j].Key == m.Key {
						o.LineItems[i].MetaData[j].Value, o.LineItems[i].MetaData[j].DisplayValue = m.Value, m.Value
						found = true
					}
				}
				if !found {
					o.LineItems[i].MetaData = append(o.LineItems[i].MetaData, LineMeta{ID: s.nextMetaID, Key: m.Key, Value: m.Value, DisplayKey: m.Key, DisplayValue: m.Value})
					s.nextMetaID++
				}
			}
		}
	}
	if req.TransactionID != "" {
		o.TransactionID = req.TransactionID
	}
	if req.SetPaid && o.DatePaid == nil {
		s.payLocked(o)
	}
	if req.Status != nil {
		s.setStatusLocked(o, *req.Status)
	}
	o.modified = s.now()
	o.DateModified, o.DateModifiedGMT = fmtDate(o.modified), fmtDate(o.modified)
	out := s.renderOrderLocked(base, o)
	s.enqueueLocked("order", o.ID, "updated")
	s.mu.Unlock()
	s.afterChange()
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) listOrders(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	perPage, page, offset, perr := pageParams(q)
	if perr != nil {
		writeError(w, perr)
		return
	}
	var statuses []string
	if v := q.Get("status"); v != "" {
		for i, st := range strings.Split(v, ",") {
			if !validStatus(st, true) {
				writeError(w, statusEnumError("status", fmt.Sprintf("status[%d]", i), orderStatuses))
				return
			}
			statuses = append(statuses, st)
		}
	}
	less, oerr := orderSort(q.Get("orderby"), q.Get("order"))
	if oerr != nil {
		writeError(w, oerr)
		return
	}
	// The store's timezone is UTC, so post_modified and post_modified_gmt are equal and
	// dates_are_gmt only has to be a valid boolean.
	if v := q.Get("dates_are_gmt"); v != "" && !restBool(v) {
		writeError(w, invalidParam("dates_are_gmt", "rest_invalid_type", "dates_are_gmt is not of type boolean.", true))
		return
	}
	var after, before time.Time
	for _, f := range []struct {
		name string
		dst  *time.Time
	}{{"modified_after", &after}, {"modified_before", &before}} {
		if v := q.Get(f.name); v != "" {
			t, err := parseWPDate(v)
			if err != nil {
				writeError(w, invalidParam(f.name, "rest_invalid_date", "Invalid date.", true))
				return
			}
			*f.dst = t
		}
	}
	base := s.restBase(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	var list []*order
	for _, o := range s.orders {
		if len(statuses) > 0 && !containsStr(statuses, "any") && !containsStr(statuses, o.Status) {
			continue
		}
		if len(statuses) == 0 && o.Status == "trash" {
			continue
		}
		if !after.IsZero() && !o.modified.After(after) {
			continue
		}
		if !before.IsZero() && !o.modified.Before(before) {
			continue
		}
		list = append(list, o)
	}
	sort.SliceStable(list, func(i, j int) bool { return less(list[i], list[j]) })
	writePage(w, r, base, list, perPage, page, offset, func(o *order) Order { return s.renderOrderLocked(base, o) })
}

func containsStr(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func (s *Server) noteLinks(base string, orderID int, n Note) Note {
	n.Links = map[string]any{
		"self":       selfLink(fmt.Sprintf("%s%s/orders/%d/notes/%d", base, restPrefix, orderID, n.ID), "GET", "DELETE"),
		"collection": []link{{Href: fmt.Sprintf("%s%s/orders/%d/notes", base, restPrefix, orderID)}},
		"up":         []link{{Href: fmt.Sprintf("%s%s/orders/%d", base, restPrefix, orderID)}},
	}
	return n
}

// createNote adds a note; it sends no webhook (fixture 41's description).
func (s *Server) createNote(w http.ResponseWriter, r *http.Request, id int) {
	var req struct {
		Note         string `json:"note"`
		CustomerNote bool   `json:"customer_note"`
		AddedByUser  bool   `json:"added_by_user"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, newError(http.StatusBadRequest, "rest_invalid_json", "Invalid JSON body passed."))
		return
	}
	base := s.restBase(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orders[id]
	if o == nil {
		writeError(w, newError(http.StatusNotFound, "woocommerce_rest_order_invalid_id", "Invalid order ID."))
		return
	}
	if strings.TrimSpace(req.Note) == "" {
		writeError(w, newError(http.StatusBadRequest, "woocommerce_rest_invalid_order_note", "Cannot create order note, please try again."))
		return
	}
	author := "WooCommerce"
	if req.AddedByUser {
		author = "admin"
	}
	n := s.addNoteLocked(o, req.Note, req.CustomerNote, author)
	w.Header().Set("Location", fmt.Sprintf("%s%s/orders/%d/notes/%d", base, restPrefix, id, n.ID))
	writeJSON(w, http.StatusCreated, s.noteLinks(base, id, n))
}

// listNotes returns every note, newest first, without pagination headers (fixture 31).
func (s *Server) listNotes(w http.ResponseWriter, r *http.Request, id int) {
	base := s.restBase(r)
	typ := r.URL.Query().Get("type")
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orders[id]
	if o == nil {
		writeError(w, newError(http.StatusNotFound, "woocommerce_rest_order_invalid_id", "Invalid order ID."))
		return
	}
	out := []Note{}
	for i := len(o.notes) - 1; i >= 0; i-- {
		n := o.notes[i]
		if (typ == "customer" && !n.CustomerNote) || (typ == "internal" && n.CustomerNote) {
			continue
		}
		out = append(out, s.noteLinks(base, id, n))
	}
	writeJSON(w, http.StatusOK, out)
}

// Orders returns every order, newest first.
func (s *Server) Orders() []Order {
	base := s.site()
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Order
	for _, o := range s.orders {
		out = append(out, s.renderOrderLocked(base, o))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID > out[j].ID })
	return out
}

// Notes returns an order's notes, newest first.
func (s *Server) Notes(orderID int) []Note {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orders[orderID]
	if o == nil {
		return nil
	}
	var out []Note
	for i := len(o.notes) - 1; i >= 0; i-- {
		out = append(out, o.notes[i])
	}
	return out
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// orderSort is the orders collection's orderby (date by default) and order (desc by default);
// ties fall back to the id in the same direction, as WP_Query's SQL does.
func orderSort(by, dir string) (func(a, b *order) bool, *apiError) {
	if dir == "" {
		dir = "desc"
	}
	if dir != "asc" && dir != "desc" {
		return nil, statusEnumError("order", "order", []string{"asc", "desc"})
	}
	key := func(o *order) int64 { return int64(o.ID) }
	switch by {
	case "", "date":
		key = func(o *order) int64 { t, _ := parseWPDate(o.DateCreatedGMT); return t.Unix() }
	case "modified":
		key = func(o *order) int64 { return o.modified.Unix() }
	case "id", "include", "title", "slug":
	default:
		return nil, statusEnumError("orderby", "orderby", []string{"date", "id", "include", "title", "slug", "modified"})
	}
	return func(a, b *order) bool {
		ka, kb := key(a), key(b)
		if ka == kb {
			ka, kb = int64(a.ID), int64(b.ID)
		}
		if dir == "asc" {
			return ka < kb
		}
		return ka > kb
	}, nil
}

// restBool is rest_sanitize_boolean's accepted spellings.
func restBool(v string) bool {
	switch strings.ToLower(v) {
	case "true", "false", "1", "0", "yes", "no":
		return true
	}
	return false
}
