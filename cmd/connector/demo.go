package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
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
	"github.com/intcomex-connector/connector/connector/orders"
	"github.com/intcomex-connector/connector/connector/secret"
	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/syncjob"
	"github.com/intcomex-connector/connector/connector/users"
	"github.com/intcomex-connector/connector/internal/correlation"
	"github.com/intcomex-connector/connector/iws"
	"github.com/intcomex-connector/connector/iws/sandbox"
	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/shopify/shopifytest"
	"github.com/intcomex-connector/connector/platforms/woocommerce/wootest"
	"github.com/intcomex-connector/connector/webhooks"
)

// demoOptions are the demo command's flags.
type demoOptions struct {
	Addr        string // where the connector serves HTTP
	DataDir     string // database, keys, sandbox and storefront state, demo.json
	SandboxAddr string // where the in-process IWS sandbox listens
	SKUs        int
	Seed        int64
	// StatusInterval is how long a sandbox order stays in each status: at 10 s an order goes
	// from Open through In process, Ready to deliver and Invoiced to Delivered in 40 s.
	StatusInterval time.Duration
	// SampleOrders buys a few orders in the demo's shops on its first start (demoSampleOrders).
	SampleOrders bool
}

// demoInfoPath is where the running demo describes itself (demo.json without its secrets); the
// web UI has "/".
const demoInfoPath = "/demo.json"

// demoStatusInterval is the demo's default --status-interval: a demo order is delivered within a
// minute, where the standalone sandbox's default (sandbox.DefaultStatusInterval) is slower.
const demoStatusInterval = 10 * time.Second

type demoHooksKey struct{}

// demoHooks let tests follow a demo without polling: Progress is called at each start-up step
// ("data folder locked", "sandbox answering", "storefronts started", "mirror <stage>" as the
// start-up sync goes, "webhooks registered"), Ready once everything is up (demo.json written,
// /readyz answering) with the running demo's description and its storefront fakes.
type demoHooks struct {
	Progress func(step string)
	Ready    func(demoRunning)
}

// demoRunning is a running demo as its Ready hook sees it.
type demoRunning struct {
	info    demoInfo
	woo     *wootest.Server
	shopify *shopifytest.Server
}

// withDemoHooks returns ctx carrying hooks for a demo run on it.
func withDemoHooks(ctx context.Context, hooks demoHooks) context.Context {
	return context.WithValue(ctx, demoHooksKey{}, hooks)
}

// withDemoReady returns ctx carrying ready, which a demo run on it calls once everything is up.
func withDemoReady(ctx context.Context, ready func(demoInfo)) context.Context {
	return withDemoHooks(ctx, demoHooks{Ready: func(r demoRunning) { ready(r.info) }})
}

func demoHooksOf(ctx context.Context) demoHooks {
	h, _ := ctx.Value(demoHooksKey{}).(demoHooks)
	if h.Progress == nil {
		h.Progress = func(string) {}
	}
	if h.Ready == nil {
		h.Ready = func(demoRunning) {}
	}
	return h
}

