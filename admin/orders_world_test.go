package admin

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
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
)

// ordersWorld is a real store (SQLite, and MySQL/MariaDB when CONNECTOR_TEST_MYSQL_DSN is set)
// with two shops, orders in several states with their timelines, and the API calls behind them,
// as the order pipeline records them; and the UI fixture with the Orders and Logs sections on
// it.
type ordersWorld struct {
	st    *store.Store
	jobs  *jobs.Client
	iws   *ordersFakeIWS
	shop  store.Shop // WooCommerce "Tienda"
	shop2 store.Shop // Shopify "Otra"
	// held: held because an IWS cost rose; placed: placed, invoiced documents, written back;
	// gid: a Shopify order whose id holds slashes, received; cancelled: cancelled.
	held, placed, gid, cancelled store.Order
	// Calls: placeOrder (JSON bodies), writeBack (a 500), catalog (an old sync run call with a
	// text body), noAnswer (a transport error whose message starts like a formula).
	placeOrder, writeBack, catalog, noAnswer store.APICall
	f                                        *fixture
}

// ordersClock ticks a second on every reading, from the fixture's day: rows get distinct,
// ordered times.
type ordersClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *ordersClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(time.Second)
	return c.now
}

// eachOrdersWorld runs fn on a fresh world per database.
func eachOrdersWorld(t *testing.T, fn func(t *testing.T, w *ordersWorld)) {
	t.Helper()
	clock := &ordersClock{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		fn(t, newOrdersWorld(t, st))
	}, store.WithClock(clock.Now))
}

