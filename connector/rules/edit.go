package rules

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/pricing"
)

// Action names a kind of change to a shop's rules document; the audit trail records it.
type Action string

// The actions.
const (
	ActionCreate   Action = "create"   // a rule inserted at an index
	ActionUpdate   Action = "update"   // a rule replaced
	ActionMove     Action = "move"     // a rule moved to another index
	ActionDelete   Action = "delete"   // a rule removed
	ActionSettings Action = "settings" // currency, fx_rate, tax_rate, rounding or the default action
	ActionImport   Action = "import"   // the whole document replaced (a rules file)
)

// Edit is one change to a shop's rules document. Build it with Create, Update, Move, Delete,
// ChangeSettings or Import; Apply computes the document it makes, Service.Apply saves it.
type Edit struct {
	action   Action
	index    int // create: where the rule goes; update, move, delete: the rule's index
	to       int // move: where it goes
	rule     pricing.Rule
	settings Settings
	doc      *pricing.Rules
	revision *int64
}

// Settings are the fields of a rules document outside its rules.
type Settings struct {
	Currency string
	FXRate   pricing.Number
	TaxRate  pricing.Number
	Rounding pricing.Rounding
	Default  pricing.Action
}

// SettingsOf returns the settings of a rules document.
func SettingsOf(doc *pricing.Rules) Settings {
	return Settings{Currency: doc.Currency, FXRate: doc.FXRate, TaxRate: doc.TaxRate, Rounding: doc.Rounding, Default: doc.Default}
}

// Create inserts rule at index (0 to the number of rules; the number of rules appends).
func Create(index int, rule pricing.Rule) Edit {
	return Edit{action: ActionCreate, index: index, rule: rule}
}

// Update replaces the rule at index.
func Update(index int, rule pricing.Rule) Edit {
	return Edit{action: ActionUpdate, index: index, rule: rule}
}

// Move moves the rule at from to index to; the rules between shift by one. Rules are tried by
// priority (ties in file order), so a move that would put the rule among rules of other
// priorities takes the priority of its new neighbour as well (the one before it, else the one
// after it): where a person puts a rule is where it is tried, as long as the list was in the
// order it is tried in. Its priority stays when it already fits between its new neighbours.
func Move(from, to int) Edit {
	return Edit{action: ActionMove, index: from, to: to}
}

// Delete removes the rule at index.
func Delete(index int) Edit {
	return Edit{action: ActionDelete, index: index}
}

// ChangeSettings replaces the document's currency, fx_rate, tax_rate, rounding and default action.
func ChangeSettings(s Settings) Edit {
	return Edit{action: ActionSettings, settings: s}
}

// Import replaces the whole document (a rules file read with pricing.ParseRules or ParseImport).
func Import(doc *pricing.Rules) Edit {
	return Edit{action: ActionImport, doc: doc}
}

// ParseImport reads a rules file as `connector rules import` does (pricing.ParseRules: every
// problem listed with its path, the messages the CLI prints) and returns the Import edit.
func ParseImport(r io.Reader) (Edit, error) {
	doc, err := pricing.ParseRules(r)
	if err != nil {
		var ve *pricing.ValidationError
		if errors.As(err, &ve) {
			return Edit{}, &ValidationError{Problems: ve.Problems, Rule: -1}
		}
		return Edit{}, invalidFile{err}
	}
	return Import(doc), nil
}

// invalidFile is a rules file that could not be read (not JSON, too large): pricing's message
// as it is, and store.ErrInvalid.
type invalidFile struct{ err error }

func (e invalidFile) Error() string   { return e.err.Error() }
func (e invalidFile) Unwrap() []error { return []error{store.ErrInvalid, e.err} }

// IfRevision makes the edit apply only to the document at revision rev (Document.Revision, the
// id of the shop's newest audit entry): Service.Apply refuses it with store.ErrConflict when
// the rules changed since the person's form was read, so an index never names another rule.
func (e Edit) IfRevision(rev int64) Edit {
	e.revision = &rev
	return e
}

