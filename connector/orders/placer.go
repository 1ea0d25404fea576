package orders

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/internal/correlation"
	"github.com/intcomex-connector/connector/iws"
	"github.com/intcomex-connector/connector/platforms"
)

// IWS is what the Placer asks Intcomex (*iws.Client).
type IWS interface {
	GetProducts(ctx context.Context, params *iws.ProductsParams) ([]iws.Product, error)
	PlaceOrder(ctx context.Context, params *iws.PlaceOrderParams) (*iws.SalesOrder, error)
	GetOrder(ctx context.Context, orderNumber string) (*iws.SalesOrder, error)
}

// Clients gives the Placer a shop's storefront orders and its IWS account's client (main wires
// them from connector/shops and the IWS accounts).
type Clients interface {
	StorefrontOrders(ctx context.Context, shop store.Shop) (platforms.Orders, error)
	IWS(ctx context.Context, accountID int64) (IWS, error)
}

// Hold codes (store.Order.HoldCode).
const (
	HoldStock        = "stock"
	HoldCost         = "cost"
	HoldUnknownSKU   = "unknown_sku"
	HoldNoPrice      = "no_price"
	HoldCredit       = "credit"
	HoldShop         = store.HoldCodeShop
	HoldError        = "error"
	HoldUnauthorized = "unauthorized"
)

// PlacerConfig configures a Placer.
type PlacerConfig struct {
	Store   *store.Store
	Clients Clients
	Logger  *slog.Logger
	// OnPlaced runs in the transaction that records the placement: where the track_order job is
	// enqueued (jobs.Client.InsertTx). Optional.
	OnPlaced func(ctx context.Context, tx *store.Tx, o store.Order) error
	// InFlightWait is how long a job waits when IWS says the customer order number is in use by
	// a request still running (92) (default 30 s).
	InFlightWait time.Duration
	// AttemptWindow bounds one PlaceOrder call, throttle waits and retries included (default 2
	// min; the IWS request timeout and a margin is right). While a call is in flight the order
	// says so until the window ends, and no other worker (a second process, a job rescued from a
	// process that stopped answering) asks IWS or places before then.
	AttemptWindow time.Duration
}

// Placer is the place_order worker: it takes an order from received to placed (or held,
// not_ours, cancelled, unpaid) and writes the Intcomex order number back. See the package doc
// for the states and the exactly-once argument.
type Placer struct {
	cfg PlacerConfig
	log *slog.Logger
}

