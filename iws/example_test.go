package iws_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/intcomex-connector/connector/iws"
)

func ExampleClient_StreamCatalog() {
	c, err := iws.New(iws.Config{APIKey: "api-key", AccessKey: "access-key"})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	info, err := c.StreamCatalog(ctx, &iws.CatalogParams{Locale: "es", Limit: 1000}, func(p *iws.Product) error {
		// Upsert p; it is not reused after the callback returns.
		return nil
	})
	switch {
	case iws.IsThrottled(err):
		log.Printf("throttled: snooze the job for %v", iws.RetryAfter(err))
	case errors.Is(err, iws.ErrMalformedResponse):
		log.Printf("feed cut after %d products: treat the run as incomplete", info.Items)
	case err != nil:
		log.Print(err)
	}
}

// The order pipeline's "exactly once" recipe: a customer order number on every attempt, and a lookup
// before any retry of an ambiguous failure.
func ExampleClient_PlaceOrder() {
	c, err := iws.New(iws.Config{APIKey: "api-key", AccessKey: "access-key"})
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	params := &iws.PlaceOrderParams{
		CustomerOrderNumber: "WC-10045",
		Items:               []iws.RequestOrderItem{{Sku: "XX100ABC01", Quantity: 2}},
	}
	order, err := c.PlaceOrder(ctx, params)
	switch {
	case err == nil:
		fmt.Println("placed", order.OrderNumber)
	case iws.IsOrderNumberInUse(err):
		// 90: already placed (ExistingOrderNumber may name it); 92: still being placed. Look it up.
		fmt.Println("already placed", iws.ExistingOrderNumber(err))
	case iws.IsAmbiguous(err):
		if o, gerr := c.GetOrder(ctx, params.CustomerOrderNumber); gerr == nil {
			fmt.Println("it went through", o.OrderNumber)
		} else if iws.IsNotFound(gerr) {
			fmt.Println("safe to place again later")
		}
	case iws.IsInsufficientStock(err):
		e, _ := iws.AsError(err)
		fmt.Println("short:", e.Sku)
	}
}
