package orders

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/internal/correlation"
	"github.com/intcomex-connector/connector/platforms"
)

// What a person reads of orders: one order whole (Detail: `connector order show`, the web UI's
// order page and GET /api/v1/orders/:shop/:id) and a row of a list (ListItem: `connector orders
// list --json` and the web UI's list). The JSON names are the CLI's documented output.

// ShopRef names a shop.
type ShopRef struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Platform string `json:"platform"`
}

// Detail is one order seen whole: both sides, the lines, the timeline with the API calls behind
// each step, serials, tracking and invoice.
type Detail struct {
	Shop                  ShopRef          `json:"shop"`
	ID                    int64            `json:"id"`
	StorefrontOrderID     string           `json:"storefront_order_id"`
	StorefrontOrderNumber string           `json:"storefront_order_number"`
	CustomerOrderNumber   string           `json:"customer_order_number"`
	State                 string           `json:"state"`
	HoldCode              string           `json:"hold_code"`
	HoldReason            string           `json:"hold_reason"`
	Storefront            DetailStorefront `json:"storefront"`
	Intcomex              DetailIntcomex   `json:"intcomex"`
	Lines                 []DetailLine     `json:"lines"`
	Serials               json.RawMessage  `json:"serials"`
	Tracking              json.RawMessage  `json:"tracking"`
	WrittenBackAt         *time.Time       `json:"written_back_at"`
	Timeline              []DetailEvent    `json:"timeline"`
	CreatedAt             time.Time        `json:"created_at"`
	UpdatedAt             time.Time        `json:"updated_at"`
}

// DetailStorefront is the storefront side: as recorded, and as read live (ReadLive).
type DetailStorefront struct {
	Status    string           `json:"status"`
	Currency  string           `json:"currency"`
	Total     string           `json:"total"`
	PaidAt    *time.Time       `json:"paid_at"`
	Live      *platforms.Order `json:"live"`
	LiveError string           `json:"live_error,omitempty"`
}

// DetailIntcomex is the Intcomex side as the connector recorded it.
type DetailIntcomex struct {
	OrderNumber   string     `json:"order_number"`
	Status        int        `json:"status"`
	StatusName    string     `json:"status_name"`
	Total         string     `json:"total"`
	Currency      string     `json:"currency"`
	InvoiceNumber string     `json:"invoice_number"`
	InvoiceURL    string     `json:"invoice_url"`
	Attempts      int        `json:"attempts"`
	PlacedAt      *time.Time `json:"placed_at"`
	LastStatusAt  *time.Time `json:"last_status_at"`
	NextCheckAt   *time.Time `json:"next_check_at"`
}

// DetailLine is one line of the storefront order; CostBasis and Cost are decimal text (nil when
// unknown).
type DetailLine struct {
	StorefrontLineID string  `json:"storefront_line_id"`
	SKU              string  `json:"sku"`
	Name             string  `json:"name"`
	Quantity         int     `json:"quantity"`
	UnitPrice        string  `json:"unit_price"`
	Intcomex         bool    `json:"intcomex"`
	CostBasis        *string `json:"cost_basis"`
	Cost             *string `json:"cost"`
}

// DetailEvent is one step of the timeline with the API calls made for it.
type DetailEvent struct {
	At       time.Time       `json:"at"`
	Kind     string          `json:"kind"`
	Message  string          `json:"message"`
	Detail   json.RawMessage `json:"detail"`
	JobID    string          `json:"job_id"`
	APICalls []DetailCall    `json:"api_calls"`
}

// DetailCall is an API call behind a step, without its bodies (the call log has them by ID).
type DetailCall struct {
	ID         int64  `json:"id"`
	System     string `json:"system"`
	Method     string `json:"method"`
	HTTPMethod string `json:"http_method"`
	Path       string `json:"path"`
	Status     int    `json:"status"`
	DurationMS int64  `json:"duration_ms"`
	Error      string `json:"error,omitempty"`
}

// timelineCalls is how many of an order's API calls LoadDetail reads in one query; older ones are
// read one by one.
const timelineCalls = 1000

