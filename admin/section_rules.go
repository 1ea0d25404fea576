package admin

// RulesDeps are the services of the margin rules pages (/rules); main fills them.
type RulesDeps struct{}

// mountRules registers the margin rules pages (/rules) when its services are set.
func (u *UI) mountRules(rt Routes) {
	_ = rt
}
