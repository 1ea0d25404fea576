package rules_test

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/intcomex-connector/connector/connector/rules"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/pricing"
)

// baseDoc is a valid document of three rules, in the order they are tried.
const baseDoc = `{"currency":"USD","default":{"markup_percent":"20"},
  "rules":[
    {"name":"Notebooks","priority":10,"match":{"category":"cpt.nb"},"margin_percent":"12"},
    {"name":"Cases","priority":20,"match":{"category":"cco"},"markup_percent":"30"},
    {"name":"Licences","priority":30,"match":{"types":["License"]},"markup_percent":"8"}]}`

func parse(t testing.TB, src string) *pricing.Rules {
	t.Helper()
	doc, err := pricing.ParseRules(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func names(doc *pricing.Rules) []string {
	var out []string
	for _, r := range doc.Rules {
		out = append(out, r.Name)
	}
	return out
}

func priorities(doc *pricing.Rules) []int {
	var out []int
	for _, r := range doc.Rules {
		out = append(out, r.Priority)
	}
	return out
}

func rule(name string, priority int, brand, markup string) pricing.Rule {
	return pricing.Rule{Name: name, Priority: priority, Match: pricing.Match{Brands: []string{brand}},
		Action: pricing.Action{MarkupPercent: pricing.Number(markup)}}
}

func TestEditApply(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		edit       rules.Edit
		names      []string
		priorities []int
		check      func(t *testing.T, doc *pricing.Rules)
	}{
		{"create first", rules.Create(0, rule("HP", 5, "hpe", "15")),
			[]string{"HP", "Notebooks", "Cases", "Licences"}, []int{5, 10, 20, 30}, nil},
		{"create between", rules.Create(2, rule("HP", 25, "hpe", "15")),
			[]string{"Notebooks", "Cases", "HP", "Licences"}, []int{10, 20, 25, 30}, nil},
		{"create last", rules.Create(3, rule("HP", 40, "hpe", "15")),
			[]string{"Notebooks", "Cases", "Licences", "HP"}, []int{10, 20, 30, 40}, nil},
		{"update", rules.Update(1, rule("Cases 2", 20, "cco", "31")),
			[]string{"Notebooks", "Cases 2", "Licences"}, []int{10, 20, 30}, func(t *testing.T, doc *pricing.Rules) {
				if doc.Rules[1].MarkupPercent != "31" || doc.Rules[1].Match.Category != "" {
					t.Errorf("updated rule = %+v", doc.Rules[1])
				}
			}},
		{"move up takes the priority of the rule after", rules.Move(2, 1),
			[]string{"Notebooks", "Licences", "Cases"}, []int{10, 20, 20}, nil},
		{"move to the top takes the priority of the next", rules.Move(2, 0),
			[]string{"Licences", "Notebooks", "Cases"}, []int{10, 10, 20}, nil},
		{"move to the end takes the priority of the rule before", rules.Move(0, 2),
			[]string{"Cases", "Licences", "Notebooks"}, []int{20, 30, 30}, nil},
		{"delete", rules.Delete(1),
			[]string{"Notebooks", "Licences"}, []int{10, 30}, nil},
		{"settings", rules.ChangeSettings(rules.Settings{Currency: "CLP", FXRate: "950", TaxRate: "19",
			Rounding: pricing.Rounding{Step: "1000", Minus: "10"}, Default: pricing.Action{MarginPercent: "25"}}),
			[]string{"Notebooks", "Cases", "Licences"}, []int{10, 20, 30}, func(t *testing.T, doc *pricing.Rules) {
				if doc.Currency != "CLP" || doc.FXRate != "950" || doc.Rounding.Minus != "10" || doc.Default.MarginPercent != "25" {
					t.Errorf("settings not applied: %+v", doc)
				}
			}},
		{"import", rules.Import(parse(t, `{"currency":"USD","default":{"markup_percent":"5"}}`)),
			nil, nil, func(t *testing.T, doc *pricing.Rules) {
				if doc.Default.MarkupPercent != "5" {
					t.Errorf("import not applied: %+v", doc)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := parse(t, baseDoc)
			keep := parse(t, baseDoc)
			got, err := tt.edit.Apply(in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(in, keep) {
				t.Error("Apply modified its input")
			}
			if !slices.Equal(names(got), tt.names) || !slices.Equal(priorities(got), tt.priorities) {
				t.Errorf("rules %v priorities %v, want %v %v", names(got), priorities(got), tt.names, tt.priorities)
			}
			// The file order is the order they are tried in, after every edit of this list.
			if order := rules.TryOrder(got); !slices.IsSorted(order) {
				t.Errorf("tried in order %v", order)
			}
			if tt.check != nil {
				tt.check(t, got)
			}
		})
	}
}

func TestEditApplyIndexes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit rules.Edit
		want error
	}{
		{"create past the end", rules.Create(4, rule("X", 1, "x", "1")), store.ErrInvalid},
		{"create before the start", rules.Create(-1, rule("X", 1, "x", "1")), store.ErrInvalid},
		{"update of no rule", rules.Update(3, rule("X", 1, "x", "1")), store.ErrNotFound},
		{"move of no rule", rules.Move(3, 0), store.ErrNotFound},
		{"move past the end", rules.Move(0, 3), store.ErrInvalid},
		{"delete of no rule", rules.Delete(-1), store.ErrNotFound},
		{"no edit", rules.Edit{}, store.ErrInvalid},
		{"import of nothing", rules.Import(nil), store.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := tt.edit.Apply(parse(t, baseDoc)); !errors.Is(err, tt.want) {
				t.Errorf("error %v, want %v", err, tt.want)
			}
		})
	}
}

