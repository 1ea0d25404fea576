package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const pricingExampleRules = `{
  "currency": "CLP", "fx_rate": "950.5", "tax_rate": "19",
  "rounding": {"step": "1000", "minus": "10"},
  "default": {"markup_percent": "20"},
  "rules": [
    {"name": "Notebooks", "priority": 10,
     "match": {"category": "cpt.nb", "brands": ["eee"], "manufacturers": [], "types": ["Physical"],
               "skus": [], "cost_min": "100", "cost_max": "5000"},
     "margin_percent": "12", "fixed_amount": "0", "min_profit": "15000"}
  ]
}`

// runPricingCmd runs `connector pricing ARGS…` with a rules file holding rules, and returns its output.
func runPricingCmd(t *testing.T, rules string, args ...string) (string, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "rules.json")
	if err := os.WriteFile(path, []byte(rules), 0o600); err != nil {
		t.Fatal(err)
	}
	for i, a := range args {
		args[i] = strings.ReplaceAll(a, "RULES", path)
	}
	cmd := newPricingCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), err
}

func TestPricingExplainText(t *testing.T) {
	out, err := runPricingCmd(t, pricingExampleRules, "explain", "--rules", "RULES", "--cost", "612.34",
		"--currency", "us", "--category", "cpt.nb.x", "--brand", "eee", "--type", "Physical", "--sku", "NB-1")
	if err != nil {
		t.Fatalf("explain: %v\n%s", err, out)
	}
	for _, want := range []string{
		"price    787990 CLP\n",
		"rule     Notebooks (priority 10)\n",
		`matched  category "cpt.nb.x" is under "cpt.nb"`,
		`         brand "eee" is in [eee]`,
		"cost                612.34               USD\n",
		"converted           582029.17            cost × fx_rate\n",
		"after_margin        661396.7840909091    converted ÷ (1 − 12/100), rounded half-up at 10 decimals\n",
		"min_profit_floor    597029.17            converted + min_profit 15000: not applied\n",
		"after_tax           787062.173068181829  × (1 + 19/100): tax-inclusive shop\n",
		"rounded_up          788000               next multiple of step\n",
		"final               787990               rounded_up − minus\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestPricingExplainDefault(t *testing.T) {
	out, err := runPricingCmd(t, pricingExampleRules, "explain", "--rules", "RULES", "--cost", "100",
		"--category", "cpt.mon", "--brand", "eee")
	if err != nil {
		t.Fatalf("explain: %v\n%s", err, out)
	}
	for _, want := range []string{
		"price    135990 CLP\n",
		"rule     default (no rule matched)\n",
		`skipped  Notebooks (priority 10): category "cpt.mon" is not under "cpt.nb"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestPricingExplainJSON(t *testing.T) {
	out, err := runPricingCmd(t, pricingExampleRules, "explain", "--rules", "RULES", "--cost", "612.34",
		"--category", "cpt.nb", "--brand", "EEE", "--type", "physical", "--json")
	if err != nil {
		t.Fatalf("explain: %v\n%s", err, out)
	}
	if strings.Count(out, "\n") != 1 {
		t.Errorf("want one JSON line, got:\n%s", out)
	}
	var doc struct {
		Price    string   `json:"price"`
		Currency string   `json:"currency"`
		Rule     string   `json:"rule"`
		Priority int      `json:"priority"`
		Default  bool     `json:"default"`
		Matched  []string `json:"matched"`
		Skipped  []any    `json:"skipped"`
		Steps    []struct {
			Step, Value, Note string
		} `json:"steps"`
	}
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("decode %s: %v", out, err)
	}
	if doc.Price != "787990" || doc.Currency != "CLP" || doc.Rule != "Notebooks" || doc.Priority != 10 || doc.Default {
		t.Errorf("got %+v", doc)
	}
	if len(doc.Matched) != 5 || doc.Skipped == nil || len(doc.Skipped) != 0 {
		t.Errorf("matched %q skipped %v", doc.Matched, doc.Skipped)
	}
	if len(doc.Steps) != 12 || doc.Steps[0].Step != "cost" || doc.Steps[0].Value != "612.34" ||
		doc.Steps[11].Step != "final" || doc.Steps[11].Value != "787990" {
		t.Errorf("steps %+v", doc.Steps)
	}
	if !strings.Contains(out, `"price":"787990"`) {
		t.Errorf("price is not a JSON string: %s", out)
	}
}

func TestPricingExplainErrors(t *testing.T) {
	tests := []struct {
		name  string
		rules string
		args  []string
		want  []string
	}{
		{"bad rules file", `{"currency":"XYZ","fx_rate":"0","default":{},"rules":[{"name":"A","match":{},"margin_percent":"100"}]}`,
			[]string{"explain", "--rules", "RULES", "--cost", "10"},
			[]string{"rules.json: pricing: invalid rules: 5 problems:",
				`currency: unknown currency "XYZ"`,
				"fx_rate: must be greater than 0",
				"rules[0].margin_percent: must be below 100",
				"default: needs markup_percent or margin_percent",
				"rules[0].match: has no condition"}},
		{"not JSON", `{"currency":`, []string{"explain", "--rules", "RULES", "--cost", "10"},
			[]string{"not valid JSON"}},
		{"missing file", pricingExampleRules, []string{"explain", "--rules", "/nonexistent/rules.json", "--cost", "10"},
			[]string{"no such file"}},
		{"flags required", pricingExampleRules, []string{"explain"},
			[]string{"--rules and --cost required"}},
		{"bad cost", pricingExampleRules, []string{"explain", "--rules", "RULES", "--cost", "12,5"},
			[]string{`--cost: "12,5" is not a decimal number`}},
		{"zero cost", pricingExampleRules, []string{"explain", "--rules", "RULES", "--cost", "0"},
			[]string{"unsellable"}},
		{"no fx_rate", `{"currency":"CLP","default":{"markup_percent":"0"}}`,
			[]string{"explain", "--rules", "RULES", "--cost", "10"},
			[]string{"cost is in USD, shop sells in CLP, and the rules give no fx_rate"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := runPricingCmd(t, tt.rules, tt.args...)
			if err == nil {
				t.Fatalf("no error; output:\n%s", out)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			if strings.Contains(out, "Usage:") {
				t.Errorf("usage printed for a non-usage error:\n%s", out)
			}
		})
	}
}

// TestPricingExplainSameCurrency prices a CLP cost in a CLP shop: the contract's rounding example.
func TestPricingExplainSameCurrency(t *testing.T) {
	out, err := runPricingCmd(t, `{"currency":"CLP","rounding":{"step":"1000","minus":"10"},"default":{"markup_percent":"0"}}`,
		"explain", "--rules", "RULES", "--cost", "12345", "--currency", "CLP", "--json")
	if err != nil {
		t.Fatalf("explain: %v", err)
	}
	if !strings.HasPrefix(out, `{"price":"12990","currency":"CLP","rule":"default"`) {
		t.Errorf("got %s", out)
	}
}
