package orders

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/platforms"
)

// KindPlaceOrder is the job kind of the Placer.
const KindPlaceOrder = "place_order"

// PlaceOrderArgs are the place_order job's arguments.
type PlaceOrderArgs struct {
	OrderID int64 `json:"order_id"`
}

// Kind implements jobs.JobArgs.
func (PlaceOrderArgs) Kind() string { return KindPlaceOrder }

// InsertOpts implements jobs.ArgsWithInsertOpts: one live place_order job per order, priority 1
// (money waits for nothing else), and many attempts, since a failing write-back retries here.
func (a PlaceOrderArgs) InsertOpts() jobs.InsertOpts {
	return jobs.InsertOpts{UniqueKey: PlaceOrderKey(a.OrderID), Priority: 1, MaxAttempts: 50}
}

// PlaceOrderKey is the unique key of an order's place_order job.
func PlaceOrderKey(orderID int64) string { return fmt.Sprintf("place_order:%d", orderID) }

// JobInserter enqueues jobs in the caller's transaction (connector/jobs.Client).
type JobInserter interface {
	InsertTx(ctx context.Context, tx *store.Tx, args jobs.JobArgs, opts *jobs.InsertOpts) (jobs.InsertResult, error)
}

// Intake turns a storefront's word that an order is paid (a webhook, or the reconciliation
// sweep) into an order row and its place_order job, inside the caller's transaction. It makes no
// outside call: the webhook handler answers in milliseconds.
type Intake struct {
	store *store.Store
	jobs  JobInserter
}

// NewIntake returns an Intake writing to st and enqueueing with jobs.
func NewIntake(st *store.Store, jobs JobInserter) *Intake { return &Intake{store: st, jobs: jobs} }

// Outcome says what the intake did with an event.
type Outcome string

// Outcomes.
const (
	OutcomeNew      Outcome = "new"      // the order was recorded and its place_order job enqueued
	OutcomeReopened Outcome = "reopened" // an unpaid order was seen paid: back to received, job enqueued
	OutcomeSeen     Outcome = "seen"     // the order is known and this event changes nothing for it
	OutcomeOwn      Outcome = "own"      // an update the connector itself made (its note, meta, status)
	OutcomeNotPaid  Outcome = "not_paid" // not (yet) a paid order: nothing to do
	OutcomeNoOrder  Outcome = "no_order" // not an order topic
	// OutcomeCancelled: a known order was cancelled or refunded on the storefront; the
	// track_order job cancels it at IWS (or holds it for a person), an order not placed is
	// cancelled here or by the Placer.
	OutcomeCancelled Outcome = "cancelled"
)

// Sources of an intake, as the timeline names them.
const (
	SourceWebhook = "webhook"
	SourceSweep   = "sweep"
)

// Paid reports whether an order event means "this order is paid" for the shop's platform:
// Shopify's orders/paid; WooCommerce's order.created or order.updated whose order is processing
// or completed with date_paid set (WooCommerce has no paid topic); the memory storefront's paid
// topic, or any order event whose order says it is paid.
func Paid(platform string, ev platforms.WebhookEvent) bool {
	switch platform {
	case store.PlatformShopify:
		return ev.Topic == platforms.TopicOrderPaid
	case store.PlatformWooCommerce:
		if ev.Topic != platforms.TopicOrderCreated && ev.Topic != platforms.TopicOrderUpdated || ev.Order == nil {
			return false
		}
		st := ev.Order.PlatformStatus
		return (st == "processing" || st == "completed") && !ev.Order.PaidAt.IsZero()
	default:
		switch ev.Topic {
		case platforms.TopicOrderPaid:
			return true
		case platforms.TopicOrderCreated, platforms.TopicOrderUpdated:
			return ev.Order != nil && ev.Order.Paid
		}
		return false
	}
}

