package iws

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestDecodeStreamForms(t *testing.T) {
	items := `{"Sku":"A","InStock":"1"},{"Sku":"B","InStock":2}`
	tests := []struct {
		name      string
		body      string
		wantSkus  string
		wantPaged bool
	}{
		{"plain array", `[` + items + `]`, "A,B", false},
		{"bare wrapper", `{"page":1,"pageSize":2,"totalRows":2,"totalPages":1,"data":[` + items + `]}`, "A,B", true},
		{"wrapper in array", `[{"page":1,"pageSize":2,"totalRows":2,"totalPages":1,"data":[` + items + `]}]`, "A,B", true},
		{"wrapper with data first and odd casing", `{"Data":[` + items + `],"TotalPages":"1","extra":{"x":[1]}}`, "A,B", true},
		{"wrapper with null data", `{"page":1,"pageSize":2,"totalRows":0,"totalPages":0,"data":null}`, "", true},
		{"empty array", `[]`, "", false},
		{"null", `null`, "", false},
		{"byte-order mark and whitespace", "\xEF\xBB\xBF \n[" + items + "]\n", "A,B", false},
		{"empty first item", `[{},{"Sku":"B"}]`, ",B", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var skus []string
			meta, err := decodeStream(strings.NewReader(tt.body), func(p *Product) error {
				skus = append(skus, p.Sku)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(skus, ","); got != tt.wantSkus || meta.paged != tt.wantPaged || meta.items != len(skus) {
				t.Errorf("skus %q paged %v items %d, want %q paged %v", got, meta.paged, meta.items, tt.wantSkus, tt.wantPaged)
			}
		})
	}
}

func TestDecodeStreamRejects(t *testing.T) {
	tests := []struct {
		name      string
		body      string
		wantItems int
	}{
		{"empty body", ``, 0},
		{"truncated in the middle", `[{"Sku":"A"},{"Sku":"B"},{"Sk`, 2},
		{"truncated after the first", `[{"Sku":"A"}`, 1},
		{"trailing garbage", `[{"Sku":"A"}] x`, 1},
		{"html", `<html>oops</html>`, 0},
		{"string", `"hello"`, 0},
		{"object of unknown shape", `{"foo":1}`, 0},
		{"single item where a feed was expected", `{"Sku":"A"}`, 0},
		{"empty object", `{}`, 0},
		{"bad item type", `[{"Sku":"A"},{"Sku":"B","InStock":"many"}]`, 1},
		{"non-object element", `[1,2]`, 0},
		{"wrapper then item", `[{"page":1,"data":[]},{"Sku":"A"}]`, 0},
		{"data not an array", `{"page":1,"data":{"Sku":"A"}}`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			meta, err := decodeStream(strings.NewReader(tt.body), func(*Product) error { return nil })
			if !errors.Is(err, ErrMalformedResponse) {
				t.Fatalf("err = %v", err)
			}
			if meta.items != tt.wantItems {
				t.Errorf("items = %d, want %d", meta.items, tt.wantItems)
			}
		})
	}
}

func TestDecodeStreamErrorInOKBody(t *testing.T) {
	_, err := decodeStream(strings.NewReader(`{"Message":"Please wait 5 seconds.","ErrorCode":100,"Reference":"r"}`), func(*Product) error { return nil })
	e, ok := AsError(err)
	if !ok || e.ErrorCode != 100 || e.HTTPStatus != 200 || e.Reference != "r" {
		t.Fatalf("err = %v", err)
	}
}

func TestDecodeStreamCallbackError(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	_, err := decodeStream(strings.NewReader(`[{"Sku":"A"},{"Sku":"B"},{"Sku":"C"}]`), func(*Product) error {
		n++
		if n == 2 {
			return stop
		}
		return nil
	})
	var cb *callbackError
	if !errors.As(err, &cb) || !errors.Is(err, stop) || n != 2 {
		t.Fatalf("err = %v after %d", err, n)
	}
}

// pagedCatalog serves total products in pages, in the form chosen per page, and records the pages asked.
func pagedCatalog(t *testing.T, total int, calls *counter, form func(page int) string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		page, _ := strconv.Atoi(q.Get("page"))
		limit, _ := strconv.Atoi(q.Get("limit"))
		calls.add(fmt.Sprintf("page=%d&limit=%d", page, limit))
		totalPages := (total + limit - 1) / limit
		var items []string
		for i := (page - 1) * limit; i < min(page*limit, total); i++ {
			items = append(items, fmt.Sprintf(`{"Sku":"SKU%04d","InStock":"%d"}`, i, i))
		}
		wrapper := fmt.Sprintf(`{"page":%d,"pageSize":%d,"totalRows":%d,"totalPages":%d,"data":[%s]}`,
			page, limit, total, totalPages, strings.Join(items, ","))
		if form(page) == "array" {
			wrapper = "[" + wrapper + "]"
		}
		writeJSON(w, 200, wrapper)
	})
}

