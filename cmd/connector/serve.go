package main

import (
	"fmt"
	"net"
	"time"

	"github.com/spf13/cobra"

	"github.com/intcomex-connector/connector/connector/audit"
)

func newServeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the connector service (HTTP server and background work)",
		Long: `Serve runs the connector: it opens the database (migrating it first unless --no-migrate or
CONNECTOR_AUTO_MIGRATE=false), starts the audit log retention, and serves HTTP on
CONNECTOR_HTTP_ADDR:

  /healthz   200 while the process runs (liveness)
  /readyz    200 when the database answers and has no pending migration, else 503 with a reason
  /metrics   Prometheus metrics (HTTP requests by route and status, Go runtime, process)

It needs CONNECTOR_SECRET_KEY (or CONNECTOR_SECRET_KEY_FILE). SIGINT or SIGTERM stops it
gracefully: requests in flight get CONNECTOR_SHUTDOWN_TIMEOUT to finish.`,
		Example: `  CONNECTOR_SECRET_KEY=$(openssl rand -base64 32) connector serve
  connector serve --addr 0.0.0.0:8080 --no-migrate`,
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := configFromCmd(cmd, true)
			if err != nil {
				return err
			}
			return runServe(cmd, cfg)
		},
	}
	cmd.Flags().String("addr", "", "listen address, overrides CONNECTOR_HTTP_ADDR (e.g. 0.0.0.0:8080)")
	return cmd
}

func runServe(cmd *cobra.Command, cfg Config) error {
	ctx := cmd.Context()
	logger, err := newLogger(cmd.ErrOrStderr(), cfg.LogLevel, cfg.LogFormat)
	if err != nil {
		return err
	}
	logger.InfoContext(ctx, "connector starting", "version", version, "commit", commit, "config", cfg)

	st, err := openDatabase(ctx, cfg, logger, cfg.AutoMigrate)
	if err != nil {
		return err
	}
	defer func() {
		if err := st.Close(); err != nil {
			logger.WarnContext(ctx, "closing database", "err", err)
		}
	}()

	retentionDone := make(chan struct{})
	go func() {
		defer close(retentionDone)
		audit.RunRetention(ctx, st, audit.RetentionPolicy{
			MaxAge: cfg.AuditMaxAge, MaxRows: cfg.AuditMaxRows, Interval: time.Hour,
		}, logger.With("component", "audit"))
	}()

	router := newRouter(routerDeps{Logger: logger, Ready: st.Ready, Registry: newMetricsRegistry()})
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("serve: listen: %w", err)
	}
	err = serveHTTP(ctx, ln, router, logger, cfg.ShutdownTimeout)
	<-retentionDone // ends with ctx; the database closes after it
	return err
}
