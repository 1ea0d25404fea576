package policy_test

import (
	"testing"

	"github.com/intcomex-connector/connector/connector/policy"
)

func TestFiltersIncludes(t *testing.T) {
	f := policy.Filters{IncludeCategories: []string{"cpt"}, ExcludeCategories: []string{"cpt.srv."}, ExcludeBrands: []string{"Acme"}}
	cases := []struct {
		category, brandID, brand string
		want                     bool
	}{
		{"cpt.nb", "hp", "HP", true},
		{"CPT", "hp", "HP", true},           // case ignored
		{"cptx.nb", "hp", "HP", false},      // whole segments only
		{"cpt.srv.rack", "hp", "HP", false}, // exclusion wins, trailing dot ignored
		{"cpt.nb", "acm", "acme", false},    // brand excluded by name
		{"cco.mem", "hp", "HP", false},      // not included
	}
	for _, c := range cases {
		if got := f.Includes(c.category, c.brandID, c.brand); got != c.want {
			t.Errorf("Includes(%q, %q, %q) = %v, want %v", c.category, c.brandID, c.brand, got, c.want)
		}
	}
	if !(policy.Filters{}).Includes("anything", "", "") {
		t.Error("empty filters exclude a product")
	}
}

func TestValidate(t *testing.T) {
	if err := (policy.Stock{Buffer: -1}).Validate(); err == nil {
		t.Error("negative buffer accepted")
	}
	if err := (policy.Stock{Types: []string{"Food"}}).Validate(); err == nil {
		t.Error("unknown type accepted")
	}
	if err := (policy.Stock{Buffer: 1, MinStock: 2, BelowMin: policy.BelowMinHide, Types: []string{"Physical"}}).Validate(); err != nil {
		t.Errorf("valid policy refused: %v", err)
	}
	if err := (policy.Filters{IncludeBrands: []string{""}}).Validate(); err == nil {
		t.Error("blank brand accepted")
	}
}
