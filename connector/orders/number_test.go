package orders_test

import (
	"regexp"
	"testing"

	"github.com/intcomex-connector/connector/connector/orders"
	"github.com/intcomex-connector/connector/connector/store"
)

func TestCustomerOrderNumber(t *testing.T) {
	alnum := regexp.MustCompile(`^[A-Z0-9]+$`)
	tests := []struct {
		platform string
		shop     int64
		number   string
		want     string
	}{
		{store.PlatformWooCommerce, 3, "1042", "W3N1042"},
		{store.PlatformShopify, 12, "#1001", "S12N1001"},
		{store.PlatformMemory, 1, "7", "M1N7"},
	}
	for _, tt := range tests {
		if got := orders.CustomerOrderNumber(tt.platform, tt.shop, tt.number); got != tt.want {
			t.Errorf("CustomerOrderNumber(%s, %d, %q) = %q, want %q", tt.platform, tt.shop, tt.number, got, tt.want)
		}
	}
	// Non-digits are stripped, and a hash keeps numbers that differ only there apart.
	a := orders.CustomerOrderNumber(store.PlatformWooCommerce, 3, "1042-A")
	b := orders.CustomerOrderNumber(store.PlatformWooCommerce, 3, "1042-B")
	if a == b || !regexp.MustCompile(`^W3N1042H[A-Z0-9]{4}$`).MatchString(a) {
		t.Errorf("1042-A -> %q, 1042-B -> %q", a, b)
	}
	if got := orders.CustomerOrderNumber(store.PlatformWooCommerce, 3, "1042-A"); got != a {
		t.Errorf("not deterministic: %q then %q", a, got)
	}
	for _, n := range []string{"", "SO-ABC", "12345678901234567890123", "ñ#1é2", "  99 "} {
		got := orders.CustomerOrderNumber(store.PlatformShopify, 123456, n)
		if !alnum.MatchString(got) || len(got) > orders.MaxCustomerOrderNumber {
			t.Errorf("CustomerOrderNumber(%q) = %q: not letters and digits within %d", n, got, orders.MaxCustomerOrderNumber)
		}
	}
	if got := orders.CustomerOrderNumber(store.PlatformWooCommerce, 3, "12345678901234567890123"); got[len(got)-9:len(got)-5] != "0123" {
		t.Errorf("long number keeps its last digits: %q", got)
	}
}

func TestAlternateCustomerOrderNumber(t *testing.T) {
	if got := orders.AlternateCustomerOrderNumber(store.PlatformShopify, 2, "gid://shopify/Order/5551234"); got != "S2I5551234" {
		t.Errorf("shopify = %q", got)
	}
	if got := orders.AlternateCustomerOrderNumber(store.PlatformWooCommerce, 2, "88"); got != "W2I88" {
		t.Errorf("woocommerce = %q", got)
	}
	if got := orders.AlternateCustomerOrderNumber(store.PlatformWooCommerce, 2, "x-y"); !regexp.MustCompile(`^W2IH[A-Z0-9]{4}$`).MatchString(got) {
		t.Errorf("odd id = %q", got)
	}
}
