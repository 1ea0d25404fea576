package main

// The order pipeline's proofs (issue 10, "Proof"): real `connector serve` processes (this test
// binary re-executed, see TestOrderProofChild) sharing one database, the real IWS sandbox over
// HTTP, the WooCommerce and Shopify fakes, and signed deliveries as the fakes send them. What is
// asserted is what the merchant cares about: every paid storefront order becomes exactly one
// Intcomex order (the sandbox's order book and the PlaceOrder calls that reached it), placed and
// written back, whatever the duplicates, crashes and faults.

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/orders"
	"github.com/intcomex-connector/connector/connector/schedule"
	"github.com/intcomex-connector/connector/connector/secret"
	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/connector/syncjob"
	"github.com/intcomex-connector/connector/iws/sandbox"
	"github.com/intcomex-connector/connector/migrations"
	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/shopify/shopifytest"
	"github.com/intcomex-connector/connector/platforms/woocommerce/wootest"
	"github.com/intcomex-connector/connector/webhooks"
)

// envProofChild makes TestOrderProofChild run `connector serve` with the CONNECTOR_* variables
// of its environment; it prints "LISTENING host:port" once it accepts connections and runs until
// its stdin closes (the parent is gone) or it is killed.
const envProofChild = "CONNECTOR_TEST_PROOF_CHILD"

func TestOrderProofChild(t *testing.T) {
	if os.Getenv(envProofChild) == "" {
		t.Skip("helper process of the order proofs")
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		cancel() // the parent is gone: stop gracefully
	}()
	var environ []string
	for _, kv := range os.Environ() {
		if k, _, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, envPrefix) && k != envProofChild {
			environ = append(environ, kv)
		}
	}
	ctx = withListening(withEnviron(ctx, environ), func(addr string) { fmt.Printf("LISTENING %s\n", addr) })
	root := newRootCmd(testApp)
	root.SetArgs([]string{"serve", "--addr", "127.0.0.1:0"})
	root.SetOut(os.Stdout)
	root.SetErr(os.Stderr) // the log, kept in a file by the parent
	if err := root.ExecuteContext(ctx); err != nil {
		t.Fatalf("serve: %v", err)
	}
}

// proofChild is a running `connector serve` process.
type proofChild struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	base   string // http://host:port
	exited chan struct{}
	log    string
}

// startProofChild starts a serve process with env and waits until it listens.
func startProofChild(t *testing.T, env map[string]string) *proofChild {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestOrderProofChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), envProofChild+"=1")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	logPath := filepath.Join(t.TempDir(), "serve.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = logFile
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &proofChild{cmd: cmd, stdin: stdin, exited: make(chan struct{}), log: logPath}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "LISTENING "); ok {
				select {
				case addr <- a:
				default:
				}
			}
		}
		_ = cmd.Wait()
		_ = logFile.Close()
		close(c.exited)
	}()
	t.Cleanup(func() {
		_ = stdin.Close()
		select {
		case <-c.exited:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-c.exited
		}
		if t.Failed() || os.Getenv("PROOF_DEBUG") != "" {
			b, _ := os.ReadFile(logPath)
			t.Logf("serve process %d log (last 6000 bytes):\n%s", cmd.Process.Pid, tail(b, 6000))
		}
	})
	select {
	case a := <-addr:
		c.base = "http://" + a
	case <-c.exited:
		b, _ := os.ReadFile(logPath)
		t.Fatalf("serve process ended before listening:\n%s", tail(b, 6000))
	case <-time.After(2 * time.Minute):
		t.Fatal("serve process not listening after 2 minutes")
	}
	return c
}

// kill ends the process with SIGKILL, as a crash would, and waits for it.
func (c *proofChild) kill(t *testing.T) {
	t.Helper()
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-c.exited
}

func tail(b []byte, n int) []byte { return b[max(0, len(b)-n):] }

// iwsGate sits in front of the sandbox: it counts the PlaceOrder calls that reached it, records
// when each arrived (by customer order number), and can hold PlaceOrder calls before or after
// the sandbox has processed them.
type iwsGate struct {
	sb *sandbox.Sandbox

	mu      sync.Mutex
	placed  map[string]int       // customer order number -> PlaceOrder calls that reached the sandbox
	arrived map[string]time.Time // first PlaceOrder arrival
	hold    string               // "", "before" or "after"
	held    chan string          // a held call's customer order number
	release chan struct{}        // closed at the end of the test
	onPlace func(cust string)
}

