package main

import "github.com/intcomex-connector/connector/admin"

// reports builds the services of the web UI's Reports section.
func (d adminUIDeps) reports() admin.ReportsDeps {
	return admin.ReportsDeps{}
}
