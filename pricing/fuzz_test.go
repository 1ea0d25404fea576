package pricing

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"testing"
)

// FuzzParseRules feeds ParseRules outside input: it must never panic, every refusal must say why, and
// whatever it accepts must compile, price, and survive an export and re-import unchanged.
func FuzzParseRules(f *testing.F) {
	example, err := os.ReadFile("testdata/example.json")
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		string(example),
		`{"currency":"USD","default":{"markup_percent":0}}`,
		`{"currency":"us","fx_rate":1,"tax_rate":"0","rounding":{"step":"0.05","minus":"0.01"},"default":{"margin_percent":"99.99"}}`,
		`{"currency":"CLP","default":{"markup_percent":"0"},"rules":[{"name":"A","match":{"category":"cpt"},"markup_percent":"1"}]}`,
		`{"currency":"XYZ","fx_rate":"1e999","rules":[{"match":{}},1,null]}`,
		`{"currency":"CLP","default":{"markup_percent":"0"},"rules":[{"name":"A","priority":1.5,"match":{"brands":[1]}}]}`,
		`{}`, `null`, `[]`, `"x"`, `{"a":{"b":[{"c":{}}]}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rules, err := ParseRules(bytes.NewReader(data))
		if err != nil {
			var ve *ValidationError
			if errors.As(err, &ve) && len(ve.Problems) == 0 {
				t.Fatalf("a ValidationError with no problem: %q", data)
			}
			return
		}
		pricer, err := rules.Compile()
		if err != nil {
			t.Fatalf("accepted rules do not compile: %v", err)
		}
		product := Product{SKU: "X", Category: "cpt.nb", Brand: "eee", Type: "Physical", Cost: dec("612.34")}
		res, err := pricer.Price(product)
		if err != nil {
			t.Fatalf("accepted rules do not price: %v", err)
		}
		if !res.Price.IsPositive() {
			t.Fatalf("price %s", res.Price)
		}
		var out bytes.Buffer
		if err := rules.WriteJSON(&out); err != nil {
			t.Fatal(err)
		}
		again, err := ParseRules(&out)
		if err != nil {
			t.Fatalf("export does not re-import: %v\n%s", err, out.String())
		}
		if !reflect.DeepEqual(rules, again) {
			t.Fatalf("export changed the rules:\n%+v\n%+v", rules, again)
		}
	})
}