// TestEditValidation: an edit that leaves the document unable to price lists every problem at
// its path with pricing's message (what `connector rules import` prints), and RuleFields gives
// the edited rule's problems by field.
func TestEditValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		edit       rules.Edit
		problems   []pricing.Problem
		ruleFields map[string][]string
	}{
		{
			name: "bad fields of a new rule",
			edit: rules.Create(1, pricing.Rule{Name: "", Match: pricing.Match{CostMin: "abc", Brands: []string{""}},
				Action: pricing.Action{MarkupPercent: "-1", MarginPercent: "10"}}),
			problems: []pricing.Problem{
				{Path: "rules[1].name", Message: "is required"},
				{Path: "rules[1].match.brands[0]", Message: "must not be empty"},
				{Path: "rules[1].match.cost_min", Message: `"abc" is not a decimal number`},
				{Path: "rules[1].markup_percent", Message: "must not be negative"},
				{Path: "rules[1]", Message: "markup_percent and margin_percent are both set; keep one"},
			},
			ruleFields: map[string][]string{
				"name": {"is required"}, "match.brands[0]": {"must not be empty"},
				"match.cost_min": {`"abc" is not a decimal number`}, "markup_percent": {"must not be negative"},
				"": {"markup_percent and margin_percent are both set; keep one"},
			},
		},
		{
			name: "a rule with no action and no condition",
			edit: rules.Update(2, pricing.Rule{Name: "Empty", Priority: 1}),
			problems: []pricing.Problem{
				{Path: "rules[2].match", Message: "has no condition; a rule for every product belongs in default"},
				{Path: "rules[2]", Message: `needs markup_percent or margin_percent (write "markup_percent": "0" to sell at cost)`},
			},
			ruleFields: map[string][]string{
				"":      {`needs markup_percent or margin_percent (write "markup_percent": "0" to sell at cost)`},
				"match": {"has no condition; a rule for every product belongs in default"},
			},
		},
		{
			// pricing names the later of two rules with one name; the edit is reported.
			name:       "a new first rule takes the name of another",
			edit:       rules.Create(0, rule("cases", 1, "x", "1")),
			problems:   []pricing.Problem{{Path: "rules[0].name", Message: `"cases" is already the name of rules[2]`}},
			ruleFields: map[string][]string{"name": {`"cases" is already the name of rules[2]`}},
		},
		{
			name:       "a renamed rule takes the name of an earlier one",
			edit:       rules.Update(2, rule("Notebooks", 30, "x", "1")),
			problems:   []pricing.Problem{{Path: "rules[2].name", Message: `"Notebooks" is already the name of rules[0]`}},
			ruleFields: map[string][]string{"name": {`"Notebooks" is already the name of rules[0]`}},
		},
		{
			name: "settings",
			edit: rules.ChangeSettings(rules.Settings{Currency: "XX", Rounding: pricing.Rounding{Step: "0"}, Default: pricing.Action{}}),
			problems: []pricing.Problem{
				{Path: "currency", Message: `unknown currency "XX"; want an ISO 4217 code such as USD or CLP`},
				{Path: "rounding.step", Message: "must be greater than 0"},
				{Path: "default", Message: `needs markup_percent or margin_percent (write "markup_percent": "0" to sell at cost)`},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := tt.edit.Apply(parse(t, baseDoc))
			var ve *rules.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("error %v, want a *rules.ValidationError", err)
			}
			if !errors.Is(err, store.ErrInvalid) {
				t.Error("the error is not store.ErrInvalid")
			}
			var pe *pricing.ValidationError
			if !errors.As(err, &pe) || !slices.Equal(pe.Problems, ve.Problems) {
				t.Error("the error does not carry a *pricing.ValidationError with the same problems")
			}
			if !slices.Equal(ve.Problems, tt.problems) {
				t.Errorf("problems:\n%v\nwant\n%v", ve.Problems, tt.problems)
			}
			if !reflect.DeepEqual(ve.RuleFields(), tt.ruleFields) {
				t.Errorf("rule fields %v, want %v", ve.RuleFields(), tt.ruleFields)
			}
			if want := (&pricing.ValidationError{Problems: tt.problems}).Error(); err.Error() != want {
				t.Errorf("message %q, want the CLI's %q", err.Error(), want)
			}
			fields := ve.Fields()
			for _, p := range tt.problems {
				if !slices.Contains(fields[p.Path], p.Message) {
					t.Errorf("Fields()[%q] = %v, lacks %q", p.Path, fields[p.Path], p.Message)
				}
			}
		})
	}
}

// TestParseImportMessages: a rules file imported through the core is refused with the problems
// and the text `connector rules import` prints, and one that is not JSON with pricing's message.
func TestParseImportMessages(t *testing.T) {
	t.Parallel()
	src := `{"currency":"XX","default":{},"rules":[{"name":"","margin_percent":"abc"}],"colour":"red"}`
	_, want := pricing.ParseRules(strings.NewReader(src))
	_, err := rules.ParseImport(strings.NewReader(src))
	var ve *rules.ValidationError
	if !errors.As(err, &ve) || err.Error() != want.Error() || ve.Rule != -1 {
		t.Fatalf("error %v\nwant %v", err, want)
	}
	if !slices.ContainsFunc(ve.Problems, func(p pricing.Problem) bool { return p.Path == "colour" }) {
		t.Errorf("problems %v lack the unknown field", ve.Problems)
	}
	_, want = pricing.ParseRules(strings.NewReader("{\n  nope"))
	_, err = rules.ParseImport(strings.NewReader("{\n  nope"))
	if err == nil || err.Error() != want.Error() || !errors.Is(err, store.ErrInvalid) {
		t.Errorf("error %v, want %v wrapping store.ErrInvalid", err, want)
	}
}