// MetaOrderNumber is the key of the Intcomex order number written back to a storefront order
// (platforms.Orders.SetOrderMeta): the hidden "_intcomex_order_number" meta on WooCommerce (a
// real WooCommerce 11 lists underscore keys in an order's meta_data, and its webhooks carry them,
// so the intake reads it back), the "intcomex.order_number" metafield on Shopify (namespace
// intcomex, key order_number), "intcomex_order_number" on the memory storefront.
func MetaOrderNumber(platform string) string {
	switch platform {
	case store.PlatformShopify:
		return "order_number"
	case store.PlatformWooCommerce:
		return "_intcomex_order_number"
	}
	return "intcomex_order_number"
}

// OwnWriteBack reports an order payload that carries the connector's own write-back: the
// Intcomex order number the Placer wrote (on WooCommerce every note, meta and status change the
// connector makes fires order.updated with the whole order).
func OwnWriteBack(platform string, o *platforms.Order) bool {
	return o != nil && o.Meta[MetaOrderNumber(platform)] != ""
}

// ReceiveTx takes a verified webhook event of shop inside tx (the transaction that records its
// webhook_events row). A paid order the connector has not seen is recorded in state received
// with its lines (lines with an empty SKU included, Intcomex false until the Placer decides) and
// its place_order job is enqueued; an unpaid order seen paid again is reopened. Anything else
// does nothing: a known order's later events (among them every update the connector's own
// write-back causes) are the Placer's and tracking's business, and they re-read the storefront.
func (in *Intake) ReceiveTx(ctx context.Context, tx *store.Tx, shop store.Shop, ev platforms.WebhookEvent) (Outcome, store.Order, error) {
	switch ev.Topic {
	case platforms.TopicOrderCreated, platforms.TopicOrderUpdated, platforms.TopicOrderPaid:
	default:
		return OutcomeNoOrder, store.Order{}, nil
	}
	if ev.OrderID == "" && ev.Order == nil {
		return OutcomeNoOrder, store.Order{}, nil
	}
	if ev.Order != nil && (ev.Order.Status == platforms.OrderCancelled || ev.Order.Status == platforms.OrderRefunded) {
		id := ev.OrderID
		if id == "" {
			id = ev.Order.ID
		}
		existing, err := in.existing(ctx, tx, shop.ID, id)
		if errors.Is(err, store.ErrNotFound) {
			return OutcomeNotPaid, store.Order{}, nil
		}
		if err != nil {
			return "", store.Order{}, err
		}
		return in.cancelled(ctx, tx, existing, ev.Order.Status, map[string]string{"topic": ev.RawTopic, "delivery": ev.DeliveryID})
	}
	if !Paid(shop.Platform, ev) {
		return OutcomeNotPaid, store.Order{}, nil
	}
	o := platforms.Order{ID: ev.OrderID}
	if ev.Order != nil {
		o = *ev.Order
	}
	detail := map[string]string{"topic": ev.RawTopic, "delivery": ev.DeliveryID}
	return in.receive(ctx, tx, shop, o, SourceWebhook, detail)
}

// ReceiveOrderTx takes a paid order the sweep found (platforms.Orders.ListPaidOrders) inside
// tx: recorded and enqueued like a webhook's when the connector has not seen it, else nothing.
func (in *Intake) ReceiveOrderTx(ctx context.Context, tx *store.Tx, shop store.Shop, o platforms.Order) (Outcome, store.Order, error) {
	if !o.Paid {
		return OutcomeNotPaid, store.Order{}, nil
	}
	return in.receive(ctx, tx, shop, o, SourceSweep, nil)
}

