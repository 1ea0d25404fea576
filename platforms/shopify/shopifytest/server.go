// Package shopifytest is a stateful fake of the Shopify Admin GraphQL API for
// tests: it validates every document against the 2026-07 schema, charges a
// query cost against a leaky bucket (THROTTLED when empty), enforces the
// 250-item input limit and @idempotent on inventorySetQuantities, keeps
// products, inventory, orders, bulk operations and webhook subscriptions in
// memory, delivers signed webhooks and serves the OAuth install endpoints.
//
// It is not a GraphQL engine: each modeled root field has a resolver that
// builds a plain object which is then projected through the request's
// selection set, so any selection of modeled fields works. Root fields that
// validate but are not modeled answer a NOT_IMPLEMENTED error.
//
// Cost model (documented approximation of Shopify's calculated cost):
// a mutation costs 10; in a query a scalar or enum costs 0, an object 1, a
// connection 2 + first (or last, default 10) × the cost of one node
// (nodes, edges, node and pageInfo add nothing themselves). The
// requested cost is charged in full (no refund of unused connection slots);
// a single request above 1000 points answers MAX_COST_EXCEEDED.
package shopifytest

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"github.com/intcomex-connector/connector/internal/statefile"
	"github.com/intcomex-connector/connector/platforms/shopify"
)

// Config configures a fake shop. Zero fields take the defaults in New.
type Config struct {
	Shop         string // "demo.myshopify.com"
	AccessToken  string // a token valid from the start (a custom app's)
	APIVersion   string // "2026-07"
	ClientID     string // the app's client id for OAuth
	ClientSecret string // signs webhooks and OAuth redirects
	Scopes       string // granted scopes, comma separated
	RestoreRate  float64
	BucketSize   float64 // Standard plan: RestoreRate 100, BucketSize 2000
	Clock        func() time.Time
	Currency     string // shop currency, "USD"
	PlanName     string // "Basic", "Shopify", "Advanced", "Shopify Plus"
	// ExpiringTokens makes every code exchange issue expiring offline
	// tokens, as if the request had sent expiring=1.
	ExpiringTokens  bool
	TokenTTL        time.Duration // 1 h
	RefreshTokenTTL time.Duration // 90 days
	// BulkLineDelay slows bulk operations down (real time per JSONL line) so
	// tests can observe RUNNING.
	BulkLineDelay time.Duration
	// WebhookClient delivers webhooks; default a client with Shopify's 5 s
	// total timeout.
	WebhookClient *http.Client
	// Listener, when set, is where the fake serves (its URL is the
	// listener's address); default a new loopback port.
	Listener net.Listener
	// StatePath, when set, is a JSON file that keeps the shop (products,
	// inventory, orders, webhook subscriptions, metafield definitions,
	// tokens) across restarts: read by Open and New, rewritten after every
	// mutation (in the background, coalesced) and by Save and Close.
	StatePath string
}

const maxQueryCost = 1000

// Server is the fake. Its methods are safe for concurrent use.
type Server struct {
	cfg    Config
	srv    *httptest.Server
	schema *ast.Schema
	rules  *rules.Rules // GraphQL's validation rules, every query checked against them

	mu        sync.Mutex
	available float64
	lastFill  time.Time
	calls     Calls
	tokens    map[string]tokenInfo // access token → info
	refresh   map[string]tokenInfo // refresh token → info
	codes     map[string]string    // OAuth code → scope
	nextID    int64
	// reqScope is the granted scope of the token of the request being run (currentAppInstallation).
	reqScope string
	st       state
	wg       sync.WaitGroup    // asynchronous bulk runs and webhook deliveries
	persist  *statefile.Writer // nil without Config.StatePath
	mux      *http.ServeMux
}

// Calls counts the GraphQL requests the fake answered.
type Calls struct {
	Total       int
	ByOperation map[string]int // by operation name (root field when unnamed)
	Throttled   int
	Invalid     int // documents that failed schema validation
	Mutations   int // requests whose operation is a mutation (writes), throttled ones included
}

