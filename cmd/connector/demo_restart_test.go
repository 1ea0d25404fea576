package main

import (
	"context"
	"fmt"
	"maps"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/store"
)

// runDemoUntilReady runs `connector demo` with args until the returned stop is called, and
// returns the running demo as its Ready hook saw it.
func runDemoUntilReady(t *testing.T, env map[string]string, dataDir string, args ...string) (demoRunning, func() cmdResult) {
	t.Helper()
	ready := make(chan demoRunning, 1)
	demo := startCmd(withDemoHooks(context.Background(), demoHooks{Ready: func(r demoRunning) { ready <- r }}), env,
		append([]string{"demo", "--addr", "127.0.0.1:0", "--data", dataDir, "--skus", "200", "--sample-orders=false"}, args...)...)
	t.Cleanup(func() { demo.stop() })
	select {
	case r := <-ready:
		return r, demo.stop
	case <-demo.done:
		t.Fatalf("demo stopped before it was ready: %v\n%s", demo.res.err, demo.res.stderr)
		return demoRunning{}, nil
	}
}

// storefrontWrites counts the requests that change a fake: WooCommerce requests other than
// GET, HEAD and OPTIONS, and Shopify mutations.
func storefrontWrites(r demoRunning) map[string]int {
	out := map[string]int{}
	for k, n := range r.woo.Counters() {
		if m, _, _ := strings.Cut(k, " "); m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions {
			out["woocommerce "+k] += n
		}
	}
	if n := r.shopify.Calls().Mutations; n > 0 {
		out["shopify mutations"] = n
	}
	return out
}

