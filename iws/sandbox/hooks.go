package sandbox

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/iws"
)

// Go-level controls for tests and the demo. Each is also reachable over the /_sandbox/ endpoint.

func (s *Sandbox) index(sku string) (int32, error) {
	i, ok := s.cat.bySKU[strings.ToUpper(strings.TrimSpace(sku))]
	if !ok {
		return 0, fmt.Errorf("sandbox: unknown SKU %q", sku)
	}
	return i, nil
}

// SKUs lists the SKUs of the catalog (removed products excluded), in catalog order.
func (s *Sandbox) SKUs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.cat.items)-len(s.inv.removed))
	for i := range s.cat.items {
		if !s.inv.removed[int32(i)] {
			out = append(out, s.cat.items[i].sku)
		}
	}
	return out
}

// Product returns a product as GetProduct shows it with price and inventory data (Price nil when
// IWS would send null), in the configured locale.
func (s *Sandbox) Product(sku string) (iws.Product, error) {
	i, err := s.index(sku)
	if err != nil {
		return iws.Product{}, err
	}
	loc := localeES
	if s.cfg.Locale == "en" {
		loc = localeEN
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch p := s.renderProduct(s.inv, i, productView{loc: loc, price: true, inventory: true}).(type) {
	case iws.Product:
		return p, nil
	case productNullPrice:
		return p.Product, nil
	default:
		panic(fmt.Sprintf("sandbox: renderProduct returned %T", p))
	}
}

// Stock returns a product's real stock per warehouse (not capped for RealStockValue false).
func (s *Sandbox) Stock(sku string) (map[string]int, error) {
	i, err := s.index(sku)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	st := s.inv.stockOf(i)
	s.mu.Unlock()
	out := make(map[string]int, nLoc)
	for l, v := range st {
		out[locationIDs[l]] = int(v)
	}
	return out, nil
}

// Locations lists the warehouse ids.
func Locations() []string { return locationIDs[:] }

// SetStock sets a product's stock in one warehouse. Non-physical products carry no stock.
func (s *Sandbox) SetStock(sku, locationID string, n int) error {
	i, err := s.index(sku)
	if err != nil {
		return err
	}
	l := locationIndex(locationID)
	if l < 0 {
		return fmt.Errorf("sandbox: unknown location %q (have %s)", locationID, strings.Join(locationIDs[:], ", "))
	}
	if n < 0 || n > math.MaxInt32 {
		return fmt.Errorf("sandbox: stock %d out of range", n)
	}
	if s.cat.items[i].typ != typePhysical {
		return fmt.Errorf("sandbox: %s is not a physical product", s.cat.items[i].sku)
	}
	s.mu.Lock()
	s.inv.stock[int(i)*nLoc+l] = int32(n)
	s.changed()
	s.mu.Unlock()
	return nil
}

// ChangeStock changes the stock of percent % of the active physical products (at least one when
// percent > 0): one warehouse each gets a new value. It returns the SKUs changed. The choice draws from
// the seeded random source, so a fresh sandbox repeats it.
func (s *Sandbox) ChangeStock(percent float64) []string {
	if percent <= 0 {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var pool []int32
	for i := range s.cat.items {
		if s.cat.items[i].typ == typePhysical && !s.inv.removed[int32(i)] {
			pool = append(pool, int32(i))
		}
	}
	n := min(len(pool), max(1, int(math.Ceil(float64(len(pool))*percent/100))))
	out := make([]string, 0, n)
	for k := range n {
		j := k + s.rng.IntN(len(pool)-k) // partial Fisher-Yates: distinct picks
		pool[k], pool[j] = pool[j], pool[k]
		i := pool[k]
		l := s.rng.IntN(nLoc)
		cur := s.inv.stock[int(i)*nLoc+l]
		next := int32(s.rng.IntN(60))
		if next == cur {
			next = cur + 1 + int32(s.rng.IntN(10))
		}
		s.inv.stock[int(i)*nLoc+l] = next
		out = append(out, s.cat.items[i].sku)
	}
	s.changed()
	return out
}

// SetPrice overrides a product's unit price (US dollars).
func (s *Sandbox) SetPrice(sku string, price decimal.Decimal) error {
	i, err := s.index(sku)
	if err != nil {
		return err
	}
	if price.IsNegative() {
		return fmt.Errorf("sandbox: negative price %s", price)
	}
	s.mu.Lock()
	s.inv.prices[i] = priceOverride{price: price}
	s.changed()
	s.mu.Unlock()
	return nil
}

// RemoveProduct takes a product out of the account's authorized list: it leaves the feeds,
// GetProduct answers 401/21 and PlaceOrder 401/27.
func (s *Sandbox) RemoveProduct(sku string) error { return s.setRemoved(sku, true) }

// RestoreProduct undoes RemoveProduct.
func (s *Sandbox) RestoreProduct(sku string) error { return s.setRemoved(sku, false) }

func (s *Sandbox) setRemoved(sku string, removed bool) error {
	i, err := s.index(sku)
	if err != nil {
		return err
	}
	s.mu.Lock()
	if removed {
		s.inv.removed[i] = true
	} else {
		delete(s.inv.removed, i)
	}
	s.changed()
	s.mu.Unlock()
	return nil
}

// OrderInfo summarizes an order for tests and the control endpoint.
type OrderInfo struct {
	OrderNumber         string          `json:"orderNumber"`
	CustomerOrderNumber string          `json:"customerOrderNumber,omitempty"`
	Status              int             `json:"status"`
	OrderDate           time.Time       `json:"orderDate"`
	Total               decimal.Decimal `json:"total"`
	Lines               []OrderLineInfo `json:"lines"`
	OnHold              bool            `json:"onHold,omitempty"`
	SerialNumbers       []string        `json:"serialNumbers,omitempty"`
	TrackingIDs         []string        `json:"trackingIds,omitempty"`
	InvoiceNumber       string          `json:"invoiceNumber,omitempty"`
}

// OrderLineInfo is one line of an OrderInfo.
type OrderLineInfo struct {
	Sku        string          `json:"sku"`
	Quantity   int             `json:"quantity"`
	UnitPrice  decimal.Decimal `json:"unitPrice"`
	LocationID string          `json:"locationId,omitempty"`
}

// Orders lists the orders in the order they were placed.
func (s *Sandbox) Orders() []OrderInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]OrderInfo, len(s.book.orders))
	for n, o := range s.book.orders {
		out[n] = o.info()
	}
	return out
}

