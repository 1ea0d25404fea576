package policy_test

import (
	"slices"
	"strings"
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

func TestProblems(t *testing.T) {
	p := policy.Stock{Buffer: -1, MinStock: -2, MaxStock: -3, BelowMin: "delete", Types: []string{"Physical", "Food"},
		Locations: []string{"xclq1", "x clq"}}
	got := map[string]bool{}
	for _, pr := range p.Problems() {
		got[pr.Field] = true
	}
	for _, f := range []string{"buffer", "min_stock", "max_stock", "below_min", "types", "locations"} {
		if !got[f] {
			t.Errorf("no problem for %s in %v", f, p.Problems())
		}
	}
	f := policy.Filters{IncludeCategories: []string{"cpt", "cpt nb"}, ExcludeCategories: []string{"cpt.srv.", ".x"},
		IncludeBrands: []string{"HP Inc.", ""}, ExcludeBrands: []string{"a,b"}}
	var fields []string
	for _, pr := range f.Problems() {
		fields = append(fields, pr.Field)
	}
	if want := []string{"exclude_brands", "exclude_categories", "include_brands", "include_categories"}; !slices.Equal(fields, want) {
		t.Errorf("filter problems on %v, want %v", fields, want)
	}
	if err := f.Validate(); err == nil || !strings.Contains(err.Error(), `"cpt nb" is not a dotted IWS category id`) {
		t.Errorf("Validate = %v", err)
	}
}

func TestFiltersWhy(t *testing.T) {
	f := policy.Filters{IncludeCategories: []string{"cpt"}, ExcludeCategories: []string{"cpt.srv"}, IncludeBrands: []string{"hpe", "eee"}, ExcludeBrands: []string{"Acme"}}
	for _, c := range []struct{ category, brandID, brand, want string }{
		{"cpt.nb", "hpe", "HP", ""},
		{"cpt.srv.rack", "hpe", "HP", `exclude_categories has "cpt.srv"`},
		{"cpt.nb", "acm", "acme", `exclude_brands has "Acme"`},
		{"cco.mem", "hpe", "HP", `include_categories (cpt) does not cover its category "cco.mem"`},
		{"cpt.nb", "len", "Lenovo", `include_brands (hpe, eee) does not have its brand "Lenovo"`},
	} {
		got := f.Why(c.category, c.brandID, c.brand)
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("Why(%q, %q) = %q, want %q", c.category, c.brandID, got, c.want)
		}
		if f.Includes(c.category, c.brandID, c.brand) != (got == "") {
			t.Errorf("Includes and Why disagree on %q %q", c.category, c.brandID)
		}
	}
}
