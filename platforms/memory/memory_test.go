package memory_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/memory"
	"github.com/intcomex-connector/connector/platforms/platformtest"
)

func TestContract(t *testing.T) {
	platformtest.Run(t, func(t *testing.T) platforms.Storefront { return memory.New(memory.Config{BatchSize: 10}) })
}

func TestInjectedFailureAndCalls(t *testing.T) {
	sf := memory.New(memory.Config{BatchSize: 5})
	boom := errors.New("boom")
	sf.FailSKU("B", boom)
	res, err := sf.UpsertProducts(context.Background(), []platforms.ProductInput{platformtest.Product("A"), platformtest.Product("B")})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Err != nil || !errors.Is(res[1].Err, boom) {
		t.Fatalf("results %+v", res)
	}
	if _, ok := sf.Product("B"); ok {
		t.Error("failed item was created")
	}
	if p, ok := sf.Product("A"); !ok || !p.Published || p.Price != "19.90" {
		t.Errorf("A = %+v, %v", p, ok)
	}
	if n := sf.CountCalls("UpsertProducts"); n != 1 {
		t.Errorf("calls = %d", n)
	}
	if c := sf.Calls(); len(c) != 1 || len(c[0].Items) != 2 {
		t.Errorf("calls = %+v", c)
	}
}

func TestConcurrentUse(t *testing.T) {
	sf := memory.New(memory.Config{BatchSize: 5})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			sku := string(rune('A' + i))
			res, err := sf.UpsertProducts(context.Background(), []platforms.ProductInput{platformtest.Product(sku)})
			if err != nil || res[0].Err != nil {
				t.Errorf("%s: %v %v", sku, err, res)
				return
			}
			_, _ = sf.UpdateStock(context.Background(), []platforms.StockUpdate{{Ref: res[0].Ref, Stock: 1, Status: platforms.StatusPublish}})
			_ = sf.Products()
		})
	}
	wg.Wait()
	if n := len(sf.Products()); n != 8 {
		t.Fatalf("%d products", n)
	}
}

func TestOrdersContract(t *testing.T) {
	platformtest.RunOrders(t, func(t *testing.T) platformtest.OrderShop {
		sf := memory.New(memory.Config{})
		return platformtest.OrderShop{
			Orders:   sf,
			Webhooks: sf,
			CreateOrder: func(t *testing.T, paid bool, lines []platformtest.Line) string {
				in := make([]memory.NewOrderLine, len(lines))
				for i, l := range lines {
					in[i] = memory.NewOrderLine(l)
				}
				return sf.CreateOrder(paid, "USD", in)
			},
			Notes:          func(t *testing.T, id string) []string { return sf.Notes(id) },
			Flush:          func(t *testing.T) { sf.Flush() },
			DisableWebhook: func(t *testing.T, id string) { sf.DisableWebhook(id) },
			Secret:         "memory-secret",
		}
	})
}
