// Package wootest is a stateful fake of the WooCommerce 11 REST API v3 (and of the wc-auth key
// handoff), modelled on the HTTP exchanges recorded from WooCommerce 11.0.1 in testdata/. It is
// meant for tests, benchmarks and `connector demo`: it keeps products, variations, categories,
// orders, notes and webhooks in memory, enforces the recorded limits and errors, and delivers
// signed webhooks the way the recordings show.
//
// Webhook deliveries follow Config.Delivery: DeliverAsync (default) drains the queue in a
// goroutine after every change, and WaitIdle blocks until it is empty; DeliverSync delivers before
// the API call that caused it returns (WooCommerce with woocommerce_webhook_deliver_async=false);
// DeliverManual queues until the test calls DeliverPending. Pings are always sent inside the request
// that creates or re-enables the webhook, as recorded (fixture 38).
package wootest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/internal/statefile"
)

// Version strings the fake reports, as recorded.
const (
	WooCommerceVersion = "11.0.1"
	WordPressVersion   = "7.1.4"
	// UserAgent is the User-Agent of webhook deliveries and pings.
	UserAgent = "WooCommerce/" + WooCommerceVersion + " Hookshot (WordPress/" + WordPressVersion + ")"
)

// DeliveryMode selects when webhook deliveries are sent.
type DeliveryMode int

const (
	// DeliverAsync sends queued deliveries from a background goroutine; see Server.WaitIdle.
	DeliverAsync DeliveryMode = iota
	// DeliverSync sends deliveries before the API response that caused them is written.
	DeliverSync
	// DeliverManual keeps deliveries queued until Server.DeliverPending is called.
	DeliverManual
)

// Config configures a fake store. Zero values get the defaults of the recorded store.
type Config struct {
	// ConsumerKey and ConsumerSecret are the first API key (read_write). Empty means
	// "ck_test" / "cs_test".
	ConsumerKey    string
	ConsumerSecret string
	// Currency is the ISO code (default "EUR"); PriceDecimals the store's decimals (default 2;
	// set NoDecimals for 0, e.g. CLP).
	Currency      string
	PriceDecimals int
	NoDecimals    bool
	// WeightUnit (kg, g, lbs, oz; default kg) and DimensionUnit (m, cm, mm, in, yd; default cm)
	// are woocommerce_weight_unit and woocommerce_dimension_unit of /settings/products.
	WeightUnit    string
	DimensionUnit string
	// HTTPS makes the fake behave as if served over TLS (is_ssl() true): Basic and query-string
	// auth are accepted and links are https. Without it, only requests carrying
	// X-Forwarded-Proto: https (as in the recordings) or arriving over TLS count as HTTPS.
	HTTPS bool
	// SiteURL is the store's home URL without trailing slash, e.g. "http://127.0.0.1:8089". Empty
	// means it is taken from the Host of the first request. Start sets it.
	SiteURL string
	// WebhookClient sends webhook deliveries, pings and the wc-auth callback. Default: a client with
	// a 5 s timeout that does not follow redirects (WooCommerce uses redirection 0).
	WebhookClient *http.Client
	// MaxWebhookFailures is woocommerce_max_webhook_delivery_failures (default 5).
	MaxWebhookFailures int
	// Delivery selects when webhooks are delivered (default DeliverAsync).
	Delivery DeliveryMode
	// Clock returns the current time (default time.Now). The store's timezone is UTC.
	Clock func() time.Time
	// BatchLimit is woocommerce_rest_batch_items_limit (default 100).
	BatchLimit int
	// ImageCheck decides whether an images[].src can be "downloaded". A non-nil error fails the
	// product write with woocommerce_product_image_upload_error. Default: an HTTP GET through
	// WebhookClient with a 3 s timeout that must answer 2xx. Tests should set AllowImages or their
	// own func for determinism.
	ImageCheck func(src string) error
	// AutoApprove makes GET /wc-auth/v1/authorize behave as if the merchant were logged in and
	// clicked Approve; otherwise it redirects to the login page (fixture 52).
	AutoApprove bool
	// AllowHTTPCallback lets wc-auth POST to an http:// callback_url (real WooCommerce refuses,
	// fixture 58).
	AllowHTTPCallback bool
	// SiteName is the site title of the REST index, GET /wp-json/ (default DefaultSiteName).
	SiteName string
	// WithoutWooCommerce makes the fake a WordPress whose WooCommerce is not active: the REST
	// index lists no wc/ namespace and every /wp-json/wc/v3 route answers 404 rest_no_route,
	// authenticated or not, as WordPress answers a route nobody registered.
	WithoutWooCommerce bool
	// ImageDelay is what downloading one image sent by src costs the request (WordPress's
	// sideload: download, attachment, resized copies); 0 is free. Measured on a small real store
	// (WooCommerce 11, 2 cores): about 107 ms, 700 images in 75 s with one request at a time.
	ImageDelay time.Duration
	// Served, when set, is called with every request the fake has finished serving (tests wait
	// on it for a request whose client went away).
	Served func(RequestLog)
	// Workers bounds how many REST requests the store serves at once, like PHP-FPM's
	// pm.max_children; more wait their turn (0: no bound). With ImageDelay it makes parallel
	// image batches faster only up to the worker count, as on a real store.
	Workers int
	// StatePath, when set, is a JSON file that keeps the store (products, images, categories,
	// orders, webhooks, API keys, settings) across restarts: read by Open and New, rewritten
	// after every request that changes something (in the background, coalesced) and by Save and
	// Close. Empty keeps everything in memory only.
	StatePath string
}

