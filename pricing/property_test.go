package pricing

import (
	"fmt"
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// genDecimal draws coefficient × 10^-scale, with coefficient in [lo, hi] and scale in [0, maxScale].
func genDecimal(t *rapid.T, label string, lo, hi int64, maxScale int32) decimal.Decimal {
	coef := rapid.Int64Range(lo, hi).Draw(t, label)
	scale := rapid.Int32Range(0, maxScale).Draw(t, label+"_scale")
	return decimal.New(coef, -scale)
}

// scenario is a shop with only a default action, drawn at random, and the numbers it was built from.
type scenario struct {
	rules                                           *Rules
	fx, tax, percent, fixed, minProfit, step, minus decimal.Decimal
	margin                                          bool
}

func genScenario(t *rapid.T) scenario {
	currency := rapid.SampledFrom([]string{"CLP", "USD", "COP", "KWD", "CLF", "JPY"}).Draw(t, "currency")
	digits, _ := CurrencyDigits(currency)
	unit := minorUnit(digits)
	s := scenario{fx: decimal.NewFromInt(1)}
	s.rules = &Rules{Currency: currency}
	if rapid.Bool().Draw(t, "has_fx") {
		s.fx = genDecimal(t, "fx", 1, 2_000_000, 8)
		s.rules.FXRate = Number(s.fx.String())
	}
	if rapid.Bool().Draw(t, "has_tax") {
		s.tax = genDecimal(t, "tax", 0, 100, 2)
		s.rules.TaxRate = Number(s.tax.String())
	}
	steps := rapid.SampledFrom([]int64{1, 5, 10, 50, 100, 1000}).Draw(t, "step_units")
	s.step = unit.Mul(decimal.NewFromInt(steps))
	if steps > 1 || rapid.Bool().Draw(t, "explicit_step") {
		s.rules.Rounding.Step = Number(s.step.String())
	}
	if m := rapid.Int64Range(0, steps-1).Draw(t, "minus_units"); m > 0 {
		s.minus = unit.Mul(decimal.NewFromInt(m))
		s.rules.Rounding.Minus = Number(s.minus.String())
	}
	s.margin = rapid.Bool().Draw(t, "margin")
	if s.margin {
		s.percent = decimal.New(rapid.Int64Range(0, 9999).Draw(t, "margin_hundredths"), -2) // below 100
		s.rules.Default.MarginPercent = Number(s.percent.String())
	} else {
		s.percent = genDecimal(t, "markup_percent", 0, 50_000, 2)
		s.rules.Default.MarkupPercent = Number(s.percent.String())
	}
	if rapid.Bool().Draw(t, "has_fixed") {
		s.fixed = genDecimal(t, "fixed", 0, 100_000, 2)
		s.rules.Default.FixedAmount = Number(s.fixed.String())
	}
	if rapid.Bool().Draw(t, "has_min_profit") {
		s.minProfit = genDecimal(t, "min_profit", 0, 1_000_000, 2)
		s.rules.Default.MinProfit = Number(s.minProfit.String())
	}
	return s
}

func genCost(t *rapid.T, label string) decimal.Decimal {
	return genDecimal(t, label, 1, 1_000_000_000, 6)
}

func (s scenario) pricer(t *rapid.T) *Pricer {
	p, err := s.rules.Compile()
	if err != nil {
		t.Fatalf("generated rules are invalid: %v", err)
	}
	return p
}

// reference prices a cost with big.Rat, independently of shopspring/decimal. It returns the contract's
// step-3 price (after min_profit), the taxed price and the final price.
func (s scenario) reference(cost decimal.Decimal) (step3, taxed, final *big.Rat) {
	hundred := big.NewRat(100, 1)
	frac := func(d decimal.Decimal) *big.Rat { return new(big.Rat).Quo(d.Rat(), hundred) }
	one := big.NewRat(1, 1)

	converted := new(big.Rat).Mul(cost.Rat(), s.fx.Rat())
	p := new(big.Rat)
	if s.margin {
		q := new(big.Rat).Quo(converted, new(big.Rat).Sub(one, frac(s.percent)))
		// Half-up at 10 decimals: floor(q·10^10 + 1/2) / 10^10 (q > 0).
		scale := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(10), nil))
		q.Mul(q, scale).Add(q, big.NewRat(1, 2))
		p.SetInt(new(big.Int).Quo(q.Num(), q.Denom())).Quo(p, scale)
	} else {
		p.Mul(converted, new(big.Rat).Add(one, frac(s.percent)))
	}
	p.Add(p, s.fixed.Rat())
	if floor := new(big.Rat).Add(converted, s.minProfit.Rat()); floor.Cmp(p) > 0 {
		p = floor
	}
	step3 = new(big.Rat).Set(p)
	p.Mul(p, new(big.Rat).Add(one, frac(s.tax)))
	taxed = new(big.Rat).Set(p)

	// Up to the next multiple of step, minus, one step more if that undercut.
	q := new(big.Rat).Quo(p, s.step.Rat())
	n := new(big.Int).Quo(q.Num(), q.Denom())
	if !q.IsInt() {
		n.Add(n, big.NewInt(1))
	}
	final = new(big.Rat).Mul(new(big.Rat).SetInt(n), s.step.Rat())
	final.Sub(final, s.minus.Rat())
	if final.Cmp(p) < 0 {
		final.Add(final, s.step.Rat())
	}
	return step3, taxed, final
}

func TestPriceProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := genScenario(t)
		pricer := s.pricer(t)
		cost := genCost(t, "cost")
		res, err := pricer.Price(Product{Cost: cost})
		if err != nil {
			t.Fatal(err)
		}
		price := res.Price.Rat()
		step3, taxed, final := s.reference(cost)

		// Exact: the same number as the big.Rat computation, to the last digit.
		if price.Cmp(final) != 0 {
			t.Fatalf("price %s, big.Rat reference %s", res.Price, final.FloatString(12))
		}
		// Never below converted + min_profit.
		floor := new(big.Rat).Add(new(big.Rat).Mul(cost.Rat(), s.fx.Rat()), s.minProfit.Rat())
		if price.Cmp(floor) < 0 {
			t.Fatalf("price %s below converted + min_profit %s", res.Price, floor.FloatString(12))
		}
		// Never below what step 3 asked for, taxed when the shop is tax-inclusive.
		if price.Cmp(step3) < 0 || price.Cmp(taxed) < 0 {
			t.Fatalf("price %s below the rule's %s (taxed %s)", res.Price, step3.FloatString(12), taxed.FloatString(12))
		}
		// Rounding adds less than two steps.
		if gap := new(big.Rat).Sub(price, taxed); gap.Cmp(new(big.Rat).Mul(big.NewRat(2, 1), s.step.Rat())) >= 0 {
			t.Fatalf("price %s more than two steps above %s", res.Price, taxed.FloatString(12))
		}
		// The currency's digits hold the price exactly.
		if !decimal.RequireFromString(res.String()).Equal(res.Price) {
			t.Fatalf("String() %s loses digits of %s", res.String(), res.Price)
		}
		// Rounding is idempotent.
		if again, _, _ := round(res.Price, s.step, s.minus); !again.Equal(res.Price) {
			t.Fatalf("rounding %s again gives %s", res.Price, again)
		}
		// Re-pricing is stable.
		res2, err := pricer.Price(Product{Cost: cost})
		if err != nil || !res2.Price.Equal(res.Price) || res2.String() != res.String() {
			t.Fatalf("second pricing %v, %v; first %s", res2.Price, err, res.Price)
		}
		// The explanation's last step is the price.
		if last := res.Explanation.Steps[len(res.Explanation.Steps)-1]; last.Name != "final" || !last.Value.Equal(res.Price) {
			t.Fatalf("last step %+v, price %s", last, res.Price)
		}
	})
}

func TestPriceMonotonic(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := genScenario(t)
		pricer := s.pricer(t)
		a, b := genCost(t, "cost_a"), genCost(t, "cost_b")
		if a.GreaterThan(b) {
			a, b = b, a
		}
		ra, err := pricer.Price(Product{Cost: a})
		if err != nil {
			t.Fatal(err)
		}
		rb, err := pricer.Price(Product{Cost: b})
		if err != nil {
			t.Fatal(err)
		}
		if ra.Price.GreaterThan(rb.Price) {
			t.Fatalf("cost %s → %s, but higher cost %s → %s", a, ra.Price, b, rb.Price)
		}
	})
}

