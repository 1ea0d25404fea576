package shopify_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/platformtest"
	"github.com/intcomex-connector/connector/platforms/shopify"
	"github.com/intcomex-connector/connector/platforms/shopify/shopifytest"
)

const testToken = "shpat_test_0123456789abcdef"

// vclock is a virtual clock shared by the fake's bucket and the client's
// pacing: Sleep advances it at once, so throttling tests take no real time.
// As real time would, a Sleep lets the fake's background work (bulk runs,
// webhook deliveries) finish first: settle waits for it.
type vclock struct {
	mu     sync.Mutex
	t      time.Time
	slept  time.Duration
	settle func()
}

func newClock() *vclock { return &vclock{t: time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)} }

func (c *vclock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *vclock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.slept += d
	c.mu.Unlock()
	if c.settle != nil {
		c.settle()
	}
	return ctx.Err()
}

func (c *vclock) Slept() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.slept
}

type env struct {
	fake  *shopifytest.Server
	clock *vclock
}

// roundTripFunc adapts a function to http.RoundTripper.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// newEnv starts a fake on a virtual clock.
func newEnv(t testing.TB, fc shopifytest.Config) *env {
	t.Helper()
	clock := newClock()
	fc.AccessToken = testToken
	fc.Clock = clock.Now
	fake := shopifytest.New(fc)
	t.Cleanup(fake.Close)
	clock.settle = fake.Wait
	return &env{fake: fake, clock: clock}
}

// client builds an adapter for the fake; wrap, if set, wraps the fake's
// transport.
func (e *env) client(t testing.TB, cfg shopify.Config, wrap func(http.RoundTripper) http.RoundTripper) *shopify.Client {
	t.Helper()
	var rt http.RoundTripper = e.fake.Client().Transport
	if wrap != nil {
		rt = wrap(rt)
	}
	cfg.Shop = e.fake.Config().Shop
	if cfg.AccessToken == "" {
		cfg.AccessToken = testToken
	}
	cfg.BaseURL = e.fake.URL()
	cfg.HTTPClient = &http.Client{Transport: rt}
	cfg.Now, cfg.Sleep = e.clock.Now, e.clock.Sleep
	if cfg.PollInterval == 0 {
		cfg.PollInterval = 100 * time.Millisecond
	}
	c, err := shopify.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func products(prefix string, n int) []platforms.ProductInput {
	out := make([]platforms.ProductInput, n)
	for i := range out {
		out[i] = platformtest.Product(fmt.Sprintf("%s%05d", prefix, i))
	}
	return out
}

func mustOK(t testing.TB, what string, res []platforms.ItemResult, err error, n int) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if len(res) != n {
		t.Fatalf("%s: %d results for %d items", what, len(res), n)
	}
	for _, r := range res {
		if r.Err != nil {
			t.Fatalf("%s: %s: %v", what, r.Ref.SKU, r.Err)
		}
	}
}

func TestContract(t *testing.T) {
	for _, bulk := range []int{-1, 100} {
		t.Run(fmt.Sprintf("BulkThreshold=%d", bulk), func(t *testing.T) {
			platformtest.Run(t, func(t *testing.T) platforms.Storefront {
				e := newEnv(t, shopifytest.Config{})
				return e.client(t, shopify.Config{BulkThreshold: bulk}, nil)
			})
		})
	}
}

func TestNewValidates(t *testing.T) {
	_, err := shopify.New(shopify.Config{Shop: "evil.example.com"})
	if err == nil || !strings.Contains(err.Error(), "myshopify.com") || !strings.Contains(err.Error(), "access token") {
		t.Fatalf("New: %v, want both problems listed", err)
	}
}

func TestRequestShape(t *testing.T) {
	e := newEnv(t, shopifytest.Config{})
	var seen atomic.Int32
	c := e.client(t, shopify.Config{}, func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if strings.HasSuffix(r.URL.Path, "/graphql.json") {
				seen.Add(1)
				if r.Method != http.MethodPost || r.URL.Path != "/admin/api/"+shopify.APIVersion+"/graphql.json" {
					t.Errorf("request %s %s", r.Method, r.URL.Path)
				}
				if r.Header.Get("X-Shopify-Access-Token") != testToken || r.Header.Get("Content-Type") != "application/json" {
					t.Errorf("headers %v", r.Header)
				}
				if r.URL.RawQuery != "" {
					t.Errorf("query string %q", r.URL.RawQuery)
				}
			}
			return next.RoundTrip(r)
		})
	})
	res, err := c.UpsertProducts(context.Background(), products("S", 2))
	mustOK(t, "upsert", res, err, 2)
	if seen.Load() == 0 {
		t.Fatal("no GraphQL request seen")
	}
}

