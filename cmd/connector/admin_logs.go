package main

import "github.com/intcomex-connector/connector/admin"

// logs builds the services of the web UI's Logs section.
func (d adminUIDeps) logs() admin.LogsDeps {
	return admin.LogsDeps{}
}
