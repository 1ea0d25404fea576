package audit_test

// The audit transport around each real adapter, against its fake: no credential reaches the API
// call log or an error string. These tests live here, in the core, because adapters must not
// import the core (DESIGN.md, internal/archtest), not even in their tests.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/audit"
	"github.com/intcomex-connector/connector/connector/audit/audittest"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/internal/correlation"
	"github.com/intcomex-connector/connector/iws"
	"github.com/intcomex-connector/connector/iws/sandbox"
	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/platformtest"
	"github.com/intcomex-connector/connector/platforms/shopify"
	"github.com/intcomex-connector/connector/platforms/shopify/shopifytest"
	"github.com/intcomex-connector/connector/platforms/woocommerce"
	"github.com/intcomex-connector/connector/platforms/woocommerce/wootest"
)

func productInputs(prefix string, n int) []platforms.ProductInput {
	out := make([]platforms.ProductInput, n)
	for i := range out {
		out[i] = platformtest.Product(fmt.Sprintf("%s%05d", prefix, i))
	}
	return out
}

func upsertAll(t *testing.T, s platforms.Storefront, in []platforms.ProductInput) []platforms.ProductRef {
	t.Helper()
	res, err := s.UpsertProducts(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	refs := make([]platforms.ProductRef, 0, len(res))
	for _, r := range res {
		if r.Err != nil {
			t.Fatalf("%s: %v", r.Ref.SKU, r.Err)
		}
		refs = append(refs, r.Ref)
	}
	return refs
}

func TestWooCommerceSecretsNeverRecorded(t *testing.T) {
	const key, secret, wrong = "ck_live_key", "cs_very_secret_value", "cs_wrong_secret_zzz"
	for _, tls := range []bool{true, false} {
		t.Run(fmt.Sprintf("https=%v", tls), func(t *testing.T) {
			cfg := wootest.Config{Currency: "USD", ImageCheck: wootest.AllowImages, ConsumerKey: key, ConsumerSecret: secret}
			var base string
			next := http.DefaultTransport
			if tls {
				var hc *http.Client
				_, base, hc = wootest.StartTLS(t, cfg)
				next = hc.Transport
			} else {
				_, base = wootest.Start(t, cfg)
			}
			rec := &audittest.Recorder{}
			audited := &http.Client{Transport: audit.NewTransport(next, rec, audit.SystemWooCommerce, audit.Options{})}
			newClient := func(consumerSecret string) *woocommerce.Client {
				c, err := woocommerce.New(woocommerce.Config{BaseURL: base, ConsumerKey: key, ConsumerSecret: consumerSecret, HTTPClient: audited})
				if err != nil {
					t.Fatal(err)
				}
				return c
			}
			c := newClient(secret)
			ctx := context.Background()
			if _, err := c.EnsureCategories(ctx, []platforms.CategoryPath{platformtest.Product("x").CategoryPath}); err != nil {
				t.Fatal(err)
			}
			upsertAll(t, c, productInputs("S", 3))
			_, err := newClient(wrong).UpsertProducts(ctx, productInputs("S", 1))
			if err == nil {
				t.Fatal("wrong secret accepted")
			}
			for _, sec := range []string{secret, wrong} {
				if strings.Contains(err.Error(), sec) {
					t.Errorf("secret in error %q", err)
				}
			}
			var apiErr *woocommerce.APIError
			if !errors.As(err, &apiErr) || apiErr.Status != http.StatusUnauthorized {
				t.Errorf("err %v, want a 401 *APIError", err)
			}
			calls := rec.Calls()
			if len(calls) < 3 {
				t.Fatalf("%d calls recorded", len(calls))
			}
			audittest.AssertNoSecrets(t, calls, secret, wrong)
		})
	}
}

// The Shopify access token never reaches the audit log, nor an error string.
func TestShopifyTokenNeverRecorded(t *testing.T) {
	const token, wrong = "shpat_test_0123456789abcdef", "shpat_wrong_token_987654"
	fake := shopifytest.New(shopifytest.Config{AccessToken: token})
	t.Cleanup(fake.Close)
	rec := &audittest.Recorder{}
	newClient := func(accessToken string) *shopify.Client {
		// No SecretValues: the token must only ever be in the (name-redacted) header, not be
		// scrubbed by the safety net.
		hc := &http.Client{Transport: audit.NewTransport(fake.Client().Transport, rec, audit.SystemShopify, audit.Options{})}
		c, err := shopify.New(shopify.Config{Shop: fake.Config().Shop, AccessToken: accessToken, BaseURL: fake.URL(), HTTPClient: hc,
			BulkThreshold: 3, PollInterval: 10 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	c := newClient(token)
	ctx := context.Background()
	refs := upsertAll(t, c, productInputs("K", 5)) // bulk: upload and download too
	stock := make([]platforms.StockUpdate, len(refs))
	for i, r := range refs {
		stock[i] = platforms.StockUpdate{Ref: r, ManageStock: true, Stock: 1}
	}
	if _, err := c.UpdateStock(ctx, stock); err != nil {
		t.Fatal(err)
	}
	if calls := rec.Calls(); len(calls) < 5 {
		t.Fatalf("%d audit rows", len(calls))
	}
	audittest.AssertNoSecrets(t, rec.Calls(), token)

	_, err := newClient(wrong).UpsertProducts(ctx, productInputs("W", 1))
	if !errors.Is(err, shopify.ErrUnauthorized) {
		t.Fatalf("err %v, want ErrUnauthorized", err)
	}
	if strings.Contains(err.Error(), wrong) {
		t.Fatalf("token in error: %v", err)
	}
	var apiErr *shopify.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != http.StatusUnauthorized {
		t.Fatalf("err %#v, want *APIError 401", err)
	}
	audittest.AssertNoSecrets(t, rec.Calls(), token, wrong)
}

// simClock is the one timeline the sandbox and the IWS client share, so the client's throttle
// waits cost nothing and still satisfy the sandbox.
type simClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *simClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *simClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
	return ctx.Err()
}

// tokenSpy sits under the audit transport and remembers every Authorization header sent, so the
// test knows exactly which tokens and signatures must not be in the log.
type tokenSpy struct {
	next   http.RoundTripper
	mu     sync.Mutex
	tokens []string
}

func (s *tokenSpy) RoundTrip(r *http.Request) (*http.Response, error) {
	s.mu.Lock()
	s.tokens = append(s.tokens, strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	s.mu.Unlock()
	return s.next.RoundTrip(r)
}

// secrets returns each token and the signature it carries.
func (s *tokenSpy) secrets(t *testing.T) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, tok := range s.tokens {
		_, sig, ok := strings.Cut(tok, "&signature=")
		if !ok || len(sig) != 64 {
			t.Fatalf("token without a signature: %q", tok)
		}
		out = append(out, tok, sig)
	}
	return out
}

func TestIWSSecretsNeverReachAPICalls(t *testing.T) {
	const apiKey, accessKey = "7f3c2a10-0000-4000-8000-00000000c0de", "5b1e9d44-aaaa-4bbb-8ccc-0000000a11e5"
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		clock := &simClock{t: time.Date(2026, 3, 10, 14, 0, 0, 0, time.UTC)}
		sb, err := sandbox.New(sandbox.Config{APIKey: apiKey, AccessKey: accessKey, Clock: clock.Now, SKUs: 300, Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(sb)
		t.Cleanup(func() {
			srv.Close()
			if err := sb.Close(); err != nil {
				t.Errorf("sandbox Close: %v", err)
			}
		})
		ctx := t.Context()
		spy := &tokenSpy{next: srv.Client().Transport}
		// No Options.SecretValues: the access key must stay out of the log because it never
		// leaves the process, not because the audit log scrubs it.
		audited := &http.Client{Transport: audit.NewTransport(spy, st, audit.SystemIWS, audit.Options{})}
		newClient := func(key string, now func() time.Time) *iws.Client {
			c, err := iws.New(iws.Config{BaseURL: srv.URL + "/v1/", APIKey: apiKey, AccessKey: key, Now: now, Sleep: clock.Sleep, HTTPClient: audited})
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		const wrongKey = "forged-5b1e9d44-aaaa-4bbb-8ccc-0000000a11e5"
		c := newClient(accessKey, clock.Now)
		forged := newClient(wrongKey, clock.Now)
		late := newClient(accessKey, func() time.Time { return clock.Now().Add(-10 * time.Minute) })
		var sku string
		for _, s := range sb.SKUs() {
			p, err := sb.Product(s)
			if err != nil {
				t.Fatal(err)
			}
			if p.Type == iws.TypePhysical && p.Price != nil && p.Price.UnitPrice.IsPositive() {
				sku = s
				break
			}
		}
		if sku == "" {
			t.Fatal("no sellable product in the sandbox")
		}

		if err := c.Authenticate(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := c.GetCatalog(correlation.WithMethod(ctx, "getcatalog"), &iws.CatalogParams{Limit: 100}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.GetProducts(ctx, &iws.ProductsParams{Skus: sb.SKUs()[:120], IncludePriceData: true}); err != nil {
			t.Fatal(err)
		}
		o, err := c.PlaceOrder(ctx, &iws.PlaceOrderParams{CustomerOrderNumber: "IT-S1", Items: []iws.RequestOrderItem{{Sku: sku, Quantity: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.CancelOrder(ctx, string(o.OrderNumber)); err != nil {
			t.Fatal(err)
		}
		// Failures: IWS errors, an echoed forged signature, an expired token, a dropped connection.
		if _, err := c.GetProduct(ctx, &iws.ProductParams{Sku: "NOSUCH001"}); !iws.IsNotFound(err) {
			t.Fatalf("unknown SKU: %v", err)
		}
		if err := forged.Authenticate(ctx); !iws.IsAuth(err) {
			t.Fatalf("forged: %v", err)
		}
		if _, err := late.GetCurrency(ctx, "cl"); !iws.IsAuth(err) {
			t.Fatalf("late clock: %v", err)
		}
		if err := sb.SetFaults(sandbox.Faults{Next: map[string][]sandbox.Fault{"placeorder": {{Kind: sandbox.FaultDropAfterCommit}}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.PlaceOrder(ctx, &iws.PlaceOrderParams{CustomerOrderNumber: "IT-S2", Items: []iws.RequestOrderItem{{Sku: sku, Quantity: 1}}}); !iws.IsAmbiguous(err) {
			t.Fatalf("dropped PlaceOrder: %v", err)
		}

		calls, err := st.ListAPICalls(ctx, store.APICallFilter{System: audit.SystemIWS, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		secrets := append([]string{accessKey, wrongKey}, spy.secrets(t)...)
		if len(calls) != len(spy.tokens) || len(calls) < 12 {
			t.Fatalf("%d api_calls rows for %d requests", len(calls), len(spy.tokens))
		}
		audittest.AssertNoSecrets(t, calls, secrets...)

		var sawForged, sawDrop bool
		for _, call := range calls {
			if call.StatusCode == http.StatusUnauthorized && strings.Contains(call.ResponseBody, `"ErrorCode":10`) {
				sawForged = true
				if !strings.Contains(call.ResponseBody, audit.Redacted) {
					t.Errorf("the echoed signature was not redacted: %s", call.ResponseBody)
				}
			}
			if call.Method == "placeorder" && call.StatusCode == 0 && call.Error != "" {
				sawDrop = true
			}
			if !strings.Contains(call.RequestHeaders, audit.Redacted) || !strings.Contains(call.URL, "/v1/") {
				t.Errorf("row %d: headers %q, URL %q", call.ID, call.RequestHeaders, call.URL)
			}
		}
		if !sawForged || !sawDrop {
			t.Errorf("rows for the forged signature (%v) and the dropped connection (%v) missing", sawForged, sawDrop)
		}
	})
}
