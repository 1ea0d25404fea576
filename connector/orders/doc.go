// Package orders is the order pipeline: a paid storefront order becomes exactly one Intcomex
// order, and what happened is written back to the storefront and kept in the order's timeline.
//
// # States
//
// An order (store.Order, table orders) moves through these states; every move is a
// compare-and-swap on the order's version (store.SaveOrder), so two processes never both act on
// one state, and every move adds an event to the order's timeline (order_events).
//
//	received    The intake (webhook or sweep) recorded the paid order and enqueued its place_order
//	            job, in one transaction with the webhook_events row.
//	validating  The Placer claimed it: it re-reads the order from the storefront (GetOrder) and
//	            checks the Intcomex lines with IWS (GetProducts). Nothing has been bought.
//	placing     Claimed for PlaceOrder, moved here before the call. A job that finds an order in
//	            this state does not know whether IWS placed it (a crash, a timeout, a dropped
//	            connection): it asks IWS first (GetOrder by customer order number) and adopts
//	            what it finds; only when IWS has no such order does it place again, and IWS
//	            refuses the same customer order number twice (error 90: adopted).
//	placed      The Intcomex order exists: IntcomexOrderNumber is set. WrittenBackAt is set once
//	            the number is on the storefront order (note + meta); until then the job retries
//	            the write-back alone, never the placement.
//	in_process, invoiced, delivered
//	            Tracking (the track_order job) follows the Intcomex order: preparing, invoiced
//	            (serials, tracking, invoice known), delivered (final).
//	held        Waiting for a person; HoldCode says why in a word and HoldReason in a sentence
//	            a person can act on (stock, cost, unknown_sku, unauthorized, credit, shop, error).
//	            A private note on the storefront order says the same. `connector order retry`
//	            moves it back to received.
//	not_ours    No line is one of the shop's Intcomex listings (final).
//	cancelled   Cancelled or refunded on the storefront before it was placed, or cancelled by
//	            IWS while tracked (final; the timeline says which).
//	unpaid      The storefront says it is not paid (its webhook was stale). A later paid event
//	            reopens it to received.
//
// # Exactly once
//
// Three locks stand between a paid order and a second Intcomex order: the place_order job is
// unique per order (jobs.InsertOpts.UniqueKey "place_order:<order id>"); the Placer claims the
// order with a compare-and-swap into placing before calling PlaceOrder; and the customer order
// number (CustomerOrderNumber) is derived from the shop and the storefront order, so IWS itself
// refuses a second order with it.
//
// # Following (track_order)
//
// The Tracker's job is unique per order (TrackOrderKey) and lives as long as the order is
// followed, snoozing between GetOrderStatus checks on a schedule that grows from the last status
// change (TrackIntervals: 2m, 5m, 15m, 30m, 1h, then every 3h). IWS's OrderStatusUpdate webhook
// (Tracker.Notify, the webhooks.OrderStatusSink) marks the order due and brings the job forward
// (jobs.Client.RunNow); `connector order refresh` does the same. Every status change is a
// compare-and-swap with a status event; invoiced (5) or delivered (7) reads serials and shipments
// (GetOrder) and the invoice (GetInvoice). Write-backs (status, serials, invoice notes and meta,
// FulfillOrder per tracking number, then the fulfilled status) are each recorded as a writeback
// event with a "writeback" key in its detail, so a retried job never writes one twice (a crash
// between the storefront call and the event can repeat that one write-back). Cancelled (6) and
// delivered (7) end the job.
//
// A storefront order cancelled or refunded after the connector saw it paid: the intake records
// the storefront status and wakes the job, which cancels at IWS while the status allows it
// (1, 2, 3) and otherwise holds the order (HoldCancel) with a private note; an order not placed
// yet is not placed (the Placer checks before PlaceOrder).
//
// # Sweep (sweep_orders)
//
// The Sweeper lists each shop's paid orders changed since its last sweep minus an overlap
// (store.OrderSweep; the first sweep looks a day back) and passes each through the intake, so a
// lost webhook loses no order and a sweep and a webhook meet on one order and one job.
//
// # Hooks for the rest of the pipeline
//
// Placer.OnPlaced runs in the transaction that records the placement: the place to enqueue the
// track_order job. The intake (Intake.ReceiveTx) is shared by the webhook handler and the
// reconciliation sweep: both upsert through it so a webhook and a sweep meet on one order.
package orders
