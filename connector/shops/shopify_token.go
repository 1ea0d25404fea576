package shops

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/intcomex-connector/connector/platforms/shopify"
)

// TokenRefreshMargin is how long before an expiring Shopify token lapses the connector
// refreshes it, so no request is sent with a token about to die.
const TokenRefreshMargin = 5 * time.Minute

// ShopifyTokens refreshes the expiring offline tokens the app install flow gets, and stores
// the rotated pair. Shopify refresh tokens are single use: the new pair must be saved before the
// old one is forgotten, or the shop has to be installed again.
type ShopifyTokens struct {
	// OAuth is the app's token endpoint client.
	OAuth *shopify.OAuth
	// Save stores the shop's new credentials document (main: read the shop, set Credentials,
	// SaveShop).
	Save func(ctx context.Context, shopID int64, credentials string) error
	Now  func() time.Time // default time.Now
}

// shopifyToken is one shop's token, as a shopify.Config.TokenSource.
type shopifyToken struct {
	tokens *ShopifyTokens
	shopID int64
	domain string
	log    *slog.Logger

	mu    sync.Mutex
	creds ShopifyCredentials
}

func (t *shopifyToken) now() time.Time {
	if t.tokens.Now != nil {
		return t.tokens.Now()
	}
	return time.Now()
}

// token returns the access token, refreshing it first when it lapses within the margin. A
// failed refresh keeps using a token that is still valid (and is tried again on the next call);
// an expired token with no refresh is an error, and nothing is sent.
func (t *shopifyToken) token(ctx context.Context) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	current := shopify.Token{AccessToken: t.creds.AccessToken, ExpiresAt: t.creds.ExpiresAt}
	if !current.NeedsRefresh(now, TokenRefreshMargin) {
		return t.creds.AccessToken, nil
	}
	fresh, err := t.tokens.OAuth.Refresh(ctx, t.domain, t.creds.RefreshToken)
	if err != nil {
		if now.Before(t.creds.ExpiresAt) {
			t.log.WarnContext(ctx, "shopify: token refresh failed; the current token is still valid", "expires_at", t.creds.ExpiresAt, "err", err)
			return t.creds.AccessToken, nil
		}
		return "", fmt.Errorf("shop %d: the Shopify token expired at %s and could not be refreshed (install the app again): %w",
			t.shopID, t.creds.ExpiresAt.Format(time.RFC3339), err)
	}
	next := t.creds
	next.AccessToken, next.ExpiresAt = fresh.AccessToken, fresh.ExpiresAt
	if fresh.RefreshToken != "" {
		next.RefreshToken, next.RefreshTokenExpiresAt = fresh.RefreshToken, fresh.RefreshTokenExpiresAt
	}
	t.creds = next
	doc, err := MarshalCredentials(next)
	if err == nil {
		err = t.tokens.Save(ctx, t.shopID, doc)
	}
	if err != nil {
		// The new token works for this process; losing the rotated refresh token matters only
		// after a restart, so the request goes on and the failure is loud.
		t.log.ErrorContext(ctx, "shopify: refreshed token not saved; the shop needs a new install after a restart", "err", err)
	} else {
		t.log.InfoContext(ctx, "shopify: access token refreshed", "token", fresh)
	}
	return next.AccessToken, nil
}
