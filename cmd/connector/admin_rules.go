package main

import (
	"github.com/intcomex-connector/connector/admin"
	"github.com/intcomex-connector/connector/connector/rules"
)

// rules builds the services of the web UI's Rules section: the rules core on the store, whose
// saves queue their push on the background's job client. Without a store or a job client the
// section stays unmounted.
func (d adminUIDeps) rules() admin.RulesDeps {
	if d.st == nil || d.bg == nil || d.bg.jobs == nil {
		return admin.RulesDeps{}
	}
	svc, err := rules.New(d.st, d.bg.jobs, d.logger.With("component", "rules"))
	if err != nil {
		d.logger.Error("admin UI: margin rules section", "err", err)
		return admin.RulesDeps{}
	}
	return admin.RulesDeps{Rules: svc}
}
