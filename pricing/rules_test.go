package pricing

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
)

// A valid rule, to which the cases below add one fault.
const okRule = `{"name":"A","priority":1,"match":{"brands":["eee"]},"markup_percent":"10"}`

func TestValidationMessages(t *testing.T) {
	tests := []struct {
		name string
		file string
		want []string
	}{
		{"unknown field", `{"currency":"CLP","colour":"red","default":{"markup_percent":"0"}}`,
			[]string{"colour: unknown field"}},
		{"unknown field case", `{"Currency":"CLP","default":{"markup_percent":"0"}}`,
			[]string{`Currency: unknown field (did you mean "currency"?)`}},
		{"unknown nested field", `{"currency":"CLP","default":{"markup_percent":"0"},"rules":[
			{"name":"A","match":{"brand":["eee"]},"markup_percent":"1"}]}`,
			// Not also "has no condition": that follows from the typo.
			[]string{`rules[0].match.brand: unknown field (did you mean "brands"?)`}},
		{"field given twice", `{"currency":"CLP","currency":"USD","default":{"markup_percent":"0"}}`,
			[]string{"currency: is given twice"}},
		{"mistyped fields", `{"currency":"CLP","default":{"markup_percent":"0"},"rules":[
			{"name":"A","priority":"1","match":{"brands":"eee","category":7},"markup_percent":"1"}]}`,
			[]string{"rules[0].priority: must be a whole number", "rules[0].match.brands: must be a list",
				"rules[0].match.category: must be a string"}},
		{"mistyped decimal", `{"currency":"CLP","fx_rate":true,"default":{"markup_percent":"0"}}`,
			[]string{`fx_rate: must be a decimal string such as "12.5"`}},
		{"mistyped object", `{"currency":"CLP","default":{"markup_percent":"0"},"rules":[1]}`,
			[]string{"rules[0]: must be an object"}},
		{"currency required", `{"default":{"markup_percent":"0"}}`,
			[]string{"currency: is required"}},
		{"unknown currency", `{"currency":"XYZ","default":{"markup_percent":"0"}}`,
			[]string{`currency: unknown currency "XYZ"; want an ISO 4217 code such as USD or CLP`}},
		{"malformed decimal", `{"currency":"CLP","fx_rate":"9,5","default":{"markup_percent":"0"}}`,
			[]string{`fx_rate: "9,5" is not a decimal number`}},
		{"decimal too large", `{"currency":"CLP","fx_rate":"1e25","default":{"markup_percent":"0"}}`,
			[]string{`fx_rate: "1e25" has more than 20 integer digits`}},
		{"decimal exponent huge", `{"currency":"CLP","fx_rate":"1e999999999","default":{"markup_percent":"0"}}`,
			[]string{`fx_rate: "1e999999999" is not a decimal number`}},
		{"decimal too fine", `{"currency":"CLP","fx_rate":"0.000000000000000000001","default":{"markup_percent":"0"}}`,
			[]string{`fx_rate: "0.000000000000000000001" has more than 20 decimal places`}},
		{"fx_rate zero", `{"currency":"CLP","fx_rate":"0","default":{"markup_percent":"0"}}`,
			[]string{"fx_rate: must be greater than 0"}},
		{"fx_rate negative", `{"currency":"CLP","fx_rate":-950,"default":{"markup_percent":"0"}}`,
			[]string{"fx_rate: must be greater than 0"}},
		{"tax negative", `{"currency":"CLP","tax_rate":"-19","default":{"markup_percent":"0"}}`,
			[]string{"tax_rate: must not be negative"}},
		{"tax above 100", `{"currency":"CLP","tax_rate":"119","default":{"markup_percent":"0"}}`,
			[]string{"tax_rate: must be at most 100 (it is a percentage)"}},
		{"step zero", `{"currency":"CLP","rounding":{"step":"0"},"default":{"markup_percent":"0"}}`,
			[]string{"rounding.step: must be greater than 0"}},
		{"step below the minor unit", `{"currency":"CLP","rounding":{"step":"0.5"},"default":{"markup_percent":"0"}}`,
			[]string{"rounding.step: 0.5 is not a multiple of the CLP minor unit 1"}},
		{"minus negative", `{"currency":"CLP","rounding":{"step":"100","minus":"-1"},"default":{"markup_percent":"0"}}`,
			[]string{"rounding.minus: must not be negative"}},
		{"minus equals step", `{"currency":"CLP","rounding":{"step":"1000","minus":"1000"},"default":{"markup_percent":"0"}}`,
			[]string{"rounding.minus: must be below rounding.step (1000)"}},
		{"minus with the default step", `{"currency":"CLP","rounding":{"minus":"1"},"default":{"markup_percent":"0"}}`,
			[]string{"rounding.minus: must be below the step, which is the CLP minor unit 1 unless rounding.step is given"}},
		{"minus below the minor unit", `{"currency":"USD","rounding":{"step":"1","minus":"0.001"},"default":{"markup_percent":"0"}}`,
			[]string{"rounding.minus: 0.001 is not a multiple of the USD minor unit 0.01"}},
		{"default without percentage", `{"currency":"CLP","default":{"fixed_amount":"1000"}}`,
			[]string{`default: needs markup_percent or margin_percent (write "markup_percent": "0" to sell at cost)`}},
		{"default missing", `{"currency":"CLP"}`,
			[]string{`default: needs markup_percent or margin_percent (write "markup_percent": "0" to sell at cost)`}},
		{"default negative markup", `{"currency":"CLP","default":{"markup_percent":"-5"}}`,
			[]string{"default.markup_percent: must not be negative"}},
		{"margin 100", `{"currency":"CLP","default":{"markup_percent":"0"},"rules":[
			{"name":"A","match":{"brands":["eee"]},"margin_percent":"100"}]}`,
			[]string{"rules[0].margin_percent: must be below 100"}},
		{"margin negative", `{"currency":"CLP","default":{"margin_percent":"-1"}}`,
			[]string{"default.margin_percent: must not be negative"}},
		{"markup and margin", `{"currency":"CLP","default":{"markup_percent":"0"},"rules":[
			{"name":"A","match":{"brands":["eee"]},"markup_percent":"10","margin_percent":"10"}]}`,
			[]string{"rules[0]: markup_percent and margin_percent are both set; keep one"}},
		{"negative amounts", `{"currency":"CLP","default":{"markup_percent":"0"},"rules":[
			{"name":"A","match":{"brands":["eee"]},"markup_percent":"10","fixed_amount":"-1","min_profit":"-2"}]}`,
			[]string{"rules[0].fixed_amount: must not be negative", "rules[0].min_profit: must not be negative"}},
		{"empty match", `{"currency":"CLP","default":{"markup_percent":"0"},"rules":[
			{"name":"A","match":{"brands":[],"cost_min":""},"markup_percent":"10"}]}`,
			[]string{"rules[0].match: has no condition; a rule for every product belongs in default"}},
		{"cost range reversed", `{"currency":"CLP","default":{"markup_percent":"0"},"rules":[
			{"name":"A","match":{"cost_min":"5000","cost_max":"100"},"markup_percent":"10"}]}`,
			[]string{"rules[0].match.cost_min: 5000 is above cost_max 100"}},
		{"cost bound negative", `{"currency":"CLP","default":{"markup_percent":"0"},"rules":[
			{"name":"A","match":{"cost_min":"-1"},"markup_percent":"10"}]}`,
			[]string{"rules[0].match.cost_min: must not be negative"}},
		{"name missing", `{"currency":"CLP","default":{"markup_percent":"0"},"rules":[
			{"match":{"brands":["eee"]},"markup_percent":"10"}]}`,
			[]string{"rules[0].name: is required"}},
		{"name twice", `{"currency":"CLP","default":{"markup_percent":"0"},"rules":[` + okRule + `,
			{"name":"a","match":{"brands":["hp"]},"markup_percent":"10"}]}`,
			[]string{`rules[1].name: "a" is already the name of rules[0]`}},
		{"name reserved", `{"currency":"CLP","default":{"markup_percent":"0"},"rules":[
			{"name":"Default","match":{"brands":["eee"]},"markup_percent":"10"}]}`,
			[]string{`rules[0].name: "default" is reserved for the default action`}},
		{"empty list entry", `{"currency":"CLP","default":{"markup_percent":"0"},"rules":[
			{"name":"A","match":{"brands":["eee",""]},"markup_percent":"10"}]}`,
			[]string{"rules[0].match.brands[1]: must not be empty"}},
		{"malformed category", `{"currency":"CLP","default":{"markup_percent":"0"},"rules":[
			{"name":"A","match":{"category":"cpt..nb"},"markup_percent":"10"}]}`,
			[]string{`rules[0].match.category: "cpt..nb" is not a dotted IWS category id such as "cpt" or "cpt.nb"`}},
		{"every problem at once", `{"currency":"XYZ","fx_rate":"0","tax_rate":"x","extra":1,
			"default":{},"rules":[` + okRule + `,
			{"name":"B","match":{},"margin_percent":"100","markup_percent":"1"}]}`,
			[]string{
				"extra: unknown field",
				"currency: unknown currency \"XYZ\"; want an ISO 4217 code such as USD or CLP",
				"fx_rate: must be greater than 0",
				`tax_rate: "x" is not a decimal number`,
				"rules[1].margin_percent: must be below 100",
				`default: needs markup_percent or margin_percent (write "markup_percent": "0" to sell at cost)`,
				"rules[1].match: has no condition; a rule for every product belongs in default",
				"rules[1]: markup_percent and margin_percent are both set; keep one",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseRules(strings.NewReader(tt.file))
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("err = %v, want a *ValidationError", err)
			}
			var got []string
			for _, p := range ve.Problems {
				got = append(got, p.String())
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("problems:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
			if !strings.Contains(err.Error(), tt.want[0]) {
				t.Errorf("Error() = %q lacks %q", err, tt.want[0])
			}
		})
	}
}

func TestValidateInGo(t *testing.T) {
	r := &Rules{
		Currency: "USD",
		Default:  Action{MarkupPercent: "20"},
		Rules: []Rule{
			{Name: "N", Match: Match{Category: "cpt.nb", CostMax: "10"}, Action: Action{MarginPercent: "12"}},
			{Name: "bad", Action: Action{MarginPercent: "99.5x"}},
		},
	}
	err := r.Validate()
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v", err)
	}
	want := "pricing: invalid rules: 2 problems:\n" +
		"  rules[1].margin_percent: \"99.5x\" is not a decimal number\n" +
		"  rules[1].match: has no condition; a rule for every product belongs in default"
	if err.Error() != want {
		t.Errorf("Error() =\n%s\nwant\n%s", err, want)
	}
	r.Rules = r.Rules[:1]
	if err := r.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestParseRulesSyntaxErrors(t *testing.T) {
	tests := []struct{ file, want string }{
		{"{\n  \"currency\": ,\n}", "line 2, column"},
		{`{"currency":"CLP","default":{"markup_percent":"0"}} {}`, "not valid JSON"},
		{`{"currency":"CLP"`, "not valid JSON"},
		{``, "not valid JSON"},
	}
	for _, tt := range tests {
		_, err := ParseRules(strings.NewReader(tt.file))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseRules(%q) = %v, want an error with %q", tt.file, err, tt.want)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	data, err := os.ReadFile("testdata/example.json")
	if err != nil {
		t.Fatal(err)
	}
	// JSON numbers are accepted on input and written back as strings.
	data = bytes.Replace(data, []byte(`"fx_rate": "950.5"`), []byte(`"fx_rate": 950.50`), 1)
	first, err := ParseRules(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if first.FXRate != "950.50" {
		t.Errorf("fx_rate = %q, want the number's exact text 950.50", first.FXRate)
	}
	var out bytes.Buffer
	if err := first.WriteJSON(&out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"fx_rate": "950.50"`) {
		t.Errorf("fx_rate not written as a string:\n%s", out.String())
	}
	second, err := ParseRules(bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatalf("re-parse: %v\n%s", err, out.String())
	}
	if !reflect.DeepEqual(first, second) {
		t.Errorf("round trip changed the rules:\n%+v\n%+v", first, second)
	}
	var again bytes.Buffer
	if err := second.WriteJSON(&again); err != nil {
		t.Fatal(err)
	}
	if again.String() != out.String() {
		t.Errorf("export is not stable:\n%s\n%s", out.String(), again.String())
	}
	want := `{
  "currency": "CLP",
  "fx_rate": "950.50",
  "tax_rate": "19",
  "rounding": {
    "step": "1000",
    "minus": "10"
  },
  "default": {
    "markup_percent": "20"
  },
  "rules": [
    {
      "name": "Notebooks",
      "priority": 10,
      "match": {
        "category": "cpt.nb",
        "brands": [
          "eee"
        ],
        "types": [
          "Physical"
        ],
        "cost_min": "100",
        "cost_max": "5000"
      },
      "margin_percent": "12",
      "fixed_amount": "0",
      "min_profit": "15000"
    }
  ]
}
`
	if out.String() != want {
		t.Errorf("export:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestNullMeansAbsent(t *testing.T) {
	r := mustParse(t, `{"currency":"CLP","fx_rate":null,"rounding":null,"default":{"markup_percent":"0","margin_percent":null}}`)
	if r.FXRate != "" || r.Default.MarginPercent != "" {
		t.Errorf("null not read as absent: %+v", r)
	}
}
