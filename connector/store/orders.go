package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/intcomex-connector/connector/migrations"
)

// Order states. connector/orders (doc.go) owns their meaning and the moves between them; the
// store keeps them as text and only checks that a state is one of these.
const (
	OrderReceived   = "received"   // paid order recorded, place_order job enqueued
	OrderValidating = "validating" // the Placer re-reads the storefront and checks IWS
	OrderPlacing    = "placing"    // claimed for PlaceOrder: a retry asks IWS (GetOrder) first
	OrderPlaced     = "placed"     // the Intcomex order exists; IntcomexOrderNumber is set
	OrderInProcess  = "in_process" // tracking: IWS is preparing it
	OrderInvoiced   = "invoiced"   // tracking: invoiced, serials and tracking known
	OrderDelivered  = "delivered"  // tracking: delivered (final)
	OrderHeld       = "held"       // waiting for a person (HoldCode, HoldReason)
	OrderNotOurs    = "not_ours"   // no Intcomex line (final)
	OrderCancelled  = "cancelled"  // cancelled on the storefront before placing, or by IWS (final)
	OrderUnpaid     = "unpaid"     // the storefront says it is not paid (a later paid event reopens it)
)

// OrderStates lists every state, in pipeline order.
var OrderStates = []string{OrderReceived, OrderValidating, OrderPlacing, OrderPlaced, OrderInProcess,
	OrderInvoiced, OrderDelivered, OrderHeld, OrderNotOurs, OrderCancelled, OrderUnpaid}

// Order event kinds (order_events.kind), the words of an order's timeline.
const (
	OrderEventWebhook    = "webhook"
	OrderEventValidation = "validation"
	OrderEventPlacement  = "placement"
	OrderEventStatus     = "status"
	OrderEventWriteback  = "writeback"
	OrderEventHold       = "hold"
	OrderEventSweep      = "sweep"
	OrderEventRetry      = "retry"
	OrderEventCancel     = "cancel"
	OrderEventNote       = "note"
)

// Order is one storefront order the connector saw paid, and what became of it on the Intcomex
// side. Version is the compare-and-swap token: SaveOrder writes only when the stored version is
// still the one read, and bumps it.
type Order struct {
	ID                    int64
	ShopID                int64
	StorefrontOrderID     string // the platform's id ("123", "gid://shopify/Order/1")
	StorefrontOrderNumber string // what people see ("1001", "#1001")
	CustomerOrderNumber   string // sent to PlaceOrder; unique over all shops
	State                 string
	// HoldCode is a word for why the order is held (stock, cost, unknown_sku, unauthorized,
	// credit, shop, error...); HoldReason the sentence a person acts on. Both "" unless held.
	HoldCode   string
	HoldReason string
	// StorefrontStatus, Currency and Total are as the storefront last said.
	StorefrontStatus string
	Currency         string
	Total            string
	// The Intcomex side, once placed.
	IntcomexOrderNumber string
	IntcomexStatus      int    // IWS status code (1 open ... 7 delivered)
	IntcomexTotal       string // decimal text as IWS sent it
	IntcomexCurrency    string
	InvoiceNumber       string
	InvoiceURL          string
	// Tracking and Serials are JSON documents whose shape belongs to the tracking step ("null"
	// when none).
	Tracking json.RawMessage
	Serials  json.RawMessage
	// Attempts counts PlaceOrder calls made for the order.
	Attempts int
	// AttemptUntil is set while a PlaceOrder call is in flight: the time by which the call has
	// surely ended (the IWS timeout and a margin). Until then no other worker may ask IWS or place
	// again; it is cleared when the call returns. Zero when no call is in flight.
	AttemptUntil  time.Time
	PaidAt        time.Time
	PlacedAt      time.Time
	WrittenBackAt time.Time // the Intcomex order number written back to the storefront
	LastStatusAt  time.Time
	NextCheckAt   time.Time
	Version       int64
	CreatedAt     time.Time
	UpdatedAt     time.Time
	// Lines are loaded by Order, OrderByStorefrontID and OrderByCustomerNumber, not by ListOrders.
	Lines []OrderLine
}

