package admin

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/intcomex-connector/connector/connector/rules"
	"github.com/intcomex-connector/connector/pricing"
)

// The rules editor has three modes: a rule (new or edited), the shop's pricing settings, and
// the review of an imported rules file.
const (
	rulesModeNew      = "new"
	rulesModeEdit     = "edit"
	rulesModeSettings = "settings"
	rulesModeImport   = "import"
)

// rulesField describes one control of the editor. Its Name is the form field's name and also
// the path of its problems inside the rule ("match.category", "margin_percent") or the document
// ("rounding.step", "default.markup_percent"), as the core's RuleFields and Fields key them.
type rulesField struct {
	Name  string
	ID    string
	Label string // translation key
	Hint  string // translation key, "" for none
	Kind  string // text, textarea, decimal, int
}

// rulesGroup is a fieldset of the editor; Key is the path of the problems that concern the group
// as a whole ("match": no condition; "" for the rule: no percentage; "default").
type rulesGroup struct {
	Legend string // translation key
	Key    string
	Fields []rulesField
}

var rulesRuleGroups = []rulesGroup{
	{Legend: "rules.group.rule", Key: "#rule", Fields: []rulesField{
		{Name: "name", ID: "rule-name", Label: "rules.field.name", Hint: "rules.hint.name", Kind: "text"},
		{Name: "priority", ID: "rule-priority", Label: "rules.field.priority", Hint: "rules.hint.priority", Kind: "int"},
	}},
	{Legend: "rules.group.match", Key: "match", Fields: []rulesField{
		{Name: "match.category", ID: "rule-category", Label: "rules.field.category", Hint: "rules.hint.category", Kind: "text"},
		{Name: "match.brands", ID: "rule-brands", Label: "rules.field.brands", Hint: "rules.hint.list", Kind: "text"},
		{Name: "match.manufacturers", ID: "rule-manufacturers", Label: "rules.field.manufacturers", Hint: "rules.hint.list", Kind: "text"},
		{Name: "match.types", ID: "rule-types", Label: "rules.field.types", Hint: "rules.hint.types", Kind: "text"},
		{Name: "match.skus", ID: "rule-skus", Label: "rules.field.skus", Hint: "rules.hint.skus", Kind: "textarea"},
		{Name: "match.cost_min", ID: "rule-cost-min", Label: "rules.field.cost_min", Hint: "rules.hint.cost", Kind: "decimal"},
		{Name: "match.cost_max", ID: "rule-cost-max", Label: "rules.field.cost_max", Hint: "rules.hint.cost", Kind: "decimal"},
	}},
	{Legend: "rules.group.action", Key: "", Fields: rulesActionFields("", "rule-")},
}

var rulesSettingsGroups = []rulesGroup{
	{Legend: "rules.group.currency", Key: "#currency", Fields: []rulesField{
		{Name: "currency", ID: "settings-currency", Label: "rules.field.currency", Hint: "rules.hint.currency", Kind: "text"},
		{Name: "fx_rate", ID: "settings-fx-rate", Label: "rules.field.fx_rate", Hint: "rules.hint.fx_rate", Kind: "decimal"},
		{Name: "tax_rate", ID: "settings-tax-rate", Label: "rules.field.tax_rate", Hint: "rules.hint.tax_rate", Kind: "decimal"},
	}},
	{Legend: "rules.group.rounding", Key: "rounding", Fields: []rulesField{
		{Name: "rounding.step", ID: "settings-rounding-step", Label: "rules.field.rounding_step", Hint: "rules.hint.rounding_step", Kind: "decimal"},
		{Name: "rounding.minus", ID: "settings-rounding-minus", Label: "rules.field.rounding_minus", Hint: "rules.hint.rounding_minus", Kind: "decimal"},
	}},
	{Legend: "rules.group.default", Key: "default", Fields: rulesActionFields("default.", "settings-")},
}

// rulesActionFields are the controls of an action (a rule's, or the default one at prefix "default.").
func rulesActionFields(prefix, idPrefix string) []rulesField {
	return []rulesField{
		{Name: prefix + "margin_percent", ID: idPrefix + "margin", Label: "rules.field.margin_percent", Hint: "rules.hint.margin_percent", Kind: "decimal"},
		{Name: prefix + "markup_percent", ID: idPrefix + "markup", Label: "rules.field.markup_percent", Hint: "rules.hint.markup_percent", Kind: "decimal"},
		{Name: prefix + "fixed_amount", ID: idPrefix + "fixed", Label: "rules.field.fixed_amount", Hint: "rules.hint.fixed_amount", Kind: "decimal"},
		{Name: prefix + "min_profit", ID: idPrefix + "min-profit", Label: "rules.field.min_profit", Hint: "rules.hint.min_profit", Kind: "decimal"},
	}
}