func (g *iwsGate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasSuffix(strings.ToLower(r.URL.Path), "/placeorder") {
		g.sb.ServeHTTP(w, r)
		return
	}
	cust := r.URL.Query().Get("customerOrderNumber")
	now := time.Now()
	g.mu.Lock()
	if _, ok := g.arrived[cust]; !ok {
		g.arrived[cust] = now
	}
	hold, onPlace := g.hold, g.onPlace
	g.mu.Unlock()
	if onPlace != nil {
		onPlace(cust)
	}
	if hold == "before" {
		// Never forwarded: the caller dies waiting. (The body is read first: only then does the
		// server watch the connection and end the request's context when the caller is gone.)
		_, _ = io.Copy(io.Discard, r.Body)
		g.held <- cust
		waitGone(r, g.release)
		return
	}
	g.mu.Lock()
	g.placed[cust]++
	g.mu.Unlock()
	if hold == "after" {
		// Processed (the order exists at IWS), never answered: the caller dies waiting.
		g.sb.ServeHTTP(httptest.NewRecorder(), r)
		g.held <- cust
		waitGone(r, g.release)
		return
	}
	g.sb.ServeHTTP(w, r)
}

// waitGone holds a request until its caller is gone or the test ends (release closed).
func waitGone(r *http.Request, release <-chan struct{}) {
	select {
	case <-r.Context().Done():
	case <-release:
	}
}

func (g *iwsGate) setHold(h string) {
	g.mu.Lock()
	g.hold = h
	g.mu.Unlock()
}

// placeCalls returns the PlaceOrder calls the sandbox processed, by customer order number.
func (g *iwsGate) placeCalls() map[string]int {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make(map[string]int, len(g.placed))
	for k, v := range g.placed {
		out[k] = v
	}
	return out
}

// proofEnv is one database with an IWS account on the sandbox and two shops, a WooCommerce and
// a Shopify fake, each listing the same orderable SKUs.
type proofEnv struct {
	dialect migrations.Dialect
	dbURL   string
	st      *store.Store
	sb      *sandbox.Sandbox
	gate    *iwsGate
	woo     *wootest.Server
	wooURL  string
	shopify *shopifytest.Server
	wooShop store.Shop
	spShop  store.Shop
	skus    []string
	env     map[string]string // the serve processes' environment
	wooGate *storefrontGate
}

// storefrontGate holds the WooCommerce fake's order-note calls while armed: the write-back after
// the placement was recorded.
type storefrontGate struct {
	next    http.Handler
	mu      sync.Mutex
	armed   bool
	held    chan string
	release chan struct{}
}

func (g *storefrontGate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	armed := g.armed
	g.mu.Unlock()
	if armed && r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/notes") {
		_, _ = io.Copy(io.Discard, r.Body)
		g.held <- r.URL.Path
		waitGone(r, g.release)
		return
	}
	g.next.ServeHTTP(w, r)
}

const (
	proofShopifyDomain = "proof-shop.myshopify.com"
	proofWooSecret     = "whsec_proof"
	proofShopifySecret = "shpss_proof"
)

