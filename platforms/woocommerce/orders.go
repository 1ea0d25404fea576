package woocommerce

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/internal/wire"
)

var _ platforms.Orders = (*Client)(nil)

// Order metadata keys FulfillOrder writes: WooCommerce core has no shipments, so the tracking
// lives in the order's meta_data (and in a note the customer sees).
const (
	MetaTrackingNumber = "intcomex_tracking_number"
	MetaCarrier        = "intcomex_carrier"
	MetaTrackingURL    = "intcomex_tracking_url"
	MetaSerials        = "intcomex_serials"
)

// errApplied ends a retry loop from a recover function that found the lost write applied.
var errApplied = errors.New("woocommerce: write found applied")

// noteClockSkew is how much earlier than our clock a note may be dated by the store and still
// count as the one a lost POST created.
const noteClockSkew = 2 * time.Minute

type wireAddress struct {
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Company   string `json:"company"`
	Address1  string `json:"address_1"`
	Address2  string `json:"address_2"`
	City      string `json:"city"`
	State     string `json:"state"`
	Postcode  string `json:"postcode"`
	Country   string `json:"country"`
	Phone     string `json:"phone"`
	Email     string `json:"email"`
}

func (a wireAddress) address() platforms.Address { return platforms.Address(a) }

type wireMeta struct {
	Key   string          `json:"key"`
	Value json.RawMessage `json:"value"`
}

type wireLine struct {
	ID          json.Number `json:"id"`
	Name        string      `json:"name"`
	ProductID   json.Number `json:"product_id"`
	VariationID json.Number `json:"variation_id"`
	Quantity    json.Number `json:"quantity"`
	Total       wire.Amount `json:"total"`
	SKU         string      `json:"sku"`
	Price       wire.Amount `json:"price"`
}

type wireOrder struct {
	ID              json.Number    `json:"id"`
	Number          string         `json:"number"`
	Status          string         `json:"status"`
	Currency        string         `json:"currency"`
	Total           wire.Amount    `json:"total"`
	DateCreatedGMT  *string        `json:"date_created_gmt"`
	DateModifiedGMT *string        `json:"date_modified_gmt"`
	DatePaidGMT     *string        `json:"date_paid_gmt"`
	CustomerNote    string         `json:"customer_note"`
	Billing         wireAddress    `json:"billing"`
	Shipping        wireAddress    `json:"shipping"`
	LineItems       []wireLine     `json:"line_items"`
	ShippingLines   []wireShipLine `json:"shipping_lines"`
	MetaData        []wireMeta     `json:"meta_data"`
}

type wireShipLine struct {
	MethodTitle string `json:"method_title"`
}

// orderStatus maps WooCommerce's order statuses; ok is false for one the contract has no word
// for (trash, auto-draft, a plugin's custom status).
func orderStatus(s string) (platforms.OrderStatus, bool) {
	switch s {
	case "pending", "checkout-draft":
		return platforms.OrderPending, true
	case "processing":
		return platforms.OrderProcessing, true
	case "on-hold":
		return platforms.OrderOnHold, true
	case "completed":
		return platforms.OrderCompleted, true
	case "cancelled":
		return platforms.OrderCancelled, true
	case "refunded":
		return platforms.OrderRefunded, true
	case "failed":
		return platforms.OrderFailed, true
	}
	return "", false
}

// wooStatus is the WooCommerce status SetOrderStatus may write.
var wooStatus = map[platforms.OrderStatus]string{
	platforms.OrderOnHold:     "on-hold",
	platforms.OrderProcessing: "processing",
	platforms.OrderCompleted:  "completed",
	platforms.OrderCancelled:  "cancelled",
}

// decodeOrder reads a REST v3 order, from GET /orders/{id}, a list page or a webhook payload.
// A body that is not an order wraps platforms.ErrInvalid.
func decodeOrder(body []byte) (platforms.Order, error) {
	var w wireOrder
	if err := json.Unmarshal(body, &w); err != nil {
		return platforms.Order{}, fmt.Errorf("woocommerce: order: decode: %v: %w", err, platforms.ErrInvalid)
	}
	return w.order()
}

