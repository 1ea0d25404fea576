package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"
	"github.com/spf13/cobra"

	"github.com/intcomex-connector/connector/connector/audit"
	"github.com/intcomex-connector/connector/connector/schedule"
	"github.com/intcomex-connector/connector/connector/secret"
	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/platforms/shopify"
)

// envPrefix starts the name of every environment variable the connector reads.
const envPrefix = "CONNECTOR_"

// Config is everything the connector reads from its environment. It is loaded once, in this
// package, and handed to the parts that need it as plain values. The `doc` tags feed `connector
// --help` and the README's configuration table (TestReadmeListsEveryVariable keeps them in step).
type Config struct {
	DatabaseURL     string        `env:"DATABASE_URL" envDefault:"sqlite:./data/connector.db" doc:"Database: sqlite:PATH or mysql://user:pass@host:3306/db?params. Supports _FILE."`
	HTTPAddr        string        `env:"HTTP_ADDR" envDefault:"127.0.0.1:8080" doc:"Address the HTTP server listens on (serve --addr overrides it)."`
	IWSURL          string        `env:"IWS_URL" envDefault:"https://intcomex-test.apigee.net/v1/" doc:"Base URL of Intcomex Web Services (test or production)."`
	IWSAPIKey       string        `env:"IWS_API_KEY" doc:"IWS API key (public identifier). Supports _FILE."`
	IWSAccessKey    string        `env:"IWS_ACCESS_KEY" doc:"IWS access key (secret, signs requests). Supports _FILE."`
	SecretKey       string        `env:"SECRET_KEY" doc:"Base64 of 32 random bytes (openssl rand -base64 32); encrypts stored credentials. Required by serve and migrate up. Supports _FILE."`
	LogLevel        string        `env:"LOG_LEVEL" envDefault:"info" doc:"debug, info, warn or error."`
	LogFormat       string        `env:"LOG_FORMAT" envDefault:"text" doc:"text or json."`
	AutoMigrate     bool          `env:"AUTO_MIGRATE" envDefault:"true" doc:"Apply pending database migrations at start (the --no-migrate flag turns it off)."`
	IWSTimeout      time.Duration `env:"IWS_TIMEOUT" envDefault:"60s" doc:"Time limit of one IWS request, including reading the response."`
	AuditMaxAge     time.Duration `env:"AUDIT_MAX_AGE" envDefault:"720h" doc:"API call log rows older than this are deleted (0 keeps them)."`
	AuditMaxRows    int           `env:"AUDIT_MAX_ROWS" envDefault:"1000000" doc:"At most this many newest API call log rows are kept (0: no limit)."`
	AuditBodyLimit  int           `env:"AUDIT_BODY_LIMIT" envDefault:"65536" doc:"Bytes of each request and response body kept in the API call log (0: none, at most 8 MiB)."`
	ShutdownTimeout time.Duration `env:"SHUTDOWN_TIMEOUT" envDefault:"20s" doc:"How long a stopping server waits for requests in flight."`
	TrustedProxies  string        `env:"TRUSTED_PROXIES" doc:"Comma-separated addresses or CIDRs of the reverse proxies in front of the connector, whose X-Forwarded-For names the client (login throttling per address, logs). Empty: none, the connection's address is the client's."`

	// Background work of serve and demo: the job workers and the scheduler.
	JobWorkers              int           `env:"JOB_WORKERS" envDefault:"4" doc:"Jobs (syncs, purges) one process runs at once, 1 to 100."`
	JobLease                time.Duration `env:"JOB_LEASE" envDefault:"5m" doc:"How long a claimed job is held without a heartbeat; a crashed process's jobs run again once it has passed (at least 1s)."`
	JobRescueInterval       time.Duration `env:"JOB_RESCUE_INTERVAL" envDefault:"1m" doc:"How often expired job leases are rescued and old jobs pruned (at least 100ms)."`
	JobRetryBackoff         time.Duration `env:"JOB_RETRY_BACKOFF" envDefault:"10s" doc:"Wait after a job's first failed attempt, doubling each time up to an hour (at least 10ms)."`
	ScheduleCatalog         time.Duration `env:"SCHEDULE_CATALOG" envDefault:"24h" doc:"How often each IWS account's catalog is synced and pushed to its shops (IWS minimum 1h)."`
	SchedulePrices          time.Duration `env:"SCHEDULE_PRICES" envDefault:"24h" doc:"How often each IWS account's price list is synced and pushed (IWS minimum 1h)."`
	ScheduleStock           time.Duration `env:"SCHEDULE_STOCK" envDefault:"1h" doc:"How often each IWS account's stock is synced and pushed (IWS minimum 1h)."`
	ScheduleExtendedCatalog time.Duration `env:"SCHEDULE_EXTENDED_CATALOG" envDefault:"720h" doc:"How often the IWS extended catalog (content, images) is downloaded (IWS minimum 24h)."`
	ScheduleAuditPurge      time.Duration `env:"SCHEDULE_AUDIT_PURGE" envDefault:"24h" doc:"How often old API call log rows are purged (AUDIT_MAX_AGE, AUDIT_MAX_ROWS)."`
	ScheduleVerifyListings  time.Duration `env:"SCHEDULE_VERIFY_LISTINGS" envDefault:"24h" doc:"How often each shop's products are read back from the store and what differs from what was pushed is repaired (minimum 1h)."`
	ScheduleSweepOrders     time.Duration `env:"SCHEDULE_SWEEP_ORDERS" envDefault:"5m" doc:"How often each shop's recently paid orders are listed so an order whose webhook was lost is still placed (minimum 1m)."`
	OrderTrackInterval      time.Duration `env:"ORDER_TRACK_INTERVAL" envDefault:"2m" doc:"First wait of the Intcomex order status checks; later checks wait 2.5, 7.5, 15, 30 and then 90 times as long (2m: 5m, 15m, 30m, 1h, every 3h). IWS's webhook triggers a check at once."`
	ImageConcurrency        int           `env:"IMAGE_CONCURRENCY" envDefault:"3" doc:"Image uploads a push keeps in flight per shop, 1 to 8 (fewer while the store answers 429 or 5xx)."`

	// The _FILE variants: a path whose content (trailing newline trimmed) is the value.
	PublicURL           string `env:"PUBLIC_URL" doc:"The connector's public https address (https://connector.example.com): base of the webhook and install callback URLs given to shops."`
	ShopifyClientID     string `env:"SHOPIFY_CLIENT_ID" doc:"Client id of the connector's Shopify app (the install flow at /shopify/install)."`
	ShopifyClientSecret string `env:"SHOPIFY_CLIENT_SECRET" doc:"Client secret of the Shopify app: verifies installs and webhooks. Supports _FILE."`
	ShopifyScopes       string `env:"SHOPIFY_SCOPES" envDefault:"read_products,write_products,read_inventory,write_inventory,read_locations,read_orders,write_orders,read_merchant_managed_fulfillment_orders,write_merchant_managed_fulfillment_orders" doc:"Access scopes the Shopify app asks for at install, comma separated."`
	ShopifyShops        string `env:"SHOPIFY_SHOPS" doc:"Comma-separated NAME.myshopify.com domains allowed to install the app (empty: any shop that installs it)."`

	DatabaseURLFile         string `env:"DATABASE_URL_FILE,file" doc:"-"`
	ShopifyClientSecretFile string `env:"SHOPIFY_CLIENT_SECRET_FILE,file" doc:"-"`
	IWSAPIKeyFile           string `env:"IWS_API_KEY_FILE,file" doc:"-"`
	IWSAccessKeyFile        string `env:"IWS_ACCESS_KEY_FILE,file" doc:"-"`
	SecretKeyFile           string `env:"SECRET_KEY_FILE,file" doc:"-"`
}

