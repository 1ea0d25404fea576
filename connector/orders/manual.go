package orders

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/internal/correlation"
	"github.com/intcomex-connector/connector/iws"
)

// What a person does to an order (`connector order retry|cancel`, `connector shop
// resume-orders`). Each is one compare-and-swap on the order plus, where the order must move on,
// its place_order job enqueued in the same transaction, so the same exactly-once argument holds as
// for the intake: a retried order goes back through the Placer, which asks IWS by customer order
// number before any new PlaceOrder (Attempts is kept).

// RefusedError is a manual action the order's state does not allow; Reason says why and what to
// do instead, in words for a person.
type RefusedError struct{ Reason string }

func (e *RefusedError) Error() string { return e.Reason }

func refused(format string, args ...any) error {
	return &RefusedError{Reason: fmt.Sprintf(format, args...)}
}

// RetryOptions are a person's choices when retrying.
type RetryOptions struct {
	// AcceptCost buys an order held because an IWS cost rose past the shop's tolerance at the
	// costs its validation found: each such line's cost basis is raised to that cost, so the
	// Placer checks the next validation against it (a cost that rose again is held again).
	AcceptCost bool
}

// acceptCosts raises the cost basis of every Intcomex line whose validated cost is above it to
// that cost, and describes each change.
func acceptCosts(lines []store.OrderLine) []string {
	var out []string
	for i, l := range lines {
		if !l.Intcomex || !l.Cost.Valid || !l.CostBasis.Valid || !l.Cost.Decimal.GreaterThan(l.CostBasis.Decimal) {
			continue
		}
		out = append(out, fmt.Sprintf("SKU %s at %s (its cost basis was %s)", l.SKU, l.Cost.Decimal.StringFixed(2), l.CostBasis.Decimal.StringFixed(2)))
		lines[i].CostBasis = l.Cost
	}
	return out
}

func holdSuffix(code string) string {
	if code == "" {
		return ""
	}
	return " (" + code + ")"
}

// RetryResult is what Retry did.
type RetryResult struct {
	From  string      // the state the order was in
	Order store.Order // the order as saved
	Job   jobs.InsertResult
}

// Retry sends an order back to the Placer after a person fixed what stopped it: a held order (its
// hold cleared), an order no line of which was an Intcomex listing (the lines are checked again),
// or an order whose place_order job gave up before it finished (received, validating, placing, or
// placed but not written back). The order and its job are written in one transaction; a job still
// live for the order is reused (Job.Duplicate). Attempts is kept, so an order that reached
// PlaceOrder before is looked up at IWS by its customer order number before any new attempt.
//
// A held order of a shop whose orders are still held, and orders that are unpaid, cancelled or
// placed and written back, are refused with a RefusedError saying what to do instead.
func Retry(ctx context.Context, st *store.Store, ji JobInserter, o store.Order, opts RetryOptions) (RetryResult, error) {
	res := RetryResult{From: o.State}
	if opts.AcceptCost && (o.State != store.OrderHeld || o.HoldCode != HoldCost) {
		return res, refused("--accept-cost is for an order held because an IWS cost rose (this one is %s%s): retry it without the flag", o.State, holdSuffix(o.HoldCode))
	}
	var msg string
	switch o.State {
	case store.OrderHeld:
		if o.HoldCode == HoldShop {
			shop, err := st.Shop(ctx, o.ShopID)
			if err != nil {
				return res, fmt.Errorf("orders: retry: %w", err)
			}
			if shop.OrdersHoldReason != "" {
				return res, refused("all orders of shop %d are held (%s): lift that with `connector shop resume-orders %d`, which retries this order too",
					shop.ID, shop.OrdersHoldReason, shop.ID)
			}
		}
		msg = fmt.Sprintf("retried by a person after the hold (%s): %s", o.HoldCode, o.HoldReason)
		if opts.AcceptCost {
			accepted := acceptCosts(o.Lines)
			if len(accepted) == 0 {
				return res, refused("no line of the order has an IWS cost above its cost basis any more: retry it without --accept-cost")
			}
			msg = "retried by a person accepting the higher IWS cost: " + strings.Join(accepted, "; ")
		}
		o.State, o.HoldCode, o.HoldReason = store.OrderReceived, "", ""
	case store.OrderNotOurs:
		msg = "retried by a person: the lines are checked again against the shop's listings"
		o.State = store.OrderReceived
	case store.OrderReceived, store.OrderValidating, store.OrderPlacing:
		msg = fmt.Sprintf("place_order enqueued again by a person (the order was %s)", o.State)
	case store.OrderPlaced, store.OrderInProcess, store.OrderInvoiced, store.OrderDelivered:
		if !o.WrittenBackAt.IsZero() {
			return res, refused("the order is placed (Intcomex order %s) and written back: nothing to retry; `connector order refresh` checks its status now",
				o.IntcomexOrderNumber)
		}
		msg = fmt.Sprintf("write-back of Intcomex order %s enqueued again by a person", o.IntcomexOrderNumber)
	case store.OrderUnpaid:
		return res, refused("the storefront says the order is not paid: nothing is placed until it is (its paid webhook, or the reconciliation sweep, places it then)")
	case store.OrderCancelled:
		return res, refused("the order is cancelled: it is never placed")
	default:
		return res, refused("the order is %s: nothing to retry", o.State)
	}
	err := st.Transaction(ctx, func(tx *store.Tx) error {
		saved, err := st.SaveOrderTx(ctx, tx, o, store.OrderEvent{Kind: store.OrderEventRetry, Message: msg})
		if err != nil {
			return err
		}
		res.Order = saved
		res.Job, err = ji.InsertTx(ctx, tx, PlaceOrderArgs{OrderID: o.ID}, nil)
		return err
	})
	if errors.Is(err, store.ErrConflict) {
		return res, fmt.Errorf("orders: retry order %d: it changed meanwhile (a job is working on it): look again with `connector order show`: %w", o.ID, err)
	}
	if err != nil {
		return res, fmt.Errorf("orders: retry order %d: %w", o.ID, err)
	}
	return res, nil
}

