package main

import "github.com/intcomex-connector/connector/admin"

// rules builds the services of the web UI's Rules section.
func (d adminUIDeps) rules() admin.RulesDeps {
	return admin.RulesDeps{}
}