// shopifyShops is SHOPIFY_SHOPS as a list.
func (c Config) shopifyShops() []string { return shops.SplitList(c.ShopifyShops) }

// fileVariants pairs each value with its _FILE variant.
func (c *Config) fileVariants() []struct {
	name        string
	value, file *string
} {
	return []struct {
		name        string
		value, file *string
	}{
		{"DATABASE_URL", &c.DatabaseURL, &c.DatabaseURLFile},
		{"IWS_API_KEY", &c.IWSAPIKey, &c.IWSAPIKeyFile},
		{"IWS_ACCESS_KEY", &c.IWSAccessKey, &c.IWSAccessKeyFile},
		{"SECRET_KEY", &c.SecretKey, &c.SecretKeyFile},
		{"SHOPIFY_CLIENT_SECRET", &c.ShopifyClientSecret, &c.ShopifyClientSecretFile},
	}
}

// loadConfig reads the configuration from environ (NAME=value pairs, keys with the CONNECTOR_
// prefix) and returns it with every problem found, parse errors and validation alike, joined in
// one error.
func loadConfig(environ map[string]string, requireSecretKey bool) (Config, error) {
	var cfg Config
	var problems []error
	badFields := map[string]bool{}
	if err := env.ParseWithOptions(&cfg, env.Options{Prefix: envPrefix, Environment: environ}); err != nil {
		problems = append(problems, explainEnvErrors(err, badFields)...)
	}
	for _, f := range cfg.fileVariants() {
		if _, set := environ[envPrefix+f.name+"_FILE"]; !set {
			continue
		}
		if v, set := environ[envPrefix+f.name]; set && v != "" {
			problems = append(problems, fmt.Errorf("%s%s and %s%s_FILE are both set; use one", envPrefix, f.name, envPrefix, f.name))
			continue
		}
		*f.value = strings.TrimRight(*f.file, "\r\n")
		*f.file = ""
	}
	if err := cfg.validate(requireSecretKey, badFields); err != nil {
		problems = append(problems, err)
	}
	return cfg, errors.Join(problems...)
}

