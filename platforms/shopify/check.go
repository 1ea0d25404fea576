package shopify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/intcomex-connector/connector/platforms"
)

// OpShopCheck is the operation Check sends (graphql/shop_check.graphql).
const OpShopCheck = "ShopCheck"

// RequiredScopes are the access scopes the catalog push cannot do without: products and their
// variants (productSet), stock (inventorySetQuantities) and the location it stocks.
var RequiredScopes = []string{"write_products", "write_inventory", "read_locations"}

// Check implements platforms.Checker with one read, the ShopCheck query: the token is accepted
// (else HTTP 401), the shop's name and currency, and the scopes the token was granted, of which
// RequiredScopes must all be there. Shopify keeps prices in the currency's own minor unit, so
// PriceDecimals is platforms.CurrencyDecimals.
func (c *Client) Check(ctx context.Context) (platforms.StoreInfo, error) {
	var d struct {
		Shop struct {
			Name            string `json:"name"`
			CurrencyCode    string `json:"currencyCode"`
			MyshopifyDomain string `json:"myshopifyDomain"`
		} `json:"shop"`
		CurrentAppInstallation struct {
			AccessScopes []struct {
				Handle string `json:"handle"`
			} `json:"accessScopes"`
		} `json:"currentAppInstallation"`
	}
	if err := c.Do(ctx, OpShopCheck, nil, &d); err != nil {
		return platforms.StoreInfo{}, c.checkFailure(ctx, err)
	}
	if d.Shop.CurrencyCode == "" {
		return platforms.StoreInfo{}, &platforms.CheckError{Problem: platforms.CheckUnexpected,
			Message: fmt.Sprintf("the shop %s did not say its currency", c.cfg.Shop)}
	}
	granted := make([]string, 0, len(d.CurrentAppInstallation.AccessScopes))
	for _, s := range d.CurrentAppInstallation.AccessScopes {
		granted = append(granted, s.Handle)
	}
	var missing []string
	for _, s := range RequiredScopes {
		if !slices.Contains(granted, s) {
			missing = append(missing, s)
		}
	}
	if len(missing) > 0 {
		return platforms.StoreInfo{}, &platforms.CheckError{Problem: platforms.CheckReadOnly,
			Message: fmt.Sprintf("the access token lacks the scopes %s (it has %s): give the app those scopes and install it again",
				strings.Join(missing, ", "), orNone(granted))}
	}
	return platforms.StoreInfo{Name: d.Shop.Name, Currency: strings.ToUpper(d.Shop.CurrencyCode),
		PriceDecimals: platforms.CurrencyDecimals}, nil
}

// checkFailure turns an error of the ShopCheck query into a *platforms.CheckError quoting Shopify.
func (c *Client) checkFailure(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return err
	}
	fail := func(p platforms.CheckProblem, format string, args ...any) error {
		return &platforms.CheckError{Problem: p, Message: fmt.Sprintf(format, args...), Err: err}
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		var tokErr tokenError
		if errors.As(err, &tokErr) {
			return fail(platforms.CheckCredentials, "no access token for %s: %v", c.cfg.Shop, tokErr.error)
		}
		var syntaxErr *json.SyntaxError
		if errors.As(err, &syntaxErr) {
			return fail(platforms.CheckNotStore, "%s answers, but not with Shopify's Admin API (%v)", c.endpointHost(), err)
		}
		return fail(platforms.CheckUnreachable, "no answer from %s: %v", c.endpointHost(), err)
	}
	said := fmt.Sprintf("HTTP %d", apiErr.Status)
	if apiErr.Code != "" {
		said += " " + apiErr.Code
	}
	if apiErr.Message != "" {
		said += ": " + apiErr.Message
	}
	switch {
	case errors.Is(apiErr, ErrUnauthorized):
		return fail(platforms.CheckCredentials, "Shopify refused the access token for %s (%s)", c.cfg.Shop, said)
	case apiErr.Status == http.StatusNotFound:
		return fail(platforms.CheckNotStore, "no Shopify shop answers at %s (%s): check the NAME.myshopify.com domain", c.endpointHost(), said)
	case errors.Is(apiErr, ErrUnavailable), errors.Is(apiErr, platforms.ErrRateLimited):
		return fail(platforms.CheckUnreachable, "Shopify failed for %s (%s)", c.cfg.Shop, said)
	}
	return fail(platforms.CheckUnexpected, "Shopify answered %s for %s", said, c.cfg.Shop)
}

// endpointHost is the scheme and host the client talks to.
func (c *Client) endpointHost() string {
	host, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(c.endpoint, "https://"), "http://"), "/")
	return host
}

func orNone(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	return strings.Join(list, ", ")
}