// LoadDetail gathers what is known of o (with its lines) from the database: both sides, the
// lines, the timeline and the calls behind each step. The storefront's live view is left empty
// (ReadLive).
func LoadDetail(ctx context.Context, st *store.Store, shop store.Shop, o store.Order) (Detail, error) {
	raw := func(r json.RawMessage) json.RawMessage {
		if len(r) == 0 {
			return json.RawMessage("null")
		}
		return r
	}
	d := Detail{
		Shop: ShopRef{ID: shop.ID, Name: shop.Name, Platform: shop.Platform}, ID: o.ID,
		StorefrontOrderID: o.StorefrontOrderID, StorefrontOrderNumber: o.StorefrontOrderNumber,
		CustomerOrderNumber: o.CustomerOrderNumber, State: o.State, HoldCode: o.HoldCode, HoldReason: o.HoldReason,
		Storefront: DetailStorefront{Status: o.StorefrontStatus, Currency: o.Currency, Total: o.Total, PaidAt: timePtr(o.PaidAt)},
		Intcomex: DetailIntcomex{OrderNumber: o.IntcomexOrderNumber, Status: o.IntcomexStatus, StatusName: IWSStatusName(o.IntcomexStatus),
			Total: o.IntcomexTotal, Currency: o.IntcomexCurrency, InvoiceNumber: o.InvoiceNumber, InvoiceURL: o.InvoiceURL,
			Attempts: o.Attempts, PlacedAt: timePtr(o.PlacedAt), LastStatusAt: timePtr(o.LastStatusAt), NextCheckAt: timePtr(o.NextCheckAt)},
		Lines: []DetailLine{}, Serials: raw(o.Serials), Tracking: raw(o.Tracking), WrittenBackAt: timePtr(o.WrittenBackAt),
		Timeline: []DetailEvent{}, CreatedAt: o.CreatedAt.UTC(), UpdatedAt: o.UpdatedAt.UTC(),
	}
	for _, l := range o.Lines {
		line := DetailLine{StorefrontLineID: l.StorefrontLineID, SKU: l.SKU, Name: l.Name, Quantity: l.Quantity,
			UnitPrice: l.UnitPrice, Intcomex: l.Intcomex}
		if l.CostBasis.Valid {
			s := l.CostBasis.Decimal.String()
			line.CostBasis = &s
		}
		if l.Cost.Valid {
			s := l.Cost.Decimal.String()
			line.Cost = &s
		}
		d.Lines = append(d.Lines, line)
	}
	events, err := st.OrderEvents(ctx, o.ID)
	if err != nil {
		return d, fmt.Errorf("orders: detail of order %d: %w", o.ID, err)
	}
	calls, err := st.ListAPICalls(ctx, store.APICallFilter{OrderID: strconv.FormatInt(o.ID, 10), OmitBodies: true, Limit: timelineCalls})
	if err != nil {
		return d, fmt.Errorf("orders: detail of order %d: %w", o.ID, err)
	}
	byID := make(map[int64]store.APICall, len(calls))
	for _, c := range calls {
		byID[c.ID] = c
	}
	for _, e := range events {
		ev := DetailEvent{At: e.At.UTC(), Kind: e.Kind, Message: e.Message, Detail: raw(e.Detail), JobID: e.JobID, APICalls: []DetailCall{}}
		for _, id := range e.APICallIDs {
			c, ok := byID[id]
			if !ok { // older than the newest timelineCalls calls of the order
				if c, err = st.APICallByID(ctx, id); err != nil {
					continue // purged by the retention policy
				}
			}
			ev.APICalls = append(ev.APICalls, DetailCall{ID: c.ID, System: c.System, Method: c.Method, HTTPMethod: c.HTTPMethod,
				Path: URLPath(c.URL), Status: c.StatusCode, DurationMS: c.Duration.Milliseconds(), Error: c.Error})
		}
		d.Timeline = append(d.Timeline, ev)
	}
	return d, nil
}

// LiveReadTimeout bounds ReadLive.
const LiveReadTimeout = 20 * time.Second