// explainEnvErrors turns the env library's errors into one error per variable, named by the
// variable rather than the Go field.
func explainEnvErrors(err error, badFields map[string]bool) []error {
	var agg env.AggregateError
	if !errors.As(err, &agg) {
		return []error{err}
	}
	keys := envKeys()
	var out []error
	for _, e := range agg.Errors {
		var pe env.ParseError
		if errors.As(e, &pe) {
			badFields[pe.Name] = true
			out = append(out, fmt.Errorf("%s: %w", keys[pe.Name], pe.Err))
			continue
		}
		out = append(out, e)
	}
	return out
}

// envKeys maps Config field names to their environment variable names.
func envKeys() map[string]string {
	keys := map[string]string{}
	t := reflect.TypeFor[Config]()
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("env"), ",")
		keys[f.Name] = envPrefix + name
	}
	return keys
}

// Validate returns every problem with the configuration at once. A missing secret key is a
// problem only when requireSecretKey is set (serve, migrate up); a malformed one always is.
func (c Config) Validate(requireSecretKey bool) error {
	return c.validate(requireSecretKey, nil)
}

func (c Config) validate(requireSecretKey bool, skip map[string]bool) error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	if err := store.ValidateURL(c.DatabaseURL); err != nil {
		bad("%sDATABASE_URL: %w", envPrefix, err)
	}
	// An empty host (":8080") listens on every interface, which is allowed.
	if _, port, err := net.SplitHostPort(c.HTTPAddr); err != nil {
		bad("%sHTTP_ADDR: %q is not host:port", envPrefix, c.HTTPAddr)
	} else if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		bad("%sHTTP_ADDR: port %q is not a number from 0 to 65535", envPrefix, port)
	}
	if u, err := url.Parse(c.IWSURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		bad("%sIWS_URL: %q is not an absolute http(s) URL", envPrefix, c.IWSURL)
	} else if u.User != nil || u.RawQuery != "" {
		bad("%sIWS_URL: must not carry credentials or a query", envPrefix)
	}
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.User != nil {
			bad("%sPUBLIC_URL: %q is not an absolute http(s) URL without query or credentials", envPrefix, c.PublicURL)
		}
	}
	for _, p := range c.trustedProxies() {
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			bad("%sTRUSTED_PROXIES: %q is not an IP address or CIDR", envPrefix, p)
		}
	}
	if (c.ShopifyClientID == "") != (c.ShopifyClientSecret == "") {
		bad("%sSHOPIFY_CLIENT_ID and %sSHOPIFY_CLIENT_SECRET must be set together", envPrefix, envPrefix)
	}
	for _, d := range c.shopifyShops() {
		if !shopify.ValidShopDomain(d) {
			bad("%sSHOPIFY_SHOPS: %q is not a NAME.myshopify.com domain", envPrefix, d)
		}
	}
	if (c.IWSAPIKey == "") != (c.IWSAccessKey == "") {
		bad("%sIWS_API_KEY and %sIWS_ACCESS_KEY must be set together", envPrefix, envPrefix)
	}
	switch {
	case c.SecretKey != "":
		if _, err := secret.ParseKey(c.SecretKey); err != nil {
			bad("%sSECRET_KEY: %w", envPrefix, err)
		}
	case requireSecretKey:
		bad("%sSECRET_KEY (or %sSECRET_KEY_FILE) is required: base64 of 32 random bytes, e.g. from `openssl rand -base64 32`", envPrefix, envPrefix)
	}
	if _, err := parseLogLevel(c.LogLevel); err != nil {
		bad("%sLOG_LEVEL: %w", envPrefix, err)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		bad("%sLOG_FORMAT: %q is not text or json", envPrefix, c.LogFormat)
	}
	if !skip["IWSTimeout"] && c.IWSTimeout <= 0 {
		bad("%sIWS_TIMEOUT: must be positive, got %s", envPrefix, c.IWSTimeout)
	}
	if !skip["AuditMaxAge"] && c.AuditMaxAge < 0 {
		bad("%sAUDIT_MAX_AGE: must not be negative", envPrefix)
	}
	if !skip["AuditMaxRows"] && c.AuditMaxRows < 0 {
		bad("%sAUDIT_MAX_ROWS: must not be negative", envPrefix)
	}
	if !skip["AuditBodyLimit"] && (c.AuditBodyLimit < 0 || c.AuditBodyLimit > audit.MaxBodyLimit) {
		bad("%sAUDIT_BODY_LIMIT: must be from 0 to %d bytes, got %d", envPrefix, audit.MaxBodyLimit, c.AuditBodyLimit)
	}
	if !skip["ShutdownTimeout"] && c.ShutdownTimeout <= 0 {
		bad("%sSHUTDOWN_TIMEOUT: must be positive", envPrefix)
	}
	if !skip["JobWorkers"] && (c.JobWorkers < 1 || c.JobWorkers > 100) {
		bad("%sJOB_WORKERS: must be from 1 to 100, got %d", envPrefix, c.JobWorkers)
	}
	if !skip["JobLease"] && c.JobLease < time.Second {
		bad("%sJOB_LEASE: must be at least 1s, got %s", envPrefix, c.JobLease)
	}
	if !skip["JobRescueInterval"] && c.JobRescueInterval < 100*time.Millisecond {
		bad("%sJOB_RESCUE_INTERVAL: must be at least 100ms, got %s", envPrefix, c.JobRescueInterval)
	}
	if !skip["JobRetryBackoff"] && c.JobRetryBackoff < 10*time.Millisecond {
		bad("%sJOB_RETRY_BACKOFF: must be at least 10ms, got %s", envPrefix, c.JobRetryBackoff)
	}
	if !skip["ImageConcurrency"] && (c.ImageConcurrency < 1 || c.ImageConcurrency > maxImageConcurrency) {
		bad("%sIMAGE_CONCURRENCY: must be from 1 to %d, got %d", envPrefix, maxImageConcurrency, c.ImageConcurrency)
	}
	for _, s := range []struct {
		field, name string
		value, min  time.Duration
		why         string
	}{
		{"ScheduleCatalog", "SCHEDULE_CATALOG", c.ScheduleCatalog, schedule.MinFeedInterval, "IWS's minimum"},
		{"SchedulePrices", "SCHEDULE_PRICES", c.SchedulePrices, schedule.MinFeedInterval, "IWS's minimum"},
		{"ScheduleStock", "SCHEDULE_STOCK", c.ScheduleStock, schedule.MinFeedInterval, "IWS's minimum"},
		{"ScheduleExtendedCatalog", "SCHEDULE_EXTENDED_CATALOG", c.ScheduleExtendedCatalog, schedule.MinExtendedCatalogInterval, "IWS's minimum"},
		{"ScheduleAuditPurge", "SCHEDULE_AUDIT_PURGE", c.ScheduleAuditPurge, time.Minute, "the minimum"},
		{"ScheduleVerifyListings", "SCHEDULE_VERIFY_LISTINGS", c.ScheduleVerifyListings, schedule.MinVerifyListingsInterval, "the minimum"},
		{"ScheduleSweepOrders", "SCHEDULE_SWEEP_ORDERS", c.ScheduleSweepOrders, schedule.MinSweepOrdersInterval, "the minimum"},
		{"OrderTrackInterval", "ORDER_TRACK_INTERVAL", c.OrderTrackInterval, time.Second, "the minimum"},
	} {
		if !skip[s.field] && s.value < s.min {
			bad("%s%s: %s is below %s of %s", envPrefix, s.name, s.value, s.why, s.min)
		}
	}
	return errors.Join(errs...)
}

