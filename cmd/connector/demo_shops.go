package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/google/uuid"

	"github.com/intcomex-connector/connector/connector/margin"
	"github.com/intcomex-connector/connector/connector/policy"
	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/shopify/shopifytest"
	"github.com/intcomex-connector/connector/platforms/woocommerce/wootest"
	"github.com/intcomex-connector/connector/pricing"
	"github.com/intcomex-connector/connector/webhooks"
)

// The demo's storefront fakes keep their state in the data folder, so that a restarted demo finds
// its shops as it left them: same shop ids, same credentials, same products and webhooks, and a
// start with nothing changed in IWS pushes nothing.
const (
	demoWooStateFile     = "woocommerce-fake.json"
	demoShopifyStateFile = "shopify-fake.json"
)

// demoStorefronts are the demo's fake shops, serving on 127.0.0.1 for the life of the process so
// that a person or a script can look at what the connector pushed.
type demoStorefronts struct {
	woo         *wootest.Server
	wooURL      string
	wooServer   *http.Server
	wooServed   chan error
	wooCreds    shops.WooCommerceCredentials
	shopify     *shopifytest.Server
	shopifyCred shops.ShopifyCredentials
}

// demoShopSetup is one demo shop as stored and as demo.json describes it.
type demoShopSetup struct {
	shop store.Shop
	info demoShop
	// target is where the shop delivers its webhooks.
	target platforms.WebhookTarget
}

// demoExisting is what an earlier run left of one demo shop: the stored shop, when its fake's
// state is there too (without it the shop's listings point at products nobody has).
type demoExisting struct {
	shop  store.Shop
	found bool
}

// demoPreviousShops finds the demo shops of an earlier run that can be resumed, and deletes the
// others (a shop whose fake lost its state; the in-memory shop of older versions) together with
// fake state files no shop uses any more.
func demoPreviousShops(ctx context.Context, st *store.Store, dataDir string, logger *slog.Logger) (woo, shopify demoExisting, err error) {
	existing, err := st.ListShops(ctx)
	if err != nil {
		return woo, shopify, fmt.Errorf("demo: existing shops: %w", err)
	}
	states := map[string]string{
		store.PlatformWooCommerce: filepath.Join(dataDir, demoWooStateFile),
		store.PlatformShopify:     filepath.Join(dataDir, demoShopifyStateFile),
	}
	for _, s := range existing {
		var slot *demoExisting
		switch {
		case s.Name == demoWooShopName && s.Platform == store.PlatformWooCommerce:
			slot = &woo
		case s.Name == demoShopifyShopName && s.Platform == store.PlatformShopify:
			slot = &shopify
		case s.Name == demoMemoryShopName && s.Platform == store.PlatformMemory:
		default:
			continue // a shop someone added: not the demo's to touch
		}
		if slot != nil && !slot.found && fileExists(states[s.Platform]) && demoCredentialsUsable(s) {
			*slot = demoExisting{shop: s, found: true}
			continue
		}
		if err := st.DeleteShop(ctx, s.ID); err != nil {
			return woo, shopify, fmt.Errorf("demo: delete the previous demo shop %d: %w", s.ID, err)
		}
		logger.InfoContext(ctx, "demo: previous demo shop deleted (its storefront did not survive)", "shop", s.ID, "name", s.Name)
	}
	for platform, path := range states {
		if (platform == store.PlatformWooCommerce && woo.found) || (platform == store.PlatformShopify && shopify.found) {
			continue
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return woo, shopify, fmt.Errorf("demo: %w", err)
		}
	}
	return woo, shopify, nil
}

// demoCredentialsUsable reports whether a stored demo shop still has the credentials its fake
// needs (an uninstall leaves none).
func demoCredentialsUsable(s store.Shop) bool {
	switch s.Platform {
	case store.PlatformWooCommerce:
		var c shops.WooCommerceCredentials
		return json.Unmarshal([]byte(s.Credentials), &c) == nil && c.ConsumerKey != "" && c.ConsumerSecret != "" && c.WebhookSecret != ""
	case store.PlatformShopify:
		var c shops.ShopifyCredentials
		return json.Unmarshal([]byte(s.Credentials), &c) == nil && c.AccessToken != "" && c.ClientSecret != "" && c.Shop != ""
	}
	return false
}

