package orders_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/orders"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/iws"
	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/memory"
)

// fakeIWS answers GetProducts from products and PlaceOrder/GetOrder from its own order book, with
// placeErr returned by the next PlaceOrder (after placing when commit is set: a lost answer).
type fakeIWS struct {
	mu       sync.Mutex
	products map[string]iws.Product
	placed   map[string]string // customer order number -> Intcomex number
	calls    int               // PlaceOrder calls
	placeErr error
	commit   bool
}

func (f *fakeIWS) GetProducts(_ context.Context, p *iws.ProductsParams) ([]iws.Product, error) {
	var out []iws.Product
	for _, s := range p.Skus {
		if pr, ok := f.products[s]; ok {
			out = append(out, pr)
		}
	}
	return out, nil
}

func (f *fakeIWS) PlaceOrder(_ context.Context, p *iws.PlaceOrderParams) (*iws.SalesOrder, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if n, ok := f.placed[p.CustomerOrderNumber]; ok {
		return nil, &iws.Error{HTTPStatus: http.StatusBadRequest, ErrorCode: 90, Message: "Customer order number " + p.CustomerOrderNumber + " is already assigned to order " + n}
	}
	if err := f.placeErr; err != nil {
		f.placeErr = nil
		if !f.commit {
			return nil, err
		}
		f.placed[p.CustomerOrderNumber] = "IX" + p.CustomerOrderNumber
		return nil, err
	}
	f.placed[p.CustomerOrderNumber] = "IX" + p.CustomerOrderNumber
	return &iws.SalesOrder{OrderNumber: iws.String("IX" + p.CustomerOrderNumber), CustomerOrderNumber: p.CustomerOrderNumber}, nil
}

func (f *fakeIWS) GetOrder(_ context.Context, number string) (*iws.SalesOrder, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if n, ok := f.placed[number]; ok {
		return &iws.SalesOrder{OrderNumber: iws.String(n), CustomerOrderNumber: number}, nil
	}
	return nil, &iws.Error{HTTPStatus: http.StatusNotFound, ErrorCode: 30, Message: "not found"}
}

type fakeClients struct {
	sf  *memory.Storefront
	iws *fakeIWS
}

func (c fakeClients) StorefrontOrders(context.Context, store.Shop) (platforms.Orders, error) {
	return c.sf, nil
}
func (c fakeClients) IWS(context.Context, int64) (orders.IWS, error) { return c.iws, nil }

func product(sku string, stock int64, cost string) iws.Product {
	return iws.Product{Sku: sku, Price: &iws.PriceData{UnitPrice: iws.NewDecimal(cost), CurrencyID: "USD"},
		Locations: []iws.Location{{ID: "xclq1", Stock: iws.Int(stock)}}}
}

type placerEnv struct {
	st     *store.Store
	shop   store.Shop
	sf     *memory.Storefront
	iws    *fakeIWS
	placer *orders.Placer
	intake *orders.Intake
}