func TestRoundIdempotent(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		step := genDecimal(t, "step", 1, 10_000, 4)
		minus := decimal.Zero
		if rapid.Bool().Draw(t, "has_minus") {
			minus = step.Mul(decimal.New(rapid.Int64Range(0, 99).Draw(t, "minus_pct"), -2))
		}
		p := genDecimal(t, "p", 1, 1_000_000_000, 8)
		once, _, _ := round(p, step, minus)
		twice, _, _ := round(once, step, minus)
		if !once.Equal(twice) {
			t.Fatalf("round(%s) = %s, round again = %s (step %s minus %s)", p, once, twice, step, minus)
		}
		if once.LessThan(p) {
			t.Fatalf("round(%s) = %s is below it", p, once)
		}
	})
}

// TestRuleSelection compares the chosen rule with a naive first-match over the rules sorted by priority.
func TestRuleSelection(t *testing.T) {
	categories := []string{"cpt", "cpt.nb", "cpt.nb.x", "cptx", "mon", ""}
	brands := []string{"eee", "hp", "ACER"}
	rapid.Check(t, func(t *rapid.T) {
		r := &Rules{Currency: "USD", Default: Action{MarkupPercent: "1"}}
		n := rapid.IntRange(0, 6).Draw(t, "rules")
		for i := range n {
			m := Match{}
			for m.Category == "" && len(m.Brands) == 0 && m.CostMin == "" && m.CostMax == "" {
				m.Category = rapid.SampledFrom(categories).Draw(t, "category")
				m.Brands = rapid.SliceOfNDistinct(rapid.SampledFrom(brands), 0, 2, rapid.ID).Draw(t, "brands")
				if rapid.Bool().Draw(t, "has_min") {
					m.CostMin = Number(fmt.Sprint(rapid.IntRange(0, 100).Draw(t, "min")))
				}
				if rapid.Bool().Draw(t, "has_max") {
					m.CostMax = Number(fmt.Sprint(rapid.IntRange(100, 200).Draw(t, "max")))
				}
			}
			r.Rules = append(r.Rules, Rule{
				Name:     fmt.Sprintf("r%d", i),
				Priority: rapid.IntRange(-2, 2).Draw(t, "priority"),
				Match:    m,
				Action:   Action{MarkupPercent: Number(fmt.Sprint(i + 2))},
			})
		}
		pricer, err := r.Compile()
		if err != nil {
			t.Fatal(err)
		}
		p := Product{
			Category: rapid.SampledFrom(categories).Draw(t, "product_category"),
			Brand:    strings.ToUpper(rapid.SampledFrom(brands).Draw(t, "product_brand")),
			Cost:     decimal.NewFromInt(int64(rapid.IntRange(1, 250).Draw(t, "cost"))),
		}
		res, err := pricer.Price(p)
		if err != nil {
			t.Fatal(err)
		}

		order := make([]int, len(r.Rules))
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int { return r.Rules[a].Priority - r.Rules[b].Priority })
		want := "default"
		for _, i := range order {
			m := r.Rules[i].Match
			cost := p.Cost.IntPart()
			ok := (m.Category == "" || strings.HasPrefix(p.Category+".", m.Category+".")) &&
				(len(m.Brands) == 0 || slices.ContainsFunc(m.Brands, func(b string) bool { return strings.EqualFold(b, p.Brand) })) &&
				(m.CostMin == "" || cost >= decimal.RequireFromString(string(m.CostMin)).IntPart()) &&
				(m.CostMax == "" || cost <= decimal.RequireFromString(string(m.CostMax)).IntPart())
			if ok {
				want = r.Rules[i].Name
				break
			}
		}
		if res.Explanation.Rule != want {
			t.Fatalf("chose %s, want %s; explanation %+v", res.Explanation.Rule, want, res.Explanation)
		}
	})
}
