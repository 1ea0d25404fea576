package shops

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// SiteURL normalises the address of a WooCommerce site as people paste it: scheme and host in
// lower case (https when none is given), no default port, the path of the site's root without a
// trailing slash ("https://example.com/shop" for a WordPress in a folder). A page of the site's
// admin or of its REST API (/wp-admin/…, /wp-json/…, /wp-login.php), a query string or a fragment
// is refused with the root address suggested; so are credentials in the URL.
func SiteURL(raw string) (string, error) {
	in := strings.TrimSpace(raw)
	if in == "" {
		return "", fmt.Errorf("is required (the site's address, such as https://shop.example)")
	}
	if !strings.Contains(in, "://") {
		in = "https://" + in
	}
	u, err := url.Parse(in)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return "", fmt.Errorf("%q is not a web address such as https://shop.example", raw)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "https" && u.Scheme != "http" {
		return "", fmt.Errorf("%q is not an http(s) address: use https://%s", raw, u.Host+strings.TrimRight(u.Path, "/"))
	}
	if u.User != nil {
		u.User = nil
		return "", fmt.Errorf("%q holds a user name or password: give the keys with --key and --secret and the site as %s", redactUser(raw), root(u))
	}
	host := strings.ToLower(u.Hostname())
	if p := u.Port(); p != "" && !(u.Scheme == "https" && p == "443") && !(u.Scheme == "http" && p == "80") {
		host += ":" + p
	}
	u.Host = host
	// The site's root is what comes before WordPress's own folders and files.
	path := u.EscapedPath()
	page := ""
	for _, marker := range []string{"/wp-admin", "/wp-json", "/wp-login.php", "/wp-content", "/wp-includes", "/index.php"} {
		if i := indexSegment(path, marker); i >= 0 {
			page, path = path[i:], path[:i]
			break
		}
	}
	u.RawPath, u.Path = "", ""
	if p, err := url.PathUnescape(strings.TrimRight(path, "/")); err == nil {
		u.Path = p
	}
	suggest := root(u)
	switch {
	case page != "":
		return "", fmt.Errorf("%q is a page of the site (%s), not its address: use %s", raw, page, suggest)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#"):
		return "", fmt.Errorf("%q has a query string or a fragment: use the site's address, %s", raw, suggest)
	}
	return suggest, nil
}

// indexSegment finds marker in path as whole segments ("/wp-admin" in "/shop/wp-admin/x", not
// in "/wp-adminer").
func indexSegment(path, marker string) int {
	lower := strings.ToLower(path)
	for from := 0; ; {
		i := strings.Index(lower[from:], marker)
		if i < 0 {
			return -1
		}
		i += from
		end := i + len(marker)
		if end == len(lower) || lower[end] == '/' || lower[end] == '?' {
			return i
		}
		from = end
	}
}

func root(u *url.URL) string {
	r := url.URL{Scheme: u.Scheme, Host: u.Host, Path: strings.TrimRight(u.Path, "/")}
	return r.String()
}

func redactUser(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	u.User = url.User("…")
	return u.String()
}

// shopifyDomainForm is a shop's own domain on Shopify.
var shopifyDomainForm = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*\.myshopify\.com$`)

// ShopifyDomain normalises a Shopify shop's NAME.myshopify.com domain as people paste it (any
// case, with https:// or a trailing slash). An admin address (https://NAME.myshopify.com/admin,
// admin.shopify.com/store/NAME) is refused with the domain suggested; a custom domain is refused
// saying where Shopify shows the myshopify one.
func ShopifyDomain(raw string) (string, error) {
	in := strings.ToLower(strings.TrimSpace(raw))
	if in == "" {
		return "", fmt.Errorf("is required (the shop's NAME.myshopify.com domain)")
	}
	if !strings.Contains(in, "://") {
		in = "https://" + in
	}
	u, err := url.Parse(in)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("%q is not a NAME.myshopify.com domain", raw)
	}
	host, path := u.Hostname(), strings.Trim(u.Path, "/")
	if host == "admin.shopify.com" {
		if name, ok := strings.CutPrefix(path, "store/"); ok && name != "" {
			name, _, _ = strings.Cut(name, "/")
			return "", fmt.Errorf("%q is the shop's admin page: use %s.myshopify.com", raw, name)
		}
		return "", fmt.Errorf("%q is Shopify's admin, not a shop: use the shop's NAME.myshopify.com domain", raw)
	}
	if !shopifyDomainForm.MatchString(host) {
		return "", fmt.Errorf("%q is not a NAME.myshopify.com domain (Shopify's admin shows it under Settings → Domains)", raw)
	}
	if path != "" || u.RawQuery != "" || u.Fragment != "" || u.Port() != "" {
		return "", fmt.Errorf("%q is a page of the shop, not its domain: use %s", raw, host)
	}
	return host, nil
}

// siteKey is what makes two shop addresses the same store: host (any case, default port or
// none) and path, whatever the scheme (http and https of one site are one store).
func siteKey(baseURL string) string {
	u, err := url.Parse(strings.TrimSpace(baseURL))
	if err != nil || u.Host == "" {
		return strings.ToLower(strings.TrimRight(baseURL, "/"))
	}
	host := strings.ToLower(u.Hostname())
	if p := u.Port(); p != "" && p != "443" && p != "80" {
		host += ":" + p
	}
	return host + strings.ToLower(strings.TrimRight(u.Path, "/"))
}