// rulesGroupsOf returns the editor's fieldsets in a mode (none for an import).
func rulesGroupsOf(mode string) []rulesGroup {
	switch mode {
	case rulesModeNew, rulesModeEdit:
		return rulesRuleGroups
	case rulesModeSettings:
		return rulesSettingsGroups
	}
	return nil
}

// ruleValues are a rule's fields as the form writes them.
func ruleValues(r pricing.Rule) url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("name", r.Name)
	v.Set("priority", strconv.Itoa(r.Priority))
	set("match.category", r.Match.Category)
	set("match.brands", strings.Join(r.Match.Brands, ", "))
	set("match.manufacturers", strings.Join(r.Match.Manufacturers, ", "))
	set("match.types", strings.Join(r.Match.Types, ", "))
	set("match.skus", strings.Join(r.Match.SKUs, "\n"))
	set("match.cost_min", string(r.Match.CostMin))
	set("match.cost_max", string(r.Match.CostMax))
	rulesActionValues(v, "", r.Action)
	return v
}

func rulesActionValues(v url.Values, prefix string, a pricing.Action) {
	for k, n := range map[string]pricing.Number{"markup_percent": a.MarkupPercent, "margin_percent": a.MarginPercent,
		"fixed_amount": a.FixedAmount, "min_profit": a.MinProfit} {
		if n != "" {
			v.Set(prefix+k, string(n))
		}
	}
}

// rulesSettingsValues are a document's settings as the form writes them.
func rulesSettingsValues(doc *pricing.Rules) url.Values {
	v := url.Values{}
	v.Set("currency", doc.Currency)
	v.Set("fx_rate", string(doc.FXRate))
	v.Set("tax_rate", string(doc.TaxRate))
	v.Set("rounding.step", string(doc.Rounding.Step))
	v.Set("rounding.minus", string(doc.Rounding.Minus))
	rulesActionValues(v, "default.", doc.Default)
	return v
}

