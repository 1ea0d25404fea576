package main

import "github.com/intcomex-connector/connector/admin"

// logs builds the services of the web UI's Logs section: the store, whose api_calls the
// audited clients write (redacted when written). Without a store the section is not mounted.
func (d adminUIDeps) logs() admin.LogsDeps {
	return admin.LogsDeps{Store: d.st}
}