// newProofEnv builds the environment on dialect (MySQL skips without CONNECTOR_TEST_MYSQL_DSN).
// faults are the sandbox's from the start.
func newProofEnv(t testing.TB, d migrations.Dialect, faults sandbox.Faults) *proofEnv {
	t.Helper()
	ctx := context.Background()
	key, err := secret.ParseKey(testKey)
	if err != nil {
		t.Fatal(err)
	}
	box, err := secret.NewBox(key)
	if err != nil {
		t.Fatal(err)
	}
	e := &proofEnv{dialect: d}
	if d == migrations.MySQL {
		plain := storetest.New(t, migrations.MySQL, true) // a fresh database, dropped at cleanup
		e.dbURL = storetest.MySQLURL(t, plain)
	} else {
		e.dbURL = "sqlite:" + filepath.Join(t.TempDir(), "c.db")
	}
	e.st, err = store.Open(ctx, e.dbURL, nil, store.WithSecretBox(box))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.st.Close() })
	if err := e.st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}

	e.sb, err = sandbox.New(sandbox.Config{APIKey: sandboxAPIKey, AccessKey: sandboxAccessKey, SKUs: 60, Faults: faults,
		CreditLimit: decimal.NewFromInt(1_000_000_000)})
	if err != nil {
		t.Fatal(err)
	}
	e.gate = &iwsGate{sb: e.sb, placed: map[string]int{}, arrived: map[string]time.Time{}, held: make(chan string, 1000), release: make(chan struct{})}
	iwsSrv := httptest.NewServer(e.gate)
	t.Cleanup(func() {
		iwsSrv.Close()
		_ = e.sb.Close()
	})
	t.Cleanup(func() { close(e.gate.release) }) // before the server closes
	acct, err := e.st.SaveIWSAccount(ctx, store.IWSAccount{Name: "default", Environment: store.EnvironmentTest,
		BaseURL: iwsSrv.URL + "/v1/", APIKey: sandboxAPIKey, AccessKey: sandboxAccessKey})
	if err != nil {
		t.Fatal(err)
	}

	e.woo = wootest.New(wootest.Config{Currency: "USD", Delivery: wootest.DeliverSync})
	e.wooGate = &storefrontGate{next: e.woo, held: make(chan string, 1000), release: make(chan struct{})}
	wooSrv := httptest.NewServer(e.wooGate)
	t.Cleanup(func() {
		wooSrv.Close()
		e.woo.WaitIdle()
	})
	t.Cleanup(func() { close(e.wooGate.release) })
	e.wooURL = wooSrv.URL
	e.shopify = shopifytest.New(shopifytest.Config{Shop: proofShopifyDomain, AccessToken: "shpat_proof", ClientSecret: proofShopifySecret, Currency: "USD",
		RestoreRate: 1000, BucketSize: 20000, PlanName: "Shopify Plus"})
	t.Cleanup(e.shopify.Close)

	wooCreds, err := shops.MarshalCredentials(shops.WooCommerceCredentials{ConsumerKey: "ck_test", ConsumerSecret: "cs_test", WebhookSecret: proofWooSecret})
	if err != nil {
		t.Fatal(err)
	}
	e.wooShop, err = e.st.SaveShop(ctx, store.Shop{Name: "Proof Woo", Platform: store.PlatformWooCommerce, BaseURL: e.wooURL,
		Credentials: wooCreds, IWSAccountID: acct.ID, Currency: "USD", Locale: "es"})
	if err != nil {
		t.Fatal(err)
	}
	spCreds, err := shops.MarshalCredentials(shops.ShopifyCredentials{AccessToken: "shpat_proof", Shop: proofShopifyDomain, ClientSecret: proofShopifySecret})
	if err != nil {
		t.Fatal(err)
	}
	e.spShop, err = e.st.SaveShop(ctx, store.Shop{Name: "Proof Shopify", Platform: store.PlatformShopify, BaseURL: e.shopify.URL(),
		Credentials: spCreds, IWSAccountID: acct.ID, Currency: "USD", Locale: "es"})
	if err != nil {
		t.Fatal(err)
	}

	// Orderable SKUs, with plenty of stock, listed in both shops at their current cost.
	for _, sku := range e.sb.SKUs() {
		p, err := e.sb.Product(sku)
		if err != nil {
			t.Fatal(err)
		}
		if p.Type != "Physical" || p.Price == nil || !p.Price.UnitPrice.IsPositive() || len(p.Locations) == 0 {
			continue
		}
		if err := e.sb.SetStock(sku, p.Locations[0].ID, 100000); err != nil {
			t.Fatal(err)
		}
		for _, shop := range []store.Shop{e.wooShop, e.spShop} {
			if err := e.st.SaveListings(ctx, []store.Listing{{ShopID: shop.ID, SKU: sku, State: store.ListingPublished,
				CostBasis: decimal.NewNullDecimal(p.Price.UnitPrice.Decimal)}}); err != nil {
				t.Fatal(err)
			}
		}
		if e.skus = append(e.skus, sku); len(e.skus) == 4 {
			break
		}
	}
	if len(e.skus) < 2 {
		t.Fatalf("the sandbox has %d orderable SKUs", len(e.skus))
	}
	e.quietSchedules(t, acct.ID)

	// The fakes deliver their webhooks to a sink; the tests replay them (Deliveries) where they
	// choose, as many times as they choose.
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.Copy(io.Discard, r.Body) }))
	t.Cleanup(sink.Close)
	sfs := &shops.Storefronts{Recorder: e.st}
	for _, sh := range []struct {
		shop   store.Shop
		secret string
	}{{e.wooShop, proofWooSecret}, {e.spShop, proofShopifySecret}} {
		sf, err := sfs.For(sh.shop)
		if err != nil {
			t.Fatal(err)
		}
		wh, ok := sf.(platforms.Webhooks)
		if !ok {
			t.Fatalf("%T manages no webhooks", sf)
		}
		if _, err := wh.EnsureWebhooks(ctx, platforms.WebhookTarget{URL: sink.URL + "/hook", Secret: sh.secret}); err != nil {
			t.Fatal(err)
		}
	}

	e.env = map[string]string{
		"CONNECTOR_DATABASE_URL":        e.dbURL,
		"CONNECTOR_SECRET_KEY":          testKey,
		"CONNECTOR_LOG_LEVEL":           "info",
		"CONNECTOR_JOB_WORKERS":         "8",
		"CONNECTOR_JOB_LEASE":           "30s",
		"CONNECTOR_JOB_RESCUE_INTERVAL": "200ms",
		"CONNECTOR_JOB_RETRY_BACKOFF":   "50ms",
		"CONNECTOR_IWS_TIMEOUT":         "20s",
		"CONNECTOR_SHUTDOWN_TIMEOUT":    "5s",
	}
	return e
}