// AllowImages is an ImageCheck that accepts every src.
func AllowImages(string) error { return nil }

// Server is the fake store. It is safe for concurrent use.
type Server struct {
	cfg Config

	mu         sync.Mutex
	siteURL    string
	nextPostID int // products, variations, attachments, orders share WordPress post ids
	keys       map[string]*apiKey
	nextKeyID  int
	nonces     map[string]time.Time
	products   map[int]*product
	// skuIndex and slugIndex map a SKU or slug to the product id that last took it, so uniqueness
	// checks do not scan every product (50,000-product pushes in benchmarks). Every write of a SKU
	// or slug goes through indexLocked; lookups verify the entry against the product itself.
	skuIndex, slugIndex map[string]int
	attachments         map[int]*attachment
	fileNames           map[string]int
	categories          map[int]*category
	nextTermID          int
	orders              map[int]*order
	nextItemID          int
	nextMetaID          int
	nextNoteID          int
	webhooks            map[int]*webhook
	nextHookID          int
	settingsVal         map[string]string
	faults              []Fault
	requests            []RequestLog
	counters            map[string]int
	sideloads           int
	workers             chan struct{} // Config.Workers slots; nil without a bound
	inflight, peak      int           // REST requests being served, and the most at once

	persist *statefile.Writer // nil without Config.StatePath

	queue      []delivery
	deliveries []Delivery
	deliverMu  sync.Mutex // serialises delivery runs
	idle       *sync.Cond
	running    bool
}

// RequestLog is one request the fake answered.
type RequestLog struct {
	Method string
	Path   string
	Query  string
	Status int
}

// New returns a fake store seeded with the "Uncategorized" category (id 15, as recorded), or
// with the state of Config.StatePath. It panics when that file cannot be read: use Open to get
// the error.
func New(cfg Config) *Server {
	s, err := Open(cfg)
	if err != nil {
		panic(err)
	}
	return s
}