func (o *order) info() OrderInfo {
	in := OrderInfo{
		OrderNumber: o.Number, CustomerOrderNumber: o.CustomerOrderNumber, Status: o.Status, OrderDate: o.Date,
		Total: o.Total, OnHold: o.OnHold, SerialNumbers: append([]string(nil), o.Serials...), InvoiceNumber: o.InvoiceNumber,
	}
	for _, l := range o.Lines {
		in.Lines = append(in.Lines, OrderLineInfo{Sku: l.Sku, Quantity: l.Quantity, UnitPrice: l.UnitPrice, LocationID: l.LocationID})
	}
	for _, sh := range o.Shipments {
		in.TrackingIDs = append(in.TrackingIDs, sh.TrackingID)
	}
	return in
}

// Reset returns the sandbox to its generated state: stock, prices and products as generated, no
// orders, counters restarted, the configured faults. The state file is rewritten accordingly.
func (s *Sandbox) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inv = newInventory(s.cat)
	s.book = newOrderBook()
	s.processes = make(map[int64]*process)
	s.lastOK = make(map[throttleKey]time.Time)
	s.faults = s.cfg.Faults.clone()
	s.changed()
}

// Summary is the sandbox's state at a glance (GET /_sandbox/state).
type Summary struct {
	Seed              int64          `json:"seed"`
	SKUs              int            `json:"skus"`
	ActiveSKUs        int            `json:"activeSkus"`
	RemovedSKUs       []string       `json:"removedSkus"`
	PriceOverrides    int            `json:"priceOverrides"`
	Orders            int            `json:"orders"`
	OrdersByStatus    map[string]int `json:"ordersByStatus"`
	OutstandingCredit string         `json:"outstandingCredit"`
	CreditLimit       string         `json:"creditLimit"`
	InFlight          []string       `json:"inFlight"`
	Processes         int            `json:"processes"`
	Webhooks          *WebhookStats  `json:"webhooks,omitempty"`
	Faults            FaultsJSON     `json:"faults"`
	Clock             time.Time      `json:"clock"`
	RecentOrders      []OrderInfo    `json:"recentOrders"`
}

// WebhookStats counts OrderStatusUpdate deliveries.
type WebhookStats struct {
	URL     string `json:"url"`
	Sent    int    `json:"sent"`
	Failed  int    `json:"failed"`
	Pending int    `json:"pending"`
}

// Summary reports the sandbox's state.
func (s *Sandbox) Summary() Summary {
	faults := s.Faults()
	s.mu.Lock()
	defer s.mu.Unlock()
	sum := Summary{
		Seed: s.cfg.Seed, SKUs: len(s.cat.items), ActiveSKUs: len(s.cat.items) - len(s.inv.removed),
		RemovedSKUs: []string{}, PriceOverrides: len(s.inv.prices), Orders: len(s.book.orders),
		OrdersByStatus: map[string]int{}, OutstandingCredit: s.book.outstanding().StringFixed(2),
		CreditLimit: s.cfg.CreditLimit.StringFixed(2), InFlight: []string{}, Processes: len(s.processes),
		Faults: faultsToJSON(faults), Clock: s.now().UTC(), RecentOrders: []OrderInfo{},
	}
	for i := range s.inv.removed {
		sum.RemovedSKUs = append(sum.RemovedSKUs, s.cat.items[i].sku)
	}
	for cust := range s.inflight {
		sum.InFlight = append(sum.InFlight, cust)
	}
	slices.Sort(sum.RemovedSKUs)
	slices.Sort(sum.InFlight)
	for _, o := range s.book.orders {
		sum.OrdersByStatus[iws.StatusDescription(o.Status)]++
	}
	for _, o := range s.book.orders[max(0, len(s.book.orders)-20):] {
		sum.RecentOrders = append(sum.RecentOrders, o.info())
	}
	if s.hooks != nil {
		sent, failed, pending := s.hooks.stats()
		sum.Webhooks = &WebhookStats{URL: s.cfg.WebhookURL, Sent: sent, Failed: failed, Pending: pending}
	}
	return sum
}