func TestStreamCatalogFetchesAllPages(t *testing.T) {
	calls := &counter{}
	c, _ := newTestClient(t, pagedCatalog(t, 7, calls, func(page int) string {
		if page%2 == 0 {
			return "array"
		}
		return "bare"
	}))
	var skus []string
	info, err := c.StreamCatalog(t.Context(), &CatalogParams{Limit: 3, Locale: "en"}, func(p *Product) error {
		skus = append(skus, p.Sku)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for page := 1; page <= 3; page++ {
		if calls.get(fmt.Sprintf("page=%d&limit=3", page)) != 1 {
			t.Errorf("page %d fetched %d times", page, calls.get(fmt.Sprintf("page=%d&limit=3", page)))
		}
	}
	if calls.get("page=4&limit=3") != 0 {
		t.Error("fetched past totalPages")
	}
	if len(skus) != 7 || skus[0] != "SKU0000" || skus[6] != "SKU0006" {
		t.Errorf("skus = %v", skus)
	}
	if info != (StreamInfo{Items: 7, Pages: 3, Paginated: true, TotalRows: 7, TotalPages: 3}) {
		t.Errorf("info = %+v", info)
	}

	// The same through the collecting variant, and for inventory.
	all, err := c.GetCatalog(t.Context(), &CatalogParams{Limit: 2})
	if err != nil || len(all) != 7 {
		t.Fatalf("GetCatalog = %d, %v", len(all), err)
	}
	inv, err := c.GetInventory(t.Context(), &InventoryParams{Limit: 4})
	if err != nil || len(inv) != 7 || inv[6].InStock != 6 {
		t.Fatalf("GetInventory = %+v, %v", inv, err)
	}
	// One given page only.
	one, err := c.GetCatalog(t.Context(), &CatalogParams{Page: 2, Limit: 5})
	if err != nil || len(one) != 2 || one[0].Sku != "SKU0005" {
		t.Fatalf("page 2 = %+v, %v", one, err)
	}
}

func TestStreamInventoryManyPages(t *testing.T) {
	calls := &counter{}
	c, _ := newTestClient(t, pagedCatalog(t, 1000, calls, func(int) string { return "array" }))
	n := 0
	info, err := c.StreamInventory(t.Context(), &InventoryParams{Limit: 7}, func(*InventoryData) error { n++; return nil })
	if err != nil {
		t.Fatal(err)
	}
	if n != 1000 || info.Pages != 143 || info.TotalPages != 143 {
		t.Errorf("items %d info %+v", n, info)
	}
}

func TestStreamPagingGuards(t *testing.T) {
	t.Run("server ignores page and repeats page 1", func(t *testing.T) {
		c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, `{"page":1,"pageSize":1,"totalRows":3,"totalPages":3,"data":[{"Sku":"A"}]}`)
		}))
		_, err := c.StreamCatalog(t.Context(), &CatalogParams{Limit: 1}, func(*Product) error { return nil })
		if !errors.Is(err, ErrMalformedResponse) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("wrapper without totalPages", func(t *testing.T) {
		calls := &counter{}
		c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			calls.add("all")
			writeJSON(w, 200, fmt.Sprintf(`{"page":%s,"totalRows":5,"data":[{"Sku":"A"},{"Sku":"B"}]}`, r.URL.Query().Get("page")))
		}))
		info, err := c.StreamCatalog(t.Context(), &CatalogParams{Limit: 2}, func(*Product) error { return nil })
		if err != nil || calls.get("all") != 3 || info.Items != 6 {
			t.Fatalf("info %+v err %v calls %d", info, err, calls.get("all"))
		}
	})
	t.Run("server ignores paging and sends the plain list", func(t *testing.T) {
		calls := &counter{}
		c, _ := newTestClient(t, script(calls, answer(200, `[{"Sku":"A"},{"Sku":"B"},{"Sku":"C"}]`)))
		info, err := c.StreamCatalog(t.Context(), &CatalogParams{Limit: 1}, func(*Product) error { return nil })
		if err != nil || info.Items != 3 || calls.get("all") != 1 || info.Paginated {
			t.Fatalf("info %+v err %v calls %d", info, err, calls.get("all"))
		}
	})
}

