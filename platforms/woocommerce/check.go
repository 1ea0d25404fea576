package woocommerce

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/intcomex-connector/connector/platforms"
)

// Check implements platforms.Checker with three requests that change nothing:
//
//  1. GET {site}/wp-json/?_fields=name,home,namespaces, anonymous: WordPress's REST index gives
//     the site's name, its own address (home) and whether WooCommerce's wc/v3 API is there. It is
//     best effort (security plugins hide it): only a WordPress that lists no wc/v3 is conclusive.
//  2. GET /settings/general with the keys: they are accepted and may read; it gives
//     woocommerce_currency and woocommerce_price_num_decimals (fixture 25).
//  3. POST /products/batch with the empty body {}: WooCommerce refuses a key without write
//     permission before it looks at the batch (401 woocommerce_rest_authentication_error "The
//     API key provided does not have write permissions.", WC_REST_Authentication); a read_write
//     key gets an empty answer and nothing happens.
//
// A failure is a *platforms.CheckError quoting the store.
func (c *Client) Check(ctx context.Context) (platforms.StoreInfo, error) {
	idx, err := c.restIndex(ctx)
	if err != nil {
		return platforms.StoreInfo{}, err
	}
	site := c.siteURL()
	if idx != nil && !slices.Contains(idx.Namespaces, "wc/v3") {
		return platforms.StoreInfo{}, &platforms.CheckError{Problem: platforms.CheckNotStore,
			Message: fmt.Sprintf("WordPress answers at %s, but WooCommerce's REST API (wc/v3) is not among its APIs: is WooCommerce installed and active?", site)}
	}
	info, err := c.checkSettings(ctx)
	if err != nil {
		return platforms.StoreInfo{}, c.checkFailure(ctx, err, idx, "reading the store's settings")
	}
	if idx != nil {
		info.Name = idx.Name
	}
	_, err = c.do(ctx, call{method: http.MethodPost, path: "/products/batch", idempotent: true,
		body: func() ([]byte, error) { return []byte("{}"), nil }})
	if err != nil {
		return platforms.StoreInfo{}, c.checkFailure(ctx, err, idx, "a test write (an empty product batch)")
	}
	return info, nil
}

// restIndex is the part of WordPress's REST index the check reads.
type restIndex struct {
	Name       string   `json:"name"`
	Home       string   `json:"home"`
	Namespaces []string `json:"namespaces"`
}

