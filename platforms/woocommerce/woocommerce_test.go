package woocommerce

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/platformtest"
	"github.com/intcomex-connector/connector/platforms/woocommerce/wootest"
)

const batchPath = "/wp-json/wc/v3/products/batch"

// sleeps records the waits of the retry policy instead of sleeping.
type sleeps struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

func fakeConfig(cfg wootest.Config) wootest.Config {
	if cfg.Currency == "" {
		cfg.Currency = "USD"
	}
	if cfg.ImageCheck == nil {
		cfg.ImageCheck = wootest.AllowImages
	}
	cfg.ConsumerKey, cfg.ConsumerSecret = "ck_live_key", "cs_very_secret_value"
	return cfg
}

func newClient(t testing.TB, base string, hc *http.Client, mod func(*Config)) *Client {
	t.Helper()
	cfg := Config{BaseURL: base, ConsumerKey: "ck_live_key", ConsumerSecret: "cs_very_secret_value", HTTPClient: hc,
		Sleep: (&sleeps{}).sleep}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// startTLS is a store over HTTPS (Basic auth).
func startTLS(t testing.TB, cfg wootest.Config, mod func(*Config)) (*wootest.Server, *Client) {
	t.Helper()
	s, base, hc := wootest.StartTLS(t, fakeConfig(cfg))
	return s, newClient(t, base, hc, mod)
}

// startWrapped serves the fake over plain HTTP (OAuth) behind wrap.
func startWrapped(t testing.TB, cfg wootest.Config, wrap func(http.Handler) http.Handler, mod func(*Config)) (*wootest.Server, *Client) {
	t.Helper()
	s := wootest.New(fakeConfig(cfg))
	ts := httptest.NewServer(wrap(s))
	t.Cleanup(func() { ts.Close(); s.WaitIdle() })
	return s, newClient(t, ts.URL, ts.Client(), mod)
}

func products(prefix string, n int) []platforms.ProductInput {
	out := make([]platforms.ProductInput, n)
	for i := range out {
		out[i] = platformtest.Product(fmt.Sprintf("%s%05d", prefix, i))
	}
	return out
}

// push upserts in batches of 100 and fails on any error.
func push(t testing.TB, c *Client, in []platforms.ProductInput) []platforms.ProductRef {
	t.Helper()
	var refs []platforms.ProductRef
	for start := 0; start < len(in); start += 100 {
		res, err := c.UpsertProducts(context.Background(), in[start:min(start+100, len(in))])
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res {
			if r.Err != nil {
				t.Fatalf("%s: %v", r.Ref.SKU, r.Err)
			}
			refs = append(refs, r.Ref)
		}
	}
	return refs
}

func TestContractHTTPS(t *testing.T) {
	platformtest.Run(t, func(t *testing.T) platforms.Storefront {
		_, c := startTLS(t, wootest.Config{}, nil)
		return c
	})
}

func TestContractOAuth(t *testing.T) {
	platformtest.Run(t, func(t *testing.T) platforms.Storefront {
		_, base := wootest.Start(t, fakeConfig(wootest.Config{}))
		return newClient(t, base, nil, nil)
	})
}

func TestBasicAuthOverHTTPRefusedSoOAuthIsUsed(t *testing.T) {
	// The fake accepts Basic only under is_ssl(); the plain-http client must sign with OAuth.
	s, base := wootest.Start(t, fakeConfig(wootest.Config{}))
	c := newClient(t, base, nil, nil)
	push(t, c, products("OA", 3))
	for _, r := range s.Requests() {
		if r.Status != http.StatusOK && r.Status != http.StatusCreated {
			t.Errorf("%s %s → %d", r.Method, r.Path, r.Status)
		}
		if r.Method == http.MethodPost && !strings.Contains(r.Query, "oauth_signature_method=HMAC-SHA256") {
			t.Errorf("unsigned request %s %s?%s", r.Method, r.Path, r.Query)
		}
	}
}

func TestRequestCounts(t *testing.T) {
	s, c := startTLS(t, wootest.Config{}, nil)
	ctx := context.Background()
	if _, err := c.EnsureCategories(ctx, []platforms.CategoryPath{platformtest.Product("x").CategoryPath}); err != nil {
		t.Fatal(err)
	}
	s.ResetCounters()
	refs := push(t, c, products("N", 1000))
	if got := s.Count("POST", batchPath); got != 10 {
		t.Errorf("1000 products in %d batch requests, want 10", got)
	}
	if n := len(s.Products()); n != 1000 {
		t.Errorf("%d products in the store", n)
	}
	s.ResetCounters()
	// 1 % of 50,000 products changed stock: 500 updates.
	for start := 0; start < 500; start += 100 {
		var up []platforms.StockUpdate
		for _, r := range refs[start : start+100] {
			up = append(up, platforms.StockUpdate{Ref: r, ManageStock: true, Stock: 3, Status: platforms.StatusPublish})
		}
		res, err := c.UpdateStock(ctx, up)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res {
			if r.Err != nil {
				t.Fatal(r.Err)
			}
		}
	}
	if total, got := len(s.Requests()), s.Count("POST", batchPath); got != 5 || total != 5 {
		t.Errorf("500 stock updates: %d batch requests (%d in all), want 5", got, total)
	}
	if p, _ := s.ProductBySKU("N00042"); p.StockQuantity == nil || *p.StockQuantity != 3 {
		t.Errorf("stock not applied: %+v", p.StockQuantity)
	}
	if p, _ := s.ProductBySKU("N00042"); len(p.Categories) != 1 || p.Categories[0].Name != "Notebooks" {
		t.Errorf("category from the EnsureCategories cache: %+v", p.Categories)
	}
}

func TestPerItemErrors(t *testing.T) {
	s, c := startTLS(t, wootest.Config{ImageCheck: func(src string) error {
		if strings.Contains(src, "broken") {
			return errors.New("404 Not Found")
		}
		return nil
	}}, nil)
	in := products("E", 4)
	in[1].Price = "abc"
	in[3].Status = "weird"
	res, err := c.UpsertProducts(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Err != nil || res[0].Ref.ProductID == "" || res[2].Err != nil {
		t.Errorf("good items: %+v, %+v", res[0], res[2])
	}
	if !errors.Is(res[1].Err, platforms.ErrInvalid) {
		t.Errorf("bad price: %v", res[1].Err)
	}
	if !errors.Is(res[3].Err, platforms.ErrInvalid) {
		t.Errorf("bad status: %v", res[3].Err)
	}
	if n := len(s.Products()); n != 2 {
		t.Errorf("%d products, want 2", n)
	}
	// An image WooCommerce cannot download fails its product's write only.
	img, err := c.SetImages(context.Background(), []platforms.ImageSet{
		{Ref: res[0].Ref, Images: []platforms.Image{{URL: "https://img.example/broken.jpg"}}},
		{Ref: res[2].Ref, Images: []platforms.Image{{URL: "https://img.example/fine.jpg"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var apiErr *APIError
	if !errors.As(img[0].Err, &apiErr) || apiErr.Code != "woocommerce_product_image_upload_error" || !errors.Is(img[0].Err, platforms.ErrInvalid) {
		t.Errorf("broken image: %v", img[0].Err)
	}
	if img[1].Err != nil || len(img[1].MediaIDs) != 1 {
		t.Errorf("good image: %+v", img[1])
	}
}

func TestAdoptsProductWithSameSKU(t *testing.T) {
	s, c := startTLS(t, wootest.Config{}, nil)
	// The merchant (or a lost earlier run) created DUP-1 outside this client.
	outside := push(t, c, products("DUP", 2))
	fresh := newClient(t, c.cfg.BaseURL, c.http, nil)
	in := products("DUP", 3)
	in[0].Title = "Adopted"
	s.ResetCounters()
	res, err := fresh.UpsertProducts(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Err != nil {
			t.Fatalf("%s: %v", r.Ref.SKU, r.Err)
		}
		if i < 2 && r.Ref.ProductID != outside[i].ProductID {
			t.Errorf("%s: id %s, want adopted %s", r.Ref.SKU, r.Ref.ProductID, outside[i].ProductID)
		}
	}
	if n := len(s.Products()); n != 3 {
		t.Errorf("%d products, want 3 (no duplicate)", n)
	}
	if p, _ := s.ProductBySKU("DUP00000"); p.Name != "Adopted" {
		t.Errorf("adopted product not updated: %q", p.Name)
	}
	if got := s.Count("POST", batchPath); got != 2 {
		t.Errorf("%d batch requests, want 2 (batch + one follow-up for the adoptions)", got)
	}
}

func TestRecoversLostIDBySKU(t *testing.T) {
	s, c := startTLS(t, wootest.Config{}, nil)
	refs := push(t, c, products("L", 2))
	stale := refs[0]
	stale.ProductID = "987654"
	p := platformtest.Product("L00000")
	p.Ref, p.Title = stale, "Recovered"
	res, err := c.UpsertProducts(context.Background(), []platforms.ProductInput{p})
	if err != nil || res[0].Err != nil {
		t.Fatal(err, res)
	}
	if res[0].Ref.ProductID != refs[0].ProductID {
		t.Errorf("id %s, want %s", res[0].Ref.ProductID, refs[0].ProductID)
	}
	if got, _ := s.ProductBySKU("L00000"); got.Name != "Recovered" {
		t.Errorf("name %q", got.Name)
	}
	pr, err := c.UpdatePrices(context.Background(), []platforms.PriceUpdate{
		{Ref: platforms.ProductRef{SKU: "L00001", ProductID: "5"}, Price: "7.5", Currency: "USD"},
		{Ref: platforms.ProductRef{SKU: "NOPE", ProductID: "6"}, Price: "1.00", Currency: "USD"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if pr[0].Err != nil || pr[0].Ref.ProductID != refs[1].ProductID {
		t.Errorf("price by recovered id: %+v", pr[0])
	}
	if got, _ := s.ProductBySKU("L00001"); got.RegularPrice != "7.50" {
		t.Errorf("price %q, want 7.50", got.RegularPrice)
	}
	if !errors.Is(pr[1].Err, platforms.ErrNotFound) {
		t.Errorf("unknown SKU: %v", pr[1].Err)
	}
}

func TestPriceDecimals(t *testing.T) {
	tests := []struct {
		name     string
		cfg      wootest.Config
		price    string
		currency string
		want     string
		invalid  bool
	}{
		{"USD two decimals", wootest.Config{Currency: "USD"}, "19.9", "USD", "19.90", false},
		{"USD exact", wootest.Config{Currency: "USD"}, "1234.50", "USD", "1234.50", false},
		{"CLP no decimals", wootest.Config{Currency: "CLP", NoDecimals: true}, "12990", "CLP", "12990", false},
		{"CLP with cents refused", wootest.Config{Currency: "CLP", NoDecimals: true}, "12990.50", "CLP", "", true},
		{"three decimals", wootest.Config{Currency: "USD", PriceDecimals: 3}, "10.5", "USD", "10.500", false},
		{"too precise", wootest.Config{Currency: "USD"}, "10.005", "USD", "", true},
		{"wrong currency", wootest.Config{Currency: "USD"}, "10.00", "EUR", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, c := startTLS(t, tc.cfg, nil)
			p := platformtest.Product("P1")
			p.Price, p.Currency = tc.price, tc.currency
			res, err := c.UpsertProducts(context.Background(), []platforms.ProductInput{p})
			if err != nil {
				t.Fatal(err)
			}
			if tc.invalid {
				if !errors.Is(res[0].Err, platforms.ErrInvalid) {
					t.Fatalf("err %v, want ErrInvalid", res[0].Err)
				}
				return
			}
			if res[0].Err != nil {
				t.Fatal(res[0].Err)
			}
			if got, _ := s.ProductBySKU("P1"); got.RegularPrice != tc.want {
				t.Errorf("regular_price %q, want %q", got.RegularPrice, tc.want)
			}
			// Settings are read once per client.
			if _, err := c.UpdatePrices(context.Background(), []platforms.PriceUpdate{{Ref: res[0].Ref, Price: tc.price, Currency: tc.currency}}); err != nil {
				t.Fatal(err)
			}
			if n := s.Count("GET", "/wp-json/wc/v3/settings/general/woocommerce_price_num_decimals"); n != 1 {
				t.Errorf("decimals read %d times", n)
			}
		})
	}
}

// failFirst answers the first n batch requests with status, then lets the fake answer.
func failFirst(n int32, status int, retryAfter string) func(http.Handler) http.Handler {
	var seen atomic.Int32
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == batchPath && seen.Add(1) <= n {
				if retryAfter != "" {
					w.Header().Set("Retry-After", retryAfter)
				}
				w.WriteHeader(status)
				fmt.Fprintf(w, `{"code":"busy","message":"try later","data":{"status":%d}}`, status)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

func TestRetries(t *testing.T) {
	tests := []struct {
		name       string
		wrap       func(http.Handler) http.Handler
		wantSent   int
		wantWaits  int
		wantErr    error
		firstWait  time.Duration
		updateOnly bool
	}{
		{"429 honours Retry-After", failFirst(1, 429, "7"), 2, 1, nil, 7 * time.Second, false},
		{"503 on updates retried", failFirst(2, 503, ""), 3, 2, nil, 0, true},
		{"503 on creates recovered then retried", failFirst(1, 503, ""), 2, 1, nil, 0, false},
		{"429 forever", failFirst(100, 429, "1"), 5, 4, platforms.ErrRateLimited, time.Second, false},
		{"400 not retried", failFirst(1, 400, ""), 1, 0, platforms.ErrInvalid, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sl := &sleeps{}
			var counted atomic.Int32
			var armed atomic.Bool
			armed.Store(true)
			wrap := func(next http.Handler) http.Handler {
				inner := tc.wrap(next)
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if !armed.Load() {
						next.ServeHTTP(w, r)
						return
					}
					if r.URL.Path == batchPath {
						counted.Add(1)
					}
					inner.ServeHTTP(w, r)
				})
			}
			s, c := startWrapped(t, wootest.Config{}, wrap, func(cfg *Config) { cfg.Sleep = sl.sleep })
			in := products("R", 3)
			if tc.updateOnly {
				// Create first, then fail the updates.
				armed.Store(false)
				for i, r := range push(t, c, in) {
					in[i].Ref = r
				}
				armed.Store(true)
				counted.Store(0)
			}
			res, err := c.UpsertProducts(context.Background(), in)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err %v, want %v", err, tc.wantErr)
				}
			} else if err != nil {
				t.Fatal(err)
			} else {
				for _, r := range res {
					if r.Err != nil {
						t.Fatal(r.Err)
					}
				}
			}
			if got := int(counted.Load()); got != tc.wantSent {
				t.Errorf("%d batch requests, want %d", got, tc.wantSent)
			}
			if len(sl.waits) != tc.wantWaits {
				t.Errorf("waits %v, want %d", sl.waits, tc.wantWaits)
			}
			if tc.firstWait != 0 && len(sl.waits) > 0 && sl.waits[0] != tc.firstWait {
				t.Errorf("first wait %v, want %v", sl.waits[0], tc.firstWait)
			}
			if tc.wantErr == nil && len(s.Products()) != 3 {
				t.Errorf("%d products, want 3", len(s.Products()))
			}
		})
	}
}

// TestTimeoutOnCreateBatchNoDuplicates: the store applies the batch but the answer never comes.
func TestTimeoutOnCreateBatchNoDuplicates(t *testing.T) {
	var seen atomic.Int32
	wrap := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == batchPath && seen.Add(1) == 1 {
				rec := httptest.NewRecorder()
				next.ServeHTTP(rec, r) // applied…
				<-r.Context().Done()   // …but the client gives up first
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	s, c := startWrapped(t, wootest.Config{}, wrap, func(cfg *Config) { cfg.Timeout = 300 * time.Millisecond })
	in := products("T", 5)
	// One of them was already in the store: the retry mixes adoption and recovery.
	res, err := c.UpsertProducts(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, r := range res {
		if r.Err != nil || r.Ref.ProductID == "" {
			t.Fatalf("%s: %+v", r.Ref.SKU, r)
		}
		ids[r.Ref.ProductID] = true
	}
	if n := len(s.Products()); n != 5 || len(ids) != 5 {
		t.Errorf("%d products, %d ids, want 5 each (no duplicate)", n, len(ids))
	}
	if got := s.Count("GET", "/wp-json/wc/v3/products"); got != 1 {
		t.Errorf("%d SKU lookups, want 1", got)
	}
}

func TestTimeoutOnPartiallyAppliedCreates(t *testing.T) {
	// The timed-out batch applied nothing: recovery finds no SKU and creates them all, once.
	var seen atomic.Int32
	wrap := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == batchPath && seen.Add(1) == 1 {
				_, _ = io.Copy(io.Discard, r.Body) // the server notices the hang-up only after the body
				<-r.Context().Done()
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	s, c := startWrapped(t, wootest.Config{}, wrap, func(cfg *Config) { cfg.Timeout = 200 * time.Millisecond })
	push(t, c, products("U", 4))
	if n := len(s.Products()); n != 4 {
		t.Errorf("%d products, want 4", n)
	}
}

func TestCategories(t *testing.T) {
	s, c := startTLS(t, wootest.Config{}, nil)
	ctx := context.Background()
	paths := []platforms.CategoryPath{
		{{ID: "cpt", Name: "Computers"}, {ID: "cpt.nb", Name: "Notebooks"}},
		{{ID: "cpt", Name: "Computers"}, {ID: "cpt.dt", Name: "Desktops"}},
		{{ID: "av", Name: "Audio & Video"}, {ID: "av.nb", Name: "Notebooks"}},
	}
	first, err := c.EnsureCategories(ctx, paths)
	if err != nil {
		t.Fatal(err)
	}
	if first["cpt.nb"] == first["av.nb"] {
		t.Error("same name under two parents shares one id")
	}
	n := len(s.Categories())
	s.ResetCounters()
	// A new client (restart) finds them by name and parent.
	fresh := newClient(t, c.cfg.BaseURL, c.http, nil)
	again, err := fresh.EnsureCategories(ctx, paths)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range first {
		if again[k] != v {
			t.Errorf("%s: %s then %s", k, v, again[k])
		}
	}
	if len(s.Categories()) != n {
		t.Errorf("categories %d → %d: duplicates", n, len(s.Categories()))
	}
	if got := s.Count("POST", "/wp-json/wc/v3/products/categories"); got != 0 {
		t.Errorf("%d creates on the second client", got)
	}
	// Same client again: no I/O at all.
	s.ResetCounters()
	if _, err := fresh.EnsureCategories(ctx, paths); err != nil {
		t.Fatal(err)
	}
	if len(s.Requests()) != 0 {
		t.Errorf("cached EnsureCategories made %d requests", len(s.Requests()))
	}
}

func TestPagination(t *testing.T) {
	s, c := startTLS(t, wootest.Config{}, nil)
	push(t, c, products("G", 250))
	s.ResetCounters()
	all, err := getPages[wireItem](context.Background(), c, "/products", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 250 || s.Count("GET", "/wp-json/wc/v3/products") != 3 {
		t.Errorf("%d items in %d pages", len(all), s.Count("GET", "/wp-json/wc/v3/products"))
	}
}

func TestNewValidates(t *testing.T) {
	_, err := New(Config{BaseURL: "ftp://x", BatchSize: 50, ImageBatchSize: 51})
	if !errors.Is(err, platforms.ErrInvalid) {
		t.Fatal(err)
	}
	for _, want := range []string{"BaseURL", "ConsumerKey", "ConsumerSecret", "ImageBatchSize"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not mention %s", err, want)
		}
	}
	c, err := New(Config{BaseURL: "https://s.example/shop/", ConsumerKey: "k", ConsumerSecret: "s", BatchSize: 20})
	if err != nil {
		t.Fatal(err)
	}
	if c.Capabilities() != (platforms.Capabilities{BatchSize: 20, ImageBatchSize: DefaultImageBatchSize}) || c.base.String() != "https://s.example/shop/wp-json/wc/v3" {
		t.Errorf("%+v %s", c.Capabilities(), c.base)
	}
}

// A cancel during a Retry-After wait ends the wait at once and the call with it: no retry follows.
// The wait is the real one (sleepContext); the test cancels once the client is in it.
func TestCanceledWaitStopsRetries(t *testing.T) {
	var sent atomic.Int32
	count := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == batchPath {
				sent.Add(1)
			}
			next.ServeHTTP(w, r)
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type wait struct {
		asked time.Duration
		err   error
	}
	waits := make(chan wait, 10)
	_, c := startWrapped(t, wootest.Config{}, func(h http.Handler) http.Handler { return count(failFirst(100, 429, "60")(h)) },
		func(cfg *Config) {
			cfg.Sleep = func(ctx context.Context, d time.Duration) error {
				cancel() // the client is waiting now
				err := sleepContext(ctx, d)
				waits <- wait{d, err}
				return err
			}
		})
	_, err := c.UpsertProducts(ctx, products("Z", 1))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	close(waits)
	var got []wait
	for w := range waits {
		got = append(got, w)
	}
	if len(got) != 1 || got[0].asked != time.Minute || !errors.Is(got[0].err, context.Canceled) {
		t.Errorf("waits %+v, want one Retry-After wait of 1m0s ended by the cancel", got)
	}
	if n := sent.Load(); n != 1 {
		t.Errorf("%d batch requests, want 1 (no retry after the cancel)", n)
	}
}