// rulesList splits a list field: items are separated by commas or line breaks, trimmed, and
// empty ones dropped.
func rulesList(s string) []string {
	var out []string
	for item := range strings.FieldsFuncSeq(s, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' }) {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

func rulesNumber(v url.Values, key string) pricing.Number {
	return pricing.Number(strings.TrimSpace(v.Get(key)))
}

func rulesActionOf(v url.Values, prefix string) pricing.Action {
	return pricing.Action{MarkupPercent: rulesNumber(v, prefix+"markup_percent"), MarginPercent: rulesNumber(v, prefix+"margin_percent"),
		FixedAmount: rulesNumber(v, prefix+"fixed_amount"), MinProfit: rulesNumber(v, prefix+"min_profit")}
}

// ruleOf reads the rule of the form. A priority that is not a whole number is a problem at
// "priority" with the message the rules file gets for it (the rule is read with priority 0, so
// that its other problems are found as well).
func ruleOf(v url.Values) (pricing.Rule, []pricing.Problem) {
	var problems []pricing.Problem
	prio := 0
	if s := strings.TrimSpace(v.Get("priority")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			problems = append(problems, pricing.Problem{Path: "priority", Message: "must be a whole number"})
		} else {
			prio = n
		}
	}
	return pricing.Rule{
		Name:     strings.TrimSpace(v.Get("name")),
		Priority: prio,
		Match: pricing.Match{
			Category:      strings.TrimSpace(v.Get("match.category")),
			Brands:        rulesList(v.Get("match.brands")),
			Manufacturers: rulesList(v.Get("match.manufacturers")),
			Types:         rulesList(v.Get("match.types")),
			SKUs:          rulesList(v.Get("match.skus")),
			CostMin:       rulesNumber(v, "match.cost_min"),
			CostMax:       rulesNumber(v, "match.cost_max"),
		},
		Action: rulesActionOf(v, ""),
	}, problems
}

// rulesSettingsOf reads the settings of the form.
func rulesSettingsOf(v url.Values) rules.Settings {
	return rules.Settings{
		Currency: strings.TrimSpace(v.Get("currency")),
		FXRate:   rulesNumber(v, "fx_rate"),
		TaxRate:  rulesNumber(v, "tax_rate"),
		Rounding: pricing.Rounding{Step: rulesNumber(v, "rounding.step"), Minus: rulesNumber(v, "rounding.minus")},
		Default:  rulesActionOf(v, "default."),
	}
}

// rulesFormErrors are the problems of a submitted editor form: beside each field (by its name),
// for a fieldset as a whole (by its key), and the others (their document path and message, as
// the CLI prints them).
type rulesFormErrors struct {
	Fields  map[string][]string `json:"fields"`
	General []string            `json:"general"`
}

func (e rulesFormErrors) empty() bool { return len(e.Fields) == 0 && len(e.General) == 0 }

func (e *rulesFormErrors) add(key, msg string) {
	if e.Fields == nil {
		e.Fields = map[string][]string{}
	}
	if !slices.Contains(e.Fields[key], msg) {
		e.Fields[key] = append(e.Fields[key], msg)
	}
}

// rulesListIndex ends a path at a list item ("match.brands[1]"): its problems go beside the list.
var rulesListIndex = regexp.MustCompile(`\[\d+\]$`)

// rulesFormErrorsOf sorts a validation error's problems to the editor's fields in mode. prior are
// problems found reading the form (keys of the edited part, like RuleFields').
func rulesFormErrorsOf(mode string, ve *rules.ValidationError, prior []pricing.Problem) rulesFormErrors {
	keys := map[string]bool{}
	for _, g := range rulesGroupsOf(mode) {
		keys[g.Key] = true
		for _, f := range g.Fields {
			keys[f.Name] = true
		}
	}
	var out rulesFormErrors
	place := func(key, path, msg string) {
		key = rulesListIndex.ReplaceAllString(key, "")
		if keys[key] {
			out.add(key, msg)
			return
		}
		out.General = append(out.General, pricing.Problem{Path: path, Message: msg}.String())
	}
	for _, p := range prior {
		place(p.Path, p.Path, p.Message)
	}
	if ve == nil {
		return out
	}
	if mode == rulesModeNew || mode == rulesModeEdit {
		own := fmt.Sprintf("rules[%d]", ve.Rule)
		for _, p := range ve.Problems {
			switch {
			case ve.Rule >= 0 && p.Path == own:
				place("", p.Path, p.Message)
			case ve.Rule >= 0 && strings.HasPrefix(p.Path, own+"."):
				place(strings.TrimPrefix(p.Path, own+"."), p.Path, p.Message)
			default:
				out.General = append(out.General, p.String())
			}
		}
		return out
	}
	for _, p := range ve.Problems {
		if mode == rulesModeSettings {
			place(p.Path, p.Path, p.Message)
		} else {
			out.General = append(out.General, p.String())
		}
	}
	return out
}

// rulesEditOf builds the edit a submitted editor form asks for on doc (the shop's document as
// read now), with the form's revision when it has one. prior are the problems of reading the
// form itself; err is an import file that could not be read or a malformed index.
func rulesEditOf(mode string, v url.Values, doc rules.Document) (edit rules.Edit, prior []pricing.Problem, err error) {
	switch mode {
	case rulesModeNew, rulesModeEdit:
		r, problems := ruleOf(v)
		index, perr := strconv.Atoi(v.Get("index"))
		if perr != nil {
			if mode == rulesModeEdit {
				return rules.Edit{}, nil, errRulesIndex
			}
			index = len(doc.Rules.Rules)
		}
		if mode == rulesModeNew {
			edit = rules.Create(index, r)
		} else {
			edit = rules.Update(index, r)
		}
		prior = problems
	case rulesModeSettings:
		edit = rules.ChangeSettings(rulesSettingsOf(v))
	case rulesModeImport:
		edit, err = rules.ParseImport(strings.NewReader(v.Get("document")))
		if err != nil {
			return rules.Edit{}, nil, err
		}
	default:
		return rules.Edit{}, nil, errRulesMode
	}
	if rev, perr := strconv.ParseInt(v.Get("revision"), 10, 64); perr == nil {
		edit = edit.IfRevision(rev)
	}
	return edit, prior, nil
}

var (
	errRulesIndex = errors.New("admin: rules: the form names no rule")
	errRulesMode  = errors.New("admin: rules: the form names no kind of change")
)
