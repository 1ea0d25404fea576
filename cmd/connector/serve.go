package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/orders"
	"github.com/intcomex-connector/connector/connector/schedule"
	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/syncjob"
	"github.com/intcomex-connector/connector/connector/users"
	"github.com/intcomex-connector/connector/webhooks"
)

func newServeCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the connector service (HTTP server and background work)",
		Long: `Serve runs the connector: it opens the database (migrating it first unless --no-migrate or
CONNECTOR_AUTO_MIGRATE=false), starts the job workers and the scheduler, and serves HTTP on
CONNECTOR_HTTP_ADDR.

When CONNECTOR_IWS_API_KEY and CONNECTOR_IWS_ACCESS_KEY are set they are saved as the "default"
IWS account first. The scheduler enqueues, for every IWS account in the database, a catalog sync and a price sync
daily, a stock sync hourly and an extended catalog download monthly, each followed by the push of
the changed listings to the account's shops, and a daily purge of the API call log
(CONNECTOR_SCHEDULE_* change the intervals, never below IWS's minimums). With several instances on
one MySQL database, one schedules (leader lock) and all of them run jobs (CONNECTOR_JOB_WORKERS at
a time each). A throttled IWS call puts its job off for as long as IWS asks.

Endpoints:

  /healthz   200 while the process runs (liveness)
  /readyz    200 when the database answers and has no pending migration, else 503 with a reason
  /metrics   Prometheus metrics (HTTP requests by route and status, Go runtime, process)
  POST /webhooks/woocommerce/SHOP_ID, POST /webhooks/shopify (shop named by
             X-Shopify-Shop-Domain)
             Storefront webhooks: signature verified, each delivery recorded once (401 bad
             signature, 404 unknown shop, 413 over 5 MiB); app/uninstalled and shop/redact
             remove the shop's credentials, listings and rules

It needs CONNECTOR_SECRET_KEY (or CONNECTOR_SECRET_KEY_FILE). SIGINT or SIGTERM stops it
gracefully: the scheduler stops, requests in flight and running jobs get
CONNECTOR_SHUTDOWN_TIMEOUT to finish (a job cut short is picked up again later).`,
		Example: `  CONNECTOR_SECRET_KEY=$(openssl rand -base64 32) connector serve
  connector serve --addr 0.0.0.0:8080 --no-migrate`,
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := configFromCmd(cmd, true)
			if err != nil {
				return err
			}
			return runServe(cmd, a, cfg)
		},
	}
	cmd.Flags().String("addr", "", "listen address, overrides CONNECTOR_HTTP_ADDR (e.g. 0.0.0.0:8080)")
	return cmd
}

