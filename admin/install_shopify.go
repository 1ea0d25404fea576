package admin

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/platforms/shopify"
)

func (h *Install) maxSkew() time.Duration {
	if h.Shopify.MaxSkew > 0 {
		return h.Shopify.MaxSkew
	}
	return DefaultMaxSkew
}

// checkShopifyQuery verifies a query Shopify signed (install and callback): the HMAC with the
// app secret, the timestamp's age, the shop domain, and the allow list.
func (h *Install) checkShopifyQuery(c *gin.Context) (string, bool) {
	q := c.Request.URL.Query()
	shop := q.Get("shop")
	if !shopify.ValidShopDomain(shop) {
		page(c, http.StatusBadRequest, "shop must be a NAME.myshopify.com domain")
		return "", false
	}
	if err := shopify.VerifyQuery(q, h.Shopify.ClientSecret, h.now(), h.maxSkew()); err != nil {
		switch {
		case errors.Is(err, shopify.ErrStaleTimestamp):
			page(c, http.StatusBadRequest, "the request is too old or from the future; start the install again")
		case errors.Is(err, shopify.ErrBadShop):
			page(c, http.StatusBadRequest, "shop must be a NAME.myshopify.com domain")
		default:
			page(c, http.StatusUnauthorized, "the request is not signed by Shopify for this app")
		}
		h.logger().WarnContext(c.Request.Context(), "install: refused Shopify query", "shop", shop, "err", err)
		return "", false
	}
	if len(h.Shopify.AllowedShops) > 0 && !slices.Contains(h.Shopify.AllowedShops, shop) {
		page(c, http.StatusForbidden, "this connector does not serve "+shop)
		return "", false
	}
	return shop, true
}

// shopifyInstall is the app URL Shopify opens when a merchant installs: check the signed query,
// keep a one-use state for the shop, send the browser to Shopify's grant screen.
func (h *Install) shopifyInstall(c *gin.Context) {
	shop, ok := h.checkShopifyQuery(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	state, err := shopify.NewState()
	if err == nil {
		_, err = h.Store.CreateInstallState(ctx, state, store.PlatformShopify, shop, h.stateTTL())
	}
	if err != nil {
		h.logger().ErrorContext(ctx, "install: shopify state", "shop", shop, "err", err)
		page(c, http.StatusInternalServerError, "could not start the install")
		return
	}
	redirect, err := h.publicURL("/shopify/callback")
	var authorize string
	if err == nil {
		authorize, err = shopify.AuthorizeURL(shop, h.Shopify.ClientID, h.Shopify.Scopes, redirect, state)
	}
	if err != nil {
		h.logger().ErrorContext(ctx, "install: shopify authorize URL", "shop", shop, "err", err)
		page(c, http.StatusInternalServerError, "the connector's Shopify app is not configured")
		return
	}
	c.Redirect(http.StatusFound, authorize)
}

// shopifyCallback is where Shopify sends the merchant back with a code: check the signed query
// again and the state (one use, same shop), exchange the code for an expiring offline token,
// save the shop, set it up.
func (h *Install) shopifyCallback(c *gin.Context) {
	shop, ok := h.checkShopifyQuery(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	q := c.Request.URL.Query()
	st, err := h.Store.ConsumeInstallState(ctx, q.Get("state"), store.PlatformShopify)
	if err != nil {
		status, msg := stateError(err)
		h.logger().WarnContext(ctx, "install: shopify callback state refused", "shop", shop, "err", err)
		page(c, status, msg)
		return
	}
	if st.Shop != shop {
		h.logger().WarnContext(ctx, "install: shopify state of another shop", "shop", shop, "state_shop", st.Shop)
		page(c, http.StatusForbidden, "the connection state belongs to another shop; start again")
		return
	}
	token, err := h.Shopify.OAuth.Exchange(ctx, shop, q.Get("code"))
	if err != nil {
		h.logger().ErrorContext(ctx, "install: shopify code exchange", "shop", shop, "err", err)
		status := http.StatusBadGateway
		if errors.Is(err, shopify.ErrInvalidGrant) {
			status = http.StatusForbidden
		}
		page(c, status, "Shopify did not grant access; start the install again")
		return
	}
	creds, err := shops.MarshalCredentials(shops.ShopifyCredentials{AccessToken: token.AccessToken, Shop: shop,
		RefreshToken: token.RefreshToken, ExpiresAt: token.ExpiresAt, RefreshTokenExpiresAt: token.RefreshTokenExpiresAt})
	var saved store.Shop
	var created bool
	if err == nil {
		saved, created, err = h.saveShop(ctx, store.PlatformShopify, strings.TrimSuffix(shop, ".myshopify.com"), "https://"+shop, creds)
	}
	if err != nil {
		h.logger().ErrorContext(ctx, "install: save shopify shop", "shop", shop, "err", err)
		page(c, http.StatusInternalServerError, "could not save the shop: "+err.Error())
		return
	}
	h.logger().InfoContext(ctx, "install: shopify shop connected", "shop", saved.ID, "domain", shop, "new", created, "token", token)
	if err := h.connected(ctx, saved); err != nil {
		page(c, http.StatusOK, "Connected "+shop+", but setting it up failed: "+err.Error()+". An admin can retry with `connector shop webhooks`.")
		return
	}
	page(c, http.StatusOK, "Connected "+shop+". The catalog is published on the next sync.")
}