// adminSchemaGzip is Shopify's Admin API schema (SDL) of the version the adapter speaks
// (shopify.APIVersion), gzip-compressed: ~0.6 MB, embedded by the fake that validates every
// document it receives, not by the adapter, which ships without it.
//
//go:embed testdata/admin_2026-07.graphql.gz
var adminSchemaGzip []byte

var (
	schemaOnce sync.Once
	schemaVal  *ast.Schema
	schemaErr  error
)

// Schema returns the parsed Admin API schema (loaded once per process): the fake validates what
// it receives against it, and the adapter's tests validate its documents.
func Schema() (*ast.Schema, error) {
	schemaOnce.Do(func() {
		zr, err := gzip.NewReader(bytes.NewReader(adminSchemaGzip))
		if err != nil {
			schemaErr = err
			return
		}
		sdl, err := io.ReadAll(zr)
		if err != nil {
			schemaErr = err
			return
		}
		s, gerr := gqlparser.LoadSchema(&ast.Source{Name: "admin_" + shopify.APIVersion + ".graphql", Input: string(sdl)})
		if gerr != nil {
			schemaErr = gerr
			return
		}
		schemaVal = s
	})
	return schemaVal, schemaErr
}

// New starts a fake shop; Close it when done. It panics when Config.StatePath cannot be read:
// use Open to get the error.
func New(cfg Config) *Server {
	s, err := Open(cfg)
	if err != nil {
		panic(err)
	}
	return s
}