func newServer(cfg Config) *Server {
	if cfg.ConsumerKey == "" {
		cfg.ConsumerKey = "ck_test"
	}
	if cfg.ConsumerSecret == "" {
		cfg.ConsumerSecret = "cs_test"
	}
	if cfg.Currency == "" {
		cfg.Currency = "EUR"
	}
	if cfg.PriceDecimals == 0 && !cfg.NoDecimals {
		cfg.PriceDecimals = 2
	}
	if cfg.WeightUnit == "" {
		cfg.WeightUnit = "kg"
	}
	if cfg.DimensionUnit == "" {
		cfg.DimensionUnit = "cm"
	}
	if cfg.MaxWebhookFailures == 0 {
		cfg.MaxWebhookFailures = 5
	}
	if cfg.BatchLimit == 0 {
		cfg.BatchLimit = 100
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.WebhookClient == nil {
		cfg.WebhookClient = &http.Client{
			Timeout:       5 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	s := &Server{
		cfg:         cfg,
		siteURL:     strings.TrimSuffix(cfg.SiteURL, "/"),
		nextPostID:  20,
		keys:        map[string]*apiKey{},
		nextKeyID:   1,
		nonces:      map[string]time.Time{},
		products:    map[int]*product{},
		attachments: map[int]*attachment{},
		fileNames:   map[string]int{},
		categories:  map[int]*category{},
		nextTermID:  16,
		orders:      map[int]*order{},
		nextItemID:  1,
		nextMetaID:  100,
		nextNoteID:  1,
		webhooks:    map[int]*webhook{},
		nextHookID:  1,
		settingsVal: map[string]string{},
		counters:    map[string]int{},
	}
	s.idle = sync.NewCond(&s.mu)
	if cfg.Workers > 0 {
		s.workers = make(chan struct{}, cfg.Workers)
	}
	s.addKeyLocked(cfg.ConsumerKey, cfg.ConsumerSecret, "read_write", "")
	s.categories[15] = &category{ID: 15, Name: "Uncategorized", Slug: "uncategorized", Display: "default"}
	return s
}

// Start runs the fake on an httptest server closed at the end of the test and returns it with its
// base URL (e.g. "http://127.0.0.1:41234"; the REST root is baseURL+"/wp-json/wc/v3").
func Start(t testing.TB, cfg Config) (*Server, string) {
	t.Helper()
	s := New(cfg)
	ts := httptest.NewServer(s)
	t.Cleanup(func() {
		ts.Close()
		s.WaitIdle()
	})
	s.mu.Lock()
	if s.siteURL == "" {
		s.siteURL = ts.URL
	}
	s.mu.Unlock()
	return s, ts.URL
}

// StartTLS is Start over TLS; use the returned client (it trusts the test certificate).
func StartTLS(t testing.TB, cfg Config) (*Server, string, *http.Client) {
	t.Helper()
	s := New(cfg)
	ts := httptest.NewTLSServer(s)
	t.Cleanup(func() {
		ts.Close()
		s.WaitIdle()
	})
	s.mu.Lock()
	if s.siteURL == "" {
		s.siteURL = strings.Replace(ts.URL, "https://", "http://", 1)
	}
	s.mu.Unlock()
	return s, ts.URL, ts.Client()
}

// Handler returns the fake as an http.Handler.
func (s *Server) Handler() http.Handler { return s }

// ConsumerKey returns the configured key pair.
func (s *Server) ConsumerKey() (key, secret string) { return s.cfg.ConsumerKey, s.cfg.ConsumerSecret }

// Requests returns the request log.
func (s *Server) Requests() []RequestLog {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]RequestLog(nil), s.requests...)
}

// Count returns how many requests "METHOD /path" received since the last ResetCounters, e.g.
// Count("POST", "/wp-json/wc/v3/products/batch").
func (s *Server) Count(method, path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counters[method+" "+path]
}

// Counters returns a copy of the per-"METHOD /path" counters.
func (s *Server) Counters() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.counters))
	for k, v := range s.counters {
		out[k] = v
	}
	return out
}

// PeakRequests returns the most requests the fake served at once.
func (s *Server) PeakRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peak
}

// ResetCounters clears the request log and the counters.
func (s *Server) ResetCounters() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
	s.counters = map[string]int{}
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &statusRecorder{ResponseWriter: w}
	if s.workers != nil {
		select {
		case s.workers <- struct{}{}:
		case <-r.Context().Done():
			return
		}
		defer func() { <-s.workers }()
	}
	s.mu.Lock()
	if s.siteURL == "" && r.Host != "" {
		s.siteURL = "http://" + r.Host
	}
	s.inflight++
	s.peak = max(s.peak, s.inflight)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inflight--
		s.mu.Unlock()
	}()
	if f, ok := s.takeFault(r); ok {
		s.serveFault(rec, r, f)
	} else {
		s.route(rec, r)
	}
	entry := RequestLog{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Status: rec.status}
	s.mu.Lock()
	s.requests = append(s.requests, entry)
	s.counters[r.Method+" "+r.URL.Path]++
	s.mu.Unlock()
	if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodOptions {
		s.saveSoon()
	}
	if s.cfg.Served != nil {
		s.cfg.Served(entry)
	}
	if s.cfg.Delivery == DeliverAsync {
		s.kick()
	}
}

// isHTTPS reports whether WordPress's is_ssl() would be true for r.
func (s *Server) isHTTPS(r *http.Request) bool {
	return s.cfg.HTTPS || r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// restBase is the scheme+host WordPress builds links with for this request.
func (s *Server) restBase(r *http.Request) string {
	host := r.Host
	if host == "" {
		host = strings.TrimPrefix(strings.TrimPrefix(s.site(), "http://"), "https://")
	}
	if s.isHTTPS(r) {
		return "https://" + host
	}
	return "http://" + host
}

func (s *Server) site() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.siteURL == "" {
		return "http://127.0.0.1"
	}
	return s.siteURL
}

func (s *Server) now() time.Time { return s.cfg.Clock().UTC().Truncate(time.Second) }
