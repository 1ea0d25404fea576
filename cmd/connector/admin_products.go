package main

import "github.com/intcomex-connector/connector/admin"

// products builds the services of the web UI's Products section.
func (d adminUIDeps) products() admin.ProductsDeps {
	return admin.ProductsDeps{}
}
