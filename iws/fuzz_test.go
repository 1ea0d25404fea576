package iws

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Fuzz targets for every decoder of outside input. Seeds are the spec's examples plus the quirks; with
// plain `go test` they run as ordinary tests.

func addSpecSeeds(f *testing.F) {
	f.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "spec", "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

func FuzzErrorBody(f *testing.F) {
	addSpecSeeds(f)
	for _, s := range []string{
		``, `<html><title>502 Bad Gateway</title></html>`, `{"Message":"No HTTP resource","MessageDetail":"x"}`,
		`{"message":"Please wait 10 seconds","errorcode":"100","reference":"r","SKU":"A","CurrentStock":"stock available for product"}`,
		`{"fault":{"faultstring":"Invalid ApiKey","detail":{"errorcode":"oauth"}}}`, `{"ErrorCode":1e400}`, `{"QuantityAttempted":-9.5}`,
		"\xEF\xBB\xBF{\"ErrorCode\":90,\"Message\":\"already assigned to order '12'\"}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, status := range []int{400, 429, 502} {
			e := parseErrorResponse("GetCatalog", status, http.Header{"Retry-After": {"5"}}, body, time.Unix(0, 0))
			if e == nil || e.HTTPStatus != status {
				t.Fatalf("e = %+v", e)
			}
			s := e.Error()
			if !strings.HasPrefix(s, "iws: GetCatalog: HTTP ") {
				t.Fatalf("Error() = %q", s)
			}
			if e.Throttled() && RetryAfter(e) <= 0 {
				t.Fatalf("throttled without a wait: %+v", e)
			}
			_ = ExistingOrderNumber(e)
		}
	})
}

func FuzzProduct(f *testing.F) {
	addSpecSeeds(f)
	for _, s := range []string{
		`{"Sku":"A","MPN":"M","InStock":"4","Price":null}`,
		`{"Sku":"A","Price":{"UnitPrice":"1.50","CurrencyId":"us"},"Locations":[{"Id":"x","Stock":"2"}],"CompilationDate":"2023-11-13T18:40:12.6191757Z"}`,
		`{"Sku":1,"InStock":4.0,"Category":{"Subcategories":[{"Subcategories":[]}]}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var p Product
		if err := json.Unmarshal(body, &p); err != nil {
			return
		}
		_ = p.Category.Path()
		_ = p.Category.Leaf()
		if p.Price != nil {
			_ = p.Price.Currency()
		}
		out, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("a decoded product does not encode: %v", err)
		}
		var again Product
		if err := json.Unmarshal(out, &again); err != nil {
			t.Fatalf("an encoded product does not decode: %v\n%s", err, out)
		}
	})
}

func FuzzDecodeStream(f *testing.F) {
	addSpecSeeds(f)
	for _, s := range []string{
		`[{"Sku":"A"},{"Sku":"B"}]`, `{"page":1,"totalPages":2,"data":[{"Sku":"A"}]}`, `[{"page":1,"data":[{"Sku":"A"}]}]`,
		`null`, `[]`, `{"ErrorCode":100,"Message":"wait"}`, `[{"Sku":"A"},{"Sk`, "\xEF\xBB\xBF[]", `[{}]`, `[[]]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		n := 0
		meta, err := decodeStream(bytes.NewReader(body), func(*Product) error { n++; return nil })
		if meta.items != n {
			t.Fatalf("meta.items %d, delivered %d", meta.items, n)
		}
		if err != nil {
			var apiErr *Error
			if !errors.Is(err, ErrMalformedResponse) && !errors.As(err, &apiErr) {
				t.Fatalf("unexpected error kind: %v", err)
			}
		}
		// The same body as price-list and extended-catalog items must not panic either.
		_, _ = decodeStream(bytes.NewReader(body), func(*PriceListItem) error { return nil })
		_, _ = decodeStream(bytes.NewReader(body), func(*ExtendedProduct) error { return nil })
	})
}

func FuzzOrderStatusUpdate(f *testing.F) {
	for _, s := range []string{
		`{"CallId":"c","WebhookType":"OrderStatusUpdate","TimeStamp":"2023-12-04T23:07:21.513","Data":{"OrderNumber":"1","Status":{"StatusCode":5,"Description":"Invoiced/Closed"}}}`,
		`{"Data":[{"OrderNumber":1,"Status":"{\"StatusCode\":\"5\"}"}]}`,
		`{"Data":[{"OrderNumber":"1","Status":[{"StatusCode":4},{"StatusCode":5}]}]}`,
		`{"Data":[{"OrderNumber":"1","Status":"[]"}]}`, `{"Data":null}`, `{"Data":"x"}`, `{"Data":[{"Status":"\"\""}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var u OrderStatusUpdate
		if err := json.Unmarshal(body, &u); err != nil {
			return
		}
		got, err := u.Updates()
		if err != nil && got != nil {
			t.Fatalf("updates %v with error %v", got, err)
		}
	})
}