// demoInfo is what demo.json holds: enough for a person or a script to talk to each part.
type demoInfo struct {
	AdminURL string `json:"admin_url"`
	// AdminUser and AdminPassword sign in to the web UI (AdminURL + "login") as the demo's admin,
	// made on the first start and kept across restarts.
	AdminUser     string       `json:"admin_user"`
	AdminPassword string       `json:"admin_password"`
	IWS           demoIWS      `json:"iws"`
	Shops         []demoShop   `json:"shops"`
	Products      demoProducts `json:"products"`
	// Startup is what the start-up sync did: on a restart with nothing changed in IWS, nothing.
	Startup  demoStartup `json:"startup"`
	Database string      `json:"database_url"`
	Started  time.Time   `json:"started_at"`
	Try      []string    `json:"try,omitempty"`
	Sandbox  demoSandbox `json:"sandbox"`
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
	// StatusInterval is the time an order spends in each status ("0s": only on demand through
	// the control endpoint); WebhookURL receives the OrderStatusUpdate of each change.
	StatusInterval string `json:"status_interval"`
	WebhookURL     string `json:"webhook_url,omitempty"`
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

// demoStartup counts what the start-up sync changed: products of the mirror, and listings
// pushed to the shops.
type demoStartup struct {
	Inserted        int `json:"products_inserted"`
	Updated         int `json:"products_updated"`
	Deactivated     int `json:"products_deactivated"`
	ListingsChanged int `json:"listings_changed"`
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
("Demo WooCommerce shop", "Demo Shopify shop", prices in CLP from example margin rules). At start
it mirrors the whole sandbox catalog (extended content included), pushes what changed to both
shops and registers their webhooks at the connector's intake (/webhooks/woocommerce/ID,
/webhooks/shopify). The sandbox moves each order one status on every --status-interval (10s: Open,
In process, Ready to deliver, Invoiced, Delivered within a minute), whether or not anyone asks,
and posts each change to the connector's IWS webhook (/webhooks/iws). It then runs the job workers and the scheduler like serve, and serves the
connector on --addr (127.0.0.1:8080) until Ctrl-C.

On the first start it makes an admin of the web UI, admin@demo.local with a random password; the
banner prints the sign-in address (ADDR/login) and the credentials, and demo.json keeps them
(admin_user, admin_password), so every restart signs in with the same ones.

Everything is kept under --data and the next run carries on from it: the secret key that
encrypts stored credentials (secret.key), the database (connector.db), the sandbox keys, orders
and stock (sandbox-state.json), and the two storefronts with their products, orders, webhooks
and API keys (woocommerce-fake.json, shopify-fake.json). A restart keeps the shops: same ids,
credentials and webhook URLs, and with nothing changed in IWS it pushes nothing. The sandbox and
the fakes listen on the ports of the previous run (saved in demo.json), so their URLs, the
sandbox's image URLs among them, do not change; when one of those ports has been taken by another
program meanwhile the demo says so and takes a new one (a new sandbox port changes every image
URL, so that start updates every product's images). So does --addr when its port is 0.

One demo (or serve) at a time uses a data folder: it holds --data/connector.lock, and a second
demo on the same folder refuses to start, naming the first one's pid and address.

--data DIR/demo.json describes what is running (admin URL, the web UI's admin user and password,
IWS sandbox URL and keys, and each shop with its address, API credentials, webhook URL and
webhook secret), so a person or a script can talk to each part; "connector demo env --data DIR" prints the CONNECTOR_* export lines that
point the other commands at it. Every call to the sandbox is recorded in the API call log like a
call to the real IWS.

Ctrl-C while it starts ends it with "interrupted" (exit status 130); once it runs, Ctrl-C stops it
gracefully (exit status 0).`,
		Example: `  connector demo
  connector demo --addr 127.0.0.1:9090 --data /tmp/demo --skus 50000
  eval "$(connector demo env --data ./data/demo)"`,
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDemo(cmd, a, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Addr, "addr", "127.0.0.1:8080", "address the connector serves HTTP on (port 0: the last run's port when free, else any)")
	cmd.PersistentFlags().StringVar(&opts.DataDir, "data", filepath.Join("data", "demo"), "folder for the demo database, keys, sandbox and storefront state, and demo.json")
	cmd.Flags().StringVar(&opts.SandboxAddr, "sandbox-addr", "127.0.0.1:0", "address of the in-process IWS sandbox (port 0: the last run's port when free, else any)")
	cmd.Flags().IntVar(&opts.SKUs, "skus", 2000, "size of the sandbox catalog")
	cmd.Flags().Int64Var(&opts.Seed, "seed", 1, "seed of the sandbox catalog")
	cmd.Flags().DurationVar(&opts.StatusInterval, "status-interval", demoStatusInterval,
		"time a sandbox order spends in each status, Open to Delivered in four steps (0: only on demand via /_sandbox/advance)")
	cmd.Flags().BoolVar(&opts.SampleOrders, "sample-orders", true, "on the first start, buy a few orders in the demo's shops (one followed to delivery, one held for stock, one on Shopify a little later)")
	cmd.AddCommand(newDemoEnvCmd(&opts.DataDir), newDemoOrderCmd(&opts.DataDir))
	return cmd
}

func runDemo(cmd *cobra.Command, a *app, opts demoOptions) error {
	ctx := cmd.Context()
	hooks := demoHooksOf(ctx)
	cfg, err := configFromCmd(cmd, false)
	if err != nil {
		return err
	}
	// The sandbox moves an order every --status-interval and sends no webhook out of invoiced:
	// tracking checks at least twice per status so `order show` keeps up.
	if half := opts.StatusInterval / 2; half > 0 && half < cfg.OrderTrackInterval {
		cfg.OrderTrackInterval = max(half, time.Second)
	}
	logger, err := newLogger(cmd.ErrOrStderr(), cfg.LogLevel, cfg.LogFormat)
	if err != nil {
		return err
	}
	// Absolute: the paths demo.json and the banner give must work from any folder.
	if opts.DataDir, err = filepath.Abs(opts.DataDir); err != nil {
		return fmt.Errorf("demo: data folder: %w", err)
	}
	if err := os.MkdirAll(opts.DataDir, 0o700); err != nil {
		return fmt.Errorf("demo: data folder: %w", err)
	}
	lock, err := lockFolder(opts.DataDir, "demo")
	var busy errFolderInUse
	if errors.As(err, &busy) {
		return fmt.Errorf("demo: %v: stop it first, or start this one with another --data folder", err)
	}
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	defer lock.release()
	hooks.Progress("data folder locked")

	// The demo runs on its own embedded defaults, whatever the environment says about the database,
	// the secret key or IWS: it must never touch a production database or a real Intcomex account.
	key, err := demoSecretKey(filepath.Join(opts.DataDir, demoSecretKeyFile))
	if err != nil {
		return err
	}
	cfg.SecretKey = secret.EncodeKey(key)
	cfg.DatabaseURL = demoDatabaseURL(opts.DataDir)
	cfg.PublicURL = "" // webhook URLs name the demo's own address
	prev, err := readDemoInfo(filepath.Join(opts.DataDir, demoInfoFile))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("demo: %w", err)
	}
	keys := prev.IWS
	if keys.APIKey == "" || keys.AccessKey == "" {
		keys = demoIWS{APIKey: uuid.NewString(), AccessKey: uuid.NewString()}
	}

	st, err := openDatabase(ctx, cfg, logger, true)
	if err != nil {
		return err
	}
	defer st.Close()
	admin, err := demoAdmin(ctx, st, prev, logger)
	if err != nil {
		return err
	}

	// The connector's listener comes first: the shops' webhook URLs and the sandbox's
	// OrderStatusUpdate target name its address.
	ln, err := demoListen("connector", "--addr", opts.Addr, urlHostPort(prev.AdminURL), logger)
	if err != nil {
		return err
	}
	defer ln.Close() // on an early return; serveHTTP closes it otherwise
	adminURL := "http://" + ln.Addr().String() + "/"
	if err := lock.setAddr(adminURL); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	iwsWebhookURL := strings.TrimSuffix(adminURL, "/") + webhooks.IWSPath

	// The sandbox advances its orders on its own clock (a ticker, and on every call), so a demo
	// order is invoiced and delivered while nobody polls, and each change is posted to the
	// connector's IWS webhook.
	sb, err := sandbox.New(sandbox.Config{
		APIKey:         keys.APIKey,
		AccessKey:      keys.AccessKey,
		SKUs:           opts.SKUs,
		Seed:           opts.Seed,
		StatusInterval: opts.StatusInterval,
		WebhookURL:     iwsWebhookURL,
		StatePath:      filepath.Join(opts.DataDir, "sandbox-state.json"),
		Control:        true,
		Logger:         logger.With("component", "iws-sandbox"),
	})
	if err != nil {
		return fmt.Errorf("demo: sandbox: %w", err)
	}
	// The sandbox's image URLs name its address: the same port as last time keeps every
	// product's images as they were pushed.
	sbLn, err := demoListen("IWS sandbox", "--sandbox-addr", opts.SandboxAddr, urlHostPort(prev.IWS.URL), logger)
	if err != nil {
		_ = sb.Close() // nothing was served; the listen error is the one to report
		return err
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
	acct, err := st.SaveIWSAccount(ctx, store.IWSAccount{
		Name: store.DefaultIWSAccountName, Environment: store.EnvironmentTest, BaseURL: keys.URL,
		APIKey: keys.APIKey, AccessKey: keys.AccessKey,
	})
	if err != nil {
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
	hooks.Progress("sandbox answering")

	prevWoo, prevShopify, err := demoPreviousShops(ctx, st, opts.DataDir, logger)
	if err != nil {
		return err
	}
	fakes, err := startDemoStorefronts(opts.DataDir, prev, prevWoo, prevShopify, logger)
	if err != nil {
		return err
	}
	defer fakes.stop(ctx, logger)
	setups, err := demoConnectShops(ctx, st, acct.ID, fakes, prevWoo, prevShopify, adminURL)
	if err != nil {
		return err
	}
	hooks.Progress("storefronts started")
	sfs := a.storefronts(cfg, st, logger.With("component", "sync"))
	syncedAt := time.Now()
	mirror, err := demoMirror(ctx, cfg, st, sfs, logger, acct.ID, setups, fakes, hooks.Progress)
	if err != nil {
		return err
	}
	// The intake serves before the webhooks are registered: WooCommerce pings a new webhook at
	// once and waits for the answer.
	// The background is built before the intake, which enqueues each paid order's job in it; it
	// starts once the demo is up (the jobs wait for it).
	bg, err := newBackground(cfg, st, sfs, logger)
	if err != nil {
		return err
	}
	intake, err := webhooks.New(webhooks.Config{Store: st, Resolver: sfs, Orders: orders.NewIntake(st, bg.jobs), Logger: logger.With("component", "webhooks")})
	if err != nil {
		return err
	}
	iwsIntake, err := newIWSIntake(st, bg.orders.tracker, logger)
	if err != nil {
		return err
	}
	// public is the description demoInfoPath answers once the demo has started; /readyz says ready only
	// then (demo.json written).
	var public atomic.Pointer[demoInfo]
	ready := func(ctx context.Context) error {
		if public.Load() == nil {
			return errors.New("demo: starting")
		}
		return st.Ready(ctx)
	}
	adminUI, err := newAdminUI(adminUIDeps{cfg: cfg, accounts: users.New(st, users.Options{Logger: logger.With("component", "users")}),
		st: st, bg: bg, storefronts: sfs, logger: logger, webhookBase: strings.TrimSuffix(adminURL, "/")})
	if err != nil {
		return err
	}
	router := newRouter(routerDeps{Logger: logger, Ready: ready, Registry: newMetricsRegistry(newOrderMetrics(st)), Webhooks: intake,
		IWSWebhooks: iwsIntake, Admin: adminUI, TrustedProxies: cfg.trustedProxies()})
	router.GET(demoInfoPath, func(c *gin.Context) {
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
	hooks.Progress("webhooks registered")
	if ctx.Err() != nil { // interrupted while starting: not a demo that ran and was stopped
		return stopServing(ctx.Err())
	}

	info := demoInfo{
		AdminURL:      adminURL,
		AdminUser:     admin.email,
		AdminPassword: admin.password,
		IWS:           keys,
		Products:      mirror.products,
		Startup:       mirror.startup,
		Database:      cfg.DatabaseURL,
		Started:       time.Now().UTC(),
		Sandbox: demoSandbox{ControlURL: sandboxURL + "/_sandbox/state", SKUs: opts.SKUs, Seed: opts.Seed,
			StatusInterval: opts.StatusInterval.String(), WebhookURL: iwsWebhookURL},
		Try: demoTry(opts.DataDir, sandboxURL, mirror.sampleSKU, fakes),
	}
	for _, sh := range setups {
		info.Shops = append(info.Shops, sh.info)
	}
	if err := writeDemoInfo(filepath.Join(opts.DataDir, demoInfoFile), info); err != nil {
		return stopServing(err)
	}
	printDemoBanner(cmd.OutOrStdout(), info, opts.DataDir)

	if err := bg.start(ctx, map[int64]time.Time{acct.ID: syncedAt}); err != nil {
		return stopServing(err)
	}
	if opts.SampleOrders {
		samples := make(chan struct{})
		sampleCtx, stopSamples := context.WithCancel(srvCtx)
		go func() {
			defer close(samples)
			demoSampleOrders(sampleCtx, st, info.Shops, opts.StatusInterval, logger)
		}()
		defer func() { stopSamples(); <-samples }() // before the database closes
	}
	pub := info.public()
	public.Store(&pub)
	hooks.Ready(demoRunning{info: info, woo: fakes.woo, shopify: fakes.shopify})
	err = <-served // until ctx is done
	return errors.Join(err, bg.stop(ctx, cfg.ShutdownTimeout))
}

// public is the description without secrets, for the admin page (people read it; demo.json,
// 0600, keeps the keys): no access key, no admin password, no shop credentials or webhook
// secrets, and no "Try" line that quotes one.
func (info demoInfo) public() demoInfo {
	secrets := []string{info.IWS.AccessKey, info.AdminPassword}
	info.IWS.AccessKey, info.AdminPassword = "", ""
	info.Shops = slices.Clone(info.Shops)
	for i := range info.Shops {
		for _, v := range info.Shops[i].Credentials {
			secrets = append(secrets, v)
		}
		secrets = append(secrets, info.Shops[i].WebhookSecret)
		info.Shops[i].Credentials, info.Shops[i].WebhookSecret = nil, ""
	}
	info.Try = slices.DeleteFunc(slices.Clone(info.Try), func(line string) bool {
		return slices.ContainsFunc(secrets, func(s string) bool { return len(s) >= 8 && strings.Contains(line, s) })
	})
	return info
}

// demoAdminEmail is the login of the admin account the demo makes.
const demoAdminEmail = "admin@demo.local"

// demoAdminAccount is the demo's admin as demo.json and the banner show it.
type demoAdminAccount struct{ email, password string }

// demoAdmin makes sure the web UI has the demo's admin: on the first start (no demo.json, or one
// from a version without it) admin@demo.local with a new random password; on a restart the
// account and password of demo.json, made again if the database lost it, and its password and
// role put back if someone changed them, so the banner's credentials always sign in.
func demoAdmin(ctx context.Context, st *store.Store, prev demoInfo, logger *slog.Logger) (demoAdminAccount, error) {
	svc := users.New(st, users.Options{Logger: logger})
	acct := demoAdminAccount{email: prev.AdminUser, password: prev.AdminPassword}
	if acct.email == "" || acct.password == "" {
		raw := make([]byte, 18)
		if _, err := rand.Read(raw); err != nil {
			return acct, fmt.Errorf("demo: admin password: %w", err)
		}
		acct = demoAdminAccount{email: demoAdminEmail, password: base64.RawURLEncoding.EncodeToString(raw)}
	}
	u, err := svc.ByEmail(ctx, acct.email)
	if errors.Is(err, users.ErrNotFound) {
		if _, err := svc.Add(ctx, acct.email, users.RoleAdmin, acct.password); err != nil {
			return acct, fmt.Errorf("demo: admin user: %w", err)
		}
		return acct, nil
	}
	if err != nil {
		return acct, fmt.Errorf("demo: admin user: %w", err)
	}
	if u.Role != users.RoleAdmin {
		if err := svc.SetRole(ctx, u.Email, users.RoleAdmin); err != nil {
			return acct, fmt.Errorf("demo: admin user: %w", err)
		}
	}
	ok, err := svc.PasswordMatches(ctx, u.Email, acct.password)
	if err != nil {
		return acct, fmt.Errorf("demo: admin user: %w", err)
	}
	if !ok {
		logger.WarnContext(ctx, "demo: the admin's password was changed; putting back the one of demo.json", "user", u.Email)
		if err := svc.SetPassword(ctx, u.Email, acct.password); err != nil {
			return acct, fmt.Errorf("demo: admin user: %w", err)
		}
	}
	return acct, nil
}

// demoMirrorResult is what the start-up sync reports for demo.json and the banner.
type demoMirrorResult struct {
	products  demoProducts
	startup   demoStartup
	sampleSKU string
}

// demoMirror syncs the whole sandbox catalog (extended content included) and pushes what
// changed to the demo shops, and returns the counts and a SKU that is on sale, for the banner.
func demoMirror(ctx context.Context, cfg Config, st *store.Store, sfs *shops.Storefronts, logger *slog.Logger, accountID int64,
	setups []demoShopSetup, fakes *demoStorefronts, progress func(string)) (demoMirrorResult, error) {
	var res demoMirrorResult
	for _, sh := range setups {
		sfs.Forget(sh.shop.ID) // a shop id reused by the database must not find the old storefront
	}
	runner, err := newSyncRunner(cfg, st, sfs, logger.With("component", "sync"))
	if err != nil {
		return res, err
	}
	sum, err := runner.Run(correlation.WithJobID(ctx, "demo-start"), syncjob.Request{
		AccountID: accountID, Kind: catalog.KindAll, Content: catalog.ContentAlways,
		OnProgress: func(stage string, _ int) { progress("mirror " + stage) },
	})
	if err != nil {
		return res, fmt.Errorf("demo: mirror the sandbox catalog: %w", err)
	}
	res.startup = demoStartup{Inserted: sum.Products.Inserted, Updated: sum.Products.Updated,
		Deactivated: sum.Products.Deactivated, ListingsChanged: sum.Listings.Changed}
	counts, err := st.CountProducts(ctx, accountID)
	if err != nil {
		return res, fmt.Errorf("demo: %w", err)
	}
	res.products = demoProducts{Mirrored: counts.Total, Active: counts.Active, Sellable: counts.Sellable, InStock: counts.InStock}
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
	res.sampleSKU = sample
	logger.InfoContext(ctx, "demo: catalog mirrored and pushed", "products", counts.Total,
		"products_updated", sum.Products.Updated, "listings_changed", sum.Listings.Changed,
		"woocommerce", len(published), "shopify", len(fakes.shopify.Products()), "duration", sum.Duration)
	return res, nil
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
		if ctx.Err() == nil { // else: interrupted, and the start-up ends quietly
			log.ErrorContext(ctx, "demo: webhooks not registered", "webhook_url", sh.target.URL, "err", err)
		}
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
  web UI        %slogin   as %s, password %s
  IWS sandbox   %s   (%d SKUs, seed %d; state at %s)
  IWS keys      api key %s, access key in %s
  database      %s
  catalog       %d products mirrored (%d active, %d sellable, %d in stock)
  this start    %d products inserted, %d updated, %d deactivated; %d listings pushed
`, info.AdminURL, info.AdminURL, info.AdminUser, info.AdminPassword, info.IWS.URL, info.Sandbox.SKUs, info.Sandbox.Seed, info.Sandbox.ControlURL,
		info.IWS.APIKey, filepath.Join(dataDir, demoInfoFile), info.Database,
		info.Products.Mirrored, info.Products.Active, info.Products.Sellable, info.Products.InStock,
		info.Startup.Inserted, info.Startup.Updated, info.Startup.Deactivated, info.Startup.ListingsChanged)
	for _, s := range info.Shops {
		fmt.Fprintf(w, "  shop %-8s %s at %s: %d products published; webhooks to %s (%d subscribed)\n",
			fmt.Sprintf("#%d", s.ID), s.Name, s.BaseURL, s.ListingsPublished, s.WebhookURL, len(s.Webhooks))
	}
	fmt.Fprint(w, "\nTry, in another terminal (the eval line first: it points connector at this demo;\n"+
		"the connector binary comes from `go install ./cmd/connector`):\n")
	for _, t := range info.Try {
		fmt.Fprintf(w, "  %s\n", t)
	}
	fmt.Fprintln(w, "\nCtrl-C stops it; everything is kept under", dataDir, "and the next start carries on from it.")
}
