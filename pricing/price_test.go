package pricing

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

func mustParse(t *testing.T, file string) *Rules {
	t.Helper()
	r, err := ParseRules(strings.NewReader(file))
	if err != nil {
		t.Fatalf("ParseRules: %v", err)
	}
	return r
}

func mustPricer(t *testing.T, file string) *Pricer {
	t.Helper()
	p, err := mustParse(t, file).Compile()
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return p
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func stepValue(t *testing.T, ex Explanation, name string) string {
	t.Helper()
	for _, s := range ex.Steps {
		if s.Name == name {
			return s.Value.String()
		}
	}
	t.Fatalf("no step %q in %+v", name, ex.Steps)
	return ""
}

func TestExampleFile(t *testing.T) {
	f, err := os.Open("testdata/example.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rules, err := ParseRules(f)
	if err != nil {
		t.Fatal(err)
	}
	res, err := rules.Price(Product{
		SKU: "NB1", Category: "cpt.nb.x", Brand: "EEE", Type: "physical",
		Cost: dec("612.34"), CostCurrency: "us",
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.String(); got != "787990" {
		t.Errorf("price = %s, want 787990", got)
	}
	ex := res.Explanation
	if ex.Rule != "Notebooks" || ex.Priority != 10 || ex.Default {
		t.Errorf("rule = %q/%d default=%v, want Notebooks/10", ex.Rule, ex.Priority, ex.Default)
	}
	if len(ex.Matched) != 5 { // category, brand, type, cost_min, cost_max
		t.Errorf("matched = %q, want 5 conditions", ex.Matched)
	}
	want := map[string]string{
		"cost":               "612.34",
		"fx_rate":            "950.5",
		"converted":          "582029.17",
		"after_margin":       "661396.7840909091", // 582029.17 / 0.88, half-up at 10 decimals
		"after_fixed_amount": "661396.7840909091",
		"min_profit_floor":   "597029.17",
		"after_tax":          "787062.173068181829",
		"step":               "1000",
		"rounded_up":         "788000",
		"minus":              "10",
		"final":              "787990",
	}
	for name, v := range want {
		if got := stepValue(t, ex, name); got != v {
			t.Errorf("step %s = %s, want %s", name, got, v)
		}
	}
	var names []string
	for _, s := range ex.Steps {
		names = append(names, s.Name)
	}
	wantOrder := "cost fx_rate converted after_margin after_fixed_amount min_profit_floor after_min_profit after_tax step rounded_up minus final"
	if got := strings.Join(names, " "); got != wantOrder {
		t.Errorf("steps = %s\nwant    %s", got, wantOrder)
	}

	// Not a notebook: the default's 20 % markup, with the rule's first failed condition explained.
	res, err = rules.Price(Product{SKU: "M1", Category: "cpt.mon", Brand: "eee", Cost: dec("100"), CostCurrency: "USD"})
	if err != nil {
		t.Fatal(err)
	}
	// 100 × 950.5 = 95050; × 1.2 = 114060; × 1.19 = 135731.4 → 136000 − 10.
	if got := res.String(); got != "135990" {
		t.Errorf("default price = %s, want 135990", got)
	}
	if !res.Explanation.Default || res.Explanation.Rule != "default" {
		t.Errorf("rule = %q, want default", res.Explanation.Rule)
	}
	wantSkip := []Skip{{Rule: "Notebooks", Priority: 10, Reason: `category "cpt.mon" is not under "cpt.nb"`}}
	if got := res.Explanation.Skipped; len(got) != 1 || got[0] != wantSkip[0] {
		t.Errorf("skipped = %+v, want %+v", got, wantSkip)
	}
}

func TestRound(t *testing.T) {
	tests := []struct {
		p, step, minus string
		want           string
		bumped         bool
	}{
		{"12345", "1000", "10", "12990", false}, // the contract's example
		{"12990", "1000", "10", "12990", false}, // already rounded: stays
		{"12995", "1000", "10", "13990", true},  // 12990 would undercut
		{"13000", "1000", "10", "13990", true},  // on a multiple: stays, minus would undercut
		{"13000", "1000", "0", "13000", false},  // on a multiple, no minus
		{"13000.0001", "1000", "0", "14000", false},
		{"12.341", "0.01", "0", "12.35", false},
		{"19.5", "1", "0.01", "19.99", false},
		{"19.995", "1", "0.01", "20.99", true},
		{"0.0001", "1", "0", "1", false},
		{"1234", "50", "1", "1249", false},
		{"1250", "0.05", "0", "1250", false},
	}
	for _, tt := range tests {
		t.Run(tt.p+"/"+tt.step+"/"+tt.minus, func(t *testing.T) {
			got, _, bumped := round(dec(tt.p), dec(tt.step), dec(tt.minus))
			if !got.Equal(dec(tt.want)) || bumped != tt.bumped {
				t.Errorf("round = %s (bumped %v), want %s (bumped %v)", got, bumped, tt.want, tt.bumped)
			}
		})
	}
}

// TestTwelveThousand is the contract's rounding example through the whole pipeline.
func TestTwelveThousand(t *testing.T) {
	p := mustPricer(t, `{"currency":"CLP","rounding":{"step":"1000","minus":"10"},"default":{"markup_percent":"0"}}`)
	res, err := p.Price(Product{Cost: dec("12345"), CostCurrency: "CLP"})
	if err != nil {
		t.Fatal(err)
	}
	if res.String() != "12990" {
		t.Errorf("price = %s, want 12990", res)
	}
}

func TestActions(t *testing.T) {
	tests := []struct {
		name, action, cost string
		want               string // USD, step 0.01
		step, value        string // an explanation step to check, and its value
	}{
		{"markup", `"markup_percent":"25"`, "100", "125.00", "after_markup", "125"},
		{"margin", `"margin_percent":"20"`, "100", "125.00", "after_margin", "125"},
		{"margin repeating", `"margin_percent":"12"`, "100", "113.64", "after_margin", "113.6363636364"},
		{"margin half-up", `"margin_percent":"0"`, "1.00000000005", "1.01", "after_margin", "1.0000000001"},
		// Rounded down at 10 decimals, then floored back to the converted cost: never sold below it.
		{"margin half-down", `"margin_percent":"0"`, "1.00000000004", "1.01", "after_margin", "1"},
		{"markup zero", `"markup_percent":"0"`, "99.999", "100.00", "after_markup", "99.999"},
		{"fixed amount", `"markup_percent":"20","fixed_amount":"5"`, "100", "125.00", "after_fixed_amount", "125"},
		{"min profit applied", `"markup_percent":"20","min_profit":"30"`, "100", "130.00", "after_min_profit", "130"},
		{"min profit not applied", `"margin_percent":"50","min_profit":"10"`, "100", "200.00", "after_min_profit", "200"},
		{"fractional percent", `"markup_percent":"12.5"`, "10.01", "11.27", "after_markup", "11.26125"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustPricer(t, `{"currency":"USD","default":{`+tt.action+`}}`)
			res, err := p.Price(Product{Cost: dec(tt.cost), CostCurrency: "USD"})
			if err != nil {
				t.Fatal(err)
			}
			if res.String() != tt.want {
				t.Errorf("price = %s, want %s", res, tt.want)
			}
			if got := stepValue(t, res.Explanation, tt.step); got != tt.value {
				t.Errorf("%s = %s, want %s", tt.step, got, tt.value)
			}
		})
	}
}

func TestTax(t *testing.T) {
	tests := []struct{ tax, cost, want string }{
		{`"tax_rate":"19",`, "100", "119"},
		{`"tax_rate":"19",`, "99", "118"}, // 117.81 up to the next peso
		{`"tax_rate":"0",`, "100", "100"},
		{``, "100", "100"},
		{`"tax_rate":"10.5",`, "200", "221"},
	}
	for _, tt := range tests {
		t.Run(tt.tax+tt.cost, func(t *testing.T) {
			p := mustPricer(t, `{"currency":"CLP",`+tt.tax+`"default":{"markup_percent":"0"}}`)
			res, err := p.Price(Product{Cost: dec(tt.cost)})
			if err != nil {
				t.Fatal(err)
			}
			if res.String() != tt.want {
				t.Errorf("price = %s, want %s", res, tt.want)
			}
		})
	}
}

func TestPriorityAndFirstMatch(t *testing.T) {
	// File order B, A, C; priority order A(10), C(10, after A: file order), B(20).
	p := mustPricer(t, `{"currency":"USD","default":{"markup_percent":"1"},"rules":[
		{"name":"B","priority":20,"match":{"brands":["eee"]},"markup_percent":"30"},
		{"name":"A","priority":10,"match":{"category":"cpt"},"markup_percent":"10"},
		{"name":"C","priority":10,"match":{"brands":["EEE","hp"]},"markup_percent":"20"}]}`)
	tests := []struct {
		category, brand string
		rule            string
		skipped         []string
		price           string
	}{
		{"cpt.nb", "eee", "A", nil, "110.00"},
		{"mon", "eee", "C", []string{"A"}, "120.00"},
		{"mon", "hp", "C", []string{"A"}, "120.00"},
		{"mon", "acer", "default", []string{"A", "C", "B"}, "101.00"},
	}
	for _, tt := range tests {
		t.Run(tt.category+"/"+tt.brand, func(t *testing.T) {
			res, err := p.Price(Product{Category: tt.category, Brand: tt.brand, Cost: dec("100")})
			if err != nil {
				t.Fatal(err)
			}
			if res.Explanation.Rule != tt.rule || res.String() != tt.price {
				t.Errorf("rule %s price %s, want %s %s", res.Explanation.Rule, res, tt.rule, tt.price)
			}
			var skipped []string
			for _, s := range res.Explanation.Skipped {
				skipped = append(skipped, s.Rule)
			}
			if strings.Join(skipped, ",") != strings.Join(tt.skipped, ",") {
				t.Errorf("skipped %v, want %v", skipped, tt.skipped)
			}
		})
	}
}

func TestSkipReasons(t *testing.T) {
	p := mustPricer(t, `{"currency":"USD","default":{"markup_percent":"0"},"rules":[
		{"name":"all","priority":1,"match":{"category":"cpt","brands":["eee"],"manufacturers":["asus"],
		 "types":["Physical"],"skus":["SKU1"],"cost_min":"10","cost_max":"20"},"markup_percent":"5"}]}`)
	base := Product{SKU: "sku1", Category: "CPT.nb", Brand: "eee", Manufacturer: "Asus", Type: "physical", Cost: dec("15")}
	tests := []struct {
		name   string
		change func(*Product)
		reason string
	}{
		{"matches", func(*Product) {}, ""},
		{"category", func(p *Product) { p.Category = "cptx" }, `category "cptx" is not under "cpt"`},
		{"brand", func(p *Product) { p.Brand = "hp" }, `brand "hp" is not in [eee]`},
		{"manufacturer", func(p *Product) { p.Manufacturer = "" }, `manufacturer "" is not in [asus]`},
		{"type", func(p *Product) { p.Type = "Downloadable" }, `type "Downloadable" is not in [Physical]`},
		{"sku", func(p *Product) { p.SKU = "SKU2" }, `sku "SKU2" is not in [SKU1]`},
		{"cost_min", func(p *Product) { p.Cost = dec("9.99") }, "cost 9.99 is below cost_min 10"},
		{"cost_max", func(p *Product) { p.Cost = dec("20.01") }, "cost 20.01 is above cost_max 20"},
		{"first failure only", func(p *Product) { p.Brand, p.Cost = "hp", dec("99") }, `brand "hp" is not in [eee]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prod := base
			tt.change(&prod)
			res, err := p.Price(prod)
			if err != nil {
				t.Fatal(err)
			}
			var reason string
			if len(res.Explanation.Skipped) > 0 {
				reason = res.Explanation.Skipped[0].Reason
			}
			if reason != tt.reason {
				t.Errorf("reason = %q, want %q", reason, tt.reason)
			}
			if tt.reason == "" && len(res.Explanation.Matched) != 7 {
				t.Errorf("matched = %q, want all 7 conditions", res.Explanation.Matched)
			}
		})
	}
}

func TestCategoryPrefix(t *testing.T) {
	tests := []struct {
		prefix, category string
		want             bool
	}{
		{"cpt", "cpt", true},
		{"cpt", "cpt.nb", true},
		{"cpt", "cpt.nb.x", true},
		{"cpt", "cptx", false},
		{"cpt", "cptx.nb", false},
		{"cpt", "cp", false},
		{"cpt", "", false},
		{"cpt.nb", "cpt", false},
		{"cpt.nb", "cpt.nb", true},
		{"cpt.nb", "cpt.nbx", false},
		{"cpt.nb", "CPT.NB.x", true},
		{"cpt.nb", "mon.cpt.nb", false},
	}
	for _, tt := range tests {
		t.Run(tt.prefix+"/"+tt.category, func(t *testing.T) {
			if got := underCategory(tt.category, strings.Split(tt.prefix, ".")); got != tt.want {
				t.Errorf("underCategory(%q, %q) = %v, want %v", tt.category, tt.prefix, got, tt.want)
			}
		})
	}
}

func TestCostBoundsInclusive(t *testing.T) {
	p := mustPricer(t, `{"currency":"USD","default":{"markup_percent":"0"},"rules":[
		{"name":"mid","match":{"cost_min":"100","cost_max":"200"},"markup_percent":"10"}]}`)
	for cost, want := range map[string]string{"99.99": "default", "100": "mid", "150": "mid", "200": "mid", "200.01": "default"} {
		res, err := p.Price(Product{Cost: dec(cost)})
		if err != nil {
			t.Fatal(err)
		}
		if res.Explanation.Rule != want {
			t.Errorf("cost %s: rule %s, want %s", cost, res.Explanation.Rule, want)
		}
	}
}

func TestUnsellable(t *testing.T) {
	p := mustPricer(t, `{"currency":"USD","default":{"markup_percent":"10"}}`)
	for _, cost := range []decimal.Decimal{decimal.Zero, {}, dec("-0.01"), dec("-100")} {
		_, err := p.Price(Product{SKU: "X", Cost: cost})
		if !errors.Is(err, ErrUnsellable) {
			t.Errorf("cost %s: err = %v, want ErrUnsellable", cost, err)
		}
	}
}

func TestCostCurrency(t *testing.T) {
	tests := []struct {
		rules, currency string
		wantErr         bool
	}{
		{`"currency":"CLP","fx_rate":"950"`, "us", false},
		{`"currency":"CLP","fx_rate":"950"`, "USD", false},
		{`"currency":"CLP","fx_rate":"950"`, "", false},
		{`"currency":"CLP","fx_rate":"950"`, "CLP", true},  // already CLP: converting would multiply by 950
		{`"currency":"CLP"`, "USD", true},                  // no rate: would sell at a 950th of the price
		{`"currency":"CLP"`, "CLP", false},                 // same currency, no rate
		{`"currency":"CLP","fx_rate":"1.0"`, "clp", false}, // an explicit 1 is fine
		{`"currency":"PAB","fx_rate":"1"`, "US", false},    // different currencies at par
		{`"currency":"CLP","fx_rate":"950"`, "XYZ", true},
	}
	for _, tt := range tests {
		t.Run(tt.rules+"/"+tt.currency, func(t *testing.T) {
			p := mustPricer(t, `{`+tt.rules+`,"default":{"markup_percent":"0"}}`)
			_, err := p.Price(Product{Cost: dec("10"), CostCurrency: tt.currency})
			if (err != nil) != tt.wantErr || (err != nil && !errors.Is(err, ErrCostCurrency)) {
				t.Errorf("err = %v, want error: %v", err, tt.wantErr)
			}
		})
	}
}

func TestCostOutOfRange(t *testing.T) {
	p := mustPricer(t, `{"currency":"USD","default":{"markup_percent":"10"}}`)
	for _, cost := range []decimal.Decimal{decimal.New(1, 999999), decimal.New(1, -30)} {
		if _, err := p.Price(Product{Cost: cost}); err == nil {
			t.Errorf("cost %s: no error", cost.String()[:10])
		}
	}
}

func TestResultString(t *testing.T) {
	tests := []struct{ currency, cost, want string }{
		{"USD", "10", "10.00"},
		{"CLP", "10", "10"},
		{"KWD", "1.5", "1.500"},
		{"CLF", "1.23456", "1.2346"},
		{"COP", "1000", "1000.00"},
		{"EUR", "0.001", "0.01"},
	}
	for _, tt := range tests {
		p := mustPricer(t, `{"currency":"`+tt.currency+`","default":{"markup_percent":"0"}}`)
		res, err := p.Price(Product{Cost: dec(tt.cost)})
		if err != nil {
			t.Fatal(err)
		}
		if res.String() != tt.want || res.Currency != tt.currency {
			t.Errorf("%s %s: %s %s, want %s", tt.currency, tt.cost, res, res.Currency, tt.want)
		}
	}
}

func TestCurrencyDigits(t *testing.T) {
	tests := []struct {
		code   string
		digits int32
		ok     bool
	}{
		{"CLP", 0, true}, {"clp", 0, true}, {"COP", 2, true}, {"USD", 2, true}, {"us", 2, true},
		{"US", 2, true}, {"EUR", 2, true}, {"MXN", 2, true}, {"BRL", 2, true}, {"PYG", 0, true},
		{"UYU", 2, true}, {"VES", 2, true}, {"KWD", 3, true}, {"CLF", 4, true}, {"JPY", 0, true},
		{"XYZ", 0, false}, {"", 0, false}, {"XAU", 0, false},
	}
	for _, tt := range tests {
		d, ok := CurrencyDigits(tt.code)
		if d != tt.digits || ok != tt.ok {
			t.Errorf("CurrencyDigits(%q) = %d, %v; want %d, %v", tt.code, d, ok, tt.digits, tt.ok)
		}
	}
}

// TestRulesPrice checks the one-off path: an invalid Rules built in Go is refused with its problems.
func TestRulesPrice(t *testing.T) {
	r := &Rules{Currency: "CLP", Default: Action{MarginPercent: "150"}}
	_, err := r.Price(Product{Cost: dec("1")})
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != 1 || ve.Problems[0].String() != "default.margin_percent: must be below 100" {
		t.Fatalf("err = %v, want default.margin_percent: must be below 100", err)
	}
	r.Default.MarginPercent = "50"
	res, err := r.Price(Product{Cost: dec("1")})
	if err != nil || res.String() != "2" {
		t.Fatalf("price = %v, %v; want 2", res, err)
	}
}

// TestPricerConcurrent backs the claim that a Pricer is safe for concurrent use (run with -race).
func TestPricerConcurrent(t *testing.T) {
	rules := mustParse(t, `{"currency":"USD","default":{"markup_percent":"10"},"rules":[
		{"name":"A","match":{"brands":["eee"]},"margin_percent":"20"}]}`)
	pricer, err := rules.Compile()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan string)
	for i := range 8 {
		go func() {
			p := Product{Brand: []string{"eee", "hp"}[i%2], Cost: dec("100")}
			a, errA := pricer.Price(p)
			b, errB := rules.Price(p)
			if errA != nil || errB != nil || !a.Price.Equal(b.Price) {
				done <- fmt.Sprintf("%v %v %s %s", errA, errB, a, b)
				return
			}
			done <- ""
		}()
	}
	for range 8 {
		if msg := <-done; msg != "" {
			t.Error(msg)
		}
	}
}
