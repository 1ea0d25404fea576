package shopifytest_test

import (
	"net/http"
	"testing"

	"github.com/intcomex-connector/connector/platforms/shopify"
	"github.com/intcomex-connector/connector/platforms/shopify/shopifytest"
)

const orderCreateDoc = `mutation C($order: OrderCreateOrderInput!) {
  orderCreate(order: $order) { order { id name } userErrors { field message } }
}`

// orderCreate makes a paid order of a variant (its SKU, title and price), as a headless checkout
// does, and refuses an unknown variant or an empty order with a user error.
func TestOrderCreate(t *testing.T) {
	t.Parallel()
	s := shopifytest.New(shopifytest.Config{AccessToken: "shpat_test"})
	defer s.Close()
	var set setResult
	field(t, gql(t, s, shopify.OpProductSet, productInput("SKU-1")), "productSet", &set)
	variant := set.Product.Variants.Nodes[0].ID

	var created struct {
		Order *struct {
			ID, Name string
		}
		UserErrors []struct{ Message string }
	}
	code, a := post(t, s, "shpat_test", orderCreateDoc, map[string]any{"order": map[string]any{
		"financialStatus": "PAID", "email": "a@b.c", "lineItems": []any{map[string]any{"variantId": variant, "quantity": 2}}}})
	if code != http.StatusOK || len(a.Errors) > 0 {
		t.Fatalf("orderCreate: %d %+v", code, a.Errors)
	}
	field(t, a, "orderCreate", &created)
	if created.Order == nil || len(created.UserErrors) > 0 {
		t.Fatalf("orderCreate: %+v", created)
	}
	orders := s.Orders()
	if len(orders) != 1 || orders[0].ID != created.Order.ID || orders[0].FinancialStatus != "PAID" ||
		len(orders[0].Lines) != 1 || orders[0].Lines[0].SKU != "SKU-1" || orders[0].Lines[0].Quantity != 2 || orders[0].Lines[0].Price.IsZero() {
		t.Fatalf("orders %+v", orders)
	}

	for name, order := range map[string]map[string]any{
		"unknown variant": {"lineItems": []any{map[string]any{"variantId": "gid://shopify/ProductVariant/999999", "quantity": 1}}},
		"no lines":        {"email": "a@b.c"},
		"zero quantity":   {"lineItems": []any{map[string]any{"variantId": variant, "quantity": 0}}},
	} {
		created.Order, created.UserErrors = nil, nil
		_, a := post(t, s, "shpat_test", orderCreateDoc, map[string]any{"order": order})
		field(t, a, "orderCreate", &created)
		if created.Order != nil || len(created.UserErrors) == 0 {
			t.Errorf("%s: %+v", name, created)
		}
	}
	if n := len(s.Orders()); n != 1 {
		t.Errorf("refused orders were made: %d orders", n)
	}
}
