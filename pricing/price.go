package pricing

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"
)

// ErrUnsellable is returned for a product whose IWS cost is zero or negative (IWS sends `Price: null` or 0
// for products it will not sell): such a product is never listed at a made-up price.
var ErrUnsellable = errors.New("unsellable: IWS gives no positive cost")

// ErrCostCurrency is returned when a product's cost currency cannot be converted with the shop's rules: an
// unknown code, a currency other than the shop's with no fx_rate, or the shop's own currency with an
// fx_rate other than 1.
var ErrCostCurrency = errors.New("cost currency does not fit the rules")

// Product is what pricing needs to know about an IWS product.
type Product struct {
	SKU          string
	Category     string // dotted IWS category id, "cpt.nb"
	Brand        string // IWS brand id, "eee"
	Manufacturer string // IWS manufacturer id
	Type         string // IWS product type, "Physical"
	Cost         decimal.Decimal
	// CostCurrency is the currency of Cost: an ISO 4217 code or an IWS id ("us"). Empty: not checked
	// against the rules' currency and fx_rate.
	CostCurrency string
}

// Result is a product's price and how it was reached.
type Result struct {
	// Price is the final price in Currency; it has at most the currency's minor-unit digits.
	Price       decimal.Decimal
	Currency    string
	Explanation Explanation
	digits      int32
}

// String is the price with exactly the currency's digits ("12990" CLP, "19.90" USD), as storefronts
// receive it.
func (r Result) String() string {
	return r.Price.StringFixed(r.digits)
}

// Explanation tells which rule priced a product, why, and every intermediate value.
type Explanation struct {
	Rule     string // the chosen rule's name, or "default"
	Priority int    // the chosen rule's priority; 0 for the default
	Default  bool   // no rule matched
	// Matched says, for the chosen rule, how each of its conditions held.
	Matched []string
	// Skipped lists the rules tried before the chosen one, each with the first condition that failed.
	Skipped []Skip
	Steps   []Step
}

// Skip is a rule that did not match, and why.
type Skip struct {
	Rule     string
	Priority int
	Reason   string
}

// Step is one intermediate value of the computation: cost, fx_rate, converted, after_markup or
// after_margin, after_fixed_amount, min_profit_floor, after_min_profit, after_tax, step, rounded_up, minus,
// final.
type Step struct {
	Name  string
	Value decimal.Decimal
	Note  string
}

// Pricer prices products with one shop's validated rules. It is immutable and safe for concurrent use.
type Pricer struct {
	currency   string
	digits     int32
	fx         decimal.Decimal
	fxGiven    bool
	tax        decimal.Decimal
	step       decimal.Decimal
	stepGiven  bool
	minus      decimal.Decimal
	defaultAct action
	rules      []rule // sorted by priority, ties in file order
}

type action struct {
	margin    bool // MarginPercent given; else MarkupPercent
	percent   decimal.Decimal
	fixed     decimal.Decimal
	minProfit decimal.Decimal
}

type rule struct {
	name     string
	priority int
	match    match
	action   action
}

type match struct {
	category                           []string // segments; nil: any
	brands, manufacturers, types, skus []string
	costMin, costMax                   decimal.NullDecimal
}

// Compile validates the rules and prepares them for pricing many products: rules sorted by priority,
// every number parsed. Problems come as a *ValidationError.
func (r *Rules) Compile() (*Pricer, error) {
	p, problems := r.check(nil)
	if len(problems) > 0 {
		return nil, &ValidationError{Problems: problems}
	}
	return p, nil
}

// Price prices one product. To price many with the same rules, Compile once and use Pricer.Price.
func (r *Rules) Price(p Product) (Result, error) {
	pricer, err := r.Compile()
	if err != nil {
		return Result{}, err
	}
	return pricer.Price(p)
}