// IntcomexLines returns the lines that are one of the shop's Intcomex listings.
func (o Order) IntcomexLines() []OrderLine {
	var out []OrderLine
	for _, l := range o.Lines {
		if l.Intcomex {
			out = append(out, l)
		}
	}
	return out
}

// OrderLine is one line of a storefront order.
type OrderLine struct {
	StorefrontLineID string
	SKU              string
	Name             string
	Quantity         int
	UnitPrice        string // decimal text in the storefront's currency
	// Intcomex marks a line whose SKU is one of the shop's Intcomex listings.
	Intcomex bool
	// CostBasis is the IWS unit cost the listing's price was computed from; Cost the IWS unit
	// cost found when the order was validated.
	CostBasis decimal.NullDecimal
	Cost      decimal.NullDecimal
}

// OrderEvent is one step of an order's timeline.
type OrderEvent struct {
	ID      int64
	OrderID int64
	At      time.Time
	Kind    string
	Message string
	// Detail is a JSON object (nil: {}).
	Detail json.RawMessage
	// JobID is the job whose step this was (the correlation id of its API calls: api_calls rows
	// with order_id = the order's id and job_id = JobID); APICallIDs the rows found for the step.
	JobID      string
	APICallIDs []int64
}

type orderRow struct {
	ID                    int64      `gorm:"column:id;primaryKey"`
	ShopID                int64      `gorm:"column:shop_id"`
	StorefrontOrderID     string     `gorm:"column:storefront_order_id"`
	StorefrontOrderNumber string     `gorm:"column:storefront_order_number"`
	CustomerOrderNumber   string     `gorm:"column:customer_order_number"`
	State                 string     `gorm:"column:state"`
	HoldCode              string     `gorm:"column:hold_code"`
	HoldReason            string     `gorm:"column:hold_reason"`
	StorefrontStatus      string     `gorm:"column:storefront_status"`
	Currency              string     `gorm:"column:currency"`
	Total                 string     `gorm:"column:total"`
	IntcomexOrderNumber   string     `gorm:"column:intcomex_order_number"`
	IntcomexStatus        int        `gorm:"column:intcomex_status"`
	IntcomexTotal         string     `gorm:"column:intcomex_total"`
	IntcomexCurrency      string     `gorm:"column:intcomex_currency"`
	InvoiceNumber         string     `gorm:"column:invoice_number"`
	InvoiceURL            string     `gorm:"column:invoice_url"`
	Tracking              string     `gorm:"column:tracking"`
	Serials               string     `gorm:"column:serials"`
	Attempts              int        `gorm:"column:attempts"`
	AttemptUntil          *time.Time `gorm:"column:attempt_until"`
	PaidAt                *time.Time `gorm:"column:paid_at"`
	PlacedAt              *time.Time `gorm:"column:placed_at"`
	WrittenBackAt         *time.Time `gorm:"column:written_back_at"`
	LastStatusAt          *time.Time `gorm:"column:last_status_at"`
	NextCheckAt           *time.Time `gorm:"column:next_check_at"`
	Version               int64      `gorm:"column:version"`
	CreatedAt             time.Time  `gorm:"column:created_at"`
	UpdatedAt             time.Time  `gorm:"column:updated_at"`
}

func (orderRow) TableName() string { return "orders" }

type orderLineRow struct {
	ID               int64               `gorm:"column:id;primaryKey"`
	OrderID          int64               `gorm:"column:order_id"`
	Position         int                 `gorm:"column:position"`
	StorefrontLineID string              `gorm:"column:storefront_line_id"`
	SKU              string              `gorm:"column:sku"`
	Name             string              `gorm:"column:name"`
	Quantity         int                 `gorm:"column:quantity"`
	UnitPrice        string              `gorm:"column:unit_price"`
	Intcomex         bool                `gorm:"column:intcomex"`
	CostBasis        decimal.NullDecimal `gorm:"column:cost_basis"`
	Cost             decimal.NullDecimal `gorm:"column:cost"`
}

func (orderLineRow) TableName() string { return "order_lines" }

type orderEventRow struct {
	ID         int64     `gorm:"column:id;primaryKey"`
	OrderID    int64     `gorm:"column:order_id"`
	At         time.Time `gorm:"column:at"`
	Kind       string    `gorm:"column:kind"`
	Message    string    `gorm:"column:message"`
	Detail     string    `gorm:"column:detail"`
	JobID      string    `gorm:"column:job_id"`
	APICallIDs string    `gorm:"column:api_call_ids"`
}