// NewPlacer returns a Placer.
func NewPlacer(cfg PlacerConfig) (*Placer, error) {
	var errs []error
	if cfg.Store == nil {
		errs = append(errs, errors.New("missing Store"))
	}
	if cfg.Clients == nil {
		errs = append(errs, errors.New("missing Clients"))
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("orders: placer config: %w", errors.Join(errs...))
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.AttemptWindow <= 0 {
		cfg.AttemptWindow = 2 * time.Minute
	}
	if cfg.InFlightWait <= 0 {
		cfg.InFlightWait = 30 * time.Second
	}
	return &Placer{cfg: cfg, log: cfg.Logger.With("component", "orders")}, nil
}

// Register adds the place_order worker to ws.
func (p *Placer) Register(ws *jobs.Workers) {
	jobs.AddWorker(ws, jobs.WorkFunc(func(ctx context.Context, job *jobs.Job[PlaceOrderArgs]) error {
		return p.Place(ctx, job.Args.OrderID, strconv.FormatInt(job.ID, 10))
	}))
}

// step is a place_order run on an order.
type step struct {
	orderStep
	p *Placer
}

// Place runs the pipeline for one order. It returns nil when the order reached a state that
// needs no more of this job (placed and written back, held, not_ours, cancelled, unpaid), an
// error for the job to retry, or jobs.Snooze.
func (p *Placer) Place(ctx context.Context, orderID int64, jobID string) error {
	base, err := openStep(ctx, p.cfg.Store, p.log, orderID, jobID, func(o store.Order) []any { return []any{"storefront_order", o.StorefrontOrderID} })
	if err != nil {
		return err
	}
	s := &step{orderStep: base, p: p}
	for {
		var err error
		switch s.order.State {
		case store.OrderReceived, store.OrderValidating:
			err = p.validate(s)
		case store.OrderPlacing:
			err = p.place(s)
		case store.OrderPlaced, store.OrderInProcess, store.OrderInvoiced, store.OrderDelivered:
			if !s.order.WrittenBackAt.IsZero() {
				return nil
			}
			return p.writeBack(s)
		default: // held, not_ours, cancelled, unpaid: a person or a new event decides
			return nil
		}
		if errors.Is(err, store.ErrConflict) {
			// Another process moved the order: read it again and carry on from where it is.
			fresh, rerr := p.cfg.Store.Order(ctx, orderID)
			if rerr != nil {
				return rerr
			}
			s.order = fresh
			continue
		}
		if errors.Is(err, errStop) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// hold moves the order to held with a reason a person can act on and says so on the storefront
// order (a failed note is logged and in the timeline; the hold stands).
func (p *Placer) hold(s *step, sf platforms.Orders, code, reason string) error {
	s.order.State, s.order.HoldCode, s.order.HoldReason = store.OrderHeld, code, clip(reason, 2000)
	if err := s.save(s.event(store.OrderEventHold, reason, map[string]string{"code": code})); err != nil {
		return err
	}
	s.log.WarnContext(s.ctx, "orders: order held", "code", code, "reason", reason)
	if sf != nil {
		note := "Intcomex: order not placed, held for a person: " + reason
		if err := sf.AddOrderNote(s.ctx, s.order.StorefrontOrderID, note, false); err != nil {
			s.log.ErrorContext(s.ctx, "orders: hold note not written", "err", err)
			_ = p.cfg.Store.AddOrderEvents(s.ctx, s.order.ID, s.event(store.OrderEventWriteback, "hold note not written: "+err.Error(), nil))
		} else {
			_ = p.cfg.Store.AddOrderEvents(s.ctx, s.order.ID, s.event(store.OrderEventWriteback, "hold note written on the storefront order", nil))
		}
	}
	// The step is finished: a held order waits for `connector order retry`.
	return errStop
}

// errStop ends the state loop of Place without an error for the job.
var errStop = errors.New("orders: stop")

// validate: received/validating → placing, or held/not_ours/cancelled/unpaid.
func (p *Placer) validate(s *step) error {
	if s.order.State == store.OrderReceived {
		s.order.State = store.OrderValidating
		if err := s.save(); err != nil {
			return err
		}
	}
	sf, err := p.cfg.Clients.StorefrontOrders(s.ctx, s.shop)
	if err != nil {
		return fmt.Errorf("orders: shop %d storefront: %w", s.shop.ID, err)
	}
	so, err := sf.GetOrder(correlation.WithMethod(s.ctx, "getorder"), s.order.StorefrontOrderID)
	if err != nil {
		return fmt.Errorf("orders: read storefront order %s: %w", s.order.StorefrontOrderID, err)
	}
	switch {
	case so.Status == platforms.OrderCancelled || so.Status == platforms.OrderRefunded || so.Status == platforms.OrderFailed:
		s.order.State, s.order.StorefrontStatus = store.OrderCancelled, clip(string(so.Status), 40)
		return stopAfter(s.save(s.event(store.OrderEventValidation, fmt.Sprintf("the storefront order is %s: nothing placed", so.Status), nil)))
	case !so.Paid:
		s.order.State, s.order.StorefrontStatus = store.OrderUnpaid, clip(string(so.Status), 40)
		return stopAfter(s.save(s.event(store.OrderEventValidation, "the storefront order is not paid: nothing placed", nil)))
	}
	s.order.StorefrontStatus, s.order.Currency, s.order.Total = clip(string(so.Status), 40), clip(so.Currency, 3), clip(so.Total, 40)
	if so.Number != "" {
		s.order.StorefrontOrderNumber = clip(so.Number, 100)
	}
	lines := storeLines(so.Lines)
	skus := make([]string, 0, len(lines))
	for _, l := range lines {
		if l.SKU != "" {
			skus = append(skus, l.SKU)
		}
	}
	listings, err := p.cfg.Store.ListingsBySKU(s.ctx, s.shop.ID, skus)
	if err != nil {
		return err
	}
	// A line keeps the cost basis it was first validated with: the customer paid the price
	// computed from it (a repricing since changes later orders, not this one), and a person who
	// accepted a higher cost (Retry with AcceptCost) raised it.
	recorded := map[string]decimal.NullDecimal{}
	for _, l := range s.order.Lines {
		if l.Intcomex && l.CostBasis.Valid && l.CostBasis.Decimal.IsPositive() {
			recorded[l.SKU] = l.CostBasis
		}
	}
	var ours []string
	for i := range lines {
		if l, ok := listings[lines[i].SKU]; ok && lines[i].SKU != "" && lines[i].Quantity > 0 {
			lines[i].Intcomex, lines[i].CostBasis = true, l.CostBasis
			if basis, ok := recorded[lines[i].SKU]; ok {
				lines[i].CostBasis = basis
			}
			if !slices.Contains(ours, lines[i].SKU) {
				ours = append(ours, lines[i].SKU)
			}
		}
	}
	s.order.Lines = lines
	if len(ours) == 0 {
		s.order.State = store.OrderNotOurs
		return stopAfter(s.save(s.event(store.OrderEventValidation, "no line is an Intcomex product of this shop: not ours", nil)))
	}
	if s.shop.OrdersHoldReason != "" {
		return p.hold(s, sf, HoldShop, "the shop's orders are held: "+s.shop.OrdersHoldReason)
	}

	client, err := p.cfg.Clients.IWS(s.ctx, s.shop.IWSAccountID)
	if err != nil {
		return fmt.Errorf("orders: IWS account %d: %w", s.shop.IWSAccountID, err)
	}
	found := map[string]iws.Product{}
	for start := 0; start < len(ours); start += iws.MaxProductsPerCall {
		page := ours[start:min(start+iws.MaxProductsPerCall, len(ours))]
		products, err := client.GetProducts(correlation.WithMethod(s.ctx, "getproducts"), &iws.ProductsParams{Skus: page,
			IncludePriceData: true, IncludeInventoryData: true})
		if err != nil {
			if iws.IsAuth(err) {
				return p.holdShop(s, sf, err)
			}
			return fmt.Errorf("orders: check products with IWS: %w", err)
		}
		for _, pr := range products {
			found[strings.ToUpper(pr.Sku)] = pr
		}
	}
	if code, reason := p.check(s, found); code != "" {
		return p.hold(s, sf, code, reason)
	}
	s.order.State = store.OrderPlacing
	return s.save(s.event(store.OrderEventValidation, fmt.Sprintf("%d Intcomex line(s) checked with IWS: in stock, cost within %s%%", len(s.order.IntcomexLines()), MaxCostRise(s.shop)), map[string]any{"skus": ours}))
}

// check compares the Intcomex lines with what IWS said: a hold code and reason, or "".
func (p *Placer) check(s *step, found map[string]iws.Product) (code, reason string) {
	tolerance := MaxCostRise(s.shop)
	need := map[string]int{}
	for _, l := range s.order.IntcomexLines() {
		need[l.SKU] += l.Quantity
	}
	var problems []string
	code = ""
	set := func(c, msg string) {
		if code == "" {
			code = c
		}
		problems = append(problems, msg)
	}
	for i, l := range s.order.Lines {
		if !l.Intcomex {
			continue
		}
		pr, ok := found[strings.ToUpper(l.SKU)]
		if !ok {
			set(HoldUnknownSKU, fmt.Sprintf("SKU %s: IWS does not know it or does not sell it to this account (refresh the catalog, remove it from the shop)", l.SKU))
			continue
		}
		if stock := p.stock(s.shop, pr); stock < need[l.SKU] {
			set(HoldStock, fmt.Sprintf("SKU %s: %d ordered, %d in stock in the shop's warehouses", l.SKU, need[l.SKU], stock))
		}
		if pr.Price == nil || !pr.Price.UnitPrice.IsPositive() {
			set(HoldNoPrice, fmt.Sprintf("SKU %s: IWS gives no price", l.SKU))
			continue
		}
		cost := pr.Price.UnitPrice.Decimal
		s.order.Lines[i].Cost = decimal.NewNullDecimal(cost)
		if l.CostBasis.Valid && l.CostBasis.Decimal.IsPositive() {
			limit := l.CostBasis.Decimal.Mul(decimal.NewFromInt(100).Add(tolerance)).Div(decimal.NewFromInt(100))
			if cost.GreaterThan(limit) {
				rise := cost.Sub(l.CostBasis.Decimal).Mul(decimal.NewFromInt(100)).DivRound(l.CostBasis.Decimal, 1)
				set(HoldCost, fmt.Sprintf("SKU %s: IWS cost %s is %s%% above %s, the cost its shop price was computed from (tolerance %s%%): retry with --accept-cost to buy at this cost; a sync reprices the shop for later orders",
					l.SKU, cost.StringFixed(2), rise, l.CostBasis.Decimal.StringFixed(2), tolerance))
			}
		}
	}
	return code, strings.Join(problems, "; ")
}

// stock is what IWS has of a product in the shop's warehouses (all of them when the shop names
// none).
func (p *Placer) stock(shop store.Shop, pr iws.Product) int {
	locs := shop.StockPolicy.Locations
	if len(pr.Locations) == 0 {
		if len(locs) == 0 && pr.InStock != nil {
			return int(*pr.InStock)
		}
		return 0
	}
	total := 0
	for _, l := range pr.Locations {
		if len(locs) == 0 || slices.ContainsFunc(locs, func(id string) bool { return strings.EqualFold(id, l.ID) }) {
			total += int(l.Stock)
		}
	}
	return total
}

// holdShop holds all the shop's orders (IWS: customer on hold, or credentials refused) and this
// one, and says so loudly.
func (p *Placer) holdShop(s *step, sf platforms.Orders, cause error) error {
	reason := "IWS refused the account: " + cause.Error()
	if e, ok := iws.AsError(cause); ok && e.ErrorCode == iws.CodeCustomerOnHold {
		reason = fmt.Sprintf("IWS says the customer account is on hold (error 42): call Intcomex, then `connector shop resume-orders %d`", s.shop.ID)
	} else if iws.IsAuth(cause) {
		reason = fmt.Sprintf("IWS refused the account's credentials: check the keys with `connector iws authenticate`, then `connector shop resume-orders %d`", s.shop.ID)
	}
	if err := p.cfg.Store.HoldShopOrders(s.ctx, s.shop.ID, reason); err != nil {
		return err
	}
	s.log.ErrorContext(s.ctx, "orders: ALL ORDERS OF THE SHOP ARE HELD", "reason", reason)
	return p.hold(s, sf, HoldShop, reason)
}

// place: placing → placed, or held. Before any PlaceOrder it asks IWS whether an order with the
// customer order number exists (a crash, a timeout or a dropped answer may have placed it).
func (p *Placer) place(s *step) error {
	client, err := p.cfg.Clients.IWS(s.ctx, s.shop.IWSAccountID)
	if err != nil {
		return fmt.Errorf("orders: IWS account %d: %w", s.shop.IWSAccountID, err)
	}
	sf, err := p.cfg.Clients.StorefrontOrders(s.ctx, s.shop)
	if err != nil {
		return fmt.Errorf("orders: shop %d storefront: %w", s.shop.ID, err)
	}
	now := time.Now().UTC()
	if until := s.order.AttemptUntil; now.Before(until) {
		// A PlaceOrder call of another worker (or of a process that died during it) may still be
		// in flight: asking IWS now could miss an order about to be made. Wait until it has
		// surely ended.
		s.log.InfoContext(s.ctx, "orders: a PlaceOrder call for this order may still be in flight: waiting", "until", until)
		return jobs.Snooze(until.Sub(now) + time.Second)
	}
	if s.order.Attempts > 0 {
		so, err := client.GetOrder(correlation.WithMethod(s.ctx, "getorder"), s.order.CustomerOrderNumber)
		switch {
		case err == nil:
			return p.placed(s, so, "found at IWS by its customer order number after an earlier attempt: adopted")
		case iws.IsNotFound(err):
			// Not placed: place it (IWS refuses the number twice, should it appear meanwhile).
		default:
			return fmt.Errorf("orders: look up %s at IWS before placing again: %w", s.order.CustomerOrderNumber, err)
		}
	}
	if cancelledOnStorefront(s.order) {
		// Cancelled on the storefront while it was being validated (the intake recorded it):
		// nothing is at IWS, nothing is placed.
		s.order.State = store.OrderCancelled
		return stopAfter(s.save(s.event(store.OrderEventValidation, fmt.Sprintf("the storefront order is %s: nothing placed", s.order.StorefrontStatus), nil)))
	}
	// The claim: one worker wins this compare-and-swap; the others read the order again and wait
	// for the window.
	s.order.Attempts++
	s.order.AttemptUntil = now.Add(p.cfg.AttemptWindow)
	if err := s.save(); err != nil {
		return err
	}
	params := p.params(s)
	callCtx, cancel := context.WithDeadline(s.ctx, s.order.AttemptUntil.Add(-p.cfg.AttemptWindow/10))
	so, err := client.PlaceOrder(correlation.WithMethod(callCtx, "placeorder"), params)
	cancel()
	s.order.AttemptUntil = time.Time{} // the call has ended: the next save says so
	switch {
	case err == nil:
		return p.placed(s, so, "placed with IWS")
	case iws.IsOrderInFlight(err):
		if serr := s.save(s.event(store.OrderEventRetry, "IWS is still placing this customer order number (92): waiting", nil)); serr != nil {
			return serr
		}
		return jobs.Snooze(p.cfg.InFlightWait)
	case iws.IsOrderNumberInUse(err): // 90: it exists
		existing, gerr := client.GetOrder(correlation.WithMethod(s.ctx, "getorder"), s.order.CustomerOrderNumber)
		if gerr != nil {
			if n := iws.ExistingOrderNumber(err); n != "" {
				return p.placed(s, &iws.SalesOrder{OrderNumber: iws.String(n)}, "IWS already has this customer order number (90): adopted order "+n)
			}
			return fmt.Errorf("orders: adopt the order IWS already has: %w", gerr)
		}
		return p.placed(s, existing, "IWS already has this customer order number (90): adopted")
	case ambiguous(err):
		if serr := s.save(s.event(store.OrderEventRetry, "no clear answer from PlaceOrder: IWS is asked before any new attempt", map[string]string{"error": err.Error()})); serr != nil {
			return errors.Join(fmt.Errorf("orders: PlaceOrder %s: %w", s.order.CustomerOrderNumber, err), serr)
		}
		return fmt.Errorf("orders: PlaceOrder %s: %w", s.order.CustomerOrderNumber, err)
	case iws.IsThrottled(err):
		if serr := s.save(); serr != nil {
			return serr
		}
		return err // the jobs client snoozes throttles (Config.SnoozeFor); the next attempt asks IWS first
	case iws.IsInsufficientStock(err):
		return p.hold(s, sf, HoldStock, "IWS refused the order for stock (23): "+iwsMessage(err))
	case iws.IsNoCredit(err):
		return p.hold(s, sf, HoldCredit, "IWS refused the order: not enough credit on the account (660)")
	case iws.IsAuth(err) || hasCode(err, iws.CodeCustomerOnHold):
		return p.holdShop(s, sf, err)
	case iws.IsInvalidProduct(err):
		return p.hold(s, sf, HoldUnauthorized, "IWS refused a product: "+iwsMessage(err))
	default:
		return p.hold(s, sf, HoldError, "PlaceOrder failed with an error the connector does not retry blindly: "+iwsMessage(err))
	}
}

// ambiguous reports a PlaceOrder failure after which IWS may have placed the order: what the
// client calls ambiguous, and, to be safe whatever the client says, any failure that is not an
// IWS answer (a dropped connection, a timeout) and any 5xx other than 660.
func ambiguous(err error) bool {
	if iws.IsAmbiguous(err) {
		return true
	}
	e, ok := iws.AsError(err)
	if !ok {
		return true
	}
	return e.HTTPStatus >= 500 && e.ErrorCode != iws.CodeNoCredit
}

func hasCode(err error, code int) bool {
	e, ok := iws.AsError(err)
	return ok && e.ErrorCode == code
}

func iwsMessage(err error) string {
	if e, ok := iws.AsError(err); ok && e.Message != "" {
		return fmt.Sprintf("%s (code %d)", e.Message, e.ErrorCode)
	}
	return err.Error()
}

func (p *Placer) params(s *step) *iws.PlaceOrderParams {
	req := &iws.RequestOrder{CustomerOrderNumber: s.order.CustomerOrderNumber, Tag: s.shop.OrderTag,
		LocationID: s.shop.OrderLocationID, CarrierID: s.shop.OrderCarrierID}
	if n, err := strconv.ParseInt(s.shop.OrderAddressID, 10, 64); err == nil && n > 0 {
		a := iws.Int(n)
		req.AddressID = &a
	}
	for _, l := range s.order.IntcomexLines() {
		req.Items = append(req.Items, iws.RequestOrderItem{Sku: l.SKU, Quantity: iws.Int(l.Quantity), StoreItemID: l.StorefrontLineID})
	}
	return &iws.PlaceOrderParams{CustomerOrderNumber: s.order.CustomerOrderNumber, Tag: s.shop.OrderTag,
		LocationID: s.shop.OrderLocationID, CarrierID: s.shop.OrderCarrierID, Order: req}
}

// placed records the Intcomex order (compare and swap from placing) and runs OnPlaced in the same
// transaction.
func (p *Placer) placed(s *step, so *iws.SalesOrder, msg string) error {
	o := s.order
	o.State, o.IntcomexOrderNumber, o.PlacedAt = store.OrderPlaced, clip(string(so.OrderNumber), 64), time.Now().UTC()
	o.AttemptUntil = time.Time{}
	o.IntcomexStatus = int(so.Status.StatusCode)
	if so.Total != nil {
		o.IntcomexTotal = clip(so.Total.Amount.String(), 40)
	}
	if so.Currency != nil {
		code := so.Currency.CurrencyID
		if so.Currency.CurrencyCode != nil && *so.Currency.CurrencyCode != "" {
			code = *so.Currency.CurrencyCode
		}
		o.IntcomexCurrency = clip(strings.ToUpper(code), 3)
	}
	ev := s.event(store.OrderEventPlacement, msg+": Intcomex order "+o.IntcomexOrderNumber, map[string]string{"intcomex_order_number": o.IntcomexOrderNumber})
	err := p.cfg.Store.Transaction(s.ctx, func(tx *store.Tx) error {
		saved, err := p.cfg.Store.SaveOrderTx(s.ctx, tx, o, ev)
		if err != nil {
			return err
		}
		s.order = saved
		if p.cfg.OnPlaced != nil {
			return p.cfg.OnPlaced(s.ctx, tx, saved)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("orders: record placement of order %d: %w", o.ID, err)
	}
	s.log.InfoContext(s.ctx, "orders: placed", "intcomex_order", o.IntcomexOrderNumber)
	return nil
}

// writeBack puts the Intcomex order number on the storefront order: a private note and the
// meta/metafield. Both calls are safe to repeat (the note is looked for after a lost answer, the
// meta is set, not added); a failure retries the write-back alone.
func (p *Placer) writeBack(s *step) error {
	sf, err := p.cfg.Clients.StorefrontOrders(s.ctx, s.shop)
	if err != nil {
		return fmt.Errorf("orders: shop %d storefront: %w", s.shop.ID, err)
	}
	id, number := s.order.StorefrontOrderID, s.order.IntcomexOrderNumber
	note := fmt.Sprintf("Intcomex order %s placed (customer order number %s).", number, s.order.CustomerOrderNumber)
	if err := sf.AddOrderNote(correlation.WithMethod(s.ctx, "addordernote"), id, note, false); err != nil {
		_ = p.cfg.Store.AddOrderEvents(s.ctx, s.order.ID, s.event(store.OrderEventWriteback, "note not written: "+err.Error(), nil))
		return fmt.Errorf("orders: write back order %d note: %w", s.order.ID, err)
	}
	meta := map[string]string{MetaOrderNumber(s.shop.Platform): number}
	if err := sf.SetOrderMeta(correlation.WithMethod(s.ctx, "setordermeta"), id, meta); err != nil {
		_ = p.cfg.Store.AddOrderEvents(s.ctx, s.order.ID, s.event(store.OrderEventWriteback, "meta not written: "+err.Error(), nil))
		return fmt.Errorf("orders: write back order %d meta: %w", s.order.ID, err)
	}
	for {
		s.order.WrittenBackAt = time.Now().UTC()
		err := s.save(s.event(store.OrderEventWriteback, "Intcomex order number written back (note and meta)", meta))
		if !errors.Is(err, store.ErrConflict) {
			return err
		}
		fresh, rerr := p.cfg.Store.Order(s.ctx, s.order.ID)
		if rerr != nil {
			return rerr
		}
		if !fresh.WrittenBackAt.IsZero() {
			return nil
		}
		s.order = fresh
	}
}

func stopAfter(err error) error {
	if err != nil {
		return err
	}
	return errStop
}
