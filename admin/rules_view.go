package admin

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/pricing"
)

// rulesPair is one labelled value of a summary: Key is the label's translation key.
type rulesPair struct {
	Key   string
	Value string
}

// rulesMatchPairs says what a rule matches, condition by condition.
func rulesMatchPairs(m pricing.Match) []rulesPair {
	var out []rulesPair
	add := func(key, value string) {
		if value != "" {
			out = append(out, rulesPair{key, value})
		}
	}
	add("rules.field.category", m.Category)
	add("rules.field.brands", strings.Join(m.Brands, ", "))
	add("rules.field.manufacturers", strings.Join(m.Manufacturers, ", "))
	add("rules.field.types", strings.Join(m.Types, ", "))
	add("rules.field.skus", strings.Join(m.SKUs, ", "))
	add("rules.field.cost_min", string(m.CostMin))
	add("rules.field.cost_max", string(m.CostMax))
	return out
}

// rulesActionPairs says what an action does.
func rulesActionPairs(a pricing.Action) []rulesPair {
	var out []rulesPair
	for _, p := range []rulesPair{
		{"rules.field.margin_percent", string(a.MarginPercent)},
		{"rules.field.markup_percent", string(a.MarkupPercent)},
		{"rules.field.fixed_amount", string(a.FixedAmount)},
		{"rules.field.min_profit", string(a.MinProfit)},
	} {
		if p.Value != "" {
			out = append(out, p)
		}
	}
	return out
}

// rulesSettingsPairs are a document's settings; a setting left out shows as "" (the template
// writes what that means).
func rulesSettingsPairs(doc *pricing.Rules) []rulesPair {
	return []rulesPair{
		{"rules.field.currency", doc.Currency},
		{"rules.field.fx_rate", string(doc.FXRate)},
		{"rules.field.tax_rate", string(doc.TaxRate)},
		{"rules.field.rounding_step", string(doc.Rounding.Step)},
		{"rules.field.rounding_minus", string(doc.Rounding.Minus)},
	}
}

// rulesPager is the navigation of a paginated list: links to the previous and next pages keep
// the request's other query parameters.
type rulesPager struct {
	Page, Pages int
	Total       int64
	Prev, Next  string
}

// rulesPagerOf builds the pager of page (1-based) of pages, the page number in the query
// parameter param.
func rulesPagerOf(c *gin.Context, param string, page, pages int, total int64) rulesPager {
	p := rulesPager{Page: page, Pages: max(pages, 1), Total: total}
	link := func(n int) string {
		q := c.Request.URL.Query()
		q.Set(param, strconv.Itoa(n))
		return c.Request.URL.Path + "?" + q.Encode()
	}
	if page > 1 {
		p.Prev = link(page - 1)
	}
	if page < pages {
		p.Next = link(page + 1)
	}
	return p
}

// rulesQueryInt reads a whole-number query parameter, def when absent or malformed.
func rulesQueryInt(c *gin.Context, name string, def int) int {
	if n, err := strconv.Atoi(c.Query(name)); err == nil {
		return n
	}
	return def
}

// rulesSortLink is the address of the list sorted by key: the same key again flips the
// direction; the page goes back to the first.
func rulesSortLink(u *url.URL, key, current string, desc bool) string {
	q := u.Query()
	q.Set("sort", key)
	q.Del("desc")
	if key == current && !desc {
		q.Set("desc", "1")
	}
	q.Del("page")
	return u.Path + "?" + q.Encode()
}
