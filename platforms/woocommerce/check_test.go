package woocommerce_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/woocommerce"
	"github.com/intcomex-connector/connector/platforms/woocommerce/wootest"
)

const checkKey, checkSecret = "ck_check_key", "cs_check_secret_value"

func checkClient(t *testing.T, base string, hc *http.Client, key, secret string) *woocommerce.Client {
	t.Helper()
	c, err := woocommerce.New(woocommerce.Config{BaseURL: base, ConsumerKey: key, ConsumerSecret: secret, HTTPClient: hc,
		Retry: woocommerce.RetryPolicy{MaxAttempts: 1}, Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// checkFails runs Check and wants a *platforms.CheckError of the problem whose message holds every
// one of want and never the secret.
func checkFails(t *testing.T, c *woocommerce.Client, problem platforms.CheckProblem, want ...string) *platforms.CheckError {
	t.Helper()
	info, err := c.Check(context.Background())
	var ce *platforms.CheckError
	if !errors.As(err, &ce) {
		t.Fatalf("Check = %+v, %v; want a *CheckError", info, err)
	}
	if ce.Problem != problem {
		t.Errorf("problem %s, want %s: %v", ce.Problem, problem, ce)
	}
	for _, w := range want {
		if !strings.Contains(ce.Message, w) {
			t.Errorf("message %q lacks %q", ce.Message, w)
		}
	}
	if strings.Contains(err.Error(), checkSecret) || strings.Contains(err.Error(), "oauth_signature") {
		t.Errorf("error shows a secret: %v", err)
	}
	return ce
}

func TestCheckReadsTheStore(t *testing.T) {
	for _, tls := range []bool{false, true} {
		cfg := wootest.Config{ConsumerKey: checkKey, ConsumerSecret: checkSecret, Currency: "CLP", NoDecimals: true, SiteName: "Tienda Uno"}
		var fake *wootest.Server
		var c *woocommerce.Client
		if tls {
			var base string
			var hc *http.Client
			fake, base, hc = wootest.StartTLS(t, cfg)
			c = checkClient(t, base, hc, checkKey, checkSecret)
		} else {
			var base string
			fake, base = wootest.Start(t, cfg)
			c = checkClient(t, base, nil, checkKey, checkSecret)
		}
		info, err := c.Check(context.Background())
		if err != nil {
			t.Fatalf("tls=%v: %v", tls, err)
		}
		if info != (platforms.StoreInfo{Name: "Tienda Uno", Currency: "CLP", PriceDecimals: 0}) {
			t.Errorf("tls=%v: info %+v", tls, info)
		}
		// The write probe changed nothing.
		if n := len(fake.Products()); n != 0 {
			t.Errorf("the check left %d products", n)
		}
		if fake.Count(http.MethodPost, "/wp-json/wc/v3/products/batch") != 1 || fake.Count(http.MethodGet, "/wp-json/wc/v3/settings/general") != 1 {
			t.Errorf("requests %v", fake.Counters())
		}
	}
}

func TestCheckRefusals(t *testing.T) {
	t.Run("read-only key", func(t *testing.T) {
		fake, base := wootest.Start(t, wootest.Config{ConsumerKey: checkKey, ConsumerSecret: checkSecret})
		fake.AddKey("ck_read_only", checkSecret, "read")
		checkFails(t, checkClient(t, base, nil, "ck_read_only", checkSecret), platforms.CheckReadOnly,
			"woocommerce_rest_authentication_error", "The API key provided does not have write permissions.", "Read/Write")
	})
	t.Run("write-only key", func(t *testing.T) {
		fake, base := wootest.Start(t, wootest.Config{ConsumerKey: checkKey, ConsumerSecret: checkSecret})
		fake.AddKey("ck_write_only", checkSecret, "write")
		checkFails(t, checkClient(t, base, nil, "ck_write_only", checkSecret), platforms.CheckCredentials, "does not have read permissions")
	})
	t.Run("wrong secret over https", func(t *testing.T) { // fixture 19
		_, base, hc := wootest.StartTLS(t, wootest.Config{ConsumerKey: checkKey, ConsumerSecret: "cs_another"})
		checkFails(t, checkClient(t, base, hc, checkKey, checkSecret), platforms.CheckCredentials,
			`401 woocommerce_rest_authentication_error: "Consumer secret is invalid."`)
	})
	t.Run("unknown key over https", func(t *testing.T) { // fixture 20
		_, base, hc := wootest.StartTLS(t, wootest.Config{ConsumerKey: "ck_other", ConsumerSecret: checkSecret})
		checkFails(t, checkClient(t, base, hc, checkKey, checkSecret), platforms.CheckCredentials,
			"does not know this consumer key", "woocommerce_rest_cannot_view")
	})
	t.Run("wrong secret over http", func(t *testing.T) { // OAuth 1.0a
		_, base := wootest.Start(t, wootest.Config{ConsumerKey: checkKey, ConsumerSecret: "cs_another"})
		checkFails(t, checkClient(t, base, nil, checkKey, checkSecret), platforms.CheckCredentials, "signature does not match")
	})
	t.Run("WordPress without WooCommerce", func(t *testing.T) {
		_, base := wootest.Start(t, wootest.Config{ConsumerKey: checkKey, ConsumerSecret: checkSecret, WithoutWooCommerce: true})
		checkFails(t, checkClient(t, base, nil, checkKey, checkSecret), platforms.CheckNotStore, "wc/v3", "WooCommerce installed and active")
	})
	t.Run("WordPress hiding its index, without WooCommerce", func(t *testing.T) {
		fake := wootest.New(wootest.Config{ConsumerKey: checkKey, ConsumerSecret: checkSecret, WithoutWooCommerce: true})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.TrimSuffix(r.URL.Path, "/") == "/wp-json" {
				http.Error(w, `{"code":"rest_cannot_access","message":"Only authenticated users can access the REST API.","data":{"status":401}}`, http.StatusUnauthorized)
				return
			}
			fake.ServeHTTP(w, r)
		}))
		t.Cleanup(srv.Close)
		checkFails(t, checkClient(t, srv.URL, nil, checkKey, checkSecret), platforms.CheckNotStore, "rest_no_route", "is WooCommerce active")
	})
	t.Run("not WordPress", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte("<html><body>Not found</body></html>"))
		}))
		t.Cleanup(srv.Close)
		checkFails(t, checkClient(t, srv.URL, nil, checkKey, checkSecret), platforms.CheckNotStore, "no WordPress REST API", "permalinks")
	})
	t.Run("a site answering every path with a page", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<!doctype html><title>Shop</title>"))
		}))
		t.Cleanup(srv.Close)
		checkFails(t, checkClient(t, srv.URL, nil, checkKey, checkSecret), platforms.CheckNotStore, "not with WooCommerce's REST API")
	})
	t.Run("unreachable", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		checkFails(t, checkClient(t, "http://"+addr, nil, checkKey, checkSecret), platforms.CheckUnreachable, "nothing answers at http://"+addr)
	})
	t.Run("server error", func(t *testing.T) {
		fake, base := wootest.Start(t, wootest.Config{ConsumerKey: checkKey, ConsumerSecret: checkSecret})
		fake.InjectFault(wootest.Fault{Path: "/wp-json/wc/v3/settings", Status: http.StatusServiceUnavailable})
		checkFails(t, checkClient(t, base, nil, checkKey, checkSecret), platforms.CheckUnreachable, "503")
	})
	t.Run("refused at another address", func(t *testing.T) {
		_, base := wootest.Start(t, wootest.Config{ConsumerKey: checkKey, ConsumerSecret: "cs_another", SiteURL: "https://shop.example"})
		ce := checkFails(t, checkClient(t, base, nil, checkKey, checkSecret), platforms.CheckAddress, "https://shop.example")
		if ce.Suggest != "https://shop.example" {
			t.Errorf("suggest %q", ce.Suggest)
		}
	})
}

func TestCheckCancelled(t *testing.T) {
	_, base := wootest.Start(t, wootest.Config{ConsumerKey: checkKey, ConsumerSecret: checkSecret})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := checkClient(t, base, nil, checkKey, checkSecret).Check(ctx)
	var ce *platforms.CheckError
	if !errors.Is(err, context.Canceled) || errors.As(err, &ce) {
		t.Errorf("cancelled check: %v", err)
	}
}