// quietSchedules makes every schedule of the account and its shops due far in the future: the
// proofs are about orders, not catalog syncs pushing to the fakes meanwhile.
func (e *proofEnv) quietSchedules(t testing.TB, accountID int64) {
	t.Helper()
	cfg, err := loadConfig(map[string]string{}, false)
	if err != nil {
		t.Fatal(err)
	}
	perAccount, err := schedule.IWSSchedules(cfg.iwsIntervals(), syncjob.ScheduleKinds())
	if err != nil {
		t.Fatal(err)
	}
	// The shop schedules as serve makes them, the order sweep's included: a proof sweeps when
	// it says so (proofEnv.sweep).
	perShop, err := schedule.ShopSchedules(cfg.shopIntervals(), orderShopKinds(syncjob.ShopScheduleKinds()))
	if err != nil {
		t.Fatal(err)
	}
	far := time.Now().UTC().Add(1000 * time.Hour)
	insert := func(acct, shop int64, name string) {
		if _, err := e.st.DB().Exec(`INSERT INTO schedule_runs (account_id, shop_id, name, next_due_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
			acct, shop, name, far, time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
	}
	for _, sc := range append(perAccount, perShop...) {
		switch {
		case sc.Global:
			insert(0, 0, sc.Name)
		case sc.PerShop:
			insert(accountID, e.wooShop.ID, sc.Name)
			insert(accountID, e.spShop.ID, sc.Name)
		default:
			insert(accountID, 0, sc.Name)
		}
	}
}

// proofOrder is a paid storefront order and the deliveries that say it is paid.
type proofOrder struct {
	shop       store.Shop
	id         string // storefront order id
	deliveries []proofDelivery
}

type proofDelivery struct {
	header http.Header
	body   []byte
}

// newWooOrder checks out a paid WooCommerce order and captures its order.created and
// order.updated deliveries.
func (e *proofEnv) newWooOrder(t testing.TB, sku string, qty int) proofOrder {
	t.Helper()
	before := len(e.woo.Deliveries())
	o, err := e.woo.PlaceOrder(wootest.Checkout{Paid: true, Lines: []wootest.CheckoutLine{{SKU: sku, Quantity: qty, UnitPrice: "250.00"}},
		Billing: wootest.Address{FirstName: "Ana"}})
	if err != nil {
		t.Fatal(err)
	}
	e.woo.WaitIdle()
	po := proofOrder{shop: e.wooShop, id: strconv.Itoa(o.ID)}
	for _, d := range e.woo.Deliveries()[before:] {
		if d.Topic == "order.created" || d.Topic == "order.updated" {
			po.deliveries = append(po.deliveries, proofDelivery{header: d.Header.Clone(), body: d.Body})
		}
	}
	if len(po.deliveries) == 0 {
		t.Fatalf("WooCommerce order %d: no delivery captured", o.ID)
	}
	return po
}

// newShopifyOrder creates a paid Shopify order and captures its orders/paid delivery.
func (e *proofEnv) newShopifyOrder(t testing.TB, sku string, qty int) proofOrder {
	t.Helper()
	before := len(e.shopify.Deliveries())
	o := e.shopify.CreateOrder(shopifytest.NewOrder{Lines: []shopifytest.OrderLine{{SKU: sku, Title: sku, Quantity: qty, Price: decimal.RequireFromString("250.00")}}})
	po := proofOrder{shop: e.spShop, id: o.ID}
	for _, d := range e.shopify.Deliveries()[before:] {
		if d.Topic == "ORDERS_PAID" {
			po.deliveries = append(po.deliveries, proofDelivery{header: d.Header.Clone(), body: d.Body})
		}
	}
	if len(po.deliveries) == 0 {
		t.Fatalf("Shopify order %s: no orders/paid delivery captured", o.ID)
	}
	return po
}

// deliver posts copy n of the order's paid deliveries to base, as a fresh delivery (its own
// delivery id, the same signed body) when fresh is set, else as a retry of the recorded one.
func (e *proofEnv) deliver(t testing.TB, base string, o proofOrder, n int, fresh bool) {
	d := o.deliveries[n%len(o.deliveries)]
	path := webhooks.ShopifyPath
	if o.shop.Platform == store.PlatformWooCommerce {
		path = webhooks.WooCommercePath(o.shop.ID)
	}
	req, err := http.NewRequest(http.MethodPost, base+path, bytes.NewReader(d.body))
	if err != nil {
		t.Error(err)
		return
	}
	req.Header = d.header.Clone()
	if fresh {
		id := uuid.NewString()
		if o.shop.Platform == store.PlatformWooCommerce {
			req.Header.Set("X-WC-Webhook-Delivery-ID", id)
		} else {
			req.Header.Set("X-Shopify-Webhook-Id", id)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Errorf("delivery of order %s to %s: %v", o.id, base, err)
		return
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("delivery of order %s to %s: %d %s", o.id, base, resp.StatusCode, body)
	}
}

// sweep runs the reconciliation sweep of each shop now: a sweep_orders job per shop, run by
// the serve processes like the scheduled ones, waited for.
func (e *proofEnv) sweep(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	client, err := jobs.NewClient(e.st, jobs.Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, shop := range []store.Shop{e.wooShop, e.spShop} {
		res, err := client.Insert(ctx, orders.SweepOrdersArgs{ShopID: shop.ID}, nil)
		if err != nil {
			t.Fatal(err)
		}
		job, err := client.Wait(ctx, res.Job.ID)
		if err != nil || job.State != jobs.StateCompleted {
			t.Errorf("sweep of shop %d: %v, job %+v", shop.ID, err, job)
		}
	}
}

// waitAllWrittenBack waits until every order is placed with an Intcomex number and written
// back, and returns the orders' records.
func (e *proofEnv) waitAllWrittenBack(t *testing.T, ords []proofOrder) []store.Order {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(90 * time.Second)
	for {
		var out []store.Order
		var pending []string
		for _, o := range ords {
			rec, err := e.st.OrderByStorefrontID(ctx, o.shop.ID, o.id)
			if err == nil && rec.IntcomexOrderNumber != "" && !rec.WrittenBackAt.IsZero() {
				out = append(out, rec)
				continue
			}
			pending = append(pending, fmt.Sprintf("shop %d order %s: %s %s (%v)", o.shop.ID, o.id, rec.State, rec.HoldReason, err))
		}
		if len(pending) == 0 {
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d orders not placed and written back within 90s:\n%s", len(pending), len(ords), strings.Join(pending, "\n"))
		}
		time.Sleep(50 * time.Millisecond) // polling the database for the condition
	}
}

// assertExactlyOnce checks the sandbox's side: one Intcomex order per storefront order, under
// its customer order number, and (when strict) one PlaceOrder call that reached IWS per order;
// and the storefront's side: the Intcomex number written back.
func (e *proofEnv) assertExactlyOnce(t *testing.T, recs []store.Order, strict bool) {
	t.Helper()
	byCust := map[string][]string{}
	for _, o := range e.sb.Orders() {
		byCust[o.CustomerOrderNumber] = append(byCust[o.CustomerOrderNumber], o.OrderNumber)
	}
	calls := e.gate.placeCalls()
	total := 0
	for _, n := range calls {
		total += n
	}
	if len(e.sb.Orders()) != len(recs) {
		t.Errorf("the sandbox has %d orders for %d storefront orders", len(e.sb.Orders()), len(recs))
	}
	for _, rec := range recs {
		got := byCust[rec.CustomerOrderNumber]
		if len(got) != 1 || got[0] != rec.IntcomexOrderNumber {
			t.Errorf("order %d (%s): the sandbox has %v, the connector recorded %s", rec.ID, rec.CustomerOrderNumber, got, rec.IntcomexOrderNumber)
		}
		if strict && calls[rec.CustomerOrderNumber] != 1 {
			t.Errorf("order %d (%s): %d PlaceOrder calls reached IWS, want 1", rec.ID, rec.CustomerOrderNumber, calls[rec.CustomerOrderNumber])
		}
		if rec.State != store.OrderPlaced {
			t.Errorf("order %d: state %s, want placed", rec.ID, rec.State)
		}
	}
	// The storefronts carry the Intcomex numbers.
	wooMeta := map[string]string{}
	for _, o := range e.woo.Orders() {
		for _, m := range o.MetaData {
			if m.Key == orders.MetaOrderNumber(store.PlatformWooCommerce) {
				v, _ := strconv.Unquote(string(m.Value))
				wooMeta[strconv.Itoa(o.ID)] = v
			}
		}
	}
	spMeta := map[string]string{}
	for _, o := range e.shopify.Orders() {
		for _, m := range o.Metafields {
			if m.Namespace == "intcomex" && m.Key == "order_number" {
				spMeta[o.ID] = m.Value
			}
		}
	}
	for _, rec := range recs {
		meta := wooMeta
		if rec.ShopID == e.spShop.ID {
			meta = spMeta
		}
		if meta[rec.StorefrontOrderID] != rec.IntcomexOrderNumber {
			t.Errorf("storefront order %s of shop %d carries %q, want %s", rec.StorefrontOrderID, rec.ShopID, meta[rec.StorefrontOrderID], rec.IntcomexOrderNumber)
		}
	}
	if strict && total != len(recs) {
		t.Errorf("%d PlaceOrder calls reached IWS for %d orders", total, len(recs))
	}
}

var proofDialects = []migrations.Dialect{migrations.SQLite, migrations.MySQL}

// Duplicate storm: 20 paid orders (WooCommerce and Shopify), each delivered 5 times at once,
// plus a sweep, to two serve processes sharing one MariaDB (one process on SQLite, which is one
// process per database by design: serve locks the folder). The sandbox sees exactly one
// PlaceOrder per order; every order ends placed and written back.
func TestOrderProofDuplicateStorm(t *testing.T) {
	if os.Getenv(envProofChild) != "" {
		t.Skip("inside a helper process")
	}
	t.Parallel()
	for _, d := range proofDialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			e := newProofEnv(t, d, sandbox.Faults{})
			var procs []*proofChild
			procs = append(procs, startProofChild(t, e.env))
			if d == migrations.MySQL {
				procs = append(procs, startProofChild(t, e.env))
			}
			const n = 20
			var ords []proofOrder
			for i := range n {
				sku := e.skus[i%len(e.skus)]
				if i%2 == 0 {
					ords = append(ords, e.newWooOrder(t, sku, 1+i%3))
				} else {
					ords = append(ords, e.newShopifyOrder(t, sku, 1+i%3))
				}
			}
			var wg sync.WaitGroup
			for _, o := range ords {
				for k := range 5 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						// Copies 0-2 are fresh deliveries, 3-4 retries of a recorded one.
						e.deliver(t, procs[k%len(procs)].base, o, k, k < 3)
					}()
				}
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				e.sweep(t)
			}()
			wg.Wait()
			recs := e.waitAllWrittenBack(t, ords)
			e.assertExactlyOnce(t, recs, true)
			if len(procs) == 2 {
				// Both processes took part (each ran place_order jobs).
				var by int
				if err := e.st.DB().QueryRow(`SELECT COUNT(DISTINCT attempted_by) FROM jobs WHERE kind = ?`, orders.KindPlaceOrder).Scan(&by); err != nil {
					t.Fatal(err)
				}
				t.Logf("place_order jobs run by %d processes", by)
			}
		})
	}
}

// Crash: the worker process is killed (SIGKILL) before PlaceOrder reaches IWS, after IWS placed
// the order but before the answer came back (so before it is recorded), and after the placement
// was recorded but before the write-back; a new process takes over once the leases expire.
// Every order ends placed exactly once and written back; none is lost.
func TestOrderProofCrash(t *testing.T) {
	if os.Getenv(envProofChild) != "" {
		t.Skip("inside a helper process")
	}
	t.Parallel()
	for _, d := range proofDialects {
		for _, point := range []string{"before_place", "after_place", "after_record"} {
			t.Run(string(d)+"/"+point, func(t *testing.T) {
				t.Parallel()
				e := newProofEnv(t, d, sandbox.Faults{})
				e.env["CONNECTOR_JOB_LEASE"] = "2s"
				// A PlaceOrder call in flight at the crash holds the order for two IWS timeouts
				// (orders.PlacerConfig.AttemptWindow) before the next process asks IWS.
				e.env["CONNECTOR_IWS_TIMEOUT"] = "4s"
				var held chan string
				switch point {
				case "before_place":
					e.gate.setHold("before")
					held = e.gate.held
				case "after_place":
					e.gate.setHold("after")
					held = e.gate.held
				case "after_record":
					e.wooGate.mu.Lock()
					e.wooGate.armed = true
					e.wooGate.mu.Unlock()
					held = e.wooGate.held
				}
				first := startProofChild(t, e.env)
				var ords []proofOrder
				for i := range 3 {
					o := e.newWooOrder(t, e.skus[i%len(e.skus)], 1)
					ords = append(ords, o)
					e.deliver(t, first.base, o, 0, false)
				}
				select {
				case <-held:
				case <-time.After(90 * time.Second):
					t.Fatal("the serve process never reached the crash point")
				}
				first.kill(t)
				e.gate.setHold("")
				e.wooGate.mu.Lock()
				e.wooGate.armed = false
				e.wooGate.mu.Unlock()
				if point == "after_record" {
					// The crash came after the placement was recorded: the next process only writes back.
					placed := 0
					for _, o := range ords {
						if rec, err := e.st.OrderByStorefrontID(context.Background(), o.shop.ID, o.id); err == nil && rec.IntcomexOrderNumber != "" {
							placed++
						}
					}
					if placed == 0 {
						t.Fatal("killed at a write-back, yet no placement recorded")
					}
				}
				startProofChild(t, e.env)
				recs := e.waitAllWrittenBack(t, ords)
				e.assertExactlyOnce(t, recs, true)
			})
		}
	}
}

// Lost answers and a misbehaving IWS: PlaceOrder commits and drops the connection; throttling,
// 5xx bursts and slow answers. Orders complete, none doubled.
func TestOrderProofFaults(t *testing.T) {
	if os.Getenv(envProofChild) != "" {
		t.Skip("inside a helper process")
	}
	t.Parallel()
	for _, d := range proofDialects {
		for _, tc := range []struct {
			name   string
			faults sandbox.Faults
			strict bool // one PlaceOrder call per order reached IWS
		}{
			{"drop_after_commit", sandbox.Faults{DropAfterCommit: true}, true},
			{"throttle_5xx_slow", sandbox.Faults{Latency: 100 * time.Millisecond, FailRate: 0.15, Next: map[string][]sandbox.Fault{
				"placeorder": {{Kind: sandbox.FaultThrottle}, {Kind: sandbox.FaultUnavailable}, {Kind: sandbox.FaultGateway},
					{Kind: sandbox.FaultUnavailable, Status: 500}, {Kind: sandbox.FaultDropAfterCommit}},
				"getproducts": {{Kind: sandbox.FaultThrottle}, {Kind: sandbox.FaultUnavailable}, {Kind: sandbox.FaultUnavailable}},
			}}, false},
		} {
			t.Run(string(d)+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				e := newProofEnv(t, d, tc.faults)
				proc := startProofChild(t, e.env)
				var ords []proofOrder
				for i := range 6 {
					var o proofOrder
					if i%2 == 0 {
						o = e.newWooOrder(t, e.skus[i%len(e.skus)], 1)
					} else {
						o = e.newShopifyOrder(t, e.skus[i%len(e.skus)], 1)
					}
					ords = append(ords, o)
					e.deliver(t, proc.base, o, 0, false)
				}
				recs := e.waitAllWrittenBack(t, ords)
				e.assertExactlyOnce(t, recs, tc.strict)
			})
		}
	}
}
