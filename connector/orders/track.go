package orders

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/internal/correlation"
	"github.com/intcomex-connector/connector/iws"
	"github.com/intcomex-connector/connector/platforms"
)

// KindTrackOrder is the job kind of the Tracker.
const KindTrackOrder = "track_order"

// TrackOrderArgs are the track_order job's arguments (`connector order refresh` enqueues the
// same kind and shape).
type TrackOrderArgs struct {
	OrderID int64 `json:"order_id"`
}

// Kind implements jobs.JobArgs.
func (TrackOrderArgs) Kind() string { return KindTrackOrder }

// InsertOpts implements jobs.ArgsWithInsertOpts: one live track_order job per order. The job
// lives as long as the order is followed, snoozing between checks (a snooze uses no attempt).
func (a TrackOrderArgs) InsertOpts() jobs.InsertOpts {
	return jobs.InsertOpts{UniqueKey: TrackOrderKey(a.OrderID), Priority: 2, MaxAttempts: 50}
}

// TrackOrderKey is the unique key of an order's track_order job.
func TrackOrderKey(orderID int64) string { return fmt.Sprintf("track_order:%d", orderID) }

// TrackIWS is what the Tracker asks Intcomex (*iws.Client).
type TrackIWS interface {
	GetOrderStatus(ctx context.Context, orderNumber string) (*iws.OrderStatus, error)
	GetOrder(ctx context.Context, orderNumber string) (*iws.SalesOrder, error)
	GetInvoice(ctx context.Context, params *iws.InvoiceParams) (*iws.Invoice, error)
	CancelOrder(ctx context.Context, orderNumber string) (*iws.SalesOrder, error)
}

// TrackClients gives the Tracker a shop's storefront orders and its IWS account's client.
type TrackClients interface {
	StorefrontOrders(ctx context.Context, shop store.Shop) (platforms.Orders, error)
	TrackIWS(ctx context.Context, accountID int64) (TrackIWS, error)
}

// Queue inserts and wakes jobs (connector/jobs.Client).
type Queue interface {
	Insert(ctx context.Context, args jobs.JobArgs, opts *jobs.InsertOpts) (jobs.InsertResult, error)
	InsertTx(ctx context.Context, tx *store.Tx, args jobs.JobArgs, opts *jobs.InsertOpts) (jobs.InsertResult, error)
	RunNow(ctx context.Context, kind, uniqueKey string) (bool, error)
	RunNowTx(ctx context.Context, tx *store.Tx, kind, uniqueKey string) (bool, error)
}

// DefaultTrackInterval is the first wait of the tracking schedule (TrackIntervals).
const DefaultTrackInterval = 2 * time.Minute

// TrackIntervals is the tracking schedule scaled from base (2m by default): checks come base,
// 2.5, 7.5, 15 and 30 times base apart after the last status change (2m, 5m, 15m, 30m, 1h),
// then every 90 times base (3h). A status change starts the schedule over.
func TrackIntervals(base time.Duration) []time.Duration {
	if base <= 0 {
		base = DefaultTrackInterval
	}
	return []time.Duration{base, base * 5 / 2, base * 15 / 2, base * 15, base * 30, base * 90}
}

// TrackerConfig configures a Tracker.
type TrackerConfig struct {
	Store   *store.Store
	Clients TrackClients
	// Jobs wakes an order's track_order job (Notify, Wake, the intake's cancellations).
	Jobs   Queue
	Logger *slog.Logger
	// Intervals is the schedule of status checks after the last change, the last one repeating
	// (default TrackIntervals(DefaultTrackInterval)).
	Intervals []time.Duration
	// Now replaces time.Now (tests).
	Now func() time.Time
}

// Tracker is the track_order worker: it follows a placed order at IWS (GetOrderStatus on a
// growing interval, at once when IWS's webhook names the order) to delivered or cancelled,
// records every status change in the order's timeline, and writes status, serials, tracking and
// invoice back to the storefront order, each once. It also cancels at IWS an order cancelled on
// the storefront after it was placed, or holds it for a person when IWS no longer allows it.
// It implements webhooks.OrderStatusSink.
type Tracker struct {
	cfg TrackerConfig
	log *slog.Logger
}