func newPlacerEnv(t *testing.T, st *store.Store) *placerEnv {
	t.Helper()
	ctx := context.Background()
	shop := intakeShop(t, st, store.PlatformMemory, "")
	if err := st.SaveListings(ctx, []store.Listing{
		{ShopID: shop.ID, SKU: "A1", State: store.ListingPublished, CostBasis: decimal.NewNullDecimal(decimal.RequireFromString("100"))},
		{ShopID: shop.ID, SKU: "B2", State: store.ListingPublished, CostBasis: decimal.NewNullDecimal(decimal.RequireFromString("50"))},
	}); err != nil {
		t.Fatal(err)
	}
	f := &fakeIWS{products: map[string]iws.Product{"A1": product("A1", 10, "102"), "B2": product("B2", 1, "60")}, placed: map[string]string{}}
	sf := memory.New(memory.Config{})
	client, err := jobs.NewClient(st, jobs.Config{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := orders.NewPlacer(orders.PlacerConfig{Store: st, Clients: fakeClients{sf: sf, iws: f}})
	if err != nil {
		t.Fatal(err)
	}
	return &placerEnv{st: st, shop: shop, sf: sf, iws: f, placer: p, intake: orders.NewIntake(st, client)}
}

// order creates a paid storefront order and takes it in as its webhook would.
func (e *placerEnv) order(t *testing.T, lines ...memory.NewOrderLine) store.Order {
	t.Helper()
	ctx := context.Background()
	id := e.sf.CreateOrder(true, "USD", lines)
	so, err := e.sf.GetOrder(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var o store.Order
	err = e.st.Transaction(ctx, func(tx *store.Tx) error {
		_, o, err = e.intake.ReceiveTx(ctx, tx, e.shop, platforms.WebhookEvent{Topic: platforms.TopicOrderPaid, OrderID: id, Order: &so})
		return err
	})
	if err != nil || o.ID == 0 {
		t.Fatalf("intake: %+v, %v", o, err)
	}
	return o
}

func (e *placerEnv) place(t *testing.T, o store.Order) (store.Order, error) {
	t.Helper()
	err := e.placer.Place(context.Background(), o.ID, "1")
	got, gerr := e.st.Order(context.Background(), o.ID)
	if gerr != nil {
		t.Fatal(gerr)
	}
	return got, err
}

func TestPlacer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		t.Run("happy path, mixed order", func(t *testing.T) {
			e := newPlacerEnv(t, storetest.New(t, st.Dialect(), true))
			o := e.order(t, memory.NewOrderLine{SKU: "A1", Quantity: 2, UnitPrice: "150"}, memory.NewOrderLine{SKU: "GIFT", Quantity: 1, UnitPrice: "5"})
			got, err := e.place(t, o)
			if err != nil || got.State != store.OrderPlaced || got.IntcomexOrderNumber != "IX"+o.CustomerOrderNumber || got.WrittenBackAt.IsZero() {
				t.Fatalf("placed = %+v, %v", got, err)
			}
			if len(got.IntcomexLines()) != 1 || e.iws.calls != 1 {
				t.Errorf("intcomex lines %+v, %d PlaceOrder calls", got.IntcomexLines(), e.iws.calls)
			}
			so, _ := e.sf.GetOrder(ctx, got.StorefrontOrderID)
			if so.Meta[orders.MetaOrderNumber(store.PlatformMemory)] != got.IntcomexOrderNumber {
				t.Errorf("meta = %v", so.Meta)
			}
			// A second run (a duplicate job) does nothing.
			if _, err := e.place(t, got); err != nil || e.iws.calls != 1 {
				t.Errorf("second run: %v, %d calls", err, e.iws.calls)
			}
			events, _ := e.st.OrderEvents(ctx, o.ID)
			kinds := []string{}
			for _, ev := range events {
				kinds = append(kinds, ev.Kind)
			}
			if strings.Join(kinds, ",") != "webhook,validation,placement,writeback" {
				t.Errorf("timeline = %v", kinds)
			}
		})
		t.Run("not ours", func(t *testing.T) {
			e := newPlacerEnv(t, storetest.New(t, st.Dialect(), true))
			got, err := e.place(t, e.order(t, memory.NewOrderLine{SKU: "GIFT", Quantity: 1, UnitPrice: "5"}))
			if err != nil || got.State != store.OrderNotOurs || e.iws.calls != 0 {
				t.Errorf("got %s, %v", got.State, err)
			}
		})
		holds := []struct {
			name  string
			setup func(e *placerEnv)
			line  memory.NewOrderLine
			code  string
		}{
			{"out of stock", nil, memory.NewOrderLine{SKU: "B2", Quantity: 2, UnitPrice: "80"}, orders.HoldStock},
			{"cost risen", nil, memory.NewOrderLine{SKU: "B2", Quantity: 1, UnitPrice: "80"}, orders.HoldCost},
			{"unknown sku", func(e *placerEnv) { delete(e.iws.products, "A1") }, memory.NewOrderLine{SKU: "A1", Quantity: 1, UnitPrice: "150"}, orders.HoldUnknownSKU},
			{"23 at placement", func(e *placerEnv) {
				e.iws.placeErr = &iws.Error{HTTPStatus: 404, ErrorCode: 23, Message: "Insufficient stock"}
			}, memory.NewOrderLine{SKU: "A1", Quantity: 1, UnitPrice: "150"}, orders.HoldStock},
			{"660", func(e *placerEnv) { e.iws.placeErr = &iws.Error{HTTPStatus: 500, ErrorCode: 660, Message: "no credit"} },
				memory.NewOrderLine{SKU: "A1", Quantity: 1, UnitPrice: "150"}, orders.HoldCredit},
			{"42 holds the shop", func(e *placerEnv) { e.iws.placeErr = &iws.Error{HTTPStatus: 401, ErrorCode: 42, Message: "on hold"} },
				memory.NewOrderLine{SKU: "A1", Quantity: 1, UnitPrice: "150"}, orders.HoldShop},
			{"unknown error", func(e *placerEnv) { e.iws.placeErr = &iws.Error{HTTPStatus: 400, ErrorCode: 31, Message: "bad body"} },
				memory.NewOrderLine{SKU: "A1", Quantity: 1, UnitPrice: "150"}, orders.HoldError},
		}
		for _, tt := range holds {
			t.Run(tt.name, func(t *testing.T) {
				e := newPlacerEnv(t, storetest.New(t, st.Dialect(), true))
				if tt.setup != nil {
					tt.setup(e)
				}
				got, err := e.place(t, e.order(t, tt.line))
				if err != nil || got.State != store.OrderHeld || got.HoldCode != tt.code || got.HoldReason == "" {
					t.Fatalf("got %s %s %q, %v", got.State, got.HoldCode, got.HoldReason, err)
				}
				if notes := e.sf.Notes(got.StorefrontOrderID); len(notes) != 1 || !strings.Contains(notes[0], "held") {
					t.Errorf("notes = %v", notes)
				}
				if tt.code == orders.HoldShop {
					shop, _ := e.st.Shop(ctx, e.shop.ID)
					if shop.OrdersHoldReason == "" {
						t.Error("shop not held")
					}
					// The next order of the shop is held without asking IWS.
					calls := e.iws.calls
					next, _ := e.place(t, e.order(t, tt.line))
					if next.State != store.OrderHeld || next.HoldCode != orders.HoldShop || e.iws.calls != calls {
						t.Errorf("next order %s %s, %d calls", next.State, next.HoldCode, e.iws.calls-calls)
					}
				}
			})
		}
		t.Run("a cost rise accepted by a person", func(t *testing.T) {
			e := newPlacerEnv(t, storetest.New(t, st.Dialect(), true))
			jc := jobsClient(t, e.st)
			held, err := e.place(t, e.order(t, memory.NewOrderLine{SKU: "B2", Quantity: 1, UnitPrice: "80"}))
			if err != nil || held.HoldCode != orders.HoldCost || !strings.Contains(held.HoldReason, "--accept-cost") {
				t.Fatalf("held: %s %s %q, %v", held.State, held.HoldCode, held.HoldReason, err)
			}
			// A plain retry checks against the cost the customer's price came from: held again.
			if _, err := orders.Retry(ctx, e.st, jc, held, orders.RetryOptions{}); err != nil {
				t.Fatal(err)
			}
			again, err := e.place(t, held)
			if err != nil || again.HoldCode != orders.HoldCost || e.iws.calls != 0 {
				t.Fatalf("plain retry: %s %s, %v, %d PlaceOrder calls", again.State, again.HoldCode, err, e.iws.calls)
			}
			res, err := orders.Retry(ctx, e.st, jc, again, orders.RetryOptions{AcceptCost: true})
			if l := res.Order.Lines[0]; err != nil || !l.CostBasis.Decimal.Equal(l.Cost.Decimal) {
				t.Fatalf("accept: %+v, %v", res.Order.Lines, err)
			}
			got, err := e.place(t, res.Order)
			if err != nil || got.State != store.OrderPlaced || e.iws.calls != 1 {
				t.Fatalf("after accepting: %s %s %q, %v, %d PlaceOrder calls", got.State, got.HoldCode, got.HoldReason, err, e.iws.calls)
			}
			events, _ := e.st.OrderEvents(ctx, got.ID)
			if !slices.ContainsFunc(events, func(ev store.OrderEvent) bool {
				return strings.Contains(ev.Message, "accepting the higher IWS cost: SKU B2")
			}) {
				t.Errorf("the timeline does not say who accepted what: %+v", events)
			}
			// Only a cost hold can be accepted.
			var refusedErr *orders.RefusedError
			if _, err := orders.Retry(ctx, e.st, jc, got, orders.RetryOptions{AcceptCost: true}); !errors.As(err, &refusedErr) || !strings.Contains(err.Error(), "without the flag") {
				t.Errorf("accept on a placed order: %v", err)
			}
		})
		t.Run("lost answer is adopted, not placed again", func(t *testing.T) {
			e := newPlacerEnv(t, storetest.New(t, st.Dialect(), true))
			e.iws.placeErr, e.iws.commit = &iws.Error{HTTPStatus: 503, ErrorCode: 900, Message: "dropped"}, true
			o := e.order(t, memory.NewOrderLine{SKU: "A1", Quantity: 1, UnitPrice: "150"})
			got, err := e.place(t, o)
			if err == nil || got.State != store.OrderPlacing {
				t.Fatalf("after the lost answer: %s, %v", got.State, err)
			}
			got, err = e.place(t, got)
			if err != nil || got.State != store.OrderPlaced || e.iws.calls != 1 {
				t.Fatalf("retry: %s, %v, %d PlaceOrder calls", got.State, err, e.iws.calls)
			}
		})
		t.Run("90 is adopted", func(t *testing.T) {
			e := newPlacerEnv(t, storetest.New(t, st.Dialect(), true))
			o := e.order(t, memory.NewOrderLine{SKU: "A1", Quantity: 1, UnitPrice: "150"})
			e.iws.placed[o.CustomerOrderNumber] = "777"
			got, err := e.place(t, o)
			if err != nil || got.State != store.OrderPlaced || got.IntcomexOrderNumber != "777" {
				t.Fatalf("got %s %s, %v", got.State, got.IntcomexOrderNumber, err)
			}
		})
		t.Run("a call in flight elsewhere is waited for", func(t *testing.T) {
			// Another worker claimed the order and its PlaceOrder call may still be running (or
			// its process died during it): no IWS call at all until its window has passed.
			e := newPlacerEnv(t, storetest.New(t, st.Dialect(), true))
			o := e.order(t, memory.NewOrderLine{SKU: "A1", Quantity: 1, UnitPrice: "150"})
			o.State, o.Attempts, o.AttemptUntil = store.OrderPlacing, 1, time.Now().Add(time.Hour)
			o, err := e.st.SaveOrder(ctx, o)
			if err != nil {
				t.Fatal(err)
			}
			got, err := e.place(t, o)
			if d, ok := jobs.IsSnooze(err); !ok || d < 59*time.Minute || got.State != store.OrderPlacing || e.iws.calls != 0 {
				t.Fatalf("got %s, %v (snooze %s), %d PlaceOrder calls", got.State, err, d, e.iws.calls)
			}
			// The window has passed: IWS is asked first, and has it (the other call made it).
			e.iws.placed[o.CustomerOrderNumber] = "IX9"
			got.AttemptUntil = time.Now().Add(-time.Second)
			if _, err := e.st.SaveOrder(ctx, got); err != nil {
				t.Fatal(err)
			}
			got, err = e.place(t, got)
			if err != nil || got.State != store.OrderPlaced || got.IntcomexOrderNumber != "IX9" || e.iws.calls != 0 || !got.AttemptUntil.IsZero() {
				t.Fatalf("got %s %s, %v, %d PlaceOrder calls, attempt until %s", got.State, got.IntcomexOrderNumber, err, e.iws.calls, got.AttemptUntil)
			}
		})
		t.Run("concurrent jobs place once", func(t *testing.T) {
			e := newPlacerEnv(t, storetest.New(t, st.Dialect(), true))
			o := e.order(t, memory.NewOrderLine{SKU: "A1", Quantity: 1, UnitPrice: "150"})
			var wg sync.WaitGroup
			for range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					// The losers find the winner's call in flight and wait (snooze).
					if err := e.placer.Place(ctx, o.ID, "1"); err != nil && !errors.Is(err, store.ErrConflict) && !isSnooze(err) {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			got, _ := e.st.Order(ctx, o.ID)
			if got.State != store.OrderPlaced || e.iws.calls != 1 {
				t.Errorf("state %s, %d PlaceOrder calls", got.State, e.iws.calls)
			}
		})
	})
}

// isSnooze reports a jobs.Snooze answer.
func isSnooze(err error) bool {
	_, ok := jobs.IsSnooze(err)
	return ok
}
