package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/intcomex-connector/connector/connector/catalog"
	"github.com/intcomex-connector/connector/connector/margin"
	"github.com/intcomex-connector/connector/connector/policy"
	"github.com/intcomex-connector/connector/connector/secret"
	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/syncjob"
	"github.com/intcomex-connector/connector/internal/correlation"
	"github.com/intcomex-connector/connector/iws"
	"github.com/intcomex-connector/connector/iws/sandbox"
	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/shopify/shopifytest"
	"github.com/intcomex-connector/connector/platforms/woocommerce/wootest"
	"github.com/intcomex-connector/connector/pricing"
	"github.com/intcomex-connector/connector/webhooks"
)

// demoOptions are the demo command's flags.
type demoOptions struct {
	Addr        string // where the connector serves HTTP
	DataDir     string // database, keys, sandbox state and demo.json
	SandboxAddr string // where the in-process IWS sandbox listens
	SKUs        int
	Seed        int64
}

type demoReadyKey struct{}

// withDemoReady returns ctx carrying ready, which a demo run on it calls with the running demo's
// description once everything is up (demo.json written, /readyz answering): tests wait on it
// instead of polling.
func withDemoReady(ctx context.Context, ready func(demoInfo)) context.Context {
	return context.WithValue(ctx, demoReadyKey{}, ready)
}

// demoInfo is what demo.json holds: enough for a person or a script to talk to each part.
type demoInfo struct {
	AdminURL string       `json:"admin_url"`
	IWS      demoIWS      `json:"iws"`
	Shops    []demoShop   `json:"shops"`
	Products demoProducts `json:"products"`
	Database string       `json:"database_url"`
	Started  time.Time    `json:"started_at"`
	Try      []string     `json:"try,omitempty"`
	Sandbox  demoSandbox  `json:"sandbox"`
}

type demoIWS struct {
	URL       string `json:"url"`
	APIKey    string `json:"api_key"`
	AccessKey string `json:"access_key"`
}

type demoSandbox struct {
	ControlURL string `json:"control_url"`
	SKUs       int    `json:"skus"`
	Seed       int64  `json:"seed"`
}

// demoShop describes one demo storefront. Credentials are what a script needs to call the fake
// (WooCommerce: consumer_key, consumer_secret; Shopify: access_token, shop); WebhookSecret signs
// the shop's deliveries to WebhookURL, the connector's intake for it.
type demoShop struct {
	ID            int64             `json:"id"`
	Name          string            `json:"name"`
	Platform      string            `json:"platform"`
	BaseURL       string            `json:"base_url"`
	WebhookURL    string            `json:"webhook_url"`
	WebhookSecret string            `json:"webhook_secret"`
	Credentials   map[string]string `json:"credentials"`
	// ListingsPublished counts the products on the storefront after the start-up push (on sale
	// or shown out of stock).
	ListingsPublished int `json:"listings_published"`
	// Webhooks are the subscriptions the storefront holds after the start-up registration
	// (none when its adapter cannot register them).
	Webhooks []platforms.WebhookState `json:"webhooks,omitempty"`
}

// demoProducts counts the IWS mirror after the start-up sync.
type demoProducts struct {
	Mirrored int `json:"mirrored"`
	Active   int `json:"active"`
	Sellable int `json:"sellable"`
	InStock  int `json:"in_stock"`
}

// Demo shops: a WooCommerce and a Shopify fake, in this process, priced in Chilean pesos.
const (
	demoWooShopName     = "Demo WooCommerce shop"
	demoShopifyShopName = "Demo Shopify shop"
	// demoShopifyDomain is the shop the Shopify fake plays; its address is the fake's.
	demoShopifyDomain = "intcomex-demo.myshopify.com"
	// demoMemoryShopName is the in-memory shop earlier versions of the demo created; a database
	// from one of them still has it.
	demoMemoryShopName = "Demo shop (memory)"
	// demoRules is an example of the margin rules format: a default markup, two category rules,
	// USD cost converted to CLP, 19 % tax included and prices ending in 90.
	demoRules = `{
  "currency": "CLP", "fx_rate": "950", "tax_rate": "19",
  "rounding": {"step": "100", "minus": "10"},
  "default": {"markup_percent": "20"},
  "rules": [
    {"name": "Notebooks", "priority": 10, "match": {"category": "cpt.nb"},
     "margin_percent": "12", "min_profit": "15000"},
    {"name": "Components", "priority": 20, "match": {"category": "cco"},
     "markup_percent": "30", "fixed_amount": "990"}
  ]
}`
)

