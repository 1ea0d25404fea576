package wootest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"testing"

	"github.com/intcomex-connector/connector/platforms/woocommerce/wootest"
)

// listProducts GETs /products with query and returns the items (each a field map), X-WP-Total
// and X-WP-TotalPages.
func listProducts(t *testing.T, base, query string) (status int, items []map[string]json.RawMessage, total, pages string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+restRoot+"/products?"+query, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range basicHTTPS("ck_test", "cs_test") {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode == http.StatusOK {
		decode(t, b, &items)
	}
	return resp.StatusCode, items, resp.Header.Get("X-WP-Total"), resp.Header.Get("X-WP-TotalPages")
}

// TestProductListing: the collection as the verification reads it — ordered by id, paged with
// offset and per_page (at most 100) under X-WP-Total, cut to _fields; status any leaves trashed
// products out, and a trashed product's SKU is free again (is_existing_sku skips trash).
func TestProductListing(t *testing.T) {
	srv, base := wootest.Start(t, wootest.Config{ImageCheck: wootest.AllowImages})
	create := make([]map[string]any, 6)
	for i := range create {
		create[i] = map[string]any{"name": fmt.Sprintf("Cable %d", i), "sku": fmt.Sprintf("CBL-%d", i), "regular_price": "4.90"}
	}
	status, body := api(t, base, http.MethodPost, "/products/batch", map[string]any{"create": create})
	if status != http.StatusOK {
		t.Fatalf("batch: %d %s", status, body)
	}
	var res struct{ Create []struct{ ID int } }
	decode(t, body, &res)
	ids := make([]int, len(res.Create))
	for i, c := range res.Create {
		ids[i] = c.ID
	}
	if !srv.DeleteProduct(ids[1], false) || !srv.DeleteProduct(ids[2], true) || srv.DeleteProduct(ids[2], true) {
		t.Fatal("DeleteProduct")
	}
	if err := srv.EditProduct(ids[3], map[string]any{"regular_price": "3.10", "status": "draft"}); err != nil {
		t.Fatal(err)
	}

	var got []int
	for offset := 0; ; offset += 2 {
		status, items, total, pages := listProducts(t, base, fmt.Sprintf("per_page=2&offset=%d&status=any&orderby=id&order=asc&_fields=id,sku,regular_price,status", offset))
		if status != http.StatusOK || total != "4" || pages != "2" {
			t.Fatalf("offset %d: status %d, X-WP-Total %q, X-WP-TotalPages %q", offset, status, total, pages)
		}
		if len(items) == 0 {
			break
		}
		for _, it := range items {
			if len(it) != 4 {
				t.Fatalf("_fields not applied: %v", it)
			}
			var id int
			decode(t, it["id"], &id)
			got = append(got, id)
			if id == ids[3] && (string(it["regular_price"]) != `"3.10"` || string(it["status"]) != `"draft"`) {
				t.Errorf("edited product listed as %s", it)
			}
		}
	}
	if want := []int{ids[0], ids[3], ids[4], ids[5]}; !slices.Equal(got, want) {
		t.Fatalf("listed %v, want %v (by id, no trash, no deleted)", got, want)
	}
	if status, items, _, _ := listProducts(t, base, "status=trash"); status != http.StatusOK || len(items) != 1 {
		t.Fatalf("status=trash: %d, %d items", status, len(items))
	}
	if status, _, _, _ := listProducts(t, base, "per_page=101"); status != http.StatusBadRequest {
		t.Fatalf("per_page=101: status %d", status)
	}
	if status, _, _, _ := listProducts(t, base, "orderby=sku"); status != http.StatusBadRequest {
		t.Fatalf("orderby=sku: status %d", status)
	}
	status, body = api(t, base, http.MethodPost, "/products", map[string]any{"name": "Cable 1 again", "sku": "CBL-1", "regular_price": "4.90"})
	if status != http.StatusCreated {
		t.Fatalf("creating the SKU of a trashed product: %d %s", status, body)
	}
}