// Action is the kind of the edit.
func (e Edit) Action() Action { return e.action }

// Apply returns the document doc becomes with the edit; doc is not modified. An index out of
// range gives an error wrapping store.ErrNotFound (no such rule) or store.ErrInvalid (a place a
// rule cannot go); a result that cannot price gives a *ValidationError with every problem.
func (e Edit) Apply(doc *pricing.Rules) (*pricing.Rules, error) {
	if doc == nil {
		return nil, fmt.Errorf("rules: %w: nil document", store.ErrInvalid)
	}
	out := clone(doc)
	n := len(out.Rules)
	edited := -1
	switch e.action {
	case ActionCreate:
		if e.index < 0 || e.index > n {
			return nil, fmt.Errorf("rules: %w: a new rule goes at index 0 to %d, not %d", store.ErrInvalid, n, e.index)
		}
		out.Rules = slices.Insert(out.Rules, e.index, cloneRule(e.rule))
		edited = e.index
	case ActionUpdate:
		if err := checkIndex(e.index, n); err != nil {
			return nil, err
		}
		out.Rules[e.index] = cloneRule(e.rule)
		edited = e.index
	case ActionMove:
		if err := checkIndex(e.index, n); err != nil {
			return nil, err
		}
		if e.to < 0 || e.to >= n {
			return nil, fmt.Errorf("rules: %w: a rule moves to index 0 to %d, not %d", store.ErrInvalid, n-1, e.to)
		}
		r := out.Rules[e.index]
		out.Rules = slices.Insert(slices.Delete(out.Rules, e.index, e.index+1), e.to, r)
		fitPriority(out.Rules, e.to)
		edited = e.to
	case ActionDelete:
		if err := checkIndex(e.index, n); err != nil {
			return nil, err
		}
		out.Rules = slices.Delete(out.Rules, e.index, e.index+1)
	case ActionSettings:
		s := e.settings
		out.Currency, out.FXRate, out.TaxRate, out.Rounding, out.Default = s.Currency, s.FXRate, s.TaxRate, s.Rounding, s.Default
	case ActionImport:
		if e.doc == nil {
			return nil, fmt.Errorf("rules: %w: import of no document", store.ErrInvalid)
		}
		out = clone(e.doc)
	default:
		return nil, fmt.Errorf("rules: %w: no edit given", store.ErrInvalid)
	}
	normalize(out)
	if err := validate(out, edited); err != nil {
		return nil, err
	}
	return out, nil
}

func checkIndex(i, n int) error {
	if i < 0 || i >= n {
		return fmt.Errorf("rules: %w: no rule at index %d (the shop has %d)", store.ErrNotFound, i, n)
	}
	return nil
}

// fitPriority gives the rule at i the priority of a neighbour when its own would have it tried
// elsewhere than between them (see Move).
func fitPriority(rs []pricing.Rule, i int) {
	p := rs[i].Priority
	if i > 0 && p < rs[i-1].Priority {
		p = rs[i-1].Priority
	}
	if i+1 < len(rs) && p > rs[i+1].Priority {
		p = rs[i+1].Priority
	}
	rs[i].Priority = p
}

// TryOrder returns the indexes of the document's rules in the order they are tried: by
// priority, ties in file order.
func TryOrder(doc *pricing.Rules) []int {
	order := make([]int, len(doc.Rules))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(doc.Rules[a].Priority, doc.Rules[b].Priority) })
	return order
}

// clone deep-copies a rules document, so that an edit never shares a list with its input.
func clone(doc *pricing.Rules) *pricing.Rules {
	out := *doc
	out.Rules = nil
	for _, r := range doc.Rules {
		out.Rules = append(out.Rules, cloneRule(r))
	}
	return &out
}

func cloneRule(r pricing.Rule) pricing.Rule {
	r.Match.Brands = slices.Clone(r.Match.Brands)
	r.Match.Manufacturers = slices.Clone(r.Match.Manufacturers)
	r.Match.Types = slices.Clone(r.Match.Types)
	r.Match.SKUs = slices.Clone(r.Match.SKUs)
	return r
}