// NewTracker returns a Tracker.
func NewTracker(cfg TrackerConfig) (*Tracker, error) {
	var errs []error
	if cfg.Store == nil {
		errs = append(errs, errors.New("no store"))
	}
	if cfg.Clients == nil {
		errs = append(errs, errors.New("no clients"))
	}
	if cfg.Jobs == nil {
		errs = append(errs, errors.New("no jobs client"))
	}
	for _, d := range cfg.Intervals {
		if d <= 0 {
			errs = append(errs, errors.New("intervals must be positive"))
			break
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("orders: tracker config: %w", errors.Join(errs...))
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if len(cfg.Intervals) == 0 {
		cfg.Intervals = TrackIntervals(DefaultTrackInterval)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Tracker{cfg: cfg, log: cfg.Logger.With("component", "orders")}, nil
}

// Register adds the track_order worker to ws.
func (t *Tracker) Register(ws *jobs.Workers) {
	jobs.AddWorker(ws, jobs.WorkFunc(func(ctx context.Context, job *jobs.Job[TrackOrderArgs]) error {
		return t.Track(ctx, job.Args.OrderID, strconv.FormatInt(job.ID, 10))
	}))
}

// OnPlaced is the Placer's hook (PlacerConfig.OnPlaced): the placed order's track_order job is
// enqueued in the transaction that records the placement, first check after the first interval.
func (t *Tracker) OnPlaced(ctx context.Context, tx *store.Tx, o store.Order) error {
	at := t.now().Add(t.cfg.Intervals[0])
	if cancelledOnStorefront(o) {
		at = t.now() // cancelled on the storefront while it was being placed: cancel at once
	}
	_, err := t.cfg.Jobs.InsertTx(ctx, tx, TrackOrderArgs{OrderID: o.ID}, &jobs.InsertOpts{ScheduledAt: at})
	if err != nil {
		return fmt.Errorf("orders: enqueue track_order for order %d: %w", o.ID, err)
	}
	return nil
}

// Wake makes the order's track_order job run now: the live job is brought forward, or a new
// one inserted.
func (t *Tracker) Wake(ctx context.Context, orderID int64) error {
	return WakeTracking(ctx, t.cfg.Jobs, orderID)
}

// WakeTracking makes an order's track_order job run now with any jobs client (`connector order
// refresh`): a plain Insert would find the live job snoozed for hours and leave it there.
func WakeTracking(ctx context.Context, q interface {
	Insert(ctx context.Context, args jobs.JobArgs, opts *jobs.InsertOpts) (jobs.InsertResult, error)
	RunNow(ctx context.Context, kind, uniqueKey string) (bool, error)
}, orderID int64) error {
	moved, err := q.RunNow(ctx, KindTrackOrder, TrackOrderKey(orderID))
	if err != nil || moved {
		return err
	}
	_, err = q.Insert(ctx, TrackOrderArgs{OrderID: orderID}, nil)
	return err
}

// Notify implements webhooks.OrderStatusSink: IWS says one of accountID's orders changed. The
// order is marked due (so a check running right now looks again) and its job woken; the status
// itself is read from IWS by the job. An order number the connector does not know, or of another
// account, is logged and ignored.
func (t *Tracker) Notify(ctx context.Context, accountID int64, orderNumber string, status int) error {
	o, err := t.cfg.Store.OrderByIntcomexNumber(ctx, orderNumber)
	if errors.Is(err, store.ErrNotFound) {
		t.log.InfoContext(ctx, "orders: IWS status update for an order the connector does not know", "intcomex_order", orderNumber, "status", status)
		return nil
	}
	if err != nil {
		return err
	}
	shop, err := t.cfg.Store.Shop(ctx, o.ShopID)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		return err
	}
	if shop.IWSAccountID != accountID {
		t.log.WarnContext(ctx, "orders: IWS status update names an order of another account", "intcomex_order", orderNumber, "account", accountID)
		return nil
	}
	if !tracked(o.State) {
		return nil
	}
	msg := fmt.Sprintf("IWS says Intcomex order %s is now %d %s: checking", orderNumber, status, iws.StatusDescription(status))
	for {
		o.NextCheckAt = t.now()
		_, err := t.cfg.Store.SaveOrder(ctx, o, store.OrderEvent{Kind: store.OrderEventWebhook, Message: msg,
			Detail: mustJSON(map[string]any{"source": "iws", "status": status})})
		if err == nil {
			break
		}
		if !errors.Is(err, store.ErrConflict) {
			return err
		}
		if o, err = t.cfg.Store.Order(ctx, o.ID); err != nil {
			return err
		}
	}
	return t.Wake(ctx, o.ID)
}

// tracked reports the states in which an order is followed at IWS.
func tracked(state string) bool {
	switch state {
	case store.OrderPlaced, store.OrderInProcess, store.OrderInvoiced:
		return true
	}
	return false
}

func (t *Tracker) now() time.Time { return t.cfg.Now().UTC().Truncate(time.Microsecond) }

// tstep is one run of the track_order job on an order.
type tstep struct {
	orderStep
	t    *Tracker
	done map[string]bool // write-backs already made (the timeline's writeback events)
}

// Track runs one check of an order: it returns nil when the order needs no more following
// (delivered, cancelled, held, never placed), jobs.Snooze until the next check, or an error for
// the job to retry.
func (t *Tracker) Track(ctx context.Context, orderID int64, jobID string) error {
	base, err := openStep(ctx, t.cfg.Store, t.log, orderID, jobID, func(o store.Order) []any { return []any{"intcomex_order", o.IntcomexOrderNumber} })
	if err != nil {
		return err
	}
	s := &tstep{orderStep: base, t: t}
	if err := t.loadDone(s); err != nil {
		return err
	}
	for {
		wait, err := t.check(s)
		if errors.Is(err, store.ErrConflict) {
			// Another writer (the Placer's write-back, an IWS webhook): read again and look again.
			if err := s.reload(); err != nil {
				return err
			}
			continue
		}
		if err != nil || wait == 0 {
			return err
		}
		// Due again already (an IWS webhook arrived while this check ran): check again now.
		fresh, err := t.cfg.Store.Order(ctx, orderID)
		if err != nil {
			return err
		}
		if fresh.Version != s.order.Version && !fresh.NextCheckAt.After(t.now()) {
			s.order = fresh
			continue
		}
		return jobs.Snooze(wait)
	}
}

// check is one pass: 0 means the job is finished.
func (t *Tracker) check(s *tstep) (time.Duration, error) {
	switch s.order.State {
	case store.OrderReceived, store.OrderValidating, store.OrderPlacing:
		// Not placed yet (a storefront cancellation woke the job early): the Placer's OnPlaced
		// wakes it again once the order is placed.
		return t.cfg.Intervals[0], nil
	case store.OrderPlaced, store.OrderInProcess, store.OrderInvoiced:
	case store.OrderDelivered, store.OrderCancelled:
		if s.order.IntcomexOrderNumber == "" {
			return 0, nil
		}
		// Final: finish the write-backs, and a storefront cancellation of a delivered order.
		if err := t.writeBack(s); err != nil {
			return 0, err
		}
		if s.order.State == store.OrderDelivered && cancelledOnStorefront(s.order) {
			return 0, t.cannotCancel(s, "Intcomex order "+s.order.IntcomexOrderNumber+" is already delivered")
		}
		return 0, nil
	default: // held, not_ours, unpaid: a person or a new event decides
		return 0, nil
	}
	if s.order.IntcomexOrderNumber == "" {
		return 0, nil
	}
	client, err := t.cfg.Clients.TrackIWS(s.ctx, s.shop.IWSAccountID)
	if err != nil {
		return 0, fmt.Errorf("orders: IWS account %d: %w", s.shop.IWSAccountID, err)
	}
	st, err := client.GetOrderStatus(correlation.WithMethod(s.ctx, "getorderstatus"), s.order.IntcomexOrderNumber)
	if err != nil {
		return 0, fmt.Errorf("orders: GetOrderStatus %s: %w", s.order.IntcomexOrderNumber, err)
	}
	status := int(st.Status.StatusCode)
	// The state follows the status even when the status is not new: the Placer records the
	// status of an order it adopted (GetOrder), which may already be well along.
	if status != s.order.IntcomexStatus || stateFor(status, s.order.State) != s.order.State {
		if err := t.statusChanged(s, status, st.Status.Description); err != nil {
			return 0, err
		}
	}
	if (status == iws.StatusInvoiced || status == iws.StatusDelivered) && (isNull(s.order.Tracking) || s.order.InvoiceNumber == "") {
		if err := t.documents(s, client); err != nil {
			return 0, err
		}
	}
	if cancelledOnStorefront(s.order) && status != iws.StatusCanceled {
		// Before any write-back: a cancelled order is not fulfilled.
		return t.cancel(s, client, status)
	}
	if err := t.writeBack(s); err != nil {
		return 0, err
	}
	if status == iws.StatusCanceled || status == iws.StatusDelivered {
		return 0, nil
	}
	wait := t.nextWait(s.order)
	s.order.NextCheckAt = t.now().Add(wait)
	if err := s.save(); err != nil {
		return 0, err
	}
	return wait, nil
}

// nextWait is the time to the next point of the schedule counted from the last status change.
func (t *Tracker) nextWait(o store.Order) time.Duration {
	from := o.LastStatusAt
	if from.IsZero() {
		from = o.PlacedAt
	}
	now := t.now()
	elapsed := now.Sub(from)
	at := time.Duration(0)
	for i := 0; ; i++ {
		at += t.cfg.Intervals[min(i, len(t.cfg.Intervals)-1)]
		if at > elapsed {
			return at - elapsed
		}
	}
}

// stateFor maps an IWS status to the order's state.
func stateFor(status int, current string) string {
	switch status {
	case iws.StatusOpen:
		return current
	case iws.StatusInProcess, iws.StatusBackOrder, iws.StatusReadyToDeliver:
		return store.OrderInProcess
	case iws.StatusInvoiced:
		return store.OrderInvoiced
	case iws.StatusDelivered:
		return store.OrderDelivered
	case iws.StatusCanceled:
		return store.OrderCancelled
	}
	return current
}

func (t *Tracker) statusChanged(s *tstep, status int, description string) error {
	if description == "" {
		description = iws.StatusDescription(status)
	}
	prev := s.order.IntcomexStatus
	s.order.IntcomexStatus, s.order.LastStatusAt = status, t.now()
	s.order.State = stateFor(status, s.order.State)
	msg := fmt.Sprintf("Intcomex order %s: status %d %s (was %d)", s.order.IntcomexOrderNumber, status, description, prev)
	if status == iws.StatusCanceled {
		msg = fmt.Sprintf("Intcomex order %s was cancelled at IWS (status 6)", s.order.IntcomexOrderNumber)
	}
	if err := s.save(s.event(store.OrderEventStatus, msg, map[string]any{"status": status, "previous": prev, "description": description})); err != nil {
		return err
	}
	s.log.InfoContext(s.ctx, "orders: Intcomex status changed", "status", status, "previous", prev)
	return nil
}

// Tracking is one shipment of an Intcomex order as written back (store.Order.Tracking holds a
// JSON list of them).
type Tracking struct {
	TrackingID string `json:"tracking_id"`
	URL        string `json:"url,omitempty"`
	Carrier    string `json:"carrier,omitempty"`
}

// documents reads serials and shipments (GetOrder) and the invoice (GetInvoice) once invoiced.
func (t *Tracker) documents(s *tstep, client TrackIWS) error {
	if isNull(s.order.Tracking) {
		so, err := client.GetOrder(correlation.WithMethod(s.ctx, "getorder"), s.order.IntcomexOrderNumber)
		if err != nil {
			return fmt.Errorf("orders: GetOrder %s: %w", s.order.IntcomexOrderNumber, err)
		}
		tracking := []Tracking{}
		for _, sh := range so.Shipments {
			if id := string(sh.TrackingID); id != "" {
				carrier := sh.CarrierID
				if sh.FreightService != "" {
					carrier = sh.FreightService
				}
				tracking = append(tracking, Tracking{TrackingID: id, URL: sh.TrackingURL, Carrier: carrier})
			}
		}
		serials := so.SerialNumbers
		if serials == nil {
			serials = []string{}
		}
		s.order.Tracking, s.order.Serials = mustJSON(tracking), mustJSON(serials)
		if err := s.save(s.event(store.OrderEventStatus, fmt.Sprintf("%d serial number(s) and %d shipment(s) read from IWS", len(serials), len(tracking)),
			map[string]any{"serials": serials, "tracking": tracking})); err != nil {
			return err
		}
	}
	if s.order.InvoiceNumber == "" {
		inv, err := client.GetInvoice(correlation.WithMethod(s.ctx, "getinvoice"), &iws.InvoiceParams{OrderNumber: s.order.IntcomexOrderNumber})
		if iws.IsNotFound(err) {
			// Not invoiced yet as far as GetInvoice knows: the next check asks again.
			return nil
		}
		if err != nil {
			return fmt.Errorf("orders: GetInvoice %s: %w", s.order.IntcomexOrderNumber, err)
		}
		s.order.InvoiceNumber, s.order.InvoiceURL = clip(string(inv.InvoiceNumber), 64), inv.InvoiceURL
		if err := s.save(s.event(store.OrderEventStatus, "invoice "+s.order.InvoiceNumber+" read from IWS",
			map[string]string{"invoice_number": s.order.InvoiceNumber, "invoice_url": s.order.InvoiceURL})); err != nil {
			return err
		}
	}
	return nil
}

// MetaKey is the key of a tracking write-back on the storefront order: the metafield key in the
// "intcomex" namespace on Shopify ("status", "serials", "invoice_number", "invoice_url"), the
// meta key with an "intcomex_" prefix elsewhere (WooCommerce's adapter refuses hidden "_" keys).
func MetaKey(platform, name string) string {
	if platform == store.PlatformShopify {
		return name
	}
	return "intcomex_" + name
}

// Write-back keys, recorded in the writeback events' detail ("writeback"), so a retried job
// never writes the same thing twice.
func wbStatus(status int) string { return "status:" + strconv.Itoa(status) }

const (
	wbSerials = "serials"
	wbInvoice = "invoice"
	wbCancel  = "cancel_hold"
)

func wbFulfill(tracking string) string { return "fulfill:" + tracking }

// loadDone reads which write-backs the timeline says were made.
func (t *Tracker) loadDone(s *tstep) error {
	events, err := t.cfg.Store.OrderEvents(s.ctx, s.order.ID)
	if err != nil {
		return err
	}
	s.done = map[string]bool{}
	for _, e := range events {
		if e.Kind != store.OrderEventWriteback && e.Kind != store.OrderEventHold {
			continue
		}
		var d struct {
			Writeback string `json:"writeback"`
		}
		if json.Unmarshal(e.Detail, &d) == nil && d.Writeback != "" {
			s.done[d.Writeback] = true
		}
	}
	return nil
}

// wrote records a write-back as made.
func (s *tstep) wrote(key, msg string, detail map[string]string) error {
	if detail == nil {
		detail = map[string]string{}
	}
	detail["writeback"] = key
	if err := s.t.cfg.Store.AddOrderEvents(s.ctx, s.order.ID, s.event(store.OrderEventWriteback, msg, detail)); err != nil {
		return err
	}
	s.done[key] = true
	return nil
}

func (s *tstep) failed(what string, err error) error {
	_ = s.t.cfg.Store.AddOrderEvents(s.ctx, s.order.ID, s.event(store.OrderEventWriteback, what+" not written: "+err.Error(), nil))
	return fmt.Errorf("orders: write back order %d %s: %w", s.order.ID, what, err)
}

// writeBack puts on the storefront order what tracking learnt and has not written yet: the
// current status (note + meta), serials (note + meta), invoice (note + meta) and each tracking
// number (FulfillOrder, then the fulfilled status). Each is recorded in the timeline once done.
func (t *Tracker) writeBack(s *tstep) error {
	o := s.order
	type item struct {
		key  string
		note string
		meta map[string]string
	}
	var items []item
	pf := s.shop.Platform
	// Only statuses tracking recorded (the one PlaceOrder answered is in the placement note).
	if o.IntcomexStatus != 0 && !o.LastStatusAt.IsZero() {
		desc := iws.StatusDescription(o.IntcomexStatus)
		items = append(items, item{key: wbStatus(o.IntcomexStatus),
			note: fmt.Sprintf("Intcomex order %s: %s (status %d).", o.IntcomexOrderNumber, desc, o.IntcomexStatus),
			meta: map[string]string{MetaKey(pf, "status"): desc}})
	}
	var serials []string
	if !isNull(o.Serials) {
		_ = json.Unmarshal(o.Serials, &serials)
	}
	if len(serials) > 0 {
		items = append(items, item{key: wbSerials,
			note: fmt.Sprintf("Intcomex order %s serial numbers: %s.", o.IntcomexOrderNumber, strings.Join(serials, ", ")),
			meta: map[string]string{MetaKey(pf, "serials"): strings.Join(serials, ",")}})
	}
	if o.InvoiceNumber != "" {
		note := fmt.Sprintf("Intcomex invoice %s for order %s.", o.InvoiceNumber, o.IntcomexOrderNumber)
		if o.InvoiceURL != "" {
			note = fmt.Sprintf("Intcomex invoice %s for order %s: %s", o.InvoiceNumber, o.IntcomexOrderNumber, o.InvoiceURL)
		}
		items = append(items, item{key: wbInvoice, note: note,
			meta: map[string]string{MetaKey(pf, "invoice_number"): o.InvoiceNumber, MetaKey(pf, "invoice_url"): o.InvoiceURL}})
	}
	var tracking []Tracking
	if !isNull(o.Tracking) {
		_ = json.Unmarshal(o.Tracking, &tracking)
	}
	pending := slices.ContainsFunc(items, func(it item) bool { return !s.done[it.key] }) ||
		slices.ContainsFunc(tracking, func(tr Tracking) bool { return !s.done[wbFulfill(tr.TrackingID)] })
	if !pending {
		return nil
	}
	sf, err := t.cfg.Clients.StorefrontOrders(s.ctx, s.shop)
	if err != nil {
		return fmt.Errorf("orders: shop %d storefront: %w", s.shop.ID, err)
	}
	id := o.StorefrontOrderID
	for _, it := range items {
		if s.done[it.key] {
			continue
		}
		if err := sf.AddOrderNote(correlation.WithMethod(s.ctx, "addordernote"), id, it.note, false); err != nil {
			return s.failed(it.key+" note", err)
		}
		if err := sf.SetOrderMeta(correlation.WithMethod(s.ctx, "setordermeta"), id, it.meta); err != nil {
			return s.failed(it.key+" meta", err)
		}
		if err := s.wrote(it.key, "written back: "+it.note, it.meta); err != nil {
			return err
		}
	}
	if o.State == store.OrderCancelled || o.State == store.OrderHeld {
		return nil // nothing ships
	}
	for _, tr := range tracking {
		key := wbFulfill(tr.TrackingID)
		if s.done[key] {
			continue
		}
		// The shop's fulfilled status (WooCommerce, memory; on Shopify the fulfillment with
		// tracking is the record and closing the order is the merchant's choice) is set in the
		// same write as the tracking.
		f := platforms.Fulfillment{Carrier: tr.Carrier, TrackingNumber: tr.TrackingID, TrackingURL: tr.URL, Serials: serials,
			KeepStatus: FulfilledStatus(s.shop) == platforms.OrderProcessing}
		if err := sf.FulfillOrder(correlation.WithMethod(s.ctx, "fulfillorder"), id, f); err != nil {
			return s.failed("fulfillment "+tr.TrackingID, err)
		}
		if err := s.wrote(key, fmt.Sprintf("fulfilled on the storefront with tracking %s (%s)", tr.TrackingID, tr.Carrier),
			map[string]string{"tracking_id": tr.TrackingID, "carrier": tr.Carrier, "url": tr.URL}); err != nil {
			return err
		}
	}
	return nil
}

// cancelledOnStorefront reports an order the storefront cancelled or refunded after the
// connector saw it paid (the intake records it in StorefrontStatus).
func cancelledOnStorefront(o store.Order) bool {
	return o.StorefrontStatus == string(platforms.OrderCancelled) || o.StorefrontStatus == string(platforms.OrderRefunded)
}

// cancel asks IWS to cancel an order the storefront cancelled. Only called after GetOrderStatus,
// so a retry after an unclear answer sees a cancellation that went through.
func (t *Tracker) cancel(s *tstep, client TrackIWS, status int) (time.Duration, error) {
	switch status {
	case iws.StatusOpen, iws.StatusInProcess, iws.StatusBackOrder:
	default:
		return 0, t.cannotCancel(s, fmt.Sprintf("Intcomex order %s is already %s (status %d)", s.order.IntcomexOrderNumber, iws.StatusDescription(status), status))
	}
	so, err := client.CancelOrder(correlation.WithMethod(s.ctx, "cancelorder"), s.order.IntcomexOrderNumber)
	switch {
	case err == nil:
		s.order.IntcomexStatus, s.order.LastStatusAt, s.order.State = iws.StatusCanceled, t.now(), store.OrderCancelled
		if so != nil && so.Status.StatusCode != 0 {
			s.order.IntcomexStatus = int(so.Status.StatusCode)
		}
		if err := s.save(s.event(store.OrderEventCancel, fmt.Sprintf("the storefront order is %s: Intcomex order %s cancelled at IWS", s.order.StorefrontStatus, s.order.IntcomexOrderNumber),
			map[string]any{"status": s.order.IntcomexStatus})); err != nil {
			return 0, err
		}
		return 0, t.writeBack(s)
	case hasCode(err, 39):
		return 0, t.cannotCancel(s, "IWS no longer allows cancelling Intcomex order "+s.order.IntcomexOrderNumber+" (39: "+iwsMessage(err)+")")
	default:
		_ = t.cfg.Store.AddOrderEvents(s.ctx, s.order.ID, s.event(store.OrderEventCancel, "CancelOrder failed, retried after a status check: "+err.Error(), nil))
		return 0, fmt.Errorf("orders: CancelOrder %s: %w", s.order.IntcomexOrderNumber, err)
	}
}

// cannotCancel holds an order cancelled on the storefront that IWS will not cancel, for a person
// (return the goods, credit note), and says so in a private note.
func (t *Tracker) cannotCancel(s *tstep, why string) error {
	reason := fmt.Sprintf("the storefront order is %s but %s: arrange the return or credit with Intcomex, then close the order", s.order.StorefrontStatus, why)
	s.order.State, s.order.HoldCode, s.order.HoldReason = store.OrderHeld, HoldCancel, clip(reason, 2000)
	if err := s.save(s.event(store.OrderEventHold, reason, map[string]string{"code": HoldCancel})); err != nil {
		return err
	}
	s.log.WarnContext(s.ctx, "orders: cancelled on the storefront, not cancellable at IWS: held", "reason", reason)
	// What tracking learnt still goes back (status, serials, invoice: a return needs them);
	// a held order is not fulfilled.
	if err := t.writeBack(s); err != nil {
		return err
	}
	if s.done[wbCancel] {
		return nil
	}
	sf, err := t.cfg.Clients.StorefrontOrders(s.ctx, s.shop)
	if err != nil {
		return fmt.Errorf("orders: shop %d storefront: %w", s.shop.ID, err)
	}
	note := "Intcomex: held for a person: " + reason
	if err := sf.AddOrderNote(correlation.WithMethod(s.ctx, "addordernote"), s.order.StorefrontOrderID, note, false); err != nil {
		// The hold stands; the note is in the timeline as not written.
		_ = t.cfg.Store.AddOrderEvents(s.ctx, s.order.ID, s.event(store.OrderEventWriteback, "hold note not written: "+err.Error(), nil))
		return nil
	}
	return s.wrote(wbCancel, "hold note written on the storefront order", nil)
}

// HoldCancel is the HoldCode of an order cancelled on the storefront after placement that IWS
// would no longer cancel.
const HoldCancel = "cancel"

func isNull(raw json.RawMessage) bool {
	s := strings.TrimSpace(string(raw))
	return s == "" || s == "null"
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return b
}
