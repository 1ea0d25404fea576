package sandbox_test

import (
	"testing"

	"github.com/intcomex-connector/connector/iws/sandbox"
)

// The spec's example SKUs exist in every catalog, sellable and in stock, so the examples of the
// spec (and of our README) work against the sandbox as written.
func TestSpecExampleSKUs(t *testing.T) {
	for _, size := range []int{300, 5000} {
		sb := newSandbox(t, sandbox.Config{SKUs: size, Seed: 7})
		for _, sku := range []string{"SE001MSE01", "CS700GNC04", "AT216HEW36"} {
			p, err := sb.Product(sku)
			if err != nil {
				t.Fatalf("%d SKUs: %s: %v", size, sku, err)
			}
			if p.Price == nil || !p.Price.UnitPrice.IsPositive() || p.InStock == nil || *p.InStock <= 0 || p.Type != "Physical" {
				t.Errorf("%d SKUs: %s = price %v, stock %v, type %s; want a physical product on sale", size, sku, p.Price, p.InStock, p.Type)
			}
		}
		if got := len(sb.SKUs()); got != size {
			t.Errorf("catalog has %d SKUs, want %d", got, size)
		}
	}
}