// startDemoStorefronts starts the WooCommerce and the Shopify fakes with their saved state, on the
// ports of the previous run when they are free (prev is the previous demo.json, zero on a first
// run), with the credentials of the shops they resume or new ones.
func startDemoStorefronts(dataDir string, prev demoInfo, woo, shopify demoExisting, logger *slog.Logger) (*demoStorefronts, error) {
	token := func(prefix string) string { return prefix + strings.ReplaceAll(uuid.NewString(), "-", "") }
	f := &demoStorefronts{
		wooCreds: shops.WooCommerceCredentials{
			ConsumerKey: token("ck_"), ConsumerSecret: token("cs_"), WebhookSecret: token("whsec_"),
		},
		shopifyCred: shops.ShopifyCredentials{
			AccessToken: token("shpat_"), Shop: demoShopifyDomain, ClientSecret: token("shpss_"),
		},
	}
	if woo.found {
		f.wooCreds = shops.WooCommerceCredentials{} // checked usable by demoPreviousShops
		_ = json.Unmarshal([]byte(woo.shop.Credentials), &f.wooCreds)
	}
	if shopify.found {
		f.shopifyCred = shops.ShopifyCredentials{}
		_ = json.Unmarshal([]byte(shopify.shop.Credentials), &f.shopifyCred)
	}

	wooLn, err := demoListen("WooCommerce fake", "", "127.0.0.1:0", prev.shopAddr(store.PlatformWooCommerce), logger)
	if err != nil {
		return nil, err
	}
	f.wooURL = "http://" + wooLn.Addr().String()
	f.woo, err = wootest.Open(wootest.Config{
		ConsumerKey: f.wooCreds.ConsumerKey, ConsumerSecret: f.wooCreds.ConsumerSecret,
		Currency: "CLP", NoDecimals: true, SiteURL: f.wooURL,
		// The sandbox's image URLs are not fetched: the demo must not reach the internet.
		ImageCheck: wootest.AllowImages,
		StatePath:  filepath.Join(dataDir, demoWooStateFile),
	})
	if err != nil {
		wooLn.Close()
		return nil, fmt.Errorf("demo: WooCommerce fake: %w", err)
	}
	f.wooServer = &http.Server{Handler: f.woo, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	f.wooServed = make(chan error, 1)
	go func() { f.wooServed <- f.wooServer.Serve(wooLn) }()

	shopifyLn, err := demoListen("Shopify fake", "", "127.0.0.1:0", prev.shopAddr(store.PlatformShopify), logger)
	if err == nil {
		f.shopify, err = shopifytest.Open(shopifytest.Config{
			Shop: demoShopifyDomain, AccessToken: f.shopifyCred.AccessToken, ClientSecret: f.shopifyCred.ClientSecret,
			Currency: "CLP", Listener: shopifyLn, StatePath: filepath.Join(dataDir, demoShopifyStateFile),
		})
	}
	if err != nil {
		f.stopWoo(context.Background(), logger)
		return nil, fmt.Errorf("demo: Shopify fake: %w", err)
	}
	logger.Info("demo: storefront fakes listening", "woocommerce", f.wooURL, "shopify", f.shopify.URL(),
		"resumed_woocommerce", woo.found, "resumed_shopify", shopify.found)
	return f, nil
}

// stop stops both fakes, waiting for their webhook deliveries in flight, and writes their state.
func (f *demoStorefronts) stop(ctx context.Context, logger *slog.Logger) {
	f.stopWoo(ctx, logger)
	if err := f.shopify.Stop(); err != nil {
		logger.Warn("demo: Shopify fake: its state was not saved", "err", err)
	}
}

func (f *demoStorefronts) stopWoo(ctx context.Context, logger *slog.Logger) {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := f.wooServer.Shutdown(sctx); err != nil {
		logger.Warn("demo: WooCommerce fake stopped", "err", err)
	}
	if err := <-f.wooServed; err != nil && !errors.Is(err, http.ErrServerClosed) {
		logger.Warn("demo: WooCommerce fake stopped", "err", err)
	}
	f.woo.WaitIdle()
	if err := f.woo.Close(); err != nil {
		logger.Warn("demo: WooCommerce fake: its state was not saved", "err", err)
	}
}

// demoConnectShops connects the two fakes as shops: the shops of the previous run resumed (their
// address updated when a fake had to move to another port), or new ones with the example rules.
// Resumed shops keep their rules, whatever a person changed them to.
func demoConnectShops(ctx context.Context, st *store.Store, accountID int64, fakes *demoStorefronts, prevWoo, prevShopify demoExisting, adminURL string) ([]demoShopSetup, error) {
	rules, err := pricing.ParseRules(strings.NewReader(demoRules))
	if err != nil {
		return nil, fmt.Errorf("demo: demo rules: %w", err)
	}
	intake := strings.TrimSuffix(adminURL, "/")
	specs := []struct {
		name, platform, baseURL string
		prev                    demoExisting
		creds                   any
		public                  map[string]string
		secret                  string
	}{
		{demoWooShopName, store.PlatformWooCommerce, fakes.wooURL, prevWoo, fakes.wooCreds,
			map[string]string{"consumer_key": fakes.wooCreds.ConsumerKey, "consumer_secret": fakes.wooCreds.ConsumerSecret},
			fakes.wooCreds.WebhookSecret},
		// The base URL is the fake's; the credentials' "shop" names the shop it plays (the
		// override syncjob documents for fakes and proxies).
		{demoShopifyShopName, store.PlatformShopify, fakes.shopify.URL(), prevShopify, fakes.shopifyCred,
			map[string]string{"access_token": fakes.shopifyCred.AccessToken, "shop": fakes.shopifyCred.Shop},
			fakes.shopifyCred.ClientSecret},
	}
	out := make([]demoShopSetup, 0, len(specs))
	for _, sp := range specs {
		shop := sp.prev.shop
		switch {
		case sp.prev.found && shop.BaseURL == sp.baseURL:
		case sp.prev.found:
			shop.BaseURL = sp.baseURL
			if shop, err = st.SaveShop(ctx, shop); err != nil {
				return nil, fmt.Errorf("demo: %s: %w", sp.name, err)
			}
		default:
			creds, err := shops.MarshalCredentials(sp.creds)
			if err != nil {
				return nil, fmt.Errorf("demo: %s: %w", sp.name, err)
			}
			shop, err = st.SaveShop(ctx, store.Shop{
				Name: sp.name, Platform: sp.platform, BaseURL: sp.baseURL, Credentials: creds,
				IWSAccountID: accountID, Currency: "CLP", Locale: "es",
				StockPolicy: policy.Stock{Buffer: 1, MinStock: 2},
			})
			if err != nil {
				return nil, fmt.Errorf("demo: %s: %w", sp.name, err)
			}
			if err := margin.Replace(ctx, st, shop.ID, rules); err != nil {
				return nil, fmt.Errorf("demo: %s rules: %w", sp.name, err)
			}
		}
		hook := intake + webhooks.ShopifyPath
		if sp.platform == store.PlatformWooCommerce {
			hook = intake + webhooks.WooCommercePath(shop.ID)
		}
		out = append(out, demoShopSetup{
			shop:   shop,
			target: platforms.WebhookTarget{URL: hook, Secret: sp.secret},
			info: demoShop{ID: shop.ID, Name: shop.Name, Platform: shop.Platform, BaseURL: shop.BaseURL,
				WebhookURL: hook, WebhookSecret: sp.secret, Credentials: sp.public},
		})
	}
	return out, nil
}

// demoListen listens on addr for what (set by flag, "" for none). When addr's port is 0 (any
// port), it first tries saved, the address the previous run used (host:port, "" for none) on the
// same host, so that the URLs handed out (the sandbox's image URLs, the shops' addresses, the
// webhook URLs) stay the same across restarts; when saved is taken by another program it says so
// and takes a new port.
func demoListen(what, flag, addr, saved string, logger *slog.Logger) (net.Listener, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("demo: %s: %q is not host:port", what, addr)
	}
	if savedHost, _, err := net.SplitHostPort(saved); port == "0" && err == nil && savedHost == host {
		ln, err := net.Listen("tcp", saved)
		if err == nil {
			return ln, nil
		}
		logger.Warn("demo: the address of the last run is taken; using another port", "what", what, "address", saved, "err", err)
	}
	ln, err := net.Listen("tcp", addr)
	switch {
	case err == nil:
		return ln, nil
	case errors.Is(err, syscall.EADDRINUSE) && flag != "":
		return nil, fmt.Errorf("demo: %s: %s is already in use by another program: stop it or choose another address with %s", what, addr, flag)
	}
	return nil, fmt.Errorf("demo: %s: listen on %s: %w", what, addr, err)
}

// shopAddr is the host:port the previous run's fake of platform served on ("" when none).
func (info demoInfo) shopAddr(platform string) string {
	for _, s := range info.Shops {
		if s.Platform == platform {
			return urlHostPort(s.BaseURL)
		}
	}
	return ""
}

// urlHostPort is the host:port of an http URL ("" when it has none).
func urlHostPort(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Port() == "" {
		return ""
	}
	return u.Host
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
