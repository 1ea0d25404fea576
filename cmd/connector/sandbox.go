package main

import (
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/spf13/cobra"

	"github.com/intcomex-connector/connector/iws/sandbox"
)

// newSandboxCmd runs the IWS simulator (package iws/sandbox) as a standalone HTTP server.
func newSandboxCmd() *cobra.Command {
	var (
		cfg                          sandbox.Config
		addr, creditLimit, faultNext string
	)
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Run the IWS simulator as a standalone HTTP server",
		Long: `Sandbox serves a faithful simulation of Intcomex Web Services under /v1/: a generated catalog,
prices, stock per warehouse, the extended catalog with images, orders that advance through their
statuses, invoices, the OrderStatusUpdate webhook, IWS signatures, error codes and throttling.

Without --api-key and --access-key it makes up a key pair and prints it. The control endpoint
(/_sandbox/state, /_sandbox/faults, /_sandbox/advance, /_sandbox/stock, /_sandbox/price,
/_sandbox/product, /_sandbox/reset) changes its state without IWS auth. With --state the orders,
stock and counters survive restarts. SIGINT or SIGTERM stops it gracefully and saves the state.`,
		Example: `  connector sandbox
  connector sandbox --addr 127.0.0.1:8099 --skus 50000 --seed 7 --state ./data/iws-sandbox.json
  connector sandbox --status-interval 10s --webhook-url http://127.0.0.1:8080/webhooks/iws --fail-rate 0.05
  connector sandbox --fail-rate 0.3 --malformed-rate 0.1 --drop-rate 0.1 --throttle-interval 2s`,
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			app, err := configFromCmd(cmd, false)
			if err != nil {
				return err
			}
			logger, err := newLogger(cmd.ErrOrStderr(), app.LogLevel, app.LogFormat)
			if err != nil {
				return err
			}
			var problems []error
			if creditLimit != "" {
				if cfg.CreditLimit, err = decimal.NewFromString(creditLimit); err != nil {
					problems = append(problems, fmt.Errorf("--credit-limit: %q is not a decimal number", creditLimit))
				}
			}
			if (cfg.APIKey == "") != (cfg.AccessKey == "") {
				problems = append(problems, errors.New("--api-key and --access-key go together"))
			}
			if faultNext != "" {
				if cfg.Faults.FailNext, err = parseFailNext(faultNext); err != nil {
					problems = append(problems, err)
				}
			}
			if len(problems) > 0 {
				return errors.Join(problems...)
			}
			generated := cfg.APIKey == ""
			if generated {
				cfg.APIKey, cfg.AccessKey = uuid.NewString(), uuid.NewString()
			}
			cfg.Logger = logger
			sb, err := sandbox.New(cfg)
			if err != nil {
				return err
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return errors.Join(fmt.Errorf("sandbox: listen: %w", err), sb.Close())
			}
			base := cfg.PublicURL
			if base == "" {
				base = "http://" + ln.Addr().String()
			}
			base = strings.TrimRight(base, "/")
			access := "(as given with --access-key)"
			if generated {
				access = cfg.AccessKey
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "IWS sandbox: %s/v1/\n  API key:    %s\n  Access key: %s\n", base, cfg.APIKey, access)
			if cfg.Control {
				fmt.Fprintf(out, "  Control:    %s/_sandbox/state\n", base)
			}
			fmt.Fprintf(out, "Use it from the connector:\n  %sIWS_URL=%s/v1/ %sIWS_API_KEY=%s %sIWS_ACCESS_KEY=%s connector iws ...\n",
				envPrefix, base, envPrefix, cfg.APIKey, envPrefix, shellAccessKey(generated, cfg.AccessKey))
			logger.InfoContext(cmd.Context(), "iws sandbox starting", "url", base+"/v1/", "api_key", cfg.APIKey, "generated_keys", generated)
			return sb.Serve(cmd.Context(), ln)
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:8099", "listen address")
	f.IntVar(&cfg.SKUs, "skus", 2000, fmt.Sprintf("catalog size (1 to %d)", sandbox.MaxSKUs))
	f.Int64Var(&cfg.Seed, "seed", 1, "catalog seed: the same seed and size give the same catalog")
	f.StringVar(&cfg.APIKey, "api-key", "", "IWS API key to accept (generated when empty)")
	f.StringVar(&cfg.AccessKey, "access-key", "", "IWS access key that signs requests (generated when empty)")
	f.StringVar(&cfg.StatePath, "state", "", "JSON file keeping orders, stock and counters across restarts")
	f.DurationVar(&cfg.StatusInterval, "status-interval", sandbox.DefaultStatusInterval, "time an order spends in each status (0: only on demand via /_sandbox/advance)")
	f.StringVar(&creditLimit, "credit-limit", "0", "credit line in US dollars; orders beyond it fail with 500/660 (0: unlimited)")
	f.DurationVar(&cfg.ThrottleInterval, "throttle-interval", 0, "minimum time between successful calls of one method (ErrorCode 100 when faster)")
	f.IntVar(&cfg.ThrottleStatus, "throttle-status", 400, "HTTP status of throttled calls: 400 or 429")
	f.DurationVar(&cfg.Faults.Latency, "latency", 0, "delay added to every IWS answer")
	f.Float64Var(&cfg.Faults.FailRate, "fail-rate", 0, "share of IWS calls answered with a 5xx (0 to 1)")
	f.Float64Var(&cfg.Faults.MalformedRate, "malformed-rate", 0, "share of IWS calls answered 200 with garbled JSON (0 to 1)")
	f.Float64Var(&cfg.Faults.DropRate, "drop-rate", 0, "share of IWS calls whose connection drops, half before the answer and half mid-body (0 to 1)")
	f.BoolVar(&cfg.Faults.DropAfterCommit, "drop-after-commit", false, "PlaceOrder commits the order, then drops the connection")
	f.StringVar(&faultNext, "fail-next", "", "one-shot 503s at start, e.g. getcatalog=2,placeorder=1")
	f.StringVar(&cfg.WebhookURL, "webhook-url", "", "URL receiving the OrderStatusUpdate webhook")
	f.StringVar(&cfg.WebhookShape, "webhook-shape", sandbox.WebhookObject, "shape of the webhook's Data: object, array or string")
	f.StringVar(&cfg.PublicURL, "public-url", "", "base of the image, invoice and tracking URLs (default: from each request's Host)")
	f.StringVar(&cfg.Locale, "locale", "es", "account locale when a request sends none: es or en")
	f.BoolVar(&cfg.Control, "control", true, "serve the /_sandbox/ control endpoint")
	f.BoolVar(&cfg.HoldNewOrders, "hold-orders", false, "place orders on hold until ReleaseOrder (B2C style)")
	f.BoolVar(&cfg.PaginationInArray, "pagination-in-array", false, "wrap page objects in a one-element array, as the spec's examples do")
	return cmd
}

// shellAccessKey shows the access key in the example command only when it was generated here.
func shellAccessKey(generated bool, key string) string {
	if generated {
		return key
	}
	return "<access key>"
}

// parseFailNext reads "method=n,method=n".
func parseFailNext(s string) (map[string]int, error) {
	out := make(map[string]int)
	for _, part := range strings.Split(s, ",") {
		method, n, ok := strings.Cut(strings.TrimSpace(part), "=")
		var count int
		if _, err := fmt.Sscanf(n, "%d", &count); !ok || err != nil || method == "" || count < 0 {
			return nil, fmt.Errorf("--fail-next: %q is not method=count", part)
		}
		out[method] = count
	}
	return out, nil
}