// compile parses the rules into a Pricer and reports the problems that involve more than one field.
// Values that do not parse are skipped here (fieldProblems reports them); the Pricer is only used when
// there is no problem at all.
func (r *Rules) compile() (*Pricer, []crossProblem) {
	var problems []crossProblem
	problem := func(path string, dependsOn []string, format string, args ...any) {
		if dependsOn == nil {
			dependsOn = []string{path}
		}
		problems = append(problems, crossProblem{
			Problem:   Problem{Path: path, Message: fmt.Sprintf(format, args...)},
			dependsOn: dependsOn,
		})
	}
	p := &Pricer{currency: normalizeCurrency(r.Currency), fx: decimal.NewFromInt(1)}
	digits, currencyOK := CurrencyDigits(p.currency)
	p.digits = digits
	unit := minorUnit(digits)

	p.fx, p.fxGiven = optional(r.FXRate, p.fx)
	p.tax, _ = optional(r.TaxRate, decimal.Zero)

	p.step, p.stepGiven = optional(r.Rounding.Step, unit)
	p.minus, _ = optional(r.Rounding.Minus, decimal.Zero)
	rounding := []string{"currency", "rounding.step", "rounding.minus"}
	if currencyOK {
		if p.stepGiven && p.step.IsPositive() && !p.step.Mod(unit).IsZero() {
			problem("rounding.step", rounding, "%s is not a multiple of the %s minor unit %s", r.Rounding.Step, p.currency, unit)
		}
		if !p.minus.Mod(unit).IsZero() {
			problem("rounding.minus", rounding, "%s is not a multiple of the %s minor unit %s", r.Rounding.Minus, p.currency, unit)
		}
		if p.minus.GreaterThanOrEqual(p.step) && p.step.IsPositive() {
			if p.stepGiven {
				problem("rounding.minus", rounding, "must be below rounding.step (%s)", r.Rounding.Step)
			} else {
				problem("rounding.minus", rounding, "must be below the step, which is the %s minor unit %s unless rounding.step is given", p.currency, unit)
			}
		}
	}

	p.defaultAct = compileAction(r.Default, "default", problem)

	names := map[string]int{}
	p.rules = make([]rule, 0, len(r.Rules))
	for i, rl := range r.Rules {
		path := fmt.Sprintf("rules[%d]", i)
		key := strings.ToLower(strings.TrimSpace(rl.Name))
		switch first, dup := names[key]; {
		case key == "default":
			problem(path+".name", nil, `"default" is reserved for the default action`)
		case dup && key != "":
			problem(path+".name", []string{path + ".name", fmt.Sprintf("rules[%d].name", first)},
				"%q is already the name of rules[%d]", rl.Name, first)
		default:
			names[key] = i
		}
		p.rules = append(p.rules, rule{
			name:     rl.Name,
			priority: rl.Priority,
			match:    compileMatch(rl.Match, path+".match", problem),
			action:   compileAction(rl.Action, path, problem),
		})
	}
	slices.SortStableFunc(p.rules, func(a, b rule) int { return cmp.Compare(a.priority, b.priority) })
	return p, problems
}

// optional parses a Number that may be left out; def stands for a missing (or unparsable) one.
func optional(n Number, def decimal.Decimal) (decimal.Decimal, bool) {
	if n == "" {
		return def, false
	}
	d, err := n.Decimal()
	if err != nil {
		return def, false
	}
	return d, true
}

// problemFunc records a problem at path that follows from the fields at dependsOn (nil: path itself).
type problemFunc func(path string, dependsOn []string, format string, args ...any)

func compileAction(a Action, path string, problem problemFunc) action {
	var act action
	percents := []string{path + ".markup_percent", path + ".margin_percent"}
	switch {
	case a.MarkupPercent != "" && a.MarginPercent != "":
		problem(path, percents, "markup_percent and margin_percent are both set; keep one")
	case a.MarkupPercent == "" && a.MarginPercent == "":
		problem(path, percents, `needs markup_percent or margin_percent (write "markup_percent": "0" to sell at cost)`)
	case a.MarginPercent != "":
		act.margin = true
		act.percent, _ = optional(a.MarginPercent, decimal.Zero)
	default:
		act.percent, _ = optional(a.MarkupPercent, decimal.Zero)
	}
	act.fixed, _ = optional(a.FixedAmount, decimal.Zero)
	act.minProfit, _ = optional(a.MinProfit, decimal.Zero)
	return act
}

func compileMatch(m Match, path string, problem problemFunc) match {
	cm := match{
		brands:        trimAll(m.Brands),
		manufacturers: trimAll(m.Manufacturers),
		types:         trimAll(m.Types),
		skus:          trimAll(m.SKUs),
	}
	if m.Category != "" {
		cm.category = strings.Split(m.Category, ".")
	}
	if m.CostMin != "" {
		cm.costMin.Decimal, cm.costMin.Valid = optional(m.CostMin, decimal.Zero)
	}
	if m.CostMax != "" {
		cm.costMax.Decimal, cm.costMax.Valid = optional(m.CostMax, decimal.Zero)
	}
	if cm.costMin.Valid && cm.costMax.Valid && cm.costMin.Decimal.GreaterThan(cm.costMax.Decimal) {
		problem(path+".cost_min", []string{path + ".cost_min", path + ".cost_max"}, "%s is above cost_max %s", m.CostMin, m.CostMax)
	}
	if m.Category == "" && len(m.Brands)+len(m.Manufacturers)+len(m.Types)+len(m.SKUs) == 0 &&
		m.CostMin == "" && m.CostMax == "" {
		problem(path, nil, "has no condition; a rule for every product belongs in default")
	}
	return cm
}

