package shopify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/intcomex-connector/connector/internal/retryafter"
)

// Defaults of Config.
const (
	// DefaultBatchSize is Capabilities().BatchSize: large on purpose, so that
	// the listing push hands a full load to UpsertProducts in few slices and
	// the bulk operation path can take them (see Config.BatchSize).
	DefaultBatchSize = 5000
	// DefaultBulkThreshold: from this many products in one UpsertProducts
	// call on, the adapter uses a bulk operation (cheaper than one productSet
	// of 10 points each once the bucket is spent: 100 products cost 1000
	// points, 10 s at the Standard restore rate).
	DefaultBulkThreshold = 100
	// DefaultBulkFileLimit keeps each staged JSONL file under Shopify's
	// ~20 MB limit for bulk mutation variables.
	DefaultBulkFileLimit = 16 << 20
	defaultMaxRetries    = 5
	defaultPollInterval  = 2 * time.Second
)

// Config configures a Client. Zero fields take the defaults listed.
type Config struct {
	Shop        string // "demo.myshopify.com" (required)
	AccessToken string // Admin API access token (required unless TokenSource is set; sent only in X-Shopify-Access-Token)
	// TokenSource, when set, is asked for the access token before every request, so an
	// expiring offline token can be refreshed (and stored) before it lapses; AccessToken is then
	// unused. It must be safe for concurrent use and cache what it returns.
	TokenSource func(ctx context.Context) (string, error)
	// ClientSecret is the app's API secret key: Shopify signs webhooks
	// (ParseWebhook) and OAuth redirects with it. Optional for the Admin
	// API; never logged.
	ClientSecret string
	APIVersion   string // default APIVersion
	// BaseURL replaces "https://{Shop}" (tests: the shopifytest fake's URL()).
	BaseURL    string
	HTTPClient *http.Client // default http.DefaultClient; wrap its transport with audit.NewTransport
	Logger     *slog.Logger // default discards
	// LocationID is the location the connector stocks; default the first
	// active location that fulfills online orders (the Locations query).
	LocationID string
	// BatchSize is Capabilities().BatchSize (default DefaultBatchSize). Calls
	// split it internally: 250 quantities per inventorySetQuantities, one
	// productVariantsBulkUpdate per product, one productSet per product below
	// BulkThreshold.
	BatchSize int
	// BulkThreshold: UpsertProducts with at least this many products runs one
	// bulk operation (per BulkFileLimit bytes of JSONL) instead of one productSet per
	// product (default DefaultBulkThreshold; negative: never).
	BulkThreshold int
	BulkFileLimit int           // default DefaultBulkFileLimit
	PollInterval  time.Duration // bulk operation polling (default 2 s)
	MaxRetries    int           // retries of one request on network errors and 5xx (default 5)
	// Now and Sleep replace the clock (tests share a virtual clock with the
	// fake). Sleep must return ctx.Err() when ctx ends first.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

var shopRE = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9-_]*\.myshopify\.com$`)

// Client is a Shopify shop's Admin GraphQL API, and the shop's
// platforms.Storefront. It is safe for concurrent use.
type Client struct {
	cfg      Config
	endpoint string
	http     *http.Client
	log      *slog.Logger
	throttle *throttle

	setupMu  sync.Mutex
	location string // resolved LocationID
	currency string // shop currency
}

// New validates cfg and returns a client. It does no I/O: the location and
// the shop currency are read on first use.
func New(cfg Config) (*Client, error) {
	var problems []string
	if !shopRE.MatchString(cfg.Shop) {
		problems = append(problems, fmt.Sprintf("shop %q is not a *.myshopify.com domain", cfg.Shop))
	}
	if strings.TrimSpace(cfg.AccessToken) == "" && cfg.TokenSource == nil {
		problems = append(problems, "access token is empty")
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("shopify: config: %s", strings.Join(problems, "; "))
	}
	if cfg.APIVersion == "" {
		cfg.APIVersion = APIVersion
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "https://" + cfg.Shop
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = http.DefaultClient
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = DefaultBatchSize
	}
	if cfg.BulkThreshold == 0 {
		cfg.BulkThreshold = DefaultBulkThreshold
	}
	if cfg.BulkFileLimit <= 0 {
		cfg.BulkFileLimit = DefaultBulkFileLimit
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = defaultPollInterval
	}
	if cfg.MaxRetries <= 0 {
		cfg.MaxRetries = defaultMaxRetries
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleepCtx
	}
	return &Client{
		cfg:      cfg,
		endpoint: strings.TrimSuffix(cfg.BaseURL, "/") + "/admin/api/" + cfg.APIVersion + "/graphql.json",
		http:     cfg.HTTPClient,
		log:      cfg.Logger,
		throttle: newThrottle(cfg.Now),
		location: cfg.LocationID,
	}, nil
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// GraphQLError is one entry of a response's top-level errors.
type GraphQLError struct {
	Message    string `json:"message"`
	Extensions struct {
		Code string `json:"code"`
	} `json:"extensions"`
}

type gqlResponse struct {
	Data       json.RawMessage `json:"data"`
	Errors     []GraphQLError  `json:"errors"`
	Extensions struct {
		Cost *costStatus `json:"cost"`
	} `json:"extensions"`
}

// nonIdempotent are the operations never resent after a network error or a
// 5xx (they might have run): a second bulkOperationRunMutation would start a
// second bulk operation, a second ProductSetFiles with an originalSource a
// second file. Every other operation is a query or an upsert with absolute
// values (productSet by identifier, prices, status) or carries an
// idempotency key (inventorySetQuantities).
var nonIdempotent = map[string]bool{OpBulkOperationRunMutation: true, OpProductSetFiles: true}

// Do sends the document of operation op with vars and decodes data into out
// (a pointer, or nil). It paces the request by query cost, waits out
// THROTTLED and 429 answers, and retries network errors and 5xx on
// idempotent operations. Mutation userErrors are left to the caller.
func (c *Client) Do(ctx context.Context, op string, vars any, out any) error {
	body, err := json.Marshal(struct {
		Query         string `json:"query"`
		Variables     any    `json:"variables,omitempty"`
		OperationName string `json:"operationName"`
	}{Document(op), vars, op})
	if err != nil {
		return fmt.Errorf("shopify: %s: encode: %w", op, err)
	}
	var lastErr error
	retries, throttles := 0, 0
	for {
		if err := c.pace(ctx, op); err != nil {
			return err
		}
		resp, err := c.send(ctx, op, body)
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("shopify: %s: %w", op, ctx.Err())
			}
			lastErr = err
			if nonIdempotent[op] || retries >= c.cfg.MaxRetries || errors.As(err, new(tokenError)) {
				return lastErr
			}
			retries++
			if err := c.backoff(ctx, op, retries, 0, err); err != nil {
				return err
			}
			continue
		}
		c.throttle.observe(op, resp.cost)
		apiErr := resp.apiErr
		if apiErr == nil {
			if out == nil || len(resp.gql.Data) == 0 || string(resp.gql.Data) == "null" {
				return nil
			}
			if err := json.Unmarshal(resp.gql.Data, out); err != nil {
				return fmt.Errorf("shopify: %s: decode data: %w", op, err)
			}
			return nil
		}
		switch {
		case apiErr.Code == "THROTTLED" || apiErr.Status == http.StatusTooManyRequests:
			// Not executed: safe to resend any operation.
			if throttles >= 2*c.cfg.MaxRetries+5 {
				return apiErr
			}
			throttles++
			wait := resp.retryAfter
			if resp.cost != nil {
				need := resp.cost.RequestedQueryCost
				if m := c.throttle.maxCost(); m > 0 && need > m {
					return apiErr // can never be admitted
				}
				wait = max(wait, c.throttle.refillWait(need))
			} else if wait == 0 {
				wait = c.backoffDelay(throttles)
			}
			c.log.WarnContext(ctx, "shopify: throttled", "shop_domain", c.cfg.Shop, "op", op, "wait", wait)
			if err := c.cfg.Sleep(ctx, wait); err != nil {
				return fmt.Errorf("shopify: %s: %w", op, err)
			}
		case errors.Is(apiErr, ErrUnavailable) && !nonIdempotent[op] && retries < c.cfg.MaxRetries:
			retries++
			if err := c.backoff(ctx, op, retries, resp.retryAfter, apiErr); err != nil {
				return err
			}
		default:
			return apiErr
		}
	}
}

// pace waits until the throttle admits op.
func (c *Client) pace(ctx context.Context, op string) error {
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("shopify: %s: %w", op, err)
		}
		d := c.throttle.reserve(op)
		if d <= 0 {
			return nil
		}
		if err := c.cfg.Sleep(ctx, d); err != nil {
			return fmt.Errorf("shopify: %s: %w", op, err)
		}
	}
}

// backoffDelay is capped exponential backoff with jitter: ~0.5 s, 1 s, 2 s … 30 s.
func (c *Client) backoffDelay(attempt int) time.Duration {
	d := min(500*time.Millisecond<<min(attempt-1, 6), 30*time.Second)
	return d/2 + rand.N(d/2+1)
}

func (c *Client) backoff(ctx context.Context, op string, attempt int, retryAfter time.Duration, cause error) error {
	wait := max(c.backoffDelay(attempt), retryAfter)
	c.log.WarnContext(ctx, "shopify: retrying", "shop_domain", c.cfg.Shop, "op", op, "attempt", attempt, "wait", wait, "err", cause)
	if err := c.cfg.Sleep(ctx, wait); err != nil {
		return fmt.Errorf("shopify: %s: %w", op, err)
	}
	return nil
}

type answer struct {
	gql        gqlResponse
	cost       *costStatus
	apiErr     *APIError
	retryAfter time.Duration
}

// tokenError is a TokenSource failure: no request was sent, and resending would not help (the
// source retries its own refresh).
type tokenError struct{ error }

func (e tokenError) Unwrap() error { return e.error }

// send makes one HTTP request. A non-nil error is a transport failure; an
// answer with apiErr set is a failure Shopify reported.
func (c *Client) send(ctx context.Context, op string, body []byte) (*answer, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("shopify: %s: %w", op, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	token := c.cfg.AccessToken
	if c.cfg.TokenSource != nil {
		if token, err = c.cfg.TokenSource(ctx); err != nil {
			return nil, tokenError{fmt.Errorf("shopify: %s: access token: %w", op, err)}
		}
	}
	req.Header.Set("X-Shopify-Access-Token", token)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("shopify: %s: %w", op, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("shopify: %s: read: %w", op, err)
	}
	a := &answer{retryAfter: retryafter.Parse(resp.Header.Get("Retry-After"), c.cfg.Now(), maxRetryAfter)}
	reqID := resp.Header.Get("X-Request-Id")
	if resp.StatusCode != http.StatusOK {
		a.apiErr = &APIError{Operation: op, Status: resp.StatusCode, Message: errorText(raw), RequestID: reqID}
		// A 429 or 5xx may still carry a GraphQL body with the cost.
		if json.Unmarshal(raw, &a.gql) == nil {
			a.cost = a.gql.Extensions.Cost
		}
		return a, nil
	}
	if err := json.Unmarshal(raw, &a.gql); err != nil {
		return nil, fmt.Errorf("shopify: %s: decode: %w", op, err)
	}
	a.cost = a.gql.Extensions.Cost
	if len(a.gql.Errors) > 0 {
		e := a.gql.Errors[0]
		msgs := make([]string, len(a.gql.Errors))
		for i, ge := range a.gql.Errors {
			msgs[i] = ge.Message
		}
		a.apiErr = &APIError{Operation: op, Status: resp.StatusCode, Code: e.Extensions.Code, Message: strings.Join(msgs, "; "), RequestID: reqID}
	}
	return a, nil
}

// errorText extracts a short message from an error body ({"errors": "..."}
// or anything else, truncated).
func errorText(raw []byte) string {
	var v struct {
		Errors json.RawMessage `json:"errors"`
	}
	if json.Unmarshal(raw, &v) == nil && len(v.Errors) > 0 {
		var s string
		if json.Unmarshal(v.Errors, &s) == nil {
			return s
		}
		raw = v.Errors
	}
	s := strings.TrimSpace(string(raw))
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// maxRetryAfter bounds the Retry-After the client sits out (Shopify asks for seconds).
const maxRetryAfter = 5 * time.Minute