// normalize makes empty lists nil, as pricing.ParseRules and the store give them back, so that
// a document compares equal to itself saved and read again.
func normalize(doc *pricing.Rules) {
	for i := range doc.Rules {
		m := &doc.Rules[i].Match
		for _, list := range []*[]string{&m.Brands, &m.Manufacturers, &m.Types, &m.SKUs} {
			if len(*list) == 0 {
				*list = nil
			}
		}
	}
	if len(doc.Rules) == 0 {
		doc.Rules = nil
	}
}

// ValidationError lists every problem of a rules document, each at its path in the document
// ("rules[2].margin_percent", "rounding.step", "default"), with the messages `connector rules
// import` prints. It wraps store.ErrInvalid and a *pricing.ValidationError with the same
// problems.
type ValidationError struct {
	Problems []pricing.Problem
	// Rule is the index, in the edited document, of the rule an edit created, updated or moved;
	// -1 for other edits. RuleFields gives its problems.
	Rule int
}

// Error is the text `connector rules import` prints for the same problems.
func (e *ValidationError) Error() string {
	return (&pricing.ValidationError{Problems: e.Problems}).Error()
}

// Unwrap makes errors.Is(err, store.ErrInvalid) and errors.As(err, **pricing.ValidationError)
// hold.
func (e *ValidationError) Unwrap() []error {
	return []error{store.ErrInvalid, &pricing.ValidationError{Problems: e.Problems}}
}

// Fields maps each path with a problem to its messages, in the order found: what a form shows
// beside each field of the document ("" is the document as a whole).
func (e *ValidationError) Fields() map[string][]string {
	out := map[string][]string{}
	for _, p := range e.Problems {
		out[p.Path] = append(out[p.Path], p.Message)
	}
	return out
}

// RuleFields is Fields for the edited rule (Rule) alone, keyed by the path inside the rule:
// "name", "priority", "match", "match.category", "match.brands[1]", "margin_percent"; "" for the
// rule as a whole ("needs markup_percent or margin_percent"). Nil when no rule was edited.
func (e *ValidationError) RuleFields() map[string][]string {
	if e.Rule < 0 {
		return nil
	}
	prefix := fmt.Sprintf("rules[%d]", e.Rule)
	out := map[string][]string{}
	for _, p := range e.Problems {
		switch {
		case p.Path == prefix:
			out[""] = append(out[""], p.Message)
		case strings.HasPrefix(p.Path, prefix+"."):
			key := strings.TrimPrefix(p.Path, prefix+".")
			out[key] = append(out[key], p.Message)
		}
	}
	return out
}

// validate checks doc as pricing does. A name the edited rule shares with another is reported
// at the edited rule, whichever of the two comes first (pricing names the later one), with the
// message pricing would give it there.
func validate(doc *pricing.Rules, edited int) error {
	err := doc.Validate()
	if err == nil {
		return nil
	}
	var pe *pricing.ValidationError
	if !errors.As(err, &pe) {
		return fmt.Errorf("rules: %w", err)
	}
	problems := pe.Problems
	if edited >= 0 {
		problems = nil
		own := fmt.Sprintf("rules[%d].name", edited)
		moved := false
		for _, p := range pe.Problems {
			var k int
			if _, err := fmt.Sscanf(p.Path, "rules[%d].name", &k); err == nil && k != edited &&
				p.Path == fmt.Sprintf("rules[%d].name", k) &&
				p.Message == fmt.Sprintf("%q is already the name of rules[%d]", doc.Rules[k].Name, edited) {
				if !moved {
					problems = append(problems, pricing.Problem{Path: own,
						Message: fmt.Sprintf("%q is already the name of rules[%d]", doc.Rules[edited].Name, k)})
					moved = true
				}
				continue
			}
			problems = append(problems, p)
		}
	}
	return &ValidationError{Problems: problems, Rule: edited}
}