func (w *wireOrder) order() (platforms.Order, error) {
	fail := func(format string, a ...any) (platforms.Order, error) {
		return platforms.Order{}, fmt.Errorf("woocommerce: order %s: %s: %w", w.ID, fmt.Sprintf(format, a...), platforms.ErrInvalid)
	}
	id, err := strconv.ParseInt(w.ID.String(), 10, 64)
	if err != nil || id <= 0 {
		return fail("no valid id")
	}
	st, known := orderStatus(w.Status)
	if !known {
		// Keep the platform's word so the pipeline can log it; Paid stays false for it.
		st = platforms.OrderStatus(w.Status)
	}
	o := platforms.Order{
		ID: strconv.FormatInt(id, 10), Number: w.Number, Status: st, PlatformStatus: w.Status,
		Currency: w.Currency, Total: string(w.Total), Email: w.Billing.Email, Phone: w.Billing.Phone,
		CustomerNote: w.CustomerNote, Billing: w.Billing.address(), Shipping: w.Shipping.address(),
		Lines: make([]platforms.OrderLine, 0, len(w.LineItems)),
	}
	if o.Number == "" {
		o.Number = o.ID
	}
	for _, d := range []struct {
		name string
		raw  *string
		dst  *time.Time
	}{{"date_created_gmt", w.DateCreatedGMT, &o.CreatedAt}, {"date_modified_gmt", w.DateModifiedGMT, &o.UpdatedAt}, {"date_paid_gmt", w.DatePaidGMT, &o.PaidAt}} {
		if d.raw == nil || *d.raw == "" {
			continue
		}
		t, err := parseGMT(*d.raw)
		if err != nil {
			return fail("%s %q", d.name, *d.raw)
		}
		*d.dst = t
	}
	o.Paid = !o.PaidAt.IsZero() || w.Status == "processing" || w.Status == "completed"
	for i, l := range w.LineItems {
		line, err := l.line()
		if err != nil {
			return fail("line %d: %v", i, err)
		}
		o.Lines = append(o.Lines, line)
	}
	if len(w.ShippingLines) > 0 {
		o.ShippingMethod = w.ShippingLines[0].MethodTitle
	}
	for _, m := range w.MetaData {
		var v string
		// Underscore keys are hidden meta; the REST answers and webhooks list them (recorded
		// exchange 32). Only the connector's own (_intcomex_order_number) is read: the others
		// belong to WooCommerce and other plugins and may hold customer data (_billing_rut).
		if hiddenMeta(m.Key) && !ownHiddenMeta(m.Key) || json.Unmarshal(m.Value, &v) != nil {
			continue
		}
		if o.Meta == nil {
			o.Meta = map[string]string{}
		}
		o.Meta[m.Key] = v
	}
	return o, nil
}

// parseGMT reads WooCommerce's *_gmt dates ("2026-11-27T11:52:11", UTC without a zone).
func parseGMT(s string) (time.Time, error) {
	if t, err := time.Parse("2006-01-02T15:04:05", s); err == nil {
		return t.UTC(), nil
	}
	return time.Parse(time.RFC3339, s)
}

func (l wireLine) line() (platforms.OrderLine, error) {
	qty, err := strconv.Atoi(l.Quantity.String())
	if err != nil {
		return platforms.OrderLine{}, fmt.Errorf("quantity %q is not an integer", l.Quantity)
	}
	out := platforms.OrderLine{ID: l.ID.String(), SKU: l.SKU, Name: l.Name, Quantity: qty, UnitPrice: unitPrice(l.Total, l.Price, qty)}
	if l.ProductID != "" && l.ProductID != "0" {
		out.ProductID = l.ProductID.String()
	}
	if l.VariationID != "" && l.VariationID != "0" {
		out.VariantID = l.VariationID.String()
	}
	return out, nil
}

// unitPrice is the line total divided by the quantity in exact decimal, with the digits of the
// total ("879.90" for one unit, "439.95" for two). WooCommerce computes its own price field the
// same way but in PHP floats, so it can carry noise (woocommerce#27911); it is used only when
// the total is unreadable. A division that does not terminate keeps 6 more digits than the total.
func unitPrice(total, price wire.Amount, qty int) string {
	if qty <= 0 || !plainDecimal(string(total)) {
		return string(price)
	}
	t, err := decimal.NewFromString(string(total))
	if err != nil {
		return string(price)
	}
	places := max(-t.Exponent(), 0)
	u := t.DivRound(decimal.NewFromInt(int64(qty)), places+6)
	if u.Equal(u.Round(places)) {
		return u.StringFixed(places)
	}
	return u.String()
}

// orderPath validates a WooCommerce order id (a positive integer) before it reaches a URL.
func orderPath(id string) (string, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 || strconv.FormatInt(n, 10) != id {
		return "", fmt.Errorf("woocommerce: order id %q is not a WooCommerce order id: %w", id, platforms.ErrInvalid)
	}
	return "/orders/" + id, nil
}

// GetOrder implements platforms.Orders.
func (c *Client) GetOrder(ctx context.Context, id string) (platforms.Order, error) {
	path, err := orderPath(id)
	if err != nil {
		return platforms.Order{}, err
	}
	resp, err := c.do(ctx, call{method: http.MethodGet, path: path, idempotent: true})
	if err != nil {
		return platforms.Order{}, err
	}
	return decodeOrder(resp.body)
}