func newDemoCmd(a *app) *cobra.Command {
	opts := demoOptions{}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the whole connector on embedded defaults: SQLite, an in-process IWS sandbox",
		Long: `demo starts the connector with nothing else installed: a SQLite database under --data
(./data/demo), an in-process IWS sandbox with generated keys and a deterministic catalog, and the
IWS account configured to use it. It also runs two storefront fakes in this process, a
WooCommerce shop and a Shopify shop, each on its own 127.0.0.1 port, and connects them as shops
("Demo WooCommerce shop", "Demo Shopify shop", prices in CLP from example margin rules); they are
recreated at each start, since their storefronts live in this process. At start it mirrors the
whole sandbox catalog (extended content included), pushes it to both shops and registers their
webhooks at the connector's intake (/webhooks/woocommerce/ID, /webhooks/shopify). It then runs
the job workers and the scheduler like serve, and serves the connector on --addr
(127.0.0.1:8080) until Ctrl-C.

Everything it generates is kept under --data and reused by the next run: the secret key that
encrypts stored credentials (secret.key), the sandbox keys and its orders and stock
(sandbox-state.json), and the database. --data DIR/demo.json describes what is running (admin
URL, IWS sandbox URL and keys, and each shop with its address, API credentials, webhook URL and
webhook secret), so a person or a script can talk to each part. Every call to
the sandbox is recorded in the API call log like a call to the real IWS.`,
		Example: `  go run ./cmd/connector demo
  connector demo --addr 127.0.0.1:9090 --data /tmp/demo --skus 50000`,
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDemo(cmd, a, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Addr, "addr", "127.0.0.1:8080", "address the connector serves HTTP on")
	cmd.Flags().StringVar(&opts.DataDir, "data", filepath.Join("data", "demo"), "folder for the demo database, keys, sandbox state and demo.json")
	cmd.Flags().StringVar(&opts.SandboxAddr, "sandbox-addr", "127.0.0.1:0", "address of the in-process IWS sandbox (port 0 picks a free one)")
	cmd.Flags().IntVar(&opts.SKUs, "skus", 2000, "size of the sandbox catalog")
	cmd.Flags().Int64Var(&opts.Seed, "seed", 1, "seed of the sandbox catalog")
	return cmd
}

