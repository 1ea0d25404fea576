package pricing

// ExplanationDoc is the JSON form of a Result's Explanation, decimals as text: what
// `connector pricing explain --json` and `connector products show --json` print and what the
// admin API returns. Lists are never null.
type ExplanationDoc struct {
	Rule     string    `json:"rule"`
	Priority int       `json:"priority"`
	Default  bool      `json:"default"`
	Matched  []string  `json:"matched"`
	Skipped  []SkipDoc `json:"skipped"`
	Steps    []StepDoc `json:"steps"`
}

// SkipDoc is a rule that did not match, and why.
type SkipDoc struct {
	Rule     string `json:"rule"`
	Priority int    `json:"priority"`
	Reason   string `json:"reason"`
}

// StepDoc is one intermediate value; the final step carries the price with exactly the
// currency's digits, as the storefront receives it.
type StepDoc struct {
	Step  string `json:"step"`
	Value string `json:"value"`
	Note  string `json:"note,omitempty"`
}

// Doc returns r's explanation in its JSON form.
func (r Result) Doc() ExplanationDoc {
	ex := r.Explanation
	doc := ExplanationDoc{Rule: ex.Rule, Priority: ex.Priority, Default: ex.Default,
		Matched: append([]string{}, ex.Matched...), Skipped: []SkipDoc{}, Steps: []StepDoc{}}
	for _, s := range ex.Skipped {
		doc.Skipped = append(doc.Skipped, SkipDoc(s))
	}
	for _, s := range ex.Steps {
		value := s.Value.String()
		if s.Name == "final" {
			value = r.String()
		}
		doc.Steps = append(doc.Steps, StepDoc{Step: s.Name, Value: value, Note: s.Note})
	}
	return doc
}
