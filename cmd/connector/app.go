package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/intcomex-connector/connector/connector/audit"
	"github.com/intcomex-connector/connector/connector/secret"
	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/platforms/shopify"
	"github.com/intcomex-connector/connector/webhooks"
)

// Helpers every command shares. Commands get their configuration with configFromCmd(cmd, ...),
// a logger with newLogger, the database with openDatabase and audited HTTP clients with
// newAuditTransport.

type environKey struct{}

// withEnviron stores the process environment (KEY=value list, as os.Environ returns it) in ctx.
// Only main calls it with the real environment; tests pass their own.
func withEnviron(ctx context.Context, environ []string) context.Context {
	m := make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return context.WithValue(ctx, environKey{}, m)
}

// environFrom returns a copy of the environment stored by withEnviron (empty when none).
func environFrom(ctx context.Context) map[string]string {
	if ctx == nil {
		return map[string]string{}
	}
	m, _ := ctx.Value(environKey{}).(map[string]string)
	if m == nil {
		return map[string]string{}
	}
	return maps.Clone(m)
}

// newLogger builds the process logger: level debug|info|warn|error, format text|json.
func newLogger(w io.Writer, level, format string) (*slog.Logger, error) {
	lvl, err := parseLogLevel(level)
	if err != nil {
		return nil, fmt.Errorf("logger: %w", err)
	}
	opts := &slog.HandlerOptions{Level: lvl}
	switch format {
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	case "text", "":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("logger: format %q is not text or json", format)
}

// newSecretBox returns the box for cfg.SecretKey.
func newSecretBox(cfg Config) (*secret.Box, error) {
	key, err := secret.ParseKey(cfg.SecretKey)
	if err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	return secret.NewBox(key)
}

// openDatabase opens cfg.DatabaseURL with the secret box of cfg.SecretKey and, when autoMigrate
// is set, applies pending migrations before returning. Callers close the store.
func openDatabase(ctx context.Context, cfg Config, logger *slog.Logger, autoMigrate bool) (*store.Store, error) {
	var opts []store.Option
	if cfg.SecretKey != "" { // demo and sandbox may run without one
		box, err := newSecretBox(cfg)
		if err != nil {
			return nil, err
		}
		opts = append(opts, store.WithSecretBox(box))
	}
	st, err := store.Open(ctx, cfg.DatabaseURL, logger, opts...)
	if err != nil {
		return nil, err
	}
	logger.InfoContext(ctx, "database opened", "dialect", st.Dialect(), "url", store.RedactURL(cfg.DatabaseURL))
	if autoMigrate {
		if err := st.Migrate(ctx); err != nil {
			_ = st.Close() // the migration error is the one to report
			return nil, err
		}
	}
	return st, nil
}

// newAuditTransport wraps next so every call is recorded in the API call log under system,
// with the body limit of cfg and the given literal secrets scrubbed.
func newAuditTransport(next http.RoundTripper, rec audit.Recorder, system string, cfg Config, logger *slog.Logger, secretValues ...string) *audit.Transport {
	return audit.NewTransport(next, rec, system, cfg.auditOptions(logger, secretValues...))
}

// app is what main builds once and hands to the commands that talk to shops: the in-memory
// storefronts of memory shops, one set per database, which must outlive a command when several
// commands run in one process (tests). Everything else a command builds for itself.
type app struct {
	mu     sync.Mutex
	memory map[string]*shops.MemoryShops // by database URL
}

func newApp() *app { return &app{memory: map[string]*shops.MemoryShops{}} }

// storefronts returns the adapter factory of one command (or one serve/demo process): audited
// WooCommerce and Shopify clients recording into st, expiring Shopify tokens refreshed and saved
// through st, and the process's memory shops of the database.
func (a *app) storefronts(cfg Config, st *store.Store, logger *slog.Logger) *shops.Storefronts {
	a.mu.Lock()
	mem, ok := a.memory[cfg.DatabaseURL]
	if !ok {
		mem = &shops.MemoryShops{}
		a.memory[cfg.DatabaseURL] = mem
	}
	a.mu.Unlock()
	sfs := &shops.Storefronts{
		Memory: mem, Recorder: st, Audit: cfg.auditOptions(logger), Logger: logger,
		// The WooCommerce adapter bounds each attempt itself; a Shopify request (bulk result
		// files included) gets the same kind of bound from its client.
		Shopify: shopify.Config{HTTPClient: &http.Client{Timeout: shopifyRequestTimeout}, ClientSecret: cfg.ShopifyClientSecret},
	}
	if cfg.ShopifyClientID != "" {
		sfs.ShopifyTokens = &shops.ShopifyTokens{
			OAuth: &shopify.OAuth{ClientID: cfg.ShopifyClientID, ClientSecret: cfg.ShopifyClientSecret,
				HTTPClient: &http.Client{Timeout: shopifyRequestTimeout}},
			Save: func(ctx context.Context, shopID int64, creds string) error {
				shop, err := st.Shop(ctx, shopID)
				if err != nil {
					return err
				}
				shop.Credentials = creds
				_, err = st.SaveShop(ctx, shop)
				return err
			},
		}
	}
	return sfs
}

// shopifyRequestTimeout bounds one Shopify HTTP request, reading the answer included.
const shopifyRequestTimeout = 2 * time.Minute

// shopSetup returns the shop setup (webhooks, currency) of a command, over its storefronts.
func shopSetup(cfg Config, st *store.Store, sfs *shops.Storefronts, logger *slog.Logger) shops.Setup {
	return shops.Setup{Store: st, Storefronts: sfs, PublicURL: cfg.PublicURL, Logger: logger,
		Paths: shops.WebhookPaths{WooCommerce: webhooks.WooCommercePath, Shopify: webhooks.ShopifyPath}}
}