func (orderEventRow) TableName() string { return "order_events" }

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func timeOf(p *time.Time) time.Time {
	if p == nil {
		return time.Time{}
	}
	return p.UTC()
}

func jsonText(raw json.RawMessage, empty string) string {
	if len(raw) == 0 {
		return empty
	}
	return string(raw)
}

func (o Order) validate() error {
	var errs []error
	if o.ShopID <= 0 {
		errs = append(errs, errors.New("shop is not set"))
	}
	if strings.TrimSpace(o.StorefrontOrderID) == "" {
		errs = append(errs, errors.New("storefront order id is empty"))
	}
	if o.CustomerOrderNumber == "" {
		errs = append(errs, errors.New("customer order number is empty"))
	}
	known := false
	for _, s := range OrderStates {
		known = known || s == o.State
	}
	if !known {
		errs = append(errs, fmt.Errorf("state %q is not an order state", o.State))
	}
	// The limits are the MySQL column sizes, checked here so both dialects refuse the same rows.
	for _, f := range []struct {
		name, value string
		max         int
	}{
		{"storefront order id", o.StorefrontOrderID, 100}, {"storefront order number", o.StorefrontOrderNumber, 100},
		{"customer order number", o.CustomerOrderNumber, 40}, {"hold code", o.HoldCode, 20},
		{"storefront status", o.StorefrontStatus, 40}, {"currency", o.Currency, 3}, {"total", o.Total, 40},
		{"intcomex order number", o.IntcomexOrderNumber, 64}, {"intcomex total", o.IntcomexTotal, 40},
		{"intcomex currency", o.IntcomexCurrency, 3}, {"invoice number", o.InvoiceNumber, 64},
	} {
		if len(f.value) > f.max {
			errs = append(errs, fmt.Errorf("%s is longer than %d bytes", f.name, f.max))
		}
	}
	for _, raw := range []json.RawMessage{o.Tracking, o.Serials} {
		if len(raw) > 0 && !json.Valid(raw) {
			errs = append(errs, errors.New("tracking or serials is not JSON"))
		}
	}
	for i, l := range o.Lines {
		if l.Quantity < 0 || len(l.SKU) > 64 || len(l.StorefrontLineID) > 100 || len(l.UnitPrice) > 40 {
			errs = append(errs, fmt.Errorf("line %d: negative quantity or a field too long", i+1))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w: order: %w", ErrInvalid, errors.Join(errs...))
	}
	return nil
}

func orderToRow(o Order) orderRow {
	return orderRow{
		ID: o.ID, ShopID: o.ShopID, StorefrontOrderID: o.StorefrontOrderID, StorefrontOrderNumber: o.StorefrontOrderNumber,
		CustomerOrderNumber: o.CustomerOrderNumber, State: o.State, HoldCode: o.HoldCode, HoldReason: o.HoldReason,
		StorefrontStatus: o.StorefrontStatus, Currency: o.Currency, Total: o.Total,
		IntcomexOrderNumber: o.IntcomexOrderNumber, IntcomexStatus: o.IntcomexStatus, IntcomexTotal: o.IntcomexTotal,
		IntcomexCurrency: o.IntcomexCurrency, InvoiceNumber: o.InvoiceNumber, InvoiceURL: o.InvoiceURL,
		Tracking: jsonText(o.Tracking, "null"), Serials: jsonText(o.Serials, "null"), Attempts: o.Attempts, AttemptUntil: timePtr(o.AttemptUntil),
		PaidAt: timePtr(o.PaidAt), PlacedAt: timePtr(o.PlacedAt), WrittenBackAt: timePtr(o.WrittenBackAt),
		LastStatusAt: timePtr(o.LastStatusAt), NextCheckAt: timePtr(o.NextCheckAt), Version: o.Version,
		CreatedAt: o.CreatedAt.UTC(), UpdatedAt: o.UpdatedAt.UTC(),
	}
}

func (r orderRow) order() Order {
	return Order{
		ID: r.ID, ShopID: r.ShopID, StorefrontOrderID: r.StorefrontOrderID, StorefrontOrderNumber: r.StorefrontOrderNumber,
		CustomerOrderNumber: r.CustomerOrderNumber, State: r.State, HoldCode: r.HoldCode, HoldReason: r.HoldReason,
		StorefrontStatus: r.StorefrontStatus, Currency: r.Currency, Total: r.Total,
		IntcomexOrderNumber: r.IntcomexOrderNumber, IntcomexStatus: r.IntcomexStatus, IntcomexTotal: r.IntcomexTotal,
		IntcomexCurrency: r.IntcomexCurrency, InvoiceNumber: r.InvoiceNumber, InvoiceURL: r.InvoiceURL,
		Tracking: json.RawMessage(r.Tracking), Serials: json.RawMessage(r.Serials), Attempts: r.Attempts, AttemptUntil: timeOf(r.AttemptUntil),
		PaidAt: timeOf(r.PaidAt), PlacedAt: timeOf(r.PlacedAt), WrittenBackAt: timeOf(r.WrittenBackAt),
		LastStatusAt: timeOf(r.LastStatusAt), NextCheckAt: timeOf(r.NextCheckAt), Version: r.Version,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
}

func lineRows(orderID int64, lines []OrderLine) []orderLineRow {
	out := make([]orderLineRow, len(lines))
	for i, l := range lines {
		out[i] = orderLineRow{OrderID: orderID, Position: i + 1, StorefrontLineID: l.StorefrontLineID, SKU: l.SKU,
			Name: l.Name, Quantity: l.Quantity, UnitPrice: l.UnitPrice, Intcomex: l.Intcomex,
			CostBasis: round4(l.CostBasis), Cost: round4(l.Cost)}
	}
	return out
}

func round4(d decimal.NullDecimal) decimal.NullDecimal {
	if d.Valid {
		d.Decimal = d.Decimal.Round(4) // DECIMAL(19,4)
	}
	return d
}

// UpsertOrderTx records a storefront order inside tx, keyed by (ShopID, StorefrontOrderID). A new
// order is inserted as given (State defaults to OrderReceived, Version to 1) with its lines, and
// returned with inserted true. An order already recorded is returned as stored, unchanged, with
// inserted false: what to do with it is the caller's decision (connector/orders), made with
// SaveOrderTx. A CustomerOrderNumber another order holds gives ErrConflict.
func (s *Store) UpsertOrderTx(ctx context.Context, tx *Tx, o Order) (stored Order, inserted bool, err error) {
	if o.State == "" {
		o.State = OrderReceived
	}
	if err := o.validate(); err != nil {
		return Order{}, false, fmt.Errorf("store: upsert order: %w", err)
	}
	db := tx.db.WithContext(ctx)
	if got, err := orderBy(db, "shop_id = ? AND storefront_order_id = ?", o.ShopID, o.StorefrontOrderID); err == nil {
		return got, false, nil
	} else if !errors.Is(err, ErrNotFound) {
		return Order{}, false, fmt.Errorf("store: upsert order: %w", err)
	}
	return s.insertOrder(db, tx, o)
}

// InsertOrderTx is UpsertOrderTx for a caller that has just read that the order is not there
// (the intake): it inserts without reading first, and on a concurrent insert of the same order
// returns that one (inserted false). An order with State "" is received.
func (s *Store) InsertOrderTx(ctx context.Context, tx *Tx, o Order) (stored Order, inserted bool, err error) {
	if o.State == "" {
		o.State = OrderReceived
	}
	if err := o.validate(); err != nil {
		return Order{}, false, fmt.Errorf("store: insert order: %w", err)
	}
	return s.insertOrder(tx.db.WithContext(ctx), tx, o)
}

func (s *Store) insertOrder(db *gorm.DB, tx *Tx, o Order) (stored Order, inserted bool, err error) {
	now := s.now()
	o.ID, o.Version, o.CreatedAt, o.UpdatedAt = 0, 1, now, now
	row := orderToRow(o)
	if err := db.Create(&row).Error; err != nil {
		if isDuplicateKey(err) {
			// A concurrent intake of the same order (the other transaction committed first), or
			// another order with this customer number.
			// A locking read: on MySQL a plain read would use the transaction's snapshot, taken
			// before the other transaction committed.
			ldb := db
			if tx.dialect == migrations.MySQL {
				ldb = db.Clauses(clause.Locking{Strength: "SHARE"})
			}
			if got, err2 := orderBy(ldb, "shop_id = ? AND storefront_order_id = ?", o.ShopID, o.StorefrontOrderID); err2 == nil {
				return got, false, nil
			}
			return Order{}, false, fmt.Errorf("store: upsert order: customer order number %q is taken: %w", o.CustomerOrderNumber, ErrConflict)
		}
		return Order{}, false, fmt.Errorf("store: upsert order: %w", err)
	}
	if len(o.Lines) > 0 {
		if err := db.Create(lineRows(row.ID, o.Lines)).Error; err != nil {
			return Order{}, false, fmt.Errorf("store: upsert order lines: %w", err)
		}
	}
	out := row.order()
	out.Lines = o.Lines
	return out, true, nil
}

// OrderIntakeLookupTx is the intake's one read before it records an order: the shop's order with
// this storefront id (with its lines; ErrNotFound when there is none) and whether another order
// already has customerNumber. One statement where the two questions were two.
func (s *Store) OrderIntakeLookupTx(ctx context.Context, tx *Tx, shopID int64, storefrontOrderID, customerNumber string) (existing Order, numberTaken bool, err error) {
	db := tx.db.WithContext(ctx)
	var rows []orderRow
	err = db.Where("(shop_id = ? AND storefront_order_id = ?) OR customer_order_number = ?", shopID, storefrontOrderID, customerNumber).
		Limit(2).Find(&rows).Error
	if err != nil {
		return Order{}, false, fmt.Errorf("store: look up order: %w", err)
	}
	for _, r := range rows {
		if r.ShopID == shopID && r.StorefrontOrderID == storefrontOrderID {
			o := r.order()
			if o.Lines, err = orderLines(db, o.ID); err != nil {
				return Order{}, false, err
			}
			return o, false, nil
		}
	}
	return Order{}, len(rows) > 0, fmt.Errorf("store: order %d/%s: %w", shopID, storefrontOrderID, ErrNotFound)
}

// SaveOrder writes o over the stored order if the stored Version is still o.Version (compare and
// swap), bumps Version and UpdatedAt, replaces the lines when o.Lines is not nil, and returns the
// order as stored. Another writer first gives an error wrapping ErrConflict: re-read and decide
// again. Events are added in the same transaction.
func (s *Store) SaveOrder(ctx context.Context, o Order, events ...OrderEvent) (Order, error) {
	var out Order
	err := s.Transaction(ctx, func(tx *Tx) error {
		var err error
		out, err = s.SaveOrderTx(ctx, tx, o, events...)
		return err
	})
	return out, err
}

// SaveOrderTx is SaveOrder inside the caller's transaction.
func (s *Store) SaveOrderTx(ctx context.Context, tx *Tx, o Order, events ...OrderEvent) (Order, error) {
	if err := o.validate(); err != nil {
		return Order{}, fmt.Errorf("store: save order: %w", err)
	}
	if o.ID <= 0 {
		return Order{}, fmt.Errorf("store: save order: %w: no id", ErrInvalid)
	}
	db := tx.db.WithContext(ctx)
	o.UpdatedAt = s.now()
	row := orderToRow(o)
	row.Version = o.Version + 1
	res := db.Model(&orderRow{}).Where("id = ? AND version = ?", o.ID, o.Version).Select("*").Omit("id", "created_at").Updates(&row)
	if res.Error != nil {
		if isDuplicateKey(res.Error) {
			return Order{}, fmt.Errorf("store: save order %d: customer order number %q is taken: %w", o.ID, o.CustomerOrderNumber, ErrConflict)
		}
		return Order{}, fmt.Errorf("store: save order %d: %w", o.ID, res.Error)
	}
	if res.RowsAffected == 0 {
		if _, err := orderBy(db, "id = ?", o.ID); err != nil {
			return Order{}, fmt.Errorf("store: save order %d: %w", o.ID, err)
		}
		return Order{}, fmt.Errorf("store: save order %d: version %d is no longer current: %w", o.ID, o.Version, ErrConflict)
	}
	if o.Lines != nil {
		// The old lines are deleted by their ids. A DELETE by order_id locks the index's gap
		// too, and on MySQL, when the order has no lines yet, that is the gap where the intake
		// inserts the lines of every new order: the two deadlocked under load. The order's row,
		// updated above, keeps other writers of this order's lines out.
		var ids []int64
		if err := db.Model(&orderLineRow{}).Where("order_id = ?", o.ID).Pluck("id", &ids).Error; err != nil {
			return Order{}, fmt.Errorf("store: save order %d lines: %w", o.ID, err)
		}
		if len(ids) > 0 {
			if err := db.Where("id IN ?", ids).Delete(&orderLineRow{}).Error; err != nil {
				return Order{}, fmt.Errorf("store: save order %d lines: %w", o.ID, err)
			}
		}
		if len(o.Lines) > 0 {
			if err := db.Create(lineRows(o.ID, o.Lines)).Error; err != nil {
				return Order{}, fmt.Errorf("store: save order %d lines: %w", o.ID, err)
			}
		}
	}
	if err := s.addOrderEvents(db, o.ID, events); err != nil {
		return Order{}, err
	}
	got, err := orderBy(db, "id = ?", o.ID)
	if err != nil {
		return Order{}, fmt.Errorf("store: save order %d: %w", o.ID, err)
	}
	got.Lines, err = orderLines(db, o.ID)
	if err != nil {
		return Order{}, err
	}
	return got, nil
}

func orderBy(db *gorm.DB, where string, args ...any) (Order, error) {
	var row orderRow
	if err := db.Where(where, args...).Take(&row).Error; err != nil {
		return Order{}, notFound("order", err)
	}
	return row.order(), nil
}

func orderLines(db *gorm.DB, orderID int64) ([]OrderLine, error) {
	var rows []orderLineRow
	if err := db.Where("order_id = ?", orderID).Order("position").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: order %d lines: %w", orderID, err)
	}
	out := make([]OrderLine, len(rows))
	for i, r := range rows {
		out[i] = OrderLine{StorefrontLineID: r.StorefrontLineID, SKU: r.SKU, Name: r.Name, Quantity: r.Quantity,
			UnitPrice: r.UnitPrice, Intcomex: r.Intcomex, CostBasis: r.CostBasis, Cost: r.Cost}
	}
	return out, nil
}

func (s *Store) orderWithLines(ctx context.Context, where string, args ...any) (Order, error) {
	db := s.db.WithContext(ctx)
	o, err := orderBy(db, where, args...)
	if err != nil {
		return Order{}, err
	}
	if o.Lines, err = orderLines(db, o.ID); err != nil {
		return Order{}, err
	}
	return o, nil
}

// Order returns the order with this id and its lines, or ErrNotFound.
func (s *Store) Order(ctx context.Context, id int64) (Order, error) {
	return s.orderWithLines(ctx, "id = ?", id)
}

// OrderByStorefrontID returns a shop's order by the storefront's order id, or ErrNotFound.
func (s *Store) OrderByStorefrontID(ctx context.Context, shopID int64, storefrontOrderID string) (Order, error) {
	return s.orderWithLines(ctx, "shop_id = ? AND storefront_order_id = ?", shopID, storefrontOrderID)
}

// OrderByStorefrontIDTx is OrderByStorefrontID inside the caller's transaction, without lines.
func (s *Store) OrderByStorefrontIDTx(ctx context.Context, tx *Tx, shopID int64, storefrontOrderID string) (Order, error) {
	return orderBy(tx.db.WithContext(ctx), "shop_id = ? AND storefront_order_id = ?", shopID, storefrontOrderID)
}

// OrderByCustomerNumber returns the order with this customer order number, or ErrNotFound.
func (s *Store) OrderByCustomerNumber(ctx context.Context, number string) (Order, error) {
	return s.orderWithLines(ctx, "customer_order_number = ?", number)
}

// OrderByIntcomexNumber returns the order IWS knows by this order number, or ErrNotFound.
func (s *Store) OrderByIntcomexNumber(ctx context.Context, number string) (Order, error) {
	if number == "" {
		return Order{}, fmt.Errorf("store: order: %w", ErrNotFound)
	}
	return s.orderWithLines(ctx, "intcomex_order_number = ?", number)
}

// OrderFilter selects orders. Zero fields do not filter.
type OrderFilter struct {
	ShopID       int64
	States       []string // e.g. []string{OrderHeld}: held orders only
	HoldCode     string
	Since        time.Time // updated_at >= Since
	Until        time.Time // updated_at < Until
	CreatedSince time.Time // created_at >= CreatedSince (when the order was received)
	CreatedUntil time.Time // created_at < CreatedUntil
	DueBy        time.Time // next_check_at <= DueBy (tracking: orders due a status check)
	// Search matches text anywhere in the storefront order number or id, the customer order
	// number or the Intcomex order number.
	Search   string
	BeforeID int64 // keyset pagination (ListOrders): only ids below
	Limit    int   // ListOrders: default 50, at most 1000
}

// apply adds f's conditions (not BeforeID and Limit) to q.
func (f OrderFilter) apply(q *gorm.DB) *gorm.DB {
	if f.ShopID != 0 {
		q = q.Where("shop_id = ?", f.ShopID)
	}
	if len(f.States) > 0 {
		q = q.Where("state IN ?", f.States)
	}
	if f.HoldCode != "" {
		q = q.Where("hold_code = ?", f.HoldCode)
	}
	for _, c := range []struct {
		cond string
		t    time.Time
	}{
		{"updated_at >= ?", f.Since}, {"updated_at < ?", f.Until},
		{"created_at >= ?", f.CreatedSince}, {"created_at < ?", f.CreatedUntil},
		{"next_check_at IS NOT NULL AND next_check_at <= ?", f.DueBy},
	} {
		if !c.t.IsZero() {
			q = q.Where(c.cond, c.t.UTC())
		}
	}
	return likeAny(q, f.Search, "storefront_order_number", "storefront_order_id", "customer_order_number", "intcomex_order_number")
}

// ListOrders returns the orders matching f, newest first, without their lines.
func (s *Store) ListOrders(ctx context.Context, f OrderFilter) ([]Order, error) {
	q := f.apply(s.db.WithContext(ctx).Model(&orderRow{}))
	if f.BeforeID != 0 {
		q = q.Where("id < ?", f.BeforeID)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = defaultListLimit
	}
	limit = min(limit, maxListLimit)
	var rows []orderRow
	if err := q.Order("id DESC").Limit(limit).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: list orders: %w", err)
	}
	out := make([]Order, len(rows))
	for i, r := range rows {
		out[i] = r.order()
	}
	return out, nil
}

