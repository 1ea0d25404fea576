package orders_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/orders"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/iws"
	"github.com/intcomex-connector/connector/platforms/memory"
)

// cancelIWS adds CancelOrder to fakeIWS: cancelled numbers, or refuse with err.
type cancelIWS struct {
	*fakeIWS
	cancelled []string
	err       error
}

func (c *cancelIWS) CancelOrder(_ context.Context, number string) (*iws.SalesOrder, error) {
	if c.err != nil {
		return nil, c.err
	}
	c.cancelled = append(c.cancelled, number)
	return &iws.SalesOrder{OrderNumber: iws.String(number), Status: iws.Status{StatusCode: iws.StatusCanceled}}, nil
}

func jobsClient(t *testing.T, st *store.Store) *jobs.Client {
	t.Helper()
	c, err := jobs.NewClient(st, jobs.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRetry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		line := memory.NewOrderLine{SKU: "A1", Quantity: 1, UnitPrice: "150"}
		t.Run("held for stock, stock back: placed once", func(t *testing.T) {
			e := newPlacerEnv(t, storetest.New(t, st.Dialect(), true))
			e.iws.products["A1"] = product("A1", 0, "102")
			held, err := e.place(t, e.order(t, line))
			if err != nil || held.State != store.OrderHeld {
				t.Fatalf("got %s, %v", held.State, err)
			}
			e.iws.products["A1"] = product("A1", 5, "102")
			// The test runs the Placer directly, so the intake's job is still live: Retry reuses it.
			res, err := orders.Retry(ctx, e.st, jobsClient(t, e.st), held, orders.RetryOptions{})
			if err != nil || res.From != store.OrderHeld || res.Order.State != store.OrderReceived || res.Order.HoldCode != "" ||
				res.Job.Job == nil || res.Job.Job.Kind != orders.KindPlaceOrder {
				t.Fatalf("retry = %+v, %v", res, err)
			}
			got, err := e.place(t, res.Order)
			if err != nil || got.State != store.OrderPlaced || e.iws.calls != 1 {
				t.Fatalf("after retry: %s, %v, %d calls", got.State, err, e.iws.calls)
			}
			events, _ := e.st.OrderEvents(ctx, got.ID)
			var kinds []string
			for _, ev := range events {
				kinds = append(kinds, ev.Kind)
			}
			if strings.Join(kinds, ",") != "webhook,hold,writeback,retry,validation,placement,writeback" {
				t.Errorf("timeline = %v", kinds)
			}
			// Placed and written back: nothing to retry.
			var refusedErr *orders.RefusedError
			if _, err := orders.Retry(ctx, e.st, jobsClient(t, e.st), got, orders.RetryOptions{}); !errors.As(err, &refusedErr) || !strings.Contains(err.Error(), "order refresh") {
				t.Errorf("retry of a placed order: %v", err)
			}
		})
		t.Run("held after IWS placed it: adopted, not placed again", func(t *testing.T) {
			e := newPlacerEnv(t, storetest.New(t, st.Dialect(), true))
			// IWS placed the order but answered with an error the Placer does not retry blindly.
			e.iws.placeErr, e.iws.commit = &iws.Error{HTTPStatus: 400, ErrorCode: 31, Message: "odd"}, true
			held, err := e.place(t, e.order(t, line))
			if err != nil || held.State != store.OrderHeld || held.HoldCode != orders.HoldError || held.Attempts != 1 {
				t.Fatalf("got %s %s attempts %d, %v", held.State, held.HoldCode, held.Attempts, err)
			}
			res, err := orders.Retry(ctx, e.st, jobsClient(t, e.st), held, orders.RetryOptions{})
			if err != nil || res.Order.Attempts != 1 {
				t.Fatalf("retry = %+v, %v", res, err)
			}
			got, err := e.place(t, res.Order)
			if err != nil || got.State != store.OrderPlaced || e.iws.calls != 1 || got.IntcomexOrderNumber != "IX"+got.CustomerOrderNumber {
				t.Fatalf("after retry: %s %s, %v, %d PlaceOrder calls", got.State, got.IntcomexOrderNumber, err, e.iws.calls)
			}
		})
		t.Run("shop hold: refused until resumed", func(t *testing.T) {
			e := newPlacerEnv(t, storetest.New(t, st.Dialect(), true))
			e.iws.placeErr = &iws.Error{HTTPStatus: 401, ErrorCode: 42, Message: "on hold"}
			held, _ := e.place(t, e.order(t, line))
			second, _ := e.place(t, e.order(t, line))
			if held.HoldCode != orders.HoldShop || second.HoldCode != orders.HoldShop {
				t.Fatalf("holds %s %s", held.HoldCode, second.HoldCode)
			}
			var refusedErr *orders.RefusedError
			if _, err := orders.Retry(ctx, e.st, jobsClient(t, e.st), held, orders.RetryOptions{}); !errors.As(err, &refusedErr) ||
				!strings.Contains(err.Error(), "connector shop resume-orders") {
				t.Fatalf("retry while the shop is held: %v", err)
			}
			resumed, err := orders.Resume(ctx, e.st, jobsClient(t, e.st), e.shop.ID)
			if err != nil || len(resumed) != 2 {
				t.Fatalf("resume = %d orders, %v", len(resumed), err)
			}
			jobsList, err := jobsClient(t, e.st).List(ctx, jobs.ListFilter{Kinds: []string{orders.KindPlaceOrder}})
			if err != nil {
				t.Fatal(err)
			}
			live := 0
			for _, j := range jobsList {
				if j.State == jobs.StateAvailable {
					live++
				}
			}
			if live != 2 {
				t.Errorf("%d place_order jobs available after resume, want 2", live)
			}
			for _, o := range resumed {
				got, err := e.place(t, o)
				if err != nil || got.State != store.OrderPlaced {
					t.Errorf("resumed order %d: %s, %v", o.ID, got.State, err)
				}
			}
		})
		t.Run("unpaid and cancelled are refused", func(t *testing.T) {
			e := newPlacerEnv(t, storetest.New(t, st.Dialect(), true))
			o := e.order(t, line)
			for _, state := range []string{store.OrderUnpaid, store.OrderCancelled} {
				o.State = state
				var refusedErr *orders.RefusedError
				if _, err := orders.Retry(ctx, e.st, jobsClient(t, e.st), o, orders.RetryOptions{}); !errors.As(err, &refusedErr) {
					t.Errorf("%s: %v", state, err)
				}
			}
		})
	})
}