// The paced path never gets a THROTTLED answer: 300 productSet calls of 10
// points need 3000 points from a 2000-point bucket restoring 100/s.
func TestPacingAvoidsThrottle(t *testing.T) {
	e := newEnv(t, shopifytest.Config{RestoreRate: 100, BucketSize: 2000})
	c := e.client(t, shopify.Config{BulkThreshold: -1}, nil)
	ctx := context.Background()
	all := products("P", 300)
	for start := 0; start < len(all); start += 100 {
		res, err := c.UpsertProducts(ctx, all[start:start+100])
		mustOK(t, "upsert", res, err, 100)
	}
	calls := e.fake.Calls()
	if calls.Throttled != 0 {
		t.Fatalf("%d THROTTLED answers on the paced path", calls.Throttled)
	}
	if got := calls.ByOperation[shopify.OpProductSet]; got != 300 {
		t.Fatalf("%d productSet calls, want 300", got)
	}
	if s := e.clock.Slept(); s < 9*time.Second || s > 13*time.Second {
		t.Errorf("slept %v, want about 10 s (1000+ points at 100/s)", s)
	}
}

// A THROTTLED answer (another client spent the bucket) is waited out and
// the call retried.
func TestThrottledIsWaitedOut(t *testing.T) {
	e := newEnv(t, shopifytest.Config{RestoreRate: 10, BucketSize: 30})
	a := e.client(t, shopify.Config{BulkThreshold: -1}, nil)
	b := e.client(t, shopify.Config{BulkThreshold: -1}, nil)
	ctx := context.Background()
	for i := range 6 {
		sf := a
		if i%2 == 1 {
			sf = b
		}
		res, err := sf.UpsertProducts(ctx, products(fmt.Sprintf("T%d-", i), 2))
		mustOK(t, "upsert", res, err, 2)
	}
	if e.fake.Calls().Throttled == 0 {
		t.Fatal("the test never drove the fake into THROTTLED")
	}
	if len(e.fake.Products()) != 12 {
		t.Fatalf("%d products, want 12", len(e.fake.Products()))
	}
}

// A request costing more than the whole bucket fails at once instead of
// waiting forever.
func TestThrottleCostAboveBucket(t *testing.T) {
	e := newEnv(t, shopifytest.Config{RestoreRate: 1, BucketSize: 5})
	c := e.client(t, shopify.Config{}, nil)
	_, err := c.UpsertProducts(context.Background(), products("X", 1))
	if !errors.Is(err, platforms.ErrRateLimited) {
		t.Fatalf("err %v, want ErrRateLimited", err)
	}
}

func TestRetries(t *testing.T) {
	e := newEnv(t, shopifytest.Config{})
	var fails atomic.Int32
	fails.Store(2)
	c := e.client(t, shopify.Config{BulkThreshold: -1}, func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if fails.Add(-1) >= 0 {
				if fails.Load() == 1 {
					return &http.Response{StatusCode: http.StatusBadGateway, Header: http.Header{}, Body: http.NoBody, Request: r}, nil
				}
				return nil, errors.New("connection reset by peer")
			}
			return next.RoundTrip(r)
		})
	})
	res, err := c.UpsertProducts(context.Background(), products("R", 1))
	mustOK(t, "upsert after 502 and reset", res, err, 1)

	// 429 with Retry-After is honoured.
	var once atomic.Bool
	c429 := e.client(t, shopify.Config{BulkThreshold: -1}, func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if once.CompareAndSwap(false, true) {
				return &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"3"}}, Body: http.NoBody, Request: r}, nil
			}
			return next.RoundTrip(r)
		})
	})
	before := e.clock.Slept()
	res, err = c429.UpsertProducts(context.Background(), products("R429-", 1))
	mustOK(t, "upsert after 429", res, err, 1)
	if d := e.clock.Slept() - before; d < 3*time.Second {
		t.Errorf("waited %v after Retry-After: 3", d)
	}

	// A persistent 5xx ends as ErrUnavailable; the context bounds the waits.
	down := e.client(t, shopify.Config{MaxRetries: 2}, func(http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: http.StatusServiceUnavailable, Header: http.Header{}, Body: http.NoBody, Request: r}, nil
		})
	})
	if _, err := down.UpsertProducts(context.Background(), products("D", 1)); !errors.Is(err, shopify.ErrUnavailable) {
		t.Fatalf("err %v, want ErrUnavailable", err)
	}
}

func TestCanceledWaitReturns(t *testing.T) {
	e := newEnv(t, shopifytest.Config{})
	ctx, cancel := context.WithCancel(context.Background())
	c := e.client(t, shopify.Config{}, func(http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			cancel()
			return nil, errors.New("network down")
		})
	})
	if _, err := c.UpsertProducts(ctx, products("C", 1)); !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
}