func (in *Intake) receive(ctx context.Context, tx *store.Tx, shop store.Shop, o platforms.Order, source string, detail map[string]string) (Outcome, store.Order, error) {
	if o.ID == "" {
		return OutcomeNoOrder, store.Order{}, nil
	}
	number := o.Number
	if number == "" {
		number = o.ID
	}
	con := CustomerOrderNumber(shop.Platform, shop.ID, number)
	// Read inside tx: on SQLite the store has one connection, held by tx.
	existing, taken, err := in.store.OrderIntakeLookupTx(ctx, tx, shop.ID, o.ID, con)
	switch {
	case err == nil:
		return in.known(ctx, tx, shop, existing, o, source, detail)
	case !errors.Is(err, store.ErrNotFound):
		return "", store.Order{}, fmt.Errorf("orders: intake: %w", err)
	}
	if taken {
		con = AlternateCustomerOrderNumber(shop.Platform, shop.ID, o.ID)
	}
	row := store.Order{
		ShopID: shop.ID, StorefrontOrderID: o.ID, StorefrontOrderNumber: clip(number, 100), CustomerOrderNumber: con,
		State: store.OrderReceived, StorefrontStatus: clip(string(o.Status), 40), Currency: clip(o.Currency, 3),
		Total: clip(o.Total, 40), PaidAt: o.PaidAt, Lines: storeLines(o.Lines),
	}
	stored, inserted, err := in.store.InsertOrderTx(ctx, tx, row) // existing said it is not there
	if errors.Is(err, store.ErrConflict) && !taken {
		// Another order with the same storefront number committed its customer order number
		// meanwhile (a concurrent intake): this one takes the alternate.
		row.CustomerOrderNumber = AlternateCustomerOrderNumber(shop.Platform, shop.ID, o.ID)
		stored, inserted, err = in.store.InsertOrderTx(ctx, tx, row)
	}
	if err != nil {
		return "", store.Order{}, fmt.Errorf("orders: intake: %w", err)
	}
	if !inserted {
		// Another intake of the same order committed between the read and the insert.
		return in.known(ctx, tx, shop, stored, o, source, detail)
	}
	if err := in.enqueue(ctx, tx, stored, store.OrderEvent{Kind: eventKind(source),
		Message: fmt.Sprintf("paid order %s received (%s)", stored.StorefrontOrderNumber, source), Detail: jsonDetail(detail)}); err != nil {
		return "", store.Order{}, err
	}
	return OutcomeNew, stored, nil
}

func (in *Intake) existing(ctx context.Context, tx *store.Tx, shopID int64, sfID string) (store.Order, error) {
	// Read inside tx: on SQLite the store has one connection, held by tx.
	o, err := in.store.OrderByStorefrontIDTx(ctx, tx, shopID, sfID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return store.Order{}, fmt.Errorf("orders: intake: %w", err)
	}
	return o, err
}

// known decides about an event for an order already recorded.
func (in *Intake) known(ctx context.Context, tx *store.Tx, shop store.Shop, existing store.Order, o platforms.Order, source string, detail map[string]string) (Outcome, store.Order, error) {
	if existing.State != store.OrderUnpaid {
		if OwnWriteBack(shop.Platform, &o) {
			return OutcomeOwn, existing, nil
		}
		return OutcomeSeen, existing, nil
	}
	existing.State, existing.StorefrontStatus, existing.PaidAt = store.OrderReceived, clip(string(o.Status), 40), o.PaidAt
	if len(o.Lines) > 0 {
		existing.Lines = storeLines(o.Lines)
	}
	saved, err := in.store.SaveOrderTx(ctx, tx, existing)
	if err != nil {
		return "", store.Order{}, fmt.Errorf("orders: intake: reopen order %d: %w", existing.ID, err)
	}
	if err := in.enqueue(ctx, tx, saved, store.OrderEvent{Kind: eventKind(source),
		Message: fmt.Sprintf("order %s is paid now: placing it again (%s)", saved.StorefrontOrderNumber, source), Detail: jsonDetail(detail)}); err != nil {
		return "", store.Order{}, err
	}
	return OutcomeReopened, saved, nil
}