func runDemo(cmd *cobra.Command, a *app, opts demoOptions) error {
	ctx := cmd.Context()
	cfg, err := configFromCmd(cmd, false)
	if err != nil {
		return err
	}
	logger, err := newLogger(cmd.ErrOrStderr(), cfg.LogLevel, cfg.LogFormat)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(opts.DataDir, 0o700); err != nil {
		return fmt.Errorf("demo: data folder: %w", err)
	}

	// The demo runs on its own embedded defaults, whatever the environment says about the database,
	// the secret key or IWS: it must never touch a production database or a real Intcomex account.
	key, err := demoSecretKey(filepath.Join(opts.DataDir, "secret.key"))
	if err != nil {
		return err
	}
	cfg.SecretKey = secret.EncodeKey(key)
	cfg.DatabaseURL = "sqlite:" + filepath.Join(opts.DataDir, "connector.db")
	keys, err := demoIWSKeys(filepath.Join(opts.DataDir, "demo.json"))
	if err != nil {
		return err
	}

	st, err := openDatabase(ctx, cfg, logger, true)
	if err != nil {
		return err
	}
	defer st.Close()

	sb, err := sandbox.New(sandbox.Config{
		APIKey:         keys.APIKey,
		AccessKey:      keys.AccessKey,
		SKUs:           opts.SKUs,
		Seed:           opts.Seed,
		StatusInterval: sandbox.DefaultStatusInterval,
		StatePath:      filepath.Join(opts.DataDir, "sandbox-state.json"),
		Control:        true,
		Logger:         logger.With("component", "iws-sandbox"),
	})
	if err != nil {
		return fmt.Errorf("demo: sandbox: %w", err)
	}
	sbLn, err := net.Listen("tcp", opts.SandboxAddr)
	if err != nil {
		_ = sb.Close() // nothing was served; the listen error is the one to report
		return fmt.Errorf("demo: sandbox listen: %w", err)
	}
	sandboxURL := "http://" + sbLn.Addr().String()
	sbCtx, stopSandbox := context.WithCancel(context.WithoutCancel(ctx))
	sbDone := make(chan error, 1)
	go func() { sbDone <- sb.Serve(sbCtx, sbLn) }()
	defer func() {
		stopSandbox()
		if err := <-sbDone; err != nil {
			logger.Warn("demo: sandbox stopped", "err", err)
		}
	}()

	keys.URL = sandboxURL + "/v1/"
	if _, err := st.SaveIWSAccount(ctx, store.IWSAccount{
		Name: "default", Environment: store.EnvironmentTest, BaseURL: keys.URL,
		APIKey: keys.APIKey, AccessKey: keys.AccessKey,
	}); err != nil {
		return fmt.Errorf("demo: IWS account: %w", err)
	}
	cfg.IWSURL, cfg.IWSAPIKey, cfg.IWSAccessKey = keys.URL, keys.APIKey, keys.AccessKey
	client, err := newIWSClient(cmd, cfg, st, logger)
	if err != nil {
		return err
	}
	if err := demoCheckIWS(ctx, client, logger); err != nil {
		return err
	}
	acct, err := st.DefaultIWSAccount(ctx)
	if err != nil {
		return fmt.Errorf("demo: IWS account: %w", err)
	}

	// The connector's listener comes first: the shops' webhook URLs name its address.
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return listenError("demo", opts.Addr, err)
	}
	defer ln.Close() // on an early return; serveHTTP closes it otherwise
	adminURL := "http://" + ln.Addr().String() + "/"
	fakes, err := startDemoStorefronts(logger)
	if err != nil {
		return err
	}
	defer fakes.stop(ctx, logger)
	setups, err := demoRecreateShops(ctx, st, acct.ID, fakes, adminURL)
	if err != nil {
		return err
	}
	sfs := a.storefronts(cfg, st, logger.With("component", "sync"))
	syncedAt := time.Now()
	products, sampleSKU, err := demoMirror(ctx, cfg, st, sfs, logger, acct.ID, setups, fakes)
	if err != nil {
		return err
	}
	// The intake serves before the webhooks are registered: WooCommerce pings a new webhook at
	// once and waits for the answer.
	intake, err := webhooks.New(webhooks.Config{Store: st, Resolver: sfs, Logger: logger.With("component", "webhooks")})
	if err != nil {
		return err
	}
	// public is the description "/" answers once the demo has started; /readyz says ready only
	// then (demo.json written).
	var public atomic.Pointer[demoInfo]
	ready := func(ctx context.Context) error {
		if public.Load() == nil {
			return errors.New("demo: starting")
		}
		return st.Ready(ctx)
	}
	router := newRouter(routerDeps{Logger: logger, Ready: ready, Registry: newMetricsRegistry(), Webhooks: intake})
	router.GET("/", func(c *gin.Context) {
		if info := public.Load(); info != nil {
			c.JSON(http.StatusOK, info)
			return
		}
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "starting"})
	})
	srvCtx, stopServer := context.WithCancel(ctx)
	defer stopServer() // on an early return
	served := make(chan error, 1)
	go func() { served <- serveHTTP(srvCtx, ln, router, logger, cfg.ShutdownTimeout) }()
	stopServing := func(err error) error { // on an early return: stops the server and waits for it
		stopServer()
		return errors.Join(err, <-served)
	}
	for i := range setups {
		demoRegisterWebhooks(ctx, sfs, logger, &setups[i])
	}

	info := demoInfo{
		AdminURL: adminURL,
		IWS:      keys,
		Products: products,
		Database: cfg.DatabaseURL,
		Started:  time.Now().UTC(),
		Sandbox:  demoSandbox{ControlURL: sandboxURL + "/_sandbox/state", SKUs: opts.SKUs, Seed: opts.Seed},
		Try: []string{
			fmt.Sprintf("CONNECTOR_DATABASE_URL=%s CONNECTOR_SECRET_KEY_FILE=%s connector iws getcatalog page=1 limit=3",
				cfg.DatabaseURL, filepath.Join(opts.DataDir, "secret.key")),
			fmt.Sprintf("CONNECTOR_DATABASE_URL=%s CONNECTOR_SECRET_KEY_FILE=%s connector products show %s",
				cfg.DatabaseURL, filepath.Join(opts.DataDir, "secret.key"), sampleSKU),
			"curl " + sandboxURL + "/_sandbox/state",
			// The fake WooCommerce takes Basic auth only over HTTPS, as the real one does; the
			// header says the request came through a TLS proxy. Keys: shops[0].credentials.
			fmt.Sprintf("curl -H 'X-Forwarded-Proto: https' -u CONSUMER_KEY:CONSUMER_SECRET '%s/wp-json/wc/v3/products?per_page=3'", fakes.wooURL),
			fmt.Sprintf(`curl -H 'X-Shopify-Access-Token: ACCESS_TOKEN' -H 'Content-Type: application/json' -d '{"query":"{ productVariants(first: 3) { nodes { sku price product { title } } } }"}' %s`, fakes.shopify.GraphQLURL()),
		},
	}
	for _, sh := range setups {
		info.Shops = append(info.Shops, sh.info)
	}
	if err := writeDemoInfo(filepath.Join(opts.DataDir, "demo.json"), info); err != nil {
		return stopServing(err)
	}
	printDemoBanner(cmd.OutOrStdout(), info, opts.DataDir)

	bg, err := startBackground(ctx, cfg, st, sfs, logger, map[int64]time.Time{acct.ID: syncedAt})
	if err != nil {
		return stopServing(err)
	}
	pub := info.public()
	public.Store(&pub)
	if ready, ok := ctx.Value(demoReadyKey{}).(func(demoInfo)); ok {
		ready(info)
	}
	err = <-served // until ctx is done
	return errors.Join(err, bg.stop(ctx, cfg.ShutdownTimeout))
}