func TestStreamBrokenBody(t *testing.T) {
	truncated := `[{"Sku":"A"},{"Sku":"B"},{"Sku`
	t.Run("stream resumes after the items it delivered", func(t *testing.T) {
		calls := &counter{}
		c, sl := newTestClient(t, script(calls, answer(200, truncated), answer(200, `[{"Sku":"A"},{"Sku":"B"},{"Sku":"C"}]`)))
		var got []string
		info, err := c.StreamCatalog(t.Context(), nil, func(p *Product) error { got = append(got, p.Sku); return nil })
		if err != nil || calls.get("all") != 2 || !slices.Equal(got, []string{"A", "B", "C"}) || info.Items != 3 {
			t.Fatalf("err %v calls %d delivered %v info %+v", err, calls.get("all"), got, info)
		}
		if len(sl.recorded()) != 1 {
			t.Errorf("waits %v, want one backoff", sl.recorded())
		}
	})
	t.Run("resume goes by SKU: reordered, repeated and new items", func(t *testing.T) {
		calls := &counter{}
		first := `[{"Sku":"A"},{"Sku":"B"},{"Sku":"A"},{"Sku":"C"},{"Sku`
		again := `[{"Sku":"C"},{"Sku":"A"},{"Sku":"D"},{"Sku":"B"},{"Sku":"A"},{"Sku":"A"},{"Sku":"E"}]`
		c, _ := newTestClient(t, script(calls, answer(200, first), answer(200, again)))
		var got []string
		_, err := c.StreamCatalog(t.Context(), nil, func(p *Product) error { got = append(got, p.Sku); return nil })
		// A twice, B and C were delivered; the second answer adds D, a third A and E.
		if err != nil || !slices.Equal(got, []string{"A", "B", "A", "C", "D", "A", "E"}) {
			t.Fatalf("err %v delivered %v", err, got)
		}
	})
	t.Run("stream gives up after MaxAttempts broken answers", func(t *testing.T) {
		calls := &counter{}
		c, _ := newTestClient(t, script(calls, answer(200, truncated)), func(cfg *Config) { cfg.Retry.MaxAttempts = 3 })
		var got []string
		_, err := c.StreamCatalog(t.Context(), nil, func(p *Product) error { got = append(got, p.Sku); return nil })
		if !errors.Is(err, ErrMalformedResponse) || calls.get("all") != 3 || !slices.Equal(got, []string{"A", "B"}) {
			t.Fatalf("err %v calls %d delivered %v", err, calls.get("all"), got)
		}
	})
	t.Run("each page resumes on its own", func(t *testing.T) {
		calls := &counter{}
		page := func(n int, items string) string {
			return fmt.Sprintf(`{"page":%d,"pageSize":2,"totalRows":4,"totalPages":2,"data":[%s]}`, n, items)
		}
		c, _ := newTestClient(t, script(calls,
			answer(200, page(1, `{"Sku":"A"},{"Sku":"B"}`)),
			answer(200, page(2, `{"Sku":"A"},{"Sku`)), // page 2 starts with A too (a repeat across pages)
			answer(200, page(2, `{"Sku":"A"},{"Sku":"C"}`))))
		var got []string
		info, err := c.StreamInventory(t.Context(), &InventoryParams{Limit: 2}, func(p *InventoryData) error { got = append(got, p.Sku); return nil })
		if err != nil || !slices.Equal(got, []string{"A", "B", "A", "C"}) || calls.get("all") != 3 || info.Items != 4 {
			t.Fatalf("err %v delivered %v calls %d info %+v", err, got, calls.get("all"), info)
		}
	})
	t.Run("stream retries when nothing was delivered", func(t *testing.T) {
		calls := &counter{}
		c, _ := newTestClient(t, script(calls, answer(200, `<html>`), answer(200, `[{"Sku":"A"}]`)))
		info, err := c.StreamPriceList(t.Context(), nil, func(*PriceListItem) error { return nil })
		if err != nil || calls.get("all") != 2 || info.Items != 1 {
			t.Fatalf("err %v calls %d", err, calls.get("all"))
		}
	})
	t.Run("collect retries from a clean slate", func(t *testing.T) {
		calls := &counter{}
		c, _ := newTestClient(t, script(calls, answer(200, truncated), answer(200, `[{"Sku":"A"},{"Sku":"B"},{"Sku":"C"}]`)))
		got, err := c.GetCatalog(t.Context(), nil)
		if err != nil || len(got) != 3 || calls.get("all") != 2 {
			t.Fatalf("got %d err %v calls %d", len(got), err, calls.get("all"))
		}
	})
	t.Run("callback error is returned as is, not retried", func(t *testing.T) {
		calls := &counter{}
		stop := errors.New("disk full")
		c, _ := newTestClient(t, script(calls, answer(200, `[{"Sku":"A"}]`)))
		_, err := c.StreamCatalog(t.Context(), nil, func(*Product) error { return stop })
		if err != stop || calls.get("all") != 1 {
			t.Fatalf("err %v calls %d", err, calls.get("all"))
		}
	})
	t.Run("throttle inside a 200 body is retried", func(t *testing.T) {
		calls := &counter{}
		c, sl := newTestClient(t, script(calls, answer(200, `{"Message":"Please wait 4 seconds.","ErrorCode":100}`), answer(200, `[{"Sku":"A"}]`)))
		got, err := c.GetCatalog(t.Context(), nil)
		if err != nil || len(got) != 1 || len(sl.recorded()) != 1 || sl.recorded()[0] != 4e9 {
			t.Fatalf("got %v err %v waits %v", got, err, sl.recorded())
		}
	})
}
