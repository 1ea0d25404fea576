// Package sandbox is a faithful simulator of Intcomex Web Services (IWS): an http.Handler with a
// deterministic catalog generator, the IWS signature checks and error bodies, orders with their status
// machine, invoices, the OrderStatusUpdate webhook, throttling and fault knobs. Tests, `connector demo`
// and merchants trying things safely all use it.
//
// The official OpenAPI spec is the contract; where it contradicts itself the choice made is written
// next to the code that makes it (see also the package tests, which validate every answer against the
// spec).
package sandbox

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/shopspring/decimal"
)

// Config configures a Sandbox. The zero value of every field but the keys is usable.
type Config struct {
	// APIKey and AccessKey are the account's credentials; both are required and compared byte for
	// byte, as IWS hashes them as issued.
	APIKey    string
	AccessKey string

	// SKUs is the catalog size (default 2000, at most MaxSKUs); Seed makes it reproducible.
	SKUs int
	Seed int64

	// Clock returns the current time (default time.Now). Token expiry, throttling, order dates and
	// the status machine all read it.
	Clock func() time.Time
	// MaxSkew is how far in the future a token timestamp may be (default 1 minute); TokenLifetime is
	// how long after its timestamp a token is accepted (default 5 minutes, as IWS documents).
	MaxSkew       time.Duration
	TokenLifetime time.Duration
	// RequireHTTPS answers plain-HTTP requests with 403, as IWS does. X-Forwarded-Proto is honoured.
	RequireHTTPS bool
	// AllowedIPs, when not empty, rejects other callers with 401/14 ("IP address not registered.").
	AllowedIPs []string

	// StatusInterval is how long an order stays in each status before it advances
	// (1 Open → 2 In process → 4 Ready to deliver → 5 Invoiced/Closed → 7 Delivered). Zero means
	// orders advance only on demand (AdvanceOrders, POST /_sandbox/advance).
	StatusInterval time.Duration
	// HoldNewOrders places orders on hold (OnHold true, B2C style); they do not advance until released
	// with ReleaseOrder, which needs registered payments covering the total.
	HoldNewOrders bool
	// CreditLimit bounds the total of outstanding orders (not canceled, not yet delivered); an order
	// that would exceed it fails with 500/660. Zero means unlimited.
	CreditLimit decimal.Decimal
	// RequireCustomerOrderNumber makes PlaceOrder fail with 400/91 without a customer order number.
	RequireCustomerOrderNumber bool

	// ThrottleInterval is the minimum time between successful calls of the same method with the same
	// API key; faster calls get ErrorCode 100. ThrottleMethods overrides it per method (lower-case
	// name, e.g. "getcatalog": time.Hour). ThrottleStatus is the HTTP status of the throttle answer:
	// 400 (the spec's error table, default) or 429 (the spec's commented-out responses).
	ThrottleInterval time.Duration
	ThrottleMethods  map[string]time.Duration
	ThrottleStatus   int

	// WebhookURL receives an OrderStatusUpdate POST on each status change (except out of 5 and 6),
	// signed with the account keys like any IWS request. WebhookShape picks the shape of Data, which
	// the spec shows three ways: "object" (default, the x-webhooks example), "array" (the schema) or
	// "string" (the introduction's example, Status as a JSON string). WebhookClient defaults to a client
	// with a 10 s timeout.
	WebhookURL    string
	WebhookShape  string
	WebhookClient *http.Client

	// StatePath is a JSON file that keeps orders, stock and price changes, removals and counters
	// across restarts: loaded by New, rewritten atomically after each change and on Close.
	StatePath string
	// PublicURL is the base of the URLs the sandbox hands out (images, invoices, tracking); empty
	// means derived from each request's Host.
	PublicURL string
	// Control enables the /_sandbox/ JSON control endpoint (no IWS auth).
	Control bool

	// Locale is the account's default locale, "es" (default) or "en".
	Locale string
	// PaginationInArray wraps the GetCatalog/GetInventory page object in a one-element array, as the
	// spec's examples do; by default the bare object of the schema is returned.
	PaginationInArray bool
	// NoLocations answers Locations: null, as IWS does for accounts without per-warehouse stock.
	NoLocations bool
	// StrictIncludeFlags makes GetProduct(s) include Price and InStock/Locations only when
	// includePriceData/includeInventoryData are explicitly true. The spec declares both flags
	// `default: true`, which is the default behaviour.
	StrictIncludeFlags bool

	// Faults are the initial fault knobs; SetFaults and POST /_sandbox/faults change them later.
	Faults Faults

	Logger *slog.Logger
}