// AddOrderEvents appends events to an order's timeline (At defaults to now).
func (s *Store) AddOrderEvents(ctx context.Context, orderID int64, events ...OrderEvent) error {
	return s.addOrderEvents(s.db.WithContext(ctx), orderID, events)
}

// AddOrderEventsTx is AddOrderEvents inside the caller's transaction.
func (s *Store) AddOrderEventsTx(ctx context.Context, tx *Tx, orderID int64, events ...OrderEvent) error {
	return s.addOrderEvents(tx.db.WithContext(ctx), orderID, events)
}

func (s *Store) addOrderEvents(db *gorm.DB, orderID int64, events []OrderEvent) error {
	if len(events) == 0 {
		return nil
	}
	rows := make([]orderEventRow, len(events))
	now := s.now()
	for i, e := range events {
		if e.Kind == "" || len(e.Kind) > 16 || len(e.JobID) > 64 {
			return fmt.Errorf("store: order event: %w: kind %q or job id too long or empty", ErrInvalid, e.Kind)
		}
		if len(e.Detail) > 0 && !json.Valid(e.Detail) {
			return fmt.Errorf("store: order event: %w: detail is not JSON", ErrInvalid)
		}
		at := e.At
		if at.IsZero() {
			at = now
		}
		ids := e.APICallIDs
		if ids == nil {
			ids = []int64{}
		}
		b, err := json.Marshal(ids)
		if err != nil {
			return fmt.Errorf("store: order event: %w", err)
		}
		rows[i] = orderEventRow{OrderID: orderID, At: at.UTC(), Kind: e.Kind, Message: e.Message,
			Detail: jsonText(e.Detail, "{}"), JobID: e.JobID, APICallIDs: string(b)}
	}
	if err := db.Create(&rows).Error; err != nil {
		return fmt.Errorf("store: add order events: %w", err)
	}
	return nil
}

