package orders

import (
	"crypto/sha256"
	"math/big"
	"strconv"
	"strings"

	"github.com/intcomex-connector/connector/connector/store"
)

// MaxCustomerOrderNumber is the longest customer order number made. The IWS specification gives
// no limit for customerOrderNumber; its examples are short ("WC-10045", "123456"), so numbers are
// kept to 20 characters, which fits ERP purchase-order fields.
const MaxCustomerOrderNumber = 20

// platformLetter is the first character of a shop's customer order numbers.
func platformLetter(platform string) string {
	switch platform {
	case store.PlatformWooCommerce:
		return "W"
	case store.PlatformShopify:
		return "S"
	default:
		return "M"
	}
}

// CustomerOrderNumber is the customerOrderNumber sent to PlaceOrder for a storefront order: the
// platform's letter (W WooCommerce, S Shopify, M memory), the shop id, "N" and the digits of the
// storefront's order number, so a person reads the storefront's number in it ("W3N1042" is order
// 1042 of WooCommerce shop 3). It has letters and digits only and is the same every time for the
// same order, which is what makes placing idempotent at IWS.
//
// Storefront numbers are unique within a shop, and a number of digits only maps to itself. A
// number with other characters ("1042-B", "#SO-7") keeps its digits and gets "H" and four
// characters of a hash of the whole number, so "1042-A" and "1042-B" differ. A number too long
// for MaxCustomerOrderNumber keeps its last digits and the hash likewise. AlternateCustomerOrderNumber
// is the fallback when the number is still taken by another order.
func CustomerOrderNumber(platform string, shopID int64, number string) string {
	prefix := platformLetter(platform) + strconv.FormatInt(shopID, 10) + "N"
	raw := strings.TrimSpace(number)
	raw = strings.TrimPrefix(raw, "#")
	var digits strings.Builder
	for _, r := range raw {
		if r >= '0' && r <= '9' {
			digits.WriteRune(r)
		}
	}
	d := digits.String()
	if d != "" && d == raw && len(prefix)+len(d) <= MaxCustomerOrderNumber {
		return prefix + d
	}
	suffix := "H" + hash4(number)
	room := MaxCustomerOrderNumber - len(prefix) - len(suffix)
	if len(d) > room {
		d = d[len(d)-max(room, 0):]
	}
	return prefix + d + suffix
}

// AlternateCustomerOrderNumber is the number used when CustomerOrderNumber is already held by
// another storefront order of the connector (a shop whose numbering was reset, a plugin that
// reuses numbers): "I" instead of "N" and the storefront's order id instead of its number, plus a
// hash when the id is not plain digits (Shopify's gid://shopify/Order/N keeps N).
func AlternateCustomerOrderNumber(platform string, shopID int64, storefrontOrderID string) string {
	prefix := platformLetter(platform) + strconv.FormatInt(shopID, 10) + "I"
	id := storefrontOrderID
	if i := strings.LastIndexByte(id, '/'); i >= 0 {
		id = id[i+1:]
	}
	if _, err := strconv.ParseUint(id, 10, 64); err == nil && len(prefix)+len(id) <= MaxCustomerOrderNumber {
		return prefix + id
	}
	return prefix + "H" + hash4(storefrontOrderID)
}

// hash4 is four base-36 characters of the SHA-256 of s, in upper case.
func hash4(s string) string {
	sum := sha256.Sum256([]byte(s))
	n := new(big.Int).SetBytes(sum[:8])
	t := strings.ToUpper(n.Text(36))
	for len(t) < 4 {
		t = "0" + t
	}
	return t[:4]
}