func parseLogLevel(s string) (slog.Level, error) {
	switch strings.ToLower(s) {
	case "debug":
		return slog.LevelDebug, nil
	case "info":
		return slog.LevelInfo, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("%q is not debug, info, warn or error", s)
}

// iwsIntervals are the configured schedule intervals.
func (c Config) iwsIntervals() schedule.IWSIntervals {
	return schedule.IWSIntervals{
		Catalog: c.ScheduleCatalog, Prices: c.SchedulePrices, Stock: c.ScheduleStock,
		ExtendedCatalog: c.ScheduleExtendedCatalog, AuditPurge: c.ScheduleAuditPurge,
	}
}

// maxImageConcurrency bounds IMAGE_CONCURRENCY: more image requests at once than a small
// store's PHP workers only queue up there.
const maxImageConcurrency = 8

// shopIntervals are the configured per-shop schedule intervals.
func (c Config) shopIntervals() schedule.ShopIntervals {
	return schedule.ShopIntervals{VerifyListings: c.ScheduleVerifyListings, SweepOrders: c.ScheduleSweepOrders}
}

// auditOptions are the audit transport settings the configuration implies.
func (c Config) auditOptions(logger *slog.Logger, secretValues ...string) audit.Options {
	limit := c.AuditBodyLimit
	if limit == 0 {
		limit = -1 // configured "no bodies"; audit's 0 means its default
	}
	return audit.Options{BodyLimit: limit, Logger: logger, SecretValues: secretValues}
}

// LogValue shows the configuration with its secrets replaced.
func (c Config) LogValue() slog.Value {
	set := func(s string) string {
		if s == "" {
			return ""
		}
		return "REDACTED"
	}
	return slog.GroupValue(
		slog.String("database_url", store.RedactURL(c.DatabaseURL)),
		slog.String("http_addr", c.HTTPAddr),
		slog.String("iws_url", c.IWSURL),
		slog.String("iws_api_key", c.IWSAPIKey),
		slog.String("iws_access_key", set(c.IWSAccessKey)),
		slog.String("secret_key", set(c.SecretKey)),
		slog.String("log_level", c.LogLevel),
		slog.String("log_format", c.LogFormat),
		slog.Bool("auto_migrate", c.AutoMigrate),
		slog.Duration("iws_timeout", c.IWSTimeout),
		slog.Duration("audit_max_age", c.AuditMaxAge),
		slog.Int("audit_max_rows", c.AuditMaxRows),
		slog.Int("audit_body_limit", c.AuditBodyLimit),
		slog.Int("job_workers", c.JobWorkers),
		slog.Duration("job_lease", c.JobLease),
		slog.Duration("job_rescue_interval", c.JobRescueInterval),
		slog.Duration("job_retry_backoff", c.JobRetryBackoff),
		slog.Duration("schedule_catalog", c.ScheduleCatalog),
		slog.Duration("schedule_prices", c.SchedulePrices),
		slog.Duration("schedule_stock", c.ScheduleStock),
		slog.Duration("schedule_extended_catalog", c.ScheduleExtendedCatalog),
		slog.Duration("schedule_audit_purge", c.ScheduleAuditPurge),
		slog.Duration("schedule_verify_listings", c.ScheduleVerifyListings),
		slog.Duration("schedule_sweep_orders", c.ScheduleSweepOrders),
		slog.Duration("order_track_interval", c.OrderTrackInterval),
		slog.Int("image_concurrency", c.ImageConcurrency),
		slog.String("public_url", c.PublicURL),
		slog.String("shopify_client_id", c.ShopifyClientID),
		slog.String("shopify_client_secret", set(c.ShopifyClientSecret)),
		slog.String("shopify_scopes", c.ShopifyScopes),
		slog.String("shopify_shops", c.ShopifyShops),
	)
}

// String shows the configuration with its secrets replaced, so a stray %v cannot leak them.
func (c Config) String() string { return c.LogValue().String() }

// GoString is String for %#v.
func (c Config) GoString() string { return c.String() }

// configFromCmd loads the configuration for a command: the environment captured by main, then
// the flags that override it (--no-migrate everywhere, --addr on serve), then validation.
func configFromCmd(cmd *cobra.Command, requireSecretKey bool) (Config, error) {
	environ := environFrom(cmd.Context())
	if noMigrate, err := cmd.Flags().GetBool("no-migrate"); err == nil && noMigrate {
		environ[envPrefix+"AUTO_MIGRATE"] = "false"
	}
	if f := cmd.Flags().Lookup("addr"); f != nil && f.Changed {
		environ[envPrefix+"HTTP_ADDR"] = f.Value.String()
	}
	cfg, err := loadConfig(environ, requireSecretKey)
	if err != nil {
		return cfg, configError{err}
	}
	return cfg, nil
}

// configError lists every configuration problem on its own line.
type configError struct{ err error }

func (e configError) Error() string {
	lines := strings.Split(e.err.Error(), "\n")
	for i, l := range lines {
		lines[i] = "  - " + l
	}
	return "invalid configuration:\n" + strings.Join(lines, "\n")
}

func (e configError) Unwrap() error { return e.err }

// trustedProxies is TRUSTED_PROXIES as a list.
func (c Config) trustedProxies() []string {
	var out []string
	for _, p := range strings.Split(c.TrustedProxies, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