// ListPaidOrders implements platforms.Orders. WooCommerce's modified_after is exclusive and its
// dates have whole seconds, so the query starts one second before since and the orders older
// than since (truncated to the second) are dropped here.
//
// The pages are ordered by modification: an order modified while the sweep pages through moves
// to the end, which can shift one unmodified order from the next page onto a page already read.
// Callers should overlap consecutive sweeps (start the next one before the newest UpdatedAt seen)
// rather than chain them exactly.
func (c *Client) ListPaidOrders(ctx context.Context, since time.Time) ([]platforms.Order, error) {
	from := since.UTC().Truncate(time.Second)
	q := url.Values{}
	q.Set("status", "processing,on-hold,completed")
	q.Set("modified_after", from.Add(-time.Second).Format(time.RFC3339))
	q.Set("dates_are_gmt", "true")
	q.Set("orderby", "modified")
	q.Set("order", "asc")
	raws, err := getPages[json.RawMessage](ctx, c, "/orders", q)
	if err != nil {
		return nil, err
	}
	var out []platforms.Order
	seen := map[string]int{}
	for _, raw := range raws {
		o, err := decodeOrder(raw)
		if err != nil {
			return nil, err
		}
		if !o.Paid || o.UpdatedAt.Before(from) {
			continue
		}
		// A page shift can show one order twice; keep its latest state.
		if i, ok := seen[o.ID]; ok {
			out[i] = o
			continue
		}
		seen[o.ID] = len(out)
		out = append(out, o)
	}
	slices.SortStableFunc(out, func(a, b platforms.Order) int { return a.UpdatedAt.Compare(b.UpdatedAt) })
	return out, nil
}

type wireNote struct {
	ID             json.Number `json:"id"`
	Note           string      `json:"note"`
	CustomerNote   bool        `json:"customer_note"`
	DateCreatedGMT string      `json:"date_created_gmt"`
}

// AddOrderNote implements platforms.Orders. POST /notes is not idempotent, and WooCommerce has no
// idempotency key: after a 5xx, a timeout or a network error the note may exist, so before any
// retry the order's notes are read back, and a note with the same text and visibility dated
// since the call began (less noteClockSkew) counts as ours. A 429 is retried directly (it was
// refused before PHP ran). The connector's notes name the event they record (an Intcomex order
// or tracking number), so an identical note from another source in that window is not expected.
func (c *Client) AddOrderNote(ctx context.Context, id, note string, customer bool) error {
	path, err := orderPath(id)
	if err != nil {
		return err
	}
	if strings.TrimSpace(note) == "" {
		return fmt.Errorf("woocommerce: order %s: empty note: %w", id, platforms.ErrInvalid)
	}
	since := c.cfg.Now().UTC().Add(-noteClockSkew).Truncate(time.Second)
	body := struct {
		Note         string `json:"note"`
		CustomerNote bool   `json:"customer_note"`
	}{note, customer}
	_, err = c.do(ctx, call{
		method: http.MethodPost, path: path + "/notes", body: func() ([]byte, error) { return json.Marshal(body) },
		recover: func(ctx context.Context) error {
			notes, err := c.orderNotes(ctx, path)
			if err != nil {
				return err
			}
			for _, n := range notes {
				t, err := parseGMT(n.DateCreatedGMT)
				if sameNote(n.Note, note) && n.CustomerNote == customer && err == nil && !t.Before(since) {
					return errApplied
				}
			}
			return nil
		},
	})
	if errors.Is(err, errApplied) {
		c.log.InfoContext(ctx, "woocommerce: note found after a lost answer, not added again", "order", id)
		return nil
	}
	return err
}

// sameNote compares a note as WooCommerce stored it (wp_kses may have entity-encoded it).
func sameNote(stored, sent string) bool {
	return strings.TrimSpace(stored) == strings.TrimSpace(sent) || strings.TrimSpace(html.UnescapeString(stored)) == strings.TrimSpace(sent)
}

func (c *Client) orderNotes(ctx context.Context, path string) ([]wireNote, error) {
	resp, err := c.do(ctx, call{method: http.MethodGet, path: path + "/notes", query: url.Values{"type": {"any"}}, idempotent: true})
	if err != nil {
		return nil, err
	}
	var notes []wireNote
	if err := json.Unmarshal(resp.body, &notes); err != nil {
		return nil, fmt.Errorf("woocommerce: GET %s/notes: decode: %w", path, err)
	}
	return notes, nil
}

// putOrder PUTs fields onto an order. Such a PUT sets state (meta by key, a status) and is
// retried: a repeat changes nothing, and WooCommerce adds its "status changed" note only on a
// real transition, so a lost answer never doubles a note. It fires order.updated each time.
func (c *Client) putOrder(ctx context.Context, path string, fields map[string]any) error {
	_, err := c.do(ctx, call{method: http.MethodPut, path: path, idempotent: true,
		body: func() ([]byte, error) { return json.Marshal(fields) }})
	return err
}

