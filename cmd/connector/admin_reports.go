package main

import "github.com/intcomex-connector/connector/admin"

// reports builds the services of the web UI's Reports section: it reads the store only.
func (d adminUIDeps) reports() admin.ReportsDeps {
	return admin.ReportsDeps{Store: d.st}
}
