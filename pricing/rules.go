// Package pricing turns an Intcomex cost into a storefront price: a shop's margin rules, currency
// conversion, tax and rounding, in exact decimal arithmetic. It does no I/O beyond the reader and writer
// it is handed, and imports nothing of ours.
//
// A shop's Rules are compiled once into a Pricer (validated, rules sorted by priority), which then prices
// any number of products, from any number of goroutines. Every Result carries an Explanation: the rule
// chosen and why, and every intermediate value.
package pricing

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Rules is one shop's pricing configuration. Its JSON form is the rules file, which is also the
// import/export format:
//
//	{
//	  "currency": "CLP", "fx_rate": "950.5", "tax_rate": "19",
//	  "rounding": {"step": "1000", "minus": "10"},
//	  "default": {"markup_percent": "20"},
//	  "rules": [
//	    {"name": "Notebooks", "priority": 10,
//	     "match": {"category": "cpt.nb", "brands": ["eee"], "types": ["Physical"],
//	               "cost_min": "100", "cost_max": "5000"},
//	     "margin_percent": "12", "fixed_amount": "0", "min_profit": "15000"}
//	  ]
//	}
//
// Decimals are JSON strings (a JSON number is accepted on input and written back as a string).
type Rules struct {
	// Currency is the shop's ISO 4217 currency: prices come out in it.
	Currency string `json:"currency" validate:"required,currency"`
	// FXRate is shop-currency units per one unit of the IWS cost currency. Leave it out when both are the
	// same currency; when a product's cost currency differs from Currency, it must be given (even "1", as
	// between PAB and USD), so a missing rate cannot silently sell at a fraction of the price.
	FXRate Number `json:"fx_rate,omitempty" validate:"omitempty,number,fx_rate"`
	// TaxRate, in percent (0 to 100), makes the shop tax-inclusive: prices are multiplied by
	// 1 + TaxRate/100. Absent or "0" means prices exclude tax.
	TaxRate  Number   `json:"tax_rate,omitempty" validate:"omitempty,number,tax_rate"`
	Rounding Rounding `json:"rounding,omitzero"`
	// Default prices every product that no rule matches.
	Default Action `json:"default"`
	// Rules are tried by ascending Priority (ties keep file order); the first whose every given condition
	// matches wins.
	Rules []Rule `json:"rules,omitempty" validate:"dive"`
}

// Rounding makes prices end well: a price goes up to the next multiple of Step, then Minus is taken off
// (12,345 with step 1000 and minus 10 becomes 12,990), but never below the unrounded price: if taking
// Minus off would go below it, one more Step is added.
type Rounding struct {
	// Step defaults to the currency's minor unit (1 for CLP, 0.01 for USD) and must be a multiple of it.
	Step Number `json:"step,omitempty" validate:"omitempty,number,dec_gt=0"`
	// Minus defaults to 0, must be below Step and a multiple of the currency's minor unit.
	Minus Number `json:"minus,omitempty" validate:"omitempty,number,dec_gte=0"`
}

// Action is what a rule (or the default) does to the converted cost. Exactly one of MarkupPercent and
// MarginPercent must be given: to sell at cost (plus FixedAmount and MinProfit), write "markup_percent":
// "0" explicitly, so a forgotten percentage is an error rather than a price with no margin.
type Action struct {
	// MarkupPercent m: price = converted × (1 + m/100).
	MarkupPercent Number `json:"markup_percent,omitempty" validate:"omitempty,number,dec_gte=0"`
	// MarginPercent m, below 100: price = converted / (1 − m/100), rounded half-up at 10 decimal places.
	MarginPercent Number `json:"margin_percent,omitempty" validate:"omitempty,number,dec_gte=0,dec_lt=100"`
	// FixedAmount, in the shop currency, is added after the percentage.
	FixedAmount Number `json:"fixed_amount,omitempty" validate:"omitempty,number,dec_gte=0"`
	// MinProfit, in the shop currency, is the floor: price ≥ converted + MinProfit (before tax).
	MinProfit Number `json:"min_profit,omitempty" validate:"omitempty,number,dec_gte=0"`
}

