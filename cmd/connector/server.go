package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/intcomex-connector/connector/admin"

	"github.com/intcomex-connector/connector/webhooks"
)

// routerDeps are what the shared HTTP router needs. serve and demo build one each and add their
// own routes to the returned engine.
type routerDeps struct {
	Logger *slog.Logger
	// Ready reports whether the service can take traffic (database reachable, schema current).
	Ready func(ctx context.Context) error
	// Registry collects the process's metrics; newMetricsRegistry makes one with the Go and
	// process collectors. Other parts of the service register their own collectors on it.
	Registry *prometheus.Registry
	// Webhooks, when set, is the storefronts' webhook intake (POST /webhooks/...).
	Webhooks *webhooks.Handler
	// IWSWebhooks, when set, is Intcomex's OrderStatusUpdate intake (POST /webhooks/iws).
	IWSWebhooks *webhooks.IWSHandler
	// Install, when set, is the shop connection flows (/shopify/install, /wc-auth/callback ...).
	Install *admin.Install
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names the client
	// (Config.TrustedProxies); none: the connection's address is the client's.
	TrustedProxies []string
	// Admin, when set, is the management web UI and its JSON API (/, /login, /api/v1 ...); it
	// also answers the paths no route matches (a page, or JSON under /api/).
	Admin *admin.UI
}

// newMetricsRegistry returns a registry with the Go runtime and process collectors and more.
func newMetricsRegistry(more ...prometheus.Collector) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	reg.MustRegister(more...)
	return reg
}

// newRouter builds the gin engine with recovery, request logging and metrics middleware and the
// operational endpoints: /healthz (alive), /readyz (database ready), /metrics (Prometheus).
// gin.SetMode is process-wide; main sets release mode.
func newRouter(deps routerDeps) *gin.Engine {
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if deps.Registry == nil {
		deps.Registry = newMetricsRegistry()
	}
	r := gin.New()
	r.HandleMethodNotAllowed = true
	// gin trusts every proxy by default, which lets any client name its own address (and so
	// slip the per-address login throttle). Only the configured proxies are believed.
	if err := r.SetTrustedProxies(deps.TrustedProxies); err != nil {
		// Config.validate checked the list; an error here is a bug.
		panic(fmt.Sprintf("http: trusted proxies %q: %v", deps.TrustedProxies, err))
	}
	// Recovery sits innermost so a panicking handler is still counted and logged as a 500.
	r.Use(newHTTPMetrics(deps.Registry).middleware(), requestLogger(deps.Logger))
	r.Use(gin.CustomRecoveryWithWriter(nil, func(c *gin.Context, err any) {
		deps.Logger.ErrorContext(c.Request.Context(), "http: handler panicked", "path", c.Request.URL.Path, "panic", fmt.Sprint(err), "stack", string(debug.Stack()))
		c.AbortWithStatusJSON(http.StatusInternalServerError, gin.H{"error": "internal error"})
	}))

	h := opsHandler{ready: deps.Ready}
	r.GET("/healthz", h.healthz)
	r.HEAD("/healthz", h.healthz)
	r.GET("/readyz", h.readyz)
	r.HEAD("/readyz", h.readyz)
	r.GET("/metrics", gin.WrapH(promhttp.HandlerFor(deps.Registry, promhttp.HandlerOpts{Registry: deps.Registry})))
	if deps.Webhooks != nil {
		deps.Webhooks.Mount(r)
	}
	if deps.IWSWebhooks != nil {
		deps.IWSWebhooks.Mount(r)
	}
	if deps.Install != nil {
		deps.Install.Register(r)
	}
	if deps.Admin != nil {
		deps.Admin.Mount(r)
	}
	return r
}

// opsHandler serves the operational endpoints.
type opsHandler struct {
	ready func(ctx context.Context) error
}

func (h opsHandler) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// readyTimeout bounds one readiness check so a stuck database makes /readyz fail, not hang.
const readyTimeout = 3 * time.Second

func (h opsHandler) readyz(c *gin.Context) {
	if h.ready == nil {
		c.JSON(http.StatusOK, gin.H{"status": "ready"})
		return
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), readyTimeout)
	defer cancel()
	if err := h.ready(ctx); err != nil {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "not ready", "reason": err.Error()})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}

// httpMetrics counts and times requests by route template (never the raw path, which would
// make one series per product or order id).
type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inFlight prometheus.Gauge
}

func newHTTPMetrics(reg prometheus.Registerer) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "connector_http_requests_total",
			Help: "HTTP requests served, by method, route and status code.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "connector_http_request_duration_seconds",
			Help:    "Time to serve HTTP requests, by method, route and status code.",
			Buckets: prometheus.DefBuckets,
		}, []string{"method", "route", "status"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "connector_http_requests_in_flight",
			Help: "HTTP requests being served.",
		}),
	}
	reg.MustRegister(m.requests, m.duration, m.inFlight)
	return m
}

func (m *httpMetrics) middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		m.inFlight.Inc()
		defer m.inFlight.Dec()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		status := strconv.Itoa(c.Writer.Status())
		m.requests.WithLabelValues(c.Request.Method, route, status).Inc()
		m.duration.WithLabelValues(c.Request.Method, route, status).Observe(time.Since(start).Seconds())
	}
}

// requestLogger logs one line per request. Probes and scrapes log at debug level so they do not
// drown the log; server errors log at error level.
func requestLogger(logger *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		status := c.Writer.Status()
		level := slog.LevelInfo
		switch route := c.FullPath(); {
		case status >= 500:
			level = slog.LevelError
		case route == "/healthz" || route == "/readyz" || route == "/metrics":
			level = slog.LevelDebug
		}
		logger.Log(c.Request.Context(), level, "http request",
			"method", c.Request.Method,
			"route", c.FullPath(),
			"path", c.Request.URL.Path, // the path only: query strings may carry tokens
			"status", status,
			"duration", time.Since(start),
			"bytes", max(c.Writer.Size(), 0),
			"client", c.ClientIP(),
		)
	}
}

type listeningKey struct{}

// withListening returns ctx carrying listening, which serveHTTP run on it calls with its address
// once it accepts connections: tests learn the port of --addr 127.0.0.1:0 and wait for the
// server without polling it.
func withListening(ctx context.Context, listening func(addr string)) context.Context {
	return context.WithValue(ctx, listeningKey{}, listening)
}

// serveHTTP serves h on ln until ctx ends, then shuts down gracefully, giving requests in flight
// up to shutdownTimeout to finish.
func serveHTTP(ctx context.Context, ln net.Listener, h http.Handler, logger *slog.Logger, shutdownTimeout time.Duration) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	logger.InfoContext(ctx, "http server listening", "addr", ln.Addr().String())
	if listening, ok := ctx.Value(listeningKey{}).(func(addr string)); ok {
		listening(ln.Addr().String())
	}

	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	logger.InfoContext(ctx, "http server shutting down", "timeout", shutdownTimeout)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("http server: shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("http server: %w", err)
	}
	logger.InfoContext(ctx, "http server stopped")
	return nil
}
