package admin

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/platforms/shopify"
)

// Default tuning of Install.
const (
	DefaultStateTTL = 10 * time.Minute
	DefaultMaxSkew  = 5 * time.Minute
	// maxHandoffBody caps the WooCommerce key handoff body (a few hundred bytes in practice).
	maxHandoffBody = 16 << 10
)

// Install connects shops. Its two flows end the same way: the shop's credentials are sealed in
// the shops table (a shop already connected with the same address is updated, never doubled),
// then Connected registers its webhooks.
//
// Who may connect: a Shopify install is signed by Shopify for a shop that installed the app
// (AllowedShops narrows it to named shops); a WooCommerce connection must have been started by
// an admin (StartWooCommerce, from the CLI), whose one-use state is the handoff's user_id, so a
// key POSTed by anyone else connects nothing.
type Install struct {
	Store *store.Store
	// PublicURL is the connector's public https address, the base of the callback URLs.
	PublicURL string
	Shopify   ShopifyApp
	// Defaults fills a newly connected shop's settings (IWS account: the default one).
	Defaults ShopDefaults
	// Connected runs after a shop is saved (main: register webhooks, the Shopify SKU metafield
	// definition). Its error is logged and reported to the person connecting; the shop stays.
	Connected func(ctx context.Context, shop store.Shop) error
	StateTTL  time.Duration // default DefaultStateTTL
	Logger    *slog.Logger
	Now       func() time.Time

	background sync.WaitGroup // setups started after answering a callback
}

// Wait blocks until every shop setup started in the background has finished (shutdown, tests).
func (h *Install) Wait() { h.background.Wait() }

// ShopifyApp is the connector's Shopify app.
type ShopifyApp struct {
	ClientID     string
	ClientSecret string
	Scopes       []string
	// AllowedShops, when not empty, lists the *.myshopify.com domains that may install.
	AllowedShops []string
	// OAuth exchanges codes for tokens (its ClientID/ClientSecret are the app's).
	OAuth *shopify.OAuth
	// MaxSkew bounds the age of a signed query's timestamp (default DefaultMaxSkew).
	MaxSkew time.Duration
}

// ShopDefaults are the settings a shop gets when it is first connected (main's Connected hook
// then adopts the store's own currency while the shop has published nothing); an admin changes
// them with `connector shop settings`.
type ShopDefaults struct {
	Currency string // ISO 4217, default USD
	Locale   string // es or en, default es
}

// Register mounts the flows' endpoints.
func (h *Install) Register(r gin.IRoutes) {
	r.GET("/shopify/install", h.shopifyInstall)
	r.GET("/shopify/callback", h.shopifyCallback)
	r.POST("/wc-auth/callback", h.wooCallback)
	r.GET("/wc-auth/return", h.wooReturn)
}

func (h *Install) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

func (h *Install) logger() *slog.Logger {
	if h.Logger != nil {
		return h.Logger
	}
	return slog.New(slog.DiscardHandler)
}

func (h *Install) stateTTL() time.Duration {
	if h.StateTTL > 0 {
		return h.StateTTL
	}
	return DefaultStateTTL
}

// publicURL joins the public base and path.
func (h *Install) publicURL(path string) (string, error) {
	u, err := url.Parse(strings.TrimRight(h.PublicURL, "/"))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", fmt.Errorf("admin: public URL %q is not an absolute http(s) URL", h.PublicURL)
	}
	return u.String() + path, nil
}

// saveShop stores a connection: the shop with the same platform and base URL is updated with
// the new credentials (its settings kept), or a new shop is made with the defaults.
func (h *Install) saveShop(ctx context.Context, platform, name, baseURL, creds string) (store.Shop, bool, error) {
	shops, err := h.Store.ListShops(ctx)
	if err != nil {
		return store.Shop{}, false, err
	}
	for _, s := range shops {
		if s.Platform == platform && strings.EqualFold(strings.TrimRight(s.BaseURL, "/"), strings.TrimRight(baseURL, "/")) {
			s.Credentials = creds
			saved, err := h.Store.SaveShop(ctx, s)
			return saved, false, err
		}
	}
	acct, err := h.Store.DefaultIWSAccount(ctx)
	if err != nil {
		return store.Shop{}, false, fmt.Errorf("no IWS account to attach the shop to (add one with `connector iws account`): %w", err)
	}
	currency, locale := h.Defaults.Currency, h.Defaults.Locale
	if currency == "" {
		currency = "USD"
	}
	if locale == "" {
		locale = "es"
	}
	saved, err := h.Store.SaveShop(ctx, store.Shop{Name: name, Platform: platform, BaseURL: baseURL, Credentials: creds,
		IWSAccountID: acct.ID, Currency: currency, Locale: locale})
	return saved, true, err
}

// connected runs the Connected hook and says how it went.
func (h *Install) connected(ctx context.Context, shop store.Shop) error {
	if h.Connected == nil {
		return nil
	}
	if err := h.Connected(ctx, shop); err != nil {
		h.logger().ErrorContext(ctx, "install: shop connected but its setup failed", "shop", shop.ID, "err", err)
		return err
	}
	return nil
}

// stateError maps a ConsumeInstallState error to a status and a message for the person.
func stateError(err error) (int, string) {
	switch {
	case errors.Is(err, store.ErrStateUsed):
		return http.StatusForbidden, "this connection link was already used; start again"
	case errors.Is(err, store.ErrStateExpired):
		return http.StatusForbidden, "this connection link expired; start again"
	case errors.Is(err, store.ErrNotFound):
		return http.StatusForbidden, "unknown connection state; start again"
	default:
		return http.StatusInternalServerError, "could not check the connection state"
	}
}

// page answers a person's browser with a short plain message (the admin UI replaces these).
func page(c *gin.Context, status int, msg string) {
	c.Header("Cache-Control", "no-store")
	c.String(status, msg+"\n")
}
