package sandbox

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/shopspring/decimal"
)

// feedRequest is one call of a feed method, as the connector's sync makes it.
type feedRequest struct {
	method string // lower-case route key
	query  string
}

// feedRequests covers every feed endpoint with its flags: both locales, paged and unpaged, the stock
// filters.
var feedRequests = []feedRequest{
	{"getcatalog", ""},
	{"getcatalog", "locale=es"},
	{"getcatalog", "locale=en"},
	{"getcatalog", "locale=en&format=json&inStock=true"},
	{"getcatalog", "locale=es&inventoryFilter=outOfStock"},
	{"getcatalog", "locale=en&page=1&limit=100"},
	{"getcatalog", "locale=es&page=3&limit=7"},
	{"getcatalog", "page=2"},
	{"getcatalog", "page=999&limit=50"},
	{"getpricelist", ""},
	{"getpricelist", "inStock=true"},
	{"getpricelist", "inStock=false"},
	{"getinventory", ""},
	{"getinventory", "inventoryFilter=inStock"},
	{"getinventory", "inStock=false"},
	{"getinventory", "page=1&limit=100"},
	{"getinventory", "page=4&limit=33"},
	{"getinventory", "page=999"},
	{"downloadextendedcatalog", ""},
	{"downloadextendedcatalog", "locale=es"},
	{"downloadextendedcatalog", "locale=en&format=json"},
}

// feedConfig is a sandbox configuration the feeds are compared under.
type feedConfig struct {
	name string
	cfg  Config
	// mutate changes stock, prices and the product list after New.
	mutate bool
}

func feedConfigs(skus int) []feedConfig {
	var out []feedConfig
	for _, seed := range []int64{1, 7, 42} {
		out = append(out,
			feedConfig{name: fmt.Sprintf("seed%d", seed), cfg: Config{SKUs: skus, Seed: seed}},
			feedConfig{name: fmt.Sprintf("seed%d-en-array-mutated", seed), cfg: Config{SKUs: skus, Seed: seed, Locale: "en", PaginationInArray: true}, mutate: true},
			feedConfig{name: fmt.Sprintf("seed%d-nolocations-public", seed), cfg: Config{SKUs: skus, Seed: seed, NoLocations: true, PublicURL: "https://sandbox.example/<&>"}, mutate: true},
		)
	}
	return out
}

func newFeedSandbox(tb testing.TB, fc feedConfig) *Sandbox {
	tb.Helper()
	cfg := fc.cfg
	cfg.APIKey, cfg.AccessKey = "k", "a"
	s, err := New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	if fc.mutate {
		skus := s.SKUs()
		prices := []string{"0", "0.1", "12.5", "1234567.891234", "100", "0.00001", "99999999999999999999.99", "1e3", "7.000"}
		for k, p := range prices {
			if err := s.SetPrice(skus[k*13%len(skus)], decimal.RequireFromString(p)); err != nil {
				tb.Fatal(err)
			}
		}
		s.mu.Lock()
		s.inv.prices[int32(len(skus)/2)] = priceOverride{null: true}
		s.mu.Unlock()
		for k := 0; k < len(skus); k += 97 {
			if err := s.RemoveProduct(skus[k]); err != nil {
				tb.Fatal(err)
			}
		}
		_ = s.ChangeStock(5)
	}
	return s
}

// serveFeed answers one feed request through the method's handler, past authentication.
func serveFeed(tb testing.TB, s *Sandbox, fr feedRequest, w http.ResponseWriter) {
	tb.Helper()
	rt, ok := routes[fr.method]
	if !ok {
		tb.Fatalf("no route %s", fr.method)
	}
	r := httptest.NewRequest(http.MethodGet, "http://sandbox.test/v1/"+fr.method+"?"+fr.query, nil)
	if err := rt.handle(s, newCall(w, r, rt)); err != nil {
		tb.Fatalf("%s?%s: %v", fr.method, fr.query, err)
	}
}

func feedBody(tb testing.TB, s *Sandbox, fr feedRequest) []byte {
	tb.Helper()
	rec := httptest.NewRecorder()
	serveFeed(tb, s, fr, rec)
	if rec.Code != http.StatusOK {
		tb.Fatalf("%s?%s: status %d: %s", fr.method, fr.query, rec.Code, rec.Body)
	}
	return rec.Body.Bytes()
}

// discardWriter is a ResponseWriter that drops the body, for benchmarks.
type discardWriter struct{ h http.Header }

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) WriteHeader(int)             {}
func (d *discardWriter) Write(b []byte) (int, error) { return io.Discard.Write(b) }
