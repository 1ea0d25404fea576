// Package iwscode checks the syntax of the codes Intcomex Web Services uses for categories, brands
// and warehouses, so a shop's filters, its stock policy and the rules file refuse a mistyped code
// the same way. It imports nothing of ours.
//
// What IWS sends (the spec's examples and every generated sandbox catalog): category ids are short
// lower-case codes, a subcategory its parent's id, a dot and its own code ("cco", "cco.case",
// "sfw.business", "cpt.nb"); brand ids are short codes ("msf", "hpe", "eee") next to a brand name
// ("Microsoft"); warehouse (location) ids are short codes ("xclq1", "xecq1").
package iwscode

import (
	"fmt"
	"strings"
)

// MaxLen bounds every code: IWS's are a few characters.
const MaxLen = 64

// codeChar reports the characters of one code segment: letters, digits, '-' and '_'.
func codeChar(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_'
}

// CheckCategory reports a category id that is not dotted IWS codes: "cpt", "cpt.nb". Matching
// ignores case, so "CPT.NB" is accepted.
func CheckCategory(id string) error {
	bad := func() error {
		return fmt.Errorf("%q is not a dotted IWS category id such as \"cpt\" or \"cpt.nb\"", id)
	}
	if id == "" || len(id) > MaxLen {
		return bad()
	}
	for seg := range strings.SplitSeq(id, ".") {
		if seg == "" || strings.IndexFunc(seg, func(r rune) bool { return !codeChar(r) }) >= 0 {
			return bad()
		}
	}
	return nil
}

// CheckBrand reports a brand that is neither an IWS brand id ("hpe") nor a brand name as IWS
// writes it ("HP Inc."): names may hold spaces and punctuation, but not commas (lists of brands
// are comma-separated), control characters, or spaces at either end.
func CheckBrand(brand string) error {
	switch {
	case brand == "":
		return fmt.Errorf("an empty brand")
	case len(brand) > MaxLen:
		return fmt.Errorf("%.20q… is longer than %d bytes", brand, MaxLen)
	case strings.TrimSpace(brand) != brand:
		return fmt.Errorf("%q has spaces at an end", brand)
	case strings.ContainsFunc(brand, func(r rune) bool { return r < ' ' || r == 0x7f || r == ',' }):
		return fmt.Errorf("%q is not an IWS brand id such as \"hpe\" or a brand name such as \"HP Inc.\"", brand)
	}
	return nil
}

// CheckWarehouse reports a warehouse id that is not one IWS code such as "xclq1".
func CheckWarehouse(id string) error {
	if id == "" || len(id) > MaxLen || strings.IndexFunc(id, func(r rune) bool { return !codeChar(r) }) >= 0 {
		return fmt.Errorf("%q is not an IWS warehouse id such as \"xclq1\"", id)
	}
	return nil
}
