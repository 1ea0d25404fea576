package main

import "github.com/intcomex-connector/connector/admin"

// dashboard builds the services of the web UI's Dashboard section: it reads the store only.
func (d adminUIDeps) dashboard() admin.DashboardDeps {
	return admin.DashboardDeps{Store: d.st}
}
