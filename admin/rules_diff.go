package admin

import (
	"slices"
	"strconv"
	"strings"

	"github.com/intcomex-connector/connector/connector/rules"
	"github.com/intcomex-connector/connector/pricing"
)

// rulesDiff compares the rules documents before and after an audited change, for people: the
// settings that changed, the rules added, removed and changed (by name, field by field), and
// whether the order changed. Before and After are the documents as the rules file writes them,
// shown side by side.
type rulesDiff struct {
	Settings []rulesFieldChange
	Added    []rulesRuleSummary
	Removed  []rulesRuleSummary
	Changed  []rulesRuleChange
	// OrderBefore and OrderAfter are the rule names in file order, set when the order of the
	// rules both documents have changed.
	OrderBefore, OrderAfter []string
	Before, After           string
}

// Empty reports a change that changed nothing a person can see (it does not happen: a save
// that changes nothing is not recorded).
func (d rulesDiff) Empty() bool {
	return len(d.Settings)+len(d.Added)+len(d.Removed)+len(d.Changed)+len(d.OrderAfter) == 0
}

// rulesFieldChange is one value before and after; Key is its label's translation key.
type rulesFieldChange struct {
	Key           string
	Before, After string
}

type rulesRuleSummary struct {
	Name     string
	Priority int
	Match    []rulesPair
	Action   []rulesPair
}

type rulesRuleChange struct {
	Name   string
	Fields []rulesFieldChange
}

// rulesDiffOf compares the change's documents.
func rulesDiffOf(ch rules.Change) (rulesDiff, error) {
	before, err := ch.BeforeRules()
	if err != nil {
		return rulesDiff{}, err
	}
	after, err := ch.AfterRules()
	if err != nil {
		return rulesDiff{}, err
	}
	d := rulesDiff{Before: ch.Before, After: ch.After}
	d.Settings = rulesCompare(rulesDocFields(before), rulesDocFields(after))

	key := func(r pricing.Rule) string { return strings.ToLower(strings.TrimSpace(r.Name)) }
	find := func(doc *pricing.Rules, name string) (pricing.Rule, bool) {
		i := slices.IndexFunc(doc.Rules, func(r pricing.Rule) bool { return key(r) == name })
		if i < 0 {
			return pricing.Rule{}, false
		}
		return doc.Rules[i], true
	}
	var keptBefore, keptAfter []string
	for _, r := range before.Rules {
		a, ok := find(after, key(r))
		if !ok {
			d.Removed = append(d.Removed, rulesSummaryOf(r))
			continue
		}
		keptBefore = append(keptBefore, key(r))
		if fields := rulesCompare(rulesRuleFields(r), rulesRuleFields(a)); len(fields) > 0 {
			d.Changed = append(d.Changed, rulesRuleChange{Name: a.Name, Fields: fields})
		}
	}
	for _, r := range after.Rules {
		if _, ok := find(before, key(r)); !ok {
			d.Added = append(d.Added, rulesSummaryOf(r))
			continue
		}
		keptAfter = append(keptAfter, key(r))
	}
	if !slices.Equal(keptBefore, keptAfter) {
		d.OrderBefore, d.OrderAfter = rulesNames(before), rulesNames(after)
	}
	return d, nil
}

func rulesNames(doc *pricing.Rules) []string {
	out := make([]string, len(doc.Rules))
	for i, r := range doc.Rules {
		out[i] = r.Name
	}
	return out
}

func rulesSummaryOf(r pricing.Rule) rulesRuleSummary {
	return rulesRuleSummary{Name: r.Name, Priority: r.Priority, Match: rulesMatchPairs(r.Match), Action: rulesActionPairs(r.Action)}
}

// rulesDocFields are a document's settings and default action, every one, in order.
func rulesDocFields(doc *pricing.Rules) []rulesPair {
	return append(rulesSettingsPairs(doc),
		rulesPair{"rules.diff.default_margin", string(doc.Default.MarginPercent)},
		rulesPair{"rules.diff.default_markup", string(doc.Default.MarkupPercent)},
		rulesPair{"rules.diff.default_fixed", string(doc.Default.FixedAmount)},
		rulesPair{"rules.diff.default_min_profit", string(doc.Default.MinProfit)},
	)
}

// rulesRuleFields are a rule's fields, every one, in order (its name aside).
func rulesRuleFields(r pricing.Rule) []rulesPair {
	m := r.Match
	return []rulesPair{
		{"rules.field.priority", strconv.Itoa(r.Priority)},
		{"rules.field.category", m.Category},
		{"rules.field.brands", strings.Join(m.Brands, ", ")},
		{"rules.field.manufacturers", strings.Join(m.Manufacturers, ", ")},
		{"rules.field.types", strings.Join(m.Types, ", ")},
		{"rules.field.skus", strings.Join(m.SKUs, ", ")},
		{"rules.field.cost_min", string(m.CostMin)},
		{"rules.field.cost_max", string(m.CostMax)},
		{"rules.field.margin_percent", string(r.MarginPercent)},
		{"rules.field.markup_percent", string(r.MarkupPercent)},
		{"rules.field.fixed_amount", string(r.FixedAmount)},
		{"rules.field.min_profit", string(r.MinProfit)},
		{"rules.diff.name", r.Name}, // a change of case only: the key ignores it
	}
}

// rulesCompare returns the fields whose values differ; both lists have the same keys in the same
// order.
func rulesCompare(before, after []rulesPair) []rulesFieldChange {
	var out []rulesFieldChange
	for i := range before {
		if before[i].Value != after[i].Value {
			out = append(out, rulesFieldChange{Key: before[i].Key, Before: before[i].Value, After: after[i].Value})
		}
	}
	return out
}