func runServe(cmd *cobra.Command, a *app, cfg Config) error {
	ctx := cmd.Context()
	logger, err := newLogger(cmd.ErrOrStderr(), cfg.LogLevel, cfg.LogFormat)
	if err != nil {
		return err
	}
	// The address is taken before anything else happens: a busy port is one clear error and
	// nothing has run.
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return listenError("serve", cfg.HTTPAddr, err)
	}
	defer ln.Close() // on an early return; serveHTTP closes it otherwise
	// One process per SQLite database: a second serve (or a demo) on its folder would share
	// the file but not the in-process state. MySQL is shared by design (leader lock, job leases).
	if dir, ok := store.SQLiteFolder(cfg.DatabaseURL); ok {
		lock, err := lockServeFolder(dir, ln.Addr().String())
		if err != nil {
			return err
		}
		defer lock.release()
	}
	logger.InfoContext(ctx, "connector starting", "version", version, "commit", commit, "addr", ln.Addr().String(), "config", cfg)

	st, err := openDatabase(ctx, cfg, logger, cfg.AutoMigrate)
	if err != nil {
		return err
	}
	defer func() {
		if err := st.Close(); err != nil {
			logger.WarnContext(ctx, "closing database", "err", err)
		}
	}()

	if cfg.IWSAPIKey != "" {
		// Keys in the environment are the default account, as for `connector sync`.
		if _, err := syncAccount(ctx, cfg, st); err != nil {
			return err
		}
	}
	// One adapter factory for the process: the sync runner, the intake and the install flows share
	// it, so an uninstall drops the adapter the next push would have used.
	sfs := a.storefronts(cfg, st, logger.With("component", "sync"))
	bg, err := newBackground(cfg, st, sfs, logger)
	if err != nil {
		return err
	}
	if err := bg.start(ctx, nil); err != nil {
		return err
	}
	intake, err := webhooks.New(webhooks.Config{Store: st, Resolver: sfs, Orders: orders.NewIntake(st, bg.jobs), Logger: logger.With("component", "webhooks")})
	if err != nil {
		return errors.Join(err, bg.stop(ctx, cfg.ShutdownTimeout))
	}
	iwsIntake, err := newIWSIntake(st, bg.orders.tracker, logger)
	if err != nil {
		return errors.Join(err, bg.stop(ctx, cfg.ShutdownTimeout))
	}
	install := newInstall(cfg, shopSetup(cfg, st, sfs, logger.With("component", "install")), logger.With("component", "install"))
	if install == nil {
		logger.InfoContext(ctx, "shop install endpoints off: CONNECTOR_PUBLIC_URL is not set")
	} else {
		defer install.Wait()
	}
	adminUI, err := newAdminUI(adminUIDeps{cfg: cfg, accounts: users.New(st, users.Options{Logger: logger.With("component", "users")}),
		st: st, bg: bg, storefronts: sfs, logger: logger})
	if err != nil {
		return errors.Join(err, bg.stop(ctx, cfg.ShutdownTimeout))
	}
	router := newRouter(routerDeps{Logger: logger, Ready: st.Ready, Registry: newMetricsRegistry(newOrderMetrics(st)), Webhooks: intake, IWSWebhooks: iwsIntake, Install: install, Admin: adminUI, TrustedProxies: cfg.trustedProxies()})
	err = serveHTTP(ctx, ln, router, logger, cfg.ShutdownTimeout)
	// The database closes after the background work has stopped.
	return errors.Join(err, bg.stop(ctx, cfg.ShutdownTimeout))
}

// lockServeFolder takes the lock of the SQLite database's folder for serve listening on addr.
func lockServeFolder(dir, addr string) (*folderLock, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("serve: database folder: %w", err)
	}
	lock, err := lockFolder(dir, "serve")
	var busy errFolderInUse
	if errors.As(err, &busy) {
		return nil, fmt.Errorf("serve: the database folder %v: stop it first, or give this one another CONNECTOR_DATABASE_URL", err)
	}
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	if err := lock.setAddr("http://" + addr + "/"); err != nil {
		lock.release()
		return nil, fmt.Errorf("serve: %w", err)
	}
	return lock, nil
}

// listenError explains a failed listen in one line a person can act on.
func listenError(cmd, addr string, err error) error {
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("%s: %s is already in use by another program: stop it or choose another address with --addr", cmd, addr)
	}
	return fmt.Errorf("%s: listen on %s: %w", cmd, addr, err)
}

// background is the job workers and the scheduler of serve and demo.
type background struct {
	jobs      *jobs.Client
	scheduler *schedule.Scheduler
	runner    *syncjob.Runner
	orders    *orderPipeline
	logger    *slog.Logger
	shutdown  time.Duration
	workers   int
	started   bool
}

