package iws

import (
	"bytes"
	"fmt"
	"runtime"
	"testing"
)

// catalogBody builds a GetCatalog answer of n realistic products, in the spec's array-wrapped page form.
func catalogBody(n int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, `[{"page":1,"pageSize":%d,"totalRows":%d,"totalPages":1,"data":[`, n, n)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"Sku":"XX%06dAB","Mpn":"MPN-%d","Description":"Gen Color Case Kit %d - mid tower - ATX","Type":"Physical",`+
			`"Manufacturer":{"ManufacturerId":"gen","Description":"Generic"},"Brand":{"ManufacturerId":"gen","BrandId":"gen","Description":"Generic"},`+
			`"Category":{"CategoryId":"cco","Description":"Componentes Informáticos","Subcategories":[{"CategoryId":"cco.case","Description":"Cajas / Gabinetes","Subcategories":[]}]},`+
			`"Price":{"UnitPrice":%d.%02d,"CurrencyId":"US"},"InStock":"%d","OnSale":false,"RealStockValue":true,`+
			`"Locations":[{"Id":"xclq1","Stock":%d}],"Upc":"0%011d","Components":null,"CompilationDate":"2023-11-13T18:40:12.6191757Z",`+
			`"PrePurchaseStartDate":null,"PrePurchaseEndDate":null,"PrePurchaseActive":false}`,
			i, i, i, 10+i%900, i%100, i%50, i%50, i)
	}
	b.WriteString(`]}]`)
	return b.Bytes()
}

// BenchmarkStreamCatalog decodes a 20,000-product catalog per iteration with no network. allocs/op and
// B/op are per catalog; the per-product figures are reported as extra metrics. Memory stays flat
// because no product outlives its callback.
func BenchmarkStreamCatalog(b *testing.B) {
	const n = 20_000
	body := catalogBody(n)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for b.Loop() {
		count := 0
		if _, err := decodeStream(bytes.NewReader(body), func(*Product) error { count++; return nil }); err != nil {
			b.Fatal(err)
		}
		if count != n {
			b.Fatalf("decoded %d", count)
		}
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(b.N)/n, "allocs/product")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/n, "B/product")
}

// TestStreamMemoryIsBounded checks the claim the benchmark relies on: the live heap while streaming does
// not grow with the number of products (a collecting decoder would hold them all).
func TestStreamMemoryIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("measures memory")
	}
	liveDuring := func(n int) int64 {
		body := bytes.Clone(catalogBody(n)) // no spare capacity to count against the decoder
		var ms runtime.MemStats
		var top int64
		i := 0
		_, err := decodeStream(bytes.NewReader(body), func(*Product) error {
			if i++; i%(n/5) == 0 {
				runtime.GC()
				runtime.ReadMemStats(&ms)
				top = max(top, int64(ms.HeapAlloc)-int64(len(body))) // the body is the test's, not the decoder's
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		runtime.KeepAlive(body)
		return top
	}
	small, large := liveDuring(2_000), liveDuring(20_000)
	if large > small+(4<<20) {
		t.Errorf("live heap grows with the feed: %d bytes for 2k products, %d for 20k", small, large)
	}
	t.Logf("live heap beyond the body: %d KiB (2k products), %d KiB (20k)", small>>10, large>>10)
}