// cancelled takes the storefront's word that a known order is cancelled or refunded. Only the
// change to cancelled/refunded does work (a repeat is OutcomeSeen): an order not placed and
// waiting (held, unpaid) is cancelled here; an order on its way or placed gets the storefront
// status recorded and its track_order job woken, which cancels it at IWS while IWS allows it and
// holds it for a person otherwise (the Placer, seeing the status, places nothing more).
func (in *Intake) cancelled(ctx context.Context, tx *store.Tx, existing store.Order, status platforms.OrderStatus, detail map[string]string) (Outcome, store.Order, error) {
	if cancelledOnStorefront(existing) {
		return OutcomeSeen, existing, nil
	}
	existing.StorefrontStatus = string(status)
	var msg string
	wake := false
	switch existing.State {
	case store.OrderHeld, store.OrderUnpaid:
		if existing.IntcomexOrderNumber != "" {
			msg = fmt.Sprintf("the storefront order is %s; it stays held (Intcomex order %s)", status, existing.IntcomexOrderNumber)
			break
		}
		existing.State, existing.HoldCode, existing.HoldReason = store.OrderCancelled, "", ""
		msg = fmt.Sprintf("the storefront order is %s: nothing was placed, cancelled", status)
	case store.OrderReceived, store.OrderValidating, store.OrderPlacing:
		msg = fmt.Sprintf("the storefront order is %s before it was placed: not placed, or cancelled at IWS if it already was", status)
		wake = true
	case store.OrderPlaced, store.OrderInProcess, store.OrderInvoiced, store.OrderDelivered:
		msg = fmt.Sprintf("the storefront order is %s: cancelling Intcomex order %s at IWS", status, existing.IntcomexOrderNumber)
		wake = true
	default: // not_ours, cancelled
		msg = fmt.Sprintf("the storefront order is %s", status)
	}
	if wake {
		existing.NextCheckAt = time.Now().UTC()
	}
	saved, err := in.store.SaveOrderTx(ctx, tx, existing, store.OrderEvent{Kind: store.OrderEventCancel, Message: msg, Detail: jsonDetail(detail)})
	if err != nil {
		return "", store.Order{}, fmt.Errorf("orders: intake: cancel order %d: %w", existing.ID, err)
	}
	if wake && saved.State != store.OrderReceived {
		if err := in.wakeTrackingTx(ctx, tx, saved.ID); err != nil {
			return "", store.Order{}, fmt.Errorf("orders: intake: wake tracking of order %d: %w", saved.ID, err)
		}
	}
	return OutcomeCancelled, saved, nil
}

// wakeTrackingTx brings the order's track_order job forward (when the inserter can) or inserts it.
func (in *Intake) wakeTrackingTx(ctx context.Context, tx *store.Tx, orderID int64) error {
	if r, ok := in.jobs.(interface {
		RunNowTx(ctx context.Context, tx *store.Tx, kind, uniqueKey string) (bool, error)
	}); ok {
		moved, err := r.RunNowTx(ctx, tx, KindTrackOrder, TrackOrderKey(orderID))
		if err != nil || moved {
			return err
		}
	}
	_, err := in.jobs.InsertTx(ctx, tx, TrackOrderArgs{OrderID: orderID}, nil)
	return err
}

func (in *Intake) enqueue(ctx context.Context, tx *store.Tx, o store.Order, ev store.OrderEvent) error {
	if err := in.store.AddOrderEventsTx(ctx, tx, o.ID, ev); err != nil {
		return fmt.Errorf("orders: intake: %w", err)
	}
	if _, err := in.jobs.InsertTx(ctx, tx, PlaceOrderArgs{OrderID: o.ID}, nil); err != nil {
		return fmt.Errorf("orders: intake: enqueue place_order for order %d: %w", o.ID, err)
	}
	return nil
}

func eventKind(source string) string {
	if source == SourceSweep {
		return store.OrderEventSweep
	}
	return store.OrderEventWebhook
}

func jsonDetail(m map[string]string) json.RawMessage {
	if len(m) == 0 {
		return nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil
	}
	return b
}

// storeLines copies the storefront lines; the Placer decides which are Intcomex lines.
func storeLines(lines []platforms.OrderLine) []store.OrderLine {
	out := make([]store.OrderLine, 0, len(lines))
	for _, l := range lines {
		out = append(out, store.OrderLine{StorefrontLineID: clip(l.ID, 100), SKU: clip(strings.TrimSpace(l.SKU), 64),
			Name: l.Name, Quantity: max(l.Quantity, 0), UnitPrice: clip(l.UnitPrice, 40)})
	}
	return out
}

// clip cuts s to at most n bytes (the column sizes), on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