// OrderEvents returns an order's timeline, oldest first.
func (s *Store) OrderEvents(ctx context.Context, orderID int64) ([]OrderEvent, error) {
	var rows []orderEventRow
	if err := s.db.WithContext(ctx).Where("order_id = ?", orderID).Order("id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: order events: %w", err)
	}
	out := make([]OrderEvent, len(rows))
	for i, r := range rows {
		e := OrderEvent{ID: r.ID, OrderID: r.OrderID, At: r.At.UTC(), Kind: r.Kind, Message: r.Message,
			Detail: json.RawMessage(r.Detail), JobID: r.JobID}
		if err := json.Unmarshal([]byte(r.APICallIDs), &e.APICallIDs); err != nil {
			return nil, fmt.Errorf("store: order event %d: api call ids: %w", r.ID, err)
		}
		out[i] = e
	}
	return out, nil
}

// APICallIDs returns the ids of the audit rows of an order's calls made by a job, oldest first,
// with an id above afterID: the calls behind one step, when the step remembers the highest id
// before it started (0: all).
func (s *Store) APICallIDs(ctx context.Context, orderID, jobID string, afterID int64) ([]int64, error) {
	var ids []int64
	q := s.db.WithContext(ctx).Model(&apiCallRow{}).Where("order_id = ? AND id > ?", orderID, afterID)
	if jobID != "" {
		q = q.Where("job_id = ?", jobID)
	}
	if err := q.Order("id").Limit(maxListLimit).Pluck("id", &ids).Error; err != nil {
		return nil, fmt.Errorf("store: api call ids: %w", err)
	}
	return ids, nil
}