func newOrdersWorld(t *testing.T, st *store.Store) *ordersWorld {
	t.Helper()
	ctx := context.Background()
	w := &ordersWorld{st: st, iws: &ordersFakeIWS{}}
	acct := saveTestIWSAccount(t, st)
	for i, s := range []store.Shop{
		{Name: "Tienda", Platform: store.PlatformWooCommerce, BaseURL: "https://shop.example", Credentials: `{"consumer_secret":"cs_x"}`},
		{Name: "Otra", Platform: store.PlatformShopify, BaseURL: "https://otra.myshopify.com", Credentials: `{"access_token":"shpat_x"}`},
	} {
		s.IWSAccountID, s.Currency, s.Locale = acct.ID, "USD", "es"
		saved, err := st.SaveShop(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			w.shop = saved
		} else {
			w.shop2 = saved
		}
	}
	var err error
	if w.jobs, err = jobs.NewClient(st, jobs.Config{}); err != nil {
		t.Fatal(err)
	}

	w.held = w.seed(t, store.Order{ShopID: w.shop.ID, StorefrontOrderID: "1001", StorefrontOrderNumber: "#1001", State: store.OrderHeld,
		HoldCode: orders.HoldCost, HoldReason: "SKU A1: IWS cost 45.00 is 12.5% above 40.00",
		Lines: []store.OrderLine{{StorefrontLineID: "1", SKU: "A1", Name: "Mouse", Quantity: 2, UnitPrice: "60.00", Intcomex: true,
			CostBasis: decimal.NewNullDecimal(decimal.RequireFromString("40")), Cost: decimal.NewNullDecimal(decimal.RequireFromString("45"))},
			{StorefrontLineID: "2", SKU: "WRAP", Name: "Gift wrap", Quantity: 1, UnitPrice: "2.00"}}},
		store.OrderEvent{Kind: store.OrderEventWebhook, Message: "paid order received (webhook)"},
		store.OrderEvent{Kind: store.OrderEventHold, Message: "held: the IWS cost rose", JobID: "11", Detail: json.RawMessage(`{"sku":"A1","cost":"45.00"}`)})
	placedAt := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
	w.placed = w.seed(t, store.Order{ShopID: w.shop.ID, StorefrontOrderID: "1002", StorefrontOrderNumber: "#1002", State: store.OrderInvoiced,
		IntcomexOrderNumber: "IX2", IntcomexStatus: 5, IntcomexTotal: "45.00", IntcomexCurrency: "USD", InvoiceNumber: "INV-2",
		InvoiceURL: "https://iws.example/invoice/INV-2", Attempts: 1, PlacedAt: placedAt, WrittenBackAt: placedAt.Add(time.Minute),
		Serials: json.RawMessage(`["SN1","SN2"]`), Tracking: json.RawMessage(`[{"tracking_id":"TRK1","url":"https://carrier.example/t/TRK1","carrier":"DHL"}]`),
		Lines: []store.OrderLine{{StorefrontLineID: "1", SKU: "A1", Name: "Mouse", Quantity: 1, UnitPrice: "60.00", Intcomex: true}}})
	oid := strconv.FormatInt(w.placed.ID, 10)
	w.placeOrder = w.call(t, store.APICall{System: "iws", Method: "placeorder", HTTPMethod: "POST", URL: "https://iws.example/v1/placeorder?apiKey=k&signature=REDACTED",
		StatusCode: 200, Duration: 180 * time.Millisecond, RequestHeaders: "Content-Type: application/json", RequestBody: `{"CustomerOrderNumber":"W1N1002","Items":[{"Sku":"A1","Quantity":1}]}`,
		ResponseBody: `{"OrderNumber":"IX2","Status":{"StatusCode":1}}`, JobID: "21", OrderID: oid, AccountID: acct.ID, ShopID: w.shop.ID})
	w.writeBack = w.call(t, store.APICall{System: "woocommerce", Method: "setordermeta", HTTPMethod: "PUT", URL: "https://shop.example/wp-json/wc/v3/orders/1002",
		StatusCode: 500, Duration: 40 * time.Millisecond, ResponseBody: "<html>upstream <b>error</b></html>", JobID: "21", OrderID: oid, ShopID: w.shop.ID})
	if err := st.AddOrderEvents(ctx, w.placed.ID,
		store.OrderEvent{Kind: store.OrderEventPlacement, Message: "placed with IWS: Intcomex order IX2", JobID: "21", APICallIDs: []int64{w.placeOrder.ID}},
		store.OrderEvent{Kind: store.OrderEventWriteback, Message: "write-back failed, retried", JobID: "21", APICallIDs: []int64{w.writeBack.ID}}); err != nil {
		t.Fatal(err)
	}
	w.gid = w.seed(t, store.Order{ShopID: w.shop2.ID, StorefrontOrderID: "gid://shopify/Order/5512", StorefrontOrderNumber: "#5512", State: store.OrderReceived,
		Lines: []store.OrderLine{{StorefrontLineID: "gid://shopify/LineItem/1", SKU: "B2", Name: "Keyboard", Quantity: 1, UnitPrice: "30.00", Intcomex: true}}},
		store.OrderEvent{Kind: store.OrderEventWebhook, Message: "paid order received (webhook)"})
	w.cancelled = w.seed(t, store.Order{ShopID: w.shop2.ID, StorefrontOrderID: "5600", StorefrontOrderNumber: "#5600", State: store.OrderCancelled},
		store.OrderEvent{Kind: store.OrderEventCancel, Message: "cancelled on the storefront before placement"})
	w.catalog = w.call(t, store.APICall{System: "iws", Method: "getcatalog", HTTPMethod: "GET", URL: "https://iws.example/v1/getcatalog",
		StatusCode: 200, Duration: 2 * time.Second, ResponseBody: "plain <script>alert(1)</script> text", SyncRunID: "run-7",
		CreatedAt: time.Date(2026, 2, 27, 8, 0, 0, 0, time.UTC)})
	w.noAnswer = w.call(t, store.APICall{System: "shopify", Method: "getorder", HTTPMethod: "POST", URL: "https://otra.myshopify.com/admin/api/graphql.json",
		Error: "=HYPERLINK(\"http://evil.example\")", Duration: 30 * time.Second, ShopID: w.shop2.ID})

	w.f = newFixture(t, func(c *UIConfig) {
		c.Orders = OrdersDeps{Store: st, Jobs: w.jobs,
			CancelIWS: func(context.Context, store.Shop) (orders.CancelIWS, error) { return w.iws, nil },
			Storefront: func(_ context.Context, shopID int64) (platforms.Orders, error) {
				if shopID == w.shop.ID {
					return ordersFakeLive{}, nil
				}
				return nil, errors.New("shop 2: no credentials")
			}}
		c.Logs = LogsDeps{Store: st}
	})
	return w
}