func trimAll(list []string) []string {
	if len(list) == 0 {
		return nil
	}
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = strings.TrimSpace(s)
	}
	return out
}

// Price prices one product. A cost that is zero or negative gives ErrUnsellable; a cost currency that
// the rules cannot convert gives ErrCostCurrency.
func (pr *Pricer) Price(p Product) (Result, error) {
	where := "pricing"
	if p.SKU != "" {
		where = fmt.Sprintf("pricing: SKU %q", p.SKU)
	}
	if !p.Cost.IsPositive() {
		return Result{}, fmt.Errorf("%s: cost %s: %w", where, p.Cost, ErrUnsellable)
	}
	if err := checkRange(p.Cost); err != nil {
		return Result{}, fmt.Errorf("%s: cost %s", where, err)
	}
	costCurrency, err := pr.checkCostCurrency(p.CostCurrency)
	if err != nil {
		return Result{}, fmt.Errorf("%s: %w", where, err)
	}

	ex := Explanation{Rule: "default", Default: true}
	act := pr.defaultAct
	for _, rl := range pr.rules {
		matched, failed := rl.match.test(&p)
		if failed != "" {
			ex.Skipped = append(ex.Skipped, Skip{Rule: rl.name, Priority: rl.priority, Reason: failed})
			continue
		}
		ex.Rule, ex.Priority, ex.Default, ex.Matched = rl.name, rl.priority, false, matched
		act = rl.action
		break
	}
	price := pr.compute(p.Cost, costCurrency, act, &ex)
	return Result{Price: price, Currency: pr.currency, Explanation: ex, digits: pr.digits}, nil
}

func (pr *Pricer) checkCostCurrency(code string) (string, error) {
	if code == "" {
		return "", nil
	}
	c := normalizeCurrency(code)
	switch _, known := CurrencyDigits(c); {
	case !known:
		return "", fmt.Errorf("%w: unknown cost currency %q", ErrCostCurrency, code)
	case c == pr.currency && !pr.fx.Equal(decimal.NewFromInt(1)):
		return "", fmt.Errorf("%w: cost is already in %s, but fx_rate is %s", ErrCostCurrency, c, pr.fx)
	case c != pr.currency && !pr.fxGiven:
		return "", fmt.Errorf("%w: cost is in %s, shop sells in %s, and the rules give no fx_rate", ErrCostCurrency, c, pr.currency)
	}
	return c, nil
}

var one = decimal.NewFromInt(1)

// percent turns a percentage into a fraction exactly: 19 → 0.19.
func percent(d decimal.Decimal) decimal.Decimal { return d.Shift(-2) }

