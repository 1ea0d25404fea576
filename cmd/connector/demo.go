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
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/intcomex-connector/connector/connector/audit"
	"github.com/intcomex-connector/connector/connector/secret"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/iws"
	"github.com/intcomex-connector/connector/iws/sandbox"
)

// demoOptions are the demo command's flags.
type demoOptions struct {
	Addr        string // where the connector serves HTTP
	DataDir     string // database, keys, sandbox state and demo.json
	SandboxAddr string // where the in-process IWS sandbox listens
	SKUs        int
	Seed        int64
	// ready, when set, receives the running demo's description once everything is up (tests).
	ready func(demoInfo)
}

// demoInfo is what demo.json holds: enough for a person or a script to talk to each part.
type demoInfo struct {
	AdminURL string      `json:"admin_url"`
	IWS      demoIWS     `json:"iws"`
	Shops    []demoShop  `json:"shops"`
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
}

// demoShop describes one demo storefront; the storefront issue fills the list.
type demoShop struct {
	ID            int64             `json:"id"`
	Platform      string            `json:"platform"`
	BaseURL       string            `json:"base_url"`
	WebhookURL    string            `json:"webhook_url"`
	WebhookSecret string            `json:"webhook_secret"`
	Credentials   map[string]string `json:"credentials"`
}

func newDemoCmd() *cobra.Command {
	opts := demoOptions{}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the whole connector on embedded defaults: SQLite, an in-process IWS sandbox",
		Long: `demo starts the connector with nothing else installed: a SQLite database under --data
(./data/demo), an in-process IWS sandbox with generated keys and a deterministic catalog, and the
IWS account configured to use it. It then serves the connector on --addr (127.0.0.1:8080) until
Ctrl-C.

Everything it generates is kept under --data and reused by the next run: the secret key that
encrypts stored credentials (secret.key), the sandbox keys and its orders and stock
(sandbox-state.json), and the database. --data DIR/demo.json describes what is running (admin
URL, IWS sandbox URL and keys, shops), so a person or a script can talk to each part. Every call to
the sandbox is recorded in the API call log like a call to the real IWS.`,
		Example: `  go run ./cmd/connector demo
  connector demo --addr 127.0.0.1:9090 --data /tmp/demo --skus 50000`,
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDemo(cmd, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Addr, "addr", "127.0.0.1:8080", "address the connector serves HTTP on")
	cmd.Flags().StringVar(&opts.DataDir, "data", filepath.Join("data", "demo"), "folder for the demo database, keys, sandbox state and demo.json")
	cmd.Flags().StringVar(&opts.SandboxAddr, "sandbox-addr", "127.0.0.1:0", "address of the in-process IWS sandbox (port 0 picks a free one)")
	cmd.Flags().IntVar(&opts.SKUs, "skus", 2000, "size of the sandbox catalog")
	cmd.Flags().Int64Var(&opts.Seed, "seed", 1, "seed of the sandbox catalog")
	return cmd
}

func runDemo(cmd *cobra.Command, opts demoOptions) error {
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

	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return fmt.Errorf("demo: listen: %w", err)
	}
	info := demoInfo{
		AdminURL: "http://" + ln.Addr().String() + "/",
		IWS:      keys,
		Shops:    []demoShop{},
		Database: cfg.DatabaseURL,
		Started:  time.Now().UTC(),
		Sandbox:  demoSandbox{ControlURL: sandboxURL + "/_sandbox/state", SKUs: opts.SKUs, Seed: opts.Seed},
		Try: []string{
			fmt.Sprintf("CONNECTOR_DATABASE_URL=%s CONNECTOR_SECRET_KEY_FILE=%s connector iws getcatalog page=1 limit=3",
				cfg.DatabaseURL, filepath.Join(opts.DataDir, "secret.key")),
			"curl " + sandboxURL + "/_sandbox/state",
		},
	}
	if err := writeDemoInfo(filepath.Join(opts.DataDir, "demo.json"), info); err != nil {
		return err
	}
	printDemoBanner(cmd.OutOrStdout(), info, opts.DataDir)

	router := newRouter(routerDeps{Logger: logger, Ready: st.Ready, Registry: newMetricsRegistry()})
	public := info
	public.IWS.AccessKey = "" // the page is for people; the key stays in demo.json (0600)
	router.GET("/", func(c *gin.Context) { c.JSON(http.StatusOK, public) })
	if opts.ready != nil {
		opts.ready(info)
	}
	return serveHTTP(ctx, ln, router, logger, cfg.ShutdownTimeout)
}

// demoCheckIWS proves the account works end to end: authenticate, then read one catalog page.
// Both calls land in the API call log.
func demoCheckIWS(ctx context.Context, client *iws.Client, logger *slog.Logger) error {
	ctx = audit.WithJobID(ctx, "demo-start")
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

Try:
`, info.AdminURL, info.IWS.URL, info.Sandbox.SKUs, info.Sandbox.Seed, info.Sandbox.ControlURL,
		info.IWS.APIKey, filepath.Join(dataDir, "demo.json"), info.Database)
	for _, t := range info.Try {
		fmt.Fprintf(w, "  %s\n", t)
	}
	fmt.Fprintln(w, "\nCtrl-C stops it; everything is kept under", dataDir)
}