// seed records an order as the intake would, then moves it to o's state with events.
func (w *ordersWorld) seed(t *testing.T, o store.Order, events ...store.OrderEvent) store.Order {
	t.Helper()
	ctx := context.Background()
	o.CustomerOrderNumber = "W" + strconv.FormatInt(o.ShopID, 10) + "N" + o.StorefrontOrderID[len(o.StorefrontOrderID)-4:]
	want := o
	var got store.Order
	err := w.st.Transaction(ctx, func(tx *store.Tx) error {
		var err error
		o.State = store.OrderReceived
		got, _, err = w.st.UpsertOrderTx(ctx, tx, o)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	want.ID, want.Version = got.ID, got.Version
	saved, err := w.st.SaveOrder(ctx, want, events...)
	if err != nil {
		t.Fatal(err)
	}
	return saved
}

func (w *ordersWorld) call(t *testing.T, c store.APICall) store.APICall {
	t.Helper()
	if err := w.st.InsertAPICall(context.Background(), &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// ordersFakeIWS cancels orders at IWS, or refuses as IWS does once an order ships.
type ordersFakeIWS struct {
	mu        sync.Mutex
	refuse    bool
	cancelled []string
}

func (f *ordersFakeIWS) GetOrder(_ context.Context, number string) (*iws.SalesOrder, error) {
	return nil, &iws.Error{Method: "GetOrder", HTTPStatus: http.StatusNotFound, Message: "order " + number + " not found"}
}

func (f *ordersFakeIWS) CancelOrder(_ context.Context, number string) (*iws.SalesOrder, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.refuse {
		return nil, &iws.Error{Method: "CancelOrder", HTTPStatus: http.StatusBadRequest, ErrorCode: 51, Message: "the order has shipped"}
	}
	f.cancelled = append(f.cancelled, number)
	return &iws.SalesOrder{OrderNumber: iws.String(number)}, nil
}

func (f *ordersFakeIWS) set(refuse bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.refuse = refuse
}

func (f *ordersFakeIWS) cancelledNumbers() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.cancelled...)
}

// ordersFakeLive reads every order as paid and processing (GetOrder only).
type ordersFakeLive struct{ platforms.Orders }

func (ordersFakeLive) GetOrder(_ context.Context, id string) (platforms.Order, error) {
	return platforms.Order{ID: id, Number: "#" + id, Status: platforms.OrderProcessing, PlatformStatus: "processing", Paid: true,
		Currency: "USD", Total: "122.00"}, nil
}

// order reads an order again.
func (w *ordersWorld) order(t *testing.T, id int64) store.Order {
	t.Helper()
	o, err := w.st.Order(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// job is the order's job of kind, nil when none.
func (w *ordersWorld) job(t *testing.T, kind string, orderID int64) *jobs.JobRow {
	t.Helper()
	rows, err := w.jobs.List(context.Background(), jobs.ListFilter{Kinds: []string{kind}})
	if err != nil {
		t.Fatal(err)
	}
	key := orders.PlaceOrderKey(orderID)
	if kind == orders.KindTrackOrder {
		key = orders.TrackOrderKey(orderID)
	}
	for _, r := range rows {
		if r.UniqueKey == key {
			return r
		}
	}
	return nil
}