func TestCancel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		line := memory.NewOrderLine{SKU: "A1", Quantity: 1, UnitPrice: "150"}
		t.Run("not placed: never placed", func(t *testing.T) {
			e := newPlacerEnv(t, storetest.New(t, st.Dialect(), true))
			o := e.order(t, line)
			res, err := orders.Cancel(ctx, e.st, e.shop, nil, o)
			if err != nil || res.AtIWS || res.Order.State != store.OrderCancelled {
				t.Fatalf("cancel = %+v, %v", res, err)
			}
			got, err := e.place(t, o)
			if err != nil || got.State != store.OrderCancelled || e.iws.calls != 0 {
				t.Errorf("the job after cancel: %s, %v, %d calls", got.State, err, e.iws.calls)
			}
			var refusedErr *orders.RefusedError
			if _, err := orders.Cancel(ctx, e.st, e.shop, nil, got); !errors.As(err, &refusedErr) {
				t.Errorf("second cancel: %v", err)
			}
		})
		t.Run("placed: CancelOrder at IWS", func(t *testing.T) {
			e := newPlacerEnv(t, storetest.New(t, st.Dialect(), true))
			placed, err := e.place(t, e.order(t, line))
			if err != nil || placed.State != store.OrderPlaced {
				t.Fatal(placed.State, err)
			}
			c := &cancelIWS{fakeIWS: e.iws, err: &iws.Error{HTTPStatus: http.StatusUnauthorized, ErrorCode: 39, Message: "Unable to cancel order."}}
			var refusedErr *orders.RefusedError
			if _, err := orders.Cancel(ctx, e.st, e.shop, c, placed); !errors.As(err, &refusedErr) || !strings.Contains(err.Error(), "Unable to cancel order. (code 39)") {
				t.Fatalf("refused cancel: %v", err)
			}
			c.err = nil
			res, err := orders.Cancel(ctx, e.st, e.shop, c, placed)
			if err != nil || !res.AtIWS || res.Order.State != store.OrderCancelled || res.Order.IntcomexStatus != iws.StatusCanceled ||
				len(c.cancelled) != 1 || c.cancelled[0] != placed.IntcomexOrderNumber {
				t.Fatalf("cancel = %+v, %v, %v", res.Order, err, c.cancelled)
			}
			events, _ := e.st.OrderEvents(ctx, placed.ID)
			n := 0
			for _, ev := range events {
				if ev.Kind == store.OrderEventCancel {
					n++
				}
			}
			if n != 2 {
				t.Errorf("%d cancel events, want 2 (refused, done)", n)
			}
			invoiced := res.Order
			invoiced.State = store.OrderInvoiced
			if _, err := orders.Cancel(ctx, e.st, e.shop, c, invoiced); !errors.As(err, &refusedErr) || !strings.Contains(err.Error(), "return") {
				t.Errorf("cancel of an invoiced order: %v", err)
			}
		})
		t.Run("held after a PlaceOrder IWS kept: cancelled at IWS", func(t *testing.T) {
			e := newPlacerEnv(t, storetest.New(t, st.Dialect(), true))
			e.iws.placeErr, e.iws.commit = &iws.Error{HTTPStatus: 400, ErrorCode: 31, Message: "odd"}, true
			held, _ := e.place(t, e.order(t, line))
			c := &cancelIWS{fakeIWS: e.iws}
			res, err := orders.Cancel(ctx, e.st, e.shop, c, held)
			if err != nil || !res.AtIWS || res.Order.IntcomexOrderNumber != "IX"+held.CustomerOrderNumber || len(c.cancelled) != 1 {
				t.Fatalf("cancel = %+v, %v", res, err)
			}
		})
		t.Run("placing is refused", func(t *testing.T) {
			e := newPlacerEnv(t, storetest.New(t, st.Dialect(), true))
			o := e.order(t, line)
			o.State = store.OrderPlacing
			var refusedErr *orders.RefusedError
			if _, err := orders.Cancel(ctx, e.st, e.shop, nil, o); !errors.As(err, &refusedErr) {
				t.Errorf("cancel while placing: %v", err)
			}
		})
	})
}