// newBackground builds the job workers (syncs through syncjob, the listing verification, the
// audit purge, the order pipeline) and the scheduler of the IWS schedules for every IWS account
// in the database and of the listing verification for every connected shop. Nothing runs until
// start; jobs may be inserted before (the webhook intake's), they wait for it.
func newBackground(cfg Config, st *store.Store, sfs *shops.Storefronts, logger *slog.Logger) (*background, error) {
	runner, err := newSyncRunner(cfg, st, sfs, logger.With("component", "sync"))
	if err != nil {
		return nil, err
	}
	ws := jobs.NewWorkers()
	syncjob.AddWorkers(ws, runner, syncjob.PurgePolicy{MaxAge: cfg.AuditMaxAge, MaxRows: cfg.AuditMaxRows})
	pipeline, err := addOrderWorkers(ws, cfg, st, sfs, logger)
	if err != nil {
		return nil, err
	}
	client, err := jobs.NewClient(st, jobs.Config{
		Workers:     ws,
		Concurrency: cfg.JobWorkers,
		// A crashed process's jobs (its leases) are taken over after JobLease; tests shorten it.
		LeaseDuration:  cfg.JobLease,
		RescueInterval: cfg.JobRescueInterval,
		Backoff:        jobs.Exponential(cfg.JobRetryBackoff, time.Hour),
		SnoozeFor:      syncjob.SnoozeForThrottle,
		Logger:         logger, // jobs names itself: component=jobs
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	pipeline.bind(client)
	schedules, err := schedule.IWSSchedules(cfg.iwsIntervals(), syncjob.ScheduleKinds())
	if err != nil {
		return nil, err
	}
	perShop, err := schedule.ShopSchedules(cfg.shopIntervals(), orderShopKinds(syncjob.ShopScheduleKinds()))
	if err != nil {
		return nil, err
	}
	sched, err := schedule.New(st, schedule.Config{
		Jobs:      client,
		Schedules: append(schedules, perShop...),
		Shops:     func(ctx context.Context) ([]schedule.ShopRef, error) { return scheduledShops(ctx, st) },
		Accounts: func(ctx context.Context) ([]int64, error) {
			accts, err := st.ListIWSAccounts(ctx)
			if err != nil {
				return nil, err
			}
			ids := make([]int64, len(accts))
			for i, a := range accts {
				ids[i] = a.ID
			}
			return ids, nil
		},
		Logger: logger, // component=scheduler, by the scheduler
	})
	if err != nil {
		return nil, err
	}
	return &background{jobs: client, scheduler: sched, runner: runner, orders: pipeline, logger: logger, shutdown: cfg.ShutdownTimeout, workers: cfg.JobWorkers}, nil
}

// start starts the workers and the scheduler; they run until ctx ends, stop then waits for
// them. synced names accounts whose feeds were all just synced by the caller (with the time the
// sync started): their schedules count from then, so IWS is not asked again at once.
func (b *background) start(ctx context.Context, synced map[int64]time.Time) error {
	for accountID, at := range synced {
		if err := b.scheduler.Ran(ctx, accountID, at); err != nil {
			return err
		}
	}
	if err := b.jobs.Start(ctx); err != nil {
		return fmt.Errorf("jobs: %w", err)
	}
	if err := b.scheduler.Start(ctx); err != nil {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.shutdown)
		defer cancel()
		return errors.Join(fmt.Errorf("scheduler: %w", err), b.jobs.Stop(sctx))
	}
	b.started = true
	b.logger.InfoContext(ctx, "job workers and scheduler started", "workers", b.workers)
	return nil
}

// scheduledShops are the shops the per-shop schedules run for: every connected shop, with its
// IWS account.
func scheduledShops(ctx context.Context, st *store.Store) ([]schedule.ShopRef, error) {
	all, err := st.ListShops(ctx)
	if err != nil {
		return nil, err
	}
	var out []schedule.ShopRef
	for _, sh := range all {
		if !sh.Disconnected() {
			out = append(out, schedule.ShopRef{AccountID: sh.IWSAccountID, ShopID: sh.ID})
		}
	}
	return out, nil
}

// stop stops the scheduler, then waits up to timeout for running jobs.
func (b *background) stop(ctx context.Context, timeout time.Duration) error {
	if !b.started {
		return nil
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	var errs []error
	if err := b.scheduler.Stop(sctx); err != nil {
		errs = append(errs, fmt.Errorf("scheduler: stop: %w", err))
	}
	if err := b.jobs.Stop(sctx); err != nil {
		errs = append(errs, fmt.Errorf("jobs: stop: %w", err))
	}
	b.logger.InfoContext(ctx, "job workers and scheduler stopped")
	return errors.Join(errs...)
}
