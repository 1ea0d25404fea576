package pricing_test

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/pricing"
)

func ExamplePricer_Price() {
	rules, err := pricing.ParseRules(strings.NewReader(`{
		"currency": "CLP", "fx_rate": "950.5", "tax_rate": "19",
		"rounding": {"step": "1000", "minus": "10"},
		"default": {"markup_percent": "20"},
		"rules": [{"name": "Notebooks", "priority": 10,
		           "match": {"category": "cpt.nb", "brands": ["eee"]},
		           "margin_percent": "12", "min_profit": "15000"}]
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	pricer, err := rules.Compile() // once per shop; then price any number of products
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := pricer.Price(pricing.Product{
		SKU: "NB-1", Category: "cpt.nb.14", Brand: "eee",
		Cost: decimal.RequireFromString("612.34"), CostCurrency: "us",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.String(), res.Currency, "by", res.Explanation.Rule)
	for _, s := range res.Explanation.Steps {
		fmt.Printf("%-18s %s\n", s.Name, s.Value)
	}
	// Output:
	// 787990 CLP by Notebooks
	// cost               612.34
	// fx_rate            950.5
	// converted          582029.17
	// after_margin       661396.7840909091
	// after_fixed_amount 661396.7840909091
	// min_profit_floor   597029.17
	// after_min_profit   661396.7840909091
	// after_tax          787062.173068181829
	// step               1000
	// rounded_up         788000
	// minus              10
	// final              787990
}