// ReadLive reads the storefront order now (it may have changed since the connector last saw it)
// into d.Storefront.Live, or says in LiveError why it could not. The call is logged with the
// order's id, as the other calls of its timeline.
func (d *Detail) ReadLive(ctx context.Context, sf platforms.Orders) {
	rctx, cancel := context.WithTimeout(ctx, LiveReadTimeout)
	defer cancel()
	rctx = correlation.WithShopID(correlation.WithOrderID(correlation.WithMethod(rctx, "getorder"), strconv.FormatInt(d.ID, 10)), d.Shop.ID)
	live, err := sf.GetOrder(rctx, d.StorefrontOrderID)
	if err != nil {
		d.Storefront.LiveError = err.Error()
		return
	}
	d.Storefront.Live = &live
}

// SerialList is the serial numbers of d (the JSON list the tracking step records), nil when none
// or unreadable.
func (d Detail) SerialList() []string {
	var out []string
	if json.Unmarshal(d.Serials, &out) != nil {
		return nil
	}
	return out
}

// TrackingList is the shipments of d (the JSON list the tracking step records), nil when none or
// unreadable.
func (d Detail) TrackingList() []Tracking {
	var out []Tracking
	if json.Unmarshal(d.Tracking, &out) != nil {
		return nil
	}
	return out
}

// ListItem is an order as lists show it (`connector orders list --json`, the web UI).
type ListItem struct {
	ID                    int64      `json:"id"`
	ShopID                int64      `json:"shop_id"`
	StorefrontOrderID     string     `json:"storefront_order_id"`
	StorefrontOrderNumber string     `json:"storefront_order_number"`
	CustomerOrderNumber   string     `json:"customer_order_number"`
	IntcomexOrderNumber   string     `json:"intcomex_order_number"`
	State                 string     `json:"state"`
	HoldCode              string     `json:"hold_code"`
	HoldReason            string     `json:"hold_reason"`
	IntcomexStatus        int        `json:"intcomex_status"`
	PaidAt                *time.Time `json:"paid_at"`
	PlacedAt              *time.Time `json:"placed_at"`
	UpdatedAt             time.Time  `json:"updated_at"`
}

// ListItemOf is o as lists show it.
func ListItemOf(o store.Order) ListItem {
	return ListItem{ID: o.ID, ShopID: o.ShopID, StorefrontOrderID: o.StorefrontOrderID,
		StorefrontOrderNumber: o.StorefrontOrderNumber, CustomerOrderNumber: o.CustomerOrderNumber,
		IntcomexOrderNumber: o.IntcomexOrderNumber, State: o.State, HoldCode: o.HoldCode, HoldReason: o.HoldReason,
		IntcomexStatus: o.IntcomexStatus, PaidAt: timePtr(o.PaidAt), PlacedAt: timePtr(o.PlacedAt), UpdatedAt: o.UpdatedAt.UTC()}
}

// StorefrontRef is how lists name a storefront order: its number and, when the platform's id
// differs, the id (what `connector order show` and the order page's address take).
func StorefrontRef(o store.Order) string {
	n := strings.TrimPrefix(o.StorefrontOrderNumber, "#")
	if n == "" || n == o.StorefrontOrderID {
		return o.StorefrontOrderID
	}
	return o.StorefrontOrderNumber + " (" + o.StorefrontOrderID + ")"
}

// iwsStatusNames are the words of IWS order statuses.
var iwsStatusNames = map[int]string{1: "open", 2: "in process", 3: "back order", 4: "ready to deliver", 5: "invoiced",
	6: "cancelled", 7: "delivered"}

// IWSStatusName is an IWS order status with its word ("5 invoiced"), "" for none.
func IWSStatusName(code int) string {
	if code == 0 {
		return ""
	}
	if n, ok := iwsStatusNames[code]; ok {
		return fmt.Sprintf("%d %s", code, n)
	}
	return strconv.Itoa(code)
}

// URLPath is the path of a logged URL: the host and the query (signatures and keys are already
// redacted by the audit log, but noise here) are left out.
func URLPath(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Path == "" {
		if i := strings.IndexAny(raw, "?#"); i >= 0 {
			return raw[:i]
		}
		return raw
	}
	return u.Path
}

// timePtr is nil for a zero time (JSON null), else the time in UTC.
func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}
