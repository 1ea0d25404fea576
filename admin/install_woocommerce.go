package admin

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/shopify"
	"github.com/intcomex-connector/connector/platforms/woocommerce"
)

// wooAppName is what the merchant sees on WooCommerce's approval page and in the key's name.
const wooAppName = "Intcomex Connector"

// StartWooCommerce begins connecting the WooCommerce site at siteURL: it keeps a one-use state
// and returns the page of the site where its admin approves the connector. The site then POSTs
// a read_write key pair to /wc-auth/callback with the state as user_id.
func (h *Install) StartWooCommerce(ctx context.Context, siteURL string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(siteURL))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("admin: site URL %q is not an absolute http(s) URL: %w", siteURL, platforms.ErrInvalid)
	}
	site := strings.TrimRight(u.String(), "/")
	state, err := shopify.NewState() // any 256-bit nonce does; this one is URL-safe
	if err != nil {
		return "", err
	}
	if _, err := h.Store.CreateInstallState(ctx, state, store.PlatformWooCommerce, site, h.stateTTL()); err != nil {
		return "", err
	}
	callback, err := h.publicURL("/wc-auth/callback")
	if err != nil {
		return "", err
	}
	ret, err := h.publicURL("/wc-auth/return")
	if err != nil {
		return "", err
	}
	return woocommerce.AuthorizeURL(site, woocommerce.AuthorizeParams{AppName: wooAppName, UserID: state, ReturnURL: ret, CallbackURL: callback})
}

// wooCallback receives the key pair. WooCommerce shows the merchant an error unless it answers
// 200, and it deletes nothing when we refuse: a refused key stays unused in the site's list.
func (h *Install) wooCallback(c *gin.Context) {
	ctx := c.Request.Context()
	body, err := io.ReadAll(io.LimitReader(c.Request.Body, maxHandoffBody+1))
	if err != nil {
		c.JSON(http.StatusBadRequest, gin.H{"error": "could not read the body"})
		return
	}
	if len(body) > maxHandoffBody {
		c.JSON(http.StatusRequestEntityTooLarge, gin.H{"error": "body too large"})
		return
	}
	key, err := woocommerce.ParseKeyHandoff(body)
	if err != nil {
		h.logger().WarnContext(ctx, "install: woocommerce key handoff refused", "err", err)
		c.JSON(http.StatusBadRequest, gin.H{"error": err.Error()})
		return
	}
	st, err := h.Store.ConsumeInstallState(ctx, key.UserID, store.PlatformWooCommerce)
	if err != nil {
		status, msg := stateError(err)
		h.logger().WarnContext(ctx, "install: woocommerce handoff state refused", "key", key, "err", err)
		c.JSON(status, gin.H{"error": msg})
		return
	}
	secret, err := shops.NewWebhookSecret()
	if err != nil {
		c.JSON(http.StatusInternalServerError, gin.H{"error": "could not make a webhook secret"})
		return
	}
	creds, err := shops.MarshalCredentials(shops.WooCommerceCredentials{ConsumerKey: key.ConsumerKey,
		ConsumerSecret: key.ConsumerSecret, WebhookSecret: secret})
	var saved store.Shop
	var created bool
	if err == nil {
		name := st.Shop
		if u, perr := url.Parse(st.Shop); perr == nil {
			name = u.Host
		}
		saved, created, err = h.saveShop(ctx, store.PlatformWooCommerce, name, st.Shop, creds)
	}
	if err != nil {
		h.logger().ErrorContext(ctx, "install: save woocommerce shop", "site", st.Shop, "err", err)
		c.JSON(http.StatusInternalServerError, gin.H{"error": "could not save the shop"})
		return
	}
	h.logger().InfoContext(ctx, "install: woocommerce shop connected", "shop", saved.ID, "site", st.Shop, "new", created, "key", key)
	// The site waits for this answer before it sends the merchant back: set the shop up after
	// answering, detached from the request.
	h.background.Go(func() {
		_ = h.connected(context.WithoutCancel(ctx), saved) // connected logs its own error
	})
	c.JSON(http.StatusOK, gin.H{"shop_id": saved.ID})
}

// wooReturn is where the merchant's browser lands after approving (success=1) or refusing.
func (h *Install) wooReturn(c *gin.Context) {
	if c.Query("success") != "1" {
		page(c, http.StatusOK, "The connection was not approved; nothing was connected.")
		return
	}
	page(c, http.StatusOK, "Approved. The shop is connected and its catalog is published on the next sync.")
}