// compute runs the contract's steps 1 and 3 to 6 on a cost, recording each value in ex.
func (pr *Pricer) compute(cost decimal.Decimal, costCurrency string, act action, ex *Explanation) decimal.Decimal {
	step := func(name string, v decimal.Decimal, format string, args ...any) {
		ex.Steps = append(ex.Steps, Step{Name: name, Value: v, Note: fmt.Sprintf(format, args...)})
	}

	step("cost", cost, "%s", costCurrency)
	switch {
	case !pr.fxGiven:
		step("fx_rate", pr.fx, "not given: cost is in %s", pr.currency)
	case costCurrency != "":
		step("fx_rate", pr.fx, "%s per %s", pr.currency, costCurrency)
	default:
		step("fx_rate", pr.fx, "%s per unit of the cost currency", pr.currency)
	}
	converted := cost.Mul(pr.fx)
	step("converted", converted, "cost × fx_rate")

	var p decimal.Decimal
	if act.margin {
		p = converted.DivRound(one.Sub(percent(act.percent)), marginDivPrecision)
		step("after_margin", p, "converted ÷ (1 − %s/100), rounded half-up at %d decimals", act.percent, marginDivPrecision)
	} else {
		p = converted.Mul(one.Add(percent(act.percent)))
		step("after_markup", p, "converted × (1 + %s/100)", act.percent)
	}

	p = p.Add(act.fixed)
	step("after_fixed_amount", p, "+ fixed_amount %s", act.fixed)

	floor := converted.Add(act.minProfit)
	if floor.GreaterThan(p) {
		step("min_profit_floor", floor, "converted + min_profit %s: applied, the price was below it", act.minProfit)
		p = floor
	} else {
		step("min_profit_floor", floor, "converted + min_profit %s: not applied", act.minProfit)
	}
	step("after_min_profit", p, "the larger of after_fixed_amount and min_profit_floor")

	if pr.tax.IsPositive() {
		p = p.Mul(one.Add(percent(pr.tax)))
		step("after_tax", p, "× (1 + %s/100): tax-inclusive shop", pr.tax)
	} else {
		step("after_tax", p, "unchanged: prices exclude tax")
	}

	if pr.stepGiven {
		step("step", pr.step, "rounding.step")
	} else {
		step("step", pr.step, "the %s minor unit (rounding.step not given)", pr.currency)
	}
	final, up, bumped := round(p, pr.step, pr.minus)
	if up.Equal(p) {
		step("rounded_up", up, "already a multiple of step")
	} else {
		step("rounded_up", up, "next multiple of step")
	}
	step("minus", pr.minus, "rounding.minus")
	if bumped {
		step("final", final, "rounded_up − minus + step: minus alone would go below after_tax")
	} else {
		step("final", final, "rounded_up − minus")
	}
	return final
}

// round takes p up to the next multiple of step (a multiple stays), subtracts minus, and adds one step
// back if that went below p. It returns the result, the multiple of step, and whether a step was added.
func round(p, step, minus decimal.Decimal) (final, up decimal.Decimal, bumped bool) {
	q, rem := p.QuoRem(step, 0) // exact: p = q·step + rem, 0 ≤ rem < step for p ≥ 0
	if rem.IsPositive() {
		q = q.Add(one)
	}
	up = q.Mul(step)
	final = up.Sub(minus)
	if final.LessThan(p) {
		return final.Add(step), up, true
	}
	return final, up, false
}

// test checks a product against every given condition in file order. It returns a line per condition
// that held, or the first one that failed.
func (m *match) test(p *Product) (matched []string, failed string) {
	if m.category != nil {
		if !underCategory(p.Category, m.category) {
			return nil, fmt.Sprintf("category %q is not under %q", p.Category, strings.Join(m.category, "."))
		}
		matched = append(matched, fmt.Sprintf("category %q is under %q", p.Category, strings.Join(m.category, ".")))
	}
	lists := []struct {
		what  string
		value string
		list  []string
	}{
		{"brand", p.Brand, m.brands},
		{"manufacturer", p.Manufacturer, m.manufacturers},
		{"type", p.Type, m.types},
		{"sku", p.SKU, m.skus},
	}
	for _, l := range lists {
		if l.list == nil {
			continue
		}
		value := strings.TrimSpace(l.value)
		if !slices.ContainsFunc(l.list, func(s string) bool { return strings.EqualFold(s, value) }) {
			return nil, fmt.Sprintf("%s %q is not in [%s]", l.what, l.value, strings.Join(l.list, ", "))
		}
		matched = append(matched, fmt.Sprintf("%s %q is in [%s]", l.what, l.value, strings.Join(l.list, ", ")))
	}
	if m.costMin.Valid {
		if p.Cost.LessThan(m.costMin.Decimal) {
			return nil, fmt.Sprintf("cost %s is below cost_min %s", p.Cost, m.costMin.Decimal)
		}
		matched = append(matched, fmt.Sprintf("cost %s is at least cost_min %s", p.Cost, m.costMin.Decimal))
	}
	if m.costMax.Valid {
		if p.Cost.GreaterThan(m.costMax.Decimal) {
			return nil, fmt.Sprintf("cost %s is above cost_max %s", p.Cost, m.costMax.Decimal)
		}
		matched = append(matched, fmt.Sprintf("cost %s is at most cost_max %s", p.Cost, m.costMax.Decimal))
	}
	return matched, ""
}

// underCategory reports whether the dotted category id starts with the prefix segments: "cpt.nb.x" is
// under [cpt nb]; "cptx" is not under [cpt].
func underCategory(category string, prefix []string) bool {
	segs := strings.Split(strings.TrimSpace(category), ".")
	if len(segs) < len(prefix) {
		return false
	}
	for i, s := range prefix {
		if !strings.EqualFold(segs[i], s) {
			return false
		}
	}
	return true
}