// listingsPushedAt returns when each listing of each shop was last pushed.
func listingsPushedAt(t *testing.T, dbURL string, shopIDs ...int64) map[string]time.Time {
	t.Helper()
	st, err := store.Open(context.Background(), dbURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	out := map[string]time.Time{}
	for _, id := range shopIDs {
		page, err := st.ListingsPage(context.Background(), id, 0, 100000)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range page {
			out[fmt.Sprint(l.ShopID, " ", l.SKU)] = l.PushedAt
		}
	}
	return out
}

// A restarted demo keeps its shops (ids, credentials, webhook URLs) and, with nothing changed in
// IWS, writes nothing to them and updates no product.
func TestDemoRestartKeepsItsShops(t *testing.T) {
	t.Parallel()
	dataDir := filepath.Join(t.TempDir(), "demo")
	first, stop := runDemoUntilReady(t, nil, dataDir)
	if writes := storefrontWrites(first); len(writes) == 0 || first.info.Startup.ListingsChanged == 0 {
		t.Fatalf("the first start pushed nothing: %v, %+v", writes, first.info.Startup)
	}
	if r := stop(); r.err != nil {
		t.Fatalf("demo: %v", r.err)
	}
	ids := []int64{first.info.Shops[0].ID, first.info.Shops[1].ID}
	pushed := listingsPushedAt(t, first.info.Database, ids...)

	again, stop := runDemoUntilReady(t, nil, dataDir)
	// The start-up is over (ready): whatever it wrote has been counted.
	if writes := storefrontWrites(again); len(writes) != 0 {
		t.Errorf("the restart wrote to the storefronts: %v", writes)
	}
	if again.info.Startup != (demoStartup{}) {
		t.Errorf("the restart changed %+v, want nothing", again.info.Startup)
	}
	if again.info.AdminUser != first.info.AdminUser || again.info.AdminPassword != first.info.AdminPassword || first.info.AdminPassword == "" {
		t.Errorf("restart: admin %q/%q, was %q/%q", again.info.AdminUser, again.info.AdminPassword, first.info.AdminUser, first.info.AdminPassword)
	}
	if again.info.AdminURL != first.info.AdminURL || again.info.IWS != first.info.IWS {
		t.Errorf("restart: connector %s, IWS %+v; was %s, %+v", again.info.AdminURL, again.info.IWS, first.info.AdminURL, first.info.IWS)
	}
	if len(again.info.Shops) != 2 {
		t.Fatalf("restart: shops %+v", again.info.Shops)
	}
	for i, s := range again.info.Shops {
		was := first.info.Shops[i]
		if s.ID != was.ID || s.BaseURL != was.BaseURL || s.WebhookURL != was.WebhookURL || s.WebhookSecret != was.WebhookSecret ||
			!maps.Equal(s.Credentials, was.Credentials) || s.ListingsPublished != was.ListingsPublished {
			t.Errorf("restart: shop %+v, was %+v", s, was)
		}
		for _, w := range s.Webhooks {
			if w.Changed != "" || w.URL != s.WebhookURL || !w.Active {
				t.Errorf("restart: %s subscription %+v, want the one of the first run, untouched", s.Platform, w)
			}
		}
	}
	if r := stop(); r.err != nil {
		t.Fatalf("demo: %v", r.err)
	}
	after := listingsPushedAt(t, first.info.Database, ids...)
	if !maps.EqualFunc(pushed, after, time.Time.Equal) {
		t.Errorf("the restart pushed listings again")
	}
}

// When a port of the last run has been taken meanwhile, the demo says so and moves: a fake on a
// new port keeps its shop (same id, its address updated) and still needs no push.
func TestDemoRestartOnATakenPort(t *testing.T) {
	t.Parallel()
	dataDir := filepath.Join(t.TempDir(), "demo")
	first, stop := runDemoUntilReady(t, nil, dataDir)
	if r := stop(); r.err != nil {
		t.Fatal(r.err)
	}
	woo := first.info.Shops[0]
	// Taken here, or by another program already: taken either way.
	if taken, err := net.Listen("tcp", urlHostPort(woo.BaseURL)); err == nil {
		defer taken.Close()
	}

	again, stop := runDemoUntilReady(t, nil, dataDir)
	res := stop()
	if res.err != nil {
		t.Fatal(res.err)
	}
	moved := again.info.Shops[0]
	if moved.ID != woo.ID || moved.BaseURL == woo.BaseURL || moved.ListingsPublished != woo.ListingsPublished {
		t.Errorf("after the move: shop %+v, was %+v", moved, woo)
	}
	if writes := storefrontWrites(again); len(writes) != 0 || again.info.Startup != (demoStartup{}) {
		t.Errorf("the move pushed: %v, %+v", writes, again.info.Startup)
	}
	if !strings.Contains(res.stderr, "the address of the last run is taken; using another port") ||
		!strings.Contains(res.stderr, "what=\"WooCommerce fake\"") {
		t.Errorf("the demo did not say it moved:\n%s", res.stderr)
	}
}

func TestDemoListen(t *testing.T) {
	t.Parallel()
	logger := discardLogger()
	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	saved := free.Addr().String()
	free.Close()
	// Port 0 prefers the saved address when it is free...
	ln, err := demoListen("x", "--x", "127.0.0.1:0", saved, logger)
	if err != nil || ln.Addr().String() != saved {
		t.Fatalf("demoListen = %v, %v; want the saved %s", ln, err, saved)
	}
	// ...and takes another when it is not.
	other, err := demoListen("x", "--x", "127.0.0.1:0", saved, logger)
	if err != nil || other.Addr().String() == saved {
		t.Fatalf("demoListen on a taken saved address = %v, %v", other, err)
	}
	other.Close()
	// A saved address on another host is not used for this one.
	if ln2, err := demoListen("x", "--x", "localhost:0", saved, logger); err != nil || ln2.Addr().String() == saved {
		t.Errorf("demoListen localhost:0 = %v, %v", ln2, err)
	} else {
		ln2.Close()
	}
	// An explicit port is used as is: taken, it is one line naming the flag.
	_, err = demoListen("x", "--x", saved, "", logger)
	if err == nil || !strings.Contains(err.Error(), saved+" is already in use by another program") || !strings.Contains(err.Error(), "--x") {
		t.Errorf("explicit taken port: %v", err)
	}
	ln.Close()
}