// Resume lifts a shop's order hold (store.ResumeShopOrders) and enqueues place_order for each
// order held because of it, in one transaction. It returns those orders.
func Resume(ctx context.Context, st *store.Store, ji JobInserter, shopID int64) ([]store.Order, error) {
	var out []store.Order
	err := st.Transaction(ctx, func(tx *store.Tx) error {
		resumed, err := st.ResumeShopOrders(ctx, tx, shopID)
		if err != nil {
			return err
		}
		for _, o := range resumed {
			if _, err := ji.InsertTx(ctx, tx, PlaceOrderArgs{OrderID: o.ID}, nil); err != nil {
				return fmt.Errorf("enqueue place_order for order %d: %w", o.ID, err)
			}
		}
		out = resumed
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("orders: resume shop %d orders: %w", shopID, err)
	}
	return out, nil
}

// CancelIWS is what Cancel asks Intcomex (*iws.Client).
type CancelIWS interface {
	GetOrder(ctx context.Context, orderNumber string) (*iws.SalesOrder, error)
	CancelOrder(ctx context.Context, orderNumber string) (*iws.SalesOrder, error)
}

// CancelResult is what Cancel did.
type CancelResult struct {
	From  string
	Order store.Order
	// AtIWS reports that the Intcomex order was cancelled with CancelOrder.
	AtIWS bool
}

// Cancel cancels an order for a person. An order not placed (received, validating, held,
// unpaid) is marked cancelled, so no job and no later webhook places it; if a PlaceOrder was ever
// made for it, IWS is asked first by customer order number and an order found there is cancelled
// there. A placed order is cancelled at IWS with CancelOrder while IWS allows it (before it
// ships); IWS's refusal comes back as a RefusedError with its message. An order being placed
// right now, invoiced, delivered, not ours or already cancelled is refused. client may be nil
// when the order has never reached IWS. The IWS calls carry the order id and a manual step id
// ("manual-cancel-…"), so the timeline shows them.
func Cancel(ctx context.Context, st *store.Store, shop store.Shop, client CancelIWS, o store.Order) (CancelResult, error) {
	res := CancelResult{From: o.State}
	stepID := "manual-cancel-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	oid := strconv.FormatInt(o.ID, 10)
	ctx = correlation.WithShopID(correlation.WithAccountID(correlation.WithOrderID(correlation.WithJobID(ctx, stepID), oid), shop.IWSAccountID), shop.ID)
	event := func(msg string) store.OrderEvent {
		ev := store.OrderEvent{Kind: store.OrderEventCancel, Message: msg, JobID: stepID}
		if ids, err := st.APICallIDs(ctx, oid, stepID, 0); err == nil && len(ids) > 0 {
			ev.APICallIDs = ids
		}
		return ev
	}
	needClient := func() error {
		if client == nil {
			return fmt.Errorf("orders: cancel order %d: no IWS client", o.ID)
		}
		return nil
	}
	number := o.IntcomexOrderNumber
	switch o.State {
	case store.OrderReceived, store.OrderValidating, store.OrderHeld, store.OrderUnpaid:
		if number == "" && o.Attempts > 0 {
			// A PlaceOrder was made once: its order may exist at IWS though we never saw the answer.
			if err := needClient(); err != nil {
				return res, err
			}
			so, err := client.GetOrder(correlation.WithMethod(ctx, "getorder"), o.CustomerOrderNumber)
			switch {
			case err == nil:
				number = string(so.OrderNumber)
			case iws.IsNotFound(err):
			default:
				return res, fmt.Errorf("orders: cancel order %d: look up %s at IWS: %w", o.ID, o.CustomerOrderNumber, err)
			}
		}
		if number == "" {
			o.State, o.HoldCode, o.HoldReason = store.OrderCancelled, "", ""
			saved, err := st.SaveOrder(ctx, o, event(fmt.Sprintf("cancelled by a person before placement (it was %s): it will never be placed", res.From)))
			if errors.Is(err, store.ErrConflict) {
				return res, fmt.Errorf("orders: cancel order %d: it changed meanwhile (a job is working on it): look again with `connector order show`: %w", o.ID, err)
			}
			if err != nil {
				return res, fmt.Errorf("orders: cancel order %d: %w", o.ID, err)
			}
			res.Order = saved
			return res, nil
		}
	case store.OrderPlacing:
		return res, refused("the order is being placed with IWS right now: wait until it is placed or held (`connector order show`), then cancel it")
	case store.OrderPlaced, store.OrderInProcess:
	case store.OrderInvoiced, store.OrderDelivered:
		return res, refused("Intcomex order %s is %s: IWS cancels an order only before it ships; ask Intcomex for a return", number, o.State)
	case store.OrderCancelled:
		return res, refused("the order is already cancelled")
	case store.OrderNotOurs:
		return res, refused("no line of the order is an Intcomex product: there is nothing to cancel at Intcomex")
	default:
		return res, refused("the order is %s: it cannot be cancelled", o.State)
	}
	if err := needClient(); err != nil {
		return res, err
	}
	so, err := client.CancelOrder(correlation.WithMethod(ctx, "cancelorder"), number)
	if err != nil {
		if e, ok := iws.AsError(err); ok {
			_ = st.AddOrderEvents(ctx, o.ID, event("IWS refused to cancel Intcomex order "+number+": "+iwsMessage(err)))
			return res, refused("IWS refused to cancel Intcomex order %s: %s", number, iwsMessage(e))
		}
		return res, fmt.Errorf("orders: cancel Intcomex order %s: %w", number, err)
	}
	ev := event(fmt.Sprintf("Intcomex order %s cancelled by a person (CancelOrder)", number))
	for range 5 {
		o.State, o.HoldCode, o.HoldReason, o.IntcomexOrderNumber = store.OrderCancelled, "", "", number
		o.IntcomexStatus = iws.StatusCanceled
		if so != nil && so.Status.StatusCode != 0 {
			o.IntcomexStatus = int(so.Status.StatusCode)
		}
		o.LastStatusAt, o.NextCheckAt = time.Now().UTC(), time.Time{}
		saved, err := st.SaveOrder(ctx, o, ev)
		if err == nil {
			res.Order, res.AtIWS = saved, true
			return res, nil
		}
		if !errors.Is(err, store.ErrConflict) {
			return res, fmt.Errorf("orders: record the cancellation of Intcomex order %s: %w", number, err)
		}
		// A job moved the order meanwhile: the cancellation stands at IWS; record it over that.
		if o, err = st.Order(ctx, o.ID); err != nil {
			return res, fmt.Errorf("orders: record the cancellation of Intcomex order %s: %w", number, err)
		}
	}
	return res, fmt.Errorf("orders: record the cancellation of Intcomex order %s: the order keeps changing: %w", number, store.ErrConflict)
}