const defaultSKUs = 2000

// DefaultStatusInterval is the status pace `connector sandbox` uses: an order goes from Open to
// Invoiced/Closed in two minutes. The zero Config advances orders only on demand.
const DefaultStatusInterval = 30 * time.Second

func (cfg *Config) withDefaults() error {
	var problems []error
	if cfg.APIKey == "" {
		problems = append(problems, errors.New("APIKey is required"))
	}
	if cfg.AccessKey == "" {
		problems = append(problems, errors.New("AccessKey is required"))
	}
	if cfg.SKUs == 0 {
		cfg.SKUs = defaultSKUs
	}
	if cfg.SKUs < 1 || cfg.SKUs > MaxSKUs {
		problems = append(problems, fmt.Errorf("SKUs must be between 1 and %d, got %d", MaxSKUs, cfg.SKUs))
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.MaxSkew == 0 {
		cfg.MaxSkew = time.Minute
	}
	if cfg.TokenLifetime == 0 {
		cfg.TokenLifetime = 5 * time.Minute
	}
	if cfg.MaxSkew < 0 || cfg.TokenLifetime < 0 || cfg.StatusInterval < 0 || cfg.ThrottleInterval < 0 {
		problems = append(problems, errors.New("durations must not be negative"))
	}
	switch cfg.ThrottleStatus {
	case 0:
		cfg.ThrottleStatus = http.StatusBadRequest
	case http.StatusBadRequest, http.StatusTooManyRequests:
	default:
		problems = append(problems, fmt.Errorf("ThrottleStatus must be 400 or 429, got %d", cfg.ThrottleStatus))
	}
	if cfg.CreditLimit.IsNegative() {
		problems = append(problems, errors.New("CreditLimit must not be negative"))
	}
	switch cfg.WebhookShape {
	case "":
		cfg.WebhookShape = WebhookObject
	case WebhookObject, WebhookArray, WebhookString:
	default:
		problems = append(problems, fmt.Errorf("WebhookShape must be %q, %q or %q, got %q",
			WebhookObject, WebhookArray, WebhookString, cfg.WebhookShape))
	}
	switch strings.ToLower(cfg.Locale) {
	case "":
		cfg.Locale = "es"
	case "es", "en":
		cfg.Locale = strings.ToLower(cfg.Locale)
	default:
		problems = append(problems, fmt.Errorf("unknown Locale %q: want es or en", cfg.Locale))
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	// Own copies: the caller may reuse its maps and slices.
	methods := make(map[string]time.Duration, len(cfg.ThrottleMethods))
	for m, d := range cfg.ThrottleMethods {
		if d < 0 {
			problems = append(problems, fmt.Errorf("ThrottleMethods[%s] must not be negative", m))
		}
		methods[strings.ToLower(m)] = d
	}
	cfg.ThrottleMethods = methods
	cfg.AllowedIPs = slices.Clone(cfg.AllowedIPs)
	if err := cfg.Faults.validate(); err != nil {
		problems = append(problems, err)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if len(problems) > 0 {
		return fmt.Errorf("sandbox: invalid config: %w", errors.Join(problems...))
	}
	return nil
}

// Sandbox simulates IWS. Create it with New, serve it as an http.Handler, and Close it.
type Sandbox struct {
	cfg Config
	log *slog.Logger
	now func() time.Time
	cat *catalog

	mu        sync.Mutex
	inv       *inventory
	book      *orderBook
	faults    Faults
	rng       *rand.Rand
	lastOK    map[throttleKey]time.Time
	inflight  map[string]bool
	processes map[int64]*process
	// commitGate, set by tests (HoldCommits), holds every PlaceOrder in flight until it closes.
	commitGate chan struct{}

	hooks *webhookSender
	saver *stateSaver

	stop      chan struct{}
	wg        sync.WaitGroup
	closeOnce sync.Once
}

// New generates the catalog, loads the state file if there is one, and starts the status ticker,
// the webhook sender and the state saver as configured.
func New(cfg Config) (*Sandbox, error) {
	if err := cfg.withDefaults(); err != nil {
		return nil, err
	}
	cat, err := generate(cfg.Seed, cfg.SKUs)
	if err != nil {
		return nil, err
	}
	s := &Sandbox{
		cfg:       cfg,
		log:       cfg.Logger,
		now:       cfg.Clock,
		cat:       cat,
		inv:       newInventory(cat),
		book:      newOrderBook(),
		faults:    cfg.Faults.clone(),
		rng:       rand.New(rand.NewPCG(uint64(cfg.Seed), 0x5eed)),
		lastOK:    make(map[throttleKey]time.Time),
		inflight:  make(map[string]bool),
		processes: make(map[int64]*process),
		stop:      make(chan struct{}),
	}
	if cfg.StatePath != "" {
		if err := s.loadState(); err != nil {
			return nil, err
		}
		s.saver = newStateSaver(s)
		s.wg.Add(1)
		go s.saver.run()
	}
	if cfg.WebhookURL != "" {
		s.hooks = newWebhookSender(s)
		s.wg.Add(1)
		go s.hooks.run()
	}
	if cfg.StatusInterval > 0 {
		s.wg.Add(1)
		go s.tick()
	}
	return s, nil
}

// Close stops the background goroutines, waits for in-flight asynchronous orders, and writes the
// state file one last time. It is safe to call more than once.
func (s *Sandbox) Close() error {
	var err error
	s.closeOnce.Do(func() {
		close(s.stop)
		s.wg.Wait()
		if s.cfg.StatePath != "" {
			err = s.saveState()
		}
	})
	return err
}

// tick advances orders on the configured clock even when nobody calls the sandbox, so webhooks go
// out on time.
func (s *Sandbox) tick() {
	defer s.wg.Done()
	every := s.cfg.StatusInterval / 4
	every = min(max(every, 10*time.Millisecond), time.Second)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.catchUp()
		}
	}
}

// changed records a mutation: the state file is rewritten soon after. Call with s.mu held.
func (s *Sandbox) changed() {
	if s.saver != nil {
		s.saver.mark()
	}
}

// ServeHTTP routes IWS methods under /v1/ (case-insensitively, like the ASP.NET service behind
// Apigee), the generated images, invoices and tracking pages, and the control endpoint.
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	lower := strings.ToLower(r.URL.Path)
	switch {
	case lower == "/_sandbox" || strings.HasPrefix(lower, "/_sandbox/"):
		if s.cfg.Control {
			s.serveControl(w, r)
			return
		}
	case strings.HasPrefix(lower, "/images/"):
		s.serveImage(w, r)
		return
	case strings.HasPrefix(lower, "/invoices/"):
		s.serveInvoiceDocument(w, r)
		return
	case strings.HasPrefix(lower, "/tracking/"):
		s.serveTracking(w, r)
		return
	case strings.HasPrefix(lower, "/v1/"):
		name := strings.Trim(lower[len("/v1/"):], "/")
		if rt, ok := routes[name]; ok {
			s.serveIWS(w, r, rt)
			return
		}
	}
	writeNotFound(w, r)
}

// baseURL is the public base of URLs handed out in answers.
func (s *Sandbox) baseURL(r *http.Request) string {
	if s.cfg.PublicURL != "" {
		return s.cfg.PublicURL
	}
	if r == nil {
		return "http://localhost"
	}
	scheme := "http"
	if isHTTPS(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func isHTTPS(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

func (s *Sandbox) locale(c *call) int {
	l := strings.ToLower(c.param("locale"))
	if l != "es" && l != "en" {
		// Absent or unknown: the customer's configured locale applies, as the spec says for absent.
		l = s.cfg.Locale
	}
	if l == "en" {
		return localeEN
	}
	return localeES
}

// stamp is the current time as the sandbox records it: UTC, whole seconds, like IWS dates.
func (s *Sandbox) stamp() time.Time { return s.now().UTC().Truncate(time.Second) }