// restIndex GETs the REST index once. It returns nil when the answer is not one (a page, an
// error, a hidden index) and an error only when nothing answers at all.
func (c *Client) restIndex(ctx context.Context) (*restIndex, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	u := *c.base
	u.Path = strings.TrimSuffix(u.Path, "/wc/v3") + "/"
	u.RawQuery = url.Values{"_fields": {"name,home,namespaces"}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil && errors.Is(err, ctxErr) {
			return nil, fmt.Errorf("woocommerce: check: %w", err)
		}
		return nil, &platforms.CheckError{Problem: platforms.CheckUnreachable,
			Message: fmt.Sprintf("nothing answers at %s: %v", c.siteURL(), scrubURLError(err)), Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil || resp.StatusCode != http.StatusOK {
		return nil, nil
	}
	var idx restIndex
	if json.Unmarshal(body, &idx) != nil || idx.Namespaces == nil {
		return nil, nil
	}
	return &idx, nil
}

// checkSettings reads the currency and the price decimals from /settings/general in one call.
func (c *Client) checkSettings(ctx context.Context) (platforms.StoreInfo, error) {
	resp, err := c.do(ctx, call{method: http.MethodGet, path: "/settings/general", idempotent: true})
	if err != nil {
		return platforms.StoreInfo{}, err
	}
	var list []settingValue
	if err := json.Unmarshal(resp.body, &list); err != nil {
		return platforms.StoreInfo{}, &platforms.CheckError{Problem: platforms.CheckNotStore,
			Message: fmt.Sprintf("%s answers, but not with WooCommerce's REST API (the answer to GET /wp-json/wc/v3/settings/general is not its settings: a web page?)", c.siteURL()),
			Err:     err}
	}
	info := platforms.StoreInfo{PriceDecimals: -2}
	for _, sv := range list {
		var v string
		if json.Unmarshal(sv.Value, &v) != nil {
			v = string(sv.Value) // a number
		}
		v = strings.TrimSpace(v)
		switch sv.ID {
		case "woocommerce_currency":
			info.Currency = strings.ToUpper(v)
		case "woocommerce_price_num_decimals":
			if n, err := strconv.Atoi(v); err == nil && n >= 0 && n <= 8 {
				info.PriceDecimals = n
			}
		}
	}
	switch {
	case info.Currency == "":
		return platforms.StoreInfo{}, &platforms.CheckError{Problem: platforms.CheckUnexpected,
			Message: "the store's general settings have no woocommerce_currency"}
	case info.PriceDecimals == -2:
		return platforms.StoreInfo{}, &platforms.CheckError{Problem: platforms.CheckUnexpected,
			Message: "the store's general settings have no usable woocommerce_price_num_decimals (0 to 8)"}
	}
	return info, nil
}

// checkFailure turns an error of the check's requests into a *platforms.CheckError saying what
// the store said. idx, when WordPress gave one, names the site's own address: a key refused at
// another address is most likely refused because of it (a redirect drops the Authorization
// header; an OAuth signature covers the address).
func (c *Client) checkFailure(ctx context.Context, err error, idx *restIndex, during string) error {
	var ce *platforms.CheckError
	if errors.As(err, &ce) || ctx.Err() != nil {
		return err
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return &platforms.CheckError{Problem: platforms.CheckUnreachable,
			Message: fmt.Sprintf("no answer from %s while %s: %v", c.siteURL(), during, err), Err: err}
	}
	said := fmt.Sprintf("%d %s: %q", apiErr.Status, apiErr.Code, apiErr.Message)
	fail := func(p platforms.CheckProblem, format string, args ...any) error {
		return &platforms.CheckError{Problem: p, Message: fmt.Sprintf(format, args...), Err: err}
	}
	refused := apiErr.Status == http.StatusUnauthorized || apiErr.Status == http.StatusForbidden
	if refused && idx != nil && idx.Home != "" && !sameSite(idx.Home, c.siteURL()) {
		return &platforms.CheckError{Problem: platforms.CheckAddress, Suggest: strings.TrimRight(idx.Home, "/"), Err: err,
			Message: fmt.Sprintf("the store refused the key (%s), and WordPress says its own address is %s, not %s", said, strings.TrimRight(idx.Home, "/"), c.siteURL())}
	}
	switch {
	case apiErr.Code == "woocommerce_rest_authentication_error" && strings.Contains(apiErr.Message, "write permission"):
		return fail(platforms.CheckReadOnly, "the key may read but not write (%s): the connector needs a Read/Write key", said)
	case apiErr.Code == "woocommerce_rest_authentication_error":
		return fail(platforms.CheckCredentials, "the store refused the key (%s)", said)
	case apiErr.Status == http.StatusUnauthorized && strings.HasPrefix(apiErr.Code, "woocommerce_rest_cannot_"):
		// WooCommerce answers an unknown consumer key as an anonymous visitor (fixture 20).
		return fail(platforms.CheckCredentials, "the store does not know this consumer key and treated the request as anonymous (%s)", said)
	case apiErr.Status == http.StatusForbidden:
		return fail(platforms.CheckReadOnly, "the key works, but its WordPress user may not do this (%s) while %s: make the key with an administrator or shop manager", said, during)
	case apiErr.Status == http.StatusNotFound && apiErr.Code == "rest_no_route":
		return fail(platforms.CheckNotStore, "WordPress answers at %s, but WooCommerce's REST API is not there (%s): is WooCommerce active, and is the URL the site's root?", c.siteURL(), said)
	case apiErr.Status == http.StatusNotFound:
		return fail(platforms.CheckNotStore, "no WordPress REST API answers at %s/wp-json/ (HTTP %d): is this the site's root address, and are WordPress permalinks set to anything but Plain?", c.siteURL(), apiErr.Status)
	case apiErr.Status >= 500 || apiErr.Status == http.StatusTooManyRequests:
		return fail(platforms.CheckUnreachable, "the site failed while %s (%s)", during, said)
	}
	return fail(platforms.CheckUnexpected, "the store answered %s while %s", said, during)
}

// siteURL is the site's address (the REST root without /wp-json/wc/v3).
func (c *Client) siteURL() string {
	u := *c.base
	u.Path = strings.TrimSuffix(u.Path, "/wp-json/wc/v3")
	u.RawQuery, u.Fragment = "", ""
	return strings.TrimRight(u.String(), "/")
}

// sameSite compares two site addresses by scheme, host (any case, default port or none) and
// path (trailing slash ignored).
func sameSite(a, b string) bool {
	key := func(s string) string {
		u, err := url.Parse(strings.TrimSpace(s))
		if err != nil {
			return s
		}
		host := strings.ToLower(u.Hostname())
		if p := u.Port(); p != "" && !(u.Scheme == "https" && p == "443") && !(u.Scheme == "http" && p == "80") {
			host += ":" + p
		}
		return strings.ToLower(u.Scheme) + "://" + host + strings.TrimRight(u.Path, "/")
	}
	return key(a) == key(b)
}
