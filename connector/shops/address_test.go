package shops_test

import (
	"strings"
	"testing"

	"github.com/intcomex-connector/connector/connector/shops"
)

func TestSiteURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://shop.example":              "https://shop.example",
		"https://Shop.Example/":             "https://shop.example",
		"  shop.example  ":                  "https://shop.example",
		"HTTP://shop.example:80/":           "http://shop.example",
		"https://shop.example:443":          "https://shop.example",
		"https://shop.example:8443/":        "https://shop.example:8443",
		"https://example.com/Tienda/":       "https://example.com/Tienda",
		"http://127.0.0.1:8089":             "http://127.0.0.1:8089",
		"https://example.com/wp-adminer":    "https://example.com/wp-adminer",
		"https://example.com/tienda%20uno/": "https://example.com/tienda%20uno",
	} {
		if got, err := shops.SiteURL(in); err != nil || got != want {
			t.Errorf("SiteURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, want := range map[string]string{
		"":         "is required",
		"ftp://x":  "not an http(s) address: use https://x",
		"https://": "not a web address",
		"https://shop.example/wp-admin/admin.php?page=wc-settings": "is a page of the site (/wp-admin/admin.php), not its address: use https://shop.example",
		"https://example.com/shop/wp-admin/":                       "use https://example.com/shop",
		"https://shop.example/wp-json/wc/v3/products":              "use https://shop.example",
		"https://shop.example/wp-login.php":                        "use https://shop.example",
		"https://shop.example/?lang=es":                            "has a query string or a fragment: use the site's address, https://shop.example",
		"https://shop.example/#top":                                "use the site's address, https://shop.example",
		"https://admin:hunter2@shop.example":                       "holds a user name or password",
	} {
		got, err := shops.SiteURL(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("SiteURL(%q) = %q, %v; want an error with %q", in, got, err, want)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("SiteURL(%q) shows the password: %v", in, err)
		}
	}
}

func TestShopifyDomain(t *testing.T) {
	for in, want := range map[string]string{
		"acme.myshopify.com":                "acme.myshopify.com",
		"https://Acme-Store.myshopify.com/": "acme-store.myshopify.com",
	} {
		if got, err := shops.ShopifyDomain(in); err != nil || got != want {
			t.Errorf("ShopifyDomain(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, want := range map[string]string{
		"":                                    "is required",
		"acme.example.com":                    "Settings → Domains",
		"https://acme.myshopify.com/admin":    "use acme.myshopify.com",
		"admin.shopify.com/store/acme/orders": "use acme.myshopify.com",
		"https://admin.shopify.com/":          "not a shop",
		"acme.myshopify.com:8443":             "use acme.myshopify.com",
	} {
		got, err := shops.ShopifyDomain(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ShopifyDomain(%q) = %q, %v; want an error with %q", in, got, err, want)
		}
	}
}