// HoldShopOrders holds every new order of a shop with reason (IWS says the customer account is
// on hold, or the credentials fail): the shop's OrdersHoldReason is set, and the Placer holds
// each order it takes up instead of placing it until ResumeShopOrders. A shop already held keeps
// its first reason and time.
func (s *Store) HoldShopOrders(ctx context.Context, shopID int64, reason string) error {
	if strings.TrimSpace(reason) == "" {
		return fmt.Errorf("store: hold shop orders: %w: empty reason", ErrInvalid)
	}
	if len(reason) > 500 {
		reason = reason[:500]
	}
	res := s.db.WithContext(ctx).Model(&shopRow{}).Where("id = ? AND orders_hold_reason = ''", shopID).
		Updates(map[string]any{"orders_hold_reason": reason, "orders_held_at": s.now()})
	if res.Error != nil {
		return fmt.Errorf("store: hold shop orders: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		if _, err := s.Shop(ctx, shopID); err != nil {
			return fmt.Errorf("store: hold shop orders: %w", err)
		}
	}
	return nil
}

// ResumeShopOrders lifts a shop's hold and returns the orders held because of it (HoldCode
// "shop"), moved back to OrderReceived with their versions bumped: the caller enqueues their
// place_order jobs (connector/orders.Resume does both).
func (s *Store) ResumeShopOrders(ctx context.Context, tx *Tx, shopID int64) ([]Order, error) {
	db := tx.db.WithContext(ctx)
	res := db.Model(&shopRow{}).Where("id = ?", shopID).
		Updates(map[string]any{"orders_hold_reason": "", "orders_held_at": nil})
	if res.Error != nil {
		return nil, fmt.Errorf("store: resume shop orders: %w", res.Error)
	}
	var rows []orderRow
	if err := db.Where("shop_id = ? AND state = ? AND hold_code = ?", shopID, OrderHeld, HoldCodeShop).Order("id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: resume shop orders: %w", err)
	}
	out := make([]Order, 0, len(rows))
	for _, r := range rows {
		o := r.order()
		o.State, o.HoldCode, o.HoldReason = OrderReceived, "", ""
		saved, err := s.SaveOrderTx(ctx, tx, o, OrderEvent{Kind: OrderEventRetry, Message: "the shop's order hold was lifted"})
		if err != nil {
			return nil, fmt.Errorf("store: resume shop orders: %w", err)
		}
		out = append(out, saved)
	}
	return out, nil
}

// HoldCodeShop is the HoldCode of orders held because their shop's orders are held.
const HoldCodeShop = "shop"