func metaList(meta map[string]string) []wireMetaOut {
	keys := make([]string, 0, len(meta))
	for k := range meta {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]wireMetaOut, len(keys))
	for i, k := range keys {
		out[i] = wireMetaOut{Key: k, Value: meta[k]}
	}
	return out
}

type wireMetaOut struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// hiddenMeta reports a meta key WooCommerce hides from the admin's custom fields box.
func hiddenMeta(key string) bool { return strings.HasPrefix(key, "_") }

// ownHiddenMeta reports the connector's own hidden meta keys ("_intcomex_…").
func ownHiddenMeta(key string) bool { return strings.HasPrefix(key, "_intcomex_") }

// SetOrderMeta implements platforms.Orders. Of the hidden keys (starting with "_") only the
// connector's own, "_intcomex_…", are accepted: the others are WooCommerce's and other plugins'.
func (c *Client) SetOrderMeta(ctx context.Context, id string, meta map[string]string) error {
	path, err := orderPath(id)
	if err != nil {
		return err
	}
	for k := range meta {
		if k == "" || hiddenMeta(k) && !ownHiddenMeta(k) {
			return fmt.Errorf("woocommerce: order %s: meta key %q: %w", id, k, platforms.ErrInvalid)
		}
	}
	if len(meta) == 0 {
		return nil
	}
	return c.putOrder(ctx, path, map[string]any{"meta_data": metaList(meta)})
}

// SetOrderStatus implements platforms.Orders.
func (c *Client) SetOrderStatus(ctx context.Context, id string, status platforms.OrderStatus) error {
	path, err := orderPath(id)
	if err != nil {
		return err
	}
	st, ok := wooStatus[status]
	if !ok {
		return fmt.Errorf("woocommerce: order %s: status %q cannot be set: %w", id, status, platforms.ErrInvalid)
	}
	return c.putOrder(ctx, path, map[string]any{"status": st})
}

// FulfillOrder implements platforms.Orders: tracking meta, a note with the tracking (customer
// visible when f.NotifyCustomer, which makes WooCommerce email it), then status completed unless
// f.KeepStatus.
//
// Every step can be repeated after a failure at any point: the order already completed with
// this tracking number is left alone; the note is added only if no note with the same text
// exists; the meta and status are written last, in one PUT, so their presence proves the note
// was added.
func (c *Client) FulfillOrder(ctx context.Context, id string, f platforms.Fulfillment) error {
	path, err := orderPath(id)
	if err != nil {
		return err
	}
	if strings.TrimSpace(f.TrackingNumber) == "" {
		return fmt.Errorf("woocommerce: order %s: fulfillment without tracking number: %w", id, platforms.ErrInvalid)
	}
	o, err := c.GetOrder(ctx, id)
	if err != nil {
		return err
	}
	if o.Meta[MetaTrackingNumber] == f.TrackingNumber && (f.KeepStatus || o.Status == platforms.OrderCompleted) {
		return nil
	}
	note := fulfillmentNote(f)
	notes, err := c.orderNotes(ctx, path)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(notes, func(n wireNote) bool { return sameNote(n.Note, note) }) {
		if err := c.AddOrderNote(ctx, id, note, f.NotifyCustomer); err != nil {
			return err
		}
	}
	meta := map[string]string{
		MetaTrackingNumber: f.TrackingNumber, MetaCarrier: f.Carrier, MetaTrackingURL: f.TrackingURL,
		MetaSerials: strings.Join(f.Serials, ", "),
	}
	update := map[string]any{"meta_data": metaList(meta)}
	if !f.KeepStatus {
		update["status"] = "completed"
	}
	return c.putOrder(ctx, path, update)
}

// fulfillmentNote is the note text; it names the tracking number, which makes it unique per
// shipment.
func fulfillmentNote(f platforms.Fulfillment) string {
	var b strings.Builder
	b.WriteString("Your order has shipped")
	if f.Carrier != "" {
		b.WriteString(" with " + f.Carrier)
	}
	b.WriteString(". Tracking number: " + f.TrackingNumber)
	if f.TrackingURL != "" {
		b.WriteString(" (" + f.TrackingURL + ")")
	}
	b.WriteString(".")
	if len(f.Serials) > 0 {
		b.WriteString(" Serial numbers: " + strings.Join(f.Serials, ", ") + ".")
	}
	return b.String()
}

// plainDecimal accepts the amounts WooCommerce writes ("-12.50", "918.8") and nothing an
// exponent could blow up ("1e-99999999" would make the division run for ever).
func plainDecimal(s string) bool {
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	digits := func(x string, most int) bool {
		return len(x) <= most && strings.Trim(x, "0123456789") == ""
	}
	return whole != "" && digits(whole, 20) && digits(frac, 12) && !strings.HasSuffix(s, ".")
}