// public is the description without secrets, for the admin page (people read it; demo.json,
// 0600, keeps the keys).
func (info demoInfo) public() demoInfo {
	info.IWS.AccessKey = ""
	info.Shops = slices.Clone(info.Shops)
	for i := range info.Shops {
		info.Shops[i].Credentials, info.Shops[i].WebhookSecret = nil, ""
	}
	return info
}

// demoStorefronts are the demo's fake shops, serving on 127.0.0.1 for the life of the process so
// that a person or a script can look at what the connector pushed. Their keys are new at each
// start: the fakes keep nothing across restarts.
type demoStorefronts struct {
	woo         *wootest.Server
	wooURL      string
	wooServer   *http.Server
	wooServed   chan error
	wooCreds    shops.WooCommerceCredentials
	shopify     *shopifytest.Server
	shopifyCred shops.ShopifyCredentials
}

// startDemoStorefronts starts the WooCommerce and the Shopify fakes.
func startDemoStorefronts(logger *slog.Logger) (*demoStorefronts, error) {
	token := func(prefix string) string { return prefix + strings.ReplaceAll(uuid.NewString(), "-", "") }
	f := &demoStorefronts{
		wooCreds: shops.WooCommerceCredentials{
			ConsumerKey: token("ck_"), ConsumerSecret: token("cs_"), WebhookSecret: token("whsec_"),
		},
		shopifyCred: shops.ShopifyCredentials{
			AccessToken: token("shpat_"), Shop: demoShopifyDomain, ClientSecret: token("shpss_"),
		},
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demo: WooCommerce fake: listen: %w", err)
	}
	f.wooURL = "http://" + ln.Addr().String()
	f.woo = wootest.New(wootest.Config{
		ConsumerKey: f.wooCreds.ConsumerKey, ConsumerSecret: f.wooCreds.ConsumerSecret,
		Currency: "CLP", NoDecimals: true, SiteURL: f.wooURL,
		// The sandbox's image URLs are not fetched: the demo must not reach the internet.
		ImageCheck: wootest.AllowImages,
	})
	f.wooServer = &http.Server{Handler: f.woo, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	f.wooServed = make(chan error, 1)
	go func() { f.wooServed <- f.wooServer.Serve(ln) }()
	f.shopify = shopifytest.New(shopifytest.Config{
		Shop: demoShopifyDomain, AccessToken: f.shopifyCred.AccessToken, ClientSecret: f.shopifyCred.ClientSecret,
		Currency: "CLP",
	})
	logger.Info("demo: storefront fakes listening", "woocommerce", f.wooURL, "shopify", f.shopify.URL())
	return f, nil
}

// stop stops both fakes, waiting for their webhook deliveries in flight.
func (f *demoStorefronts) stop(ctx context.Context, logger *slog.Logger) {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := f.wooServer.Shutdown(sctx); err != nil {
		logger.Warn("demo: WooCommerce fake stopped", "err", err)
	}
	if err := <-f.wooServed; err != nil && !errors.Is(err, http.ErrServerClosed) {
		logger.Warn("demo: WooCommerce fake stopped", "err", err)
	}
	f.woo.WaitIdle()
	f.shopify.Close()
}

// demoShopSetup is one demo shop as stored and as demo.json describes it.
type demoShopSetup struct {
	shop store.Shop
	info demoShop
	// target is where the shop delivers its webhooks.
	target platforms.WebhookTarget
}

// demoRecreateShops deletes the demo shops of an earlier run (their fakes did not survive the
// restart, so their listings are void; the in-memory shop of older versions with them) and
// connects the two fakes as shops with the example rules.
func demoRecreateShops(ctx context.Context, st *store.Store, accountID int64, fakes *demoStorefronts, adminURL string) ([]demoShopSetup, error) {
	existing, err := st.ListShops(ctx)
	if err != nil {
		return nil, fmt.Errorf("demo: existing: %w", err)
	}
	stale := map[string]string{
		demoMemoryShopName:  store.PlatformMemory,
		demoWooShopName:     store.PlatformWooCommerce,
		demoShopifyShopName: store.PlatformShopify,
	}
	for _, s := range existing {
		if stale[s.Name] == s.Platform {
			if err := st.DeleteShop(ctx, s.ID); err != nil {
				return nil, fmt.Errorf("demo: delete the previous demo shop %d: %w", s.ID, err)
			}
		}
	}
	rules, err := pricing.ParseRules(strings.NewReader(demoRules))
	if err != nil {
		return nil, fmt.Errorf("demo: demo rules: %w", err)
	}
	intake := strings.TrimSuffix(adminURL, "/")
	specs := []struct {
		name, platform, baseURL string
		creds                   any
		public                  map[string]string
		secret                  string
	}{
		{demoWooShopName, store.PlatformWooCommerce, fakes.wooURL, fakes.wooCreds,
			map[string]string{"consumer_key": fakes.wooCreds.ConsumerKey, "consumer_secret": fakes.wooCreds.ConsumerSecret},
			fakes.wooCreds.WebhookSecret},
		// The base URL is the fake's; the credentials' "shop" names the shop it plays (the
		// override syncjob documents for fakes and proxies).
		{demoShopifyShopName, store.PlatformShopify, fakes.shopify.URL(), fakes.shopifyCred,
			map[string]string{"access_token": fakes.shopifyCred.AccessToken, "shop": fakes.shopifyCred.Shop},
			fakes.shopifyCred.ClientSecret},
	}
	out := make([]demoShopSetup, 0, len(specs))
	for _, sp := range specs {
		creds, err := shops.MarshalCredentials(sp.creds)
		if err != nil {
			return nil, fmt.Errorf("demo: %s: %w", sp.name, err)
		}
		shop, err := st.SaveShop(ctx, store.Shop{
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

// demoMirror syncs the whole sandbox catalog (extended content included) and pushes it to the
// demo shops, and returns the counts and a SKU that is on sale, for the banner.
func demoMirror(ctx context.Context, cfg Config, st *store.Store, sfs *shops.Storefronts, logger *slog.Logger, accountID int64, setups []demoShopSetup, fakes *demoStorefronts) (demoProducts, string, error) {
	for _, sh := range setups {
		sfs.Forget(sh.shop.ID) // a shop id reused by the database must not find the old storefront
	}
	runner, err := newSyncRunner(cfg, st, sfs, logger.With("component", "sync"))
	if err != nil {
		return demoProducts{}, "", err
	}
	sum, err := runner.Run(correlation.WithJobID(ctx, "demo-start"), syncjob.Request{
		AccountID: accountID, Kind: catalog.KindAll, Content: catalog.ContentAlways,
	})
	if err != nil {
		return demoProducts{}, "", fmt.Errorf("demo: mirror the sandbox catalog: %w", err)
	}
	counts, err := st.CountProducts(ctx, accountID)
	if err != nil {
		return demoProducts{}, "", fmt.Errorf("demo: %w", err)
	}
	published := fakes.woo.Products()
	for i := range setups {
		switch setups[i].shop.Platform {
		case store.PlatformWooCommerce:
			setups[i].info.ListingsPublished = len(published)
		case store.PlatformShopify:
			setups[i].info.ListingsPublished = len(fakes.shopify.Products())
		}
	}
	// The sample SKU is on sale, in stock and, when the catalog has any, with images: the most
	// to show. The smallest such SKU, so a restart shows the same one.
	sample, sampleImages := "", false
	for _, p := range published {
		if p.Status != "publish" || p.StockQuantity == nil || *p.StockQuantity == 0 {
			continue
		}
		images := len(p.Images) > 0
		if sample == "" || (images && !sampleImages) || (images == sampleImages && p.SKU < sample) {
			sample, sampleImages = p.SKU, images
		}
	}
	if sample == "" {
		sample = "<SKU>"
	}
	logger.InfoContext(ctx, "demo: catalog mirrored and pushed", "products", counts.Total,
		"woocommerce", len(published), "shopify", len(fakes.shopify.Products()), "duration", sum.Duration)
	return demoProducts{Mirrored: counts.Total, Active: counts.Active, Sellable: counts.Sellable, InStock: counts.InStock},
		sample, nil
}

// demoRegisterWebhooks subscribes the shop's storefront to the demo's intake (order topics and,
// on Shopify, the app's), and records what the storefront holds in demo.json. A failure is
// logged, not fatal: the catalog half of the demo works without webhooks.
func demoRegisterWebhooks(ctx context.Context, sfs *shops.Storefronts, logger *slog.Logger, sh *demoShopSetup) {
	log := logger.With("shop", sh.shop.ID, "platform", sh.shop.Platform)
	sf, err := sfs.For(sh.shop)
	if err != nil {
		log.ErrorContext(ctx, "demo: webhooks not registered: no storefront", "err", err)
		return
	}
	// Asserted, not required: an adapter gains its webhook half independently of the demo.
	wh, ok := sf.(platforms.Webhooks)
	if !ok {
		log.ErrorContext(ctx, "demo: webhooks not registered: this adapter cannot manage webhooks (no platforms.Webhooks)",
			"adapter", fmt.Sprintf("%T", sf), "webhook_url", sh.target.URL)
		return
	}
	rctx, cancel := context.WithTimeout(correlation.WithShopID(correlation.WithJobID(ctx, "demo-start"), sh.shop.ID), time.Minute)
	defer cancel()
	states, err := wh.EnsureWebhooks(rctx, sh.target)
	if err != nil {
		log.ErrorContext(ctx, "demo: webhooks not registered", "webhook_url", sh.target.URL, "err", err)
		return
	}
	sh.info.Webhooks = states
	log.InfoContext(ctx, "demo: webhooks registered", "webhook_url", sh.target.URL, "subscriptions", len(states))
}

// demoCheckIWS proves the account works end to end: authenticate, then read one catalog page.
// Both calls land in the API call log.
func demoCheckIWS(ctx context.Context, client *iws.Client, logger *slog.Logger) error {
	ctx = correlation.WithJobID(ctx, "demo-start")
	if err := client.Authenticate(ctx); err != nil {
		return fmt.Errorf("demo: authenticate with the sandbox: %w", err)
	}
	page, err := client.GetCatalog(ctx, &iws.CatalogParams{Page: 1, Limit: 5})
	if err != nil {
		return fmt.Errorf("demo: read the sandbox catalog: %w", err)
	}
	skus := make([]string, 0, len(page))
	for _, p := range page {
		skus = append(skus, p.Sku)
	}
	logger.InfoContext(ctx, "demo: IWS sandbox answering", "first_skus", strings.Join(skus, ","))
	return nil
}

// demoSecretKey reads the demo's secret key, creating it (0600) on the first run.
func demoSecretKey(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err == nil {
		key, perr := secret.ParseKey(strings.TrimSpace(string(raw)))
		if perr != nil {
			return nil, fmt.Errorf("demo: %s: %w", path, perr)
		}
		return key, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("demo: secret key: %w", err)
	}
	key, err := secret.GenerateKey()
	if err != nil {
		return nil, fmt.Errorf("demo: secret key: %w", err)
	}
	if err := os.WriteFile(path, []byte(secret.EncodeKey(key)+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("demo: secret key: %w", err)
	}
	return key, nil
}

// demoIWSKeys returns the sandbox keys of an earlier run (from demo.json), or new ones, so the
// sandbox state and the stored account keep working across restarts.
func demoIWSKeys(path string) (demoIWS, error) {
	raw, err := os.ReadFile(path)
	if err == nil {
		var prev demoInfo
		if json.Unmarshal(raw, &prev) == nil && prev.IWS.APIKey != "" && prev.IWS.AccessKey != "" {
			return prev.IWS, nil
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return demoIWS{}, fmt.Errorf("demo: %w", err)
	}
	return demoIWS{APIKey: uuid.NewString(), AccessKey: uuid.NewString()}, nil
}

// writeDemoInfo writes demo.json (0600: it holds the sandbox keys) atomically.
func writeDemoInfo(path string, info demoInfo) error {
	raw, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return fmt.Errorf("demo: demo.json: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(raw, '\n'), 0o600); err != nil {
		return fmt.Errorf("demo: demo.json: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("demo: demo.json: %w", err)
	}
	return nil
}

func printDemoBanner(w io.Writer, info demoInfo, dataDir string) {
	fmt.Fprintf(w, `
Intcomex connector demo is running.

  connector     %s   (/healthz, /readyz, /metrics)
  IWS sandbox   %s   (%d SKUs, seed %d; state at %s)
  IWS keys      api key %s, access key in %s
  database      %s
  catalog       %d products mirrored (%d active, %d sellable, %d in stock)
`, info.AdminURL, info.IWS.URL, info.Sandbox.SKUs, info.Sandbox.Seed, info.Sandbox.ControlURL,
		info.IWS.APIKey, filepath.Join(dataDir, "demo.json"), info.Database,
		info.Products.Mirrored, info.Products.Active, info.Products.Sellable, info.Products.InStock)
	for _, s := range info.Shops {
		fmt.Fprintf(w, "  shop %-8s %s at %s: %d products published; webhooks to %s (%d subscribed)\n",
			fmt.Sprintf("#%d", s.ID), s.Name, s.BaseURL, s.ListingsPublished, s.WebhookURL, len(s.Webhooks))
	}
	fmt.Fprint(w, "\nTry:\n")
	for _, t := range info.Try {
		fmt.Fprintf(w, "  %s\n", t)
	}
	fmt.Fprintln(w, "\nCtrl-C stops it; everything is kept under", dataDir)
}
