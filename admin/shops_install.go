package admin

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/platforms/shopify"
)

// ErrShopifyAppNotConfigured: the connector has no Shopify app (client id and secret) to install,
// or no public address for Shopify to send the browser back to.
var ErrShopifyAppNotConfigured = errors.New("admin: the connector's Shopify app is not configured: set CONNECTOR_SHOPIFY_CLIENT_ID, CONNECTOR_SHOPIFY_CLIENT_SECRET and CONNECTOR_PUBLIC_URL")

// domainProblem is a refused Shopify domain, as the CLI's --domain flag would report it.
func domainProblem(msg string) error {
	return &shops.ProblemsError{Problems: []shops.Problem{{Field: "domain", Message: msg}}}
}

// ShopifyConfigured reports whether the connector's Shopify app can be installed: a client id
// and secret and a public address to come back to.
func (h *Install) ShopifyConfigured() bool {
	return h != nil && h.Shopify.ClientID != "" && h.Shopify.ClientSecret != "" && h.PublicURL != ""
}

// StartShopify begins installing the connector's Shopify app on a shop from the web UI, as
// StartWooCommerce does for a WooCommerce site: it normalises the domain a person typed
// (shops.ShopifyDomain), keeps a one-use state for it and returns Shopify's grant page for the
// shop. When the shop's owner approves, Shopify sends the browser to /shopify/callback, signed,
// with that state, and the shop is connected as by an install from Shopify's side. A domain
// outside CONNECTOR_SHOPIFY_SHOPS is refused like a malformed one (a *shops.ProblemsError on
// the field "domain"); without the app, ErrShopifyAppNotConfigured.
func (h *Install) StartShopify(ctx context.Context, domain string) (string, error) {
	if !h.ShopifyConfigured() {
		return "", ErrShopifyAppNotConfigured
	}
	shop, err := shops.ShopifyDomain(domain)
	if err != nil {
		return "", domainProblem(err.Error())
	}
	if len(h.Shopify.AllowedShops) > 0 && !slices.Contains(h.Shopify.AllowedShops, shop) {
		return "", domainProblem(fmt.Sprintf("%s: this connector serves only %s (CONNECTOR_SHOPIFY_SHOPS)", shop, strings.Join(h.Shopify.AllowedShops, ", ")))
	}
	redirect, err := h.publicURL("/shopify/callback")
	if err != nil {
		return "", err
	}
	state, err := shopify.NewState()
	if err != nil {
		return "", err
	}
	link, err := shopify.AuthorizeURL(shop, h.Shopify.ClientID, h.Shopify.Scopes, redirect, state)
	if err != nil {
		return "", err
	}
	if _, err := h.Store.CreateInstallState(ctx, state, store.PlatformShopify, shop, h.stateTTL()); err != nil {
		return "", fmt.Errorf("admin: shopify install state: %w", err)
	}
	return link, nil
}