// Rule is a margin rule: when every condition given in Match holds, its Action prices the product.
type Rule struct {
	// Name identifies the rule in explanations; it is required, unique (ignoring case), and may not be
	// "default".
	Name     string `json:"name" validate:"required"`
	Priority int    `json:"priority"`
	Match    Match  `json:"match"`
	Action
}

// Match holds a rule's conditions; an empty one is not checked, but at least one must be given (a rule
// that matches everything is the default). Lists match case-insensitively.
type Match struct {
	// Category is a prefix of the dotted IWS category id, by whole segments: "cpt" matches "cpt",
	// "cpt.nb" and "cpt.nb.x", never "cptx". It is checked as internal/iwscode.CheckCategory says.
	Category      string   `json:"category,omitempty" validate:"omitempty,category"`
	Brands        []string `json:"brands,omitempty" validate:"dive,required"`
	Manufacturers []string `json:"manufacturers,omitempty" validate:"dive,required"`
	Types         []string `json:"types,omitempty" validate:"dive,required"`
	SKUs          []string `json:"skus,omitempty" validate:"dive,required"`
	// CostMin and CostMax bound the IWS cost, before conversion, inclusively.
	CostMin Number `json:"cost_min,omitempty" validate:"omitempty,number,dec_gte=0"`
	CostMax Number `json:"cost_max,omitempty" validate:"omitempty,number,dec_gte=0"`
}

// maxRulesFile bounds what ParseRules reads; a shop's rules are kilobytes.
const maxRulesFile = 16 << 20

// ParseRules reads a rules file and validates it. A file that is not JSON gives an error naming the line
// and column; a JSON file with problems (unknown or mistyped fields, invalid values) gives a
// *ValidationError listing every one of them.
func ParseRules(r io.Reader) (*Rules, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxRulesFile+1))
	if err != nil {
		return nil, fmt.Errorf("pricing: read rules: %w", err)
	}
	if len(data) > maxRulesFile {
		return nil, fmt.Errorf("pricing: rules file is larger than %d bytes", maxRulesFile)
	}
	problems, err := checkShape(data)
	if err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			line, col := position(data, syn.Offset)
			return nil, fmt.Errorf("pricing: rules file is not valid JSON: line %d, column %d: %w", line, col, err)
		}
		return nil, fmt.Errorf("pricing: rules file is not valid JSON: %w", err)
	}
	var rules Rules
	var typeErr *json.UnmarshalTypeError
	switch err := json.Unmarshal(data, &rules); {
	case err == nil:
	case len(problems) == 0:
		// checkShape rejects everything Unmarshal does; reaching this is a bug, not bad input.
		return nil, fmt.Errorf("pricing: decode rules: %w", err)
	case !errors.As(err, &typeErr):
		// Unmarshal stopped half-way: what it decoded would only give misleading problems.
		return nil, &ValidationError{Problems: problems}
	}
	rules.normalize()
	if _, more := rules.check(problems); len(problems)+len(more) > 0 {
		problems = append(problems, more...)
		return nil, &ValidationError{Problems: problems}
	}
	return &rules, nil
}

// position turns a byte offset into a 1-based line and column.
func position(data []byte, offset int64) (line, col int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	before := data[:offset]
	line = bytes.Count(before, []byte{'\n'}) + 1
	col = int(offset) - (bytes.LastIndexByte(before, '\n') + 1)
	return line, col
}

// normalize makes empty lists nil, so that a file read back from WriteJSON (which leaves them out) is
// equal to the one written.
func (r *Rules) normalize() {
	for i := range r.Rules {
		m := &r.Rules[i].Match
		for _, list := range []*[]string{&m.Brands, &m.Manufacturers, &m.Types, &m.SKUs} {
			if len(*list) == 0 {
				*list = nil
			}
		}
	}
	if len(r.Rules) == 0 {
		r.Rules = nil
	}
}

// WriteJSON writes the rules as an indented rules file, which ParseRules reads back to equal Rules.
func (r *Rules) WriteJSON(w io.Writer) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("pricing: encode rules: %w", err)
	}
	if _, err := w.Write(append(data, '\n')); err != nil {
		return fmt.Errorf("pricing: write rules: %w", err)
	}
	return nil
}