// newServer builds the shop, not serving yet.
func newServer(cfg Config) *Server {
	if cfg.Shop == "" {
		cfg.Shop = "demo.myshopify.com"
	}
	if cfg.APIVersion == "" {
		cfg.APIVersion = shopify.APIVersion
	}
	if cfg.ClientID == "" {
		cfg.ClientID = "test-client-id"
	}
	if cfg.ClientSecret == "" {
		cfg.ClientSecret = "test-client-secret"
	}
	if cfg.Scopes == "" {
		cfg.Scopes = "read_products,write_products,read_inventory,write_inventory,read_orders,write_orders,read_merchant_managed_fulfillment_orders,write_merchant_managed_fulfillment_orders,read_locations"
	}
	if cfg.RestoreRate == 0 {
		cfg.RestoreRate = 100
	}
	if cfg.BucketSize == 0 {
		cfg.BucketSize = 2000
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Currency == "" {
		cfg.Currency = "USD"
	}
	if cfg.PlanName == "" {
		cfg.PlanName = "Shopify"
	}
	if cfg.TokenTTL == 0 {
		cfg.TokenTTL = time.Hour
	}
	if cfg.RefreshTokenTTL == 0 {
		cfg.RefreshTokenTTL = 90 * 24 * time.Hour
	}
	if cfg.WebhookClient == nil {
		cfg.WebhookClient = &http.Client{Timeout: 5 * time.Second}
	}
	schema, err := Schema()
	if err != nil {
		panic(fmt.Sprintf("shopifytest: load schema: %v", err))
	}
	s := &Server{
		cfg:       cfg,
		schema:    schema,
		rules:     rules.NewDefaultRules(),
		available: cfg.BucketSize,
		lastFill:  cfg.Clock(),
		calls:     Calls{ByOperation: map[string]int{}},
		tokens:    map[string]tokenInfo{},
		refresh:   map[string]tokenInfo{},
		codes:     map[string]string{},
	}
	s.st.init()
	if cfg.AccessToken != "" {
		s.tokens[cfg.AccessToken] = tokenInfo{scope: cfg.Scopes}
	}
	s.st.locations = append(s.st.locations, &Location{ID: s.gid("Location"), Name: "Main warehouse", Active: true, FulfillsOnline: true})
	mux := http.NewServeMux()
	mux.HandleFunc("POST /admin/api/{version}/graphql.json", s.handleGraphQL)
	mux.HandleFunc("GET /admin/oauth/authorize", s.handleAuthorize)
	mux.HandleFunc("POST /admin/oauth/access_token", s.handleAccessToken)
	mux.HandleFunc("POST /staged-uploads/", s.handleStagedPOST)
	mux.HandleFunc("PUT /staged-uploads/{key...}", s.handleStagedPUT)
	mux.HandleFunc("GET /bulk-results/{id}", s.handleBulkResult)
	s.mux = mux
	return s
}

// start serves the shop on Config.Listener or a new loopback port.
func (s *Server) start() {
	if s.cfg.Listener == nil {
		s.srv = httptest.NewServer(s.mux)
		return
	}
	s.srv = &httptest.Server{Listener: s.cfg.Listener, Config: &http.Server{Handler: s.mux}}
	s.srv.Start()
}

// URL is the fake's base URL (stands for https://{shop}).
func (s *Server) URL() string { return s.srv.URL }

// GraphQLURL is the Admin GraphQL endpoint for the configured version.
func (s *Server) GraphQLURL() string {
	return s.srv.URL + "/admin/api/" + s.cfg.APIVersion + "/graphql.json"
}

// Client returns an HTTP client for the fake.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Config returns the effective configuration.
func (s *Server) Config() Config { return s.cfg }

// Close waits for running bulk operations and webhook deliveries, then
// stops. With a StatePath use Stop, which reports the last write of the
// state file.
func (s *Server) Close() {
	if err := s.Stop(); err != nil {
		panic(fmt.Sprintf("shopifytest: Close: %v (use Stop to get the error)", err))
	}
}

// Stop is Close that also writes the state file a last time and returns
// that write's error.
func (s *Server) Stop() error {
	s.wg.Wait()
	s.srv.Close()
	if s.persist == nil {
		return nil
	}
	return s.persist.Close()
}

// Wait blocks until asynchronous work (bulk operations, webhook deliveries
// triggered by mutations) has finished.
func (s *Server) Wait() { s.wg.Wait() }

// Calls returns a copy of the request counters.
func (s *Server) Calls() Calls {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.calls
	c.ByOperation = make(map[string]int, len(s.calls.ByOperation))
	for k, v := range s.calls.ByOperation {
		c.ByOperation[k] = v
	}
	return c
}

// ThrottleStatus reports the bucket as the next answer would.
func (s *Server) ThrottleStatus() (available, maximum, restoreRate float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refill()
	return s.available, s.cfg.BucketSize, s.cfg.RestoreRate
}

func (s *Server) gid(kind string) string {
	s.nextID++
	return fmt.Sprintf("gid://shopify/%s/%d", kind, 1000+s.nextID)
}

func (s *Server) now() time.Time { return s.cfg.Clock().UTC() }

// refill leaks points back into the bucket; callers hold mu.
func (s *Server) refill() {
	now := s.cfg.Clock()
	if el := now.Sub(s.lastFill).Seconds(); el > 0 {
		s.available = min(s.cfg.BucketSize, s.available+el*s.cfg.RestoreRate)
	}
	s.lastFill = now
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// authenticate answers 401 as Shopify does for a missing, unknown, revoked
// or expired token.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (tokenInfo, bool) {
	tok := r.Header.Get("X-Shopify-Access-Token")
	s.mu.Lock()
	info, ok := s.tokens[tok]
	s.mu.Unlock()
	if tok == "" || !ok || (!info.expires.IsZero() && !s.cfg.Clock().Before(info.expires)) {
		writeJSON(w, http.StatusUnauthorized, map[string]string{
			"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)",
		})
		return tokenInfo{}, false
	}
	return info, true
}

func (s *Server) handleGraphQL(w http.ResponseWriter, r *http.Request) {
	token, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	if v := r.PathValue("version"); v != s.cfg.APIVersion {
		// Shopify falls forward to a supported version; the fake only
		// has the schema of its configured one.
		w.Header().Set("X-Shopify-API-Version", s.cfg.APIVersion)
	} else {
		w.Header().Set("X-Shopify-API-Version", v)
	}
	var req struct {
		Query         string         `json:"query"`
		OperationName string         `json:"operationName"`
		Variables     map[string]any `json:"variables"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 10<<20))
	dec.UseNumber()
	if err := dec.Decode(&req); err != nil || strings.TrimSpace(req.Query) == "" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"errors": map[string]string{"query": "Required parameter missing or invalid"}})
		return
	}
	resp, hooks := s.execute(req.Query, req.OperationName, req.Variables, token.scope)
	writeJSON(w, http.StatusOK, resp)
	s.deliverAsync(hooks)
}
