package woocommerce

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/platformtest"
	"github.com/intcomex-connector/connector/platforms/woocommerce/wootest"
)

// TestListProductsPages: 150 products read with a limit of 500 take two GETs of at most 100
// (WooCommerce's per_page bound), each asking only for the listed fields, every status but
// trash, ordered by id; a trashed product is not listed and the merchant's own product is.
func TestListProductsPages(t *testing.T) {
	fake, c := startTLS(t, wootest.Config{}, nil)
	refs := push(t, c, products("LS", 150))
	if !fake.DeleteProduct(atoiT(t, refs[7].ProductID), false) {
		t.Fatal("trash")
	}
	fake.ResetCounters()
	first, err := c.ListProducts(context.Background(), "", 500)
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Products) != 100 || first.Next != "100" {
		t.Fatalf("first page: %d products, next %q", len(first.Products), first.Next)
	}
	second, err := c.ListProducts(context.Background(), first.Next, 500)
	if err != nil {
		t.Fatal(err)
	}
	if len(second.Products) != 49 || second.Next != "" {
		t.Fatalf("second page: %d products, next %q", len(second.Products), second.Next)
	}
	for _, p := range append(first.Products, second.Products...) {
		if p.Ref.SKU == refs[7].SKU {
			t.Errorf("trashed product %s listed", p.Ref.SKU)
		}
	}
	for _, r := range fake.Requests() {
		if r.Method == http.MethodGet && r.Path == "/wp-json/wc/v3/products" {
			for _, want := range []string{"per_page=100", "status=any", "orderby=id", "order=asc", "_fields="} {
				if !strings.Contains(r.Query, want) {
					t.Errorf("GET /products?%s lacks %s", r.Query, want)
				}
			}
		}
	}
	if _, err := c.ListProducts(context.Background(), "page-2", 10); !errors.Is(err, platforms.ErrInvalid) {
		t.Errorf("a cursor that is not ours: %v", err)
	}
}

// TestCreateOfTakenSKUSaysAdopted: the per-item product_invalid_sku of a create is turned into
// an update of the product holding the SKU, and the result says it was adopted.
func TestCreateOfTakenSKUSaysAdopted(t *testing.T) {
	_, c := startTLS(t, wootest.Config{}, nil)
	first := push(t, c, products("AD", 1))[0]
	res, err := c.UpsertProducts(context.Background(), []platforms.ProductInput{platformtest.Product(first.SKU)})
	if err != nil || res[0].Err != nil || !res[0].Adopted || res[0].Ref.ProductID != first.ProductID {
		t.Fatalf("create of a taken SKU: %+v, %v", res, err)
	}
	res, err = c.UpsertProducts(context.Background(), []platforms.ProductInput{platformtest.Product("AD-NEW")})
	if err != nil || res[0].Err != nil || res[0].Adopted {
		t.Fatalf("create of a new SKU: %+v, %v", res, err)
	}
}
